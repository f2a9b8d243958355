//! Verification of the audit chains, on one consistent snapshot: the heads and
//! the events it reads are of the same moment, so an event appended meanwhile
//! is seen with its head or not at all.

use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

use super::{GENESIS_HASH, belongs_to, event_hash};
use crate::db::Db;
use crate::entities::{audit_chain_head as head, audit_event as event};
use crate::error::StoreResult;
use crate::scope::TenantScope;

/// Events read per query while verifying.
const VERIFY_BATCH: u64 = 1000;

/// Result of an audit verification.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// True when every chain verifies.
    pub ok: bool,
    /// Events checked.
    pub count: u64,
    /// The first broken link, if any.
    pub broken: Option<BrokenLink>,
}

/// Where a chain breaks.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BrokenLink {
    /// The chain.
    pub chain_id: String,
    /// Sequence number of the first bad event (or the missing one).
    pub seq: i64,
    /// Its id, when the event exists.
    pub event_id: Option<Uuid>,
    /// What is wrong.
    pub reason: String,
}

impl Db {
    /// Recomputes the chains of `scope` and names the
    /// first broken link. Every chain that has a head or events is walked: a
    /// chain whose head is gone and a head whose events are gone are broken.
    pub async fn verify_audit(&self, scope: TenantScope) -> StoreResult<AuditReport> {
        let txn = self.read_snapshot().await?;
        let report = audit_report(&txn, scope.tenant_id()).await?;
        txn.commit().await?;
        Ok(report)
    }
}

async fn audit_report<C: ConnectionTrait>(
    db: &C,
    tenant: Option<Uuid>,
) -> StoreResult<AuditReport> {
    let heads = heads_in_scope(db, tenant).await?;
    let mut chains: BTreeSet<String> = heads.keys().cloned().collect();
    chains.extend(event_chains_in_scope(db, tenant).await?);
    let mut count = 0;
    for chain_id in chains {
        let (checked, broken) = verify_chain(db, &chain_id, heads.get(&chain_id)).await?;
        count += checked;
        if broken.is_some() {
            return Ok(AuditReport {
                ok: false,
                count,
                broken,
            });
        }
    }
    Ok(AuditReport {
        ok: true,
        count,
        broken: None,
    })
}

/// The heads of the scope's chains, by chain id.
async fn heads_in_scope<C: ConnectionTrait>(
    db: &C,
    tenant: Option<Uuid>,
) -> StoreResult<BTreeMap<String, head::Model>> {
    let mut select = head::Entity::find();
    if let Some(t) = tenant {
        select = select.filter(head::Column::ChainId.starts_with(t.to_string()));
    }
    Ok(select
        .all(db)
        .await?
        .into_iter()
        .filter(|h| tenant.is_none_or(|t| belongs_to(&h.chain_id, t)))
        .map(|h| (h.chain_id.clone(), h))
        .collect())
}

/// The chains that hold events of the scope: for a tenant, its chains and any
/// chain holding an event about it.
async fn event_chains_in_scope<C: ConnectionTrait>(
    db: &C,
    tenant: Option<Uuid>,
) -> StoreResult<Vec<String>> {
    let mut select = event::Entity::find()
        .select_only()
        .column(event::Column::ChainId)
        .column(event::Column::TenantId)
        .distinct();
    if let Some(t) = tenant {
        select = select.filter(
            Condition::any()
                .add(event::Column::ChainId.starts_with(t.to_string()))
                .add(event::Column::TenantId.eq(t)),
        );
    }
    let rows: Vec<(String, Option<Uuid>)> = select.into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .filter(|(chain_id, of)| tenant.is_none_or(|t| belongs_to(chain_id, t) || *of == Some(t)))
        .map(|(chain_id, _)| chain_id)
        .collect())
}

/// Walks one chain from its first event and compares its end with `head`.
async fn verify_chain<C: ConnectionTrait>(
    db: &C,
    chain_id: &str,
    head: Option<&head::Model>,
) -> StoreResult<(u64, Option<BrokenLink>)> {
    let broken = |seq: i64, event_id: Option<Uuid>, reason: &str| BrokenLink {
        chain_id: chain_id.to_owned(),
        seq,
        event_id,
        reason: reason.to_owned(),
    };
    let (mut expected_seq, mut prev_hash, mut count) = (1i64, GENESIS_HASH.to_owned(), 0u64);
    loop {
        let batch = event::Entity::find()
            .filter(event::Column::ChainId.eq(chain_id))
            .filter(event::Column::Seq.gte(expected_seq))
            .order_by_asc(event::Column::Seq)
            .limit(VERIFY_BATCH)
            .all(db)
            .await?;
        let done = (batch.len() as u64) < VERIFY_BATCH;
        for e in batch {
            count += 1;
            if e.seq != expected_seq {
                return Ok((count, Some(broken(expected_seq, None, "event missing"))));
            }
            if e.prev_hash != prev_hash {
                let reason = "previous hash does not match";
                return Ok((count, Some(broken(e.seq, Some(e.id), reason))));
            }
            if event_hash(&e).as_deref() != Some(e.hash.as_str()) {
                let reason = "event was changed after it was written";
                return Ok((count, Some(broken(e.seq, Some(e.id), reason))));
            }
            prev_hash = e.hash;
            expected_seq += 1;
        }
        if done {
            break;
        }
    }
    let last_seq = expected_seq - 1;
    let reason = match head {
        None => "chain has events but no head: its head was removed",
        Some(h) if last_seq < h.last_seq => "chain ends before its head: events were removed",
        Some(h) if last_seq > h.last_seq => "chain continues past its head",
        Some(h) if prev_hash != h.last_hash => "last event does not match its head",
        Some(_) => return Ok((count, None)),
    };
    Ok((count, Some(broken(expected_seq, None, reason))))
}
