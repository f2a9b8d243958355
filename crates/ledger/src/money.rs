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
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn max() -> Decimal {
        Decimal::new(1_000_000, 0)
    }

    fn parse(input: &str, currency: Currency) -> Result<Money, LedgerError> {
        Money::parse_amount(input, currency, max())
    }

    fn invalid_syntax(input: &str) -> bool {
        matches!(
            parse(input, Currency::EUR),
            Err(LedgerError::InvalidAmount(_))
        )
    }

    #[test]
    fn formats_every_currency_with_exactly_its_minor_digits() {
        let cases = [
            (1050, Currency::EUR, "10.50"),
            (-300, Currency::USD, "-3.00"),
            (0, Currency::GBP, "0.00"),
            (123_456_789, Currency::TRY, "1234567.89"),
            (100, Currency::JPY, "100"),
            (1250, Currency::BHD, "1.250"),
            (1, Currency::KWD, "0.001"),
        ];
        for (units, currency, shown) in cases {
            assert_eq!(
                Money::from_minor_units(units, currency).to_string(),
                shown,
                "{currency}"
            );
        }
        assert_eq!(
            format!("{:.1}", Money::from_minor_units(1050, Currency::EUR)),
            "10.50"
        );
    }

    #[test]
    fn zero_is_never_negative() {
        let zero = Money::zero(Currency::EUR);
        assert_eq!(zero.negated().to_string(), "0.00");
        let minus_zero = Money::new(Decimal::new(-0, 2), Currency::EUR).expect("zero");
        assert_eq!(minus_zero.to_string(), "0.00");
        let difference = Money::from_minor_units(-5, Currency::EUR)
            .checked_sub(&Money::from_minor_units(-5, Currency::EUR))
            .expect("in range");
        assert_eq!(difference.to_string(), "0.00");
        assert!(!zero.is_positive() && !zero.is_negative() && zero.is_zero());
    }

    #[test]
    fn new_accepts_trailing_zeros_and_refuses_extra_digits() {
        let m = Money::new(Decimal::new(10500, 3), Currency::EUR).expect("10.500 is 10.50");
        assert_eq!((m.to_string(), m.amount().scale()), ("10.50".to_owned(), 2));
        let whole = Money::new(Decimal::new(7, 0), Currency::BHD).expect("7 BHD");
        assert_eq!(
            (whole.to_string(), whole.amount().scale()),
            ("7.000".to_owned(), 3)
        );
        assert_eq!(
            Money::new(Decimal::new(10505, 3), Currency::EUR),
            Err(LedgerError::TooManyFractionDigits {
                currency: Currency::EUR,
                minor_units: 2
            })
        );
        assert_eq!(
            Money::new(Decimal::new(15, 1), Currency::JPY),
            Err(LedgerError::TooManyFractionDigits {
                currency: Currency::JPY,
                minor_units: 0
            })
        );
        assert_eq!(
            Money::new(Decimal::new(-1234, 3), Currency::KWD).map(|m| m.to_string()),
            Ok("-1.234".into())
        );
    }

    #[test]
    fn new_refuses_amounts_that_cannot_carry_the_minor_digits() {
        // Decimal::MAX has scale 0; with two more digits it no longer fits.
        assert_eq!(
            Money::new(Decimal::MAX, Currency::EUR),
            Err(LedgerError::Overflow)
        );
        let yen = Money::new(Decimal::MAX, Currency::JPY).expect("JPY has no minor digits");
        assert_eq!(yen.to_minor_units(), Err(LedgerError::Overflow));
    }

    #[test]
    fn parse_amount_accepts_plain_decimals() {
        let ok = |s: &str, c| parse(s, c).map(|m| m.to_string());
        assert_eq!(ok("10.5", Currency::EUR), Ok("10.50".into()));
        assert_eq!(ok("10", Currency::EUR), Ok("10.00".into()));
        assert_eq!(ok("007.10", Currency::EUR), Ok("7.10".into()));
        assert_eq!(ok("1500", Currency::JPY), Ok("1500".into()));
        assert_eq!(ok("0.001", Currency::BHD), Ok("0.001".into()));
        assert_eq!(ok("1000000.00", Currency::EUR), Ok("1000000.00".into()));
    }

    #[test]
    fn parse_amount_refuses_empty_and_overlong_input() {
        assert_eq!(
            parse("", Currency::EUR),
            Err(LedgerError::InvalidAmount("the amount is empty".into()))
        );
        assert!(invalid_syntax(&"1".repeat(41)));
        // 40 characters pass the length check and then fail on the maximum.
        assert!(matches!(
            parse(&"1".repeat(40), Currency::EUR),
            Err(LedgerError::AboveMaximum { .. })
        ));
    }

    #[test]
    fn parse_amount_refuses_signs() {
        for input in ["-1", "+1", "-0.50", "+10.00"] {
            assert!(invalid_syntax(input), "{input:?}");
        }
    }

    #[test]
    fn parse_amount_refuses_exponents_whitespace_and_separators() {
        let inputs = [
            "1e3", "1E3", "1.5e2", " 1", "1 ", "1\t", "1\n", "1,00", "1_000", "1'000", "0x10",
            "abc", "１", "NaN",
        ];
        for input in inputs {
            assert!(invalid_syntax(input), "{input:?}");
        }
    }

    #[test]
    fn parse_amount_refuses_a_bare_or_doubled_decimal_point() {
        for input in [".5", "5.", ".", "1.2.3", "1..2"] {
            assert!(invalid_syntax(input), "{input:?}");
        }
    }

    #[test]
    fn parse_amount_refuses_more_fraction_digits_than_the_currency_has() {
        let too_many = |c: Currency| LedgerError::TooManyFractionDigits {
            currency: c,
            minor_units: c.minor_units(),
        };
        assert_eq!(parse("10.505", Currency::EUR), Err(too_many(Currency::EUR)));
        assert_eq!(parse("10.500", Currency::EUR), Err(too_many(Currency::EUR)));
        assert_eq!(parse("1.5", Currency::JPY), Err(too_many(Currency::JPY)));
        assert_eq!(parse("1.0001", Currency::KWD), Err(too_many(Currency::KWD)));
    }

    #[test]
    fn parse_amount_refuses_zero() {
        for input in ["0", "0.00", "000", "0.0"] {
            assert_eq!(
                parse(input, Currency::EUR),
                Err(LedgerError::NotPositive),
                "{input:?}"
            );
        }
    }

    #[test]
    fn parse_amount_refuses_amounts_above_the_maximum() {
        let above = Err(LedgerError::AboveMaximum { max: max() });
        assert_eq!(parse("1000000.01", Currency::EUR), above);
        // Beyond i128 and beyond Decimal: still "above the maximum", not a syntax error.
        assert_eq!(parse(&"9".repeat(39), Currency::EUR), above);
        assert_eq!(parse(&"9".repeat(30), Currency::EUR), above);
    }

    #[test]
    fn every_parse_failure_has_a_message_for_the_user() {
        for input in ["", "-1", "1e3", ".5", "10.505", "0", "9999999"] {
            let err = parse(input, Currency::EUR).expect_err("refused");
            assert!(err.to_string().len() > 10, "{input:?}: {err}");
        }
    }

    #[test]
    fn arithmetic_is_checked_and_single_currency() {
        let a = Money::from_minor_units(150, Currency::EUR);
        let b = Money::from_minor_units(50, Currency::EUR);
        assert_eq!(
            a.checked_add(&b),
            Ok(Money::from_minor_units(200, Currency::EUR))
        );
        assert_eq!(
            b.checked_sub(&a),
            Ok(Money::from_minor_units(-100, Currency::EUR))
        );
        assert_eq!(a.negated(), Money::from_minor_units(-150, Currency::EUR));
        let usd = Money::from_minor_units(1, Currency::USD);
        assert_eq!(
            a.checked_add(&usd),
            Err(LedgerError::CurrencyMismatch {
                expected: Currency::EUR,
                found: Currency::USD
            })
        );
        assert_eq!(
            a.checked_sub(&usd),
            Err(LedgerError::CurrencyMismatch {
                expected: Currency::EUR,
                found: Currency::USD
            })
        );
        let huge = Money::new(Decimal::MAX, Currency::JPY).expect("fits");
        assert_eq!(
            huge.checked_add(&Money::from_minor_units(1, Currency::JPY)),
            Err(LedgerError::Overflow)
        );
        assert_eq!(
            huge.negated()
                .checked_sub(&Money::from_minor_units(1, Currency::JPY)),
            Err(LedgerError::Overflow)
        );
    }

    fn currency() -> impl Strategy<Value = Currency> {
        proptest::sample::select(Currency::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn minor_units_round_trip(units in any::<i64>(), c in currency()) {
            let money = Money::from_minor_units(units, c);
            prop_assert_eq!(money.to_minor_units(), Ok(units));
            prop_assert_eq!(money.amount().scale(), c.minor_units());
        }

        #[test]
        fn display_and_parse_amount_round_trip(units in 1i64.., c in currency()) {
            let money = Money::from_minor_units(units, c);
            prop_assert_eq!(Money::parse_amount(&money.to_string(), c, Decimal::MAX), Ok(money));
        }

        #[test]
        fn new_keeps_the_value_and_fixes_the_scale(mantissa in any::<i64>(), scale in 0u32..4, c in currency()) {
            let amount = Decimal::new(mantissa, scale);
            match Money::new(amount, c) {
                Ok(money) => {
                    prop_assert_eq!(money.amount(), amount);
                    prop_assert_eq!(money.amount().scale(), c.minor_units());
                }
                Err(e) => {
                    prop_assert!(amount.normalize().scale() > c.minor_units());
                    prop_assert_eq!(e, LedgerError::TooManyFractionDigits { currency: c, minor_units: c.minor_units() });
                }
            }
        }

        #[test]
        fn arithmetic_matches_integer_arithmetic(a in any::<i64>(), b in any::<i64>(), c in currency()) {
            let (ma, mb) = (Money::from_minor_units(a, c), Money::from_minor_units(b, c));
            let sum = ma.checked_add(&mb).map(|m| m.units());
            let difference = ma.checked_sub(&mb).map(|m| m.units());
            prop_assert_eq!(sum, Ok(i128::from(a) + i128::from(b)));
            prop_assert_eq!(difference, Ok(i128::from(a) - i128::from(b)));
        }
    }
}
