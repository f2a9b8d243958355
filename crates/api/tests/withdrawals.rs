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

async fn declined_failed_and_unknown_payouts_keep_the_hold(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.funded_player("acme", "100.00").await;
    let id = kasa.withdraw(&token, "40.00").await;
    kasa.act(&admin, &id, "approve", json!({})).await;
    // 1. declined (4xx): attempt failed, withdrawal payout_failed, no money moved.
    kasa.mock()
        .push_script(Operation::Payout, Script::decline("invalid_account"));
    let declined = kasa.act(&admin, &id, "payouts", json!({})).await.json();
    assert_eq!(declined["state"], "payout_failed");
    assert_eq!(declined["attempts"][0]["status"], "failed");
    assert_eq!(declined["attempts"][0]["failure_code"], "invalid_account");
    assert_eq!(kasa.wallet(&token).await, ("60.00".into(), "40.00".into()));
    // 2. retry, the PSP fails it by webhook.
    kasa.mock()
        .push_script(Operation::Payout, Script::fail("account_closed"));
    assert_eq!(
        kasa.act(&admin, &id, "payouts", json!({})).await.status,
        StatusCode::ACCEPTED
    );
    let failed = kasa.withdrawal_in_state(&token, &id, "payout_failed").await;
    assert_eq!(failed["attempts"].as_array().unwrap().len(), 2);
    assert_eq!(failed["attempts"][0]["failure_code"], "account_closed");
    assert_eq!(kasa.wallet(&token).await, ("60.00".into(), "40.00".into()));
    // 3. retry, the PSP times out: outcome unknown, never retried blindly.
    kasa.mock()
        .push_script(Operation::Payout, Script::timeout());
    let unknown = kasa.act(&admin, &id, "payouts", json!({})).await.json();
    assert_eq!(unknown["state"], "payout_pending");
    assert_eq!(unknown["attempts"][0]["status"], "unknown");
    let blind = kasa.act(&admin, &id, "payouts", json!({})).await;
    assert_eq!(
        (blind.status, blind.code().as_str()),
        (StatusCode::CONFLICT, "invalid_state_transition")
    );
    assert_eq!(
        kasa.act(&admin, &id, "reject", json!({"reason": "x"}))
            .await
            .code(),
        "invalid_state_transition"
    );
    assert_eq!(
        kasa.movement_kinds(&token).await,
        ["deposit", "withdrawal_hold"],
        "failures move no money"
    );
    // 4. recheck asks the PSP, which did pay it.
    let rechecked = kasa.act(&admin, &id, "recheck", json!({})).await;
    assert_eq!(rechecked.status, StatusCode::OK, "{:?}", rechecked.json());
    assert_eq!(rechecked.json()["state"], "paid");
    assert_eq!(rechecked.json()["attempts"][0]["status"], "succeeded");
    assert_eq!(kasa.wallet(&token).await, ("60.00".into(), "0.00".into()));
    assert_eq!(
        kasa.movement_kinds(&token).await,
        ["deposit", "withdrawal_hold", "withdrawal_paid"]
    );
    let snapshot = kasa.mock().snapshot();
    assert_eq!(
        snapshot.payout_calls.values().sum::<u32>(),
        3,
        "one PSP call per attempt"
    );
    assert_eq!(kasa.verify(&admin).await["ok"], true);
}
backend_tests!(
    payout_failures,
    declined_failed_and_unknown_payouts_keep_the_hold
);

async fn late_and_replayed_payout_events_never_move_money_twice(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.funded_player("acme", "100.00").await;
    let id = kasa.withdraw(&token, "25.00").await;
    kasa.act(&admin, &id, "approve", json!({})).await;
    kasa.mock()
        .push_script(Operation::Payout, Script::succeed().delay_ms(3_600_000));
    let started = kasa.act(&admin, &id, "payouts", json!({})).await.json();
    let attempt = started["attempts"][0]["id"].as_str().unwrap().to_owned();
    let success = payout_event("evt_p1", "payout.succeeded", &attempt, "25.00");
    assert_eq!(kasa.webhook(&success).await.json()["status"], "processed");
    assert_eq!(kasa.webhook(&success).await.json()["status"], "duplicate");
    let again = payout_event("evt_p2", "payout.succeeded", &attempt, "25.00");
    assert_eq!(kasa.webhook(&again).await.json()["status"], "duplicate");
    let contradiction = payout_event("evt_p3", "payout.failed", &attempt, "25.00");
    assert_eq!(
        kasa.webhook(&contradiction).await.json()["status"],
        "anomaly"
    );
    assert_eq!(kasa.wallet(&token).await, ("75.00".into(), "0.00".into()));
    assert_eq!(
        kasa.movement_kinds(&token).await,
        ["deposit", "withdrawal_hold", "withdrawal_paid"]
    );
    // The PSP returns the money after the payout: reversal credits it back, once.
    let reversed = payout_event("evt_p4", "payout.reversed", &attempt, "25.00");
    assert_eq!(kasa.webhook(&reversed).await.json()["status"], "processed");
    assert_eq!(
        kasa.webhook(&payout_event(
            "evt_p5",
            "payout.reversed",
            &attempt,
            "25.00"
        ))
        .await
        .json()["status"],
        "duplicate"
    );
    assert_eq!(
        kasa.get(&format!("/me/withdrawals/{id}"), &token)
            .await
            .json()["state"],
        "reversed"
    );
    assert_eq!(kasa.wallet(&token).await, ("100.00".into(), "0.00".into()));
    assert_eq!(
        kasa.movement_kinds(&token).await,
        [
            "deposit",
            "withdrawal_hold",
            "withdrawal_paid",
            "payout_reversal"
        ]
    );
    let anomalies = kasa.get("/admin/anomalies", &admin).await.json();
    assert_eq!(anomalies["items"][0]["reference_type"], "payout_attempt");
    let unknown = payout_event(
        "evt_p6",
        "payout.succeeded",
        &uuid::Uuid::now_v7().to_string(),
        "1.00",
    );
    assert_eq!(kasa.webhook(&unknown).await.status, StatusCode::NOT_FOUND);
    assert_eq!(kasa.verify(&admin).await["ok"], true);
}
backend_tests!(
    payout_events,
    late_and_replayed_payout_events_never_move_money_twice
);

