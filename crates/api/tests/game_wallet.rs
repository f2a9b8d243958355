//! The game wallet end to end on SQLite and PostgreSQL: providers and their
//! secrets, sessions, and every answer of the provider API.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::games::{fresh, money_call, rollback_call, status_balance};
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use testkit::{TestDb, backend_tests};

fn pair(status: &str, balance: &str) -> (String, String) {
    (status.to_owned(), balance.to_owned())
}

async fn providers_are_registered_rotated_and_listed_without_secrets(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, _, root) = kasa.tenant_with_player("acme").await;
    let provider = kasa.game_provider(&root, "acme", "hub").await;
    assert!(provider.secret.len() >= 32, "secret too short");
    let again = kasa
        .post(
            "/admin/game-providers",
            Some(&root),
            json!({"slug": "hub", "name": "again", "tenant": "acme"}),
        )
        .await;
    assert_eq!(
        (again.status, again.code().as_str()),
        (StatusCode::CONFLICT, "already_exists")
    );
    let no_tenant = kasa
        .post(
            "/admin/game-providers",
            Some(&root),
            json!({"slug": "x", "name": "x"}),
        )
        .await;
    assert_eq!(no_tenant.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_slug = kasa
        .post(
            "/admin/game-providers",
            Some(&root),
            json!({"slug": "Bad Slug", "name": "x", "tenant": "acme"}),
        )
        .await;
    assert_eq!(bad_slug.code(), "validation_failed");
    let list = kasa.get("/admin/game-providers", &root).await;
    assert_eq!(list.status, StatusCode::OK);
    let items = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["slug"], "hub");
    assert_eq!(items[0]["tenant"], "acme");
    assert!(items[0].get("secret").is_none(), "listing shows a secret");
    assert!(!String::from_utf8_lossy(&list.bytes).contains(&provider.secret));

    let (_, player) = kasa.player("acme", "gamer@acme.test", "EUR").await;
    let (_, token) = kasa.game_session(&player, &provider).await;
    let balance = json!({"session": token});
    let rotated = kasa
        .post(
            "/admin/game-providers/hub/rotate-secret",
            Some(&root),
            json!({"tenant": "acme"}),
        )
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{:?}", rotated.json());
    let new_secret = rotated.json()["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, provider.secret);
    for secret in [&provider.secret, &new_secret] {
        let a = kasa
            .game_call_signed(&provider, "balance", &balance, secret)
            .await;
        assert_eq!(a.status, StatusCode::OK, "a secret of the overlap refused");
    }
    let wrong = kasa
        .game_call_signed(
            &provider,
            "balance",
            &balance,
            "not-the-secret-0123456789abcdef",
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.code().as_str()),
        (StatusCode::UNAUTHORIZED, "invalid_signature")
    );
    let events = kasa
        .get("/admin/audit-events?limit=200", &root)
        .await
        .json();
    let actions: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"game_provider.create"), "{actions:?}");
    assert!(
        actions.contains(&"game_provider.rotate_secret"),
        "{actions:?}"
    );
}

backend_tests!(
    providers,
    providers_are_registered_rotated_and_listed_without_secrets
);

