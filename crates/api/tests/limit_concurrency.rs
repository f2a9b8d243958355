//! Limits under concurrency on PostgreSQL: many deposits (or bets) of one
//! player racing for the last room under a limit. The wallet's lock
//! serializes them, so exactly as many succeed as fit, the rest are
//! refused with `limit_reached`, and the window never holds more than the
//! limit (bets settled in one round count the round's earlier ones).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::games::money_call;
use common::*;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

const RACERS: usize = 30;

async fn set_limit(kasa: &Kasa, token: &str, body: Value) {
    let a = kasa
        .call(Method::PUT, "/me/limits", Some(token), None, Some(&body))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.json());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn racing_deposits_never_exceed_the_deposit_limit() {
    let Some(db) = testkit::postgres("limit_concurrency::racing_deposits").await else {
        return;
    };
    let kasa = spawn(&db).await;
    let (_, token, _) = kasa.tenant_with_player("acme").await;
    set_limit(
        &kasa,
        &token,
        json!({"kind": "deposit", "period": "day", "amount": "105.00"}),
    )
    .await;
    kasa.pending_deposit(&token, "25.00").await;
    // 80.00 of room left: eight deposits of 10.00 fit.
    let keys: Vec<String> = (0..RACERS).map(|_| Uuid::new_v4().to_string()).collect();
    let answers = join_all(keys.iter().map(|key| {
        kasa.post_keyed(
            "/me/deposits",
            &token,
            key,
            json!({"amount": "10.00", "currency": "EUR"}),
        )
    }))
    .await;
    let created = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .count();
    let refused = answers
        .iter()
        .filter(|a| a.status == StatusCode::UNPROCESSABLE_ENTITY && a.code() == "limit_reached")
        .count();
    assert_eq!((created, refused), (8, RACERS - 8), "{answers:?}");
    let listed = kasa.get("/me/deposits?limit=200", &token).await.json();
    let total: f64 = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["amount"].as_str().unwrap().parse::<f64>().unwrap())
        .sum();
    assert_eq!(listed["items"].as_array().unwrap().len(), 9);
    assert!((total - 105.0).abs() < 1e-9, "total {total}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn racing_bets_never_exceed_the_wager_limit() {
    let Some(db) = testkit::postgres("limit_concurrency::racing_bets").await else {
        return;
    };
    let kasa = spawn(&db).await;
    let (_, player, root) = kasa.funded_player("acme", "1000.00").await;
    let provider = kasa.game_provider(&root, "acme", "hub").await;
    let (_, session) = kasa.game_session(&player, &provider).await;
    set_limit(
        &kasa,
        &player,
        json!({"kind": "wager", "period": "week", "amount": "55.00"}),
    )
    .await;
    set_limit(
        &kasa,
        &player,
        json!({"kind": "loss", "period": "day", "amount": "500.00"}),
    )
    .await;
    let bets: Vec<Value> = (0..RACERS)
        .map(|i| money_call(&session, &format!("b{i}"), &format!("r{i}"), "10.00"))
        .collect();
    let answers = join_all(bets.iter().map(|b| kasa.game_call(&provider, "bet", b))).await;
    let statuses: Vec<&str> = answers
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    let ok = statuses.iter().filter(|s| **s == "ok").count();
    let refused = statuses.iter().filter(|s| **s == "limit_reached").count();
    assert_eq!((ok, refused), (5, RACERS - 5), "{statuses:?}");
    assert_eq!(kasa.wallet(&player).await.0, "950.00");
    let report = kasa.verify(&root).await;
    assert_eq!(report["ok"], true, "{report}");
}
