//! Typed configuration: defaults, then an optional file, then `KASA__…`
//! environment variables (`KASA__SERVER__BIND`, …). `DATABASE_URL` is also
//! accepted for the database URL.

use std::path::Path;

use config::{Config, Environment, File};
use secrecy::SecretString;
use serde::Deserialize;

/// The embedded default database: a SQLite file next to the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://kasa-data/kasa.sqlite?mode=rwc";

/// All of Kasa's settings.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// HTTP server.
    pub server: ServerSettings,
    /// Database.
    pub database: DatabaseSettings,
    /// Tokens.
    pub auth: AuthSettings,
    /// First admin, created at start.
    pub bootstrap: BootstrapSettings,
    /// Payment providers.
    pub psp: PspSettings,
    /// Limits on amounts, logins and registrations.
    pub limits: LimitSettings,
    /// Idempotency records.
    pub idempotency: IdempotencySettings,
    /// The job queue and its runners.
    pub jobs: JobSettings,
    /// The game wallet.
    pub games: GameSettings,
    /// Sealing of secrets at rest.
    #[serde(default)]
    pub secrets: SecretsSettings,
}

/// Sealing of secrets at rest (provider accounts' credentials).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SecretsSettings {
    /// 32 random bytes in standard base64 (`KASA__SECRETS__KEY`,
    /// `openssl rand -base64 32`): the AES-256-GCM key.
    pub key: Option<SecretString>,
}

/// Game wallet settings.
#[derive(Debug, Clone, Deserialize)]
pub struct GameSettings {
    /// Lifetime of a player's game session, seconds (`KASA__GAMES__SESSION_TTL_S`).
    pub session_ttl_s: u64,
}

/// Job runner settings.
#[derive(Debug, Clone, Deserialize)]
pub struct JobSettings {
    /// `inline` (run jobs inside `kasa serve`) or `worker` (leave them to `kasa worker`).
    pub runner: String,
    /// Pause between polls of an empty queue, ms.
    pub poll_interval_ms: u64,
    /// Lease of a claimed job, seconds (renewed by a heartbeat every third).
    pub lease_s: u64,
    /// How often stuck payouts are rechecked, seconds.
    pub recheck_interval_s: u64,
    /// Payout attempts `pending`/`unknown` for longer than this are rechecked, seconds.
    pub recheck_age_s: u64,
}

/// HTTP server settings.
#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    /// Listen address.
    pub bind: String,
    /// Comma-separated browser origins allowed by CORS (none by default).
    pub cors_origins: String,
    /// Maximum request body in bytes.
    pub body_limit_bytes: usize,
    /// Seconds to finish in-flight requests on shutdown.
    pub shutdown_timeout_s: u64,
}

/// Database settings.
#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `postgres://…` or `sqlite://…`; the embedded file when unset. Secret:
    /// it may carry the database password.
    pub url: Option<SecretString>,
    /// Pool size on PostgreSQL.
    pub max_connections: u32,
    /// Wait for a pooled connection, in ms.
    pub acquire_timeout_ms: u64,
    /// PostgreSQL `statement_timeout`, in ms; 0 leaves it to the role or
    /// database (transaction pooling: docs/scaling.md).
    pub statement_timeout_ms: u64,
    /// sqlx's prepared-statement cache (on by default).
    pub statement_cache: bool,
}

/// Token settings.
#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    /// HMAC secret for HS256 tokens (at least 32 bytes).
    pub jwt_secret: Option<SecretString>,
    /// Lifetime of admin tokens, seconds.
    pub admin_token_ttl_s: u64,
    /// Lifetime of player tokens, seconds.
    pub player_token_ttl_s: u64,
    /// `iss` claim.
    pub issuer: String,
    /// `aud` claim.
    pub audience: String,
}

/// Bootstrap admin settings.
#[derive(Debug, Clone, Deserialize)]
pub struct BootstrapSettings {
    /// Email of the platform admin to create at start.
    pub admin_email: Option<String>,
    /// Its password.
    pub admin_password: Option<SecretString>,
}

/// PSP settings.
#[derive(Debug, Clone, Deserialize)]
pub struct PspSettings {
    /// The `mock` provider (the only one Kasa ships).
    pub mock: MockPspSettings,
}

impl PspSettings {
    /// The name of the provider configured under `[psp.mock]`
    /// (`KASA__PSP__MOCK__*`): its section's name, which is also the segment
    /// of its webhook path and the name on its deposits and attempts.
    pub const MOCK_PROVIDER: &'static str = "mock";
}

