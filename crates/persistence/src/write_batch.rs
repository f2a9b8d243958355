//! The writes of one use-case, sent to the database together.
//!
//! A money movement writes five to seven rows (ledger transaction, postings,
//! wallet projection, the causing record, inbox or idempotency record, audit
//! event). Sent one by one, each is a network round trip while the wallet row
//! is locked. On PostgreSQL a [`WriteBatch`] becomes one statement of
//! data-modifying common table expressions:
//!
//! ```sql
//! WITH w0 AS (INSERT … RETURNING 1), w1 AS (UPDATE … RETURNING 1), …
//! SELECT (SELECT count(*) FROM w0) AS n0, (SELECT count(*) FROM w1) AS n1, …
//! ```
//!
//! PostgreSQL runs every sub-statement exactly once, on one snapshot, and
//! checks foreign keys at the end of the statement, so the steps must touch
//! distinct rows (they do: each use-case writes each row once). SQLite has no
//! data-modifying CTEs; there the steps run one after another in the same
//! transaction, with the same result. Either way the caller learns how many
//! rows each step touched, and decides (an inbox conflict means a duplicate,
//! an idempotency record not completed means a lost lease).

use sea_orm::sea_query::{
    Alias, CommonTableExpression, Expr, InsertStatement, Query, UpdateStatement, WithClause,
};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseTransaction, QueryTrait};

use crate::error::{StoreError, StoreResult};

/// One write of a batch.
enum Write {
    Insert(InsertStatement),
    Update(UpdateStatement),
}

/// Handle of a step, to read how many rows it touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Step(usize);

/// A length of a batch, to rewind to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark(usize);

/// Rows touched by each step of a batch that ran.
#[derive(Debug)]
pub(crate) struct Touched(Vec<u64>);

impl Touched {
    /// Rows the step wrote (inserted or updated).
    pub fn rows(&self, step: Step) -> u64 {
        self.0.get(step.0).copied().unwrap_or(0)
    }
}

/// Writes collected in order, run by [`WriteBatch::run`].
#[derive(Default)]
pub(crate) struct WriteBatch {
    writes: Vec<Write>,
}

impl WriteBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an insert (sea-orm `Insert`, `InsertMany` or `TryInsert`).
    pub fn insert<Q>(&mut self, insert: Q) -> Step
    where
        Q: QueryTrait<QueryStatement = InsertStatement>,
    {
        self.writes.push(Write::Insert(insert.into_query()));
        Step(self.writes.len() - 1)
    }

    /// Adds an update (sea-orm `UpdateMany`).
    pub fn update<Q>(&mut self, update: Q) -> Step
    where
        Q: QueryTrait<QueryStatement = UpdateStatement>,
    {
        self.writes.push(Write::Update(update.into_query()));
        Step(self.writes.len() - 1)
    }

    /// Where the batch ends now, to drop what is added after it ([`WriteBatch::rewind`]).
    pub fn mark(&self) -> Mark {
        Mark(self.writes.len())
    }

    /// Drops every write added after `mark` (a request of a round that failed
    /// its checks after staging some writes).
    pub fn rewind(&mut self, mark: Mark) {
        self.writes.truncate(mark.0);
    }

    /// Runs every step inside `txn`: one round trip on PostgreSQL.
    pub async fn run(self, txn: &DatabaseTransaction) -> StoreResult<Touched> {
        if self.writes.is_empty() {
            return Ok(Touched(Vec::new()));
        }
        match txn.get_database_backend() {
            DatabaseBackend::Postgres => self.run_as_one_statement(txn).await,
            _ => self.run_one_by_one(txn).await,
        }
    }

    async fn run_one_by_one(self, txn: &DatabaseTransaction) -> StoreResult<Touched> {
        let mut touched = Vec::with_capacity(self.writes.len());
        for write in self.writes {
            let result = match write {
                Write::Insert(insert) => txn.execute(&insert).await?,
                Write::Update(update) => txn.execute(&update).await?,
            };
            touched.push(result.rows_affected());
        }
        Ok(Touched(touched))
    }

    async fn run_as_one_statement(self, txn: &DatabaseTransaction) -> StoreResult<Touched> {
        let steps = self.writes.len();
        let mut with = WithClause::new();
        let mut counts = Query::select();
        for (index, write) in self.writes.into_iter().enumerate() {
            let name = format!("w{index}");
            let returning = Query::returning().expr(Expr::val(1));
            let mut cte = CommonTableExpression::new();
            match write {
                Write::Insert(mut insert) => {
                    insert.returning(returning);
                    cte.query(insert);
                }
                Write::Update(mut update) => {
                    update.returning(returning);
                    cte.query(update);
                }
            }
            with.cte(cte.table_name(Alias::new(name.as_str())).to_owned());
            counts.expr_as(
                Expr::cust(format!("(SELECT count(*) FROM {name})")),
                Alias::new(format!("n{index}")),
            );
        }
        let statement = with.query(counts);
        let row = txn
            .query_one(&statement)
            .await?
            .ok_or_else(|| StoreError::Corrupt("the write batch returned no row".to_owned()))?;
        let mut touched = Vec::with_capacity(steps);
        for index in 0..steps {
            let count: i64 = row.try_get("", &format!("n{index}"))?;
            touched.push(u64::try_from(count).unwrap_or(0));
        }
        Ok(Touched(touched))
    }
}

/// Bytes one write statement of a round may take (see the module docs: why,
/// and when this can go).
pub const ROUND_BYTES_MAX: usize = 14 * 1024;

/// A round's writes, cut into statements of at most [`ROUND_BYTES_MAX`];
/// each chunk carries what its caller checks after running it (`X`).
pub(crate) struct WriteChunks<X> {
    chunks: Vec<(WriteBatch, X)>,
    bytes: usize,
}

impl<X: Default> WriteChunks<X> {
    /// No chunk yet.
    pub fn new() -> Self {
        Self {
            chunks: Vec::new(),
            bytes: ROUND_BYTES_MAX,
        }
    }

    /// The chunk a member of `bytes` goes to (a new one when it would not fit).
    pub fn for_member(&mut self, bytes: usize) -> &mut (WriteBatch, X) {
        if self.bytes + bytes > ROUND_BYTES_MAX || self.chunks.is_empty() {
            self.chunks.push((WriteBatch::new(), X::default()));
            self.bytes = 0;
        }
        self.bytes += bytes;
        let last = self.chunks.len() - 1;
        &mut self.chunks[last]
    }

    /// The last chunk, if any.
    pub fn last_mut(&mut self) -> Option<&mut (WriteBatch, X)> {
        self.chunks.last_mut()
    }

    /// The chunks, in order.
    pub fn into_inner(self) -> Vec<(WriteBatch, X)> {
        self.chunks
    }
}
