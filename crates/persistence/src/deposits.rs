//! Deposits: created pending, then settled by PSP events (see `webhooks`).

use ::deposit::{Deposit, DepositStatus};
use chrono::Utc;
use ledger::{DepositId, LedgerError, Money, PlayerId, TenantId};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use crate::anomalies::{self, NewAnomaly, NewsFrom};
use crate::audit::{self, AuditContext, AuditRecord};
use crate::db::Db;
use crate::entities::deposit;
use crate::error::{StoreError, StoreResult};
use crate::idempotency_store::{self, Lease};
use crate::ledger_writer;
use crate::mapping;
use crate::outcome::encode_outcome;
use crate::pagination::{Page, PageRequest, fetch_page};
use crate::player_protection;
use crate::scope::TenantScope;

/// Filters of the admin deposit list.
#[derive(Debug, Clone, Copy, Default)]
pub struct DepositFilter {
    /// Only this status.
    pub status: Option<DepositStatus>,
    /// Only this player.
    pub player_id: Option<Uuid>,
}

/// A deposit to create.
#[derive(Debug, Clone)]
pub struct NewDeposit {
    /// Tenant of the player.
    pub tenant_id: TenantId,
    /// Depositing player.
    pub player: PlayerId,
    /// Amount; its currency must equal the wallet's.
    pub amount: Money,
    /// PSP that will process it.
    pub provider: String,
}

/// What the PSP said when asked to create the deposit.
#[derive(Debug, Clone)]
pub enum PspAnswer {
    /// Accepted; the PSP's id of the deposit.
    Accepted {
        /// PSP id.
        provider_ref: String,
    },
    /// Refused outright (4xx): the deposit fails, nothing moves.
    Declined {
        /// PSP failure code.
        failure_code: String,
    },
    /// No usable answer (timeout, 5xx): the deposit stays pending; a webhook or
    /// reconciliation settles it, because the PSP may have accepted it.
    Unknown,
}

impl Db {
    /// Inserts a pending deposit after checking the wallet's currency and the
    /// player-protection gate (an active exclusion: `PlayerBlocked`; KYC:
    /// `KycRequired`; nothing is created then), and ties
    /// it to the request's in-flight idempotency record in the same
    /// transaction: from then on a retry with the key resumes this deposit
    /// ([`Db::deposit_to_resume`]) instead of creating another.
    pub async fn create_deposit(&self, new: NewDeposit, lease: &Lease) -> StoreResult<Deposit> {
        let txn = self.conn().begin().await?;
        // The wallet's lock serializes the player's deposits, so the 30-day
        // total the KYC threshold reads cannot move before this one is in.
        let wallet = ledger_writer::lock_wallet(&txn, new.player).await?;
        if wallet.tenant_id != new.tenant_id.0 {
            return Err(StoreError::NotFound("wallet"));
        }
        let currency = new.amount.currency();
        if wallet.balance.currency() != currency {
            return Err(StoreError::Ledger(LedgerError::CurrencyMismatch {
                expected: wallet.balance.currency(),
                found: currency,
            }));
        }
        // The storage clock: the deposit limits' windows count by it.
        let now = self.now();
        player_protection::check_deposit(&txn, new.tenant_id, new.player, new.amount, now).await?;
        let row = deposit::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(new.tenant_id.0),
            player_id: Set(new.player.0),
            amount_minor: Set(new.amount.to_minor_units()?),
            currency: Set(currency.code().to_owned()),
            status: Set(DepositStatus::Pending.as_str().to_owned()),
            provider: Set(new.provider),
            provider_ref: Set(None),
            failure_code: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let created = row.insert(&txn).await?;
        idempotency_store::claim_resource(&txn, lease, created.id).await?;
        txn.commit().await?;
        mapping::deposit(created)
    }

