//! [`PaymentProvider`]: what Kasa needs from a PSP.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::PspError;
use crate::event::{DepositRequest, PayoutRequest, PspTransaction};
use crate::report::Report;

/// A payment service provider. Object safe: Kasa holds an `Arc<dyn PaymentProvider>`.
///
/// See [`PspError`] for which failures leave the outcome unknown.
#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// Provider name, as used in the webhook path (`/api/v1/webhooks/<name>`).
    fn name(&self) -> &str;

    /// Opens a deposit; the PSP answers `pending` and reports the outcome by webhook.
    async fn create_deposit(&self, req: &DepositRequest) -> Result<PspTransaction, PspError>;

    /// Sends a payout. `idempotency_key` is the payout attempt id: calling again with
    /// the same key returns the same payout and never creates a second one.
    async fn create_payout(
        &self,
        idempotency_key: &str,
        req: &PayoutRequest,
    ) -> Result<PspTransaction, PspError>;

    /// The deposit with Kasa's `reference`, `None` when the PSP does not know it.
    async fn get_deposit(&self, reference: &str) -> Result<Option<PspTransaction>, PspError>;

    /// The payout with Kasa's `reference` (attempt id), `None` when the PSP does not know it.
    async fn get_payout(&self, reference: &str) -> Result<Option<PspTransaction>, PspError>;

    /// Transactions last updated within `[from, to)`, for reconciliation. A line
    /// that cannot be read is returned in [`Report::unreadable`], not an error.
    async fn report(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Report, PspError>;
}
