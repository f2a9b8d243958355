//! Storage of idempotent requests.
//!
//! Two ways, one contract. For use-cases that call the PSP mid-way, `begin`
//! commits an `in_flight` record in its own short transaction, so a second
//! request with the same key can see it and answer 409; the use-case then calls
//! [`complete`] inside the transaction that commits its effects: result and
//! effects land together or not at all. A use-case that creates a resource
//! before its PSP call (a deposit, a payout attempt) ties it to the record with
//! [`claim_resource`] in the resource's own transaction, and [`renew`]s the
//! lease while the PSP call runs. [`release`] removes the record of a request
//! that failed before creating anything, so the key may be retried; once a
//! resource exists the record stays and a retry resumes it. Use-cases
//! that are one database transaction use [`claim_in`] instead: the key is held
//! by that transaction and its completed record is written with its effects.
//! Either way a completed record holds the request's encoded outcome
//! (`crate::outcome`), which the caller decodes as its own type.

use chrono::{Duration as ChronoDuration, Utc};
use idempotency::{Decision, ExistingRecord, Fingerprint, IdempotencyKey, RecordState, decide};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::de::DeserializeOwned;
use std::time::Duration;
use uuid::Uuid;

use crate::entities::idempotency_record::{self, Column, Entity};
use crate::error::{StoreError, StoreResult};
use crate::outcome::EncodedAnswer;

const IN_FLIGHT: &str = "in_flight";
const COMPLETED: &str = "completed";
/// How often `begin` re-reads a record that changed under it before giving up.
const BEGIN_ATTEMPTS_MAX: usize = 4;

/// Who is asking: the idempotency scope of the contract (tenant, principal, key).
#[derive(Debug, Clone)]
pub struct IdempotencyScope {
    /// Tenant id, or `platform` for platform admins.
    pub tenant: String,
    /// `player:<id>` or `admin:<id>`.
    pub principal: String,
    /// The validated key.
    pub key: IdempotencyKey,
}

/// A held in-flight record: proof that this request may complete the key.
#[derive(Debug, Clone)]
pub struct Lease {
    scope: IdempotencyScope,
    token: Uuid,
    resource: Option<Uuid>,
}

impl Lease {
    /// The resource (deposit, payout attempt) an earlier holder of the key
    /// created: the request must resume it, never create another.
    pub fn resource(&self) -> Option<Uuid> {
        self.resource
    }
}

/// Claims `scope` for a request with fingerprint `fingerprint`.
pub(crate) async fn begin<C: ConnectionTrait, T: DeserializeOwned>(
    db: &C,
    scope: &IdempotencyScope,
    fingerprint: &Fingerprint,
    lease: Duration,
) -> StoreResult<Begin<T>> {
    for _ in 0..BEGIN_ATTEMPTS_MAX {
        let now_ms = Utc::now().timestamp_millis();
        let lease_until = lease_until_ms(lease);
        let token = Uuid::new_v4();
        if try_insert(db, scope, fingerprint, token, lease_until).await? {
            return Ok(Begin::Start(Lease {
                scope: scope.clone(),
                token,
                resource: None,
            }));
        }
        let Some(row) = find(db, scope).await? else {
            continue; // released or purged meanwhile: try to insert again
        };
        let existing = existing_record(&row)?;
        match decide(Some(&existing), fingerprint, now_ms) {
            Decision::Replay => {
                let replayed = stored_answer(&row)?.decode()?;
                return Ok(Begin::Earlier(Earlier::Replay(replayed)));
            }
            Decision::Reused => return Ok(Begin::Earlier(Earlier::Reused)),
            Decision::InFlight => return Ok(Begin::Earlier(Earlier::InFlight)),
            Decision::TakeOver => {
                if take_over(db, &row, token, lease_until).await? {
                    return Ok(Begin::Start(Lease {
                        scope: scope.clone(),
                        token,
                        resource: row.resource_id,
                    }));
                }
            }
            Decision::Start => {}
        }
    }
    Ok(Begin::Earlier(Earlier::InFlight))
}

