//! `POST /admin/withdrawals/{id}/payouts` and `…/recheck`: the payout
//! attempt, the PSP's create call or status question, and its answer.

use std::sync::Arc;

use ledger::WithdrawalId;
use payout::{AttemptStatus, Observation};
use persistence::audit::AuditContext;
use persistence::idempotency_store::Lease;
use persistence::{PayoutReply, TenantScope, Visibility};
use psp::{PaymentProvider, PayoutRequest, PspError};
use serde_json::json;
use withdrawal::Withdrawal;
use worker::{observation_of, observe_payout};

use crate::idempotent::renewing;
use crate::problem::ApiError;
use crate::providers::{Purpose, named_account, provider_for, provider_named};
use crate::state::AppState;

/// Starts (or retries) a payout of an approved withdrawal of `tenant`.
///
/// A retry of a request that started an attempt resumes that attempt: the
/// create is re-sent, with the attempt id as the PSP's idempotency key, only
/// while the attempt still waits for its first answer.
pub async fn start_payout(
    state: &AppState,
    (tenant, id, account): (TenantScope, WithdrawalId, Option<String>),
    lease: Lease,
    audit: AuditContext,
) -> Result<Withdrawal, ApiError> {
    let (started, resend, psp) = match lease.resource() {
        Some(attempt_id) => {
            let started = state
                .db
                .payout_to_resume(ledger::AttemptId(attempt_id))
                .await?;
            let waiting = started.attempt.status == AttemptStatus::Pending;
            let psp = provider_named(state, Purpose::Payout, &started.attempt.provider).await?;
            (started, waiting, psp)
        }
        None => {
            let psp = match named_account(account.as_deref()) {
                // The default account needs no tenant: no read before the payout's own.
                None => Arc::clone(&state.psp),
                Some(slug) => {
                    let owner = state
                        .db
                        .withdrawal(Visibility::Tenant(tenant), id)
                        .await?
                        .ok_or(ApiError::NotFound("withdrawal"))?
                        .tenant;
                    provider_for(state, (owner, Purpose::Payout), Some(slug)).await?
                }
            };
            let started = state
                .db
                .start_payout(tenant, id, psp.name(), &lease, &audit)
                .await?;
            (started, true, psp)
        }
    };
    let (w, attempt) = (&started.withdrawal, &started.attempt);
    let reply = if resend {
        let request = PayoutRequest {
            reference: attempt.id.to_string(),
            amount: w.amount.to_string(),
            currency: w.amount.currency().code().to_owned(),
            destination: json!({"type": w.destination.kind(), "account": w.destination.account()}),
        };
        let reply = renewing(state, &lease, payout_reply(psp.as_ref(), &request)).await;
        count_attempt(&reply);
        reply
    } else {
        PayoutReply::Unknown
    };
    Ok(state
        .db
        .record_payout_reply(attempt.id, reply, &lease)
        .await?)
}

/// Asks the PSP about the latest attempt of a withdrawal of `tenant` and
/// applies the answer through the same path as a webhook.
pub async fn recheck_payout(
    state: &AppState,
    (tenant, id): (TenantScope, WithdrawalId),
    lease: Lease,
    audit: AuditContext,
) -> Result<Withdrawal, ApiError> {
    let attempt = state.db.latest_attempt(tenant, id).await?.ok_or_else(|| {
        ApiError::InvalidStateTransition("the withdrawal has no payout attempt to recheck".into())
    })?;
    let psp = provider_named(state, Purpose::Payout, &attempt.provider).await?;
    let observation = observe_payout(psp.as_ref(), attempt.id.0)
        .await
        .map_err(|e| {
            tracing::warn!(attempt_id = %attempt.id, error = %e, "recheck: PSP did not answer");
            ApiError::PspUnavailable
        })?;
    Ok(state
        .db
        .record_recheck(attempt.id, observation, Some(&lease), &audit)
        .await?)
}

/// Counts a payout create call by what the PSP answered (one of
/// [`crate::metrics::catalog::PAYOUT_OUTCOMES`]).
fn count_attempt(reply: &PayoutReply) {
    let outcome = match reply {
        PayoutReply::Answered {
            observation: Observation::Failed { .. },
            ..
        } => "failed",
        PayoutReply::Answered {
            observation: Observation::Succeeded,
            ..
        } => "succeeded",
        PayoutReply::Answered { .. } => "pending",
        PayoutReply::Unknown => "unknown",
    };
    metrics::counter!(crate::metrics::catalog::PAYOUT_ATTEMPTS, "outcome" => outcome).increment(1);
}

/// What the PSP answered to a payout's create call (sent with the attempt id
/// as its idempotency key, so a re-send never pays twice).
async fn payout_reply(psp: &dyn PaymentProvider, request: &PayoutRequest) -> PayoutReply {
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
