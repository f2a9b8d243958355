//! `kasa serve`: configuration to a running server.

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, HttpServer, dev::ServerHandle, web};
use anyhow::Context;
use persistence::games::GameCalls;
use persistence::{Db, DbSettings, DepositEvents, Rounds, WithdrawalRequests};
use psp::MockPsp;
use rust_decimal::Decimal;
use secrecy::ExposeSecret;

use crate::auth::TokenKeys;
use crate::bootstrap;
use crate::game_keys::GameKeys;
use crate::settings::Settings;
use crate::startup;
use crate::state::AppState;
use crate::throttle::Throttle;
use tokio_util::sync::CancellationToken;
use worker::{JobContext, RunnerSettings};

/// Succeeded jobs are kept this long for inspection.
const FINISHED_JOBS_KEPT_DAYS: i64 = 7;
/// How often expired idempotency records and old jobs are purged.
const PURGE_INTERVAL: Duration = Duration::from_secs(3600);

/// `kasa worker`: runs queued jobs until SIGTERM or ctrl-c, finishing the job in hand.
pub async fn run_worker(settings: &Settings) -> anyhow::Result<()> {
    crate::metrics::install();
    let url = settings.database_url();
    let url = url.expose_secret();
    let db = connect_db(settings, url).await?;
    let (psp, _, _) = startup::psp_provider(settings, false)?;
    let ctx = JobContext {
        db,
        psp,
        settings: runner_settings(settings, worker_id("worker")),
    };
    let shutdown = CancellationToken::new();
    let runner = tokio::spawn(worker::run(Arc::new(ctx), shutdown.clone()));
    println!("kasa worker running");
    wait_for_signal().await;
    tracing::info!("shutting down: finishing the job in hand");
    shutdown.cancel();
    runner.await.context("job runner panicked")?;
    Ok(())
}

/// `kasa verify`: checks the audit chains and the ledger; prints both reports.
pub async fn verify(settings: &Settings) -> anyhow::Result<bool> {
    let url = settings.database_url();
    let url = url.expose_secret();
    let db = connect_db(settings, url).await?;
    let audit = db
        .verify_audit(persistence::TenantScope::All)
        .await
        .context("verifying the audit log")?;
    let ledger = db
        .verify_ledger(persistence::TenantScope::All)
        .await
        .context("verifying the ledger")?;
    let report = serde_json::json!({"audit": audit, "ledger": ledger});
    println!(
        "{}",
        serde_json::to_string_pretty(&report).context("printing the report")?
    );
    Ok(audit.ok && ledger.ok)
}

/// Waits for SIGTERM or ctrl-c.
pub async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Flags of `kasa serve`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServeOptions {
    /// Generate missing secrets and seed demo data.
    pub dev: bool,
    /// Do not apply pending migrations at start.
    pub no_migrate: bool,
}

/// A started server.
pub struct RunningServer {
    /// The bound address.
    pub addr: SocketAddr,
    /// Stops the server.
    pub handle: ServerHandle,
    /// Completes when the server has stopped.
    pub server: actix_web::dev::Server,
    /// Shared state (tests use its database).
    pub state: web::Data<AppState>,
    /// The in-process mock PSP, when no PSP base URL is configured (tests script it).
    pub mock: Option<MockPsp>,
    /// Stops the inline job runner (if any).
    pub jobs_shutdown: CancellationToken,
    /// The inline job runner, when `KASA__JOBS__RUNNER=inline`.
    pub jobs: Option<tokio::task::JoinHandle<()>>,
}

/// Runner settings from the configuration.
pub fn runner_settings(settings: &Settings, worker_id: String) -> RunnerSettings {
    RunnerSettings {
        worker_id,
        poll_interval: Duration::from_millis(settings.jobs.poll_interval_ms.max(10)),
        lease: Duration::from_secs(settings.jobs.lease_s.max(3)),
        recheck_interval: Duration::from_secs(settings.jobs.recheck_interval_s.max(1)),
        recheck_age: Duration::from_secs(settings.jobs.recheck_age_s),
    }
}

