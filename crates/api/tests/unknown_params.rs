//! Every endpoint refuses a query parameter it does not declare with
//! `422 validation_failed` (before doing anything), and the OpenAPI document
//! declares exactly each endpoint's real query parameters.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use testkit::{TestDb, backend_tests};
use uuid::Uuid;

/// Who calls a route.
#[derive(Clone, Copy)]
enum Caller {
    Nobody,
    Admin,
    Player,
}

/// One route: method, document template, concrete path, caller, body, and
/// the query parameters it really takes.
struct Route {
    method: Method,
    template: &'static str,
    path: String,
    caller: Caller,
    body: Option<Value>,
    query: &'static [&'static str],
}

const PAGE: &[&str] = &["limit", "cursor"];

fn route(method: Method, template: &'static str, path: impl Into<String>, caller: Caller) -> Route {
    Route {
        method,
        template,
        path: path.into(),
        caller,
        body: None,
        query: &[],
    }
}

impl Route {
    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
    fn query(mut self, query: &'static [&'static str]) -> Self {
        self.query = query;
        self
    }
}

/// Every route of `routes::configure`, on real ids.
fn routes(player: Uuid, withdrawal: &str, deposit: &str, run: &str) -> Vec<Route> {
    use Caller::*;
    let now = chrono::Utc::now();
    let window = json!({"provider": "mock", "from": (now - chrono::Duration::hours(1)).to_rfc3339(), "to": now.to_rfc3339()});
    let w = |action: &str| format!("/api/v1/admin/withdrawals/{withdrawal}/{action}");
    vec![
        route(Method::GET, "/healthz", "/healthz", Nobody),
        route(Method::GET, "/readyz", "/readyz", Nobody),
        route(Method::GET, "/metrics", "/metrics", Nobody),
        route(Method::GET, "/api/v1/openapi.json", "/api/v1/openapi.json", Nobody),
        route(Method::POST, "/api/v1/auth/admin/login", "/api/v1/auth/admin/login", Nobody)
            .body(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})),
        route(Method::POST, "/api/v1/auth/player/register", "/api/v1/auth/player/register", Nobody)
            .body(json!({"tenant": "acme", "email": "new@acme.test", "password": PASSWORD, "currency": "EUR"})),
        route(Method::POST, "/api/v1/auth/player/login", "/api/v1/auth/player/login", Nobody)
            .body(json!({"tenant": "acme", "email": "p@acme.test", "password": PASSWORD})),
        route(Method::POST, "/api/v1/admin/tenants", "/api/v1/admin/tenants", Admin)
            .body(json!({"slug": "fresh", "name": "Fresh"})),
        route(Method::POST, "/api/v1/admin/users", "/api/v1/admin/users", Admin)
            .body(json!({"email": "ops@acme.test", "password": "ops-password-123", "role": "support", "tenant": "acme"})),
        route(Method::POST, "/api/v1/admin/ledger/verify", "/api/v1/admin/ledger/verify", Admin).body(json!({})),
        route(Method::GET, "/api/v1/admin/anomalies", "/api/v1/admin/anomalies", Admin).query(PAGE),
        route(Method::GET, "/api/v1/admin/deposits", "/api/v1/admin/deposits", Admin)
            .query(&["status", "player_id", "limit", "cursor"]),
        route(Method::GET, "/api/v1/admin/players", "/api/v1/admin/players", Admin)
            .query(&["email", "limit", "cursor"]),
        route(Method::GET, "/api/v1/admin/players/{id}", format!("/api/v1/admin/players/{player}"), Admin),
        route(Method::GET, "/api/v1/admin/players/{id}/wallet", format!("/api/v1/admin/players/{player}/wallet"), Admin),
        route(Method::GET, "/api/v1/admin/players/{id}/transactions", format!("/api/v1/admin/players/{player}/transactions"), Admin)
            .query(PAGE),
        route(Method::GET, "/api/v1/admin/audit-events", "/api/v1/admin/audit-events", Admin).query(PAGE),
        route(Method::GET, "/api/v1/admin/audit-events/verify", "/api/v1/admin/audit-events/verify", Admin),
        route(Method::GET, "/api/v1/admin/withdrawals", "/api/v1/admin/withdrawals", Admin)
            .query(&["state", "player_id", "limit", "cursor"]),
        route(Method::GET, "/api/v1/admin/withdrawals/{id}", format!("/api/v1/admin/withdrawals/{withdrawal}"), Admin),
        route(Method::POST, "/api/v1/admin/withdrawals/{id}/approve", w("approve"), Admin).body(json!({})),
        route(Method::POST, "/api/v1/admin/withdrawals/{id}/reject", w("reject"), Admin).body(json!({"reason": "no"})),
        route(Method::POST, "/api/v1/admin/withdrawals/{id}/payouts", w("payouts"), Admin).body(json!({})),
        route(Method::POST, "/api/v1/admin/withdrawals/{id}/recheck", w("recheck"), Admin).body(json!({})),
        route(Method::GET, "/api/v1/me/wallet", "/api/v1/me/wallet", Player),
        route(Method::GET, "/api/v1/me/transactions", "/api/v1/me/transactions", Player).query(PAGE),
        route(Method::POST, "/api/v1/me/deposits", "/api/v1/me/deposits", Player)
            .body(json!({"amount": "5.00", "currency": "EUR"})),
        route(Method::GET, "/api/v1/me/deposits", "/api/v1/me/deposits", Player).query(PAGE),
        route(Method::GET, "/api/v1/me/deposits/{id}", format!("/api/v1/me/deposits/{deposit}"), Player),
        route(Method::POST, "/api/v1/me/withdrawals", "/api/v1/me/withdrawals", Player)
            .body(json!({"amount": "1.00", "currency": "EUR", "destination": {"type": "bank_account", "account": "DE89370400440532013000"}})),
        route(Method::GET, "/api/v1/me/withdrawals", "/api/v1/me/withdrawals", Player).query(PAGE),
        route(Method::GET, "/api/v1/me/withdrawals/{id}", format!("/api/v1/me/withdrawals/{withdrawal}"), Player),
        route(Method::POST, "/api/v1/me/withdrawals/{id}/cancel", format!("/api/v1/me/withdrawals/{withdrawal}/cancel"), Player)
            .body(json!({})),
        route(Method::POST, "/api/v1/admin/reconciliation-runs", "/api/v1/admin/reconciliation-runs", Admin).body(window),
        route(Method::GET, "/api/v1/admin/reconciliation-runs", "/api/v1/admin/reconciliation-runs", Admin).query(PAGE),
        route(Method::GET, "/api/v1/admin/reconciliation-runs/{id}", format!("/api/v1/admin/reconciliation-runs/{run}"), Admin)
            .query(PAGE),
        route(Method::POST, "/api/v1/webhooks/{provider}", "/api/v1/webhooks/mock", Nobody)
            .body(deposit_event("evt_never", "deposit.succeeded", deposit, "5.00")),
    ]
}

