//! Calls to the PSP and what their answers mean: deposit and payout creates
//! (fresh or resumed); asking about a payout attempt is the worker crate's.

use payout::Observation;
use persistence::{PayoutReply, PspAnswer};
use psp::{DepositRequest, PaymentProvider, PayoutRequest, PspError};

// Asking about an attempt lives with the job worker (the scheduled recheck
// uses it too); the recheck endpoint reaches it from here.
pub use worker::{observation_of, observe_payout};

/// What the PSP answered to a deposit's create call.
pub async fn deposit_answer(psp: &dyn PaymentProvider, request: &DepositRequest) -> PspAnswer {
    match psp.create_deposit(request).await {
        Ok(created) => PspAnswer::Accepted {
            provider_ref: created.id,
        },
        Err(PspError::Declined { code, .. }) => PspAnswer::Declined { failure_code: code },
        Err(e) => {
            tracing::warn!(deposit_id = %request.reference, error = %e, "PSP answer unknown; deposit stays pending");
            PspAnswer::Unknown
        }
    }
}

/// Resumes a deposit an earlier request with the same key created: a deposit
/// whose PSP answer was recorded needs nothing; else the PSP is asked for the
/// reference, and only if it does not know it is the create re-sent, with the
/// same reference (the PSP keys deposits on it), so no second charge arises.
pub async fn resumed_deposit_answer(
    psp: &dyn PaymentProvider,
    pending_without_answer: bool,
    request: &DepositRequest,
) -> PspAnswer {
    if !pending_without_answer {
        return PspAnswer::Unknown;
    }
    match psp.get_deposit(&request.reference).await {
        Ok(Some(known)) => PspAnswer::Accepted {
            provider_ref: known.id,
        },
        Ok(None) => deposit_answer(psp, request).await,
        Err(e) => {
            tracing::warn!(deposit_id = %request.reference, error = %e, "PSP did not answer the resumed deposit; it stays pending");
            PspAnswer::Unknown
        }
    }
}

/// What the PSP answered to a payout's create call (sent with the attempt id
/// as its idempotency key, so a re-send never pays twice).
pub async fn payout_reply(psp: &dyn PaymentProvider, request: &PayoutRequest) -> PayoutReply {
    match psp.create_payout(&request.reference, request).await {
        Ok(tx) => PayoutReply::Answered {
            observation: observation_of(&tx),
            provider_ref: Some(tx.id),
        },
        Err(PspError::Declined { code, .. }) => PayoutReply::Answered {
            observation: Observation::Failed {
                failure_code: Some(code),
            },
            provider_ref: None,
        },
        Err(e) => {
            tracing::warn!(attempt_id = %request.reference, error = %e, "payout outcome unknown; resolve by webhook or recheck");
            PayoutReply::Unknown
        }
    }
}
