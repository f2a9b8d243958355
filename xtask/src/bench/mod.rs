//! `cargo xtask bench`: real HTTP load against a release `kasa serve` on PostgreSQL,
//! scenario by scenario, optionally side by side with pgbench running the raw-SQL
//! model of the same money movement (`--baseline`).
//!
//! Each run works on scratch databases it creates on the server of `DATABASE_URL`
//! and drops at the end, so figures never depend on what an earlier run left behind.

mod baseline;
pub(crate) mod games;
mod history;
mod limits;
mod load;
mod report;
mod rounds;
mod rss;
mod scenarios;
pub(crate) mod scratch;
pub(crate) mod seed;
pub(crate) mod stack;
mod webhook;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand, ValueEnum};

use crate::process;
pub use history::HistoryArgs;
use report::{Report, ScenarioFigures};
use scenarios::Scenario;

/// Arguments of `cargo xtask bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// A sub-benchmark instead of the load scenarios.
    #[command(subcommand)]
    pub command: Option<BenchCommand>,
    /// Options of the load scenarios.
    #[command(flatten)]
    pub load: LoadArgs,
}

/// Sub-benchmarks of `cargo xtask bench`.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// First-page latency of `GET /me/transactions` with a small and a huge ledger.
    History(HistoryArgs),
}

/// Options of the load scenarios.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// A PostgreSQL URL; the bench creates (and drops) scratch databases on its server.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Seconds each scenario runs.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Concurrent clients of each scenario (and of pgbench).
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Players the spread scenarios use.
    #[arg(long, default_value_t = 512)]
    pub players: usize,
    /// The scenarios to run (default: all, in the order listed).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub scenario: Vec<Scenario>,
    /// Also run pgbench with the raw-SQL model of each scenario at the same concurrency,
    /// and once the batched model (`deposit_batch20.sql`) for the scenarios settled in rounds.
    #[arg(long)]
    pub baseline: bool,
    /// Where the raw-SQL model lives (`schema.sql`, `deposit.sql`, `withdraw.sql`, `hot.sql`,
    /// `bet.sql`, `deposit_batch20.sql`).
    #[arg(long, default_value = "../shared/bench")]
    pub baseline_dir: PathBuf,
    /// Write the figures as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// A short run (2 s per scenario, 16 clients, 16 players) to check that the bench works.
    #[arg(long)]
    pub quick: bool,
    /// Use the release binaries already built instead of running `cargo build --release`.
    #[arg(long)]
    pub no_build: bool,
    /// Keep the scratch databases and the server logs.
    #[arg(long)]
    pub keep: bool,
    /// Log level of the server under load (`RUST_LOG`).
    #[arg(long, default_value = "warn")]
    pub server_log: String,
    /// The server's database pool size (`KASA__DATABASE__MAX_CONNECTIONS`; default: Kasa's own).
    #[arg(long)]
    pub db_pool: Option<u32>,
}

/// How a scenario's run is shaped, after `--quick` is applied.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// How long each scenario runs.
    pub duration: Duration,
    /// Concurrent clients.
    pub concurrency: usize,
    /// Players of the spread scenarios.
    pub players: usize,
}

impl LoadArgs {
    /// The run's shape.
    fn shape(&self) -> Result<Shape> {
        let shape = if self.quick {
            Shape {
                duration: Duration::from_secs(2),
                concurrency: 16,
                players: 16,
            }
        } else {
            Shape {
                duration: Duration::from_secs(self.duration),
                concurrency: self.concurrency,
                players: self.players,
            }
        };
        if shape.duration.is_zero() || shape.concurrency == 0 || shape.players == 0 {
            bail!("--duration, --concurrency and --players must be positive");
        }
        Ok(shape)
    }

    /// How the server under load is configured.
    fn server(&self) -> stack::ServerOptions {
        stack::ServerOptions {
            log: self.server_log.clone(),
            db_pool: self.db_pool,
        }
    }

    /// The scenarios to run, in order.
    fn scenarios(&self) -> Vec<Scenario> {
        if self.scenario.is_empty() {
            Scenario::value_variants().to_vec()
        } else {
            self.scenario.clone()
        }
    }
}

/// Runs `cargo xtask bench`.
pub async fn run(args: BenchArgs) -> Result<()> {
    match args.command {
        Some(BenchCommand::History(history)) => history::run(history, &args.load).await,
        None => run_load(&args.load).await,
    }
}

/// Builds (unless `--no-build`) the release binaries and returns their directory.
async fn release_binaries(args: &LoadArgs) -> Result<PathBuf> {
    if args.no_build {
        Ok(process::target_dir().await?.join("release"))
    } else {
        process::build_binaries(true, &[]).await
    }
}

