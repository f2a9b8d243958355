//! Deposit, loss and wager limits: `GET`/`PUT /me/limits` (at once when
//! tighter, after the cooling-off when looser), the deposit and bet
//! refusals, rolling windows (on the storage clock, moved forward instead
//! of sleeping), the admin view with tenant isolation, and the audit trail.

use chrono::{DateTime, Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use testkit::{TestDb, backend_tests};
use uuid::Uuid;

use crate::common::games::{fresh, money_call, rollback_call, status_balance};
use crate::common::*;
use crate::support::{admin_of, audit_events, deposit_count, set_policy};

/// `PUT /me/limits` with `body` (and `key` as Idempotency-Key).
async fn put_limit(kasa: &Kasa, token: &str, key: Option<&str>, body: Value) -> Answer {
    kasa.call(Method::PUT, "/me/limits", Some(token), key, Some(&body))
        .await
}

/// Sets a limit, asserting `200`; the document.
async fn set_limit(kasa: &Kasa, token: &str, kind: &str, period: &str, amount: Value) -> Value {
    let a = put_limit(
        kasa,
        token,
        None,
        json!({"kind": kind, "period": period, "amount": amount}),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{kind} {period}: {:?}", a.json());
    a.json()
}

fn at(raw: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(raw.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// Moves the storage clock forward.
fn advance(kasa: &Kasa, by: Duration) {
    kasa.state.db.clock().advance(by);
}

async fn limits_tighten_at_once_and_loosen_after_the_cooling_off(db: &TestDb) {
    let kasa = spawn(db).await;
    let (player, token, root) = kasa.tenant_with_player("acme").await;
    let empty = kasa.get("/me/limits", &token).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.json(), json!({"limits": [], "pending": []}));

    let new = set_limit(&kasa, &token, "deposit", "day", json!("100.00")).await;
    let day_100 = json!([{"kind": "deposit", "period": "day", "amount": "100.00"}]);
    assert_eq!(
        new,
        json!({"limits": day_100, "pending": []}),
        "new: at once"
    );
    let lower = set_limit(&kasa, &token, "deposit", "day", json!("50.00")).await;
    assert_eq!(lower["limits"][0]["amount"], "50.00", "lower: at once");

    let before = Utc::now();
    let raised = set_limit(&kasa, &token, "deposit", "day", json!("80.00")).await;
    assert_eq!(raised["limits"][0]["amount"], "50.00", "a raise waits");
    let pending = &raised["pending"][0];
    assert_eq!(
        (&pending["kind"], &pending["period"], &pending["amount"]),
        (&json!("deposit"), &json!("day"), &json!("80.00"))
    );
    let waits = at(&pending["effective_at"]) - before;
    assert!(
        (waits - Duration::hours(24)).num_seconds().abs() < 60,
        "24 h cooling-off: {waits}"
    );
    let repeat = set_limit(&kasa, &token, "deposit", "day", json!("80.00")).await;
    assert_eq!(repeat, raised, "a repeated raise keeps its clock");

    let dropped = set_limit(&kasa, &token, "deposit", "day", json!("40.00")).await;
    assert_eq!(dropped["limits"][0]["amount"], "40.00");
    assert_eq!(dropped["pending"], json!([]), "lowering drops the raise");

    let removal = set_limit(&kasa, &token, "deposit", "day", Value::Null).await;
    assert_eq!(removal["limits"][0]["amount"], "40.00", "a removal waits");
    assert_eq!(removal["pending"][0]["amount"], Value::Null);
    let wager = set_limit(&kasa, &token, "wager", "month", json!("1000.00")).await;
    assert_eq!(wager["limits"].as_array().unwrap().len(), 2);

    advance(&kasa, Duration::hours(23));
    let still = kasa.get("/me/limits", &token).await.json();
    assert_eq!(still["pending"].as_array().unwrap().len(), 1, "not yet due");
    advance(&kasa, Duration::hours(1) + Duration::minutes(1));
    let due = kasa.get("/me/limits", &token).await.json();
    let wager_only = json!([{"kind": "wager", "period": "month", "amount": "1000.00"}]);
    assert_eq!(due, json!({"limits": wager_only, "pending": []}), "removed");

    // With no cooling-off, a raise applies at once.
    set_policy(&kasa, &root, "acme", json!({"cooling_off_hours": 0})).await;
    let raised = set_limit(&kasa, &token, "wager", "month", json!("2000.00")).await;
    assert_eq!(raised["limits"][0]["amount"], "2000.00");
    assert_eq!(raised["pending"], json!([]));

    let events = audit_events(&kasa, &root, "player.limit_change").await;
    assert_eq!(events.len(), 8, "every request audited");
    assert_eq!(events[0]["target_id"], player.to_string());
    assert_eq!(events[2]["after"]["outcome"], "pending");
    assert_eq!(events[0]["after"]["outcome"], "applied");
    let verified = kasa.get("/admin/audit-events/verify", &root).await.json();
    assert_eq!(verified["ok"], true, "{verified}");
}
backend_tests!(
    change_rules,
    limits_tighten_at_once_and_loosen_after_the_cooling_off
);

async fn bad_limit_requests_change_nothing(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, root) = kasa.tenant_with_player("acme").await;
    set_limit(&kasa, &token, "loss", "week", json!("70.00")).await;
    let before = kasa.get("/me/limits", &token).await.json();
    let unprocessable = [
        json!({"kind": "bonus", "period": "day", "amount": "10.00"}),
        json!({"kind": "deposit", "period": "year", "amount": "10.00"}),
        json!({"kind": "deposit", "period": "day", "amount": "10.001"}),
        json!({"kind": "deposit", "period": "day", "amount": "0"}),
        json!({"kind": "deposit", "period": "day", "amount": "-5.00"}),
        json!({"kind": "deposit", "period": "day", "amount": "1e3"}),
        json!({"kind": "deposit", "period": "day", "amount": 10}),
        json!({"kind": "deposit", "period": "day"}),
        json!({"kind": "deposit", "period": "day", "amount": "1.00", "currency": "EUR"}),
        json!(["deposit"]),
    ];
    for body in unprocessable {
        let a = put_limit(&kasa, &token, None, body.clone()).await;
        assert_eq!(
            (a.status, a.code().as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{body}: {:?}",
            a.json()
        );
    }
    let raw = kasa
        .call_raw(
            Method::PUT,
            "/me/limits",
            Some(&token),
            None,
            Some(b"{\"kind\": ".to_vec()),
        )
        .await;
    assert_eq!(raw.status, StatusCode::BAD_REQUEST);
    assert_eq!(kasa.get("/me/limits", &token).await.json(), before);
    assert_eq!(
        audit_events(&kasa, &root, "player.limit_change")
            .await
            .len(),
        1,
        "refusals are not audited"
    );

    // An Idempotency-Key replays the answer; reused with another body it is refused.
    let body = json!({"kind": "loss", "period": "week", "amount": "90.00"});
    let first = put_limit(&kasa, &token, Some("lim-1"), body.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.json());
    let replay = put_limit(&kasa, &token, Some("lim-1"), body).await;
    assert_eq!(replay.bytes, first.bytes);
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    let other = json!({"kind": "loss", "period": "week", "amount": "95.00"});
    let reused = put_limit(&kasa, &token, Some("lim-1"), other).await;
    assert_eq!(reused.code(), "idempotency_key_reused");
    assert_eq!(
        audit_events(&kasa, &root, "player.limit_change")
            .await
            .len(),
        2,
        "a replay is not another change"
    );
}
backend_tests!(bad_requests, bad_limit_requests_change_nothing);

/// `POST /me/deposits` of `amount` EUR with a fresh key.
async fn deposit(kasa: &Kasa, token: &str, amount: &str) -> Answer {
    kasa.post_keyed(
        "/me/deposits",
        token,
        &Uuid::new_v4().to_string(),
        json!({"amount": amount, "currency": "EUR"}),
    )
    .await
}

async fn a_deposit_above_the_limit_is_refused_until_the_window_rolls(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, _) = kasa.tenant_with_player("acme").await;
    set_limit(&kasa, &token, "deposit", "day", json!("100.00")).await;
    set_limit(&kasa, &token, "deposit", "week", json!("150.00")).await;
    // A declined deposit (the mock's `x.13`) does not count.
    let declined = kasa.create_deposit(&token, "90.13").await;
    assert_eq!(
        kasa.settled_deposit(&token, &declined).await["status"],
        "failed"
    );
    kasa.pending_deposit(&token, "60.00").await;
    kasa.create_deposit(&token, "40.00").await;
    let count = deposit_count(&kasa, &token).await;
    let refused = deposit(&kasa, &token, "0.01").await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "limit_reached"),
        "{:?}",
        refused.json()
    );
    assert!(
        refused.json()["detail"].as_str().unwrap().contains("day"),
        "{:?}",
        refused.json()
    );
    assert_eq!(deposit_count(&kasa, &token).await, count, "nothing created");

    // A day later the day window is empty, but the week holds 100 of 150.
    advance(&kasa, Duration::hours(24) + Duration::seconds(1));
    let week = deposit(&kasa, &token, "50.01").await;
    assert_eq!(week.code(), "limit_reached", "{:?}", week.json());
    assert!(week.json()["detail"].as_str().unwrap().contains("week"));
    kasa.create_deposit(&token, "50.00").await;
    assert_eq!(deposit_count(&kasa, &token).await, count + 1);
}
backend_tests!(
    deposit_limit,
    a_deposit_above_the_limit_is_refused_until_the_window_rolls
);

