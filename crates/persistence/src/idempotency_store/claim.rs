//! One-transaction idempotent requests: the key is claimed inside the
//! transaction that does the work and its completed record is written there.

use chrono::Utc;
use idempotency::{Decision, Fingerprint, decide};
use sea_orm::sea_query::{Alias, Expr, Func, Query, SelectStatement, UnionType};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseTransaction, FromQueryResult};
use uuid::Uuid;

use super::{
    Earlier, IdempotencyScope, StoredAnswer, completed_record, existing_record, find, scope_filter,
    stored_answer,
};
use crate::entities::idempotency_record::{self, Entity};
use crate::error::{StoreError, StoreResult};
use crate::joined;
use crate::outcome::EncodedAnswer;
use crate::write_batch::{Step, WriteBatch};

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
) -> StoreResult<Option<Earlier<StoredAnswer>>> {
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
            Claimed::No => return Ok(Some(Earlier::InFlight)),
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
) -> StoreResult<Vec<Option<Earlier<StoredAnswer>>>> {
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
    let mut answers: Vec<Option<StoreResult<Option<Earlier<StoredAnswer>>>>> =
        keys.iter().map(|_| None).collect();
    for row in txn.query_all(&union).await? {
        let index = usize::try_from(row.try_get::<i64>("", "claim_index")?)
            .map_err(|_| StoreError::Corrupt("negative claim index".to_owned()))?;
        let (Some(slot), Some((_, fingerprint))) = (answers.get_mut(index), keys.get(index)) else {
            return Err(StoreError::Corrupt("unknown claim index".to_owned()));
        };
        *slot = Some(match claimed_record(&row)? {
            Claimed::No => Ok(Some(Earlier::InFlight)),
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
    answer: &EncodedAnswer,
) -> Step {
    batch.insert(completed_record(scope, fingerprint, answer))
}

/// Stores the answer (a refusal) of a one-transaction request whose
/// transaction rolled back, so a retry with the key gets the same answer. If a
/// request with the key completed meanwhile, its record stays.
pub(crate) async fn record_completed<C: ConnectionTrait>(
    db: &C,
    scope: &IdempotencyScope,
    fingerprint: &Fingerprint,
    answer: &EncodedAnswer,
) -> StoreResult<()> {
    completed_record(scope, fingerprint, answer)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// What an earlier request with the key means for this one.
pub(crate) async fn earlier<C: ConnectionTrait>(
    db: &C,
    scope: &IdempotencyScope,
    fingerprint: &Fingerprint,
) -> StoreResult<Earlier<StoredAnswer>> {
    match find(db, scope).await? {
        Some(row) => answer_for(&row, fingerprint),
        None => Ok(Earlier::InFlight),
    }
}

/// The answer an existing record dictates. An expired in-flight record (left by
/// a crashed two-step request) is reported in flight until it is purged.
fn answer_for(
    row: &idempotency_record::Model,
    fingerprint: &Fingerprint,
) -> StoreResult<Earlier<StoredAnswer>> {
    let existing = existing_record(row)?;
    Ok(
        match decide(Some(&existing), fingerprint, Utc::now().timestamp_millis()) {
            Decision::Replay => Earlier::Replay(stored_answer(row)?),
            Decision::Reused => Earlier::Reused,
            Decision::InFlight | Decision::TakeOver | Decision::Start => Earlier::InFlight,
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