    /// The deposit an earlier holder of the request's key created (see
    /// [`Lease::resource`]); it belongs to `player`.
    pub async fn deposit_to_resume(&self, player: PlayerId, id: DepositId) -> StoreResult<Deposit> {
        self.deposit_of_player(player, id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("idempotency record names deposit {id}")))
    }

    /// Records the PSP's answer and completes the idempotent request in the
    /// same transaction. The deposit row is locked first: a webhook may have
    /// settled the deposit already (or settle it meanwhile), and a terminal
    /// deposit never changes: a decline of a settled deposit is recorded as an
    /// anomaly and moves nothing.
    pub async fn record_deposit_answer(
        &self,
        id: DepositId,
        answer: PspAnswer,
        lease: &Lease,
        audit: &AuditContext,
    ) -> StoreResult<Deposit> {
        let txn = self.conn().begin().await?;
        let mut row = deposit::Entity::find_by_id(id.0)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("deposit"))?;
        let pending = row.status == DepositStatus::Pending.as_str();
        let mut update: deposit::ActiveModel = row.clone().into();
        match answer {
            PspAnswer::Accepted { provider_ref } if row.provider_ref.is_none() => {
                update.provider_ref = Set(Some(provider_ref));
            }
            PspAnswer::Declined { failure_code } if pending => {
                update.status = Set(DepositStatus::Failed.as_str().to_owned());
                update.failure_code = Set(Some(failure_code));
            }
            PspAnswer::Declined { failure_code }
                if row.status != DepositStatus::Failed.as_str() =>
            {
                let anomaly = NewAnomaly {
                    tenant_id: Some(row.tenant_id),
                    provider: row.provider.clone(),
                    event_id: NewsFrom::Reply.event_id(),
                    kind: "late_decline",
                    reference_type: "deposit",
                    reference_id: Some(row.id),
                    detail: format!(
                        "the PSP declined ({failure_code}) a deposit already {}",
                        row.status
                    ),
                };
                anomalies::record(&txn, anomaly).await?;
            }
            _ => {}
        }
        if update.is_changed() {
            update.updated_at = Set(Utc::now());
            row = update.update(&txn).await?;
        }
        let record = AuditRecord {
            tenant_id: Some(row.tenant_id),
            action: "deposit.create",
            target_type: "deposit",
            target_id: row.id.to_string(),
            before: None,
            after: Some(
                serde_json::json!({"status": row.status, "amount_minor": row.amount_minor, "currency": row.currency}),
            ),
        };
        audit::append(&txn, audit, record).await?;
        let settled = mapping::deposit(row)?;
        idempotency_store::complete(&txn, lease, &encode_outcome(&settled)?).await?;
        txn.commit().await?;
        Ok(settled)
    }

    /// A deposit of `player`; another player's deposit is `None`.
    pub async fn deposit_of_player(
        &self,
        player: PlayerId,
        id: DepositId,
    ) -> StoreResult<Option<Deposit>> {
        deposit::Entity::find_by_id(id.0)
            .filter(deposit::Column::PlayerId.eq(player.0))
            .one(self.conn())
            .await?
            .map(mapping::deposit)
            .transpose()
    }

    /// A page of the player's deposits, newest first.
    pub async fn deposits_of_player(
        &self,
        player: PlayerId,
        page: PageRequest,
    ) -> StoreResult<Page<Deposit>> {
        let select = deposit::Entity::find().filter(deposit::Column::PlayerId.eq(player.0));
        fetch_page(select, deposit::Column::Id, page, |d| d.id, self.conn())
            .await?
            .try_map(mapping::deposit)
    }

    /// A page of the deposits in `scope` that pass `filter`.
    pub async fn deposits_of_tenant(
        &self,
        scope: TenantScope,
        filter: DepositFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Deposit>> {
        let mut select = scope.restrict(deposit::Entity::find(), deposit::Column::TenantId);
        if let Some(status) = filter.status {
            select = select.filter(deposit::Column::Status.eq(status.as_str()));
        }
        if let Some(player) = filter.player_id {
            select = select.filter(deposit::Column::PlayerId.eq(player));
        }
        fetch_page(select, deposit::Column::Id, page, |d| d.id, self.conn())
            .await?
            .try_map(mapping::deposit)
    }
}
