//! Tenant scoping fails closed: an admin token that names a non-platform role
//! but no tenant (signed with the real secret) is refused, never widened to
//! every tenant.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use secrecy::ExposeSecret;
use serde_json::json;
use testkit::{TestDb, backend_tests};
use uuid::Uuid;

/// An admin token signed with the server's own secret, with these claims.
fn forged(db: &TestDb, role: &str, tenant: Option<Uuid>) -> String {
    let s = settings(db);
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "sub": Uuid::now_v7(),
        "kind": "admin",
        "role": role,
        "iss": s.auth.issuer,
        "aud": s.auth.audience,
        "iat": now,
        "exp": now + 600,
    });
    if let Some(tenant) = tenant {
        claims["tenant"] = json!(tenant);
    }
    let secret = s.auth.jwt_secret.unwrap();
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.expose_secret().as_bytes()),
    )
    .unwrap()
}

async fn an_admin_without_tenant_sees_nothing(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, acme_player, admin) = kasa.tenant_with_player("acme").await;
    kasa.create_tenant(&admin, "zeta").await;
    let (_, zeta_player) = kasa.player("zeta", "p@zeta.test", "EUR").await;
    kasa.pending_deposit(&acme_player, "10.00").await;
    kasa.pending_deposit(&zeta_player, "11.00").await;
    let all = kasa.get("/admin/deposits", &admin).await.json();
    assert_eq!(
        all["items"].as_array().unwrap().len(),
        2,
        "the platform admin sees both tenants"
    );

    for role in ["support", "finance", "tenant_admin"] {
        let token = forged(db, role, None);
        for path in [
            "/admin/deposits",
            "/admin/audit-events",
            "/admin/withdrawals",
            "/admin/anomalies",
            "/admin/reconciliation-runs",
            "/admin/audit-events/verify",
        ] {
            let a = kasa.get(path, &token).await;
            assert_eq!(
                a.status,
                StatusCode::UNAUTHORIZED,
                "{role} without tenant on {path}: {:?}",
                a.json()
            );
            assert_eq!(a.code(), "unauthorized");
        }
        let verify = kasa
            .post("/admin/ledger/verify", Some(&token), json!({}))
            .await;
        assert_eq!(
            verify.status,
            StatusCode::UNAUTHORIZED,
            "{role}: {:?}",
            verify.json()
        );
    }
    // A platform admin token that names a tenant is just as inconsistent.
    let tenant = Uuid::now_v7();
    let a = kasa
        .get(
            "/admin/deposits",
            &forged(db, "platform_admin", Some(tenant)),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{:?}", a.json());
}
backend_tests!(admin_without_tenant, an_admin_without_tenant_sees_nothing);
