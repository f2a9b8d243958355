//! One `Idempotency-Key` never makes two deposits, two payout attempts or two
//! tenants: a slow PSP, a failure after the PSP answered, a crashed request
//! taken over after its lease, each followed by a same-key retry.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::faults::{break_updates, heal};
use common::*;
use idempotency::IdempotencyKey;
use ledger::PlayerId;
use persistence::NewDeposit;
use persistence::idempotency_store::{Begin, IdempotencyScope};
use psp::mock::{Operation, Script};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};
use testkit::{TestDb, backend_tests};

const DEPOSIT: &str = r#"{"amount":"12.00","currency":"EUR"}"#;

/// A server whose idempotency lease is one second (twice its PSP timeout).
async fn short_lease_kasa(db: &TestDb) -> Kasa {
    let mut s = settings(db);
    s.idempotency.lease_s = 1;
    s.psp.mock.timeout_ms = 500;
    spawn_with(s).await
}

async fn deposit_with_key(kasa: &Kasa, token: &str, key: &str) -> Answer {
    let body = Some(DEPOSIT.as_bytes().to_vec());
    kasa.call_raw(
        reqwest::Method::POST,
        "/me/deposits",
        Some(token),
        Some(key),
        body,
    )
    .await
}

async fn deposit_ids(kasa: &Kasa, token: &str) -> Vec<String> {
    let items = kasa.get("/me/deposits", token).await.json()["items"].clone();
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect()
}

fn create_calls(kasa: &Kasa, op: Operation) -> u32 {
    let snapshot = kasa.mock().snapshot();
    let calls = match op {
        Operation::Deposit => snapshot.deposit_calls,
        Operation::Payout => snapshot.payout_calls,
    };
    calls.values().sum()
}

async fn slow_psp_and_a_same_key_retry_make_one_deposit(db: &TestDb) {
    let kasa = short_lease_kasa(db).await;
    let (_, token, _) = kasa.tenant_with_player("acme").await;
    kasa.mock().set_answer_delay(Duration::from_millis(2_500));
    let first = {
        let (base, token) = (kasa.base.clone(), token.clone());
        tokio::spawn(async move {
            reqwest::Client::new()
                .post(format!("{base}/api/v1/me/deposits"))
                .bearer_auth(token)
                .header("Idempotency-Key", "slow-1")
                .header("content-type", "application/json")
                .body(DEPOSIT)
                .send()
                .await
                .unwrap()
        })
    };
    // Past the one-second lease while the PSP still works on the first call.
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    let retry = deposit_with_key(&kasa, &token, "slow-1").await;
    assert_eq!(retry.status, StatusCode::CONFLICT, "{:?}", retry.json());
    assert_eq!(retry.code(), "idempotency_key_in_flight");
    let first = first.await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    kasa.mock().set_answer_delay(Duration::ZERO);
    let replay = deposit_with_key(&kasa, &token, "slow-1").await;
    assert_eq!(replay.status, StatusCode::CREATED);
    assert_eq!(replay.json()["id"], first["id"]);
    assert_eq!(deposit_ids(&kasa, &token).await.len(), 1);
    assert_eq!(create_calls(&kasa, Operation::Deposit), 1);
}
backend_tests!(slow_psp, slow_psp_and_a_same_key_retry_make_one_deposit);

async fn a_failure_after_the_psp_answered_and_a_retry_make_one_deposit(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, _) = kasa.tenant_with_player("acme").await;
    kasa.hold_next_deposit_webhook();
    let conn = kasa.state.db.conn();
    break_updates(conn, "deposits").await;
    let failed = deposit_with_key(&kasa, &token, "fail-after-psp").await;
    assert!(failed.status.is_server_error(), "{:?}", failed.json());
    heal(conn, "deposits").await;
    let retry = deposit_with_key(&kasa, &token, "fail-after-psp").await;
    assert_eq!(retry.status, StatusCode::CREATED, "{:?}", retry.json());
    let ids = deposit_ids(&kasa, &token).await;
    assert_eq!(ids, vec![retry.json()["id"].as_str().unwrap().to_owned()]);
    assert_eq!(create_calls(&kasa, Operation::Deposit), 1);
    let psp = kasa
        .mock()
        .deposit(&ids[0])
        .expect("the PSP has the deposit");
    assert_eq!(retry.json()["provider_ref"], psp.id.as_str());
    let replay = deposit_with_key(&kasa, &token, "fail-after-psp").await;
    assert_eq!(replay.bytes, retry.bytes);
}
backend_tests!(
    failure_after_psp,
    a_failure_after_the_psp_answered_and_a_retry_make_one_deposit
);

