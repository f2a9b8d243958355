//! Pure rules of idempotent requests, as Kasa's contract states the IETF
//! `Idempotency-Key` draft:
//!
//! * the key is required: absent or not 1..=255 printable ASCII characters
//!   is `400 idempotency_key_missing` ([`IdempotencyKey::parse`]);
//! * keys are scoped by (tenant, principal, key);
//! * the same key with the same method, path and body replays the stored
//!   status and body; with a different method, path or body it is
//!   `422 idempotency_key_reused`; while the first request is still being
//!   processed it is `409 idempotency_key_in_flight` ([`decide`], comparing
//!   [`fingerprint`]s);
//! * a request that failed with a 5xx before any effect leaves no stored
//!   result, so it may be retried with the same key.
//!
//! No I/O and no clock: callers pass stored records and the current time in.

mod canonical;
mod decision;
mod error;
mod fingerprint;
mod key;

pub use decision::{Decision, ExistingRecord, RecordState, decide};
pub use error::IdempotencyError;
pub use fingerprint::{Fingerprint, fingerprint};
pub use key::{IdempotencyKey, KEY_LEN_MAX};
