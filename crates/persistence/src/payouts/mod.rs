//! Payouts without a transaction across the network:
//!
//! 1. [`Db::start_payout`] commits a `pending` attempt and moves the withdrawal
//!    to `payout_pending` (one transaction, withdrawal row locked, so of many
//!    concurrent starts exactly one wins);
//! 2. the caller asks the PSP, with the attempt id as `Idempotency-Key`;
//! 3. [`Db::record_payout_reply`] commits the answer.
//!
//! A crash between 1 and 3 leaves a `pending` attempt that a recheck resolves.
//! Webhooks, PSP replies and rechecks all go through [`apply_observation`], the
//! same code that decides with `payout::resolve` and `withdrawal::transition`.

use chrono::Utc;
use ledger::{AttemptId, Money, WithdrawalId};
use payout::{AttemptStatus, Observation, PayoutAttempt, check_can_start};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QuerySelect, TransactionTrait};
use uuid::Uuid;
use withdrawal::{Command, Withdrawal, transition};

use crate::anomalies::NewsFrom;
use crate::audit::AuditContext;
use crate::db::Db;
use crate::entities::{payout_attempt as attempt, withdrawal as row};
use crate::error::{StoreError, StoreResult};
use crate::idempotency_store::{self, Lease};
use crate::inbox::{self, EventOutcome, InboxEntry};
use crate::mapping::withdrawals::{attempt as domain_attempt, withdrawal as domain};
use crate::scope::TenantScope;
use crate::withdrawals::{
    Visibility, amount_of, attempts_of, audit_change, finish, lock_withdrawal, state_of,
};

/// A committed payout intent: the attempt to send to the PSP.
#[derive(Debug, Clone)]
pub struct StartedPayout {
    /// The withdrawal, now `payout_pending`.
    pub withdrawal: Withdrawal,
    /// The new `pending` attempt; its id is the PSP reference and idempotency key.
    pub attempt: PayoutAttempt,
}

/// What the PSP answered to the payout request.
#[derive(Debug, Clone)]
pub enum PayoutReply {
    /// An answer: its status and the PSP's id.
    Answered {
        /// What the PSP says happened.
        observation: Observation,
        /// The PSP's payout id.
        provider_ref: Option<String>,
    },
    /// No usable answer (timeout, 5xx, connection): the outcome is unknown.
    Unknown,
}

/// A verified payout event from a PSP.
#[derive(Debug, Clone)]
pub struct PayoutEvent {
    /// PSP name.
    pub provider: String,
    /// PSP event id.
    pub event_id: String,
    /// Event type as sent.
    pub event_type: String,
    /// What the event reports.
    pub observation: Observation,
    /// Kasa's attempt id.
    pub attempt_id: AttemptId,
    /// The PSP's payout id.
    pub provider_ref: Option<String>,
    /// Amount the PSP reports.
    pub amount: Money,
    /// The raw body.
    pub raw: String,
}

mod observation;

use observation::{Source, anomaly, apply_observation, lock_attempt, set_attempt};

impl Db {
    /// Step 1: commits a pending attempt and moves the withdrawal to
    /// `payout_pending`; the attempt is tied to the request's in-flight
    /// idempotency record in the same transaction, so a retry with the key
    /// resumes it ([`Db::payout_to_resume`]) instead of starting another.
    pub async fn start_payout(
        &self,
        scope: TenantScope,
        id: WithdrawalId,
        provider: &str,
        lease: &Lease,
        audit: &AuditContext,
    ) -> StoreResult<StartedPayout> {
        let txn = self.conn().begin().await?;
        let current = lock_withdrawal(&txn, Visibility::Tenant(scope), id.0).await?;
        let before = current.clone();
        let step = transition(Some(state_of(&current)?), Command::StartPayout)?;
        let statuses = attempts_of(&txn, current.id)
            .await?
            .iter()
            .map(|a| AttemptStatus::parse(&a.status))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        check_can_start(&statuses)?;
        let now = Utc::now();
        let created = attempt::ActiveModel {
            id: Set(Uuid::now_v7()),
            withdrawal_id: Set(current.id),
            tenant_id: Set(current.tenant_id),
            status: Set(AttemptStatus::Pending.as_str().to_owned()),
            provider: Set(provider.to_owned()),
            provider_ref: Set(None),
            failure_code: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        idempotency_store::claim_resource(&txn, lease, created.id).await?;
        let mut update: row::ActiveModel = current.into();
        update.state = Set(step.to.as_str().to_owned());
        update.updated_at = Set(now);
        let withdrawal = update.update(&txn).await?;
        audit_change(
            &txn,
            audit,
            "withdrawal.payout_start",
            Some(&before),
            &withdrawal,
        )
        .await?;
        txn.commit().await?;
        Ok(StartedPayout {
            withdrawal: domain(withdrawal, Vec::new())?,
            attempt: domain_attempt(created)?,
        })
    }

    /// The attempt an earlier holder of the request's key started (see
    /// [`Lease::resource`]) and its withdrawal.
    pub async fn payout_to_resume(&self, attempt_id: AttemptId) -> StoreResult<StartedPayout> {
        let attempt = attempt::Entity::find_by_id(attempt_id.0)
            .one(self.conn())
            .await?
            .ok_or_else(|| {
                StoreError::Corrupt(format!("idempotency record names attempt {attempt_id}"))
            })?;
        let withdrawal = row::Entity::find_by_id(attempt.withdrawal_id)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("withdrawal"))?;
        Ok(StartedPayout {
            withdrawal: domain(withdrawal, Vec::new())?,
            attempt: domain_attempt(attempt)?,
        })
    }

