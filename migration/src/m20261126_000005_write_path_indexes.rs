//! Leaner indexes for the write path.
//!
//! `ix_ledger_postings_account` indexed every posting's account code (two
//! random text keys per movement) but served no query: reconciliation filters
//! house accounts by a `LIKE` prefix and a time window, which a default-collation
//! btree on the code cannot answer. A partial index on the time of house
//! postings only serves that query and costs one append-only entry per deposit
//! and nothing for player-only movements (holds, releases).
//!
//! `ix_idempotency_created_at` served only the purge of old idempotency
//! records; their ids are UUIDv7 (time first), so the purge now uses the
//! primary key and every idempotent request writes one index entry less.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const HOUSE_INDEX: &str = "CREATE INDEX ix_ledger_postings_house_created \
     ON ledger_postings (created_at) WHERE account LIKE 'house:%'";
const ACCOUNT_INDEX: &str = "CREATE INDEX ix_ledger_postings_account ON ledger_postings (account)";
const IDEMPOTENCY_INDEX: &str =
    "CREATE INDEX ix_idempotency_created_at ON idempotency_records (created_at)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("DROP INDEX ix_ledger_postings_account")
            .await?;
        db.execute_unprepared(HOUSE_INDEX).await?;
        db.execute_unprepared("DROP INDEX ix_idempotency_created_at")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("DROP INDEX ix_ledger_postings_house_created")
            .await?;
        db.execute_unprepared(ACCOUNT_INDEX).await?;
        db.execute_unprepared(IDEMPOTENCY_INDEX).await?;
        Ok(())
    }
}
