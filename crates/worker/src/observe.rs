//! Asking the PSP about a payout attempt, shared by the recheck endpoint and
//! the scheduled recheck job so both apply the same observation.

use payout::Observation;
use psp::{PaymentProvider, PspError, PspStatus, PspTransaction};
use uuid::Uuid;

/// What a PSP transaction says about the attempt.
pub fn observation_of(tx: &PspTransaction) -> Observation {
    match tx.status {
        PspStatus::Pending => Observation::Pending,
        PspStatus::Succeeded => Observation::Succeeded,
        PspStatus::Failed => Observation::Failed {
            failure_code: tx.failure_code.clone(),
        },
    }
}

/// Asks the PSP for the attempt's current status (`NotFound` when it has no record).
pub async fn observe_payout(
    psp: &dyn PaymentProvider,
    attempt_id: Uuid,
) -> Result<Observation, PspError> {
    match psp.get_payout(&attempt_id.to_string()).await? {
        Some(tx) => Ok(observation_of(&tx)),
        None => Ok(Observation::NotFound),
    }
}
