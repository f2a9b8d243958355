//! Kasa's pure audit chain rules.
//!
//! Each tenant (and the platform) has hash chains of audit events: an event
//! stores the previous event's hash and its own SHA-256 over a canonical,
//! length-prefixed encoding of its fields ([`event_hash`]). A tenant's chain
//! is split into lanes so players' own actions do not queue behind each
//! other's commits ([`chain_of`]). No I/O: persistence maps its rows to
//! [`AuditEvent`], locks chain heads and stores the events.

mod chain;
mod hash;

pub use chain::{PLATFORM_CHAIN, PLAYER_LANES, belongs_to, chain_of, lane_of};
pub use hash::{AuditEvent, GENESIS_HASH, HASH_VERSION, event_hash};
