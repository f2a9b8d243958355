//! Step "accounts": admin login, a tenant, a player registered and logged in.

use anyhow::Result;
use serde_json::{Value, json};

use super::context::{Player, Smoke};
use super::money;
use super::{random_hex, random_password};

/// Logs in an admin and returns the access token.
pub async fn admin_login(s: &Smoke, email: &str, password: &str) -> Result<String> {
    let response = s
        .api
        .post_json(
            "/auth/admin/login",
            None,
            None,
            &json!({"email": email, "password": password}),
        )
        .await?;
    let body = s.expect_status("admin login", &response, 200)?;
    s.expect_field("admin login", &body, "/token_type", "Bearer")?;
    s.require_str("admin login", &body, "/access_token")
}

/// Creates a tenant `smoke-<8 hex>` as the platform admin and returns its slug.
pub async fn create_tenant(s: &Smoke, admin_token: &str) -> Result<String> {
    let slug = format!("smoke-{}", random_hex(8));
    let response = s
        .api
        .post_json(
            "/admin/tenants",
            Some(admin_token),
            None,
            &json!({"slug": slug, "name": format!("Smoke tenant {slug}")}),
        )
        .await?;
    s.expect_status("create tenant", &response, 201)?;
    Ok(slug)
}

/// Logs a player in and returns the access token.
pub async fn player_login(s: &Smoke, tenant: &str, email: &str, password: &str) -> Result<String> {
    let response = s
        .api
        .post_json(
            "/auth/player/login",
            None,
            None,
            &json!({"tenant": tenant, "email": email, "password": password}),
        )
        .await?;
    let body = s.expect_status("player login", &response, 200)?;
    s.expect_field("player login", &body, "/token_type", "Bearer")?;
    s.require_str("player login", &body, "/access_token")
}

/// The registration body of a EUR player.
fn registration(tenant: &str, email: &str, password: &str) -> Value {
    json!({"tenant": tenant, "email": email, "password": password, "currency": "EUR"})
}

/// Registers a EUR player in `tenant`, logs them in and checks their empty wallet.
pub async fn new_player(s: &Smoke, tenant: &str) -> Result<Player> {
    let email = format!("player-{}@smoke.kasa.test", random_hex(8));
    let password = random_password();
    let response = s
        .api
        .post_json(
            "/auth/player/register",
            None,
            None,
            &registration(tenant, &email, &password),
        )
        .await?;
    let body = s.expect_status("register player", &response, 201)?;
    s.expect_field("register player", &body, "/tenant", tenant)?;
    s.expect_field("register player", &body, "/email", &email)?;
    s.expect_field("register player", &body, "/currency", "EUR")?;
    let id = s.require_str("register player", &body, "/player_id")?;

    let token = player_login(s, tenant, &email, &password).await?;

    let wallet = money::expect_wallet(s, "new player's wallet", &token, "0.00", "0.00").await?;
    s.expect_field("new player's wallet", &wallet, "/player_id", &id)?;
    s.expect_field("new player's wallet", &wallet, "/currency", "EUR")?;
    Ok(Player {
        id,
        tenant: tenant.to_owned(),
        email,
        password,
        token,
    })
}

/// The step: admin login (and a refused wrong password), tenant, player, duplicate registration.
pub async fn tenant_and_player(s: &mut Smoke) -> Result<()> {
    let response = s
        .api
        .post_json(
            "/auth/admin/login",
            None,
            None,
            &json!({"email": s.admin_email, "password": format!("{}-wrong", s.admin_password)}),
        )
        .await?;
    s.expect_problem(
        "admin login with a wrong password",
        &response,
        401,
        "unauthorized",
    )?;

    let admin = admin_login(s, &s.admin_email, &s.admin_password).await?;

    let response = s.api.get("/me/wallet", None).await?;
    s.expect_problem("wallet without a token", &response, 401, "unauthorized")?;

    let tenant = create_tenant(s, &admin).await?;
    let player = new_player(s, &tenant).await?;

    let response = s
        .api
        .post_json(
            "/auth/player/register",
            None,
            None,
            &registration(&player.tenant, &player.email, &random_password()),
        )
        .await?;
    s.expect_problem("duplicate registration", &response, 409, "already_exists")?;

    s.admin_token = Some(admin);
    s.player = Some(player);
    Ok(())
}