/// A name for this process's runner: host-independent but unique.
pub fn worker_id(role: &str) -> String {
    format!(
        "{role}-{}-{}",
        std::process::id(),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}

/// Builds the state, binds and returns the server without running it to completion.
pub async fn start(settings: &Settings, options: ServeOptions) -> anyhow::Result<RunningServer> {
    let inline_jobs = settings.inline_jobs()?;
    startup::check_idempotency_lease(settings)?;
    crate::metrics::install();
    let url = settings.database_url();
    let url = url.expose_secret();
    ensure_sqlite_dir(url)?;
    let db = connect_db(settings, url).await?;
    if !options.no_migrate {
        db.migrate().await.context("applying migrations")?;
    }
    let tokens = TokenKeys::new(
        &startup::jwt_secret(settings, options.dev)?,
        &settings.auth.issuer,
        &settings.auth.audience,
    );
    bootstrap_admin(&db, settings).await?;
    let (psp, mock, webhook_secrets) = startup::psp_provider(settings, options.dev)?;
    let secrets_key = startup::secrets_key(settings, options.dev, &db).await?;
    let amount_max = Decimal::from_str(&settings.limits.amount_max)
        .context("limits.amount_max is not a decimal")?;
    let state = web::Data::new(AppState {
        db: db.clone(),
        deposits: Rounds::start(DEPOSIT_LANES, DepositEvents(db.clone())),
        withdrawals: Rounds::start(WITHDRAWAL_LANES, WithdrawalRequests(db.clone())),
        games: Rounds::start(GAME_LANES, GameCalls(db.clone())),
        game_keys: GameKeys::default(),
        psp,
        tokens,
        throttle: Throttle::new(
            settings.limits.login_failures_max,
            Duration::from_secs(settings.limits.login_window_s),
            settings.limits.registrations_per_minute,
        ),
        webhook_secrets,
        webhook_tolerance_s: settings.psp.mock.webhook_tolerance_s,
        amount_max,
        body_limit_bytes: settings.server.body_limit_bytes,
        admin_token_ttl_s: settings.auth.admin_token_ttl_s,
        player_token_ttl_s: settings.auth.player_token_ttl_s,
        idempotency_lease: Duration::from_secs(settings.idempotency.lease_s),
        game_session_ttl: chrono::Duration::seconds(
            i64::try_from(settings.games.session_ttl_s).unwrap_or(i64::MAX / 1000),
        ),
        secrets_key,
        psp_timeout_ms: settings.psp.mock.timeout_ms,
    });
    let origins: Vec<String> = settings
        .server
        .cors_origins
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_owned)
        .collect();
    let app_state = state.clone();
    let server = HttpServer::new(move || {
        App::new()
            .wrap(actix_web::middleware::from_fn(
                crate::operations::reject_undeclared_query,
            ))
            .wrap(actix_web::middleware::from_fn(
                crate::request_context::middleware,
            ))
            .wrap(crate::cors::cors(&origins))
            .wrap(actix_web::middleware::from_fn(
                crate::cors::refusals_as_problems,
            ))
            .app_data(app_state.clone())
            .configure(console::configure)
            .configure(crate::configure)
    })
    .shutdown_timeout(settings.server.shutdown_timeout_s)
    .bind(&settings.server.bind)
    .with_context(|| format!("binding {}", settings.server.bind))?;
    let addr = *server.addrs().first().context("no bound address")?;
    let server = server.run();
    if let Some(mock) = &mock {
        mock.set_webhook_url(format!("http://{addr}/api/v1/webhooks/mock"));
    }
    if options.dev {
        let creds = bootstrap::seed_demo(&db)
            .await
            .map_err(|e| anyhow::anyhow!("seeding demo data: {e}"))?;
        // The in-process mock signs with the first secret Kasa verifies with.
        let secret = mock
            .as_ref()
            .and_then(|_| state.webhook_secrets.first())
            .map(|s| s.expose_secret().to_owned());
        println!(
            "{}",
            bootstrap::demo_banner(&creds, &format!("http://{addr}"), secret.as_deref())
        );
    }
    spawn_purge(
        db.clone(),
        Duration::from_secs(settings.idempotency.retention_hours.saturating_mul(3600)),
    );
    let jobs_shutdown = CancellationToken::new();
    let jobs = inline_jobs.then(|| {
        let ctx = JobContext {
            db,
            psp: Arc::clone(&state.psp),
            settings: runner_settings(settings, worker_id("inline")),
        };
        tokio::spawn(worker::run(Arc::new(ctx), jobs_shutdown.clone()))
    });
    Ok(RunningServer {
        addr,
        handle: server.handle(),
        server,
        state,
        mock,
        jobs_shutdown,
        jobs,
    })
}