/// The load scenarios, with an optional pgbench baseline for each.
async fn run_load(args: &LoadArgs) -> Result<()> {
    let shape = args.shape()?;
    let scenarios = args.scenarios();
    let server_url = args
        .database_url
        .clone()
        .context("the bench needs PostgreSQL: set DATABASE_URL or pass --database-url")?;
    if !server_url.starts_with("postgres") {
        bail!("the bench runs on PostgreSQL only (DATABASE_URL is not a postgres:// URL)");
    }
    let model = if args.baseline {
        let model = baseline::Model::load(&args.baseline_dir)?;
        let batched = scenarios.iter().any(|scenario| scenario.batched());
        model.require(
            scenarios
                .iter()
                .filter_map(|scenario| scenario.baseline_script())
                .chain(batched.then_some(baseline::BATCH_SCRIPT)),
        )?;
        Some(model)
    } else {
        None
    };
    let bin_dir = release_binaries(args).await?;
    let scratch = scratch::Scratch::new(&server_url, args.keep);
    let work = std::env::temp_dir().join(format!("kasa-bench-{}", crate::smoke::random_hex(12)));
    std::fs::create_dir_all(&work)
        .with_context(|| format!("creating the bench directory {}", work.display()))?;

    let outcome = tokio::select! {
        result = measure(args, shape, &scenarios, model.as_ref(), &bin_dir, &work, &scratch) => result,
        signal = tokio::signal::ctrl_c() => Err(match signal {
            Ok(()) => anyhow!("interrupted"),
            Err(error) => anyhow!(error).context("waiting for Ctrl-C"),
        }),
    };
    scratch.drop_all().await;
    let report = outcome?;
    report.print_table(shape);
    if let Some(path) = &args.json {
        report.write_json(path)?;
        println!("bench: figures written to {}", path.display());
    }
    if args.keep {
        println!("bench: server logs kept in {}", work.display());
    } else if let Err(error) = std::fs::remove_dir_all(&work) {
        eprintln!("bench: could not remove {}: {error}", work.display());
    }
    if report.errors() > 0 {
        bail!("{} requests failed (see the table)", report.errors());
    }
    Ok(())
}

/// Starts the stack on a scratch database, seeds it, runs every scenario (and its
/// baseline) and collects the figures.
async fn measure(
    args: &LoadArgs,
    shape: Shape,
    scenarios: &[Scenario],
    model: Option<&baseline::Model>,
    bin_dir: &std::path::Path,
    work: &std::path::Path,
    scratch: &scratch::Scratch,
) -> Result<Report> {
    let kasa_db = scratch.create("kasa").await?;
    let mut children = Vec::new();
    let stack = stack::start(bin_dir, work, &kasa_db, &args.server(), &mut children).await?;
    let rss = rss::Sampler::start(stack.kasa_pid);
    let result = async {
        let population = seed::population(&stack, shape).await?;
        let mut report = Report::default();
        let mut batched_mps = None;
        let metrics = reqwest::Client::new();
        let metrics_url = stack.api_base.replace("/api/v1", "/metrics");
        for &scenario in scenarios {
            let work = scenarios::prepare(scenario, &stack, &population, shape).await?;
            if scenario.plays_games() {
                scratch::game_history(&kasa_db, scratch::GAME_HISTORY_ROWS).await?;
            }
            if !scenario.limit_kinds().is_empty() {
                limits::give(&stack, &population, scenario.limit_kinds()).await?;
            }
            scratch::settle(&kasa_db).await?;
            let counters = rounds::RoundCounters::read(&metrics, &metrics_url).await?;
            rss.measuring(true);
            let run = load::drive(scenario.name(), shape, work).await;
            rss.measuring(false);
            let after = rounds::RoundCounters::read(&metrics, &metrics_url).await?;
            for line in after.since(&counters) {
                println!("bench: {}: rounds: {line}", scenario.name());
            }
            let mut figures = ScenarioFigures::from_run(&run?);
            figures.batched = scenario.batched();
            figures.http_calls = scenario.http_calls();
            if let Some(model) = model {
                if let Some(script) = scenario.baseline_script() {
                    let raw = model.run_on_scratch(script, scratch, shape).await?;
                    figures.baseline_tps = Some(raw.tps);
                    figures.baseline_latency_avg_ms = raw.latency_avg_ms;
                }
                if scenario.batched() {
                    // Measured once, right after the first batched scenario.
                    if batched_mps.is_none() {
                        batched_mps = Some(model.batched_mps(scratch, shape).await?);
                    }
                    figures.batched_baseline_mps = batched_mps;
                }
            }
            report.add(scenario.name(), figures);
        }
        Ok::<_, anyhow::Error>(report)
    }
    .await;
    let rss_max = rss.stop().await;
    if result.is_err() {
        for child in &children {
            eprintln!(
                "----- last lines of {} ({}) -----\n{}\n----- end -----",
                child.name(),
                child.log().display(),
                child.tail(40)
            );
        }
    }
    drop(children);
    let mut report = result?;
    report.server_rss_mb_max = rss_max;
    Ok(report)
}
