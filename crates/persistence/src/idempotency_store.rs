//! Storage of idempotent requests.
//!
//! Two ways, one contract. For use-cases that call the PSP mid-way, `begin`
//! commits an `in_flight` record in its own short transaction, so a second
//! request with the same key can see it and answer 409; the use-case then calls
//! [`complete`] inside the transaction that commits its effects: result and
//! effects land together or not at all. [`release`] removes the record of a
//! request that failed before committing, so the key may be retried. Use-cases
//! that are one database transaction use [`claim_in`] instead: the key is held
//! by that transaction and its completed record is written with its effects.

use chrono::{Duration as ChronoDuration, Utc};
use idempotency::{Decision, ExistingRecord, Fingerprint, IdempotencyKey, RecordState, decide};
use sea_orm::sea_query::{Alias, Expr, Func, Query, SelectStatement, UnionType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseTransaction,
    EntityTrait, FromQueryResult, QueryFilter,
};
use std::time::Duration;
use uuid::Uuid;

use crate::entities::idempotency_record::{self, Column, Entity};
use crate::error::{StoreError, StoreResult};
use crate::joined;
use crate::write_batch::{Step, WriteBatch};

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

/// How a one-transaction idempotent request (see [`claim_in`]) ended.
#[derive(Debug)]
pub enum Once {
    /// It ran and committed; this is its answer, stored with its effects.
    Done(StoredResponse),
    /// It did not run: answer as an earlier request with the key dictates
    /// (never [`Begin::Start`]).
    Earlier(Begin),
}

/// For use-cases that are one database transaction (no PSP call in between):
/// instead of committing an in-flight record first, the transaction claims the
/// key with a transaction-level advisory lock (PostgreSQL; no write, released
/// at commit or rollback) and reads any earlier record in the same statement.
/// Another request with the key while this one runs gets `InFlight` (409);
/// one after it finds the completed record. The completed record is inserted
/// with the effects ([`stage_completed`]), so the key costs one write and one
/// commit instead of two. Returns `None` when the request may go ahead, else
/// what to answer (the caller rolls back).
pub(crate) async fn claim_in(
    txn: &DatabaseTransaction,
    scope: &IdempotencyScope,
    fingerprint: &Fingerprint,
) -> StoreResult<Option<Begin>> {
    let earlier = if txn.get_database_backend() == DatabaseBackend::Postgres {
        // One round trip: try the claim and read the key's record. If a request
        // with the key committed between this statement's snapshot and the claim,
        // the record is not seen here; the completed record's insert then
        // conflicts and the caller answers from it.
        let row = txn
            .query_one(&claim_statement(scope))
            .await?
            .ok_or_else(|| StoreError::Corrupt("the key claim returned no row".to_owned()))?;
        match claimed_record(&row)? {
            Claimed::No => return Ok(Some(Begin::InFlight)),
            Claimed::Yes(earlier) => earlier.map(|record| *record),
        }
    } else {
        find(txn, scope).await?
    };
    match earlier {
        None => Ok(None),
        Some(row) => Ok(Some(answer_for(&row, fingerprint)?)),
    }
}

/// [`claim_in`] for several keys (distinct scopes), in one statement on
/// PostgreSQL; answers in the order given.
pub(crate) async fn claim_all_in(
    txn: &DatabaseTransaction,
    keys: &[(&IdempotencyScope, &Fingerprint)],
) -> StoreResult<Vec<Option<Begin>>> {
    let mut claims = keys.iter().enumerate().map(|(index, (scope, _))| {
        let mut claim = claim_statement(scope);
        claim.expr_as(Expr::val(index as i64), Alias::new("claim_index"));
        claim
    });
    let (Some(mut union), true) = (
        claims.next(),
        txn.get_database_backend() == DatabaseBackend::Postgres,
    ) else {
        let mut answers = Vec::with_capacity(keys.len());
        for (scope, fingerprint) in keys {
            answers.push(claim_in(txn, scope, fingerprint).await?);
        }
        return Ok(answers);
    };
    for claim in claims {
        union.union(UnionType::All, claim);
    }
    let mut answers: Vec<Option<StoreResult<Option<Begin>>>> = keys.iter().map(|_| None).collect();
    for row in txn.query_all(&union).await? {
        let index = usize::try_from(row.try_get::<i64>("", "claim_index")?)
            .map_err(|_| StoreError::Corrupt("negative claim index".to_owned()))?;
        let (Some(slot), Some((_, fingerprint))) = (answers.get_mut(index), keys.get(index)) else {
            return Err(StoreError::Corrupt("unknown claim index".to_owned()));
        };
        *slot = Some(match claimed_record(&row)? {
            Claimed::No => Ok(Some(Begin::InFlight)),
            Claimed::Yes(None) => Ok(None),
            Claimed::Yes(Some(earlier)) => answer_for(&earlier, fingerprint).map(Some),
        });
    }
    answers
        .into_iter()
        .map(|answer| {
            answer.unwrap_or_else(|| {
                Err(StoreError::Corrupt(
                    "a key claim returned no row".to_owned(),
                ))
            })
        })
        .collect()
}

/// Whether a claim row got its key, and the key's earlier record.
enum Claimed {
    /// Another transaction holds the key.
    No,
    /// Claimed; the earlier record, if any.
    Yes(Option<Box<idempotency_record::Model>>),
}