/// Lanes settling deposit rounds. Two: PostgreSQL works on one round while the
/// other is built or committed; more lanes only queue on a hot wallet's row.
const DEPOSIT_LANES: usize = 2;
/// Lanes settling withdrawal rounds (more round trips per round than deposits).
const WITHDRAWAL_LANES: usize = 4;
/// Lanes settling rounds of game calls (as deposits: one round in the
/// database while the other is built or committed).
const GAME_LANES: usize = 4;

/// Opens the pool. With no statement timeout of Kasa's own, logs the one the
/// server applies (per role or database), and warns when there is none.
async fn connect_db(settings: &Settings, url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(&db_settings(settings, url))
        .await
        .context("connecting to the database")?;
    if settings.database.statement_timeout_ms == 0 {
        match db.server_statement_timeout().await? {
            Some(timeout) if timeout == "0" => tracing::warn!(
                "no statement timeout: KASA__DATABASE__STATEMENT_TIMEOUT_MS is 0 and the \
                 database sets none; set one per role or database (docs/scaling.md)"
            ),
            Some(timeout) => tracing::info!(%timeout, "statement timeout set by the database"),
            None => {}
        }
    }
    Ok(db)
}

fn db_settings(settings: &Settings, url: &str) -> DbSettings {
    let mut db = DbSettings::new(url);
    db.max_connections = settings.database.max_connections;
    db.acquire_timeout = Duration::from_millis(settings.database.acquire_timeout_ms);
    db.statement_timeout = Duration::from_millis(settings.database.statement_timeout_ms);
    db.statement_cache = settings.database.statement_cache;
    db
}

/// Creates the directory of an embedded SQLite file.
fn ensure_sqlite_dir(url: &str) -> anyhow::Result<()> {
    let Some(rest) = url.strip_prefix("sqlite://") else {
        return Ok(());
    };
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") {
        return Ok(());
    }
    if let Some(dir) = std::path::Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    Ok(())
}

async fn bootstrap_admin(db: &Db, settings: &Settings) -> anyhow::Result<()> {
    let (Some(email), Some(password)) = (
        &settings.bootstrap.admin_email,
        &settings.bootstrap.admin_password,
    ) else {
        return Ok(());
    };
    let created = bootstrap::ensure_admin(db, &email.trim().to_lowercase(), password)
        .await
        .map_err(|e| anyhow::anyhow!("creating the bootstrap admin: {e}"))?;
    if created {
        tracing::info!("bootstrap platform admin created");
    }
    Ok(())
}

fn spawn_purge(db: Db, retention: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(PURGE_INTERVAL);
        loop {
            tick.tick().await;
            match db.purge_idempotency_records(retention).await {
                Ok(n) if n > 0 => tracing::info!(purged = n, "expired idempotency records purged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "idempotency purge failed"),
            }
            let cutoff = chrono::Utc::now() - chrono::Duration::days(FINISHED_JOBS_KEPT_DAYS);
            match db.purge_succeeded_jobs(cutoff).await {
                Ok(n) if n > 0 => tracing::info!(purged = n, "old succeeded jobs purged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "job purge failed"),
            }
        }
    });
}
