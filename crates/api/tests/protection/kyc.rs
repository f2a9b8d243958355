//! KYC status: shown to the player and admins, set by finance and tenant
//! admins with a reason (audited), and the gates it opens: deposits,
//! withdrawals and game sessions listed in `kyc_required_for`, and the
//! 30-day deposit threshold.

use chrono::{Duration, Utc};
use psp::mock::{Operation, Script};
use reqwest::StatusCode;
use serde_json::json;
use testkit::{TestDb, backend_tests};
use uuid::Uuid;

use crate::common::*;
use crate::support::{
    admin_of, audit_events, backdate_deposit, deposit_count, set_kyc, set_policy,
};

const DESTINATION: &str = "DE89370400440532013000";

async fn kyc_status_is_shown_and_set_with_a_reason(db: &TestDb) {
    let kasa = spawn(db).await;
    let (player, token, root) = kasa.tenant_with_player("acme").await;
    let me = kasa.get("/me", &token).await;
    assert_eq!(me.status, StatusCode::OK, "{:?}", me.json());
    assert_eq!(me.json()["player_id"], player.to_string().as_str());
    assert_eq!(me.json()["tenant"], "acme");
    assert_eq!(me.json()["email"], "p@acme.test");
    assert_eq!(me.json()["currency"], "EUR");
    assert_eq!(me.json()["kyc_status"], "unverified");
    let listed = kasa.get("/admin/players", &root).await.json();
    assert_eq!(listed["items"][0]["kyc_status"], "unverified");

    let finance = admin_of(&kasa, &root, "acme", "finance").await;
    let path = format!("/admin/players/{player}/kyc");
    let body = json!({"status": "verified", "reason": "passport and utility bill"});
    let set = kasa
        .post_keyed(&path, &finance, "kyc-1", body.clone())
        .await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.json());
    assert_eq!(set.json()["kyc_status"], "verified");
    assert_eq!(
        set.json(),
        kasa.get(&format!("/admin/players/{player}"), &root)
            .await
            .json(),
        "answered as the player reads"
    );
    let again = kasa.post_keyed(&path, &finance, "kyc-1", body).await;
    assert_eq!(again.bytes, set.bytes);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(
        kasa.get("/me", &token).await.json()["kyc_status"],
        "verified"
    );
    let listed = kasa.get("/admin/players", &root).await.json();
    assert_eq!(listed["items"][0]["kyc_status"], "verified");

    let acme_admin = admin_of(&kasa, &root, "acme", "tenant_admin").await;
    let rejected = json!({"status": "rejected", "reason": "document forged"});
    let by_admin = kasa.post(&path, Some(&acme_admin), rejected).await;
    assert_eq!(by_admin.json()["kyc_status"], "rejected");
    let events = audit_events(&kasa, &root, "player.kyc_update").await;
    assert_eq!(events.len(), 2, "a replay is no second change");
    assert_eq!(events[0]["before"], json!({"kyc_status": "unverified"}));
    assert_eq!(
        events[0]["after"],
        json!({"kyc_status": "verified", "reason": "passport and utility bill"})
    );
    assert_eq!(events[0]["target_id"], player.to_string().as_str());
    assert_eq!(events[1]["role"], "tenant_admin");
    assert_eq!(events[1]["before"], json!({"kyc_status": "verified"}));
}
backend_tests!(set, kyc_status_is_shown_and_set_with_a_reason);

async fn a_kyc_change_needs_a_reason_a_status_and_the_role(db: &TestDb) {
    let kasa = spawn(db).await;
    let (player, token, root) = kasa.tenant_with_player("acme").await;
    let path = format!("/admin/players/{player}/kyc");
    for body in [
        json!({"status": "verified"}),
        json!({"status": "verified", "reason": ""}),
        json!({"status": "verified", "reason": "   "}),
        json!({"status": "verified", "reason": "x".repeat(501)}),
        json!({"status": "approved", "reason": "looks fine"}),
        json!({"status": "Verified", "reason": "looks fine"}),
        json!({"status": "verified", "reason": "ok", "note": "x"}),
    ] {
        let a = kasa.post(&path, Some(&root), body.clone()).await;
        assert_eq!(
            (a.status, a.code().as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{body}"
        );
    }
    let fine = json!({"status": "pending", "reason": "documents received"});
    let support = admin_of(&kasa, &root, "acme", "support").await;
    let a = kasa.post(&path, Some(&support), fine.clone()).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let a = kasa.post(&path, Some(&token), fine.clone()).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "a player sets no status");
    kasa.create_tenant(&root, "beta").await;
    let beta_finance = admin_of(&kasa, &root, "beta", "finance").await;
    let a = kasa.post(&path, Some(&beta_finance), fine.clone()).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "another tenant's player");
    let unknown = format!("/admin/players/{}/kyc", Uuid::now_v7());
    assert_eq!(
        kasa.post(&unknown, Some(&root), fine).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        kasa.get("/me", &token).await.json()["kyc_status"],
        "unverified"
    );
    assert!(
        audit_events(&kasa, &root, "player.kyc_update")
            .await
            .is_empty()
    );
}
backend_tests!(refused, a_kyc_change_needs_a_reason_a_status_and_the_role);

