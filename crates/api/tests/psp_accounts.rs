//! Tenants' provider accounts over real HTTP on SQLite and PostgreSQL: created
//! by tenant admins, listed per tenant, secrets sealed at rest and never shown,
//! webhook secret rotation with its 24-hour overlap, and the sealing key's
//! startup rules.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[path = "psp_accounts/deposits.rs"]
mod deposits;

use chrono::{Duration, Utc};
use common::*;
use kasa_api::server::{ServeOptions, start};
use persistence::entities::psp_account;
use persistence::psp_accounts::SecretsKey;
use persistence::records::TenantId;
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use testkit::{TestDb, backend_tests};

pub(crate) const WEBHOOK: &str = "whsec_first_0123456789abcdef0123456789";
const ROTATED: &str = "whsec_second_0123456789abcdef012345678";
const API_KEY: &str = "sk_test_0123456789abcdef0123456789abcdef";

/// A tenant admin of `tenant`, logged in.
pub(crate) async fn tenant_admin(kasa: &Kasa, root: &str, tenant: &str) -> String {
    let email = format!("ta@{tenant}.test");
    let body = json!({"email": email, "password": "admin-password-123", "role": "tenant_admin", "tenant": tenant});
    assert_eq!(
        kasa.post("/admin/users", Some(root), body).await.status,
        StatusCode::CREATED
    );
    kasa.login_admin(&email, "admin-password-123").await
}

fn mock_account(slug: &str) -> Value {
    json!({"slug": slug, "kind": "mock", "base_url": "http://127.0.0.1:9/psp/", "webhook_secret": WEBHOOK})
}

async fn accounts_are_created_listed_per_tenant_and_never_show_secrets(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, _, root) = kasa.tenant_with_player("acme").await;
    kasa.create_tenant(&root, "beta").await;
    let acme = tenant_admin(&kasa, &root, "acme").await;
    let beta = tenant_admin(&kasa, &root, "beta").await;

    let made = kasa
        .post("/admin/psp-accounts", Some(&acme), mock_account("main"))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json());
    let text = String::from_utf8_lossy(&made.bytes).into_owned();
    assert!(
        !text.contains(WEBHOOK),
        "the answer never shows a secret: {text}"
    );
    assert_eq!(made.json()["slug"], "main");
    assert_eq!(made.json()["kind"], "mock");
    assert_eq!(made.json()["base_url"], "http://127.0.0.1:9/psp");
    assert_eq!(made.json()["has_api_key"], false);

    let stripe =
        json!({"slug": "cards", "kind": "stripe", "api_key": API_KEY, "webhook_secret": WEBHOOK});
    let made_stripe = kasa.post("/admin/psp-accounts", Some(&acme), stripe).await;
    assert_eq!(
        made_stripe.status,
        StatusCode::CREATED,
        "{:?}",
        made_stripe.json()
    );
    assert_eq!(made_stripe.json()["base_url"], "https://api.stripe.com");
    assert_eq!(made_stripe.json()["has_api_key"], true);

    // Another tenant may use the same slug; the same tenant may not.
    let again = kasa
        .post("/admin/psp-accounts", Some(&acme), mock_account("main"))
        .await;
    assert_eq!(
        (again.status, again.code().as_str()),
        (StatusCode::CONFLICT, "already_exists")
    );
    let theirs = kasa
        .post("/admin/psp-accounts", Some(&beta), mock_account("main"))
        .await;
    assert_eq!(theirs.status, StatusCode::CREATED);

    let listed = kasa.get("/admin/psp-accounts", &acme).await.json();
    let slugs: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["cards", "main"], "newest first, own tenant only");
    let all = kasa.get("/admin/psp-accounts", &root).await.json();
    assert_eq!(all["items"].as_array().unwrap().len(), 3);

    // The audit log records them, without secrets.
    let audit = kasa.get("/admin/audit-events?limit=200", &root).await;
    let audit_text = String::from_utf8_lossy(&audit.bytes).into_owned();
    assert!(audit_text.contains("psp_account.create"));
    assert!(!audit_text.contains(WEBHOOK) && !audit_text.contains(API_KEY));

    // At rest: sealed, not in clear, and they open with the key.
    for row in psp_account::Entity::find()
        .all(kasa.state.db.conn())
        .await
        .unwrap()
    {
        assert!(row.webhook_secret_sealed.starts_with("v1."));
        assert!(!row.webhook_secret_sealed.contains(WEBHOOK));
        assert!(!row.api_key_sealed.unwrap_or_default().contains(API_KEY));
    }
    let key = SecretsKey::from_base64(&SecretString::from(SECRETS_KEY)).unwrap();
    let tenant = kasa
        .state
        .db
        .tenant_by_slug("acme")
        .await
        .unwrap()
        .unwrap()
        .id;
    let opened = kasa
        .state
        .db
        .psp_account_secrets(tenant, "cards", &key, Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(opened.api_key.unwrap().expose_secret(), API_KEY);
    let accepted: Vec<String> = opened
        .webhook_secrets
        .iter()
        .map(|s| s.expose_secret().to_owned())
        .collect();
    assert_eq!(accepted, [WEBHOOK]);
    assert!(
        kasa.state
            .db
            .psp_account_secrets(tenant, "nope", &key, Utc::now())
            .await
            .unwrap()
            .is_none()
    );
}

