//! [`Money`] as stored data: `{"amount_minor": 1050, "currency": "EUR"}`.
//!
//! Minor units and the currency code are exact and cannot be misread (a
//! decimal string could be re-scaled, a float rounded). This is the form of
//! stored outcomes (an idempotent request's answer), not of API bodies, which
//! show decimal strings.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Currency, Money};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    amount_minor: i64,
    currency: Currency,
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let amount_minor = self.to_minor_units().map_err(serde::ser::Error::custom)?;
        Stored {
            amount_minor,
            currency: self.currency(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = Stored::deserialize(deserializer)?;
        Ok(Money::from_minor_units(
            stored.amount_minor,
            stored.currency,
        ))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn money_is_stored_as_minor_units_and_code() {
        let money = Money::from_minor_units(1050, Currency::EUR);
        assert_eq!(
            serde_json::to_string(&money).ok().as_deref(),
            Some(r#"{"amount_minor":1050,"currency":"EUR"}"#)
        );
    }

    #[test]
    fn an_unknown_currency_or_field_is_refused() {
        assert!(serde_json::from_str::<Money>(r#"{"amount_minor":1,"currency":"XXX"}"#).is_err());
        assert!(
            serde_json::from_str::<Money>(r#"{"amount_minor":1,"currency":"EUR","x":1}"#).is_err()
        );
    }

    proptest! {
        #[test]
        fn every_amount_round_trips(units in any::<i64>(), pick in 0usize..3) {
            let currency = [Currency::EUR, Currency::JPY, Currency::BHD][pick];
            let money = Money::from_minor_units(units, currency);
            let json = serde_json::to_string(&money).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back: Money = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(back, money);
        }
    }
}
