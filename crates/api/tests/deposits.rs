//! Deposits through the in-process mock PSP, webhooks, idempotency and the
//! ledger, over real HTTP, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use testkit::{TestDb, backend_tests};
use uuid::Uuid;

#[path = "deposits/reads.rs"]
mod reads;

async fn deposit_succeeds_and_credits_once(db: &TestDb) {
    let kasa = spawn(db).await;
    let (player, token, admin) = kasa.tenant_with_player("acme").await;
    let created = kasa
        .post_keyed(
            "/me/deposits",
            &token,
            "dep-1",
            json!({"amount": "25.00", "currency": "EUR"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.json());
    let body = created.json();
    assert_eq!(body["amount"], "25.00");
    assert_eq!(body["currency"], "EUR");
    assert_eq!(body["provider"], "mock");
    let id = body["id"].as_str().unwrap().to_owned();
    let settled = kasa.settled_deposit(&token, &id).await;
    assert_eq!(settled["status"], "succeeded");
    assert_eq!(
        kasa.wallet(&token).await,
        ("25.00".to_owned(), "0.00".to_owned())
    );
    let history = kasa.get("/me/transactions", &token).await.json();
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["kind"], "deposit");
    assert_eq!(items[0]["amount"], "25.00");
    assert_eq!(items[0]["available_after"], "25.00");
    assert_eq!(items[0]["held_after"], "0.00");
    assert_eq!(items[0]["reference_id"], id.as_str());
    let admin_view = kasa
        .get(&format!("/admin/players/{player}/wallet"), &admin)
        .await
        .json();
    assert_eq!(admin_view["available"], "25.00");
    let report = kasa.verify(&admin).await;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["wallets_checked"], 1);
}
backend_tests!(deposit_succeeds, deposit_succeeds_and_credits_once);

