//! Many clients at once on PostgreSQL: every deposit credited exactly once,
//! one withdrawal per idempotency key.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

const DEPOSITS: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_signed_webhooks_credit_each_deposit_once() {
    let Some(db) = testkit::postgres("concurrency::concurrent_signed_webhooks").await else {
        return;
    };
    let kasa = spawn(&db).await;
    let (_, token, admin) = kasa.tenant_with_player("acme").await;
    let mut ids = Vec::with_capacity(DEPOSITS);
    for i in 0..DEPOSITS {
        ids.push(
            kasa.pending_deposit(&token, &format!("{}.{:02}", i + 1, i % 100))
                .await,
        );
    }
    let expected_minor: i64 = (0..DEPOSITS as i64).map(|i| (i + 1) * 100 + i % 100).sum();
    // Every event once, every fourth one delivered three times at once.
    let mut deliveries = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let amount = format!("{}.{:02}", i + 1, i % 100);
        let event = deposit_event(&format!("evt_c{i}"), "deposit.succeeded", id, &amount);
        let copies = if i % 4 == 0 { 3 } else { 1 };
        for _ in 0..copies {
            deliveries.push(event.clone());
        }
    }
    let answers = join_all(deliveries.iter().map(|e| kasa.webhook(e))).await;
    let mut processed = 0;
    let mut duplicates = 0;
    for a in &answers {
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.json());
        match a.json()["status"].as_str() {
            Some("processed") => processed += 1,
            Some("duplicate") => duplicates += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(processed, DEPOSITS);
    assert_eq!(duplicates, answers.len() - DEPOSITS);
    let expected = format!("{}.{:02}", expected_minor / 100, expected_minor % 100);
    assert_eq!(kasa.wallet(&token).await, (expected, "0.00".to_owned()));
    let history = kasa.get("/me/transactions?limit=200", &token).await.json();
    assert_eq!(history["items"].as_array().unwrap().len(), DEPOSITS);
    let report = kasa.verify(&admin).await;
    assert_eq!(report["ok"], true, "{report}");
    eprintln!(
        "concurrency: {} deliveries, {processed} processed, {duplicates} duplicates",
        answers.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_requests_with_one_key_create_one_deposit() {
    let Some(db) = testkit::postgres("concurrency::concurrent_requests_with_one_key").await else {
        return;
    };
    let kasa = spawn(&db).await;
    let (_, token, _) = kasa.tenant_with_player("acme").await;
    for _ in 0..16 {
        kasa.hold_next_deposit_webhook();
    }
    let body = json!({"amount": "9.99", "currency": "EUR"});
    let answers = join_all(
        (0..16).map(|_| kasa.post_keyed("/me/deposits", &token, "race-key", body.clone())),
    )
    .await;
    assert_one_answer_per_key(&answers);
    let deposits = kasa.get("/me/deposits", &token).await.json();
    assert_eq!(deposits["items"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_requests_with_one_key_create_one_withdrawal() {
    let Some(db) = testkit::postgres("concurrency::one_key_one_withdrawal").await else {
        return;
    };
    let kasa = spawn(&db).await;
    let (_, token, admin) = kasa.funded_player("acme", "100.00").await;
    let body = json!({"amount": "10.00", "currency": "EUR", "destination": {"type": "bank_account", "account": "X1"}});
    let answers = join_all(
        (0..24).map(|_| kasa.post_keyed("/me/withdrawals", &token, "race-key", body.clone())),
    )
    .await;
    assert_one_answer_per_key(&answers);
    let list = kasa.get("/me/withdrawals", &token).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(kasa.wallet(&token).await, ("90.00".into(), "10.00".into()));
    assert_eq!(kasa.verify(&admin).await["ok"], true);
}

/// Requests racing with one key: each got the one 201 answer (byte for byte) or
/// a 409 `idempotency_key_in_flight`, and at least one got the 201.
fn assert_one_answer_per_key(answers: &[Answer]) {
    let created: Vec<_> = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .collect();
    let in_flight = answers
        .iter()
        .filter(|a| a.status == StatusCode::CONFLICT && a.code() == "idempotency_key_in_flight")
        .count();
    assert!(!created.is_empty());
    assert_eq!(
        created.len() + in_flight,
        answers.len(),
        "only 201 or 409 in flight"
    );
    for a in &created {
        assert_eq!(a.bytes, created[0].bytes, "every 201 is the same answer");
    }
}
