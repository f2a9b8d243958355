//! Settling a pending mock transaction later: its scripted outcome, the
//! webhook that announces it, and the duplicate or contradicting ones a script asks for.

use std::time::Duration;

use chrono::Utc;

use super::{
    DEFAULT_FAILURE_CODE, MockPsp, MockStatus, MockTransaction, Operation, Outcome, Script, webhook,
};
use crate::event::EventType;

impl MockPsp {
    /// After the delay, moves a pending transaction to its scripted outcome and
    /// announces it by webhook.
    pub(super) fn settle_later(
        &self,
        generation: u64,
        op: Operation,
        tx: &MockTransaction,
        script: Script,
    ) {
        let (duplicate, contradict) = (script.duplicate, script.contradict);
        let delay = script
            .delay_ms
            .map_or(self.inner.delay, Duration::from_millis);
        let (status, event_type, failure_code) = match (script.outcome, op) {
            (Outcome::Fail, Operation::Deposit) => (
                MockStatus::Failed,
                EventType::DepositFailed,
                script.failure_code,
            ),
            (Outcome::Fail, Operation::Payout) => (
                MockStatus::Failed,
                EventType::PayoutFailed,
                script.failure_code,
            ),
            (_, Operation::Deposit) => (MockStatus::Succeeded, EventType::DepositSucceeded, None),
            (_, Operation::Payout) => (MockStatus::Succeeded, EventType::PayoutSucceeded, None),
        };
        let failure_code = match status {
            MockStatus::Failed => {
                Some(failure_code.unwrap_or_else(|| DEFAULT_FAILURE_CODE.to_owned()))
            }
            _ => None,
        };
        let psp = self.clone();
        let (reference, id) = (tx.reference.clone(), tx.id.clone());
        self.spawn(async move {
            tokio::time::sleep(delay).await;
            let event = {
                let mut state = psp.lock();
                if state.generation != generation {
                    return;
                }
                let Some(tx) = state.transactions(op).get_mut(&reference) else {
                    return;
                };
                if tx.id != id || tx.status != MockStatus::Pending {
                    return;
                }
                tx.status = status;
                tx.failure_code = failure_code;
                tx.updated_at = Utc::now();
                webhook::new_event(event_type, tx)
            };
            psp.deliver_webhook(&event).await;
            if duplicate {
                psp.deliver_webhook(&event).await;
            }
            if let Some(late) = contradict
                .then(|| webhook::contradicting_event(&event))
                .flatten()
            {
                tokio::time::sleep(delay).await;
                if psp.lock().generation == generation {
                    psp.deliver_webhook(&late).await;
                }
            }
        });
    }
}
