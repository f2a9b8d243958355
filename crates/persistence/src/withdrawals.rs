//! Withdrawals: request (hold), reads, and the helpers of the commands on
//! them (`withdrawal_commands`, `payouts`).
//!
//! Every command locks the withdrawal row, asks the pure state machine
//! (`withdrawal::transition`) what happens, and writes the new state together
//! with the ledger movements it names and the idempotent response.

use chrono::{SubsecRound, Utc};
use idempotency::Fingerprint;
use ledger::{LedgerError, Money, PlayerId, TenantId, WithdrawalId};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, TransactionTrait,
};
use uuid::Uuid;
use withdrawal::{Command, Destination, Effect, Withdrawal, WithdrawalState, transition};

use crate::audit::{self, AuditContext};
use crate::db::Db;
use crate::entities::{audit_chain_head as audit_head, payout_attempt, wallet, withdrawal as row};
use crate::error::{StoreError, StoreResult};
use crate::idempotency_store::{self, IdempotencyScope, Lease};
use crate::joined;
use crate::ledger_writer::{self, MovementCause};
use crate::mapping::withdrawals::withdrawal as domain;
pub(crate) use crate::mapping::withdrawals::{amount as amount_of, state as state_of};
use crate::outcome::{EncodedAnswer, Idempotent, encode_outcome};
use crate::pagination::{Page, PageRequest, fetch_page};
use crate::player_protection;
use crate::scope::TenantScope;
pub(crate) use crate::withdrawal_audit::audit_change;
use crate::withdrawal_audit::audit_record;
use crate::write_batch::{Step, WriteBatch};

/// Who may see or act on a withdrawal: its player, or admins of a scope.
#[derive(Debug, Clone, Copy)]
pub enum Visibility {
    /// The owning player only.
    Player(PlayerId),
    /// Any withdrawal of the tenants in the scope.
    Tenant(TenantScope),
}

/// A withdrawal to request (the command of [`Db::request_withdrawal`]).
#[derive(Debug, Clone)]
pub struct RequestWithdrawal {
    /// Tenant of the player.
    pub tenant: TenantId,
    /// The player.
    pub player: PlayerId,
    /// Amount in the wallet's currency.
    pub amount: Money,
    /// Where it is paid to.
    pub destination: Destination,
}

/// Filters of the admin list.
#[derive(Debug, Clone, Default)]
pub struct WithdrawalFilter {
    /// Only this state.
    pub state: Option<WithdrawalState>,
    /// Only this player.
    pub player: Option<PlayerId>,
}

impl Db {
    /// Requests a withdrawal: moves the amount from available to held in the
    /// same transaction as the withdrawal row, the audit event and the
    /// idempotent response (the key claimed by this transaction, see
    /// `idempotency_store::claim_in`). `KycRequired` (nothing written) when
    /// the tenant reserves withdrawals for verified players.
    pub async fn request_withdrawal(
        &self,
        command: RequestWithdrawal,
        key: (&IdempotencyScope, &Fingerprint),
        audit: &AuditContext,
    ) -> StoreResult<Idempotent<Withdrawal>> {
        let (scope, fingerprint) = key;
        let txn = self.conn().begin().await?;
        if let Some(answer) = idempotency_store::claim_in(&txn, scope, fingerprint).await? {
            txn.rollback().await?;
            return Ok(answer.decode()?.into());
        }
        let refusals =
            player_protection::withdrawal_refusals(&txn, &[(command.tenant, command.player)])
                .await?;
        if let Some(required) = refusals.get(&command.player) {
            return Err(StoreError::KycRequired(*required));
        }
        let chain = audit::chain_for(command.tenant.0, audit);
        let (mut wallet, chain_head) =
            lock_wallet_and_chain_head(&txn, command.player, chain, command.tenant.0).await?;
        let mut batch = WriteBatch::new();
        let (created, completion) = stage_request(
            &mut batch,
            command,
            (scope, fingerprint),
            audit,
            &mut wallet,
            chain_head,
        )?;
        if batch.run(&txn).await?.rows(completion) == 0 {
            // A request with this key finished while this one ran.
            txn.rollback().await?;
            let answer = idempotency_store::earlier(self.conn(), scope, fingerprint).await?;
            return Ok(answer.decode()?.into());
        }
        txn.commit().await?;
        Ok(Idempotent::Fresh(created))
    }

