//! What the scratch database holds after the run, read directly (not through the
//! API): game transactions with the ledger transactions naming each, withdrawals
//! with theirs, idempotency keys recorded twice, and the wallets.

use std::collections::HashMap;

use anyhow::{Context, Result};
use sea_orm_migration::sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement,
};

use super::journal::Balance;

/// A `game_transactions` row and how many ledger transactions name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameRow {
    /// The provider's transaction id.
    pub transaction_id: String,
    /// Kasa's id.
    pub id: String,
    /// The stored first answer's status.
    pub status: String,
    /// `applied`, `refused`, `rolled_back` or `tombstone`.
    pub state: String,
    /// Ledger transactions with reference (`game_transaction`, `id`).
    pub ledger: i64,
    /// When Kasa created it, µs since the Unix epoch.
    pub created_us: i64,
}

/// A `withdrawals` row and the ledger transactions naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalRow {
    /// Kasa's id.
    pub id: String,
    /// The player.
    pub player_id: String,
    /// Amount, cents.
    pub amount_minor: i64,
    /// Its state.
    pub state: String,
    /// Ledger transactions with reference (`withdrawal`, `id`).
    pub ledger: i64,
}

/// Everything the checks compare with the answers.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The tenant's game transactions.
    pub games: Vec<GameRow>,
    /// Game ledger transactions of the tenant naming no game transaction.
    pub orphan_game_ledger: i64,
    /// The tenant's withdrawals.
    pub withdrawals: Vec<WithdrawalRow>,
    /// Idempotency keys of the run stored more than once, with their count.
    pub repeated_keys: Vec<(String, i64)>,
    /// The tenant's wallets by player id.
    pub wallets: HashMap<String, Balance>,
}

/// The id of the tenant `slug`.
pub async fn tenant_id(db: &DatabaseConnection, slug: &str) -> Result<String> {
    let rows = query(
        db,
        "SELECT id::text AS id FROM tenants WHERE slug = $1",
        slug,
    )
    .await?;
    let row = rows
        .first()
        .context("the chaos tenant is not in the database")?;
    Ok(row.try_get("", "id")?)
}

/// The wallets of `tenant` by player id.
pub async fn wallets(db: &DatabaseConnection, tenant: &str) -> Result<HashMap<String, Balance>> {
    let rows = query(
        db,
        "SELECT player_id::text AS player_id, available_minor, held_minor \
         FROM wallets WHERE tenant_id = $1::uuid",
        tenant,
    )
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("", "player_id")?,
                Balance {
                    available_minor: row.try_get("", "available_minor")?,
                    held_minor: row.try_get("", "held_minor")?,
                },
            ))
        })
        .collect()
}

/// Reads the [`Snapshot`] of `tenant`; `key_prefix` selects the run's keys.
pub async fn snapshot(db: &DatabaseConnection, tenant: &str, key_prefix: &str) -> Result<Snapshot> {
    let games = query(
        db,
        "SELECT g.transaction_id, g.id::text AS id, g.status, g.state, count(l.id) AS ledger, \
                (extract(epoch FROM g.created_at) * 1000000)::bigint AS created_us \
         FROM game_transactions g LEFT JOIN ledger_transactions l \
           ON l.reference_type = 'game_transaction' AND l.reference_id = g.id \
         WHERE g.tenant_id = $1::uuid GROUP BY g.id",
        tenant,
    )
    .await?
    .iter()
    .map(|row| {
        Ok(GameRow {
            transaction_id: row.try_get("", "transaction_id")?,
            id: row.try_get("", "id")?,
            status: row.try_get("", "status")?,
            state: row.try_get("", "state")?,
            ledger: row.try_get("", "ledger")?,
            created_us: row.try_get("", "created_us")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let orphans = query(
        db,
        "SELECT count(*) AS n FROM ledger_transactions l \
         WHERE l.tenant_id = $1::uuid AND l.reference_type = 'game_transaction' \
           AND NOT EXISTS (SELECT 1 FROM game_transactions g WHERE g.id = l.reference_id)",
        tenant,
    )
    .await?;
    let orphan_game_ledger = match orphans.first() {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    let withdrawals = query(
        db,
        "SELECT w.id::text AS id, w.player_id::text AS player_id, w.amount_minor, w.state, \
                count(l.id) AS ledger \
         FROM withdrawals w LEFT JOIN ledger_transactions l \
           ON l.reference_type = 'withdrawal' AND l.reference_id = w.id \
         WHERE w.tenant_id = $1::uuid GROUP BY w.id",
        tenant,
    )
    .await?
    .iter()
    .map(|row| {
        Ok(WithdrawalRow {
            id: row.try_get("", "id")?,
            player_id: row.try_get("", "player_id")?,
            amount_minor: row.try_get("", "amount_minor")?,
            state: row.try_get("", "state")?,
            ledger: row.try_get("", "ledger")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let repeated_keys = query(
        db,
        "SELECT idem_key, count(*) AS n FROM idempotency_records \
         WHERE idem_key LIKE $1 GROUP BY idem_key HAVING count(*) > 1",
        &format!("{key_prefix}%"),
    )
    .await?
    .iter()
    .map(|row| Ok((row.try_get("", "idem_key")?, row.try_get("", "n")?)))
    .collect::<Result<Vec<_>>>()?;
    Ok(Snapshot {
        games,
        orphan_game_ledger,
        withdrawals,
        repeated_keys,
        wallets: wallets(db, tenant).await?,
    })
}

/// Runs `sql` with `$1` bound to `value`.
async fn query(db: &DatabaseConnection, sql: &str, value: &str) -> Result<Vec<QueryResult>> {
    let statement = Statement::from_sql_and_values(DbBackend::Postgres, sql, [value.into()]);
    db.query_all_raw(statement)
        .await
        .with_context(|| format!("querying the scratch database: {sql}"))
}
