//! An idempotent request's answer stored with its effects: the lease of the
//! request and how to render the answer from what the transaction wrote.

use sea_orm::ConnectionTrait;

use crate::error::{StoreError, StoreResult};
use crate::idempotency_store::{self, Lease, StoredResponse};

/// Renders the answer to store from the row a transaction wrote.
pub type RenderRow<'a, T> = Box<dyn FnOnce(&T) -> Result<StoredResponse, String> + Send + 'a>;

/// The lease to complete inside a use-case's transaction, and its answer.
pub struct Completion<'a, T> {
    lease: &'a Lease,
    render: RenderRow<'a, T>,
}

impl<'a, T> Completion<'a, T> {
    /// Completes `lease` with the answer `render` makes of the written row.
    pub fn new(lease: &'a Lease, render: RenderRow<'a, T>) -> Self {
        Self { lease, render }
    }

    /// Stores the answer inside `txn` (before its commit) and returns it.
    pub(crate) async fn complete_in<C: ConnectionTrait>(
        self,
        txn: &C,
        row: &T,
    ) -> StoreResult<StoredResponse> {
        let response = (self.render)(row).map_err(StoreError::Corrupt)?;
        idempotency_store::complete(txn, self.lease, &response).await?;
        Ok(response)
    }
}

/// Completes `completion`, if any, inside `txn`.
pub(crate) async fn complete_optional<C: ConnectionTrait, T>(
    completion: Option<Completion<'_, T>>,
    txn: &C,
    row: &T,
) -> StoreResult<()> {
    if let Some(completion) = completion {
        completion.complete_in(txn, row).await?;
    }
    Ok(())
}