fn withdrawal(amount: &str) -> serde_json::Value {
    json!({"amount": amount, "currency": "EUR", "destination": {"type": "bank_account", "account": DESTINATION}})
}

async fn listed_actions_need_a_verified_player(db: &TestDb) {
    let kasa = spawn(db).await;
    let (player, token, root) = kasa.funded_player("acme", "100.00").await;
    let provider = kasa.game_provider(&root, "acme", "hub").await;
    let session = json!({"provider": "hub", "game": "slots-1"});
    set_policy(
        &kasa,
        &root,
        "acme",
        json!({"kyc_required_for": ["withdrawal"]}),
    )
    .await;
    // Only withdrawals are gated: a deposit and a session still go through.
    kasa.pending_deposit(&token, "5.00").await;
    kasa.game_session(&token, &provider).await;
    let refused = kasa
        .post_keyed("/me/withdrawals", &token, "w-1", withdrawal("10.00"))
        .await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (StatusCode::FORBIDDEN, "kyc_required"),
        "{:?}",
        refused.json()
    );
    let replay = kasa
        .post_keyed("/me/withdrawals", &token, "w-1", withdrawal("10.00"))
        .await;
    assert_eq!(replay.bytes, refused.bytes);
    assert_eq!(replay.headers["idempotent-replayed"], "true");

    set_policy(
        &kasa,
        &root,
        "acme",
        json!({"kyc_required_for": ["deposit", "withdrawal", "game"]}),
    )
    .await;
    set_kyc(&kasa, &root, player, "pending").await;
    let deposits = deposit_count(&kasa, &token).await;
    let deposit = kasa
        .post_keyed(
            "/me/deposits",
            &token,
            "d-1",
            json!({"amount": "5.00", "currency": "EUR"}),
        )
        .await;
    assert_eq!(
        (deposit.status, deposit.code().as_str()),
        (StatusCode::FORBIDDEN, "kyc_required")
    );
    assert_eq!(
        deposit_count(&kasa, &token).await,
        deposits,
        "no deposit created"
    );
    let game = kasa
        .post("/me/game-sessions", Some(&token), session.clone())
        .await;
    assert_eq!(
        (game.status, game.code().as_str()),
        (StatusCode::FORBIDDEN, "kyc_required")
    );
    let w = kasa
        .post_keyed("/me/withdrawals", &token, "w-2", withdrawal("10.00"))
        .await;
    assert_eq!(w.code(), "kyc_required");
    assert_eq!(
        kasa.wallet(&token).await,
        ("100.00".into(), "0.00".into()),
        "nothing held"
    );

    set_kyc(&kasa, &root, player, "verified").await;
    kasa.create_deposit(&token, "5.00").await;
    kasa.game_session(&token, &provider).await;
    kasa.withdraw(&token, "10.00").await;
    // The refused key stays refused: its answer was stored.
    let replay = kasa
        .post_keyed("/me/withdrawals", &token, "w-2", withdrawal("10.00"))
        .await;
    assert_eq!(replay.code(), "kyc_required");
}
backend_tests!(listed, listed_actions_need_a_verified_player);

async fn deposits_above_the_30_day_threshold_need_a_verified_player(db: &TestDb) {
    let kasa = spawn(db).await;
    let (player, token, root) = kasa.tenant_with_player("acme").await;
    set_policy(
        &kasa,
        &root,
        "acme",
        json!({"kyc_deposit_threshold": {"EUR": "100.00"}}),
    )
    .await;
    let first = kasa.pending_deposit(&token, "60.00").await;
    // A failed deposit does not count.
    kasa.mock()
        .push_script(Operation::Deposit, Script::decline("card_declined"));
    let declined = kasa.create_deposit(&token, "30.00").await;
    assert_eq!(
        kasa.settled_deposit(&token, &declined).await["status"],
        "failed"
    );
    kasa.pending_deposit(&token, "40.00").await; // reaching 100.00 exactly is fine
    let over = json!({"amount": "0.01", "currency": "EUR"});
    let refused = kasa
        .post_keyed("/me/deposits", &token, "over-1", over.clone())
        .await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (StatusCode::FORBIDDEN, "kyc_required"),
        "{:?}",
        refused.json()
    );
    assert_eq!(
        deposit_count(&kasa, &token).await,
        3,
        "the refused one is not created"
    );

    // A deposit older than 30 days leaves the window.
    backdate_deposit(
        &kasa,
        &first,
        Utc::now() - Duration::days(30) - Duration::minutes(1),
    )
    .await;
    kasa.pending_deposit(&token, "60.00").await;
    let refused = kasa
        .post_keyed("/me/deposits", &token, "over-2", over.clone())
        .await;
    assert_eq!(refused.code(), "kyc_required", "100.00 again in the window");

    set_kyc(&kasa, &root, player, "verified").await;
    kasa.pending_deposit(&token, "500.00").await;
    // A currency without a threshold has no such rule.
    let (_, usd) = kasa.player("acme", "usd@acme.test", "USD").await;
    let a = kasa
        .post_keyed(
            "/me/deposits",
            &usd,
            "usd-1",
            json!({"amount": "5000.00", "currency": "USD"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.json());
}
backend_tests!(
    threshold,
    deposits_above_the_30_day_threshold_need_a_verified_player
);
