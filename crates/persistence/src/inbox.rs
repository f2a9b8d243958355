//! The webhook inbox: each (provider, event id) is processed once, ever.
//!
//! The entry is inserted in the same transaction that applies the event; a
//! second delivery of the same id conflicts on the unique index (on PostgreSQL
//! it waits for the first transaction, then conflicts) and is a duplicate. If
//! the transaction rolls back, the entry goes with it and a retry is processed.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, sea_query::Expr,
};
use uuid::Uuid;

use crate::entities::psp_event;
use crate::error::StoreResult;
use crate::write_batch::{Step, WriteBatch};

/// How an event was handled; the webhook answers it as `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOutcome {
    /// Applied.
    Processed,
    /// Already seen, or already in that state: nothing done.
    Duplicate,
    /// Contradicts Kasa's records: recorded for a human, no money moved.
    Anomaly,
}

impl EventOutcome {
    /// Every outcome, in declaration order.
    pub const ALL: [EventOutcome; 3] = [
        EventOutcome::Processed,
        EventOutcome::Duplicate,
        EventOutcome::Anomaly,
    ];

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventOutcome::Processed => "processed",
            EventOutcome::Duplicate => "duplicate",
            EventOutcome::Anomaly => "anomaly",
        }
    }
}

/// An event as received.
pub(crate) struct InboxEntry<'a> {
    pub provider: &'a str,
    pub event_id: &'a str,
    pub event_type: &'a str,
    pub reference: String,
    pub raw: &'a str,
    /// The referenced record's tenant, when known before the insert.
    pub tenant_id: Option<Uuid>,
}

/// Inserts the event; `None` when this event id was seen before.
pub(crate) async fn insert(
    txn: &DatabaseTransaction,
    entry: InboxEntry<'_>,
) -> StoreResult<Option<Uuid>> {
    let id = Uuid::now_v7();
    let inserted = new_row(id, entry, EventOutcome::Processed)
        .exec_without_returning(txn)
        .await?;
    Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0).then_some(id))
}

/// Adds the events, each with the outcome already decided, to `batch` as one
/// insert (for callers that lock what the events are about first); `None` when
/// there are none. If the step inserts fewer rows than events, one of these
/// event ids was seen before and the caller must roll back.
pub(crate) fn stage_all(
    batch: &mut WriteBatch,
    entries: Vec<(InboxEntry<'_>, EventOutcome)>,
) -> Option<Step> {
    if entries.is_empty() {
        return None;
    }
    let rows = entries
        .into_iter()
        .map(|(entry, outcome)| row(Uuid::now_v7(), entry, outcome));
    Some(
        batch.insert(
            psp_event::Entity::insert_many(rows).on_conflict_do_nothing_on([
                psp_event::Column::Provider,
                psp_event::Column::EventId,
            ]),
        ),
    )
}

/// The inbox row of `entry`, inserted only if its (provider, event id) is new.
fn new_row(
    id: Uuid,
    entry: InboxEntry<'_>,
    outcome: EventOutcome,
) -> sea_orm::TryInsert<psp_event::ActiveModel> {
    psp_event::Entity::insert(row(id, entry, outcome))
        .on_conflict_do_nothing_on([psp_event::Column::Provider, psp_event::Column::EventId])
}

/// The inbox row of `entry`.
fn row(id: Uuid, entry: InboxEntry<'_>, outcome: EventOutcome) -> psp_event::ActiveModel {
    psp_event::ActiveModel {
        id: Set(id),
        provider: Set(entry.provider.to_owned()),
        event_id: Set(entry.event_id.to_owned()),
        event_type: Set(entry.event_type.to_owned()),
        reference: Set(entry.reference),
        payload: Set(entry.raw.to_owned()),
        outcome: Set(outcome.as_str().to_owned()),
        received_at: Set(Utc::now()),
        tenant_id: Set(entry.tenant_id),
    }
}

/// Stores what processing concluded, and the tenant it concerned.
pub(crate) async fn set_outcome(
    txn: &DatabaseTransaction,
    id: Uuid,
    outcome: EventOutcome,
    tenant_id: Uuid,
) -> StoreResult<()> {
    psp_event::Entity::update_many()
        .col_expr(psp_event::Column::Outcome, Expr::value(outcome.as_str()))
        .col_expr(psp_event::Column::TenantId, Expr::value(tenant_id))
        .filter(psp_event::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}
