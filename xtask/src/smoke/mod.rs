//! `cargo xtask smoke`: the release gate. Builds `kasa`, `mock-psp` and `mock-games`,
//! starts the first two as real processes on free ports with a fresh database, and walks
//! the money path step by step (the game-wallet step runs `mock-games` against them). Each step lives in its own module and is listed in [`steps`]; a later flow is
//! one more module and one more line there.

mod accounts;
mod audit;
pub(crate) mod client;
mod context;
mod deposits;
mod games;
mod idempotency;
mod isolation;
mod ledger;
mod mock_psp;
mod money;
mod reconciliation;
pub(crate) mod stack;
mod startup;
mod validation;
mod webhooks;
mod withdrawals;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use anyhow::{Context, Result, anyhow};
use clap::Args;

use crate::process::{self, ChildGuard};
use context::Smoke;

/// Arguments of `cargo xtask smoke`.
#[derive(Debug, Args)]
pub struct SmokeArgs {
    /// Run against this database (e.g. PostgreSQL) instead of a fresh SQLite file.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// Build and run the release binaries instead of the test (dev) profile.
    #[arg(long)]
    release: bool,
    /// Use the binaries already built instead of running `cargo build`.
    #[arg(long)]
    no_build: bool,
    /// Keep the temporary directory (logs, SQLite file) even when everything passed.
    #[arg(long)]
    keep: bool,
    /// A `KASA__…=value` setting for every `kasa` the smoke starts (repeatable),
    /// e.g. `--kasa-env KASA__DATABASE__STATEMENT_TIMEOUT_MS=0` behind PgBouncer.
    #[arg(long = "kasa-env", value_name = "NAME=VALUE", value_parser = kasa_setting)]
    kasa_env: Vec<(String, String)>,
}

/// Parses `KASA__NAME=value`; other names are refused, since the smoke owns them.
fn kasa_setting(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((name, value)) if name.starts_with("KASA__") && name.len() > "KASA__".len() => {
            Ok((name.to_owned(), value.to_owned()))
        }
        _ => Err(format!("expected KASA__NAME=value, got `{arg}`")),
    }
}

/// The future a step returns.
type StepFuture<'a> = Pin<Box<dyn Future<Output = Result<()>> + 'a>>;

/// One named step of the smoke.
struct Step {
    /// What the step proves, printed when it passes.
    name: &'static str,
    /// Runs the step.
    run: for<'a> fn(&'a mut Smoke) -> StepFuture<'a>,
}

/// Declares a [`Step`] from an `async fn(&mut Smoke) -> Result<()>`.
macro_rules! step {
    ($name:literal, $run:path) => {
        Step {
            name: $name,
            run: |smoke| Box::pin($run(smoke)),
        }
    };
}

/// Every step, in order. Later steps use what earlier ones created (see [`Smoke`]).
fn steps() -> Vec<Step> {
    vec![
        step!(
            "accounts: admin login, tenant, player, duplicate registration",
            accounts::tenant_and_player
        ),
        step!(
            "deposit succeeded: wallet and transactions credited",
            deposits::succeeded
        ),
        step!("deposit failed: no money moved", deposits::failed),
        step!(
            "duplicate webhook delivery: credited once",
            deposits::duplicate_delivery
        ),
        step!(
            "webhooks: replay, contradiction, bad signature, unknown reference",
            webhooks::replays
        ),
        step!(
            "idempotency: byte-identical replay, key reuse, missing key",
            idempotency::replay
        ),
        step!(
            "validation: bad amounts, currencies and JSON refused",
            validation::rejects_bad_input
        ),
        step!(
            "isolation: another tenant sees nothing, keys scoped per player",
            isolation::cross_tenant
        ),
        step!(
            "withdrawals: decline, webhook failure, unknown outcome, recheck, paid once",
            withdrawals::payout_path
        ),
        step!(
            "release: reject and cancel return the hold",
            withdrawals::release
        ),
        step!(
            "reversal: a returned payout credits back once",
            withdrawals::reversal
        ),
        step!(
            "crash: SIGKILL during a payout, restart, recheck",
            withdrawals::crash
        ),
        step!(
            "reconciliation (inline runner): PSP-only payout found",
            reconciliation::inline
        ),
        step!(
            "reconciliation (kasa worker): PSP-only payout found",
            reconciliation::worker
        ),
        step!(
            "ledger: admin wallet view and verification agree",
            ledger::verify
        ),
        step!("audit: the hash chains verify", audit::verify),
        step!(
            "game wallet: mock-games plays every scripted answer, wallet and ledger agree",
            games::play_all
        ),
        step!(
            "startup: empty or short webhook secrets, short lease, no PSP refused",
            startup::refusals
        ),
    ]
}