backend_tests!(
    created,
    accounts_are_created_listed_per_tenant_and_never_show_secrets
);

async fn bad_accounts_and_roles_are_refused(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, player, root) = kasa.tenant_with_player("acme").await;
    let acme = tenant_admin(&kasa, &root, "acme").await;
    for (body, needle) in [
        (
            json!({"slug": "mock", "kind": "mock", "base_url": "http://x", "webhook_secret": WEBHOOK}),
            "default account",
        ),
        (
            json!({"slug": "Bad Slug", "kind": "mock", "base_url": "http://x", "webhook_secret": WEBHOOK}),
            "slug",
        ),
        (
            json!({"slug": "a", "kind": "adyen", "base_url": "http://x", "webhook_secret": WEBHOOK}),
            "kind",
        ),
        (
            json!({"slug": "a", "kind": "mock", "webhook_secret": WEBHOOK}),
            "needs base_url",
        ),
        (
            json!({"slug": "a", "kind": "mock", "base_url": "ftp://x", "webhook_secret": WEBHOOK}),
            "base_url",
        ),
        (
            json!({"slug": "a", "kind": "stripe", "webhook_secret": WEBHOOK}),
            "needs api_key",
        ),
        (
            json!({"slug": "a", "kind": "mock", "base_url": "http://x", "webhook_secret": "short"}),
            "webhook_secret",
        ),
        (
            json!({"slug": "a", "kind": "mock", "base_url": "http://x", "webhook_secret": WEBHOOK, "extra": 1}),
            "extra",
        ),
    ] {
        let a = kasa
            .post("/admin/psp-accounts", Some(&acme), body.clone())
            .await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body} -> {:?}",
            a.json()
        );
        assert!(
            a.json()["detail"].as_str().unwrap().contains(needle),
            "{body} -> {:?}",
            a.json()
        );
        assert!(
            !String::from_utf8_lossy(&a.bytes).contains("short"),
            "no secret echoed"
        );
    }
    let finance = {
        let body = json!({"email": "f@acme.test", "password": "admin-password-123", "role": "finance", "tenant": "acme"});
        kasa.post("/admin/users", Some(&root), body).await;
        kasa.login_admin("f@acme.test", "admin-password-123").await
    };
    let a = kasa
        .post("/admin/psp-accounts", Some(&finance), mock_account("main"))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = kasa
        .post("/admin/psp-accounts", Some(&player), mock_account("main"))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = kasa
        .post("/admin/psp-accounts", Some(&root), mock_account("main"))
        .await;
    assert_eq!(
        a.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a platform admin names the tenant"
    );
    let mut named = mock_account("main");
    named["tenant"] = json!("acme");
    assert_eq!(
        kasa.post("/admin/psp-accounts", Some(&root), named)
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        kasa.get("/admin/psp-accounts", &acme).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

backend_tests!(refused, bad_accounts_and_roles_are_refused);

async fn a_rotated_webhook_secret_overlaps_for_24_hours(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, _, root) = kasa.tenant_with_player("acme").await;
    kasa.create_tenant(&root, "beta").await;
    let acme = tenant_admin(&kasa, &root, "acme").await;
    let beta = tenant_admin(&kasa, &root, "beta").await;
    let made = kasa
        .post("/admin/psp-accounts", Some(&acme), mock_account("main"))
        .await
        .json();
    let path = format!(
        "/admin/psp-accounts/{}/rotate-webhook-secret",
        made["id"].as_str().unwrap()
    );
    let short = kasa
        .post(&path, Some(&acme), json!({"webhook_secret": "short"}))
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let other = kasa
        .post(&path, Some(&beta), json!({"webhook_secret": ROTATED}))
        .await;
    assert_eq!(
        other.status,
        StatusCode::NOT_FOUND,
        "another tenant's account"
    );
    let rotated = kasa
        .post(&path, Some(&acme), json!({"webhook_secret": ROTATED}))
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{:?}", rotated.json());
    assert!(rotated.json()["rotated_at"].is_string());
    assert!(!String::from_utf8_lossy(&rotated.bytes).contains(ROTATED));

    let key = SecretsKey::from_base64(&SecretString::from(SECRETS_KEY)).unwrap();
    let tenant: TenantId = kasa
        .state
        .db
        .tenant_by_slug("acme")
        .await
        .unwrap()
        .unwrap()
        .id;
    let accepted = |hours: i64| {
        let db = kasa.state.db.clone();
        let key = &key;
        async move {
            db.psp_account_secrets(tenant, "main", key, Utc::now() + Duration::hours(hours))
                .await
                .unwrap()
                .unwrap()
                .webhook_secrets
                .iter()
                .map(|s| s.expose_secret().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        accepted(0).await,
        [ROTATED, WEBHOOK],
        "current first, then the previous"
    );
    assert_eq!(accepted(23).await, [ROTATED, WEBHOOK]);
    assert_eq!(accepted(25).await, [ROTATED], "the previous one expired");
    let audit =
        String::from_utf8_lossy(&kasa.get("/admin/audit-events", &root).await.bytes).into_owned();
    assert!(audit.contains("psp_account.rotate_webhook_secret"));
    assert!(!audit.contains(ROTATED) && !audit.contains(WEBHOOK));
}

backend_tests!(rotated, a_rotated_webhook_secret_overlaps_for_24_hours);

#[tokio::test]
async fn without_a_key_accounts_cannot_be_made_nor_the_server_start_once_they_exist() {
    let db = testkit::sqlite();
    let kasa = spawn(&db).await;
    let (_, _, root) = kasa.tenant_with_player("acme").await;
    let acme = tenant_admin(&kasa, &root, "acme").await;
    assert_eq!(
        kasa.post("/admin/psp-accounts", Some(&acme), mock_account("main"))
            .await
            .status,
        StatusCode::CREATED
    );
    kasa.handle.stop(false).await;

    let mut keyless = settings(&db);
    keyless.secrets.key = None;
    let refusal = match start(&keyless, ServeOptions::default()).await {
        Ok(running) => {
            running.handle.stop(false).await;
            panic!("the server started without KASA__SECRETS__KEY")
        }
        Err(e) => format!("{e:#}"),
    };
    assert!(
        refusal.contains("KASA__SECRETS__KEY is not set and 1 provider account"),
        "{refusal}"
    );

    let mut malformed = settings(&db);
    malformed.secrets.key = Some(SecretString::from("not-a-key"));
    let refusal = match start(&malformed, ServeOptions::default()).await {
        Ok(running) => {
            running.handle.stop(false).await;
            panic!("the server started with a malformed key")
        }
        Err(e) => format!("{e:#}"),
    };
    assert!(refusal.contains("KASA__SECRETS__KEY"), "{refusal}");

    // A fresh database without accounts starts keyless, and refuses to make one.
    let fresh = testkit::sqlite();
    let mut keyless = settings(&fresh);
    keyless.secrets.key = None;
    let kasa = spawn_with(keyless).await;
    let (_, _, root) = kasa.tenant_with_player("acme").await;
    let acme = tenant_admin(&kasa, &root, "acme").await;
    let a = kasa
        .post("/admin/psp-accounts", Some(&acme), mock_account("main"))
        .await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{:?}", a.json());
}
