//! Withdrawal and payout attempt rows as [`Withdrawal`] and [`PayoutAttempt`].

use chrono::{DateTime, Utc};
use ledger::{AdminId, AttemptId, Currency, Money, PlayerId, TenantId, WithdrawalId};
use payout::{AttemptStatus, PayoutAttempt};
use uuid::Uuid;
use withdrawal::{Destination, FirstApproval, Withdrawal, WithdrawalState};

use crate::entities::{payout_attempt, withdrawal as row};
use crate::error::{StoreError, StoreResult};

/// A withdrawal row and its attempt rows (newest first) as the domain's withdrawal.
pub(crate) fn withdrawal(
    row: row::Model,
    attempts: Vec<payout_attempt::Model>,
) -> StoreResult<Withdrawal> {
    Ok(Withdrawal {
        id: WithdrawalId(row.id),
        tenant: TenantId(row.tenant_id),
        player: PlayerId(row.player_id),
        amount: amount(&row)?,
        state: state(&row)?,
        destination: Destination::stored(row.destination_type, row.destination_account),
        reject_reason: row.reject_reason,
        first_approval: first_approval(
            row.first_approved_by,
            row.first_approver_email,
            row.first_approved_at,
        ),
        attempts: attempts
            .into_iter()
            .map(attempt)
            .collect::<StoreResult<_>>()?,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// The stored first of two approvals (its columns are set together).
fn first_approval(
    by: Option<Uuid>,
    email: Option<String>,
    at: Option<DateTime<Utc>>,
) -> Option<FirstApproval> {
    Some(FirstApproval {
        by: AdminId(by?),
        email: email?,
        at: at?,
    })
}

/// An attempt row as the domain's attempt.
pub(crate) fn attempt(row: payout_attempt::Model) -> StoreResult<PayoutAttempt> {
    Ok(PayoutAttempt {
        id: AttemptId(row.id),
        status: attempt_status(&row)?,
        provider: row.provider,
        provider_ref: row.provider_ref,
        failure_code: row.failure_code,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// The stored state of a withdrawal row.
pub(crate) fn state(row: &row::Model) -> StoreResult<WithdrawalState> {
    WithdrawalState::parse(&row.state)
        .map_err(|_| StoreError::Corrupt(format!("withdrawals.state {:?}", row.state)))
}

/// The withdrawal's amount.
pub(crate) fn amount(row: &row::Model) -> StoreResult<Money> {
    let currency = Currency::parse(&row.currency)
        .map_err(|_| StoreError::Corrupt(format!("withdrawals.currency {:?}", row.currency)))?;
    Ok(Money::from_minor_units(row.amount_minor, currency))
}

/// The stored status of an attempt row.
pub(crate) fn attempt_status(row: &payout_attempt::Model) -> StoreResult<AttemptStatus> {
    AttemptStatus::parse(&row.status)
        .map_err(|_| StoreError::Corrupt(format!("payout_attempts.status {:?}", row.status)))
}