    /// Step 3: records the PSP's answer and completes the idempotent request.
    /// A webhook may have resolved the attempt meanwhile; then the answer is
    /// applied like any other observation (duplicate or anomaly).
    pub async fn record_payout_reply(
        &self,
        attempt_id: AttemptId,
        reply: PayoutReply,
        lease: &Lease,
    ) -> StoreResult<Withdrawal> {
        let txn = self.conn().begin().await?;
        let (mut withdrawal, current) = lock_attempt(&txn, attempt_id.0).await?;
        match reply {
            PayoutReply::Unknown => {
                if AttemptStatus::parse(&current.status).ok() == Some(AttemptStatus::Pending) {
                    transition(Some(state_of(&withdrawal)?), Command::PayoutOutcomeUnknown)?;
                    set_attempt(&txn, current, AttemptStatus::Unknown, None, None).await?;
                }
            }
            PayoutReply::Answered {
                observation,
                provider_ref,
            } => {
                let source = Source {
                    provider: &current.provider.clone(),
                    news: NewsFrom::Reply,
                };
                (withdrawal, _) = apply_observation(
                    &txn,
                    withdrawal,
                    current,
                    &observation,
                    provider_ref,
                    &source,
                )
                .await?;
            }
        }
        let attempts = attempts_of(&txn, withdrawal.id).await?;
        finish(txn, lease, domain(withdrawal, attempts)?).await
    }

    /// The latest attempt of a withdrawal the admin may see (for a recheck).
    pub async fn latest_attempt(
        &self,
        scope: TenantScope,
        id: WithdrawalId,
    ) -> StoreResult<Option<PayoutAttempt>> {
        let Some(found) = self.withdrawal(Visibility::Tenant(scope), id).await? else {
            return Err(StoreError::NotFound("withdrawal"));
        };
        Ok(found.attempts.into_iter().next())
    }

    /// Applies what a recheck learned through the webhook path. With
    /// `completion` the idempotent request is completed in the same
    /// transaction; without (a scheduled recheck) the change is just committed.
    pub async fn record_recheck(
        &self,
        attempt_id: AttemptId,
        observation: Observation,
        completion: Option<&Lease>,
        audit: &AuditContext,
    ) -> StoreResult<Withdrawal> {
        let txn = self.conn().begin().await?;
        let (withdrawal, current) = lock_attempt(&txn, attempt_id.0).await?;
        let before = withdrawal.clone();
        let provider = current.provider.clone();
        let source = Source {
            provider: &provider,
            news: NewsFrom::Recheck,
        };
        let (withdrawal, _) =
            apply_observation(&txn, withdrawal, current, &observation, None, &source).await?;
        audit_change(
            &txn,
            audit,
            "withdrawal.recheck",
            Some(&before),
            &withdrawal,
        )
        .await?;
        let attempts = attempts_of(&txn, withdrawal.id).await?;
        let changed = domain(withdrawal, attempts)?;
        match completion {
            Some(lease) => finish(txn, lease, changed).await,
            None => {
                txn.commit().await?;
                Ok(changed)
            }
        }
    }

    /// Attempts of `provider` still `pending` or `unknown` that were last
    /// touched before `cutoff`.
    pub async fn stuck_attempts(
        &self,
        provider: &str,
        cutoff: chrono::DateTime<Utc>,
        limit: u64,
    ) -> StoreResult<Vec<PayoutAttempt>> {
        use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
        attempt::Entity::find()
            .filter(attempt::Column::Provider.eq(provider))
            .filter(attempt::Column::Status.is_in([
                AttemptStatus::Pending.as_str(),
                AttemptStatus::Unknown.as_str(),
            ]))
            .filter(attempt::Column::UpdatedAt.lt(cutoff))
            .order_by_asc(attempt::Column::UpdatedAt)
            .limit(limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(domain_attempt)
            .collect()
    }

    /// Applies a payout webhook exactly once.
    pub async fn apply_payout_event(&self, event: &PayoutEvent) -> StoreResult<EventOutcome> {
        let txn = self.conn().begin().await?;
        let entry = InboxEntry {
            provider: &event.provider,
            event_id: &event.event_id,
            event_type: &event.event_type,
            reference: event.attempt_id.to_string(),
            raw: &event.raw,
            // Known once the attempt is locked (after the dedupe): see `set_outcome`.
            tenant_id: None,
        };
        let Some(inbox_id) = inbox::insert(&txn, entry).await? else {
            return Ok(EventOutcome::Duplicate);
        };
        let (withdrawal, current) = lock_attempt(&txn, event.attempt_id.0).await?;
        if current.provider != event.provider {
            return Err(StoreError::NotFound("payout attempt"));
        }
        let tenant = withdrawal.tenant_id;
        let source = Source {
            provider: &event.provider,
            news: NewsFrom::Event(&event.event_id),
        };
        let outcome = if amount_of(&withdrawal)? != event.amount {
            let detail = format!(
                "withdrawal is {} {} but the PSP reports {} {}",
                amount_of(&withdrawal)?,
                withdrawal.currency,
                event.amount,
                event.amount.currency()
            );
            anomaly(
                &txn,
                &withdrawal,
                &current,
                &source,
                "amount_mismatch",
                detail,
            )
            .await?;
            EventOutcome::Anomaly
        } else {
            let provider_ref = event.provider_ref.clone();
            apply_observation(
                &txn,
                withdrawal,
                current,
                &event.observation,
                provider_ref,
                &source,
            )
            .await?
            .1
        };
        inbox::set_outcome(&txn, inbox_id, outcome, tenant).await?;
        txn.commit().await?;
        Ok(outcome)
    }
}
