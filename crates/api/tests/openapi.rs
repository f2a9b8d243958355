//! The OpenAPI document covers every route of the contract.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_lists_every_contract_route() {
    let db = testkit::sqlite();
    let kasa = spawn(&db).await;
    let doc: serde_json::Value = kasa
        .http
        .get(format!("{}/api/v1/openapi.json", kasa.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        &doc,
        kasa_api::openapi::document(),
        "the served document is the linted one (tests/openapi_lint)"
    );
    let expected = [
        ("post", "/api/v1/auth/admin/login"),
        ("post", "/api/v1/auth/player/register"),
        ("post", "/api/v1/auth/player/login"),
        ("post", "/api/v1/admin/tenants"),
        ("post", "/api/v1/admin/users"),
        ("get", "/api/v1/me/wallet"),
        ("get", "/api/v1/me/transactions"),
        ("post", "/api/v1/me/deposits"),
        ("get", "/api/v1/me/deposits"),
        ("get", "/api/v1/me/deposits/{id}"),
        ("post", "/api/v1/me/withdrawals"),
        ("get", "/api/v1/me/withdrawals"),
        ("get", "/api/v1/me/withdrawals/{id}"),
        ("post", "/api/v1/me/withdrawals/{id}/cancel"),
        ("get", "/api/v1/admin/withdrawals"),
        ("get", "/api/v1/admin/withdrawals/{id}"),
        ("post", "/api/v1/admin/withdrawals/{id}/approve"),
        ("post", "/api/v1/admin/withdrawals/{id}/reject"),
        ("post", "/api/v1/admin/withdrawals/{id}/payouts"),
        ("post", "/api/v1/admin/withdrawals/{id}/recheck"),
        ("get", "/api/v1/admin/players/{id}"),
        ("get", "/api/v1/admin/players/{id}/wallet"),
        ("get", "/api/v1/admin/players/{id}/transactions"),
        ("get", "/api/v1/admin/deposits"),
        ("post", "/api/v1/admin/ledger/verify"),
        ("post", "/api/v1/admin/reconciliation-runs"),
        ("get", "/api/v1/admin/reconciliation-runs"),
        ("get", "/api/v1/admin/reconciliation-runs/{id}"),
        ("get", "/api/v1/admin/audit-events"),
        ("get", "/api/v1/admin/audit-events/verify"),
        ("get", "/api/v1/admin/anomalies"),
        ("get", "/api/v1/admin/tenants/{slug}/policy"),
        ("put", "/api/v1/admin/tenants/{slug}/policy"),
        ("post", "/api/v1/admin/players/{id}/kyc"),
        ("get", "/api/v1/me"),
        ("post", "/api/v1/me/exclusions"),
        ("get", "/api/v1/me/exclusions"),
        ("post", "/api/v1/webhooks/{provider}"),
        ("get", "/healthz"),
        ("get", "/readyz"),
        ("get", "/metrics"),
        ("get", "/api/v1/openapi.json"),
    ];
    for (method, path) in expected {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} missing");
        assert!(
            op["responses"].is_object(),
            "{method} {path} has no responses"
        );
    }
    let problem = &doc["paths"]["/api/v1/me/deposits"]["post"]["responses"]["422"]["content"]["application/problem+json"];
    assert!(problem.is_object(), "errors are documented as problem+json");
    assert!(doc["components"]["schemas"]["WithdrawalView"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let db = testkit::sqlite();
    let kasa = spawn(&db).await;
    let res = kasa
        .http
        .delete(format!("{}/api/v1/me/wallet", kasa.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers().get("allow").unwrap(), "GET");
    let res = kasa
        .http
        .delete(format!("{}/api/v1/nothing/here", kasa.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::NOT_FOUND);
}
