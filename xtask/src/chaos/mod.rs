//! `cargo xtask chaos`: a chaos load run of Kasa's money paths on PostgreSQL.
//!
//! A release `kasa serve` on a scratch database (the bench's stack and seeding)
//! gets game rounds through the signed game wallet and withdrawal requests from
//! many clients, each call retried with the identical body and key until it gets a
//! definitive answer, while its database connections are terminated, it is
//! SIGKILLed and started again, and wallet rows are held locked from outside.
//! Kasa's ledger and audit verifications run meanwhile and after; then the
//! database is checked against the answers: at most one effect per key, and every
//! wallet holding what the answers imply.

mod answers;
mod checks;
mod faults;
mod journal;
mod load;
mod retry;
mod server;
mod store;
mod summary;
mod verify;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;

use crate::bench::Shape;
use crate::bench::games::GameWallet;
use crate::bench::scratch::Scratch;
use crate::bench::seed;
use crate::bench::stack::{self, ServerOptions, Stack};
use crate::process;
use faults::Pace;
use journal::Balance;
use load::Load;
use server::Server;
use summary::Summary;
use verify::Verifier;

/// Arguments of `cargo xtask chaos`.
#[derive(Debug, Args)]
pub struct ChaosArgs {
    /// A PostgreSQL URL; the run creates (and drops) a scratch database on its server.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Seconds the load (and the chaos) runs.
    #[arg(long, default_value_t = 60)]
    pub duration: u64,
    /// Concurrent clients.
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
    /// Players, each funded with 10,000.00 EUR.
    #[arg(long, default_value_t = 32)]
    pub players: usize,
    /// A directory holding release `kasa` and `mock-psp` binaries (default: build them
    /// with `cargo build --release`).
    #[arg(long)]
    pub bin_dir: Option<PathBuf>,
    /// Keep the scratch database and the server logs.
    #[arg(long)]
    pub keep: bool,
    /// Log level of the server (`RUST_LOG`).
    #[arg(long, default_value = "warn")]
    pub server_log: String,
    /// Seconds between two rounds of `pg_terminate_backend` of the server's connections.
    #[arg(long, default_value_t = 3.0)]
    pub terminate_every: f64,
    /// Seconds between two SIGKILLs (and restarts) of the server.
    #[arg(long, default_value_t = 15.0)]
    pub kill_every: f64,
    /// Seconds between two wallet-row locks from outside.
    #[arg(long, default_value_t = 10.0)]
    pub lock_every: f64,
    /// Seconds each wallet-row lock is held.
    #[arg(long, default_value_t = 2.0)]
    pub lock_hold: f64,
    /// Seconds between two ledger and audit verifications during the run.
    #[arg(long, default_value_t = 10.0)]
    pub verify_every: f64,
}

/// The run's timing, validated.
#[derive(Debug, Clone, Copy)]
struct Plan {
    duration: Duration,
    pace: Pace,
    verify: Duration,
}

impl ChaosArgs {
    fn plan(&self) -> Result<Plan> {
        if self.duration == 0 || self.clients == 0 || self.players == 0 {
            bail!("--duration, --clients and --players must be positive");
        }
        let seconds = |value: f64, name: &str| {
            Duration::try_from_secs_f64(value)
                .ok()
                .filter(|d| !d.is_zero())
                .with_context(|| format!("--{name} must be a positive number of seconds"))
        };
        Ok(Plan {
            duration: Duration::from_secs(self.duration),
            pace: Pace {
                terminate: seconds(self.terminate_every, "terminate-every")?,
                kill: seconds(self.kill_every, "kill-every")?,
                lock: seconds(self.lock_every, "lock-every")?,
                hold: seconds(self.lock_hold, "lock-hold")?,
            },
            verify: seconds(self.verify_every, "verify-every")?,
        })
    }
}

/// Runs `cargo xtask chaos`.
pub async fn run(args: ChaosArgs) -> Result<()> {
    let plan = args.plan()?;
    let server_url = args
        .database_url
        .clone()
        .context("chaos needs PostgreSQL: set DATABASE_URL or pass --database-url")?;
    if !server_url.starts_with("postgres") {
        bail!("chaos runs on PostgreSQL only (DATABASE_URL is not a postgres:// URL)");
    }
    let bin_dir = match &args.bin_dir {
        Some(dir) => dir.clone(),
        None => process::build_binaries(true, &[]).await?,
    };
    let scratch = Scratch::new(&server_url, args.keep);
    let work = std::env::temp_dir().join(format!("kasa-chaos-{}", crate::smoke::random_hex(12)));
    std::fs::create_dir_all(&work)
        .with_context(|| format!("creating the chaos directory {}", work.display()))?;

    let outcome = tokio::select! {
        result = execute(&args, plan, &bin_dir, &work, &scratch) => result,
        signal = tokio::signal::ctrl_c() => Err(match signal {
            Ok(()) => anyhow!("interrupted"),
            Err(error) => anyhow!(error).context("waiting for Ctrl-C"),
        }),
    };
    scratch.drop_all().await;
    let failures = match &outcome {
        Ok(summary) => {
            summary.print();
            summary.failures()
        }
        Err(_) => Vec::new(),
    };
    if args.keep || outcome.is_err() || !failures.is_empty() {
        println!("chaos: server logs kept in {}", work.display());
    } else if let Err(error) = std::fs::remove_dir_all(&work) {
        eprintln!("chaos: could not remove {}: {error}", work.display());
    }
    outcome?;
    if !failures.is_empty() {
        bail!("{}", failures.join("; "));
    }
    println!("chaos: passed");
    Ok(())
}

