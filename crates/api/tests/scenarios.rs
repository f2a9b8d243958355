//! The in-process mock's demo scenario amounts, through the API: each one
//! reaches the state the README and `kasa serve --dev` promise.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::{TestDb, backend_tests};

/// Approves withdrawal `id` and starts its payout; returns the 202 body.
async fn approve_and_pay(kasa: &Kasa, admin: &str, id: &str) -> Value {
    let approved = kasa.act(admin, id, "approve", json!({})).await;
    assert_eq!(approved.status, StatusCode::OK, "{:?}", approved.json());
    let started = kasa.act(admin, id, "payouts", json!({})).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.json());
    started.json()
}

async fn deposit_of_x13_is_declined(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.tenant_with_player("acme").await;
    let id = kasa.create_deposit(&token, "10.13").await;
    let settled = kasa.settled_deposit(&token, &id).await;
    assert_eq!(settled["status"], "failed");
    assert_eq!(settled["failure_code"], "card_declined");
    assert_eq!(kasa.wallet(&token).await, ("0.00".into(), "0.00".into()));
    // Any other amount succeeds.
    let id = kasa.create_deposit(&token, "10.00").await;
    assert_eq!(
        kasa.settled_deposit(&token, &id).await["status"],
        "succeeded"
    );
    assert_eq!(kasa.wallet(&token).await.0, "10.00");
    assert_eq!(kasa.verify(&admin).await["ok"], true);
}
backend_tests!(declined_deposit, deposit_of_x13_is_declined);

async fn deposit_of_x44_succeeds_then_shows_an_anomaly(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.tenant_with_player("acme").await;
    let id = kasa.create_deposit(&token, "10.44").await;
    assert_eq!(
        kasa.settled_deposit(&token, &id).await["status"],
        "succeeded"
    );
    let mut anomalies = Vec::new();
    for _ in 0..200 {
        anomalies = kasa.get("/admin/anomalies", &admin).await.json()["items"]
            .as_array()
            .unwrap()
            .clone();
        if !anomalies.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(anomalies.len(), 1, "{anomalies:?}");
    assert_eq!(anomalies[0]["kind"], "late_contradicting_event");
    assert!(
        anomalies[0].to_string().contains(&id),
        "the anomaly names the deposit: {}",
        anomalies[0]
    );
    // The late failure moved nothing: credited once, still succeeded.
    assert_eq!(kasa.wallet(&token).await.0, "10.44");
    assert_eq!(
        kasa.get(&format!("/me/deposits/{id}"), &token).await.json()["status"],
        "succeeded"
    );
    assert_eq!(kasa.verify(&admin).await["ok"], true);
}
backend_tests!(
    contradicted_deposit,
    deposit_of_x44_succeeds_then_shows_an_anomaly
);

async fn payout_of_x66_is_unknown_until_a_recheck_finds_it_paid(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.funded_player("acme", "100.00").await;
    let id = kasa.withdraw(&token, "12.66").await;
    let started = approve_and_pay(&kasa, &admin, &id).await;
    assert_eq!(started["state"], "payout_pending");
    assert_eq!(started["attempts"][0]["status"], "unknown");
    assert_eq!(kasa.wallet(&token).await, ("87.34".into(), "12.66".into()));
    let rechecked = kasa.act(&admin, &id, "recheck", json!({})).await;
    assert_eq!(rechecked.status, StatusCode::OK, "{:?}", rechecked.json());
    assert_eq!(rechecked.json()["state"], "paid");
    assert_eq!(rechecked.json()["attempts"][0]["status"], "succeeded");
    assert_eq!(kasa.wallet(&token).await, ("87.34".into(), "0.00".into()));
    assert_eq!(kasa.mock().snapshot().payout_calls.values().sum::<u32>(), 1);
    assert_eq!(kasa.verify(&admin).await["ok"], true);
}
backend_tests!(
    timed_out_payout,
    payout_of_x66_is_unknown_until_a_recheck_finds_it_paid
);

async fn payout_of_x77_fails_by_webhook_then_a_retry_pays(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.funded_player("acme", "100.00").await;
    let id = kasa.withdraw(&token, "20.77").await;
    let started = approve_and_pay(&kasa, &admin, &id).await;
    assert_eq!(started["state"], "payout_pending");
    assert_eq!(started["attempts"][0]["status"], "pending");
    let failed = kasa.withdrawal_in_state(&token, &id, "payout_failed").await;
    assert_eq!(failed["attempts"][0]["status"], "failed");
    assert_eq!(failed["attempts"][0]["failure_code"], "account_closed");
    assert_eq!(kasa.wallet(&token).await, ("79.23".into(), "20.77".into()));
    let retried = kasa.act(&admin, &id, "payouts", json!({})).await;
    assert_eq!(retried.status, StatusCode::ACCEPTED, "{:?}", retried.json());
    let paid = kasa.withdrawal_in_state(&token, &id, "paid").await;
    assert_eq!(paid["attempts"].as_array().unwrap().len(), 2);
    assert_eq!(paid["attempts"][0]["status"], "succeeded");
    assert_eq!(kasa.wallet(&token).await, ("79.23".into(), "0.00".into()));
    assert_eq!(kasa.verify(&admin).await["ok"], true);
}
backend_tests!(
    failed_then_retried_payout,
    payout_of_x77_fails_by_webhook_then_a_retry_pays
);

async fn a_queued_script_wins_over_the_scenario(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, _) = kasa.tenant_with_player("acme").await;
    kasa.mock()
        .push_script(psp::mock::Operation::Deposit, psp::mock::Script::succeed());
    let id = kasa.create_deposit(&token, "10.13").await;
    assert_eq!(
        kasa.settled_deposit(&token, &id).await["status"],
        "succeeded"
    );
}
backend_tests!(script_precedence, a_queued_script_wins_over_the_scenario);
