//! ISO 4217 currencies with their minor units.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::LedgerError;

/// A supported currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Currency {
    /// Euro.
    EUR,
    /// US dollar.
    USD,
    /// Pound sterling.
    GBP,
    /// Turkish lira.
    TRY,
    /// Japanese yen (no minor unit).
    JPY,
    /// Bahraini dinar (three digits).
    BHD,
    /// Kuwaiti dinar (three digits).
    KWD,
}

impl Currency {
    /// Every supported currency.
    pub const ALL: [Currency; 7] = [
        Currency::EUR,
        Currency::USD,
        Currency::GBP,
        Currency::TRY,
        Currency::JPY,
        Currency::BHD,
        Currency::KWD,
    ];

    /// The ISO code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::EUR => "EUR",
            Currency::USD => "USD",
            Currency::GBP => "GBP",
            Currency::TRY => "TRY",
            Currency::JPY => "JPY",
            Currency::BHD => "BHD",
            Currency::KWD => "KWD",
        }
    }

    /// Digits after the decimal point.
    pub fn minor_units(self) -> u32 {
        match self {
            Currency::JPY => 0,
            Currency::BHD | Currency::KWD => 3,
            _ => 2,
        }
    }

    /// Parses an exact upper-case ISO code.
    pub fn parse(code: &str) -> Result<Currency, LedgerError> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code() == code)
            .ok_or_else(|| LedgerError::UnknownCurrency(code.chars().take(16).collect()))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = LedgerError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::parse(&code).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_minor_units_are_right() {
        for c in Currency::ALL {
            assert_eq!(Currency::parse(c.code()), Ok(c));
            assert_eq!(c.to_string(), c.code());
        }
        let digits: Vec<u32> = Currency::ALL.iter().map(|c| c.minor_units()).collect();
        assert_eq!(digits, [2, 2, 2, 2, 0, 3, 3]);
        assert!(matches!(
            Currency::parse("eur"),
            Err(LedgerError::UnknownCurrency(_))
        ));
        assert!(matches!(
            Currency::parse("XXX"),
            Err(LedgerError::UnknownCurrency(_))
        ));
    }

    #[test]
    fn from_str_matches_parse() {
        assert_eq!("KWD".parse::<Currency>(), Ok(Currency::KWD));
        assert_eq!(
            " EUR".parse::<Currency>(),
            Err(LedgerError::UnknownCurrency(" EUR".into()))
        );
    }

    #[test]
    fn serde_uses_the_code() {
        assert_eq!(
            serde_json::to_string(&Currency::TRY).ok().as_deref(),
            Some("\"TRY\"")
        );
        assert_eq!(
            serde_json::from_str::<Currency>("\"BHD\"").ok(),
            Some(Currency::BHD)
        );
        assert!(serde_json::from_str::<Currency>("\"bhd\"").is_err());
    }
}