/// Starts the stack on a scratch database and runs everything on it.
async fn execute(
    args: &ChaosArgs,
    plan: Plan,
    bin_dir: &Path,
    work: &Path,
    scratch: &Scratch,
) -> Result<Summary> {
    let kasa_db = scratch.create("chaos").await?;
    let options = ServerOptions {
        log: args.server_log.clone(),
        db_pool: None,
    };
    let mut children = Vec::new();
    let stack = stack::start(bin_dir, work, &kasa_db, &options, &mut children).await?;
    let kasa = children
        .pop()
        .context("the stack started no kasa process")?;
    let server = Server::adopt(stack.launcher.clone(), kasa)?;
    let result = drive(args, plan, &stack, &server, scratch, &kasa_db).await;
    if result.is_err() {
        eprintln!("{}", server.tail(40).await);
    }
    println!("chaos: server logs in {}", server.work().display());
    drop(children);
    result
}

/// Seeds, runs the load and the chaos until the deadline, verifies and checks.
async fn drive(
    args: &ChaosArgs,
    plan: Plan,
    stack: &Stack,
    server: &Server,
    scratch: &Scratch,
    kasa_db: &str,
) -> Result<Summary> {
    let shape = Shape {
        duration: plan.duration,
        concurrency: args.clients,
        players: args.players,
    };
    let population = seed::population(stack, shape).await?;
    let wallet = GameWallet::open(stack, &population).await?;
    let check_db = faults::own_connection(kasa_db, "check").await?;
    let tenant = store::tenant_id(&check_db, &population.tenant).await?;
    let player_ids: Vec<String> = population.players.iter().map(|p| p.id.clone()).collect();
    let start = start_balances(&check_db, &tenant, &player_ids).await?;
    let admin = faults::own_connection(&scratch.url_of("postgres")?, "terminator").await?;
    let locker = faults::own_connection(kasa_db, "locker").await?;
    let verifier = Verifier::new(stack)?;
    let load = Arc::new(Load {
        http: reqwest::Client::builder()
            .timeout(retry::ATTEMPT_TIMEOUT)
            .pool_max_idle_per_host(args.clients)
            .build()
            .context("building the chaos HTTP client")?,
        wallet,
        api_base: stack.api_base.clone(),
        players: population.players.clone(),
        answered: AtomicU64::new(0),
    });
    let database = database_name(kasa_db)?;
    println!(
        "chaos: {} s of load from {} clients on {database}, with chaos",
        plan.duration.as_secs(),
        args.clients
    );
    let deadline = Instant::now() + plan.duration;
    let (log, terminations, kills, locks, periodic) = tokio::try_join!(
        load::run(load.clone(), args.clients, deadline),
        async {
            let pace = plan.pace.terminate;
            Ok(faults::terminate_loop(&admin, &database, pace, deadline).await)
        },
        faults::kill_loop(server, plan.pace.kill, deadline),
        async { Ok(faults::lock_loop(&locker, &player_ids, plan.pace, deadline).await) },
        async {
            Ok(verifier
                .periodic(plan.verify, deadline, &load.answered)
                .await)
        },
    )?;
    server.ensure_running().await?;
    println!("chaos: load over; verifying and checking the database");
    let (ledger, audit) = verifier.settled().await;
    let snapshot = store::snapshot(&check_db, &tenant, "chaos-").await?;
    let expected = journal::expected_balances(&start, &log.journal);
    let findings = checks::compare(&log.journal, &expected, &player_ids, &snapshot);
    let lost_game_answers = checks::lost_answers(&log.journal, &snapshot);
    for connection in [check_db, admin, locker] {
        connection.close().await.ok();
    }
    Ok(Summary {
        duration: plan.duration,
        clients: args.clients,
        players: args.players,
        log,
        terminations,
        kills,
        locks,
        hold: plan.pace.hold,
        periodic,
        ledger,
        audit,
        lost_game_answers,
        findings,
    })
}

/// The seeded wallets, in the players' order.
async fn start_balances(
    db: &sea_orm_migration::sea_orm::DatabaseConnection,
    tenant: &str,
    player_ids: &[String],
) -> Result<Vec<Balance>> {
    let wallets = store::wallets(db, tenant).await?;
    player_ids
        .iter()
        .map(|id| {
            wallets
                .get(id)
                .copied()
                .with_context(|| format!("no wallet for player {id} after seeding"))
        })
        .collect()
}

/// The database name of a PostgreSQL URL.
fn database_name(url: &str) -> Result<String> {
    let parsed = reqwest::Url::parse(url).context("parsing the scratch database URL")?;
    Ok(parsed.path().trim_start_matches('/').to_owned())
}
