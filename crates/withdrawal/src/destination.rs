//! Where a withdrawal is paid to, checked once at the edge.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest destination kind (`bank_account`, `card`, `e_wallet`, ...).
pub const DESTINATION_KIND_LEN_MAX: usize = 32;
/// Longest destination account, in characters.
pub const DESTINATION_ACCOUNT_LEN_MAX: usize = 64;
/// Characters of the account that masked forms keep (the last ones).
const ACCOUNT_SHOWN: usize = 4;

/// A destination that is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestinationError {
    /// The kind is empty, too long, or has other characters than `a-z`, `_`.
    #[error("destination.type must be 1 to 32 of a-z and _")]
    Kind,
    /// The account is empty (after trimming), too long, or has control characters.
    #[error("destination.account must be 1 to 64 printable characters")]
    Account,
}

/// A withdrawal's destination: its kind and the account at it. Its `Debug`
/// masks the account (only the last four characters show), so a destination
/// in a log line or an error never carries a full card or IBAN number.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destination {
    kind: String,
    account: String,
}

impl Destination {
    /// Checks a destination sent by a client: `kind` of 1..32 `a-z`/`_`;
    /// `account` trimmed, of 1..64 characters, none of them control characters.
    pub fn parse(kind: &str, account: &str) -> Result<Destination, DestinationError> {
        let kind_ok = (1..=DESTINATION_KIND_LEN_MAX).contains(&kind.len())
            && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        if !kind_ok {
            return Err(DestinationError::Kind);
        }
        let account = account.trim();
        let account_ok = !account.is_empty()
            && account.chars().count() <= DESTINATION_ACCOUNT_LEN_MAX
            && !account.chars().any(char::is_control);
        if !account_ok {
            return Err(DestinationError::Account);
        }
        Ok(Destination {
            kind: kind.to_owned(),
            account: account.to_owned(),
        })
    }

    /// A destination read back from storage, as it was written (it was
    /// checked by [`Destination::parse`] then).
    pub fn stored(kind: String, account: String) -> Destination {
        Destination { kind, account }
    }

    /// Its kind.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The full account: for the PSP and for the owner's and admins' views only.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The account with all but its last four characters masked.
    pub fn masked_account(&self) -> String {
        let count = self.account.chars().count();
        let shown: String = self
            .account
            .chars()
            .skip(count.saturating_sub(ACCOUNT_SHOWN))
            .collect();
        format!("{}{shown}", "*".repeat(count.saturating_sub(ACCOUNT_SHOWN)))
    }
}

impl fmt::Debug for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Destination")
            .field("kind", &self.kind)
            .field("account", &self.masked_account())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn kinds_and_accounts_are_checked() {
        assert!(Destination::parse("bank_account", "DE89370400440532013000").is_ok());
        assert_eq!(Destination::parse("", "x"), Err(DestinationError::Kind));
        assert_eq!(Destination::parse("Bank", "x"), Err(DestinationError::Kind));
        assert_eq!(
            Destination::parse(&"a".repeat(33), "x"),
            Err(DestinationError::Kind)
        );
        assert_eq!(
            Destination::parse("card", "  "),
            Err(DestinationError::Account)
        );
        assert_eq!(
            Destination::parse("card", "12\u{7}34"),
            Err(DestinationError::Account)
        );
        assert_eq!(
            Destination::parse("card", &"é".repeat(65)),
            Err(DestinationError::Account)
        );
        assert!(Destination::parse("card", &"é".repeat(64)).is_ok());
    }

    #[test]
    fn the_account_is_trimmed() {
        let d = Destination::parse("card", "  4111 ").ok();
        assert_eq!(d.as_ref().map(Destination::account), Some("4111"));
    }

    #[test]
    fn debug_masks_the_account() {
        let d = Destination::parse("bank_account", "DE89370400440532013000").ok();
        let shown = format!("{d:?}");
        assert!(shown.contains("******************3000"), "{shown}");
        assert!(!shown.contains("DE8937"), "{shown}");
    }

    proptest! {
        #[test]
        fn debug_never_shows_more_than_the_last_four(account in "[A-Z0-9]{5,64}") {
            let d = Destination::parse("card", &account).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let hidden = account.len() - 4;
            let masked = format!("{}{}", "*".repeat(hidden), &account[hidden..]);
            prop_assert_eq!(d.masked_account(), masked.clone());
            let shown = format!("{d:?}");
            prop_assert!(shown.contains(&masked));
            prop_assert!(!shown.contains(&account));
        }
    }
}
