//! The mock as an in-process [`PaymentProvider`]: the engine's answers, after
//! the scripted answer delay.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{MockPsp, Submission};
use crate::error::PspError;
use crate::event::{DepositRequest, PayoutRequest, PspTransaction};
use crate::provider::PaymentProvider;
use crate::report::Report;

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
        Ok(self.deposit(reference).map(PspTransaction::bounded))
    }

    async fn get_payout(&self, reference: &str) -> Result<Option<PspTransaction>, PspError> {
        Ok(self.payout(reference).map(PspTransaction::bounded))
    }

    async fn report(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Report, PspError> {
        // Same answer as the HTTP server gives, read the way HttpProvider reads it.
        if from > to {
            return Err(PspError::declined(400, "invalid_window"));
        }
        Ok(Report::from_lines(self.report_lines(from, to)))
    }
}

/// The in-process answer, bounded as a parsed HTTP answer would be.
fn into_result(submission: Submission) -> Result<PspTransaction, PspError> {
    match submission {
        Submission::Accepted(tx) => Ok(tx.bounded()),
        Submission::Declined { status, code } => Err(PspError::declined(status, code)),
        Submission::TimedOut(_) => Err(PspError::Unavailable("timeout".to_owned())),
    }
}
