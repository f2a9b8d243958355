//! The raw-SQL baseline: pgbench runs the model of a money movement (from
//! `../shared/bench/`) at the bench's concurrency on a scratch database of the same
//! server, so Kasa's figure and the database's own limit come from one run.
//!
//! Two limits are measured: the per-transaction model of each scenario (one movement
//! per transaction, what a server that does not batch can reach) and, once per run,
//! the batched model [`BATCH_SCRIPT`] (twenty movements per transaction, what a server
//! that settles requests in rounds can reach).

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context, Result, bail};
use sea_orm_migration::sea_orm::{ConnectionTrait, Database};

use super::{Shape, scratch};

/// The batched raw-SQL model: twenty deposits for twenty wallets in one transaction.
pub const BATCH_SCRIPT: &str = "deposit_batch20.sql";
/// Money movements in one transaction of [`BATCH_SCRIPT`].
pub const MOVEMENTS_PER_BATCH: f64 = 20.0;

/// The raw-SQL model: its schema and the directory of its pgbench scripts.
#[derive(Debug)]
pub struct Model {
    dir: PathBuf,
    schema: String,
    pgbench: PathBuf,
}

impl Model {
    /// Reads the model in `dir` (relative paths are taken from the workspace root)
    /// and finds pgbench.
    pub fn load(dir: &Path) -> Result<Self> {
        let dir = if dir.is_absolute() {
            dir.to_path_buf()
        } else {
            crate::process::workspace_root().join(dir)
        };
        let schema_path = dir.join("schema.sql");
        let schema = std::fs::read_to_string(&schema_path)
            .with_context(|| format!("reading the raw-SQL model {}", schema_path.display()))?;
        Ok(Self {
            dir,
            schema,
            pgbench: find_pgbench()?,
        })
    }

    /// Fails unless every one of `scripts` is in the model's directory (checked before
    /// the bench seeds anything, not when a scenario's baseline is due).
    pub fn require<'a>(&self, scripts: impl IntoIterator<Item = &'a str>) -> Result<()> {
        for script in scripts {
            let path = self.dir.join(script);
            if !path.is_file() {
                bail!("the raw-SQL script {} is missing", path.display());
            }
        }
        Ok(())
    }

    /// Runs `script` on a fresh scratch database (see [`Model::run`]) and drops it.
    pub async fn run_on_scratch(
        &self,
        script: &str,
        scratch: &scratch::Scratch,
        shape: Shape,
    ) -> Result<Raw> {
        let url = scratch.create("raw").await?;
        let raw = self.run(script, &url, shape).await;
        scratch.drop(&url).await;
        raw
    }

    /// Movements per second of the batched model ([`BATCH_SCRIPT`]'s tps × 20), run on
    /// a fresh scratch database.
    pub async fn batched_mps(&self, scratch: &scratch::Scratch, shape: Shape) -> Result<f64> {
        let raw = self.run_on_scratch(BATCH_SCRIPT, scratch, shape).await?;
        Ok(raw.tps * MOVEMENTS_PER_BATCH)
    }

    /// Loads the schema into the empty database `url` and runs `script` there with
    /// pgbench for the shape's duration and concurrency.
    pub async fn run(&self, script: &str, url: &str, shape: Shape) -> Result<Raw> {
        let script_path = self.dir.join(script);
        if !script_path.is_file() {
            bail!("the raw-SQL script {} is missing", script_path.display());
        }
        let db = Database::connect(url)
            .await
            .context("connecting to the baseline database")?;
        db.execute_unprepared(&self.schema)
            .await
            .context("loading the raw-SQL schema")?;
        db.close().await.ok();
        scratch::settle(url).await?;

        let clients = shape.concurrency.to_string();
        let threads = shape.concurrency.min(2).to_string();
        let seconds = shape.duration.as_secs().max(1).to_string();
        println!("bench: pgbench {script} with {clients} clients for {seconds} s");
        let output = tokio::process::Command::new(&self.pgbench)
            .args(["-n", "-M", "prepared", "-c", &clients, "-j", &threads])
            .args(["-T", &seconds, "-f"])
            .arg(&script_path)
            .arg(url)
            .stdin(Stdio::null())
            .output()
            .await
            .with_context(|| format!("running {}", self.pgbench.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            bail!(
                "pgbench failed with {}: {}{}",
                output.status,
                stdout,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(Raw {
            tps: parse_tps(&stdout)
                .with_context(|| format!("no tps in pgbench's output:\n{stdout}"))?,
            latency_avg_ms: parse_latency_avg(&stdout),
        })
    }
}

/// What pgbench measured.
#[derive(Debug, Clone, Copy)]
pub struct Raw {
    /// Transactions per second.
    pub tps: f64,
    /// Average latency, ms.
    pub latency_avg_ms: Option<f64>,
}

/// `latency average = 18.578 ms` → 18.578.
fn parse_latency_avg(output: &str) -> Option<f64> {
    parse_figure(output, "latency average = ")
}

/// `tps = 3444.97 (without initial connection time)` → 3444.97.
fn parse_tps(output: &str) -> Option<f64> {
    parse_figure(output, "tps = ")
}

/// The number after `label` on the first line of pgbench's output that starts with it.
fn parse_figure(output: &str, label: &str) -> Option<f64> {
    output
        .lines()
        .filter_map(|line| line.trim().strip_prefix(label))
        .find_map(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// pgbench on `PATH`, else in a PostgreSQL installation's bin directory.
fn find_pgbench() -> Result<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    let installed = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path().join("bin"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain(installed)
        .map(|dir| dir.join("pgbench"))
        .find(|candidate| candidate.is_file())
        .context("pgbench not found (install PostgreSQL's client tools, e.g. postgresql-contrib)")
}

#[cfg(test)]
mod tests {
    use super::{parse_latency_avg, parse_tps};

    #[test]
    fn reads_the_tps_and_latency_lines_of_pgbench() {
        let output = "number of failed transactions: 0 (0.000%)\n\
                      latency average = 18.578 ms\n\
                      initial connection time = 35.1 ms\n\
                      tps = 3444.965722 (without initial connection time)\n";
        assert_eq!(parse_tps(output), Some(3444.965722));
        assert_eq!(parse_latency_avg(output), Some(18.578));
        assert_eq!(parse_tps("pgbench: error"), None);
        assert_eq!(parse_latency_avg("pgbench: error"), None);
    }
}