async fn bets_above_a_loss_or_wager_limit_are_refused(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, root) = kasa.funded_player("acme", "200.00").await;
    let provider = kasa.game_provider(&root, "acme", "hub").await;
    let (_, session) = kasa.game_session(&token, &provider).await;
    set_limit(&kasa, &token, "loss", "day", json!("30.00")).await;
    set_limit(&kasa, &token, "wager", "day", json!("50.00")).await;
    let call = |action: &'static str, body: Value| {
        let kasa = &kasa;
        let provider = &provider;
        async move { status_balance(&kasa.game_call(provider, action, &body).await) }
    };
    let bet = |amount: &str| {
        let round = fresh("round");
        (
            round.clone(),
            money_call(&session, &fresh("bet"), &round, amount),
        )
    };

    let (round, first) = bet("20.00");
    assert_eq!(call("bet", first).await.0, "ok", "loss 20, wager 20");
    let (_, over) = bet("15.00");
    assert_eq!(
        call("bet", over).await,
        ("limit_reached".into(), "180.00".into()),
        "loss would be 35"
    );
    let win = money_call(&session, &fresh("win"), &round, "20.00");
    assert_eq!(call("win", win).await.0, "ok", "loss 0, wager 20");
    let (round, second) = bet("15.00");
    let second_id = second["transaction_id"].as_str().unwrap().to_owned();
    assert_eq!(call("bet", second).await.0, "ok", "loss 15, wager 35");
    let rollback = rollback_call(&session, &fresh("rb"), &second_id, &round);
    assert_eq!(call("rollback", rollback).await.0, "ok", "loss 0, wager 20");
    let (round, exact) = bet("30.00");
    assert_eq!(
        call("bet", exact).await.0,
        "ok",
        "loss 30, wager 50: both exact"
    );
    let (_, cent) = bet("0.01");
    assert_eq!(call("bet", cent).await.0, "limit_reached");
    let win = money_call(&session, &fresh("win"), &round, "30.00");
    assert_eq!(call("win", win).await.0, "ok", "loss 0, wager 50");
    let (_, cent) = bet("0.01");
    assert_eq!(
        call("bet", cent).await,
        ("limit_reached".into(), "200.00".into()),
        "the wager limit alone refuses"
    );

    advance(&kasa, Duration::hours(24) + Duration::seconds(1));
    let (_, next_day) = bet("25.00");
    assert_eq!(call("bet", next_day).await.0, "ok", "the window rolled");
    let report = kasa.verify(&root).await;
    assert_eq!(report["ok"], true, "{report}");
}
backend_tests!(bet_limits, bets_above_a_loss_or_wager_limit_are_refused);

