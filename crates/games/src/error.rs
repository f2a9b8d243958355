//! Everything the game-wallet rules refuse to read.

/// Longest part of a refused input kept in an error message.
const INPUT_ECHO_LEN_MAX: usize = 40;

/// A value from a game provider (or from storage) that is not one.
///
/// Messages are written to be shown to an API user as they are; none of
/// them echoes a session token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GameInputError {
    /// Not 1 to 64 of `a-z`, `0-9`, `_`, `-`, starting with a letter or digit.
    #[error("provider must be 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit")]
    ProviderSlug,
    /// Not 1 to 255 printable ASCII characters.
    #[error("transaction_id must be 1 to 255 printable ASCII characters")]
    TransactionId,
    /// Not 1 to 255 printable ASCII characters.
    #[error("round_id must be 1 to 255 printable ASCII characters")]
    RoundId,
    /// Not 1 to 128 printable ASCII characters.
    #[error("game must be 1 to 128 printable ASCII characters")]
    GameCode,
    /// Not 16 to 256 URL-safe characters (`A-Z`, `a-z`, `0-9`, `-`, `.`, `_`, `~`).
    #[error("session must be 16 to 256 URL-safe characters")]
    SessionToken,
    /// Not a known game status code.
    #[error("unknown game status {0:?}")]
    UnknownStatus(String),
    /// Not a known game transaction kind.
    #[error("unknown game transaction kind {0:?}")]
    UnknownKind(String),
    /// Not a known game transaction state.
    #[error("unknown game transaction state {0:?}")]
    UnknownState(String),
}

/// `raw` shortened so that a huge input does not end up in logs or
/// responses whole.
pub(crate) fn echo(raw: &str) -> String {
    raw.chars().take(INPUT_ECHO_LEN_MAX).collect()
}
