//! Withdrawals and payouts over real HTTP on SQLite and PostgreSQL: the state
//! machine, the money rules, PSP failure semantics, recheck and reversal.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use futures::future::join_all;
use psp::mock::{Operation, Script};
use reqwest::StatusCode;
use serde_json::json;
use testkit::{TestDb, backend_tests};

#[path = "withdrawals/payouts.rs"]
mod payouts;

async fn withdrawal_is_held_approved_and_paid_once(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.funded_player("acme", "100.00").await;
    let id = kasa.withdraw(&token, "30.00").await;
    assert_eq!(kasa.wallet(&token).await, ("70.00".into(), "30.00".into()));
    let w = kasa
        .get(&format!("/me/withdrawals/{id}"), &token)
        .await
        .json();
    assert_eq!(
        (w["state"].as_str(), w["amount"].as_str()),
        (Some("requested"), Some("30.00"))
    );
    assert_eq!(w["destination"]["type"], "bank_account");
    assert_eq!(w["attempts"], json!([]));
    let approved = kasa.act(&admin, &id, "approve", json!({})).await;
    assert_eq!(
        (approved.status, approved.json()["state"].as_str()),
        (StatusCode::OK, Some("approved"))
    );
    let started = kasa.act(&admin, &id, "payouts", json!({})).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.json());
    assert_eq!(started.json()["state"], "payout_pending");
    assert_eq!(started.json()["attempts"][0]["status"], "pending");
    let paid = kasa.withdrawal_in_state(&token, &id, "paid").await;
    assert_eq!(paid["attempts"][0]["status"], "succeeded");
    assert_eq!(kasa.wallet(&token).await, ("70.00".into(), "0.00".into()));
    assert_eq!(
        kasa.movement_kinds(&token).await,
        ["deposit", "withdrawal_hold", "withdrawal_paid"]
    );
    let detail = kasa
        .get(&format!("/admin/withdrawals/{id}"), &admin)
        .await
        .json();
    assert_eq!(detail["state"], "paid");
    let listed = kasa
        .get("/admin/withdrawals?state=paid", &admin)
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        kasa.get("/admin/withdrawals?state=requested", &admin)
            .await
            .json()["items"],
        json!([])
    );
    assert_eq!(
        kasa.get("/admin/withdrawals?state=bogus", &admin)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        kasa.act(&admin, &id, "approve", json!({})).await.code(),
        "invalid_state_transition"
    );
    assert_eq!(kasa.verify(&admin).await["ok"], true);
}
backend_tests!(paid_once, withdrawal_is_held_approved_and_paid_once);

async fn reject_and_cancel_release_the_hold(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.funded_player("acme", "50.00").await;
    let a = kasa.withdraw(&token, "20.00").await;
    let b = kasa.withdraw(&token, "10.00").await;
    assert_eq!(kasa.wallet(&token).await, ("20.00".into(), "30.00".into()));
    let no_reason = kasa.act(&admin, &a, "reject", json!({})).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rejected = kasa
        .act(&admin, &a, "reject", json!({"reason": "KYC incomplete"}))
        .await;
    assert_eq!(rejected.json()["state"], "rejected");
    assert_eq!(rejected.json()["reject_reason"], "KYC incomplete");
    let cancel = kasa
        .post_keyed(
            &format!("/me/withdrawals/{b}/cancel"),
            &token,
            "c1",
            json!({}),
        )
        .await;
    assert_eq!(
        (cancel.status, cancel.json()["state"].as_str()),
        (StatusCode::OK, Some("cancelled"))
    );
    let replay = kasa
        .post_keyed(
            &format!("/me/withdrawals/{b}/cancel"),
            &token,
            "c1",
            json!({}),
        )
        .await;
    assert_eq!(replay.bytes, cancel.bytes);
    let again = kasa
        .post_keyed(
            &format!("/me/withdrawals/{b}/cancel"),
            &token,
            "c2",
            json!({}),
        )
        .await;
    assert_eq!(
        (again.status, again.code().as_str()),
        (StatusCode::CONFLICT, "invalid_state_transition")
    );
    assert_eq!(kasa.wallet(&token).await, ("50.00".into(), "0.00".into()));
    assert_eq!(
        kasa.movement_kinds(&token).await,
        [
            "deposit",
            "withdrawal_hold",
            "withdrawal_hold",
            "withdrawal_release",
            "withdrawal_release"
        ]
    );
    // Approved withdrawals cannot be cancelled by the player.
    let c = kasa.withdraw(&token, "5.00").await;
    kasa.act(&admin, &c, "approve", json!({})).await;
    let late = kasa
        .post_keyed(
            &format!("/me/withdrawals/{c}/cancel"),
            &token,
            "c3",
            json!({}),
        )
        .await;
    assert_eq!(late.code(), "invalid_state_transition");
    assert_eq!(kasa.verify(&admin).await["ok"], true);
}
backend_tests!(release, reject_and_cancel_release_the_hold);

async fn bad_withdrawals_are_refused(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, _) = kasa.funded_player("acme", "10.00").await;
    let too_much = json!({"amount": "10.01", "currency": "EUR", "destination": {"type": "bank_account", "account": "X1"}});
    let a = kasa
        .post_keyed("/me/withdrawals", &token, "w1", too_much)
        .await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "insufficient_funds")
    );
    let usd = json!({"amount": "1.00", "currency": "USD", "destination": {"type": "bank_account", "account": "X1"}});
    assert_eq!(
        kasa.post_keyed("/me/withdrawals", &token, "w2", usd)
            .await
            .code(),
        "currency_mismatch"
    );
    for bad in [
        json!({"amount": "1.00", "currency": "EUR"}),
        json!({"amount": "1.00", "currency": "EUR", "destination": {"type": "Bank Account", "account": "X"}}),
        json!({"amount": "1.00", "currency": "EUR", "destination": {"type": "bank_account", "account": ""}}),
        json!({"amount": 1, "currency": "EUR", "destination": {"type": "bank_account", "account": "X"}}),
    ] {
        let a = kasa
            .post_keyed(
                "/me/withdrawals",
                &token,
                &uuid::Uuid::new_v4().to_string(),
                bad.clone(),
            )
            .await;
        assert_eq!(
            (a.status, a.code().as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{bad}"
        );
    }
    assert_eq!(kasa.wallet(&token).await, ("10.00".into(), "0.00".into()));
}
backend_tests!(bad_withdrawals, bad_withdrawals_are_refused);

