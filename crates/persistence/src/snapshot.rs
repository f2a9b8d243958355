//! Read-only transactions that see one consistent snapshot, for checks that
//! compare several reads (verification): a write committing between two of
//! their statements must not look like drift.

use sea_orm::{AccessMode, DatabaseBackend, DatabaseTransaction, IsolationLevel, TransactionTrait};

use crate::db::Db;
use crate::error::StoreResult;

impl Db {
    /// Begins a transaction whose reads all see the same committed state:
    /// `REPEATABLE READ READ ONLY` on PostgreSQL (it takes no locks and never
    /// waits for writers); on SQLite one read transaction (WAL keeps its
    /// snapshot while writers commit).
    pub(crate) async fn read_snapshot(&self) -> StoreResult<DatabaseTransaction> {
        let txn = match self.backend() {
            DatabaseBackend::Postgres => {
                self.conn()
                    .begin_with_config(
                        Some(IsolationLevel::RepeatableRead),
                        Some(AccessMode::ReadOnly),
                    )
                    .await?
            }
            _ => self.conn().begin().await?,
        };
        Ok(txn)
    }
}
