//! The idempotency protocol as the API uses it, on [`Db`]: the lease of a
//! request whose use-case calls the PSP mid-way, and the refusals stored so
//! that a retry with the key is answered the same. Use-cases that are one
//! database transaction claim their key themselves (`Db::request_withdrawal`).

use std::time::Duration;

use idempotency::Fingerprint;
use serde::de::DeserializeOwned;

use crate::db::Db;
use crate::error::StoreResult;
use crate::idempotency_store::{self, Begin, IdempotencyScope, Lease};
use crate::outcome::{Refusal, encode_refusal};

impl Db {
    /// Claims the key of a request whose use-case calls the PSP: commits an
    /// in-flight record with a lease of `lease`, or says what an earlier
    /// request with the key answers (its outcome decoded as `T`).
    pub async fn begin_key<T: DeserializeOwned>(
        &self,
        scope: &IdempotencyScope,
        fingerprint: &Fingerprint,
        lease: Duration,
    ) -> StoreResult<Begin<T>> {
        idempotency_store::begin(self.conn(), scope, fingerprint, lease).await
    }

    /// Extends `lease` to `length` from now while its request still works.
    pub async fn renew_key(&self, lease: &Lease, length: Duration) -> StoreResult<()> {
        idempotency_store::renew(self.conn(), lease, length).await
    }

    /// Lets go of a request that failed before committing (a 5xx): the key
    /// may be retried, resuming any resource the request created.
    pub async fn release_key(&self, lease: &Lease) -> StoreResult<()> {
        idempotency_store::release(self.conn(), lease).await
    }

    /// Completes `lease` with a refusal (nothing was committed).
    pub async fn refuse(&self, lease: &Lease, refusal: &Refusal) -> StoreResult<()> {
        idempotency_store::complete(self.conn(), lease, &encode_refusal(refusal)?).await
    }

    /// Stores the refusal of a one-transaction request whose transaction
    /// rolled back; a record the key got meanwhile stays.
    pub async fn record_refusal(
        &self,
        scope: &IdempotencyScope,
        fingerprint: &Fingerprint,
        refusal: &Refusal,
    ) -> StoreResult<()> {
        let answer = encode_refusal(refusal)?;
        idempotency_store::record_completed(self.conn(), scope, fingerprint, &answer).await
    }

    /// Deletes idempotency records older than `retention`; returns how many.
    pub async fn purge_idempotency_records(&self, retention: Duration) -> StoreResult<u64> {
        idempotency_store::purge(self.conn(), retention).await
    }
}
