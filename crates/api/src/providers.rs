//! Which payment provider a deposit talks to: the platform's default account
//! (`mock`, configured under `[psp.mock]`) or one of the tenant's accounts
//! (`POST /admin/psp-accounts`). A tenant account's provider name is
//! `<tenant slug>/<account slug>`: what its deposits, inbox entries and
//! clearing account carry, and what its webhook path
//! (`/webhooks/<tenant>/<slug>`) names, so two tenants' accounts of the
//! same slug never meet.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use ledger::TenantId;
use persistence::psp_accounts::{PspAccountSecrets, SecretsKey};
use psp::account::{DEFAULT_ACCOUNT, ProviderKind};
use psp::{HttpProvider, PaymentProvider};

use crate::problem::ApiError;
use crate::state::AppState;

/// What a provider is wanted for (the refusal of an account that cannot
/// do it says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Creating a deposit.
    Deposit,
    /// Sending a payout, or asking about one.
    Payout,
}

/// The provider name of `tenant`'s account `slug`.
pub fn account_provider_name(tenant_slug: &str, slug: &str) -> String {
    format!("{tenant_slug}/{slug}")
}

/// The tenant account `account` names: `None` for the default account
/// (absent, or `mock`).
pub fn named_account(account: Option<&str>) -> Option<&str> {
    account.filter(|slug| *slug != DEFAULT_ACCOUNT)
}

/// The provider a new deposit or payout of `tenant` uses: the default
/// account when `account` is absent or `mock` (no query), else the tenant's
/// account of that slug (`422` when it has none).
pub async fn provider_for(
    state: &AppState,
    (tenant, purpose): (TenantId, Purpose),
    account: Option<&str>,
) -> Result<Arc<dyn PaymentProvider>, ApiError> {
    let Some(slug) = named_account(account) else {
        return Ok(Arc::clone(&state.psp));
    };
    let tenant_slug = state
        .db
        .tenant_by_id(tenant)
        .await?
        .ok_or(ApiError::NotFound("tenant"))?
        .slug;
    let secrets = account_secrets(state, tenant, slug).await?.ok_or_else(|| {
        ApiError::Validation(format!("provider: the tenant has no account {slug:?}"))
    })?;
    client(
        state,
        &account_provider_name(&tenant_slug, slug),
        &secrets,
        purpose,
    )
}

/// The provider a stored deposit or payout attempt names (`mock`, or
/// `<tenant>/<slug>`), to resume, resend or recheck it: the default account
/// without a query, else the account the name gives (it must still exist).
pub async fn provider_named(
    state: &AppState,
    purpose: Purpose,
    name: &str,
) -> Result<Arc<dyn PaymentProvider>, ApiError> {
    if name == state.psp.name() {
        return Ok(Arc::clone(&state.psp));
    }
    let gone = || {
        tracing::error!(provider = name, "a stored provider name names no account");
        ApiError::Internal
    };
    let (tenant_slug, slug) = name.split_once('/').ok_or_else(gone)?;
    let tenant = state
        .db
        .tenant_by_slug(tenant_slug)
        .await?
        .ok_or_else(gone)?
        .id;
    let secrets = account_secrets(state, tenant, slug)
        .await?
        .ok_or_else(gone)?;
    client(state, name, &secrets, purpose)
}

/// The key sealing provider accounts' secrets, or `503` when
/// `KASA__SECRETS__KEY` is not configured.
pub fn sealing_key(state: &AppState) -> Result<&SecretsKey, ApiError> {
    state.secrets_key.as_deref().ok_or_else(|| {
        tracing::error!("a provider account was asked for, but KASA__SECRETS__KEY is not set");
        ApiError::Unavailable
    })
}

/// The account `slug` of `tenant` with its secrets opened (`503` without a
/// sealing key).
pub async fn account_secrets(
    state: &AppState,
    tenant: TenantId,
    slug: &str,
) -> Result<Option<PspAccountSecrets>, ApiError> {
    let key = sealing_key(state)?;
    Ok(state
        .db
        .psp_account_secrets(tenant, slug, key, Utc::now())
        .await?)
}

/// A client of the account's protocol. Stripe deposits are not connected
/// yet, and Stripe accounts make no payouts: `422` saying so.
fn client(
    state: &AppState,
    name: &str,
    secrets: &PspAccountSecrets,
    purpose: Purpose,
) -> Result<Arc<dyn PaymentProvider>, ApiError> {
    match secrets.kind {
        ProviderKind::Mock => {
            let timeout = Duration::from_millis(state.psp_timeout_ms);
            let provider = HttpProvider::new(name, &secrets.account.base_url, timeout)
                .map_err(|e| {
                    tracing::error!(provider = name, error = %e, "a provider account's client cannot be built");
                    ApiError::Internal
                })?;
            Ok(Arc::new(provider))
        }
        ProviderKind::Stripe => Err(ApiError::Validation(match purpose {
            Purpose::Deposit => "provider: Stripe accounts cannot take deposits yet".into(),
            Purpose::Payout => {
                "provider: Stripe accounts make no payouts; pay out through an account of kind mock"
                    .into()
            }
        })),
    }
}
