//! One wallet locked by another session (an operator's open `psql`
//! transaction, a stuck job) stalls nobody else: while it is held, the other
//! players' deposit webhooks and withdrawals are all settled and credited; the
//! locked player's requests wait for it and then settle exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use futures::future::join_all;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

/// How long the other players' requests may take while the wallet is locked:
/// the lock's whole life in the incident this reproduces (requests in a round
/// with the locked player waited for it, up to the statement timeout).
const LOCK_HELD: Duration = Duration::from_secs(8);
/// Others besides the locked player.
const OTHERS: usize = 6;
/// The locked player's withdrawals: one per withdrawal lane, so that rounds
/// waiting on the lock would stall every lane.
const LOCKED_WITHDRAWALS: usize = 4;

fn withdrawal_body(amount: &str) -> serde_json::Value {
    json!({"amount": amount, "currency": "EUR", "destination": {"type": "bank_account", "account": "DE89370400440532013000"}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn a_locked_wallet_holds_back_no_other_players_requests() {
    let Some(db) = testkit::postgres("locked_wallet::holds_back_nobody").await else {
        return;
    };
    let mut settings = settings(&db);
    // Longer than the lock is held: nothing here ends by a timeout.
    settings.database.statement_timeout_ms = 30_000;
    let kasa = spawn_with(settings).await;
    let (locked_id, locked, admin) = kasa.funded_player("acme", "100.00").await;
    let mut others = Vec::with_capacity(OTHERS);
    for i in 0..OTHERS {
        let (_, token) = kasa.player("acme", &format!("o{i}@acme.test"), "EUR").await;
        let funding = kasa.pending_deposit(&token, "50.00").await;
        let event = deposit_event(
            &format!("evt_fund_{funding}"),
            "deposit.succeeded",
            &funding,
            "50.00",
        );
        assert_eq!(kasa.webhook(&event).await.json()["status"], "processed");
        let deposit = kasa.pending_deposit(&token, "10.00").await;
        others.push((token, deposit));
    }
    let locked_deposit = kasa.pending_deposit(&locked, "20.00").await;

    // Another session locks the player's wallet row.
    let session = Database::connect(db.url.as_str()).await.unwrap();
    let hold = session.begin().await.unwrap();
    hold.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT player_id FROM wallets WHERE player_id = $1 FOR UPDATE",
        [locked_id.into()],
    ))
    .await
    .unwrap();

    // The locked player's requests: the PSP delivers its event twice, and it
    // asks for a withdrawal per lane.
    let event = deposit_event("evt_locked", "deposit.succeeded", &locked_deposit, "20.00");
    let mut waiting = Vec::new();
    for _ in 0..2 {
        let kasa_base = kasa.base.clone();
        let body = serde_json::to_vec(&event).unwrap();
        waiting.push(tokio::spawn(async move {
            signed_webhook(&kasa_base, body).await
        }));
    }
    let mut withdrawing = Vec::new();
    for _ in 0..LOCKED_WITHDRAWALS {
        let http = kasa.http.clone();
        let url = format!("{}/api/v1/me/withdrawals", kasa.base);
        let token = locked.clone();
        withdrawing.push(tokio::spawn(async move {
            http.post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", Uuid::new_v4().to_string())
                .header("content-type", "application/json")
                .body(withdrawal_body("1.00").to_string())
                .send()
                .await
                .unwrap()
                .status()
        }));
    }

    // Everybody else, at the same time: each deposit credited, each withdrawal
    // made, all while the lock is still held.
    let kasa = &kasa;
    let everybody_else = async {
        let deposits = join_all(others.iter().enumerate().map(|(i, (_, deposit))| {
            let event = deposit_event(&format!("evt_o{i}"), "deposit.succeeded", deposit, "10.00");
            async move { kasa.webhook(&event).await }
        }));
        let withdrawals = join_all(others.iter().map(|(token, _)| async move {
            let key = Uuid::new_v4().to_string();
            kasa.post_keyed("/me/withdrawals", token, &key, withdrawal_body("5.00"))
                .await
        }));
        let (deposits, withdrawals) = futures::join!(deposits, withdrawals);
        for answer in deposits {
            assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json());
            assert_eq!(answer.json()["status"], "processed");
        }
        for answer in withdrawals {
            assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.json());
        }
        for (token, _) in &others {
            assert_eq!(
                kasa.wallet(token).await,
                ("55.00".to_owned(), "5.00".to_owned())
            );
        }
    };
    tokio::time::timeout(LOCK_HELD, everybody_else)
        .await
        .expect("the other players' requests finish while the wallet is locked");
    assert!(
        waiting.iter().all(|task| !task.is_finished())
            && withdrawing.iter().all(|task| !task.is_finished()),
        "the locked player's requests wait for the lock"
    );

    hold.commit().await.unwrap();
    let mut statuses = Vec::new();
    for task in waiting {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        statuses.push(body["status"].as_str().unwrap().to_owned());
    }
    statuses.sort();
    assert_eq!(statuses, vec!["duplicate", "processed"]);
    for task in withdrawing {
        assert_eq!(task.await.unwrap(), StatusCode::CREATED);
    }
    // Credited once, each withdrawal held once.
    assert_eq!(
        kasa.wallet(&locked).await,
        ("116.00".to_owned(), "4.00".to_owned())
    );
    let report = kasa.verify(&admin).await;
    assert_eq!(report["ok"], true, "{report}");
}

/// Sends a webhook signed with the current secret; (status, JSON body).
async fn signed_webhook(base: &str, body: Vec<u8>) -> (StatusCode, serde_json::Value) {
    let signature = psp::signature::sign(
        &[WEBHOOK_SECRET.as_bytes()],
        chrono::Utc::now().timestamp(),
        &body,
    );
    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/webhooks/mock"))
        .header("content-type", "application/json")
        .header("Kasa-Signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.bytes().await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or_default())
}
