//! Startup checks of `kasa serve` and `kasa worker`: secrets that can't be
//! empty or short, a PSP that is really configured, an idempotency lease that
//! outlives a PSP call. Each refusal names the variable to fix.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use psp::{HttpProvider, MockConfig, MockPsp, PaymentProvider};
use secrecy::{ExposeSecret, SecretString};

use crate::bootstrap;
use crate::settings::{PspSettings, Settings};

/// Shortest JWT secret accepted outside `--dev`.
const JWT_SECRET_LEN_MIN: usize = 32;
/// Shortest webhook secret (current or previous) accepted outside `--dev`.
pub const WEBHOOK_SECRET_LEN_MIN: usize = 32;
/// The idempotency lease must outlive this many PSP calls.
const LEASE_PSP_CALLS_MIN: u64 = 2;

const WEBHOOK_SECRET_VAR: &str = "KASA__PSP__MOCK__WEBHOOK_SECRET";
const PREVIOUS_WEBHOOK_SECRET_VAR: &str = "KASA__PSP__MOCK__PREVIOUS_WEBHOOK_SECRET";

/// The JWT secret in force: the configured one, or a generated one with `--dev`.
pub fn jwt_secret(settings: &Settings, dev: bool) -> anyhow::Result<SecretString> {
    match &settings.auth.jwt_secret {
        Some(secret) if secret.expose_secret().len() >= JWT_SECRET_LEN_MIN => Ok(secret.clone()),
        Some(_) if !dev => {
            bail!("KASA__AUTH__JWT_SECRET must be at least {JWT_SECRET_LEN_MIN} bytes")
        }
        None if !dev => {
            bail!("KASA__AUTH__JWT_SECRET is not set (use --dev to generate one for local use)")
        }
        _ => {
            tracing::warn!("--dev: using a generated JWT secret; tokens die with this process");
            Ok(bootstrap::random_secret(48))
        }
    }
}

/// Refuses an idempotency lease shorter than twice the PSP timeout: a request
/// whose lease ran out while its PSP call was still allowed to run could be
/// taken over by a retry.
pub fn check_idempotency_lease(settings: &Settings) -> anyhow::Result<()> {
    let lease_ms = settings.idempotency.lease_s.saturating_mul(1000);
    let needed_ms = settings
        .psp
        .mock
        .timeout_ms
        .saturating_mul(LEASE_PSP_CALLS_MIN);
    if lease_ms < needed_ms || lease_ms == 0 {
        bail!(
            "KASA__IDEMPOTENCY__LEASE_S ({} s) must be at least twice the PSP timeout \
             KASA__PSP__MOCK__TIMEOUT_MS ({} ms), and more than 0",
            settings.idempotency.lease_s,
            settings.psp.mock.timeout_ms
        );
    }
    Ok(())
}

/// The webhook secrets in force, current first. Outside `--dev` an empty or
/// short secret is an error naming its variable; with `--dev` an empty one is
/// ignored (an empty HMAC key would let anyone sign events).
fn webhook_secrets(settings: &Settings, dev: bool) -> anyhow::Result<Vec<SecretString>> {
    let mock = &settings.psp.mock;
    let configured = [
        (WEBHOOK_SECRET_VAR, &mock.webhook_secret),
        (PREVIOUS_WEBHOOK_SECRET_VAR, &mock.previous_webhook_secret),
    ];
    let mut secrets = Vec::with_capacity(configured.len());
    for (variable, secret) in configured {
        let Some(secret) = secret else { continue };
        let len = secret.expose_secret().len();
        if len >= WEBHOOK_SECRET_LEN_MIN || (dev && len > 0) {
            secrets.push(secret.clone());
        } else if dev {
            tracing::warn!("--dev: {variable} is empty and ignored");
        } else if len == 0 {
            bail!("{variable} is set but empty; unset it to have no such secret");
        } else {
            bail!("{variable} must be at least {WEBHOOK_SECRET_LEN_MIN} bytes");
        }
    }
    Ok(secrets)
}

/// The PSP Kasa calls, the in-process mock when that is it, and the webhook
/// secrets Kasa verifies with (current first).
pub type Provider = (Arc<dyn PaymentProvider>, Option<MockPsp>, Vec<SecretString>);

/// The PSP in force and the webhook secrets Kasa verifies with: the external
/// PSP when a base URL is configured; else the in-process mock, only with
/// `--dev` or `KASA__PSP__MOCK__IN_PROCESS=true` (it settles every deposit).
pub fn psp_provider(settings: &Settings, dev: bool) -> anyhow::Result<Provider> {
    let mock = &settings.psp.mock;
    let mut secrets = webhook_secrets(settings, dev)?;
    let base_url = mock
        .base_url
        .as_deref()
        .filter(|url| !url.trim().is_empty());
    if let Some(base_url) = base_url {
        if secrets.is_empty() {
            bail!("{WEBHOOK_SECRET_VAR} is required with KASA__PSP__MOCK__BASE_URL");
        }
        let timeout = Duration::from_millis(mock.timeout_ms);
        let provider = HttpProvider::new(PspSettings::MOCK_PROVIDER, base_url, timeout)
            .context("building the PSP client")?;
        return Ok((Arc::new(provider), None, secrets));
    }
    if !dev && !mock.in_process {
        bail!(
            "KASA__PSP__MOCK__BASE_URL is not set: set it to the PSP's address, or set \
             KASA__PSP__MOCK__IN_PROCESS=true (or use --dev) to run the mock PSP in-process"
        );
    }
    if !dev {
        tracing::warn!(
            "KASA__PSP__MOCK__IN_PROCESS=true: the in-process mock PSP settles every deposit; \
             never use it with real money"
        );
    }
    if secrets.is_empty() {
        secrets.push(bootstrap::random_secret(40));
    }
    let engine = MockPsp::new(MockConfig {
        provider_name: PspSettings::MOCK_PROVIDER.into(),
        webhook_url: None,
        webhook_secrets: secrets.iter().take(1).cloned().collect(),
        webhook_delay: Duration::from_millis(20),
    });
    tracing::info!("using the in-process mock PSP");
    Ok((Arc::new(engine.clone()), Some(engine), secrets))
}

/// The key sealing provider accounts' secrets: `KASA__SECRETS__KEY` when set
/// (a malformed one is an error naming the variable); else, with `--dev`, a
/// generated one (accounts made with it do not open after a restart); else
/// none, which is a startup error when any provider account exists (their
/// secrets could not be opened) and makes creating one `503`.
pub async fn secrets_key(
    settings: &Settings,
    dev: bool,
    db: &persistence::Db,
) -> anyhow::Result<Option<std::sync::Arc<persistence::psp_accounts::SecretsKey>>> {
    use persistence::psp_accounts::SecretsKey;
    if let Some(raw) = &settings.secrets.key {
        let key = SecretsKey::from_base64(raw).map_err(|e| anyhow::anyhow!("{e}"))?;
        return Ok(Some(std::sync::Arc::new(key)));
    }
    if dev {
        tracing::warn!(
            "--dev: KASA__SECRETS__KEY is not set; provider accounts are sealed with a generated key that dies with this process"
        );
        return Ok(Some(std::sync::Arc::new(SecretsKey::generate())));
    }
    let accounts = db.psp_account_count().await?;
    if accounts > 0 {
        bail!(
            "KASA__SECRETS__KEY is not set and {accounts} provider account(s) exist: their secrets cannot be opened without it"
        );
    }
    Ok(None)
}
