//! Money: a decimal amount that fits its currency.

use std::fmt;

use rust_decimal::Decimal;

use crate::{Currency, LedgerError};

/// Longest amount string accepted from a client.
const AMOUNT_INPUT_LEN_MAX: usize = 40;

/// An amount in a currency, never with more fraction digits than the
/// currency has. May be zero or negative: postings, deltas and balances are
/// signed.
///
/// The amount is always stored with exactly the currency's minor-unit digits
/// as its scale, so its mantissa *is* the amount in minor units; arithmetic
/// works on that integer and never rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// `amount` in `currency`. Trailing zeros do not count (`10.500` EUR is
    /// fine), other digits beyond the currency's minor units do (`10.505` EUR
    /// is [`LedgerError::TooManyFractionDigits`]).
    pub fn new(amount: Decimal, currency: Currency) -> Result<Money, LedgerError> {
        let digits = currency.minor_units();
        let normalized = amount.normalize();
        let Some(missing_digits) = digits.checked_sub(normalized.scale()) else {
            return Err(LedgerError::TooManyFractionDigits {
                currency,
                minor_units: digits,
            });
        };
        let units = 10i128
            .checked_pow(missing_digits)
            .and_then(|factor| normalized.mantissa().checked_mul(factor))
            .ok_or(LedgerError::Overflow)?;
        Money::from_units(units, currency)
    }

    /// Zero in `currency`.
    pub fn zero(currency: Currency) -> Money {
        Money::from_minor_units(0, currency)
    }

    /// `units` minor units (cents) of `currency`.
    pub fn from_minor_units(units: i64, currency: Currency) -> Money {
        // An i64 always fits Decimal's 96-bit mantissa and minor units are at
        // most 3, far below Decimal's scale limit of 28, so this cannot panic.
        Money {
            amount: Decimal::new(units, currency.minor_units()),
            currency,
        }
    }

    /// The amount in minor units; [`LedgerError::Overflow`] if it does not
    /// fit an `i64`.
    pub fn to_minor_units(&self) -> Result<i64, LedgerError> {
        i64::try_from(self.units()).map_err(|_| LedgerError::Overflow)
    }

    /// Parses an amount sent by a client, strictly: ASCII digits with an
    /// optional `.` and fraction digits (`^[0-9]+(\.[0-9]+)?$`, at most 40
    /// characters). No sign, exponent, whitespace, separators, `.5` or `5.`;
    /// at most the currency's minor-unit digits (trailing zeros included, so
    /// `10.500` EUR is refused); greater than zero and at most `max`.
    pub fn parse_amount(
        input: &str,
        currency: Currency,
        max: Decimal,
    ) -> Result<Money, LedgerError> {
        if input.is_empty() {
            return Err(LedgerError::InvalidAmount("the amount is empty".into()));
        }
        if input.len() > AMOUNT_INPUT_LEN_MAX {
            return Err(LedgerError::InvalidAmount(format!(
                "the amount is longer than {AMOUNT_INPUT_LEN_MAX} characters"
            )));
        }
        if input.starts_with(['-', '+']) {
            return Err(LedgerError::InvalidAmount(
                "a sign is not accepted; send a positive amount such as \"10.50\"".into(),
            ));
        }
        let (whole, fraction) = input.split_once('.').unwrap_or((input, ""));
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(whole) || (input.contains('.') && !all_digits(fraction)) {
            return Err(LedgerError::InvalidAmount(
                "expected digits with an optional fraction, such as \"10.50\"; \
                 exponents, spaces and separators are not accepted"
                    .into(),
            ));
        }
        let digits = currency.minor_units() as usize;
        if fraction.len() > digits {
            return Err(LedgerError::TooManyFractionDigits {
                currency,
                minor_units: currency.minor_units(),
            });
        }
        // Built from the digits directly rather than through Decimal::from_str,
        // which may round long inputs instead of refusing them.
        let padding = std::iter::repeat_n(b'0', digits - fraction.len());
        let mut units: i128 = 0;
        for digit in whole.bytes().chain(fraction.bytes()).chain(padding) {
            units = units
                .checked_mul(10)
                .and_then(|u| u.checked_add(i128::from(digit - b'0')))
                .ok_or(LedgerError::AboveMaximum { max })?;
        }
        if units == 0 {
            return Err(LedgerError::NotPositive);
        }
        let money =
            Money::from_units(units, currency).map_err(|_| LedgerError::AboveMaximum { max })?;
        if money.amount > max {
            return Err(LedgerError::AboveMaximum { max });
        }
        Ok(money)
    }

    /// The decimal amount, with exactly the currency's minor-unit digits as scale.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Greater than zero.
    pub fn is_positive(&self) -> bool {
        self.units() > 0
    }

    /// Less than zero.
    pub fn is_negative(&self) -> bool {
        self.units() < 0
    }

    /// Exactly zero.
    pub fn is_zero(&self) -> bool {
        self.units() == 0
    }

    /// `self + other`; both must be in the same currency.
    pub fn checked_add(&self, other: &Money) -> Result<Money, LedgerError> {
        self.same_currency(other)?;
        let units = self
            .units()
            .checked_add(other.units())
            .ok_or(LedgerError::Overflow)?;
        Money::from_units(units, self.currency)
    }

    /// `self - other`; both must be in the same currency.
    pub fn checked_sub(&self, other: &Money) -> Result<Money, LedgerError> {
        self.same_currency(other)?;
        let units = self
            .units()
            .checked_sub(other.units())
            .ok_or(LedgerError::Overflow)?;
        Money::from_units(units, self.currency)
    }

    /// `-self`. Zero stays positive zero so it never prints as `-0.00`.
    pub fn negated(&self) -> Money {
        if self.is_zero() {
            *self
        } else {
            Money {
                amount: -self.amount,
                currency: self.currency,
            }
        }
    }

    /// The amount in minor units; exact because the scale is always the
    /// currency's minor units.
    pub(crate) fn units(&self) -> i128 {
        self.amount.mantissa()
    }

    /// Money of `units` minor units; [`LedgerError::Overflow`] beyond
    /// Decimal's 96-bit mantissa.
    pub(crate) fn from_units(units: i128, currency: Currency) -> Result<Money, LedgerError> {
        let amount = Decimal::try_from_i128_with_scale(units, currency.minor_units())
            .map_err(|_| LedgerError::Overflow)?;
        Ok(Money { amount, currency })
    }

    fn same_currency(&self, other: &Money) -> Result<(), LedgerError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(LedgerError::CurrencyMismatch {
                expected: self.currency,
                found: other.currency,
            })
        }
    }
}

impl fmt::Display for Money {
    /// Exactly the currency's digits: `10.50`, `100` (JPY), `1.250` (BHD), `-3.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not forwarded to Decimal's Display: a `{:.1}` from a caller must not
        // change the number of digits shown.
        write!(f, "{}", self.amount)
    }
}

#[cfg(test)]
mod tests;
