//! The status of one payout attempt.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::PayoutError;

/// Where one payout attempt stands. Stored and serialized by its lowercase
/// name ([`AttemptStatus::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttemptStatus {
    /// The PSP accepted the payout and has not finished it.
    Pending,
    /// The PSP paid. Terminal.
    Succeeded,
    /// The PSP declined or failed the payout; no money left. Terminal.
    Failed,
    /// No usable answer (5xx, timeout, connection error): the PSP may or may
    /// not have the payout. Resolved only by a webhook or a recheck.
    Unknown,
}

impl AttemptStatus {
    /// Every status.
    pub const ALL: [AttemptStatus; 4] = [
        AttemptStatus::Pending,
        AttemptStatus::Succeeded,
        AttemptStatus::Failed,
        AttemptStatus::Unknown,
    ];

    /// Stored name (`pending`, `succeeded`, `failed`, `unknown`), the same as
    /// its serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::Pending => "pending",
            AttemptStatus::Succeeded => "succeeded",
            AttemptStatus::Failed => "failed",
            AttemptStatus::Unknown => "unknown",
        }
    }

    /// Parses a stored name exactly (no other case or spelling).
    pub fn parse(raw: &str) -> Result<Self, PayoutError> {
        AttemptStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
            .ok_or_else(|| PayoutError::unknown_status(raw))
    }

    /// Whether the attempt is finished for good: `succeeded` or `failed`.
    /// A terminal attempt never changes status again.
    pub fn is_terminal(self) -> bool {
        match self {
            AttemptStatus::Succeeded | AttemptStatus::Failed => true,
            AttemptStatus::Pending | AttemptStatus::Unknown => false,
        }
    }
}

impl fmt::Display for AttemptStatus {
    /// The stored name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AttemptStatus {
    type Err = PayoutError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AttemptStatus::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    fn deserialize(raw: &str) -> Result<AttemptStatus, DeError> {
        let deserializer: StrDeserializer<'_, DeError> = raw.into_deserializer();
        AttemptStatus::deserialize(deserializer)
    }

    #[test]
    fn names_round_trip_through_parse_display_and_serde() {
        let names: Vec<&str> = AttemptStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["pending", "succeeded", "failed", "unknown"]);
        for status in AttemptStatus::ALL {
            assert_eq!(AttemptStatus::parse(status.as_str()), Ok(status));
            assert_eq!(status.as_str().parse::<AttemptStatus>(), Ok(status));
            assert_eq!(status.to_string(), status.as_str());
            assert_eq!(deserialize(status.as_str()), Ok(status));
        }
    }

    #[test]
    fn parse_refuses_other_spellings() {
        for raw in ["", "Pending", "SUCCEEDED", "success", "failed ", "declined"] {
            assert_eq!(
                AttemptStatus::parse(raw),
                Err(PayoutError::UnknownStatus(raw.into())),
                "{raw:?}"
            );
            assert!(deserialize(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn only_succeeded_and_failed_are_terminal() {
        let terminal: Vec<AttemptStatus> = AttemptStatus::ALL
            .into_iter()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(terminal, [AttemptStatus::Succeeded, AttemptStatus::Failed]);
    }
}