    /// One withdrawal the caller may see, with its attempts.
    pub async fn withdrawal(
        &self,
        visibility: Visibility,
        id: WithdrawalId,
    ) -> StoreResult<Option<Withdrawal>> {
        let Some(found) = visible(row::Entity::find_by_id(id.0), visibility)
            .one(self.conn())
            .await?
        else {
            return Ok(None);
        };
        let attempts = attempts_of(self.conn(), found.id).await?;
        Ok(Some(domain(found, attempts)?))
    }

    /// A page of withdrawals the caller may see, newest first.
    pub async fn withdrawals(
        &self,
        visibility: Visibility,
        filter: WithdrawalFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Withdrawal>> {
        let mut select = visible(row::Entity::find(), visibility);
        if let Some(state) = filter.state {
            select = select.filter(row::Column::State.eq(state.as_str()));
        }
        if let Some(player) = filter.player {
            select = select.filter(row::Column::PlayerId.eq(player.0));
        }
        let rows = fetch_page(select, row::Column::Id, page, |w| w.id, self.conn()).await?;
        let ids: Vec<Uuid> = rows.items.iter().map(|w| w.id).collect();
        // One query for the attempts of the whole page, not one per withdrawal.
        let mut attempts = payout_attempt::Entity::find()
            .filter(payout_attempt::Column::WithdrawalId.is_in(ids))
            .order_by_desc(payout_attempt::Column::Id)
            .all(self.conn())
            .await?;
        rows.try_map(|w| {
            let (mine, rest): (Vec<_>, Vec<_>) =
                attempts.drain(..).partition(|a| a.withdrawal_id == w.id);
            attempts = rest;
            domain(w, mine)
        })
    }
}

fn visible(
    select: sea_orm::Select<row::Entity>,
    visibility: Visibility,
) -> sea_orm::Select<row::Entity> {
    match visibility {
        Visibility::Player(player) => select.filter(row::Column::PlayerId.eq(player.0)),
        Visibility::Tenant(scope) => scope.restrict(select, row::Column::TenantId),
    }
}

/// Locks a withdrawal row the caller may see (`NotFound` otherwise).
pub(crate) async fn lock_withdrawal(
    txn: &DatabaseTransaction,
    visibility: Visibility,
    id: Uuid,
) -> StoreResult<row::Model> {
    visible(row::Entity::find_by_id(id), visibility)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(StoreError::NotFound("withdrawal"))
}

/// The attempts of a withdrawal, newest first.
pub(crate) async fn attempts_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    withdrawal_id: Uuid,
) -> StoreResult<Vec<payout_attempt::Model>> {
    Ok(payout_attempt::Entity::find()
        .filter(payout_attempt::Column::WithdrawalId.eq(withdrawal_id))
        .order_by_desc(payout_attempt::Column::Id)
        .all(db)
        .await?)
}

/// Writes the ledger movements a transition names, locking the wallet once.
pub(crate) async fn apply_effects(
    txn: &DatabaseTransaction,
    withdrawal: &row::Model,
    effects: &[Effect],
    provider: Option<&str>,
    locked: Option<&mut ledger_writer::LockedWallet>,
) -> StoreResult<()> {
    if effects.is_empty() {
        return Ok(());
    }
    let mut own = None;
    let wallet = match locked {
        Some(wallet) => wallet,
        None => own.insert(ledger_writer::lock_wallet(txn, PlayerId(withdrawal.player_id)).await?),
    };
    let mut batch = WriteBatch::new();
    stage_effects(&mut batch, withdrawal, effects, provider, wallet)?;
    batch.run(txn).await?;
    Ok(())
}

/// Adds the ledger movements a transition names to `batch`; `wallet` is locked.
fn stage_effects(
    batch: &mut WriteBatch,
    withdrawal: &row::Model,
    effects: &[Effect],
    provider: Option<&str>,
    wallet: &mut ledger_writer::LockedWallet,
) -> StoreResult<()> {
    let amount = amount_of(withdrawal)?;
    let cause = MovementCause {
        reference_type: "withdrawal",
        reference_id: withdrawal.id,
    };
    for effect in effects {
        let tx = effect.ledger_transaction(wallet.player, provider, amount)?;
        ledger_writer::stage(batch, wallet, &tx, amount, cause)?;
    }
    Ok(())
}

