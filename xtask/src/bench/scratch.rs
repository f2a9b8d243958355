//! Scratch databases on the bench's PostgreSQL server, created per run and dropped
//! at its end (unless `--keep`).

use std::sync::Mutex;

use anyhow::{Context, Result};
use reqwest::Url;
use sea_orm_migration::sea_orm::{ConnectionTrait, Database};

use crate::migrate::redact;

/// The scratch databases of one run.
#[derive(Debug)]
pub struct Scratch {
    server_url: String,
    keep: bool,
    created: Mutex<Vec<String>>,
}

impl Scratch {
    /// Scratch databases on the server `server_url` points at.
    pub fn new(server_url: &str, keep: bool) -> Self {
        Self {
            server_url: server_url.to_owned(),
            keep,
            created: Mutex::new(Vec::new()),
        }
    }

    /// The URL of database `name` on the same server.
    pub fn url_of(&self, name: &str) -> Result<String> {
        with_database(&self.server_url, name)
    }

    /// Creates a fresh database `kasa_bench_<label>_<random>` and returns its URL.
    pub async fn create(&self, label: &str) -> Result<String> {
        let name = format!("kasa_bench_{label}_{}", crate::smoke::random_hex(10));
        let admin = Database::connect(self.url_of("postgres")?)
            .await
            .with_context(|| format!("connecting to {}", redact(&self.server_url)))?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .with_context(|| format!("creating the scratch database {name}"))?;
        admin.close().await.ok();
        if let Ok(mut created) = self.created.lock() {
            created.push(name.clone());
        }
        self.url_of(&name)
    }

    /// Drops the scratch database behind `url` (kept with `--keep`).
    pub async fn drop(&self, url: &str) {
        let Ok(parsed) = Url::parse(url) else { return };
        let name = parsed.path().trim_start_matches('/').to_owned();
        if self.keep {
            println!("bench: kept database {name}");
            return;
        }
        if let Err(error) = self.drop_named(&name).await {
            eprintln!("bench: could not drop {name}: {error:#}");
        }
        if let Ok(mut created) = self.created.lock() {
            created.retain(|n| n != &name);
        }
    }

    /// Drops every scratch database still present.
    pub async fn drop_all(&self) {
        let names = self
            .created
            .lock()
            .map(|created| created.clone())
            .unwrap_or_default();
        for name in names {
            if let Ok(url) = self.url_of(&name) {
                self.drop(&url).await;
            }
        }
    }

    async fn drop_named(&self, name: &str) -> Result<()> {
        let admin = Database::connect(self.url_of("postgres")?).await?;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await?;
        admin.close().await.ok();
        Ok(())
    }
}

/// `VACUUM ANALYZE` on the database behind `url`, after seeding and before
/// measuring, as any benchmark does after a bulk load: the planner then works
/// with statistics of the loaded tables, not of the nearly empty ones an early
/// autovacuum saw (which can make it pick sequential scans for key lookups).
pub async fn settle(url: &str) -> Result<()> {
    let db = Database::connect(url)
        .await
        .with_context(|| format!("connecting to {}", redact(url)))?;
    db.execute_unprepared("VACUUM ANALYZE")
        .await
        .context("VACUUM ANALYZE after seeding")?;
    db.close().await.ok();
    Ok(())
}

/// `url` with its database (path) replaced by `name`.
pub fn with_database(url: &str, name: &str) -> Result<String> {
    let mut parsed = Url::parse(url).with_context(|| format!("parsing the URL {}", redact(url)))?;
    parsed.set_path(&format!("/{name}"));
    Ok(parsed.to_string())
}

/// Settled game rounds seeded before a game scenario (one bet each).
pub const GAME_HISTORY_ROWS: u32 = 200_000;

/// Seeds `rows` settled bets, each in a closed round of its own, for the
/// players of the newest game provider's sessions on the database behind
/// `url`: a live wallet looks calls up among a large history, and the
/// planner should see one (with statistics of it, see [`settle`]), not the
/// empty tables of a fresh scratch database.
pub async fn game_history(url: &str, rows: u32) -> Result<()> {
    let db = Database::connect(url)
        .await
        .with_context(|| format!("connecting to {}", redact(url)))?;
    let history = format!(
        "WITH provider AS (SELECT tenant_id, slug FROM game_providers ORDER BY created_at DESC LIMIT 1),
              players AS (SELECT player_id, (row_number() OVER (ORDER BY player_id)) - 1 AS n,
                                 count(*) OVER () AS total
                          FROM game_sessions WHERE provider = (SELECT slug FROM provider)),
              played AS (SELECT g, p.tenant_id, p.slug, s.player_id
                         FROM generate_series(1, {rows}) AS g
                         CROSS JOIN provider p JOIN players s ON s.n = g % s.total),
              bets AS (INSERT INTO game_transactions (id, tenant_id, provider, transaction_id, kind,
                           player_id, round_id, game, amount_minor, currency, fingerprint, status,
                           state, reference_transaction_id, created_at, updated_at)
                       SELECT gen_random_uuid(), tenant_id, slug, 'history-bet-' || g, 'bet',
                              player_id, 'history-round-' || g, 'bench-slot', 100, 'EUR',
                              md5(g::text) || md5(g::text), 'ok', 'applied', NULL,
                              now() - interval '1 day', now() - interval '1 day'
                       FROM played RETURNING 1)
         INSERT INTO game_rounds (tenant_id, provider, round_id, player_id, closed, win_credited,
                                  created_at, updated_at)
         SELECT tenant_id, slug, 'history-round-' || g, player_id, true, false,
                now() - interval '1 day', now() - interval '1 day'
         FROM played"
    );
    db.execute_unprepared(&history)
        .await
        .context("seeding game history")?;
    db.close().await.ok();
    Ok(())
}
