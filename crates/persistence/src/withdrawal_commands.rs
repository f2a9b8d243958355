//! The commands people issue on an existing withdrawal: an admin's approve
//! (the only approval, the first of two, or the second) and reject, the
//! player's cancel.
//!
//! Each locks the withdrawal row, reads what the rule needs (the tenant's
//! policy for approve and cancel), asks the pure state machine, and writes
//! the new state with its ledger movement, audit event and idempotent
//! answer in one transaction. The row lock serializes approvals: of two
//! concurrent approvals, the second sees the first's result (the same admin
//! again is `SameApprover`).

use chrono::{SubsecRound, Utc};
use ledger::{AdminId, TenantId, WithdrawalId};
use protection::{needs_dual_approval, player_may_cancel};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, TransactionTrait};
use withdrawal::{
    Command, Withdrawal, WithdrawalError, WithdrawalState, approval_command, transition,
};

use crate::audit::AuditContext;
use crate::db::Db;
use crate::entities::{admin_user, withdrawal as row};
use crate::error::{StoreError, StoreResult};
use crate::idempotency_store::Lease;
use crate::mapping::withdrawals::withdrawal as domain;
use crate::player_protection::policy_of;
use crate::withdrawals::{
    Visibility, amount_of, apply_effects, attempts_of, audit_change, finish, lock_withdrawal,
    state_of,
};

/// A command on an existing withdrawal that a person issues.
#[derive(Debug, Clone)]
pub enum WithdrawalAction {
    /// An admin's approval.
    Approve {
        /// The approving admin (checked against the first approval's).
        by: AdminId,
    },
    /// Admin rejection; releases the hold.
    Reject {
        /// Why (shown to admins).
        reason: String,
    },
    /// The player's cancellation; releases the hold.
    Cancel,
}

impl Db {
    /// Applies `approve`, `reject` or `cancel` to a withdrawal the caller may
    /// see, completing the request's lease with the changed withdrawal.
    ///
    /// An approval of a withdrawal at or above the tenant's
    /// `dual_approval_threshold` moves it to `awaiting_second_approval` and
    /// records the admin; a second approval by the same admin is
    /// [`WithdrawalError::SameApprover`]. A cancel under
    /// `player_cancel_allowed: false` is [`WithdrawalError::CancelNotAllowed`].
    pub async fn withdrawal_command(
        &self,
        visibility: Visibility,
        id: WithdrawalId,
        action: WithdrawalAction,
        lease: &Lease,
        audit: &AuditContext,
    ) -> StoreResult<Withdrawal> {
        let txn = self.conn().begin().await?;
        let current = lock_withdrawal(&txn, visibility, id.0).await?;
        let from = state_of(&current)?;
        let tenant = TenantId(current.tenant_id);
        let (command, reject_reason, first_approver) = match action {
            WithdrawalAction::Approve { by } => {
                let needs_two =
                    needs_dual_approval(&policy_of(&txn, tenant).await?, amount_of(&current)?);
                let command = approval_command(from, needs_two, first_approver(&current)?, by)?;
                let first = (command == Command::ApproveFirstOfTwo).then_some(by);
                (command, None, first)
            }
            WithdrawalAction::Reject { reason } => (Command::Reject, Some(reason), None),
            WithdrawalAction::Cancel => {
                if !player_may_cancel(&policy_of(&txn, tenant).await?) {
                    return Err(WithdrawalError::CancelNotAllowed.into());
                }
                (Command::Cancel, None, None)
            }
        };
        let step = transition(Some(from), command)?;
        apply_effects(&txn, &current, step.effect.as_slice(), None, None).await?;
        let before = current.clone();
        let mut update: row::ActiveModel = current.into();
        update.state = Set(step.to.as_str().to_owned());
        if reject_reason.is_some() {
            update.reject_reason = Set(reject_reason);
        }
        // Microseconds: what the database keeps, so the answer equals a later read.
        let now = Utc::now().trunc_subsecs(6);
        if let Some(admin) = first_approver {
            let email = admin_user::Entity::find_by_id(admin.0)
                .one(&txn)
                .await?
                .ok_or(StoreError::NotFound("admin"))?
                .email;
            update.first_approved_by = Set(Some(admin.0));
            update.first_approver_email = Set(Some(email));
            update.first_approved_at = Set(Some(now));
        }
        update.updated_at = Set(now);
        let updated = update.update(&txn).await?;
        let action = match command {
            Command::Approve => "withdrawal.approve",
            Command::ApproveFirstOfTwo => "withdrawal.first_approval",
            Command::Reject => "withdrawal.reject",
            _ => "withdrawal.cancel",
        };
        audit_change(&txn, audit, action, Some(&before), &updated).await?;
        let attempts = attempts_of(&txn, updated.id).await?;
        finish(txn, lease, domain(updated, attempts)?).await
    }
}

/// The admin who gave a waiting withdrawal's first approval; a waiting row
/// without one is corrupt (both are written by the same update).
fn first_approver(current: &row::Model) -> StoreResult<Option<AdminId>> {
    let waiting = state_of(current)? == WithdrawalState::AwaitingSecondApproval;
    match (waiting, current.first_approved_by) {
        (true, None) => Err(StoreError::Corrupt(format!(
            "withdrawal {} awaits a second approval without a first",
            current.id
        ))),
        (_, by) => Ok(by.map(AdminId)),
    }
}
