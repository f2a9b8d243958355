//! `POST /me/deposits`: a pending deposit, the PSP's create call, its answer.

use ::deposit::Deposit;
use ledger::{DepositId, Money, PlayerId, TenantId};
use persistence::audit::AuditContext;
use persistence::idempotency_store::Lease;
use persistence::{NewDeposit, PspAnswer};
use psp::{DepositRequest, PaymentProvider, PspError};

use crate::idempotent::renewing;
use crate::problem::ApiError;
use crate::providers::{Purpose, provider_for, provider_named};
use crate::state::AppState;

/// A player asks to deposit `amount` into their wallet.
#[derive(Debug, Clone, Copy)]
pub struct RequestDeposit {
    /// Tenant of the player.
    pub tenant: TenantId,
    /// The depositing player.
    pub player: PlayerId,
    /// Amount; its currency must be the wallet's.
    pub amount: Money,
}

/// The provider account a new deposit asks for (`None`: the default).
pub type AccountChoice = Option<String>;

/// Creates the deposit (or resumes the one an earlier request with the same
/// key created), asks the PSP for it outside any transaction, and records the
/// answer. Every PSP call runs with the lease renewed.
pub async fn request_deposit(
    state: &AppState,
    (command, account): (RequestDeposit, AccountChoice),
    lease: Lease,
    audit: AuditContext,
) -> Result<Deposit, ApiError> {
    let (created, answer) = match lease.resource() {
        Some(id) => {
            let created = state
                .db
                .deposit_to_resume(command.player, DepositId(id))
                .await?;
            let psp = provider_named(state, Purpose::Deposit, &created.provider).await?;
            let request = psp_request(&created);
            let ask = resumed_deposit_answer(psp.as_ref(), created.awaits_psp_answer(), &request);
            (created, renewing(state, &lease, ask).await)
        }
        None => {
            let psp = provider_for(
                state,
                (command.tenant, Purpose::Deposit),
                account.as_deref(),
            )
            .await?;
            let new = NewDeposit {
                tenant_id: command.tenant,
                player: command.player,
                amount: command.amount,
                provider: psp.name().to_owned(),
            };
            let created = state.db.create_deposit(new, &lease).await?;
            metrics::counter!(crate::metrics::catalog::DEPOSITS_CREATED, "currency" => command.amount.currency().code())
                .increment(1);
            let request = psp_request(&created);
            let ask = deposit_answer(psp.as_ref(), &request);
            (created, renewing(state, &lease, ask).await)
        }
    };
    Ok(state
        .db
        .record_deposit_answer(created.id, answer, &lease, &audit)
        .await?)
}

/// The PSP's create request of a stored deposit (its id is the reference).
fn psp_request(created: &Deposit) -> DepositRequest {
    DepositRequest {
        reference: created.id.to_string(),
        amount: created.amount.to_string(),
        currency: created.amount.currency().code().to_owned(),
    }
}

/// What the PSP answered to a deposit's create call.
async fn deposit_answer(psp: &dyn PaymentProvider, request: &DepositRequest) -> PspAnswer {
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
async fn resumed_deposit_answer(
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
