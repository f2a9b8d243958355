//! Storage of idempotent requests.
//!
//! `begin` commits an `in_flight` record in its own short transaction, so a
//! second request with the same key can see it and answer 409. The use-case
//! then calls [`complete`] inside the transaction that commits its effects:
//! result and effects land together or not at all. [`release`] removes the
//! record of a request that failed before committing, so the key may be retried.

use chrono::{Duration as ChronoDuration, Utc};
use idempotency::{Decision, ExistingRecord, Fingerprint, IdempotencyKey, RecordState, decide};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr,
};
use std::time::Duration;
use uuid::Uuid;

use crate::entities::idempotency_record::{self, Column, Entity};
use crate::error::{StoreError, StoreResult};
use crate::write_batch::{Step, Touched, WriteBatch};

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
}

/// A stored response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status.
    pub status: u16,
    /// Body bytes as first sent.
    pub body: String,
}

/// What to do with an incoming idempotent request.
#[derive(Debug)]
pub enum Begin {
    /// Process it; complete or release the lease afterwards.
    Start(Lease),
    /// Answer with the stored response.
    Replay(StoredResponse),
    /// Same key, different request: 422.
    Reused,
    /// Same key, first request still running: 409.
    InFlight,
}

/// Claims `scope` for a request with fingerprint `fingerprint`.
pub async fn begin<C: ConnectionTrait>(
    db: &C,
    scope: &IdempotencyScope,
    fingerprint: &Fingerprint,
    lease: Duration,
) -> StoreResult<Begin> {
    for _ in 0..BEGIN_ATTEMPTS_MAX {
        let now_ms = Utc::now().timestamp_millis();
        let lease_until =
            now_ms.saturating_add(i64::try_from(lease.as_millis()).unwrap_or(i64::MAX));
        let token = Uuid::new_v4();
        if try_insert(db, scope, fingerprint, token, lease_until).await? {
            return Ok(Begin::Start(Lease {
                scope: scope.clone(),
                token,
            }));
        }
        let Some(row) = find(db, scope).await? else {
            continue; // released or purged meanwhile: try to insert again
        };
        let existing = existing_record(&row)?;
        match decide(Some(&existing), fingerprint, now_ms) {
            Decision::Replay => return Ok(Begin::Replay(stored_response(&row)?)),
            Decision::Reused => return Ok(Begin::Reused),
            Decision::InFlight => return Ok(Begin::InFlight),
            Decision::TakeOver => {
                if take_over(db, &row, token, lease_until).await? {
                    return Ok(Begin::Start(Lease {
                        scope: scope.clone(),
                        token,
                    }));
                }
            }
            Decision::Start => {}
        }
    }
    Ok(Begin::InFlight)
}

/// Stores the final response. Call it inside the transaction that commits the
/// request's effects; it fails with [`StoreError::LeaseLost`] (and the caller
/// must roll back) if another processor took the key over.
pub async fn complete<C: ConnectionTrait>(
    db: &C,
    lease: &Lease,
    response: &StoredResponse,
) -> StoreResult<()> {
    let result = completion(lease, response).exec(db).await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::LeaseLost)
    }
}

/// Adds [`complete`] to a batch; after the batch ran, pass its step to
/// [`check_completed`].
pub(crate) fn stage_complete(
    batch: &mut WriteBatch,
    lease: &Lease,
    response: &StoredResponse,
) -> Step {
    batch.update(completion(lease, response))
}

/// [`StoreError::LeaseLost`] unless the staged completion updated the record.
pub(crate) fn check_completed(touched: &Touched, step: Step) -> StoreResult<()> {
    if touched.rows(step) == 1 {
        Ok(())
    } else {
        Err(StoreError::LeaseLost)
    }
}

/// The update that completes the lease's record, if the lease still holds it.
fn completion(lease: &Lease, response: &StoredResponse) -> sea_orm::UpdateMany<Entity> {
    Entity::update_many()
        .col_expr(Column::State, Expr::value(COMPLETED))
        .col_expr(
            Column::ResponseStatus,
            Expr::value(i32::from(response.status)),
        )
        .col_expr(Column::ResponseBody, Expr::value(response.body.clone()))
        .filter(scope_filter(&lease.scope))
        .filter(Column::LeaseToken.eq(lease.token))
        .filter(Column::State.eq(IN_FLIGHT))
}

/// Drops the in-flight record of a request that committed nothing.
pub async fn release<C: ConnectionTrait>(db: &C, lease: &Lease) -> StoreResult<()> {
    Entity::delete_many()
        .filter(scope_filter(&lease.scope))
        .filter(Column::LeaseToken.eq(lease.token))
        .filter(Column::State.eq(IN_FLIGHT))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes records older than `retention`; returns how many.
pub async fn purge<C: ConnectionTrait>(db: &C, retention: Duration) -> StoreResult<u64> {
    let retention = ChronoDuration::from_std(retention)
        .map_err(|e| StoreError::Corrupt(format!("retention out of range: {e}")))?;
    let cutoff = Utc::now() - retention;
    let result = Entity::delete_many()
        .filter(Column::CreatedAt.lt(cutoff))
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
    let row = idempotency_record::ActiveModel {
        id: Set(Uuid::now_v7()),
        scope: Set(scope.tenant.clone()),
        principal: Set(scope.principal.clone()),
        idem_key: Set(scope.key.as_str().to_owned()),
        fingerprint: Set(fingerprint.as_str().to_owned()),
        state: Set(IN_FLIGHT.to_owned()),
        lease_token: Set(token),
        lease_expires_at_ms: Set(lease_until_ms),
        response_status: Set(None),
        response_body: Set(None),
        created_at: Set(Utc::now()),
    };
    let result = Entity::insert(row)
        .on_conflict_do_nothing_on([Column::Scope, Column::Principal, Column::IdemKey])
        .exec_without_returning(db)
        .await?;
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
        .add(Column::Scope.eq(scope.tenant.clone()))
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

fn stored_response(row: &idempotency_record::Model) -> StoreResult<StoredResponse> {
    let status = row
        .response_status
        .and_then(|s| u16::try_from(s).ok())
        .ok_or_else(|| StoreError::Corrupt("completed record without status".into()))?;
    Ok(StoredResponse {
        status,
        body: row.response_body.clone().unwrap_or_default(),
    })
}
