//! The game wallet under many concurrent provider calls on PostgreSQL:
//! never more than `available` is bet, one transaction id moves money once,
//! bets and withdrawals never spend the same money, and a win racing its
//! round's rollback ends in one of the contract's answers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::games::{money_call, rollback_call};
use common::*;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn statuses(answers: &[Value]) -> Vec<&str> {
    answers
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn forty_bets_of_ten_on_a_hundred_take_exactly_ten() {
    let Some(db) = testkit::postgres("game_concurrency::forty_bets").await else {
        return;
    };
    let kasa = spawn(&db).await;
    let (_, player, root) = kasa.funded_player("acme", "100.00").await;
    let provider = kasa.game_provider(&root, "acme", "hub").await;
    let (_, token) = kasa.game_session(&player, &provider).await;
    let bets: Vec<Value> = (0..40)
        .map(|i| money_call(&token, &format!("b{i}"), &format!("r{i}"), "10.00"))
        .collect();
    let answers = join_all(bets.iter().map(|b| kasa.game_call(&provider, "bet", b))).await;
    let all = statuses(&answers);
    assert_eq!(all.iter().filter(|s| **s == "ok").count(), 10, "{all:?}");
    assert_eq!(
        all.iter().filter(|s| **s == "insufficient_funds").count(),
        30,
        "{all:?}"
    );
    assert_eq!(kasa.wallet(&player).await, ("0.00".into(), "0.00".into()));
    assert_eq!(kasa.verify(&root).await["ok"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn twelve_deliveries_of_one_bet_debit_once() {
    let Some(db) = testkit::postgres("game_concurrency::twelve_deliveries").await else {
        return;
    };
    let kasa = spawn(&db).await;
    let (_, player, root) = kasa.funded_player("acme", "100.00").await;
    let provider = kasa.game_provider(&root, "acme", "hub").await;
    let (_, token) = kasa.game_session(&player, &provider).await;
    let bet = money_call(&token, "once", "r1", "10.00");
    let answers = join_all((0..12).map(|_| kasa.game_call(&provider, "bet", &bet))).await;
    assert!(statuses(&answers).iter().all(|s| *s == "ok"), "{answers:?}");
    let ids: std::collections::BTreeSet<&str> = answers
        .iter()
        .map(|a| a["kasa_transaction_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "one transaction answers every delivery");
    assert_eq!(kasa.wallet(&player).await.0, "90.00");
    assert_eq!(kasa.movement_kinds(&player).await, ["deposit", "bet"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn bets_racing_a_withdrawal_never_spend_the_same_money() {
    let Some(db) = testkit::postgres("game_concurrency::bets_and_withdrawal").await else {
        return;
    };
    let kasa = spawn(&db).await;
    let (_, player, root) = kasa.funded_player("acme", "100.00").await;
    let provider = kasa.game_provider(&root, "acme", "hub").await;
    let (_, token) = kasa.game_session(&player, &provider).await;
    let bets: Vec<Value> = (0..10)
        .map(|i| money_call(&token, &format!("b{i}"), &format!("r{i}"), "10.00"))
        .collect();
    let withdrawal = json!({"amount": "100.00", "currency": "EUR", "destination": {"type": "bank_account", "account": "DE89370400440532013000"}});
    let (answers, withdrawn) = tokio::join!(
        join_all(bets.iter().map(|b| kasa.game_call(&provider, "bet", b))),
        kasa.post_keyed("/me/withdrawals", &player, "w-race", withdrawal),
    );
    let ok_bets = statuses(&answers).iter().filter(|s| **s == "ok").count();
    let withdrew = withdrawn.status == StatusCode::CREATED;
    if !withdrew {
        assert_eq!(withdrawn.code(), "insufficient_funds");
    }
    assert!(
        !(withdrew && ok_bets > 0),
        "the withdrawal and {ok_bets} bets spent the same money"
    );
    let (available, held) = kasa.wallet(&player).await;
    if withdrew {
        assert_eq!((available.as_str(), held.as_str()), ("0.00", "100.00"));
    } else {
        assert_eq!(available, format!("{}.00", 100 - 10 * ok_bets));
        assert_eq!(held, "0.00");
    }
    assert_eq!(kasa.verify(&root).await["ok"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn a_win_racing_its_rounds_rollback_ends_in_a_contract_answer() {
    let Some(db) = testkit::postgres("game_concurrency::win_and_rollback").await else {
        return;
    };
    let kasa = spawn(&db).await;
    let (_, player, root) = kasa.funded_player("acme", "100.00").await;
    let provider = kasa.game_provider(&root, "acme", "hub").await;
    let (_, token) = kasa.game_session(&player, &provider).await;
    for round in 0..8 {
        let bet_id = format!("b{round}");
        let round_id = format!("r{round}");
        let bet = money_call(&token, &bet_id, &round_id, "10.00");
        let before = kasa.game_call(&provider, "bet", &bet).await;
        assert_eq!(before["status"], "ok");
        let start: i64 = to_minor(before["balance"].as_str().unwrap());
        let win = money_call(&token, &format!("w{round}"), &round_id, "25.00");
        let rollback = rollback_call(&token, &format!("x{round}"), &bet_id, &round_id);
        let (won, rolled) = tokio::join!(
            kasa.game_call(&provider, "win", &win),
            kasa.game_call(&provider, "rollback", &rollback),
        );
        assert_eq!(won["status"], "ok", "a win is always taken");
        let end = to_minor(&kasa.wallet(&player).await.0);
        match rolled["status"].as_str().unwrap() {
            "ok" => assert_eq!(end, start + 1000 + 2500, "rollback first, then the win"),
            "not_rollbackable" => assert_eq!(end, start + 2500, "win first"),
            other => panic!("rollback answered {other}"),
        }
    }
    assert_eq!(kasa.verify(&root).await["ok"], true);
}

fn to_minor(amount: &str) -> i64 {
    let (whole, cents) = amount.split_once('.').unwrap();
    whole.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap()
}
