//! The strings a game provider sends, checked once at the edge.
//!
//! Each type can only be made by its `parse` (or serde, which calls it), so a
//! value that exists is valid: the rules and storage never check them again.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::GameInputError;

/// Longest provider slug.
pub const PROVIDER_SLUG_LEN_MAX: usize = 64;
/// Longest provider transaction id.
pub const TRANSACTION_ID_LEN_MAX: usize = 255;
/// Longest round id.
pub const ROUND_ID_LEN_MAX: usize = 255;
/// Longest game code.
pub const GAME_CODE_LEN_MAX: usize = 128;
/// Shortest session token.
pub const SESSION_TOKEN_LEN_MIN: usize = 16;
/// Longest session token.
pub const SESSION_TOKEN_LEN_MAX: usize = 256;
/// Characters of a session token that its `Debug` shows.
const SESSION_TOKEN_SHOWN: usize = 4;

/// Declares a checked string type: `parse`, `as_str`, and serde as a string
/// through `TryFrom<String>`.
macro_rules! checked_string {
    ($(#[$doc:meta])* $name:ident, $valid:expr, $error:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Checks `raw` (nothing is trimmed or changed).
            pub fn parse(raw: &str) -> Result<$name, GameInputError> {
                let valid: fn(&str) -> bool = $valid;
                if valid(raw) {
                    Ok($name(raw.to_owned()))
                } else {
                    Err($error)
                }
            }

            /// The string as sent.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = GameInputError;

            fn try_from(raw: String) -> Result<Self, Self::Error> {
                $name::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

/// Declares `Debug` and `Display` showing the string as it is.
macro_rules! shown_string {
    ($name:ident) => {
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

fn printable_ascii(raw: &str, len_max: usize) -> bool {
    (1..=len_max).contains(&raw.len()) && raw.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

fn slug(raw: &str) -> bool {
    let mut bytes = raw.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    first_ok
        && raw.len() <= PROVIDER_SLUG_LEN_MAX
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn url_safe_token(raw: &str) -> bool {
    (SESSION_TOKEN_LEN_MIN..=SESSION_TOKEN_LEN_MAX).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

checked_string!(
    /// A game provider's slug, unique per tenant: 1 to 64 of `a-z`, `0-9`,
    /// `_`, `-`, starting with a letter or digit. It never contains a colon,
    /// so it is safe inside a ledger account code (`house:games:<slug>:<CUR>`).
    ProviderSlug,
    slug,
    GameInputError::ProviderSlug
);
shown_string!(ProviderSlug);

checked_string!(
    /// A provider's id of one of its transactions (bet, win, rollback),
    /// unique per (tenant, provider) forever: 1 to 255 printable ASCII
    /// characters.
    ProviderTransactionId,
    |raw| printable_ascii(raw, TRANSACTION_ID_LEN_MAX),
    GameInputError::TransactionId
);
shown_string!(ProviderTransactionId);

checked_string!(
    /// A provider's id of a game round: 1 to 255 printable ASCII characters.
    RoundId,
    |raw| printable_ascii(raw, ROUND_ID_LEN_MAX),
    GameInputError::RoundId
);
shown_string!(RoundId);

checked_string!(
    /// A provider's code of a game: 1 to 128 printable ASCII characters.
    GameCode,
    |raw| printable_ascii(raw, GAME_CODE_LEN_MAX),
    GameInputError::GameCode
);
shown_string!(GameCode);

checked_string!(
    /// A game session's bearer token, opaque: 16 to 256 URL-safe characters
    /// (`A-Z`, `a-z`, `0-9`, `-`, `.`, `_`, `~`).
    ///
    /// It has no `Display`, and its `Debug` shows only the first four
    /// characters, so a token in a log line or an error is never whole.
    SessionToken,
    url_safe_token,
    GameInputError::SessionToken
);

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every character is ASCII, so a byte slice is a character slice.
        let shown = self.0.get(..SESSION_TOKEN_SHOWN).unwrap_or_default();
        write!(f, "SessionToken(\"{shown}…\")")
    }
}

#[cfg(test)]
mod tests;
