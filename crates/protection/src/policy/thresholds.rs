//! Per-currency thresholds: at most one positive amount per currency.

use std::collections::BTreeMap;

use ledger::{Currency, LedgerError, Money};
use rust_decimal::Decimal;

use crate::ThresholdError;

/// Largest threshold amount accepted: 10¹² units of any currency, so that
/// every threshold fits `i64` minor units (stored form) with room to add.
/// (Written as its 96-bit parts because `Decimal::new` is not `const`:
/// 10¹² = 232 · 2³² + 3 567 587 328; a test checks it.)
pub const THRESHOLD_AMOUNT_MAX: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// A per-currency threshold map. Empty switches the rule off; a currency
/// without an entry has no threshold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Thresholds(BTreeMap<Currency, Money>);

impl Thresholds {
    /// No threshold at all (the rule is off).
    pub fn none() -> Thresholds {
        Thresholds(BTreeMap::new())
    }

    /// Thresholds from amounts, each in its own currency: every amount
    /// positive and at most [`THRESHOLD_AMOUNT_MAX`], one per currency.
    pub fn new(amounts: impl IntoIterator<Item = Money>) -> Result<Thresholds, ThresholdError> {
        let mut map = BTreeMap::new();
        for amount in amounts {
            let currency = amount.currency();
            let error = if !amount.is_positive() {
                Some(LedgerError::NotPositive)
            } else if amount.amount() > THRESHOLD_AMOUNT_MAX {
                Some(LedgerError::AboveMaximum {
                    max: THRESHOLD_AMOUNT_MAX,
                })
            } else {
                None
            };
            if let Some(error) = error {
                return Err(ThresholdError::Amount { currency, error });
            }
            if map.insert(currency, amount).is_some() {
                return Err(ThresholdError::Duplicate(currency));
            }
        }
        Ok(Thresholds(map))
    }

    /// Thresholds from the contract's JSON entries (`"EUR": "2000.00"`), in
    /// order: the code parsed by the ledger, the amount strictly by
    /// [`Money::parse_amount`] (positive, the currency's digits at most, at
    /// most [`THRESHOLD_AMOUNT_MAX`]), one entry per currency.
    pub fn parse<'a>(
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Thresholds, ThresholdError> {
        let mut amounts = Vec::new();
        for (code, amount) in entries {
            let currency = Currency::parse(code).map_err(ThresholdError::UnknownCurrency)?;
            let money = Money::parse_amount(amount, currency, THRESHOLD_AMOUNT_MAX)
                .map_err(|error| ThresholdError::Amount { currency, error })?;
            amounts.push(money);
        }
        Thresholds::new(amounts)
    }

    /// The threshold for `currency`, if it has one.
    pub fn get(&self, currency: Currency) -> Option<Money> {
        self.0.get(&currency).copied()
    }

    /// Whether no currency has a threshold (the rule is off).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The thresholds, by currency.
    pub fn iter(&self) -> impl Iterator<Item = Money> + '_ {
        self.0.values().copied()
    }
}