/// Reads a row of [`claim_statement`].
fn claimed_record(row: &sea_orm::QueryResult) -> StoreResult<Claimed> {
    if !row.try_get::<bool>("", "claimed")? {
        return Ok(Claimed::No);
    }
    Ok(Claimed::Yes(
        match row.try_get::<Option<Uuid>>("", "r_id")? {
            Some(_) => Some(Box::new(idempotency_record::Model::from_query_result(
                row, "r_",
            )?)),
            None => None,
        },
    ))
}

/// The claim of [`claim_in`] and the key's record (columns prefixed `r_`, all
/// null when there is none):
/// `SELECT pg_try_advisory_xact_lock(hashtextextended(<key>, 0)) AS claimed, r.*
/// FROM (SELECT 1) one LEFT JOIN idempotency_records r ON <scope>`.
fn claim_statement(scope: &IdempotencyScope) -> SelectStatement {
    let try_lock = Func::cust(Alias::new("pg_try_advisory_xact_lock")).arg(
        Func::cust(Alias::new("hashtextextended"))
            .arg(claim_key(scope))
            .arg(0),
    );
    let mut claim = Query::select();
    claim
        .expr_as(try_lock, Alias::new("claimed"))
        .from_subquery(
            Query::select().expr(Expr::val(1)).to_owned(),
            Alias::new("one"),
        )
        .left_join(Entity, scope_filter(scope));
    joined::select_prefixed::<Entity>(&mut claim, "r_");
    claim
}

/// Adds the completed record of a one-transaction request to `batch`; if the
/// step inserts nothing, a request with the key finished meanwhile: roll back
/// and answer [`earlier`].
pub(crate) fn stage_completed(
    batch: &mut WriteBatch,
    scope: &IdempotencyScope,
    fingerprint: &Fingerprint,
    response: &StoredResponse,
) -> Step {
    batch.insert(completed_record(scope, fingerprint, response))
}

/// Stores the answer (a 4xx) of a one-transaction request whose transaction
/// rolled back, so a retry with the key gets the same answer. If a request with
/// the key completed meanwhile, its record stays.
pub async fn record_completed<C: ConnectionTrait>(
    db: &C,
    scope: &IdempotencyScope,
    fingerprint: &Fingerprint,
    response: &StoredResponse,
) -> StoreResult<()> {
    completed_record(scope, fingerprint, response)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// What an earlier request with the key means for this one.
pub async fn earlier<C: ConnectionTrait>(
    db: &C,
    scope: &IdempotencyScope,
    fingerprint: &Fingerprint,
) -> StoreResult<Begin> {
    match find(db, scope).await? {
        Some(row) => answer_for(&row, fingerprint),
        None => Ok(Begin::InFlight),
    }
}

/// The answer an existing record dictates. An expired in-flight record (left by
/// a crashed two-step request) is reported in flight until it is purged.
fn answer_for(row: &idempotency_record::Model, fingerprint: &Fingerprint) -> StoreResult<Begin> {
    let existing = existing_record(row)?;
    Ok(
        match decide(Some(&existing), fingerprint, Utc::now().timestamp_millis()) {
            Decision::Replay => Begin::Replay(stored_response(row)?),
            Decision::Reused => Begin::Reused,
            Decision::InFlight | Decision::TakeOver | Decision::Start => Begin::InFlight,
        },
    )
}

/// The advisory-lock key of a scope (hashed to 64 bits by PostgreSQL).
pub(crate) fn claim_key(scope: &IdempotencyScope) -> String {
    format!(
        "kasa-idempotency\u{1f}{}\u{1f}{}\u{1f}{}",
        scope.tenant,
        scope.principal,
        scope.key.as_str()
    )
}

/// A completed record, inserted unless the key has one.
fn completed_record(
    scope: &IdempotencyScope,
    fingerprint: &Fingerprint,
    response: &StoredResponse,
) -> sea_orm::TryInsert<idempotency_record::ActiveModel> {
    let lease = (Uuid::new_v4(), Utc::now().timestamp_millis());
    new_record(scope, fingerprint, COMPLETED, lease, Some(response))
}

/// A record of `scope` in `state` with a lease (token, expiry in ms) and, once
/// completed, its response; inserted unless the key has one.
fn new_record(
    scope: &IdempotencyScope,
    fingerprint: &Fingerprint,
    state: &str,
    (lease_token, lease_expires_at_ms): (Uuid, i64),
    response: Option<&StoredResponse>,
) -> sea_orm::TryInsert<idempotency_record::ActiveModel> {
    let row = idempotency_record::ActiveModel {
        id: Set(Uuid::now_v7()),
        scope: Set(scope.tenant.clone()),
        principal: Set(scope.principal.clone()),
        idem_key: Set(scope.key.as_str().to_owned()),
        fingerprint: Set(fingerprint.as_str().to_owned()),
        state: Set(state.to_owned()),
        lease_token: Set(lease_token),
        lease_expires_at_ms: Set(lease_expires_at_ms),
        response_status: Set(response.map(|r| i32::from(r.status))),
        response_body: Set(response.map(|r| r.body.clone())),
        created_at: Set(Utc::now()),
    };
    Entity::insert(row).on_conflict_do_nothing_on([
        Column::Scope,
        Column::Principal,
        Column::IdemKey,
    ])
}
