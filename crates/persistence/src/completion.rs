//! An idempotent request's outcome stored with its effects: the lease of the
//! request, completed inside the transaction that commits them.

use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::error::StoreResult;
use crate::idempotency_store::{self, Lease};
use crate::outcome::encode_outcome;

/// The lease to complete inside a use-case's transaction.
pub struct Completion<'a> {
    lease: &'a Lease,
}

impl<'a> Completion<'a> {
    /// Completes `lease` with the outcome of the use-case.
    pub fn new(lease: &'a Lease) -> Self {
        Self { lease }
    }

    /// Stores `outcome` inside `txn` (before its commit).
    pub(crate) async fn complete_in<C: ConnectionTrait, T: Serialize>(
        self,
        txn: &C,
        outcome: &T,
    ) -> StoreResult<()> {
        idempotency_store::complete(txn, self.lease, &encode_outcome(outcome)?).await
    }
}

/// Completes `completion`, if any, inside `txn` with `outcome`.
pub(crate) async fn complete_optional<C: ConnectionTrait, T: Serialize>(
    completion: Option<Completion<'_>>,
    txn: &C,
    outcome: &T,
) -> StoreResult<()> {
    if let Some(completion) = completion {
        completion.complete_in(txn, outcome).await?;
    }
    Ok(())
}