/// Checks a withdrawal request against its locked wallet and adds its writes
/// (withdrawal row, hold, audit event on the locked `chain_head`, completed
/// idempotency record) to `batch`; returns the answer and the step of the
/// idempotency record. On an error the caller drops what was staged.
pub(crate) fn stage_request(
    batch: &mut WriteBatch,
    new: RequestWithdrawal,
    key: (&IdempotencyScope, &Fingerprint),
    audit: &AuditContext,
    wallet: &mut ledger_writer::LockedWallet,
    chain_head: audit_head::Model,
) -> StoreResult<(Withdrawal, Step)> {
    let (scope, fingerprint) = key;
    if wallet.tenant_id != new.tenant.0 {
        return Err(StoreError::NotFound("wallet"));
    }
    if wallet.balance.currency() != new.amount.currency() {
        return Err(LedgerError::CurrencyMismatch {
            expected: wallet.balance.currency(),
            found: new.amount.currency(),
        }
        .into());
    }
    let step = transition(None, Command::Request)?;
    // Microseconds: what the database keeps, so the answer equals a later read.
    let now = Utc::now().trunc_subsecs(6);
    let created = row::Model {
        id: Uuid::now_v7(),
        tenant_id: new.tenant.0,
        player_id: new.player.0,
        amount_minor: new.amount.to_minor_units()?,
        currency: new.amount.currency().code().to_owned(),
        state: step.to.as_str().to_owned(),
        destination_type: new.destination.kind().to_owned(),
        destination_account: new.destination.account().to_owned(),
        reject_reason: None,
        first_approved_by: None,
        first_approver_email: None,
        first_approved_at: None,
        created_at: now,
        updated_at: now,
    };
    batch.insert(row::Entity::insert(row::ActiveModel::from(created.clone())));
    stage_effects(batch, &created, step.effect.as_slice(), None, wallet)?;
    let record = audit_record("withdrawal.request", None, &created);
    audit::stage_on(batch, audit, record, chain_head)?;
    let created = domain(created, Vec::new())?;
    let answer: EncodedAnswer = encode_outcome(&created)?;
    let completion = idempotency_store::stage_completed(batch, scope, fingerprint, &answer);
    Ok((created, completion))
}

/// Locks the player's wallet and the head of the audit chain the request's
/// event goes to, in one statement (wallet first, as everywhere). A chain with
/// no event yet has no head to join: then they are locked one after the other.
async fn lock_wallet_and_chain_head(
    txn: &DatabaseTransaction,
    player: PlayerId,
    chain: String,
    tenant: Uuid,
) -> StoreResult<(ledger_writer::LockedWallet, audit_head::Model)> {
    let mut select = wallet::Entity::find_by_id(player.0)
        .lock_exclusive()
        .into_query();
    select.inner_join(
        audit_head::Entity,
        Expr::col((audit_head::Entity, audit_head::Column::ChainId)).eq(chain.as_str()),
    );
    joined::select_prefixed::<audit_head::Entity>(&mut select, "head_");
    if let Some(found) = txn.query_one(&select).await? {
        let wallet =
            ledger_writer::LockedWallet::from_row(&wallet::Model::from_query_result(&found, "")?)?;
        let head = audit_head::Model::from_query_result(&found, "head_")?;
        return Ok((wallet, head));
    }
    let wallet = ledger_writer::lock_wallet(txn, player).await?;
    Ok((wallet, audit::lock_head(txn, chain, Some(tenant)).await?))
}

/// Completes the idempotent request with `outcome` inside the transaction,
/// then commits.
pub(crate) async fn finish(
    txn: DatabaseTransaction,
    lease: &Lease,
    outcome: Withdrawal,
) -> StoreResult<Withdrawal> {
    idempotency_store::complete(&txn, lease, &encode_outcome(&outcome)?).await?;
    txn.commit().await?;
    Ok(outcome)
}

impl Db {
    /// How many withdrawals are in each state (for `/metrics`).
    pub async fn withdrawal_state_counts(&self) -> StoreResult<Vec<(String, i64)>> {
        Ok(row::Entity::find()
            .select_only()
            .column(row::Column::State)
            .column_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
            .group_by(row::Column::State)
            .into_tuple()
            .all(self.conn())
            .await?)
    }
}