/// A random `KASA__SECRETS__KEY`: 32 random bytes in standard base64.
pub fn random_secrets_key() -> String {
    use base64::Engine;
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// `count` random lowercase hex digits.
pub fn random_hex(count: usize) -> String {
    let mut out = String::with_capacity(count + 32);
    while out.len() < count {
        out.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    out.truncate(count);
    out
}

/// A random password with upper and lower case letters, digits and punctuation.
pub fn random_password() -> String {
    format!("Sm0ke-{}-{}", random_hex(12), random_hex(12))
}

/// Runs `cargo xtask smoke`.
pub async fn run(args: SmokeArgs) -> Result<()> {
    let bin_dir = if args.no_build {
        let profile = if args.release { "release" } else { "debug" };
        process::target_dir().await?.join(profile)
    } else {
        process::build_binaries(args.release, &[games::BINARY]).await?
    };
    let work = std::env::temp_dir().join(format!("kasa-smoke-{}", random_hex(12)));
    std::fs::create_dir_all(&work)
        .with_context(|| format!("creating the smoke directory {}", work.display()))?;

    let mut children = Vec::new();
    let outcome = tokio::select! {
        result = run_in(&args, bin_dir, &work, &mut children) => result,
        signal = tokio::signal::ctrl_c() => Err(match signal {
            Ok(()) => anyhow!("interrupted"),
            Err(error) => anyhow!(error).context("waiting for Ctrl-C"),
        }),
    };
    match outcome {
        Ok(checks) => {
            drop(children);
            if args.keep {
                println!("smoke: logs and data kept in {}", work.display());
            } else if let Err(error) = std::fs::remove_dir_all(&work) {
                eprintln!("smoke: could not remove {}: {error}", work.display());
            }
            println!("smoke: all {checks} checks passed");
            println!("smoke: {checks} passed, 0 failed");
            Ok(())
        }
        Err(error) => {
            for child in &children {
                eprintln!(
                    "----- last lines of {} ({}) -----\n{}\n----- end of {} -----",
                    child.name(),
                    child.log().display(),
                    child.tail(80),
                    child.name()
                );
            }
            drop(children);
            eprintln!("smoke: logs and data kept in {}", work.display());
            Err(error)
        }
    }
}

/// Starts the processes, runs every step and returns how many checks passed.
async fn run_in(
    args: &SmokeArgs,
    bin_dir: PathBuf,
    work: &std::path::Path,
    children: &mut Vec<ChildGuard>,
) -> Result<usize> {
    let database_url = args
        .database_url
        .clone()
        .filter(|url| !url.trim().is_empty());
    let stack = stack::start(&bin_dir, work, database_url, &args.kasa_env, children).await?;
    let kasa = children.pop();
    let mut smoke = Smoke::new(
        client::Client::new(stack.api_base)?,
        mock_psp::MockPsp::new(stack.psp_base)?,
        stack.webhook_secret,
        stack.admin_email,
        stack.admin_password,
    );
    smoke.launcher = Some(stack.launcher);
    smoke.mock_games = Some(process::binary(&bin_dir, games::BINARY)?);
    smoke.kasa = kasa;
    let steps = steps();
    let total = steps.len();
    for (index, step) in steps.iter().enumerate() {
        let before = smoke.checks();
        if let Err(error) = (step.run)(&mut smoke).await {
            eprintln!("{}", smoke.tails());
            return Err(error.context(format!(
                "step {}/{total} ({}) failed",
                index + 1,
                step.name
            )));
        }
        println!(
            "smoke: ok   {}/{total} {} ({} checks)",
            index + 1,
            step.name,
            smoke.checks() - before
        );
    }
    Ok(smoke.checks())
}