/// A request that created its deposit and died before calling the PSP (a
/// SIGKILL): after its lease a same-key retry takes over and resumes it.
async fn a_takeover_after_a_crash_resumes_the_deposit(db: &TestDb) {
    let kasa = short_lease_kasa(db).await;
    let (player, token, _) = kasa.tenant_with_player("acme").await;
    let tenant = kasa.state.db.tenant_by_slug("acme").await.unwrap().unwrap();
    let scope = IdempotencyScope {
        tenant: tenant.id.to_string(),
        principal: format!("player:{player}"),
        key: IdempotencyKey::parse("crashed-1").unwrap(),
    };
    let fingerprint = idempotency::fingerprint("POST", "/api/v1/me/deposits", DEPOSIT.as_bytes());
    let Begin::Start(lease) = kasa
        .state
        .db
        .begin_key::<()>(&scope, &fingerprint, Duration::from_secs(1))
        .await
        .unwrap()
    else {
        panic!("a fresh key is taken")
    };
    let amount = ledger::Money::from_minor_units(1200, ledger::Currency::EUR);
    let new = NewDeposit {
        tenant_id: tenant.id,
        player: PlayerId(player),
        amount,
        provider: "mock".into(),
    };
    let crashed = kasa.state.db.create_deposit(new, &lease).await.unwrap();
    let during = deposit_with_key(&kasa, &token, "crashed-1").await;
    assert_eq!(during.status, StatusCode::CONFLICT, "{:?}", during.json());
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    kasa.hold_next_deposit_webhook();
    let retry = deposit_with_key(&kasa, &token, "crashed-1").await;
    assert_eq!(retry.status, StatusCode::CREATED, "{:?}", retry.json());
    assert_eq!(retry.json()["id"], crashed.id.to_string());
    assert_eq!(deposit_ids(&kasa, &token).await.len(), 1);
    assert_eq!(create_calls(&kasa, Operation::Deposit), 1);
}
backend_tests!(takeover, a_takeover_after_a_crash_resumes_the_deposit);

