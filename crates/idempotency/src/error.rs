//! Why an `Idempotency-Key` is refused.

/// Why an `Idempotency-Key` is refused; both answer
/// `400 idempotency_key_missing`. Messages can be shown to API users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdempotencyError {
    /// No key: the header is absent or empty.
    #[error("the Idempotency-Key header is required")]
    Missing,
    /// A key that breaks the rules; the reason says which.
    #[error("invalid Idempotency-Key: {0}")]
    Invalid(String),
}
