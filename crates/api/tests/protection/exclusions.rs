//! Timeouts and self-exclusions: their bounds, what they block (deposits,
//! new game sessions, bets) and what they leave open (login, wallet,
//! history, withdrawals), the revocation of open game sessions, and that
//! nothing shortens one.

use chrono::{DateTime, Duration, Utc};
use persistence::entities::game_session;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use testkit::{TestDb, backend_tests};

use crate::common::games::{fresh, money_call, rollback_call, status_balance};
use crate::common::*;
use crate::support::{audit_events, deposit_count, insert_exclusion};

fn at(raw: &serde_json::Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(raw.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

async fn exclusions_last_within_their_kinds_bounds(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, _) = kasa.tenant_with_player("acme").await;
    let cases = [
        ("timeout", 0, false),
        ("timeout", 1, true),
        ("timeout", 42, true),
        ("timeout", 43, false),
        ("self_exclusion", 179, false),
        ("self_exclusion", 180, true),
        ("self_exclusion", 1825, true),
        ("self_exclusion", 1826, false),
    ];
    let mut made = Vec::new();
    for (kind, days, ok) in cases {
        let a = kasa
            .post(
                "/me/exclusions",
                Some(&token),
                json!({"kind": kind, "days": days}),
            )
            .await;
        if !ok {
            assert_eq!(
                (a.status, a.code().as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
                "{kind} {days}: {:?}",
                a.json()
            );
            continue;
        }
        assert_eq!(
            a.status,
            StatusCode::CREATED,
            "{kind} {days}: {:?}",
            a.json()
        );
        let body = a.json();
        assert_eq!(body["kind"], kind);
        let starts = at(&body["starts_at"]);
        assert!((Utc::now() - starts).num_seconds().abs() < 60, "starts now");
        assert_eq!(
            at(&body["ends_at"]) - starts,
            Duration::days(days),
            "{kind} {days}"
        );
        made.push(body["id"].clone());
    }
    for body in [
        json!({"kind": "break", "days": 7}),
        json!({"kind": "timeout", "days": "7"}),
        json!({"kind": "timeout", "days": 1.5}),
        json!({"kind": "timeout"}),
        json!({"kind": "timeout", "days": 7, "until": "never"}),
    ] {
        let a = kasa
            .post("/me/exclusions", Some(&token), body.clone())
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    // Every request is its own row: a shorter one later shortens nothing.
    let listed = kasa.get("/me/exclusions", &token).await.json();
    let ids: Vec<_> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].clone())
        .collect();
    made.reverse();
    assert_eq!(ids, made, "all of them, newest first");
    let page = kasa.get("/me/exclusions?limit=1", &token).await.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert!(page["next_cursor"].is_string());
}
backend_tests!(bounds, exclusions_last_within_their_kinds_bounds);

async fn an_exclusion_blocks_deposits_and_games_but_not_withdrawals(db: &TestDb) {
    let kasa = spawn(db).await;
    let (player, token, root) = kasa.funded_player("acme", "100.00").await;
    let provider = kasa.game_provider(&root, "acme", "hub").await;
    let (_, first) = kasa.game_session(&token, &provider).await;
    let (_, second) = kasa.game_session(&token, &provider).await;
    let round = fresh("round");
    let bet = money_call(&first, &fresh("bet"), &round, "10.00");
    assert_eq!(
        status_balance(&kasa.game_call(&provider, "bet", &bet).await).0,
        "ok"
    );

    let body = json!({"kind": "timeout", "days": 1});
    let excluded = kasa
        .post_keyed("/me/exclusions", &token, "ex-1", body.clone())
        .await;
    assert_eq!(
        excluded.status,
        StatusCode::CREATED,
        "{:?}",
        excluded.json()
    );
    let replay = kasa
        .post_keyed("/me/exclusions", &token, "ex-1", body)
        .await;
    assert_eq!(replay.bytes, excluded.bytes);
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    let listed = kasa.get("/me/exclusions", &token).await.json();
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        1,
        "a replay adds none"
    );

    // Open sessions were revoked with the exclusion: no further bets on them.
    let open = game_session::Entity::find()
        .filter(game_session::Column::PlayerId.eq(player))
        .filter(game_session::Column::RevokedAt.is_null())
        .all(kasa.state.db.conn())
        .await
        .unwrap();
    assert!(open.is_empty(), "open sessions left: {open:?}");
    for session in [&first, &second] {
        let bet = money_call(session, &fresh("bet"), &fresh("round"), "1.00");
        let answer = kasa.game_call(&provider, "bet", &bet).await;
        assert_eq!(
            status_balance(&answer),
            ("session_invalid".into(), "90.00".into())
        );
    }
    // The round that began before still settles.
    let win = money_call(&first, &fresh("win"), &round, "25.00");
    assert_eq!(
        status_balance(&kasa.game_call(&provider, "win", &win).await).0,
        "ok"
    );

    let deposits = deposit_count(&kasa, &token).await;
    let deposit = json!({"amount": "5.00", "currency": "EUR"});
    let refused = kasa
        .post_keyed("/me/deposits", &token, "dep-1", deposit.clone())
        .await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (StatusCode::FORBIDDEN, "player_blocked"),
        "{:?}",
        refused.json()
    );
    let again = kasa
        .post_keyed("/me/deposits", &token, "dep-1", deposit)
        .await;
    assert_eq!(again.bytes, refused.bytes);
    assert_eq!(
        deposit_count(&kasa, &token).await,
        deposits,
        "no deposit created"
    );
    let session = kasa
        .post(
            "/me/game-sessions",
            Some(&token),
            json!({"provider": "hub", "game": "slots-1"}),
        )
        .await;
    assert_eq!(
        (session.status, session.code().as_str()),
        (StatusCode::FORBIDDEN, "player_blocked")
    );

    // Login, wallet, history and withdrawals still work.
    let login = kasa
        .post(
            "/auth/player/login",
            None,
            json!({"tenant": "acme", "email": "p@acme.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);
    assert_eq!(kasa.wallet(&token).await, ("115.00".into(), "0.00".into()));
    assert_eq!(
        kasa.get("/me/transactions", &token).await.status,
        StatusCode::OK
    );
    assert_eq!(
        kasa.get("/me/deposits", &token).await.status,
        StatusCode::OK
    );
    kasa.withdraw(&token, "15.00").await;
    assert_eq!(kasa.wallet(&token).await, ("100.00".into(), "15.00".into()));

    let events = audit_events(&kasa, &root, "player.exclude").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["after"]["kind"], "timeout");
    assert_eq!(events[0]["after"]["days"], 1);
    assert_eq!(events[0]["after"]["game_sessions_revoked"], 2);
    assert_eq!(events[0]["actor"], format!("player:{player}").as_str());
    assert_eq!(kasa.verify(&root).await["ok"], true);
}
backend_tests!(
    blocks,
    an_exclusion_blocks_deposits_and_games_but_not_withdrawals
);

async fn bets_of_an_excluded_player_are_refused_wins_and_rollbacks_apply(db: &TestDb) {
    let kasa = spawn(db).await;
    let (player, token, root) = kasa.funded_player("acme", "100.00").await;
    let provider = kasa.game_provider(&root, "acme", "hub").await;
    let (_, session) = kasa.game_session(&token, &provider).await;
    let now = Utc::now();
    // Ended and not yet started exclusions block nothing.
    insert_exclusion(
        &kasa,
        "acme",
        player,
        now - Duration::days(3),
        now - Duration::days(1),
    )
    .await;
    insert_exclusion(
        &kasa,
        "acme",
        player,
        now + Duration::days(1),
        now + Duration::days(2),
    )
    .await;
    let round = fresh("round");
    let placed = fresh("bet");
    let bet = money_call(&session, &placed, &round, "10.00");
    assert_eq!(
        status_balance(&kasa.game_call(&provider, "bet", &bet).await),
        ("ok".into(), "90.00".into())
    );

    // An exclusion recorded while the session stayed open (as in a race).
    insert_exclusion(
        &kasa,
        "acme",
        player,
        now - Duration::minutes(1),
        now + Duration::days(1),
    )
    .await;
    let refused = fresh("bet");
    let bet = money_call(&session, &refused, &round, "5.00");
    let answer = kasa.game_call(&provider, "bet", &bet).await;
    assert_eq!(
        status_balance(&answer),
        ("player_blocked".into(), "90.00".into())
    );
    // The same refused bet again answers the same and moves nothing.
    let answer = kasa.game_call(&provider, "bet", &bet).await;
    assert_eq!(
        status_balance(&answer),
        ("player_blocked".into(), "90.00".into())
    );
    let rollback = rollback_call(&session, &fresh("rb"), &placed, &round);
    let answer = kasa.game_call(&provider, "rollback", &rollback).await;
    assert_eq!(status_balance(&answer), ("ok".into(), "100.00".into()));
    let win = money_call(&session, &fresh("win"), &fresh("round"), "3.00");
    let answer = kasa.game_call(&provider, "win", &win).await;
    assert_eq!(status_balance(&answer), ("ok".into(), "103.00".into()));
    let balance = kasa
        .game_call(&provider, "balance", &json!({"session": session}))
        .await;
    assert_eq!(status_balance(&balance), ("ok".into(), "103.00".into()));
    assert_eq!(kasa.verify(&root).await["ok"], true);
}
backend_tests!(
    bets,
    bets_of_an_excluded_player_are_refused_wins_and_rollbacks_apply
);

async fn admins_of_the_tenant_read_a_players_exclusions(db: &TestDb) {
    let kasa = spawn(db).await;
    let (player, token, root) = kasa.tenant_with_player("acme").await;
    let made = kasa
        .post(
            "/me/exclusions",
            Some(&token),
            json!({"kind": "timeout", "days": 3}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json());
    let path = format!("/admin/players/{player}/exclusions");
    let support = crate::support::admin_of(&kasa, &root, "acme", "support").await;
    let listed = kasa.get(&path, &support).await;
    assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.json());
    assert_eq!(
        listed.json()["items"],
        kasa.get("/me/exclusions", &token).await.json()["items"],
        "admins see what the player sees"
    );
    assert_eq!(listed.json()["items"][0]["id"], made.json()["id"]);
    kasa.create_tenant(&root, "other").await;
    let other = crate::support::admin_of(&kasa, &root, "other", "tenant_admin").await;
    assert_eq!(kasa.get(&path, &other).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        kasa.get(&path, &token).await.status,
        StatusCode::FORBIDDEN,
        "a player token is not an admin's"
    );
}

backend_tests!(admin_read, admins_of_the_tenant_read_a_players_exclusions);
