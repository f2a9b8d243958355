//! Problem `detail`s speak the API user's language: they name the parameter
//! or field that is wrong and what it must be, and name states in the
//! contract's words, never parser positions, Rust types or internal names. A
//! refused CORS preflight is a problem document too.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use testkit::{TestDb, backend_tests};
use uuid::Uuid;

/// Phrases of serde, the JSON parser or the code that must never reach a user.
const INTERNAL: [&str; 9] = [
    "invalid type",
    "expected u64",
    "line 1 column",
    "at line",
    "deserialize",
    "start_payout",
    "EOF",
    "struct ",
    "in state",
];

/// Asserts the answer's status and code, that its detail contains `names`
/// and none of [`INTERNAL`]; returns the detail.
fn check(a: &Answer, what: &str, status: StatusCode, code: &str, names: &str) -> String {
    assert_eq!(a.status, status, "{what}: {:?}", a.json());
    assert_eq!(a.code(), code, "{what}");
    assert_eq!(
        a.headers["content-type"], "application/problem+json",
        "{what}"
    );
    let detail = a.json()["detail"].as_str().unwrap().to_owned();
    assert!(
        detail.contains(names),
        "{what}: {detail:?} should name {names}"
    );
    for phrase in INTERNAL {
        assert!(
            !detail.contains(phrase),
            "{what}: {detail:?} leaks {phrase:?}"
        );
    }
    detail
}

async fn details_name_what_is_wrong(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.funded_player("acme", "50.00").await;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;

    // Query strings: every bad value names its parameter.
    for (path, name) in [
        ("/me/deposits?limit=two", "`limit`"),
        ("/me/deposits?limit=0", "`limit`"),
        ("/me/deposits?limit=2", ""),
        ("/me/deposits?limit=-1", "`limit`"),
        ("/me/deposits?cursor=not-a-cursor", "`cursor`"),
        ("/me/deposits?limit=1&limit=2", "`limit`"),
        ("/me/wallet?x=1", "`x`"),
    ] {
        let a = kasa.get(path, &token).await;
        if name.is_empty() {
            assert_eq!(a.status, StatusCode::OK, "{path}");
            continue;
        }
        check(&a, path, unprocessable, "validation_failed", name);
    }
    for (path, name) in [
        ("/admin/deposits?player_id=7", "`player_id`"),
        ("/admin/deposits?status=nope", "`status`"),
        ("/admin/withdrawals?state=nope", "`state`"),
        ("/admin/players?email=", "`email`"),
    ] {
        let a = kasa.get(path, &admin).await;
        check(&a, path, unprocessable, "validation_failed", name);
    }
    let a = kasa.get("/admin/withdrawals?state=nope", &admin).await;
    assert!(
        a.json()["detail"]
            .as_str()
            .unwrap()
            .contains("payout_pending")
    );

    // Bodies: syntax is 400, shape 422, each naming the field.
    let bad_request = StatusCode::BAD_REQUEST;
    for (body, status, name) in [
        (&b""[..], bad_request, "empty"),
        (b"{\"amount\": ", bad_request, "JSON"),
        (b"{amount}", bad_request, "not valid JSON"),
        (
            b"{\"amount\": 10, \"currency\": \"EUR\"}",
            unprocessable,
            "`amount` must be a string",
        ),
        (
            b"{\"currency\": \"EUR\"}",
            unprocessable,
            "`amount` is required",
        ),
        (
            b"{\"amount\": \"1.00\", \"currency\": \"EUR\", \"ammount\": \"1\"}",
            unprocessable,
            "`ammount`",
        ),
        (b"[\"1.00\", \"EUR\"]", unprocessable, "JSON object"),
    ] {
        let what = String::from_utf8_lossy(body).into_owned();
        let a = kasa
            .call_raw(
                Method::POST,
                "/me/deposits",
                Some(&token),
                Some(&Uuid::new_v4().to_string()),
                Some(body.to_vec()),
            )
            .await;
        check(&a, &what, status, "validation_failed", name);
    }
    let nested = json!({"amount": "1.00", "currency": "EUR", "destination": {"type": "bank_account", "account": 5}});
    let a = kasa
        .post_keyed(
            "/me/withdrawals",
            &token,
            &Uuid::new_v4().to_string(),
            nested,
        )
        .await;
    check(
        &a,
        "nested",
        unprocessable,
        "validation_failed",
        "`destination.account` must be a string",
    );

    // A webhook's malformed event is 400, naming the field too.
    let mut event = deposit_event("evt_bad", "deposit.succeeded", "nope", "1.00");
    event["created"] = json!("soon");
    let a = kasa.webhook(&event).await;
    check(
        &a,
        "webhook",
        StatusCode::BAD_REQUEST,
        "validation_failed",
        "`created` must be a whole number",
    );
    event["created"] = json!(1);
    event["type"] = json!("deposit.maybe");
    let a = kasa.webhook(&event).await;
    check(
        &a,
        "webhook type",
        StatusCode::BAD_REQUEST,
        "validation_failed",
        "`type` must be one of",
    );

    // State transitions: the action's words and the contract's state names.
    let requested = kasa.withdraw(&token, "10.00").await;
    let a = kasa.act(&admin, &requested, "payouts", json!({})).await;
    let detail = check(
        &a,
        "payout",
        StatusCode::CONFLICT,
        "invalid_state_transition",
        "payout",
    );
    assert_eq!(
        detail,
        "a payout can only start from approved or payout_failed; this withdrawal is requested"
    );
    assert_eq!(
        kasa.act(&admin, &requested, "approve", json!({}))
            .await
            .status,
        StatusCode::OK
    );
    let a = kasa
        .post_keyed(
            &format!("/me/withdrawals/{requested}/cancel"),
            &token,
            &Uuid::new_v4().to_string(),
            json!({}),
        )
        .await;
    let detail = check(
        &a,
        "cancel",
        StatusCode::CONFLICT,
        "invalid_state_transition",
        "cancelled",
    );
    assert_eq!(
        detail,
        "a withdrawal can only be cancelled from requested; this withdrawal is approved"
    );
}
backend_tests!(error_details, details_name_what_is_wrong);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_cors_preflight_is_a_problem_document() {
    let db = testkit::sqlite();
    let mut s = settings(&db);
    s.server.cors_origins = "https://admin.casino.test".into();
    let kasa = spawn_with(s).await;
    let preflight = |origin: &'static str, method: &'static str| {
        kasa.http
            .request(Method::OPTIONS, format!("{}/api/v1/me/wallet", kasa.base))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", method)
            .send()
    };

    let ok = preflight("https://admin.casino.test", "GET").await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://admin.casino.test"
    );

    for (origin, method, names) in [
        ("https://evil.test", "GET", "origin"),
        ("https://admin.casino.test", "DELETE", "GET, POST"),
    ] {
        let res = preflight(origin, method).await.unwrap();
        let a = Answer {
            status: res.status(),
            headers: res.headers().clone(),
            bytes: res.bytes().await.unwrap().to_vec(),
        };
        check(
            &a,
            &format!("{origin} {method}"),
            StatusCode::FORBIDDEN,
            "forbidden",
            names,
        );
        assert!(a.headers.get("access-control-allow-origin").is_none());
    }
}