/// Settings of the `mock` provider.
#[derive(Debug, Clone, Deserialize)]
pub struct MockPspSettings {
    /// Base URL of an external PSP speaking the protocol. When unset, the
    /// in-process mock runs only with `--dev` or [`Self::in_process`].
    pub base_url: Option<String>,
    /// Run the mock PSP in-process without `--dev` (it settles every deposit:
    /// for demos and tests only; Kasa warns at start).
    pub in_process: bool,
    /// Secret the PSP signs webhooks with.
    pub webhook_secret: Option<SecretString>,
    /// The previous secret, still accepted during a rotation.
    pub previous_webhook_secret: Option<SecretString>,
    /// Timeout of one PSP call, ms.
    pub timeout_ms: u64,
    /// Accepted clock skew of webhook timestamps, seconds.
    pub webhook_tolerance_s: i64,
}

/// Limits.
#[derive(Debug, Clone, Deserialize)]
pub struct LimitSettings {
    /// Largest amount of one operation (decimal string).
    pub amount_max: String,
    /// Failed logins allowed per account and per client IP within the window.
    pub login_failures_max: u32,
    /// The failed-login window, seconds.
    pub login_window_s: u64,
    /// Registrations allowed per client IP per minute.
    pub registrations_per_minute: u32,
}

/// Idempotency settings.
#[derive(Debug, Clone, Deserialize)]
pub struct IdempotencySettings {
    /// How long results are kept, hours.
    pub retention_hours: u64,
    /// After how many seconds an in-flight record of a crashed process may be
    /// taken over; at least twice the PSP timeout (renewed while a PSP call runs).
    pub lease_s: u64,
}

impl Settings {
    /// Loads defaults, then `file` (if any), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, config::ConfigError> {
        let mut builder = Config::builder()
            .set_default("server.bind", "127.0.0.1:8080")?
            .set_default("server.cors_origins", "")?
            .set_default("server.body_limit_bytes", 64 * 1024)?
            .set_default("server.shutdown_timeout_s", 30)?
            .set_default("database.max_connections", 32)?
            .set_default("database.acquire_timeout_ms", 5_000)?
            .set_default("database.statement_timeout_ms", 10_000)?
            .set_default("database.statement_cache", true)?
            .set_default("auth.admin_token_ttl_s", 15 * 60)?
            .set_default("auth.player_token_ttl_s", 60 * 60)?
            .set_default("auth.issuer", "kasa")?
            .set_default("auth.audience", "kasa-api")?
            .set_default("psp.mock.timeout_ms", 5_000)?
            .set_default("psp.mock.in_process", false)?
            .set_default("psp.mock.webhook_tolerance_s", 300)?
            .set_default("limits.amount_max", "1000000.00")?
            .set_default("limits.login_failures_max", 10)?
            .set_default("limits.login_window_s", 15 * 60)?
            .set_default("limits.registrations_per_minute", 60)?
            .set_default("idempotency.retention_hours", 24)?
            .set_default("idempotency.lease_s", 60)?
            .set_default("bootstrap.admin_email", None::<String>)?
            .set_default("jobs.runner", "inline")?
            .set_default("jobs.poll_interval_ms", 500)?
            .set_default("jobs.lease_s", 30)?
            .set_default("jobs.recheck_interval_s", 60)?
            .set_default("jobs.recheck_age_s", 300)?
            .set_default("games.session_ttl_s", 8 * 60 * 60)?;
        if let Some(file) = file {
            builder = builder.add_source(File::from(file));
        }
        if let Ok(url) = std::env::var("DATABASE_URL") {
            builder = builder.set_default("database.url", url)?;
        }
        builder
            .add_source(
                Environment::with_prefix("KASA")
                    .prefix_separator("__")
                    .separator("__"),
            )
            .build()?
            .try_deserialize()
    }

    /// Whether `kasa serve` runs the job runner itself.
    pub fn inline_jobs(&self) -> Result<bool, config::ConfigError> {
        match self.jobs.runner.as_str() {
            "inline" => Ok(true),
            "worker" => Ok(false),
            other => Err(config::ConfigError::Message(format!(
                "KASA__JOBS__RUNNER must be inline or worker, not {other:?}"
            ))),
        }
    }

    /// The database URL in force.
    pub fn database_url(&self) -> SecretString {
        self.database
            .url
            .clone()
            .unwrap_or_else(|| SecretString::from(DEFAULT_DATABASE_URL))
    }
}
