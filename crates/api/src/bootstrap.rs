//! Start-up data: the bootstrap platform admin and the `--dev` demo tenant.

use games::ProviderSlug;
use ledger::Currency;
use persistence::audit::AuditContext;
use persistence::records::Tenant;
use persistence::{Db, NewAdmin, NewPlayer};
use psp::mock::{Operation, SCENARIOS};
use rand::distr::{Alphanumeric, SampleString};
use secrecy::{ExposeSecret, SecretString};

use crate::auth::{Role, hash_password};
use crate::problem::ApiError;

/// A random alphanumeric secret of `len` characters.
pub fn random_secret(len: usize) -> SecretString {
    SecretString::from(Alphanumeric.sample_string(&mut rand::rng(), len))
}

/// Creates the platform admin from the bootstrap settings unless it exists.
pub async fn ensure_admin(db: &Db, email: &str, password: &SecretString) -> Result<bool, ApiError> {
    if db.admin_by_email(email).await?.is_some() {
        return Ok(false);
    }
    let password_hash = hash_password(password.clone()).await?;
    db.create_admin(
        NewAdmin {
            email: email.to_owned(),
            password_hash,
            role: Role::PlatformAdmin,
            tenant: None,
        },
        &AuditContext::system("bootstrap"),
        None,
    )
    .await?;
    Ok(true)
}

/// Credentials of the `--dev` demo data.
pub struct DemoCredentials {
    /// Tenant slug.
    pub tenant: String,
    /// Demo platform admin email.
    pub admin_email: String,
    /// Demo player email.
    pub player_email: String,
    /// Password of both (fresh at every start).
    pub password: SecretString,
    /// Slug of the demo game provider.
    pub game_provider: String,
    /// Its signing secret (rotated at every start).
    pub game_secret: SecretString,
}

/// Slug of the `--dev` demo game provider.
pub const DEMO_GAME_PROVIDER: &str = "demo-games";

/// Registers the demo game provider for `tenant`, or rotates its secret when
/// it exists (a secret is shown only once, so every start makes a new one);
/// its secret.
async fn seed_demo_provider(db: &Db, tenant: &Tenant) -> Result<SecretString, ApiError> {
    let slug = ProviderSlug::parse(DEMO_GAME_PROVIDER).map_err(|_| ApiError::Internal)?;
    let secret = crate::routes::game_providers::new_provider_secret();
    let audit = AuditContext::system("dev");
    let owner = (tenant.id, tenant.slug.clone());
    let made = if db.game_provider_keys(tenant.id, &slug).await?.is_some() {
        db.rotate_game_provider_secret(owner, &slug, secret, &audit, None)
            .await?
    } else {
        db.create_game_provider(owner, &slug, "Demo games", secret, &audit, None)
            .await?
    };
    Ok(SecretString::from(made.secret.0))
}

/// Creates (or resets the password of) the demo tenant, admin and player.
pub async fn seed_demo(db: &Db) -> Result<DemoCredentials, ApiError> {
    let slug = "demo";
    let tenant = match db.tenant_by_slug(slug).await? {
        Some(t) => t,
        None => {
            db.create_tenant(slug, "Demo casino", &AuditContext::system("dev"), None)
                .await?
        }
    };
    let creds = DemoCredentials {
        tenant: slug.into(),
        admin_email: "admin@demo.kasa.test".into(),
        player_email: "player@demo.kasa.test".into(),
        password: random_secret(16),
        game_provider: DEMO_GAME_PROVIDER.into(),
        game_secret: seed_demo_provider(db, &tenant).await?,
    };
    let hash = hash_password(creds.password.clone()).await?;
    db.upsert_admin_password(
        NewAdmin {
            email: creds.admin_email.clone(),
            password_hash: hash.clone(),
            role: Role::PlatformAdmin,
            tenant: None,
        },
        &AuditContext::system("dev"),
    )
    .await?;
    match db.player_by_email(tenant.id, &creds.player_email).await? {
        Some(player) => db.set_player_password(player.id, hash).await?,
        None => {
            db.register_player(NewPlayer {
                tenant: tenant.id,
                email: creds.player_email.clone(),
                password_hash: hash,
                currency: Currency::EUR,
            })
            .await?;
        }
    }
    Ok(creds)
}