async fn a_failure_after_the_payout_went_out_and_a_retry_resume_the_attempt(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.funded_player("acme", "50.00").await;
    let id = kasa.withdraw(&token, "20.00").await;
    assert_eq!(
        kasa.act(&admin, &id, "approve", json!({})).await.status,
        StatusCode::OK
    );
    kasa.mock()
        .push_script(Operation::Payout, Script::succeed().delay_ms(3_600_000));
    let path = format!("/admin/withdrawals/{id}/payouts");
    let conn = kasa.state.db.conn();
    break_updates(conn, "payout_attempts").await;
    let failed = kasa.post_keyed(&path, &admin, "payout-1", json!({})).await;
    assert!(failed.status.is_server_error(), "{:?}", failed.json());
    heal(conn, "payout_attempts").await;
    let retry = kasa.post_keyed(&path, &admin, "payout-1", json!({})).await;
    assert_eq!(retry.status, StatusCode::ACCEPTED, "{:?}", retry.json());
    let body = retry.json();
    assert_eq!(body["state"], "payout_pending");
    let attempts = body["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1, "{body}");
    assert_eq!(attempts[0]["status"], "pending");
    let attempt = attempts[0]["id"].as_str().unwrap();
    let psp = kasa.mock().payout(attempt).expect("the PSP has the payout");
    assert_eq!(attempts[0]["provider_ref"], psp.id.as_str());
    assert_eq!(kasa.mock().snapshot().payouts.len(), 1);
    let replay = kasa.post_keyed(&path, &admin, "payout-1", json!({})).await;
    assert_eq!(replay.bytes, retry.bytes);
    assert_eq!(replay.headers["idempotent-replayed"], "true");
}
backend_tests!(
    payout_resume,
    a_failure_after_the_payout_went_out_and_a_retry_resume_the_attempt
);

/// An optional-key POST stores its answer with its effects: a failure to
/// store it leaves no tenant behind, and the retry creates it once.
async fn an_optional_key_answer_is_stored_with_its_effects(db: &TestDb) {
    let kasa = spawn(db).await;
    let admin = kasa.admin_token().await;
    let conn = kasa.state.db.conn();
    let body = json!({"slug": "gamma", "name": "Gamma"});
    break_updates(conn, "idempotency_records").await;
    let failed = kasa
        .post_keyed("/admin/tenants", &admin, "tenant-1", body.clone())
        .await;
    assert!(failed.status.is_server_error(), "{:?}", failed.json());
    heal(conn, "idempotency_records").await;
    assert!(
        kasa.state
            .db
            .tenant_by_slug("gamma")
            .await
            .unwrap()
            .is_none()
    );
    let retry = kasa
        .post_keyed("/admin/tenants", &admin, "tenant-1", body.clone())
        .await;
    assert_eq!(retry.status, StatusCode::CREATED, "{:?}", retry.json());
    let replay = kasa
        .post_keyed("/admin/tenants", &admin, "tenant-1", body)
        .await;
    assert_eq!(replay.bytes, retry.bytes);
    assert_eq!(replay.headers["idempotent-replayed"], "true");
}
backend_tests!(
    optional_key,
    an_optional_key_answer_is_stored_with_its_effects
);

/// A decline answer that arrives while a webhook settles the deposit never
/// overwrites the settled status (PostgreSQL: the race needs two writers).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_late_decline_never_changes_a_settled_deposit() {
    let Some(db) = testkit::postgres("a_late_decline_never_changes_a_settled_deposit").await else {
        return;
    };
    let kasa = spawn(&db).await;
    let (player, token, admin) = kasa.tenant_with_player("acme").await;
    // The decline arrives 2 s after the deposit row exists: the settlement
    // below locks the row well before that and commits 1 s after it.
    kasa.mock().set_answer_delay(Duration::from_millis(2_000));
    kasa.mock()
        .push_script(Operation::Deposit, Script::decline("card_declined"));
    let request = {
        let (base, token) = (kasa.base.clone(), token.clone());
        tokio::spawn(async move {
            reqwest::Client::new()
                .post(format!("{base}/api/v1/me/deposits"))
                .bearer_auth(token)
                .header("Idempotency-Key", "late-decline")
                .header("content-type", "application/json")
                .body(DEPOSIT)
                .send()
                .await
                .unwrap()
        })
    };
    let deposit = loop {
        let page = kasa
            .state
            .db
            .deposits_of_player(
                PlayerId(player),
                persistence::PageRequest::new(None, None).unwrap(),
            )
            .await
            .unwrap();
        if let Some(d) = page.items.into_iter().next() {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    // A settlement in flight: the row is locked and changed, then committed
    // after the PSP's decline has arrived.
    let other = sea_orm::Database::connect(&db.url).await.unwrap();
    let txn = other.begin().await.unwrap();
    txn.execute_unprepared(&format!(
        "UPDATE deposits SET status = 'succeeded', provider_ref = 'psp_settled' WHERE id = '{}'",
        deposit.id
    ))
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(3_000)).await;
    txn.commit().await.unwrap();
    let answer = request.await.unwrap();
    assert_eq!(answer.status(), StatusCode::CREATED);
    let stored = kasa
        .get(&format!("/me/deposits/{}", deposit.id), &token)
        .await
        .json();
    assert_eq!(stored["status"], "succeeded", "{stored}");
    let anomalies = kasa.get("/admin/anomalies", &admin).await.json();
    let kinds: Vec<&str> = anomalies["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["kind"].as_str())
        .collect();
    assert_eq!(kinds, vec!["late_decline"], "{anomalies}");
}