async fn failed_deposit_moves_nothing(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.tenant_with_player("acme").await;
    kasa.mock().push_script(
        psp::mock::Operation::Deposit,
        psp::mock::Script::fail("card_declined"),
    );
    let created = kasa
        .post_keyed(
            "/me/deposits",
            &token,
            "dep-f",
            json!({"amount": "7.50", "currency": "EUR"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let settled = kasa
        .settled_deposit(&token, created.json()["id"].as_str().unwrap())
        .await;
    assert_eq!(settled["status"], "failed");
    assert_eq!(settled["failure_code"], "card_declined");
    assert_eq!(kasa.wallet(&token).await.0, "0.00");
    assert_eq!(
        kasa.get("/me/transactions", &token).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(kasa.verify(&admin).await["ok"], true);
}
backend_tests!(failed_deposit, failed_deposit_moves_nothing);

async fn declined_deposit_is_failed_at_once(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, _) = kasa.tenant_with_player("acme").await;
    kasa.mock().push_script(
        psp::mock::Operation::Deposit,
        psp::mock::Script::decline("risk_blocked"),
    );
    let created = kasa
        .post_keyed(
            "/me/deposits",
            &token,
            "dep-d",
            json!({"amount": "7.50", "currency": "EUR"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.json()["status"], "failed");
    assert_eq!(created.json()["failure_code"], "risk_blocked");
    assert_eq!(kasa.wallet(&token).await.0, "0.00");
}
backend_tests!(declined_deposit, declined_deposit_is_failed_at_once);

async fn webhooks_are_deduplicated_and_contradictions_are_anomalies(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.tenant_with_player("acme").await;
    let id = kasa.pending_deposit(&token, "10.00").await;
    let event = deposit_event("evt_1", "deposit.succeeded", &id, "10.00");
    let first = kasa.webhook(&event).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.json()["status"], "processed");
    let again = kasa.webhook(&event).await;
    assert_eq!(again.json()["status"], "duplicate");
    let same_outcome = kasa
        .webhook(&deposit_event("evt_2", "deposit.succeeded", &id, "10.00"))
        .await;
    assert_eq!(same_outcome.json()["status"], "duplicate");
    let late = kasa
        .webhook(&deposit_event("evt_3", "deposit.failed", &id, "10.00"))
        .await;
    assert_eq!(late.status, StatusCode::OK);
    assert_eq!(late.json()["status"], "anomaly");
    assert_eq!(kasa.wallet(&token).await.0, "10.00");
    let anomalies = kasa.get("/admin/anomalies", &admin).await.json();
    let items = anomalies["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["kind"], "late_contradicting_event");
    assert_eq!(items[0]["event_id"], "evt_3");
    assert_eq!(
        kasa.get(&format!("/me/deposits/{id}"), &token).await.json()["status"],
        "succeeded"
    );
    assert_eq!(kasa.verify(&admin).await["ok"], true);
}
backend_tests!(
    webhook_dedupe,
    webhooks_are_deduplicated_and_contradictions_are_anomalies
);

async fn mismatched_amount_is_an_anomaly_and_credits_nothing(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.tenant_with_player("acme").await;
    let id = kasa.pending_deposit(&token, "10.00").await;
    let wrong = kasa
        .webhook(&deposit_event("evt_m", "deposit.succeeded", &id, "100.00"))
        .await;
    assert_eq!(wrong.json()["status"], "anomaly");
    assert_eq!(kasa.wallet(&token).await.0, "0.00");
    assert_eq!(
        kasa.get(&format!("/me/deposits/{id}"), &token).await.json()["status"],
        "pending"
    );
    let anomalies = kasa.get("/admin/anomalies", &admin).await.json();
    assert_eq!(anomalies["items"][0]["kind"], "amount_mismatch");
    // The right event still settles it.
    let right = kasa
        .webhook(&deposit_event("evt_r", "deposit.succeeded", &id, "10.00"))
        .await;
    assert_eq!(right.json()["status"], "processed");
    assert_eq!(kasa.wallet(&token).await.0, "10.00");
}
backend_tests!(
    amount_mismatch,
    mismatched_amount_is_an_anomaly_and_credits_nothing
);

async fn webhook_signatures_and_references_are_checked(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, _) = kasa.tenant_with_player("acme").await;
    let id = kasa.pending_deposit(&token, "10.00").await;
    let body =
        serde_json::to_vec(&deposit_event("evt_s", "deposit.succeeded", &id, "10.00")).unwrap();
    let now = chrono::Utc::now().timestamp();
    let forged = kasa.webhook_signed(&body, "not-the-secret", now).await;
    assert_eq!(
        (forged.status, forged.code().as_str()),
        (StatusCode::UNAUTHORIZED, "invalid_signature")
    );
    let stale = kasa.webhook_signed(&body, WEBHOOK_SECRET, now - 301).await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED);
    let unsigned = kasa
        .http
        .post(format!("{}/api/v1/webhooks/mock", kasa.base))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
    let unknown = kasa
        .webhook(&deposit_event(
            "evt_u",
            "deposit.succeeded",
            &Uuid::now_v7().to_string(),
            "1.00",
        ))
        .await;
    assert_eq!(
        (unknown.status, unknown.code().as_str()),
        (StatusCode::NOT_FOUND, "reference_not_found")
    );
    let malformed = kasa.webhook_signed(b"{not json", WEBHOOK_SECRET, now).await;
    assert_eq!(
        (malformed.status, malformed.code().as_str()),
        (StatusCode::BAD_REQUEST, "validation_failed")
    );
    assert_eq!(kasa.wallet(&token).await.0, "0.00");
    // The previous secret of a rotation is still accepted.
    let rotated = kasa
        .webhook_signed(&body, PREVIOUS_WEBHOOK_SECRET, now)
        .await;
    assert_eq!(rotated.json()["status"], "processed");
    assert_eq!(kasa.wallet(&token).await.0, "10.00");
    // A 404 leaves no inbox entry behind: the same event id is processed later.
    let missing = deposit_event(
        "evt_retry",
        "deposit.succeeded",
        &Uuid::now_v7().to_string(),
        "1.00",
    );
    assert_eq!(kasa.webhook(&missing).await.status, StatusCode::NOT_FOUND);
    let late_id = kasa.pending_deposit(&token, "1.00").await;
    let retried = deposit_event("evt_retry", "deposit.succeeded", &late_id, "1.00");
    assert_eq!(kasa.webhook(&retried).await.json()["status"], "processed");
}
backend_tests!(
    webhook_checks,
    webhook_signatures_and_references_are_checked
);

async fn idempotency_follows_the_contract(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, _) = kasa.tenant_with_player("acme").await;
    let body = json!({"amount": "5.00", "currency": "EUR"});
    let first = kasa
        .post_keyed("/me/deposits", &token, "same-key", body.clone())
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert!(first.headers.get("Idempotent-Replayed").is_none());
    let replay = kasa
        .post_keyed("/me/deposits", &token, "same-key", body.clone())
        .await;
    assert_eq!(replay.status, StatusCode::CREATED);
    assert_eq!(replay.bytes, first.bytes, "replay must be byte-identical");
    assert_eq!(replay.headers.get("Idempotent-Replayed").unwrap(), "true");
    let reordered = kasa
        .call_raw(
            Method::POST,
            "/me/deposits",
            Some(&token),
            Some("same-key"),
            Some(br#"{ "currency": "EUR", "amount": "5.00" }"#.to_vec()),
        )
        .await;
    assert_eq!(
        reordered.bytes, first.bytes,
        "key order does not change the request"
    );
    let reused = kasa
        .post_keyed(
            "/me/deposits",
            &token,
            "same-key",
            json!({"amount": "6.00", "currency": "EUR"}),
        )
        .await;
    assert_eq!(
        (reused.status, reused.code().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );
    let missing = kasa.post("/me/deposits", Some(&token), body.clone()).await;
    assert_eq!(
        (missing.status, missing.code().as_str()),
        (StatusCode::BAD_REQUEST, "idempotency_key_missing")
    );
    let too_long = kasa
        .post_keyed("/me/deposits", &token, &"k".repeat(256), body.clone())
        .await;
    assert_eq!(too_long.code(), "idempotency_key_missing");
    assert_eq!(
        kasa.get("/me/deposits", &token).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A 4xx is stored and replayed too.
    let bad = kasa
        .post_keyed(
            "/me/deposits",
            &token,
            "bad-key",
            json!({"amount": "0", "currency": "EUR"}),
        )
        .await;
    let bad_again = kasa
        .post_keyed(
            "/me/deposits",
            &token,
            "bad-key",
            json!({"amount": "0", "currency": "EUR"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_again.bytes, bad.bytes);
    assert_eq!(
        bad_again.headers.get("Idempotent-Replayed").unwrap(),
        "true"
    );
    // Keys are scoped per principal: another player may use the same key.
    let (_, other) = kasa.player("acme", "other@acme.test", "EUR").await;
    let theirs = kasa
        .post_keyed("/me/deposits", &other, "same-key", body)
        .await;
    assert_eq!(theirs.status, StatusCode::CREATED);
    assert!(theirs.headers.get("Idempotent-Replayed").is_none());
    assert_ne!(theirs.json()["id"], first.json()["id"]);
}
backend_tests!(idempotency, idempotency_follows_the_contract);