/// What `kasa serve --dev` prints at start: where the console is, the demo
/// credentials, the in-process mock's webhook secret (when that mock runs, so
/// a user can sign a webhook by hand) and the demo scenario amounts.
pub fn demo_banner(
    creds: &DemoCredentials,
    base_url: &str,
    webhook_secret: Option<&str>,
) -> String {
    let password = creds.password.expose_secret();
    let mut lines = vec![
        "--dev: demo data ready (passwords change at every start)".to_owned(),
        format!("  console: {base_url}/console/ (back office, sign in as the admin)"),
        format!("           {base_url}/console/player/ (player pages, sign in as the player)"),
        format!("  tenant:  {}", creds.tenant),
        format!("  admin:   {} / {password}", creds.admin_email),
        format!("  player:  {} / {password}", creds.player_email),
        format!(
            "  try:     curl -s -X POST {base_url}/api/v1/auth/player/login -H 'content-type: application/json' \
             -d '{{\"tenant\":\"{}\",\"email\":\"{}\",\"password\":\"{password}\"}}'",
            creds.tenant, creds.player_email
        ),
    ];
    lines.push(format!(
        "  game wallet: provider `{}` (secret {}); ten demo rounds for the player:",
        creds.game_provider,
        creds.game_secret.expose_secret()
    ));
    lines.push(format!(
        "           cargo run -q -p mock-games -- play --kasa-url {base_url} --tenant {} --provider {} \
         --secret {} --player-email {} --player-password {password} --deposit 50.00 --rounds 10",
        creds.tenant,
        creds.game_provider,
        creds.game_secret.expose_secret(),
        creds.player_email
    ));
    if let Some(secret) = webhook_secret {
        lines.push(format!(
            "  in-process mock PSP: webhooks to {base_url}/api/v1/webhooks/mock signed with"
        ));
        lines.push(format!("           webhook secret {secret}"));
        lines.push(
            "           (Kasa-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, \"<t>.<body>\")>)"
                .to_owned(),
        );
    }
    lines.push("  demo scenarios (by the amount's cents; any other amount succeeds):".to_owned());
    for rule in SCENARIOS {
        let operation = match rule.operation {
            Operation::Deposit => "deposit",
            Operation::Payout => "payout",
        };
        lines.push(format!(
            "    {operation:<7} {}  {}",
            rule.pattern(),
            rule.summary
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_shows_console_credentials_secret_and_scenarios() {
        let creds = DemoCredentials {
            tenant: "demo".into(),
            admin_email: "admin@demo.kasa.test".into(),
            player_email: "player@demo.kasa.test".into(),
            password: SecretString::from("pw-1234"),
            game_provider: DEMO_GAME_PROVIDER.into(),
            game_secret: SecretString::from("gsec_abc"),
        };
        let banner = demo_banner(&creds, "http://127.0.0.1:8080", Some("whsec_abc"));
        for expected in [
            "console: http://127.0.0.1:8080/console/ ",
            "http://127.0.0.1:8080/console/player/ ",
            "tenant:  demo",
            "admin:   admin@demo.kasa.test / pw-1234",
            "player:  player@demo.kasa.test / pw-1234",
            "webhook secret whsec_abc",
            "http://127.0.0.1:8080/api/v1/webhooks/mock",
            "deposit x.13  declined",
            "deposit x.44  succeeds, then a contradicting",
            "payout  x.66  the PSP call times out",
            "payout  x.77  payout.failed webhook",
            "game wallet: provider `demo-games` (secret gsec_abc)",
            "cargo run -q -p mock-games -- play --kasa-url http://127.0.0.1:8080 --tenant demo --provider demo-games --secret gsec_abc --player-email player@demo.kasa.test --player-password pw-1234 --deposit 50.00 --rounds 10",
        ] {
            assert!(
                banner.contains(expected),
                "{expected:?} missing from:\n{banner}"
            );
        }
        let external = demo_banner(&creds, "http://127.0.0.1:8080", None);
        assert!(!external.contains("webhook secret"), "{external}");
        assert!(external.contains("payout  x.66"), "{external}");
    }
}