impl Kasa {
    /// Sends `route` with `query` appended, signed when it is the webhook.
    async fn send(&self, r: &Route, query: &str, admin: &str, player: &str) -> Answer {
        let mut req = self
            .http
            .request(r.method.clone(), format!("{}{}?{query}", self.base, r.path))
            .header("Idempotency-Key", Uuid::new_v4().to_string());
        match r.caller {
            Caller::Admin => req = req.bearer_auth(admin),
            Caller::Player => req = req.bearer_auth(player),
            Caller::Nobody => {}
        }
        if let Some(body) = &r.body {
            let bytes = serde_json::to_vec(body).unwrap();
            let signature = psp::signature::sign(
                &[WEBHOOK_SECRET.as_bytes()],
                chrono::Utc::now().timestamp(),
                &bytes,
            );
            req = req
                .header("content-type", "application/json")
                .header("Kasa-Signature", signature)
                .body(bytes);
        }
        let res = req.send().await.unwrap();
        Answer {
            status: res.status(),
            headers: res.headers().clone(),
            bytes: res.bytes().await.unwrap().to_vec(),
        }
    }
}

async fn every_endpoint_refuses_undeclared_query_parameters(db: &TestDb) {
    let kasa = spawn(db).await;
    let (player, token, admin) = kasa.funded_player("acme", "50.00").await;
    let withdrawal = kasa.withdraw(&token, "10.00").await;
    let deposit = kasa.pending_deposit(&token, "5.00").await;
    let now = chrono::Utc::now();
    let window = json!({"provider": "mock", "from": (now - chrono::Duration::hours(1)).to_rfc3339(), "to": now.to_rfc3339()});
    let run = kasa
        .post_keyed("/admin/reconciliation-runs", &admin, "run-1", window)
        .await;
    assert_eq!(run.status, StatusCode::ACCEPTED, "{:?}", run.json());
    let run = run.json()["id"].as_str().unwrap().to_owned();
    let before = observed(&kasa, &token, &admin).await;

    let doc: Value = kasa
        .http
        .get(format!("{}/api/v1/openapi.json", kasa.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let table = routes(player, &withdrawal, &deposit, &run);
    assert_eq!(table.len(), 37, "every route of routes::configure");
    for r in &table {
        let method = r.method.as_str().to_lowercase();
        let op = &doc["paths"][r.template][method.as_str()];
        assert!(op.is_object(), "{} {} is documented", r.method, r.template);
        let declared: Vec<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            declared, r.query,
            "{} {}: documented query parameters",
            r.method, r.template
        );

        let a = kasa.send(r, "no_such_parameter=1", &admin, &token).await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{} {}?no_such_parameter=1: {:?}",
            r.method,
            r.path,
            String::from_utf8_lossy(&a.bytes)
        );
        assert_eq!(a.code(), "validation_failed", "{} {}", r.method, r.path);
        assert_eq!(a.headers["content-type"], "application/problem+json");
        let detail = a.json()["detail"].as_str().unwrap().to_owned();
        assert!(
            detail.contains("`no_such_parameter`"),
            "{} {}: {detail}",
            r.method,
            r.path
        );
        if r.query.is_empty() {
            assert!(detail.contains("takes no query parameters"), "{detail}");
        } else {
            for name in r.query {
                assert!(
                    detail.contains(&format!("`{name}`")),
                    "{} {}: {detail}",
                    r.method,
                    r.path
                );
            }
        }
    }

    // Nothing was done: no money moved, no deposit, no audit event, the
    // withdrawal is still requested, and the refused tenant does not exist.
    let after = observed(&kasa, &token, &admin).await;
    assert_eq!(before, after);
    let w = kasa
        .get(&format!("/me/withdrawals/{withdrawal}"), &token)
        .await;
    assert_eq!(w.json()["state"], "requested");
    let fresh = kasa
        .post(
            "/admin/tenants",
            Some(&admin),
            json!({"slug": "fresh", "name": "Fresh"}),
        )
        .await;
    assert_eq!(fresh.status, StatusCode::CREATED, "{:?}", fresh.json());

    // Declared parameters still pass; a filter on an unknown player matches nothing.
    let nobody = Uuid::now_v7();
    for path in [
        format!("/admin/deposits?player_id={nobody}"),
        format!("/admin/withdrawals?player_id={nobody}"),
        format!("/admin/deposits?status=pending&player_id={nobody}&limit=5"),
    ] {
        let a = kasa.get(&path, &admin).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {:?}", a.json());
        assert_eq!(a.json()["items"], json!([]), "{path}");
    }
    let mine = kasa
        .get(&format!("/admin/deposits?player_id={player}"), &admin)
        .await;
    assert_eq!(mine.json()["items"].as_array().map(Vec::len), Some(2));
}
backend_tests!(
    unknown_params,
    every_endpoint_refuses_undeclared_query_parameters
);

/// What a refused request must leave as it was: the player's wallet and
/// deposits, and how many audit events there are.
async fn observed(
    kasa: &Kasa,
    token: &str,
    admin: &str,
) -> ((String, String), Value, Option<usize>) {
    (
        kasa.wallet(token).await,
        kasa.get("/me/deposits?limit=200", token).await.json(),
        kasa.get("/admin/audit-events?limit=200", admin)
            .await
            .json()["items"]
            .as_array()
            .map(Vec::len),
    )
}
