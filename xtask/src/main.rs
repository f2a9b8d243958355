//! Kasa's developer and ops tasks, run as `cargo xtask <task>`.
//!
//! - `cargo xtask migrate [up|down|status|fresh]` applies, rolls back or lists the
//!   schema migrations against `KASA__DATABASE__URL`, `DATABASE_URL` or the embedded
//!   SQLite file.
//! - `cargo xtask smoke` builds `kasa` and `mock-psp`, starts both as real processes
//!   and walks the money path end to end, failing on any broken invariant.
//! - `cargo xtask bench [--baseline] [--json FILE] [--quick]` drives HTTP load against a
//!   release `kasa serve` on PostgreSQL; `cargo xtask bench history` measures history
//!   pages at 100 thousand and 5 million ledger rows.
//! - `cargo xtask chaos [--duration S] [--clients N] [--players N]` plays game rounds and
//!   withdrawals against a release `kasa serve` on PostgreSQL while killing its database
//!   connections, SIGKILLing and restarting it and holding wallet rows locked, retrying
//!   every call until it is answered, then checks that each call took effect at most
//!   once and every wallet holds what the answers imply.
//! - `cargo xtask tidy` checks the crate layering on `cargo metadata`: no pure crate
//!   reaches tokio, sea-orm, sqlx, actix, reqwest or hyper, and `api` uses no database
//!   crate directly.
//! - `cargo xtask e2e` starts `kasa` and `mock-psp` as the smoke does and runs the
//!   console's Playwright suite (`crates/console/e2e`) in Debian's Chromium.

mod bench;
mod chaos;
mod e2e;
mod migrate;
mod process;
mod smoke;
mod tidy;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Command line of `cargo xtask`.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "Kasa developer and ops tasks")]
struct Cli {
    /// The task to run.
    #[command(subcommand)]
    task: Task,
}

/// The tasks `cargo xtask` knows.
#[derive(Debug, Subcommand)]
enum Task {
    /// Apply, roll back, list or reset the database migrations.
    Migrate(migrate::MigrateArgs),
    /// Run the end-to-end money path against real `kasa` and `mock-psp` processes.
    Smoke(smoke::SmokeArgs),
    /// Measure throughput and latency under load, optionally against raw SQL.
    Bench(bench::BenchArgs),
    /// Play money paths under chaos (killed connections, restarts, row locks), then check
    /// that every call took effect at most once and every wallet adds up.
    Chaos(chaos::ChaosArgs),
    /// Run the console's browser tests (Playwright) against real `kasa` and `mock-psp`.
    E2e(e2e::E2eArgs),
    /// Check the crate layering (pure crates pull in no runtime; api no database crate).
    Tidy,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let (label, outcome) = match cli.task {
        Task::Migrate(args) => ("migrate", migrate::run(args).await),
        Task::Smoke(args) => ("smoke", smoke::run(args).await),
        Task::Bench(args) => ("bench", bench::run(args).await),
        Task::Chaos(args) => ("chaos", chaos::run(args).await),
        Task::E2e(args) => ("e2e", e2e::run(args).await),
        Task::Tidy => ("tidy", tidy::run()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{label}: FAILED: {error:#}");
            ExitCode::FAILURE
        }
    }
}
