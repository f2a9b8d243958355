//! [`PaymentProvider`] of the in-process mock: the engine's answers, after
//! the scripted answer delay.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{MockPsp, Submission};
use crate::error::PspError;
use crate::event::{DepositRequest, PayoutRequest, PspTransaction, ReportItem};
use crate::provider::PaymentProvider;

impl MockPsp {
    /// Waits out the answer delay set by [`MockPsp::set_answer_delay`].
    async fn answer_later(&self) {
        let delay = self.lock().answer_delay;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }
}

#[async_trait]
impl PaymentProvider for MockPsp {
    fn name(&self) -> &str {
        &self.inner.name
    }

    async fn create_deposit(&self, req: &DepositRequest) -> Result<PspTransaction, PspError> {
        let submission = self.submit_deposit(req);
        self.answer_later().await;
        into_result(submission)
    }

    async fn create_payout(
        &self,
        idempotency_key: &str,
        req: &PayoutRequest,
    ) -> Result<PspTransaction, PspError> {
        let submission = self.submit_payout(idempotency_key, req);
        self.answer_later().await;
        into_result(submission)
    }

    async fn get_deposit(&self, reference: &str) -> Result<Option<PspTransaction>, PspError> {
        Ok(self.deposit(reference))
    }

    async fn get_payout(&self, reference: &str) -> Result<Option<PspTransaction>, PspError> {
        Ok(self.payout(reference))
    }

    async fn report(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ReportItem>, PspError> {
        // Same answer as the HTTP server gives.
        if from > to {
            return Err(PspError::Declined {
                status: 400,
                code: "invalid_window".to_owned(),
            });
        }
        Ok(MockPsp::report(self, from, to))
    }
}

fn into_result(submission: Submission) -> Result<PspTransaction, PspError> {
    match submission {
        Submission::Accepted(tx) => Ok(tx),
        Submission::Declined { status, code } => Err(PspError::Declined { status, code }),
        Submission::TimedOut(_) => Err(PspError::Unavailable("timeout".to_owned())),
    }
}
