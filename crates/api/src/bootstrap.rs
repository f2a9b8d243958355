//! Start-up data: the bootstrap platform admin and the `--dev` demo tenant.

use ledger::Currency;
use persistence::{Db, NewAdmin, NewPlayer};
use rand::distr::{Alphanumeric, SampleString};
use secrecy::{ExposeSecret, SecretString};

use crate::auth::{Role, hash_password};
use crate::problem::ApiError;
use crate::request_context::system;

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
            role: Role::PlatformAdmin.as_str().to_owned(),
            tenant_id: None,
        },
        &system("bootstrap"),
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
}

/// Creates (or resets the password of) the demo tenant, admin and player.
pub async fn seed_demo(db: &Db) -> Result<DemoCredentials, ApiError> {
    let creds = DemoCredentials {
        tenant: "demo".into(),
        admin_email: "admin@demo.kasa.test".into(),
        player_email: "player@demo.kasa.test".into(),
        password: random_secret(16),
    };
    let tenant = match db.tenant_by_slug(&creds.tenant).await? {
        Some(t) => t,
        None => {
            db.create_tenant(&creds.tenant, "Demo casino", &system("dev"), None)
                .await?
        }
    };
    let hash = hash_password(creds.password.clone()).await?;
    db.upsert_admin_password(
        NewAdmin {
            email: creds.admin_email.clone(),
            password_hash: hash.clone(),
            role: Role::PlatformAdmin.as_str().to_owned(),
            tenant_id: None,
        },
        &system("dev"),
    )
    .await?;
    match db.player_by_email(tenant.id, &creds.player_email).await? {
        Some(player) => db.set_player_password(player.id, hash).await?,
        None => {
            db.register_player(NewPlayer {
                tenant_id: tenant.id,
                email: creds.player_email.clone(),
                password_hash: hash,
                currency: Currency::EUR,
            })
            .await?;
        }
    }
    Ok(creds)
}

/// Prints the demo credentials for a new user.
pub fn print_demo(creds: &DemoCredentials, base_url: &str) {
    let password = creds.password.expose_secret();
    println!("--dev: demo data ready (passwords change at every start)");
    println!("  tenant:  {}", creds.tenant);
    println!("  admin:   {} / {password}", creds.admin_email);
    println!("  player:  {} / {password}", creds.player_email);
    println!(
        "  try:     curl -s -X POST {base_url}/api/v1/auth/player/login -H 'content-type: application/json' \
         -d '{{\"tenant\":\"{}\",\"email\":\"{}\",\"password\":\"{password}\"}}'",
        creds.tenant, creds.player_email
    );
}