async fn a_withdrawal_key_replays_its_first_answer(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, _) = kasa.funded_player("acme", "10.00").await;
    let body = |amount: &str| json!({"amount": amount, "currency": "EUR", "destination": {"type": "bank_account", "account": "X1"}});
    let first = kasa
        .post_keyed("/me/withdrawals", &token, "k1", body("4.00"))
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert!(first.headers.get("Idempotent-Replayed").is_none());
    let again = kasa
        .post_keyed("/me/withdrawals", &token, "k1", body("4.00"))
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.bytes, first.bytes);
    assert_eq!(again.headers.get("Idempotent-Replayed").unwrap(), "true");
    let other = kasa
        .post_keyed("/me/withdrawals", &token, "k1", body("5.00"))
        .await;
    assert_eq!(other.code(), "idempotency_key_reused");
    assert_eq!(kasa.wallet(&token).await, ("6.00".into(), "4.00".into()));

    // A refusal is the key's answer too, even once the money is there.
    let refused = kasa
        .post_keyed("/me/withdrawals", &token, "k2", body("7.00"))
        .await;
    assert_eq!(refused.code(), "insufficient_funds");
    let deposit = kasa.pending_deposit(&token, "5.00").await;
    let event = deposit_event("evt_more", "deposit.succeeded", &deposit, "5.00");
    assert_eq!(kasa.webhook(&event).await.json()["status"], "processed");
    let retried = kasa
        .post_keyed("/me/withdrawals", &token, "k2", body("7.00"))
        .await;
    assert_eq!(
        (retried.status, &retried.bytes),
        (refused.status, &refused.bytes)
    );
    assert_eq!(retried.headers.get("Idempotent-Replayed").unwrap(), "true");
    assert_eq!(kasa.wallet(&token).await, ("11.00".into(), "4.00".into()));

    // Rows that will be distributed by tenant know their tenant.
    use persistence::entities::{audit_chain_head, psp_event};
    use sea_orm::EntityTrait;
    let db = kasa.state.db.conn();
    let events = psp_event::Entity::find().all(db).await.unwrap();
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e.tenant_id.is_some()), "{events:?}");
    let heads = audit_chain_head::Entity::find().all(db).await.unwrap();
    assert!(
        heads.iter().any(|h| h.chain_id.contains('/')),
        "a player lane"
    );
    for head in heads {
        assert_eq!(
            head.tenant_id.is_none(),
            head.chain_id == "platform",
            "{head:?}"
        );
    }
}
backend_tests!(key_replay, a_withdrawal_key_replays_its_first_answer);

async fn roles_and_tenants_are_enforced_on_withdrawals(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.funded_player("acme", "10.00").await;
    let id = kasa.withdraw(&token, "1.00").await;
    let user = |email: &str, role: &str| json!({"email": email, "password": "a-good-password", "role": role, "tenant": "acme"});
    kasa.post(
        "/admin/users",
        Some(&admin),
        user("sup@acme.test", "support"),
    )
    .await;
    kasa.post(
        "/admin/users",
        Some(&admin),
        user("fin@acme.test", "finance"),
    )
    .await;
    let support = kasa.login_admin("sup@acme.test", "a-good-password").await;
    let finance = kasa.login_admin("fin@acme.test", "a-good-password").await;
    assert_eq!(
        kasa.get(&format!("/admin/withdrawals/{id}"), &support)
            .await
            .status,
        StatusCode::OK
    );
    for action in ["approve", "payouts", "recheck"] {
        assert_eq!(
            kasa.act(&support, &id, action, json!({})).await.status,
            StatusCode::FORBIDDEN,
            "{action}"
        );
    }
    assert_eq!(
        kasa.act(&support, &id, "reject", json!({"reason": "x"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        kasa.act(&finance, &id, "approve", json!({})).await.status,
        StatusCode::OK
    );
    kasa.create_tenant(&admin, "beta").await;
    kasa.post("/admin/users", Some(&admin), json!({"email": "fin@beta.test", "password": "a-good-password", "role": "finance", "tenant": "beta"})).await;
    let other = kasa.login_admin("fin@beta.test", "a-good-password").await;
    assert_eq!(
        kasa.get(&format!("/admin/withdrawals/{id}"), &other)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        kasa.act(&other, &id, "payouts", json!({})).await.status,
        StatusCode::NOT_FOUND
    );
    let (_, beta_player) = kasa.player("beta", "p@beta.test", "EUR").await;
    assert_eq!(
        kasa.get(&format!("/me/withdrawals/{id}"), &beta_player)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let cancel = kasa
        .post_keyed(
            &format!("/me/withdrawals/{id}/cancel"),
            &beta_player,
            "k",
            json!({}),
        )
        .await;
    assert_eq!(cancel.status, StatusCode::NOT_FOUND);
    assert_eq!(
        kasa.get("/admin/withdrawals", &token).await.status,
        StatusCode::FORBIDDEN
    );
}
backend_tests!(
    withdrawal_roles,
    roles_and_tenants_are_enforced_on_withdrawals
);
