//! The `kasa` program.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use kasa_api::server::{ServeOptions, run_worker, start, verify};
use kasa_api::settings::Settings;
use tracing_subscriber::EnvFilter;

/// mimalloc returns freed memory to the system and keeps per-thread heaps small;
/// glibc malloc kept hundreds of MiB of arenas after bursts (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "kasa",
    about = "Payments and wallet backend for casino operators"
)]
struct Cli {
    /// Optional configuration file (TOML); `KASA__…` variables override it.
    #[arg(long, global = true, env = "KASA_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API server.
    Serve {
        /// Local development: generated secrets, embedded defaults, demo data.
        #[arg(long)]
        dev: bool,
        /// Do not apply pending migrations at start.
        #[arg(long)]
        no_migrate: bool,
    },
    /// Run queued jobs (reconciliation runs, scheduled rechecks); use with KASA__JOBS__RUNNER=worker.
    Worker,
    /// Recompute the audit hash chains and the ledger; exit 1 on the first broken link or drift.
    Verify,
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing();
    let settings = Settings::load(cli.config.as_deref()).context("loading configuration")?;
    match cli.command {
        Command::Serve { dev, no_migrate } => {
            let running = start(&settings, ServeOptions { dev, no_migrate }).await?;
            println!("kasa listening on http://{}", running.addr);
            // actix-web stops gracefully on SIGTERM and ctrl-c.
            running.server.await.context("server failed")?;
            running.jobs_shutdown.cancel();
            if let Some(jobs) = running.jobs {
                let _ = jobs.await;
            }
            tracing::info!("kasa stopped");
        }
        Command::Worker => run_worker(&settings).await?,
        Command::Verify => {
            if !verify(&settings).await? {
                std::process::exit(1);
            }
        }
    }
    Ok(())
}

fn init_tracing() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let json = std::env::var("KASA__LOG__FORMAT").is_ok_and(|f| f == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
