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