/// Stores the final answer. Call it inside the transaction that commits the
/// request's effects; it fails with [`StoreError::LeaseLost`] (and the caller
/// must roll back) if another processor took the key over.
pub(crate) async fn complete<C: ConnectionTrait>(
    db: &C,
    lease: &Lease,
    answer: &EncodedAnswer,
) -> StoreResult<()> {
    let result = update_held(lease)
        .col_expr(Column::State, Expr::value(COMPLETED))
        .col_expr(Column::Outcome, Expr::value(answer.0.clone()))
        .exec(db)
        .await?;
    held_lease(result.rows_affected)
}

/// Ties the resource a request has just created (a deposit, a payout
/// attempt) to its in-flight record. Call it in the transaction that creates
/// the resource: it fails with [`StoreError::LeaseLost`] (roll back) if
/// another request took the key over, so a key never makes two resources.
pub(crate) async fn claim_resource<C: ConnectionTrait>(
    db: &C,
    lease: &Lease,
    resource: Uuid,
) -> StoreResult<()> {
    let result = update_held(lease)
        .col_expr(Column::ResourceId, Expr::value(resource))
        .filter(Column::ResourceId.is_null())
        .exec(db)
        .await?;
    held_lease(result.rows_affected)
}

/// Extends the lease while the request still works (a slow PSP call), so that
/// no retry takes the key over from a live request. Fails with
/// [`StoreError::LeaseLost`] when the lease is no longer this request's.
pub(crate) async fn renew<C: ConnectionTrait>(
    db: &C,
    lease: &Lease,
    length: Duration,
) -> StoreResult<()> {
    let until_ms = lease_until_ms(length);
    let result = update_held(lease)
        .col_expr(Column::LeaseExpiresAtMs, Expr::value(until_ms))
        .exec(db)
        .await?;
    held_lease(result.rows_affected)
}

/// An update of the lease's record, if the lease still holds it.
fn update_held(lease: &Lease) -> sea_orm::UpdateMany<Entity> {
    Entity::update_many()
        .filter(scope_filter(&lease.scope))
        .filter(Column::LeaseToken.eq(lease.token))
        .filter(Column::State.eq(IN_FLIGHT))
}

/// An update guarded by the lease token changed its one row, or the lease is
/// another request's now.
fn held_lease(rows_affected: u64) -> StoreResult<()> {
    if rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::LeaseLost)
    }
}