async fn bets_wins_and_rollbacks_move_money_once(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, player, root) = kasa.funded_player("acme", "100.00").await;
    let provider = kasa.game_provider(&root, "acme", "hub").await;
    let (_, token) = kasa.game_session(&player, &provider).await;
    let balance = kasa
        .game_call(&provider, "balance", &json!({"session": token}))
        .await;
    assert_eq!(status_balance(&balance), pair("ok", "100.00"));
    assert_eq!(balance["currency"], "EUR");

    let bet = money_call(&token, "b1", "r1", "10.00");
    let first = kasa.game_call(&provider, "bet", &bet).await;
    assert_eq!(status_balance(&first), pair("ok", "90.00"));
    assert_eq!(first["transaction_id"], "b1");
    let repeat = kasa.game_call(&provider, "bet", &bet).await;
    assert_eq!(status_balance(&repeat), pair("ok", "90.00"));
    assert_eq!(repeat["kasa_transaction_id"], first["kasa_transaction_id"]);
    let other_body = money_call(&token, "b1", "r1", "11.00");
    let mismatch = kasa.game_call(&provider, "bet", &other_body).await;
    assert_eq!(
        status_balance(&mismatch),
        pair("transaction_mismatch", "90.00")
    );

    let win = kasa
        .game_call(&provider, "win", &money_call(&token, "w1", "r1", "25.00"))
        .await;
    assert_eq!(status_balance(&win), pair("ok", "115.00"));
    let of_win = kasa
        .game_call(
            &provider,
            "rollback",
            &rollback_call(&token, "x1", "w1", "r1"),
        )
        .await;
    assert_eq!(status_balance(&of_win), pair("not_rollbackable", "115.00"));
    let after_win = kasa
        .game_call(
            &provider,
            "rollback",
            &rollback_call(&token, "x2", "b1", "r1"),
        )
        .await;
    assert_eq!(
        status_balance(&after_win),
        pair("not_rollbackable", "115.00")
    );

    let b2 = kasa
        .game_call(&provider, "bet", &money_call(&token, "b2", "r2", "5.00"))
        .await;
    assert_eq!(status_balance(&b2), pair("ok", "110.00"));
    let back = kasa
        .game_call(
            &provider,
            "rollback",
            &rollback_call(&token, "x3", "b2", "r2"),
        )
        .await;
    assert_eq!(status_balance(&back), pair("ok", "115.00"));
    let twice = kasa
        .game_call(
            &provider,
            "rollback",
            &rollback_call(&token, "x4", "b2", "r2"),
        )
        .await;
    assert_eq!(status_balance(&twice), pair("ok", "115.00"));

    let early = kasa
        .game_call(
            &provider,
            "rollback",
            &rollback_call(&token, "x5", "late", "r3"),
        )
        .await;
    assert_eq!(status_balance(&early), pair("ok", "115.00"));
    let late = kasa
        .game_call(&provider, "bet", &money_call(&token, "late", "r3", "7.00"))
        .await;
    assert_eq!(
        status_balance(&late),
        pair("transaction_rolled_back", "115.00")
    );

    let too_much = kasa
        .game_call(&provider, "bet", &money_call(&token, "b3", "r4", "115.01"))
        .await;
    assert_eq!(
        status_balance(&too_much),
        pair("insufficient_funds", "115.00")
    );
    let mut dollars = money_call(&token, "b4", "r4", "1.00");
    dollars["currency"] = json!("USD");
    let other_currency = kasa.game_call(&provider, "bet", &dollars).await;
    assert_eq!(
        status_balance(&other_currency),
        pair("currency_mismatch", "115.00")
    );

    let mut closing = money_call(&token, "w2", "r5", "0.00");
    closing["round_closed"] = json!(true);
    let zero_win = kasa.game_call(&provider, "win", &closing).await;
    assert_eq!(status_balance(&zero_win), pair("ok", "115.00"));
    let on_closed = kasa
        .game_call(&provider, "bet", &money_call(&token, "b5", "r5", "1.00"))
        .await;
    assert_eq!(status_balance(&on_closed), pair("round_closed", "115.00"));

    let kinds = kasa.movement_kinds(&player).await;
    assert_eq!(kinds, ["deposit", "bet", "win", "bet", "bet_rollback"]);
    let report = kasa.verify(&root).await;
    assert_eq!(report["ok"], true, "{report}");
    let round = kasa
        .get("/admin/game-transactions?round_id=r1", &root)
        .await
        .json();
    let ids: Vec<&str> = round["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["transaction_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["x2", "x1", "w1", "b1"]);
    assert_eq!(round["items"][3]["kind"], "bet");
    assert_eq!(round["items"][3]["amount"], "10.00");
    assert_eq!(round["items"][3]["status"], "ok");
}

backend_tests!(money, bets_wins_and_rollbacks_move_money_once);

