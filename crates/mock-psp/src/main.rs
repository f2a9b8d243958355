//! `mock-psp`: the mock payment service provider as a process.

use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use psp::mock::{MockConfig, MockPsp};
use secrecy::SecretString;
use tracing_subscriber::EnvFilter;

/// A scriptable PSP speaking Kasa's PSP protocol, with a `/control` API for tests.
#[derive(Parser)]
#[command(name = "mock-psp", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "MOCK_PSP_BIND", default_value = "127.0.0.1:9090")]
    bind: String,
    /// Where to POST webhooks (Kasa's `/api/v1/webhooks/mock`).
    #[arg(long, env = "MOCK_PSP_WEBHOOK_URL")]
    webhook_url: Option<String>,
    /// Secret to sign webhooks with; repeat during a rotation to sign with each.
    #[arg(
        long = "webhook-secret",
        env = "MOCK_PSP_WEBHOOK_SECRET",
        hide_env_values = true
    )]
    webhook_secrets: Vec<SecretString>,
    /// How long a scripted timeout keeps the caller waiting, ms.
    #[arg(long, env = "MOCK_PSP_HANG_MS", default_value_t = 15_000)]
    hang_ms: u64,
    /// Delay between accepting a transaction and its outcome webhook, ms.
    #[arg(long, env = "MOCK_PSP_WEBHOOK_DELAY_MS", default_value_t = 20)]
    webhook_delay_ms: u64,
    /// Provider name.
    #[arg(long, env = "MOCK_PSP_PROVIDER", default_value = "mock")]
    provider: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        // stdout carries only the "listening" line, which scripts wait for.
        .with_writer(std::io::stderr)
        .init();

    if args.webhook_secrets.is_empty() {
        tracing::warn!("no --webhook-secret: webhooks will carry no v1 signature");
    }
    if args.webhook_url.is_none() {
        tracing::warn!("no --webhook-url: no webhooks until POST /control/webhook-url");
    }
    let engine = MockPsp::new(MockConfig {
        provider_name: args.provider,
        webhook_url: args.webhook_url,
        webhook_secrets: args.webhook_secrets,
        webhook_delay: Duration::from_millis(args.webhook_delay_ms),
    });
    let (addr, handle) = mock_psp::start(&args.bind, engine, Duration::from_millis(args.hang_ms))
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    println!("mock-psp listening on {addr}");

    shutdown_signal().await?;
    tracing::info!("shutting down");
    handle.stop(true).await;
    Ok(())
}

async fn shutdown_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.context("cannot listen for ctrl-c")?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c()
        .await
        .context("cannot listen for ctrl-c")?;
    Ok(())
}
