//! The tamper-evident audit log.
//!
//! Events are appended inside the transaction of the action they record. Each
//! tenant (and the platform) has one hash chain: an event stores the previous
//! event's hash and its own SHA-256 over a canonical, length-prefixed encoding
//! of every field (its own id and chain included) plus that previous hash.
//! Editing, deleting or reordering any stored event breaks the chain, and
//! [`Db::verify_audit`] names the first broken link. Appends to one chain
//! serialize on its head row (held until the action commits), so a tenant's
//! chain is split into lanes (one of [`PLAYER_LANES`] per player). The hash
//! encoding and the choice of chain are pure rules of the `audit` crate; this
//! module maps its rows to them, locks heads and stores events.

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use crate::completion::Completion;
use crate::db::Db;
use crate::entities::{audit_chain_head as head, audit_event as event};
use crate::error::{StoreError, StoreResult};
use crate::pagination::{Page, PageRequest, fetch_page};
use crate::scope::TenantScope;
use crate::write_batch::WriteBatch;

mod verify;

pub use verify::{AuditReport, BrokenLink};

use ::audit::{AuditEvent, belongs_to, chain_of};
pub use ::audit::{GENESIS_HASH, HASH_VERSION, PLATFORM_CHAIN, PLAYER_LANES};

/// Who acts, and in which request.
#[derive(Debug, Clone)]
pub struct AuditContext {
    /// `admin:<id>`, `player:<id>`, `system:<what>`, or `login:<email>`.
    pub actor: String,
    /// The actor's role (`player` for players, `system` for Kasa itself).
    pub role: String,
    /// The request id (`X-Request-Id`), or the job id.
    pub request_id: String,
}

/// What happened.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    /// Tenant concerned (`None`: platform).
    pub tenant_id: Option<Uuid>,
    /// Action name (`withdrawal.approve`, `admin.login_failed`, ...).
    pub action: &'static str,
    /// Kind of target.
    pub target_type: &'static str,
    /// Target id.
    pub target_id: String,
    /// State before, if the action changed one.
    pub before: Option<serde_json::Value>,
    /// State after.
    pub after: Option<serde_json::Value>,
}

/// The hashed fields of a stored event.
fn hashed(e: &event::Model) -> AuditEvent<'_> {
    AuditEvent {
        id: e.id,
        chain_id: &e.chain_id,
        seq: e.seq,
        tenant_id: e.tenant_id,
        actor: &e.actor,
        role: &e.role,
        action: &e.action,
        target_type: &e.target_type,
        target_id: &e.target_id,
        before: e.before.as_deref(),
        after: e.after.as_deref(),
        request_id: &e.request_id,
        created_at: e.created_at,
        prev_hash: &e.prev_hash,
        hash_version: e.hash_version,
    }
}

/// The hash a stored event should carry ([`::audit::event_hash`] over its
/// fields); `None` for a hash version Kasa does not know.
pub fn event_hash(e: &event::Model) -> Option<String> {
    ::audit::event_hash(&hashed(e))
}

/// Appends an event inside the caller's transaction.
pub async fn append(
    txn: &DatabaseTransaction,
    ctx: &AuditContext,
    record: AuditRecord,
) -> StoreResult<()> {
    let mut batch = WriteBatch::new();
    stage(txn, &mut batch, ctx, record).await?;
    batch.run(txn).await?;
    Ok(())
}

/// Locks the chain's head now (one statement, two for a chain's first event)
/// and adds the event and the new head to `batch`, which the caller must run
/// before it commits.
pub(crate) async fn stage(
    txn: &DatabaseTransaction,
    batch: &mut WriteBatch,
    ctx: &AuditContext,
    record: AuditRecord,
) -> StoreResult<()> {
    let chain_id = chain_of(record.tenant_id, &ctx.actor);
    let current = lock_head(txn, chain_id, record.tenant_id).await?;
    stage_on(batch, ctx, record, current)
}

/// The chain an event of `ctx`'s actor about `tenant` goes to, for callers that
/// lock its head together with their own rows.
pub(crate) fn chain_for(tenant: Uuid, ctx: &AuditContext) -> String {
    chain_of(Some(tenant), &ctx.actor)
}