async fn ended_sessions_refuse_bets_but_take_wins(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, player, root) = kasa.funded_player("acme", "50.00").await;
    let provider = kasa.game_provider(&root, "acme", "hub").await;
    let (session_id, token) = kasa.game_session(&player, &provider).await;
    let bet = kasa
        .game_call(&provider, "bet", &money_call(&token, "b1", "r1", "10.00"))
        .await;
    assert_eq!(status_balance(&bet), pair("ok", "40.00"));
    let revoked = kasa
        .call(
            Method::DELETE,
            &format!("/me/game-sessions/{session_id}"),
            Some(&player),
            None,
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let refused = kasa
        .game_call(&provider, "bet", &money_call(&token, "b2", "r2", "1.00"))
        .await;
    assert_eq!(status_balance(&refused), pair("session_invalid", "40.00"));
    let balance = kasa
        .game_call(&provider, "balance", &json!({"session": token}))
        .await;
    assert_eq!(balance["status"], "session_invalid");
    let win = kasa
        .game_call(&provider, "win", &money_call(&token, "w1", "r1", "30.00"))
        .await;
    assert_eq!(status_balance(&win), pair("ok", "70.00"));
    let unknown = kasa
        .game_call(
            &provider,
            "win",
            &money_call("unknown-token-0123456789", "w2", "r1", "1.00"),
        )
        .await;
    assert_eq!(unknown["status"], "session_invalid");
    assert!(unknown.get("balance").is_none(), "{unknown}");
    // Held money is never bet: a withdrawal holds all of it.
    kasa.withdraw(&player, "70.00").await;
    let (_, fresh_token) = kasa.game_session(&player, &provider).await;
    let held = kasa
        .game_call(
            &provider,
            "bet",
            &money_call(&fresh_token, "b3", "r3", "0.01"),
        )
        .await;
    assert_eq!(status_balance(&held), pair("insufficient_funds", "0.00"));
    let other = kasa
        .call(
            Method::DELETE,
            &format!("/me/game-sessions/{}", uuid::Uuid::now_v7()),
            Some(&player),
            None,
            None,
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

backend_tests!(sessions, ended_sessions_refuse_bets_but_take_wins);

async fn bad_calls_get_4xx_and_change_nothing(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, player, root) = kasa.funded_player("acme", "20.00").await;
    let provider = kasa.game_provider(&root, "acme", "hub").await;
    let (_, token) = kasa.game_session(&player, &provider).await;
    let bet = money_call(&token, &fresh("b"), "r1", "1.00");
    let raw = serde_json::to_vec(&bet).unwrap();
    let unsigned = kasa
        .http
        .post(format!("{}/api/v1/game-wallet/acme/hub/bet", kasa.base))
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
    for (tenant, slug) in [("nope", "hub"), ("acme", "nope")] {
        let other = common::games::Provider {
            tenant: tenant.into(),
            slug: slug.into(),
            secret: provider.secret.clone(),
        };
        let a = kasa
            .game_call_signed(&other, "bet", &bet, &provider.secret)
            .await;
        assert_eq!(
            (a.status, a.code().as_str()),
            (StatusCode::NOT_FOUND, "not_found")
        );
    }
    let action = kasa
        .game_call_signed(&provider, "refund", &bet, &provider.secret)
        .await;
    assert_eq!(action.status, StatusCode::NOT_FOUND);
    for broken in [
        json!({"session": token}),
        money_call(&token, "b", "r1", "-1.00"),
        money_call(&token, "b", "r1", "1.001"),
        money_call(&token, "b", "r1", "0.00"),
        money_call(&token, "", "r1", "1.00"),
        json!({"session": token, "transaction_id": "b", "round_id": "r", "game": "g", "amount": 1, "currency": "EUR"}),
    ] {
        let a = kasa
            .game_call_signed(&provider, "bet", &broken, &provider.secret)
            .await;
        assert_eq!(
            (a.status, a.code().as_str()),
            (StatusCode::BAD_REQUEST, "validation_failed"),
            "{broken}"
        );
    }
    assert_eq!(kasa.wallet(&player).await.0, "20.00");
}

backend_tests!(bad_calls, bad_calls_get_4xx_and_change_nothing);
