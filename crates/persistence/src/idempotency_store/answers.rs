//! What a request finds when its key has a record: the stored answer, and
//! what to do about it.

use serde::de::DeserializeOwned;

use super::Lease;
use crate::error::StoreResult;
use crate::outcome::{self, Idempotent, Replayed};

/// A completed record's answer as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StoredAnswer {
    /// An encoded outcome or refusal (`crate::outcome`).
    Encoded(String),
    /// An answer stored as status and body, before outcomes were.
    Legacy {
        /// Status sent.
        status: u16,
        /// Body sent.
        body: String,
    },
}

impl StoredAnswer {
    /// The answer as `T`'s use-case gives it.
    pub(crate) fn decode<T: DeserializeOwned>(self) -> StoreResult<Replayed<T>> {
        match self {
            StoredAnswer::Encoded(stored) => outcome::decode(&stored),
            StoredAnswer::Legacy { status, body } => Ok(Replayed::Legacy { status, body }),
        }
    }
}

/// What an earlier request with the key means for this one: replay its
/// answer (`R`), or refuse this one.
#[derive(Debug)]
pub enum Earlier<R> {
    /// Answer as the earlier request was answered.
    Replay(R),
    /// Same key, different request: 422.
    Reused,
    /// Same key, first request still running: 409.
    InFlight,
}

impl Earlier<StoredAnswer> {
    /// The earlier answer as `T`'s use-case gives it.
    pub(crate) fn decode<T: DeserializeOwned>(self) -> StoreResult<Earlier<Replayed<T>>> {
        Ok(match self {
            Earlier::Replay(stored) => Earlier::Replay(stored.decode()?),
            Earlier::Reused => Earlier::Reused,
            Earlier::InFlight => Earlier::InFlight,
        })
    }
}

impl<T> From<Earlier<Replayed<T>>> for Idempotent<T> {
    fn from(earlier: Earlier<Replayed<T>>) -> Self {
        match earlier {
            Earlier::Replay(replayed) => Idempotent::Replay(replayed),
            Earlier::Reused => Idempotent::Reused,
            Earlier::InFlight => Idempotent::InFlight,
        }
    }
}

/// What to do with an incoming idempotent request whose use-case calls the
/// PSP mid-way.
#[derive(Debug)]
pub enum Begin<T> {
    /// Process it; complete or release the lease afterwards.
    Start(Lease),
    /// Do not: an earlier request with the key answers for it.
    Earlier(Earlier<Replayed<T>>),
}