async fn success_after_failure_on_one_attempt_is_an_anomaly(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.funded_player("acme", "10.00").await;
    let id = kasa.withdraw(&token, "10.00").await;
    kasa.act(&admin, &id, "approve", json!({})).await;
    kasa.mock()
        .push_script(Operation::Payout, Script::succeed().delay_ms(3_600_000));
    let attempt = kasa.act(&admin, &id, "payouts", json!({})).await.json()["attempts"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        kasa.webhook(&payout_event("evt_f", "payout.failed", &attempt, "10.00"))
            .await
            .json()["status"],
        "processed"
    );
    assert_eq!(
        kasa.webhook(&payout_event(
            "evt_s",
            "payout.succeeded",
            &attempt,
            "10.00"
        ))
        .await
        .json()["status"],
        "anomaly"
    );
    let w = kasa
        .get(&format!("/me/withdrawals/{id}"), &token)
        .await
        .json();
    assert_eq!(
        (w["state"].as_str(), w["attempts"][0]["status"].as_str()),
        (Some("payout_failed"), Some("failed"))
    );
    assert_eq!(kasa.wallet(&token).await, ("0.00".into(), "10.00".into()));
    let wrong_amount = payout_event("evt_m", "payout.succeeded", &attempt, "9.00");
    assert_eq!(
        kasa.webhook(&wrong_amount).await.json()["status"],
        "anomaly"
    );
    assert_eq!(kasa.verify(&admin).await["ok"], true);
}
backend_tests!(
    success_after_failure,
    success_after_failure_on_one_attempt_is_an_anomaly
);

async fn fifty_concurrent_requests_against_a_balance_of_ten(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.funded_player("acme", "100.00").await;
    let body = json!({"amount": "10.00", "currency": "EUR", "destination": {"type": "bank_account", "account": "X"}});
    let keys: Vec<String> = (0..50).map(|i| format!("w-{i}")).collect();
    let answers = join_all(
        keys.iter()
            .map(|key| kasa.post_keyed("/me/withdrawals", &token, key, body.clone())),
    )
    .await;
    let created = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .count();
    let refused = answers
        .iter()
        .filter(|a| {
            a.status == StatusCode::UNPROCESSABLE_ENTITY && a.code() == "insufficient_funds"
        })
        .count();
    assert_eq!(
        (created, refused),
        (10, 40),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert_eq!(kasa.wallet(&token).await, ("0.00".into(), "100.00".into()));
    assert_eq!(kasa.verify(&admin).await["ok"], true);
}
backend_tests!(
    concurrent_requests,
    fifty_concurrent_requests_against_a_balance_of_ten
);

async fn twelve_concurrent_payouts_make_one_attempt(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.funded_player("acme", "10.00").await;
    let id = kasa.withdraw(&token, "10.00").await;
    kasa.act(&admin, &id, "approve", json!({})).await;
    for _ in 0..12 {
        kasa.mock()
            .push_script(Operation::Payout, Script::succeed().delay_ms(3_600_000));
    }
    let answers = join_all((0..12).map(|_| kasa.act(&admin, &id, "payouts", json!({})))).await;
    let accepted = answers
        .iter()
        .filter(|a| a.status == StatusCode::ACCEPTED)
        .count();
    let conflicts = answers
        .iter()
        .filter(|a| a.status == StatusCode::CONFLICT)
        .count();
    assert_eq!((accepted, conflicts), (1, 11));
    let w = kasa
        .get(&format!("/admin/withdrawals/{id}"), &admin)
        .await
        .json();
    assert_eq!(w["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(
        kasa.mock().snapshot().payout_calls.values().sum::<u32>(),
        1,
        "exactly one PSP call"
    );
}
backend_tests!(
    concurrent_payouts,
    twelve_concurrent_payouts_make_one_attempt
);
