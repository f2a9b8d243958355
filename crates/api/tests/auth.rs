//! Login, registration, roles and rate limits over real HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;
use testkit::{TestDb, backend_tests};

#[path = "auth/edges.rs"]
mod edges;

async fn logins_and_registration(db: &TestDb) {
    let kasa = spawn(db).await;
    let admin = kasa.admin_token().await;
    let login = kasa
        .post(
            "/auth/admin/login",
            None,
            json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await
        .json();
    assert_eq!(login["token_type"], "Bearer");
    assert_eq!(login["expires_in"], 900);
    let wrong = kasa
        .post(
            "/auth/admin/login",
            None,
            json!({"email": ADMIN_EMAIL, "password": "wrong-password-1"}),
        )
        .await;
    let unknown = kasa
        .post(
            "/auth/admin/login",
            None,
            json!({"email": "nobody@kasa.test", "password": "wrong-password-1"}),
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.code().as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    assert_eq!(
        wrong.bytes, unknown.bytes,
        "same answer whether the email exists or not"
    );

    kasa.create_tenant(&admin, "acme").await;
    let dup = kasa
        .post(
            "/admin/tenants",
            Some(&admin),
            json!({"slug": "acme", "name": "again"}),
        )
        .await;
    assert_eq!(
        (dup.status, dup.code().as_str()),
        (StatusCode::CONFLICT, "already_exists")
    );
    let body = json!({"tenant": "acme", "email": "Ann@Acme.test", "password": PASSWORD, "currency": "EUR"});
    let reg = kasa.post("/auth/player/register", None, body.clone()).await;
    assert_eq!(reg.status, StatusCode::CREATED);
    let reg = reg.json();
    assert_eq!(
        (
            reg["tenant"].as_str(),
            reg["email"].as_str(),
            reg["currency"].as_str()
        ),
        (Some("acme"), Some("ann@acme.test"), Some("EUR"))
    );
    let again = kasa.post("/auth/player/register", None, body).await;
    assert_eq!(
        (again.status, again.code().as_str()),
        (StatusCode::CONFLICT, "already_exists")
    );
    for bad in [
        json!({"tenant": "acme", "email": "x@acme.test", "password": PASSWORD, "currency": "XXX"}),
        json!({"tenant": "acme", "email": "not-an-email", "password": PASSWORD, "currency": "EUR"}),
        json!({"tenant": "acme", "email": "y@acme.test", "password": "short", "currency": "EUR"}),
    ] {
        assert_eq!(
            kasa.post("/auth/player/register", None, bad).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let nowhere = kasa
        .post(
            "/auth/player/register",
            None,
            json!({"tenant": "nope", "email": "z@x.test", "password": PASSWORD, "currency": "EUR"}),
        )
        .await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    let player = kasa
        .post(
            "/auth/player/login",
            None,
            json!({"tenant": "acme", "email": "ann@acme.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(player.status, StatusCode::OK);
    assert_eq!(player.json()["expires_in"], 3600);
    let wallet = kasa
        .get(
            "/me/wallet",
            player.json()["access_token"].as_str().unwrap(),
        )
        .await
        .json();
    assert_eq!(
        (
            wallet["available"].as_str(),
            wallet["held"].as_str(),
            wallet["currency"].as_str()
        ),
        (Some("0.00"), Some("0.00"), Some("EUR"))
    );
}
backend_tests!(logins, logins_and_registration);

async fn tokens_and_roles_are_enforced(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, player, admin) = kasa.tenant_with_player("acme").await;
    assert_eq!(
        kasa.call(reqwest::Method::GET, "/me/wallet", None, None, None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        kasa.get("/me/wallet", "garbage").await.status,
        StatusCode::UNAUTHORIZED
    );
    let forged = format!("{}x", &player[..player.len() - 1]);
    assert_eq!(
        kasa.get("/me/wallet", &forged).await.status,
        StatusCode::UNAUTHORIZED
    );
    // alg=none token with the player's claims.
    let claims = player.split('.').nth(1).unwrap();
    let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{claims}.");
    assert_eq!(
        kasa.get("/me/wallet", &none).await.status,
        StatusCode::UNAUTHORIZED
    );
    let a = kasa.get("/admin/deposits", &player).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    assert_eq!(
        kasa.get("/me/wallet", &admin).await.status,
        StatusCode::FORBIDDEN
    );

    let create = |email: &str, role: &str, tenant: Option<&str>| json!({"email": email, "password": "a-good-password", "role": role, "tenant": tenant});
    assert_eq!(
        kasa.post(
            "/admin/users",
            Some(&admin),
            create("ta@acme.test", "tenant_admin", Some("acme"))
        )
        .await
        .status,
        StatusCode::CREATED
    );
    let tenant_admin = kasa.login_admin("ta@acme.test", "a-good-password").await;
    assert_eq!(
        kasa.post(
            "/admin/users",
            Some(&tenant_admin),
            create("fin@acme.test", "finance", Some("acme"))
        )
        .await
        .status,
        StatusCode::CREATED
    );
    assert_eq!(
        kasa.post(
            "/admin/users",
            Some(&tenant_admin),
            create("sup@acme.test", "support", Some("acme"))
        )
        .await
        .status,
        StatusCode::CREATED
    );
    assert_eq!(
        kasa.post(
            "/admin/users",
            Some(&tenant_admin),
            create("ta2@acme.test", "tenant_admin", Some("acme"))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        kasa.post(
            "/admin/users",
            Some(&tenant_admin),
            create("pa@acme.test", "platform_admin", None)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    kasa.create_tenant(&admin, "beta").await;
    assert_eq!(
        kasa.post(
            "/admin/users",
            Some(&tenant_admin),
            create("x@beta.test", "finance", Some("beta"))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        kasa.post(
            "/admin/tenants",
            Some(&tenant_admin),
            json!({"slug": "gamma", "name": "G"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let finance = kasa.login_admin("fin@acme.test", "a-good-password").await;
    assert_eq!(
        kasa.post(
            "/admin/users",
            Some(&finance),
            create("y@acme.test", "support", Some("acme"))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let support = kasa.login_admin("sup@acme.test", "a-good-password").await;
    assert_eq!(
        kasa.get("/admin/deposits", &support).await.status,
        StatusCode::OK
    );
    assert_eq!(
        kasa.post(
            "/admin/users",
            Some(&support),
            create("z@acme.test", "support", Some("acme"))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}
backend_tests!(roles, tokens_and_roles_are_enforced);

async fn failed_logins_are_rate_limited(db: &TestDb) {
    let mut settings = settings(db);
    settings.limits.login_failures_max = 10;
    let kasa = spawn_with(settings).await;
    let wrong = json!({"email": ADMIN_EMAIL, "password": "wrong-password-1"});
    let mut statuses = Vec::new();
    for _ in 0..60 {
        statuses.push(kasa.post("/auth/admin/login", None, wrong.clone()).await);
    }
    assert!(
        statuses[..10]
            .iter()
            .all(|a| a.status == StatusCode::UNAUTHORIZED)
    );
    let limited: Vec<_> = statuses[10..]
        .iter()
        .filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(limited.len(), 50, "every attempt after the 10th is limited");
    assert_eq!(limited[0].code(), "rate_limited");
    let retry_after: u64 = limited[0]
        .headers
        .get("Retry-After")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    let right = kasa
        .post(
            "/auth/admin/login",
            None,
            json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(
        right.status,
        StatusCode::TOO_MANY_REQUESTS,
        "a correct password does not bypass the limit"
    );
}
backend_tests!(login_rate_limit, failed_logins_are_rate_limited);
