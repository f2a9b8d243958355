//! The one path from "the PSP says X about this attempt" to state and money,
//! shared by PSP replies, webhooks and rechecks, and the locks it takes.

use chrono::Utc;
use payout::{AttemptStatus, Observation, Resolution, resolve};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseTransaction, EntityTrait, QuerySelect};
use uuid::Uuid;
use withdrawal::{Command, transition};

use crate::anomalies::{self, NewAnomaly, NewsFrom};
use crate::entities::{payout_attempt as attempt, withdrawal as row};
use crate::error::{StoreError, StoreResult};
use crate::inbox::EventOutcome;
use crate::scope::TenantScope;
use crate::withdrawals::{Visibility, apply_effects, lock_withdrawal, state_of};

/// Where an observation came from (for anomalies).
pub(super) struct Source<'a> {
    pub(super) provider: &'a str,
    pub(super) news: NewsFrom<'a>,
}

/// Locks the withdrawal, then the attempt (always in that order, then the
/// wallet, so no two use-cases can deadlock).
pub(super) async fn lock_attempt(
    txn: &DatabaseTransaction,
    attempt_id: Uuid,
) -> StoreResult<(row::Model, attempt::Model)> {
    let found = attempt::Entity::find_by_id(attempt_id)
        .one(txn)
        .await?
        .ok_or(StoreError::NotFound("payout attempt"))?;
    let withdrawal = lock_withdrawal(
        txn,
        Visibility::Tenant(TenantScope::One(found.tenant_id)),
        found.withdrawal_id,
    )
    .await?;
    let locked = attempt::Entity::find_by_id(attempt_id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(StoreError::NotFound("payout attempt"))?;
    Ok((withdrawal, locked))
}

pub(super) async fn set_attempt(
    txn: &DatabaseTransaction,
    current: attempt::Model,
    status: AttemptStatus,
    provider_ref: Option<String>,
    failure_code: Option<String>,
) -> StoreResult<attempt::Model> {
    let keep_ref = current.provider_ref.is_some();
    let mut update: attempt::ActiveModel = current.into();
    update.status = Set(status.as_str().to_owned());
    if !keep_ref && provider_ref.is_some() {
        update.provider_ref = Set(provider_ref);
    }
    if failure_code.is_some() {
        update.failure_code = Set(failure_code);
    }
    update.updated_at = Set(Utc::now());
    Ok(update.update(txn).await?)
}

/// The one path from "the PSP says X about this attempt" to state and money.
pub(super) async fn apply_observation(
    txn: &DatabaseTransaction,
    withdrawal: row::Model,
    current: attempt::Model,
    observation: &Observation,
    provider_ref: Option<String>,
    source: &Source<'_>,
) -> StoreResult<(row::Model, EventOutcome)> {
    let status =
        AttemptStatus::parse(&current.status).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let resolution = resolve(status, observation);
    // The attempt's next status is the payout crate's rule; this only carries it out.
    let next = resolution.next_status(status);
    let (command, failure_code) = match resolution {
        Resolution::Succeed => (Command::PayoutSucceeded, None),
        Resolution::Fail { failure_code } => (Command::PayoutFailed, failure_code),
        Resolution::Reverse => {
            if state_of(&withdrawal)? == withdrawal::WithdrawalState::Reversed {
                return Ok((withdrawal, EventOutcome::Duplicate));
            }
            let updated =
                move_withdrawal(txn, withdrawal, Command::Reverse, &current.provider).await?;
            return Ok((updated, EventOutcome::Processed));
        }
        Resolution::StillPending => {
            set_attempt(txn, current, next, provider_ref, None).await?;
            return Ok((withdrawal, EventOutcome::Processed));
        }
        Resolution::NoChange => {
            if current.provider_ref.is_none() && provider_ref.is_some() {
                set_attempt(txn, current, next, provider_ref, None).await?;
            }
            return Ok((withdrawal, EventOutcome::Duplicate));
        }
        Resolution::Duplicate => return Ok((withdrawal, EventOutcome::Duplicate)),
        Resolution::Anomaly { reason } => {
            let detail = format!("attempt is {}: {reason}", current.status);
            anomaly(
                txn,
                &withdrawal,
                &current,
                source,
                "late_contradicting_event",
                detail,
            )
            .await?;
            return Ok((withdrawal, EventOutcome::Anomaly));
        }
    };
    let provider = current.provider.clone();
    set_attempt(txn, current, next, provider_ref, failure_code).await?;
    let updated = move_withdrawal(txn, withdrawal, command, &provider).await?;
    Ok((updated, EventOutcome::Processed))
}

/// Applies a state-machine command with its ledger effects.
pub(super) async fn move_withdrawal(
    txn: &DatabaseTransaction,
    current: row::Model,
    command: Command,
    provider: &str,
) -> StoreResult<row::Model> {
    let step = transition(Some(state_of(&current)?), command)?;
    apply_effects(txn, &current, step.effect.as_slice(), Some(provider), None).await?;
    let mut update: row::ActiveModel = current.into();
    update.state = Set(step.to.as_str().to_owned());
    update.updated_at = Set(Utc::now());
    Ok(update.update(txn).await?)
}

pub(super) async fn anomaly(
    txn: &DatabaseTransaction,
    withdrawal: &row::Model,
    current: &attempt::Model,
    source: &Source<'_>,
    kind: &'static str,
    detail: String,
) -> StoreResult<()> {
    let new = NewAnomaly {
        tenant_id: Some(withdrawal.tenant_id),
        provider: source.provider.to_owned(),
        event_id: source.news.event_id(),
        kind,
        reference_type: "payout_attempt",
        reference_id: Some(current.id),
        detail,
    };
    anomalies::record(txn, new).await
}