/// Lets go of a request that failed before committing its answer. A record
/// without a resource is dropped, so the key may be retried from scratch; one
/// whose request created a resource stays, its lease expired at once, so the
/// retry takes it over and resumes that resource.
pub(crate) async fn release<C: ConnectionTrait>(db: &C, lease: &Lease) -> StoreResult<()> {
    let deleted = Entity::delete_many()
        .filter(scope_filter(&lease.scope))
        .filter(Column::LeaseToken.eq(lease.token))
        .filter(Column::State.eq(IN_FLIGHT))
        .filter(Column::ResourceId.is_null())
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        update_held(lease)
            .col_expr(
                Column::LeaseExpiresAtMs,
                Expr::value(Utc::now().timestamp_millis()),
            )
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Milliseconds since the epoch at which a lease of `length` taken now ends.
fn lease_until_ms(length: Duration) -> i64 {
    Utc::now()
        .timestamp_millis()
        .saturating_add(i64::try_from(length.as_millis()).unwrap_or(i64::MAX))
}

/// Deletes records older than `retention`; returns how many.
pub(crate) async fn purge<C: ConnectionTrait>(db: &C, retention: Duration) -> StoreResult<u64> {
    let retention = ChronoDuration::from_std(retention)
        .map_err(|e| StoreError::Corrupt(format!("retention out of range: {e}")))?;
    let cutoff_ms = u64::try_from((Utc::now() - retention).timestamp_millis()).unwrap_or(0);
    // Ids are UUIDv7: their leading 48 bits are the creation time in ms, so every
    // record older than the cutoff sorts below the smallest id of the cutoff's
    // millisecond, and the primary key serves the purge (no index on
    // `created_at` to maintain on every request).
    let oldest_kept = uuid::Builder::from_unix_timestamp_millis(cutoff_ms, &[0; 10]).into_uuid();
    let result = Entity::delete_many()
        .filter(Column::Id.lt(oldest_kept))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

async fn try_insert<C: ConnectionTrait>(
    db: &C,
    scope: &IdempotencyScope,
    fingerprint: &Fingerprint,
    token: Uuid,
    lease_until_ms: i64,
) -> StoreResult<bool> {
    let row = new_record(scope, fingerprint, IN_FLIGHT, (token, lease_until_ms), None);
    let result = row.exec_without_returning(db).await?;
    Ok(matches!(result, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

async fn find<C: ConnectionTrait>(
    db: &C,
    scope: &IdempotencyScope,
) -> StoreResult<Option<idempotency_record::Model>> {
    Ok(Entity::find().filter(scope_filter(scope)).one(db).await?)
}

async fn take_over<C: ConnectionTrait>(
    db: &C,
    row: &idempotency_record::Model,
    token: Uuid,
    lease_until_ms: i64,
) -> StoreResult<bool> {
    let result = Entity::update_many()
        .col_expr(Column::LeaseToken, Expr::value(token))
        .col_expr(Column::LeaseExpiresAtMs, Expr::value(lease_until_ms))
        .filter(Column::Id.eq(row.id))
        .filter(Column::LeaseToken.eq(row.lease_token))
        .filter(Column::State.eq(IN_FLIGHT))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

fn scope_filter(scope: &IdempotencyScope) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(Column::TenantId.eq(scope.tenant.clone()))
        .add(Column::Principal.eq(scope.principal.clone()))
        .add(Column::IdemKey.eq(scope.key.as_str()))
}

fn existing_record(row: &idempotency_record::Model) -> StoreResult<ExistingRecord> {
    let state = match row.state.as_str() {
        COMPLETED => RecordState::Completed,
        IN_FLIGHT => RecordState::InFlight {
            lease_expires_at_ms: row.lease_expires_at_ms,
        },
        other => return Err(StoreError::Corrupt(format!("idempotency state {other}"))),
    };
    Ok(ExistingRecord {
        fingerprint: Fingerprint::from_stored(row.fingerprint.clone()),
        state,
    })
}

fn stored_answer(row: &idempotency_record::Model) -> StoreResult<StoredAnswer> {
    if let Some(outcome) = &row.outcome {
        return Ok(StoredAnswer::Encoded(outcome.clone()));
    }
    let status = row
        .response_status
        .and_then(|s| u16::try_from(s).ok())
        .ok_or_else(|| StoreError::Corrupt("completed record without an answer".into()))?;
    Ok(StoredAnswer::Legacy {
        status,
        body: row.response_body.clone().unwrap_or_default(),
    })
}

mod answers;
mod claim;

pub(crate) use answers::StoredAnswer;
pub use answers::{Begin, Earlier};

pub(crate) use claim::{
    claim_all_in, claim_in, claim_key, earlier, record_completed, stage_completed,
};

/// A completed record, inserted unless the key has one.
fn completed_record(
    scope: &IdempotencyScope,
    fingerprint: &Fingerprint,
    answer: &EncodedAnswer,
) -> sea_orm::TryInsert<idempotency_record::ActiveModel> {
    let lease = (Uuid::new_v4(), Utc::now().timestamp_millis());
    new_record(scope, fingerprint, COMPLETED, lease, Some(answer))
}

/// A record of `scope` in `state` with a lease (token, expiry in ms) and, once
/// completed, its answer; inserted unless the key has one.
fn new_record(
    scope: &IdempotencyScope,
    fingerprint: &Fingerprint,
    state: &str,
    (lease_token, lease_expires_at_ms): (Uuid, i64),
    answer: Option<&EncodedAnswer>,
) -> sea_orm::TryInsert<idempotency_record::ActiveModel> {
    let row = idempotency_record::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(scope.tenant.clone()),
        principal: Set(scope.principal.clone()),
        idem_key: Set(scope.key.as_str().to_owned()),
        fingerprint: Set(fingerprint.as_str().to_owned()),
        state: Set(state.to_owned()),
        lease_token: Set(lease_token),
        lease_expires_at_ms: Set(lease_expires_at_ms),
        response_status: Set(None),
        response_body: Set(None),
        outcome: Set(answer.map(|a| a.0.clone())),
        resource_id: Set(None),
        created_at: Set(Utc::now()),
    };
    Entity::insert(row).on_conflict_do_nothing_on([
        Column::TenantId,
        Column::Principal,
        Column::IdemKey,
    ])
}