/// Creates the heads of chains that have no event yet, in the order given;
/// a head another transaction created meanwhile is left as it is.
pub(crate) async fn create_heads(
    txn: &DatabaseTransaction,
    chains: impl IntoIterator<Item = (String, Option<Uuid>)>,
) -> StoreResult<()> {
    let heads: Vec<head::ActiveModel> = chains
        .into_iter()
        .map(|(chain_id, tenant_id)| head::ActiveModel {
            chain_id: Set(chain_id),
            last_seq: Set(0),
            last_hash: Set(GENESIS_HASH.to_owned()),
            tenant_id: Set(tenant_id),
        })
        .collect();
    if heads.is_empty() {
        return Ok(());
    }
    head::Entity::insert_many(heads)
        .on_conflict(
            OnConflict::column(head::Column::ChainId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// Locks a chain's head until the transaction ends, creating it first if the
/// chain has no event yet. Locking does not write: the batch's update is the
/// head's only new version per event.
pub(crate) async fn lock_head(
    txn: &DatabaseTransaction,
    chain_id: String,
    tenant_id: Option<Uuid>,
) -> StoreResult<head::Model> {
    let locked = |chain_id: String| head::Entity::find_by_id(chain_id).lock_exclusive().one(txn);
    if let Some(current) = locked(chain_id.clone()).await? {
        return Ok(current);
    }
    // The chain's first event (or a concurrent first event created the head
    // meanwhile: then the insert does nothing and the lock waits for it).
    create_heads(txn, [(chain_id.clone(), tenant_id)]).await?;
    locked(chain_id.clone())
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("audit chain head {chain_id} vanished")))
}

/// Adds the event and the new head to `batch`; `current` is the chain's head,
/// locked by this transaction.
pub(crate) fn stage_on(
    batch: &mut WriteBatch,
    ctx: &AuditContext,
    record: AuditRecord,
    current: head::Model,
) -> StoreResult<()> {
    let json = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
    let mut row = event::Model {
        id: Uuid::now_v7(),
        chain_id: current.chain_id,
        seq: current.last_seq + 1,
        tenant_id: record.tenant_id,
        actor: ctx.actor.chars().take(300).collect(),
        role: ctx.role.chars().take(32).collect(),
        action: record.action.to_owned(),
        target_type: record.target_type.to_owned(),
        target_id: record.target_id.chars().take(128).collect(),
        before: json(record.before),
        after: json(record.after),
        request_id: ctx.request_id.chars().take(64).collect(),
        created_at: Utc::now().timestamp_micros(),
        prev_hash: current.last_hash,
        hash: String::new(),
        hash_version: HASH_VERSION,
    };
    row.hash = event_hash(&row)
        .ok_or_else(|| StoreError::Corrupt("unknown audit hash version".to_owned()))?;
    batch.update(
        head::Entity::update_many()
            .col_expr(head::Column::LastSeq, Expr::value(row.seq))
            .col_expr(head::Column::LastHash, Expr::value(row.hash.clone()))
            .filter(head::Column::ChainId.eq(row.chain_id.as_str())),
    );
    batch.insert(event::Entity::insert(event::ActiveModel::from(row)));
    Ok(())
}

impl Db {
    /// Appends an event in a transaction of its own (for actions that write
    /// nothing else: logins, verifications).
    pub async fn audit(&self, ctx: &AuditContext, record: AuditRecord) -> StoreResult<()> {
        self.audit_with_outcome::<()>(ctx, record, None).await
    }

    /// [`Db::audit`], completing the idempotent request's lease, if any, with
    /// its outcome in the event's transaction.
    pub async fn audit_with_outcome<T: serde::Serialize>(
        &self,
        ctx: &AuditContext,
        record: AuditRecord,
        completion: Option<(Completion<'_>, &T)>,
    ) -> StoreResult<()> {
        let txn = self.conn().begin().await?;
        append(&txn, ctx, record).await?;
        if let Some((completion, outcome)) = completion {
            completion.complete_in(&txn, outcome).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// A page of the events in `scope`, newest first.
    pub async fn audit_events(
        &self,
        scope: TenantScope,
        page: PageRequest,
    ) -> StoreResult<Page<event::Model>> {
        let select = scope.restrict(event::Entity::find(), event::Column::TenantId);
        Ok(fetch_page(select, event::Column::Id, page, |e| e.id, self.conn()).await?)
    }
}
