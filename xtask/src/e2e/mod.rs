//! `cargo xtask e2e`: the console's tests in a real browser. Starts `mock-psp` and
//! `kasa serve` exactly as the smoke does ([`crate::smoke::stack`]), then runs the
//! Playwright suite of `crates/console/e2e` against them with Debian's Chromium, and
//! reads Playwright's JSON report for the closing `e2e: N passed, N failed` line.

mod report;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;

use crate::process::{self, ChildGuard};
use crate::smoke::{random_hex, stack};

/// Where the Playwright project lives, relative to the workspace root.
const PROJECT_DIR: &str = "crates/console/e2e";

/// Arguments of `cargo xtask e2e`.
#[derive(Debug, Args)]
pub struct E2eArgs {
    /// Run against this database (e.g. PostgreSQL) instead of a fresh SQLite file.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// Use the binaries already built instead of running `cargo build`.
    #[arg(long)]
    no_build: bool,
    /// Keep the run's directory (logs, database, screenshots) even when every test passed.
    #[arg(long)]
    keep: bool,
    /// Write Playwright's output (report, screenshots, failure traces) here instead of
    /// `<run directory>/playwright`; this directory is never deleted.
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// The Chromium executable Playwright drives (no browser is downloaded).
    #[arg(long, env = "KASA_E2E_CHROMIUM", default_value = "/usr/bin/chromium")]
    chromium: PathBuf,
    /// Extra arguments for `playwright test`, after `--` (e.g. `-- tests/deposits.spec.ts`).
    #[arg(last = true, value_name = "PLAYWRIGHT_ARGS")]
    playwright_args: Vec<String>,
}

/// Runs `cargo xtask e2e`.
pub async fn run(args: E2eArgs) -> Result<()> {
    if !args.chromium.is_file() {
        bail!(
            "no Chromium at {} (install Debian's: `apt-get install -y chromium`, or point \
             --chromium / KASA_E2E_CHROMIUM at one)",
            args.chromium.display()
        );
    }
    let project = process::workspace_root().join(PROJECT_DIR);
    install_packages(&project).await?;
    let bin_dir = if args.no_build {
        process::target_dir().await?.join("debug")
    } else {
        process::build_binaries(false, &[]).await?
    };
    let work = std::env::temp_dir().join(format!("kasa-e2e-{}", random_hex(12)));
    std::fs::create_dir_all(&work)
        .with_context(|| format!("creating the e2e directory {}", work.display()))?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| work.join("playwright"));

    let mut children = Vec::new();
    let outcome = tokio::select! {
        result = run_in(&args, &bin_dir, &project, &work, &output, &mut children) => result,
        signal = tokio::signal::ctrl_c() => Err(match signal {
            Ok(()) => anyhow!("interrupted"),
            Err(error) => anyhow!(error).context("waiting for Ctrl-C"),
        }),
    };
    let passed = matches!(&outcome, Ok(summary) if summary.failed == 0 && summary.passed > 0);
    if !passed {
        for child in &children {
            eprintln!(
                "----- last lines of {} ({}) -----\n{}\n----- end of {} -----",
                child.name(),
                child.log().display(),
                child.tail(40),
                child.name()
            );
        }
    }
    drop(children);
    let keep = args.keep || !passed;
    if keep {
        println!("e2e: logs and data kept in {}", work.display());
    } else if let Err(error) = std::fs::remove_dir_all(&work) {
        eprintln!("e2e: could not remove {}: {error}", work.display());
    }
    if keep || args.output.is_some() {
        println!(
            "e2e: screenshots in {}, report {}",
            output.join("screenshots").display(),
            output.join("report.json").display()
        );
    }
    let summary = outcome?;
    for failure in &summary.failures {
        eprintln!("e2e: FAILED {failure}");
    }
    println!("e2e: {} passed, {} failed", summary.passed, summary.failed);
    if summary.failed > 0 {
        bail!("{} of the console's browser tests failed", summary.failed);
    }
    if summary.passed == 0 {
        bail!("no browser test ran");
    }
    Ok(())
}

/// Starts the stack, runs Playwright against it and reads its report.
async fn run_in(
    args: &E2eArgs,
    bin_dir: &Path,
    project: &Path,
    work: &Path,
    output: &Path,
    children: &mut Vec<ChildGuard>,
) -> Result<report::Summary> {
    let database_url = args
        .database_url
        .clone()
        .filter(|url| !url.trim().is_empty());
    let stack = stack::start(bin_dir, work, database_url, &[], children).await?;
    let base_url = stack
        .api_base
        .strip_suffix("/api/v1")
        .context("the stack's API base does not end in /api/v1")?
        .to_owned();
    println!(
        "e2e: console at {base_url}/console/, output in {}",
        output.display()
    );

    // A report left by an earlier run into the same --output must not be read as ours.
    let report_path = output.join("report.json");
    if report_path.exists() {
        std::fs::remove_file(&report_path)
            .with_context(|| format!("removing the old report {}", report_path.display()))?;
    }
    let mut command = tokio::process::Command::new("npx");
    command
        .args(["playwright", "test"])
        .args(&args.playwright_args)
        .current_dir(project)
        .env("KASA_E2E_BASE_URL", &base_url)
        .env("KASA_E2E_PSP_URL", &stack.psp_base)
        .env("KASA_E2E_ADMIN_EMAIL", &stack.admin_email)
        .env("KASA_E2E_ADMIN_PASSWORD", &stack.admin_password)
        .env("KASA_E2E_OUTPUT", output)
        .env("KASA_E2E_CHROMIUM", &args.chromium)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    println!(
        "e2e: npx playwright test {}",
        args.playwright_args.join(" ")
    );
    let status = command
        .status()
        .await
        .context("running `npx playwright test` (is Node.js installed?)")?;
    if !report_path.exists() {
        bail!("`playwright test` exited with {status} and wrote no report");
    }
    let summary = report::read(&report_path)?;
    if !status.success() && summary.failed == 0 {
        bail!(
            "`playwright test` exited with {status} although its report lists no failed test \
             (an error outside the tests, e.g. in the global setup?)"
        );
    }
    Ok(summary)
}

/// `npm ci` in the Playwright project when its packages are not installed yet.
async fn install_packages(project: &Path) -> Result<()> {
    if project.join("node_modules/@playwright/test").is_dir() {
        return Ok(());
    }
    println!("e2e: npm ci in {}", project.display());
    let status = tokio::process::Command::new("npm")
        .arg("ci")
        .current_dir(project)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .status()
        .await
        .context("running `npm ci` (is Node.js installed?)")?;
    if !status.success() {
        bail!("`npm ci` in {} failed with {status}", project.display());
    }
    Ok(())
}