async fn admins_see_their_tenants_players_limits(db: &TestDb) {
    let kasa = spawn(db).await;
    let (player, token, root) = kasa.tenant_with_player("acme").await;
    kasa.create_tenant(&root, "beta").await;
    set_limit(&kasa, &token, "wager", "week", json!("500.00")).await;
    set_limit(&kasa, &token, "wager", "week", json!("600.00")).await;
    let mine = kasa.get("/me/limits", &token).await.json();
    let path = format!("/admin/players/{player}/limits");
    let acme = admin_of(&kasa, &root, "acme", "tenant_admin").await;
    let beta = admin_of(&kasa, &root, "beta", "tenant_admin").await;
    for admin in [&root, &acme] {
        let a = kasa.get(&path, admin).await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.json());
        assert_eq!(a.json(), mine);
    }
    let other = kasa.get(&path, &beta).await;
    assert_eq!(
        (other.status, other.code().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let unknown = kasa
        .get(&format!("/admin/players/{}/limits", Uuid::new_v4()), &root)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(kasa.get(&path, &token).await.status, StatusCode::FORBIDDEN);
}
backend_tests!(admin_view, admins_see_their_tenants_players_limits);

async fn a_new_limit_counts_the_bets_made_before_it(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, root) = kasa.funded_player("acme", "100.00").await;
    let provider = kasa.game_provider(&root, "acme", "hub").await;
    let (_, session) = kasa.game_session(&token, &provider).await;
    let bet = |amount: &str| money_call(&session, &fresh("bet"), &fresh("round"), amount);
    let status = |answer: Value| status_balance(&answer).0;
    assert_eq!(
        status(kasa.game_call(&provider, "bet", &bet("20.00")).await),
        "ok"
    );
    set_limit(&kasa, &token, "wager", "day", json!("25.00")).await;
    assert_eq!(
        status(kasa.game_call(&provider, "bet", &bet("10.00")).await),
        "limit_reached",
        "the 20.00 before the limit counts"
    );
    assert_eq!(
        status(kasa.game_call(&provider, "bet", &bet("5.00")).await),
        "ok"
    );
    // Removed (after the cooling-off) and set again: still counted.
    set_limit(&kasa, &token, "wager", "day", Value::Null).await;
    advance(&kasa, Duration::hours(24) + Duration::minutes(1));
    assert_eq!(
        status(kasa.game_call(&provider, "bet", &bet("30.00")).await),
        "ok"
    );
    set_limit(&kasa, &token, "wager", "week", json!("60.00")).await;
    assert_eq!(
        status(kasa.game_call(&provider, "bet", &bet("5.01")).await),
        "limit_reached",
        "55.00 in the week"
    );
    assert_eq!(
        status(kasa.game_call(&provider, "bet", &bet("5.00")).await),
        "ok"
    );
}
backend_tests!(limit_after_bets, a_new_limit_counts_the_bets_made_before_it);
