//! A tenant's account at a payment provider, as the rules see it: which
//! fields each kind needs, what a slug and a base URL may be, and which
//! webhook secrets are accepted while one is rotated. Pure: no I/O, no clock
//! (`now` is a parameter).

use chrono::{DateTime, Duration, Utc};
use secrecy::{ExposeSecret, SecretString};

/// The slug of the platform's configured default account; no tenant
/// account may take it.
pub const DEFAULT_ACCOUNT: &str = "mock";
/// Longest account slug.
pub const SLUG_LEN_MAX: usize = 64;
/// Shortest webhook secret or API key accepted.
pub const SECRET_LEN_MIN: usize = 32;
/// Longest webhook secret or API key accepted.
pub const SECRET_LEN_MAX: usize = 512;
/// Longest base URL.
pub const BASE_URL_LEN_MAX: usize = 2048;
/// How long the previous webhook secret stays valid after a rotation.
pub const ROTATION_OVERLAP_HOURS: i64 = 24;
/// Stripe's API, the base URL of a Stripe account without one.
pub const STRIPE_BASE_URL: &str = "https://api.stripe.com";

/// What protocol an account speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    /// Kasa's own PSP protocol (the mock PSP, or any PSP speaking it).
    Mock,
    /// Stripe's API.
    Stripe,
}

impl ProviderKind {
    /// Every kind.
    pub const ALL: [ProviderKind; 2] = [ProviderKind::Mock, ProviderKind::Stripe];

    /// Stored and serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Mock => "mock",
            ProviderKind::Stripe => "stripe",
        }
    }

    /// Parses a name exactly.
    pub fn parse(raw: &str) -> Option<ProviderKind> {
        ProviderKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// Why an account was refused; messages are shown to the admin as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// Bad slug.
    #[error("slug must be 1 to 64 of a-z, 0-9 and '-', starting with a letter or digit")]
    Slug,
    /// The platform's default account's slug.
    #[error("slug \"mock\" is the platform's default account")]
    ReservedSlug,
    /// Unknown kind.
    #[error("kind must be \"mock\" or \"stripe\"")]
    Kind,
    /// Missing or malformed base URL.
    #[error("base_url must be an absolute http(s) URL without credentials, query or fragment")]
    BaseUrl,
    /// A mock account without its base URL.
    #[error("a \"mock\" account needs base_url")]
    BaseUrlRequired,
    /// A Stripe account without its API key.
    #[error("a \"stripe\" account needs api_key")]
    ApiKeyRequired,
    /// A secret of the wrong size or blank.
    #[error("{0} must be 32 to 512 characters, printable ASCII, not blank")]
    Secret(&'static str),
}

/// A valid new account (secrets checked, base URL settled).
#[derive(Debug)]
pub struct AccountSpec {
    /// Its slug in the tenant.
    pub slug: String,
    /// Its protocol.
    pub kind: ProviderKind,
    /// Where its API is (without a trailing `/`).
    pub base_url: String,
    /// Its API key, if the kind takes one.
    pub api_key: Option<SecretString>,
    /// The secret its webhooks are signed with.
    pub webhook_secret: SecretString,
}

/// Checks a new account's fields: the slug, the kind, the base URL (needed
/// by `mock`, defaulting to Stripe's for `stripe`), the API key (needed by
/// `stripe`) and the webhook secret.
pub fn account_spec(
    slug: &str,
    kind: &str,
    base_url: Option<&str>,
    api_key: Option<SecretString>,
    webhook_secret: SecretString,
) -> Result<AccountSpec, AccountError> {
    valid_slug(slug)?;
    let kind = ProviderKind::parse(kind).ok_or(AccountError::Kind)?;
    let base_url = match (kind, base_url) {
        (_, Some(url)) => valid_base_url(url)?,
        (ProviderKind::Mock, None) => return Err(AccountError::BaseUrlRequired),
        (ProviderKind::Stripe, None) => STRIPE_BASE_URL.to_owned(),
    };
    if let Some(key) = &api_key {
        valid_secret(key, "api_key")?;
    } else if kind == ProviderKind::Stripe {
        return Err(AccountError::ApiKeyRequired);
    }
    valid_secret(&webhook_secret, "webhook_secret")?;
    Ok(AccountSpec {
        slug: slug.to_owned(),
        kind,
        base_url,
        api_key,
        webhook_secret,
    })
}

/// A slug: 1..=64 of `a-z0-9-`, not starting with `-`, and not
/// [`DEFAULT_ACCOUNT`].
pub fn valid_slug(slug: &str) -> Result<(), AccountError> {
    let ok = !slug.is_empty()
        && slug.len() <= SLUG_LEN_MAX
        && !slug.starts_with('-')
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        return Err(AccountError::Slug);
    }
    if slug == DEFAULT_ACCOUNT {
        return Err(AccountError::ReservedSlug);
    }
    Ok(())
}

/// An absolute `http`/`https` URL with a host, no user info, query or
/// fragment; returned without a trailing `/`.
fn valid_base_url(raw: &str) -> Result<String, AccountError> {
    let rest = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))
        .ok_or(AccountError::BaseUrl)?;
    let host = rest.split('/').next().unwrap_or_default();
    let bad = raw.len() > BASE_URL_LEN_MAX
        || host.is_empty()
        || host.contains('@')
        || raw.contains(['?', '#', ' '])
        || !raw.bytes().all(|b| b.is_ascii_graphic());
    if bad {
        return Err(AccountError::BaseUrl);
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

fn valid_secret(secret: &SecretString, field: &'static str) -> Result<(), AccountError> {
    let raw = secret.expose_secret();
    let ok = (SECRET_LEN_MIN..=SECRET_LEN_MAX).contains(&raw.len())
        && raw.bytes().all(|b| b.is_ascii_graphic())
        && !raw.trim().is_empty();
    if ok {
        Ok(())
    } else {
        Err(AccountError::Secret(field))
    }
}

/// Checks a replacement webhook secret.
pub fn valid_webhook_secret(secret: &SecretString) -> Result<(), AccountError> {
    valid_secret(secret, "webhook_secret")
}

/// Until when the previous secret stays valid after a rotation at `now`.
pub fn previous_valid_until(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::hours(ROTATION_OVERLAP_HOURS)
}

/// Whether a previous secret valid until `until` is still accepted at `now`.
pub fn previous_still_valid(until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    until.is_some_and(|until| now < until)
}

#[cfg(test)]
mod tests;
