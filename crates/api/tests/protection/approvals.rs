//! Dual approval of large withdrawals and the tenant's `player_cancel_allowed`:
//! `requested -> awaiting_second_approval -> approved` by two different
//! admins, `409 same_approver` for the same one, reject from both states,
//! and concurrent approvals on PostgreSQL.

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;
use testkit::{TestDb, backend_tests};

use crate::common::*;
use crate::support::{admin_of, audit_events, set_policy};

/// A tenant with a funded player, a dual-approval threshold of 500.00 EUR and
/// two finance admins; returns (player token, root, finance one, finance two).
async fn dual_approval_tenant(kasa: &Kasa) -> (String, String, String, String) {
    let (_, token, root) = kasa.funded_player("acme", "2000.00").await;
    set_policy(
        kasa,
        &root,
        "acme",
        json!({"dual_approval_threshold": {"EUR": "500.00"}}),
    )
    .await;
    let one = admin_of(kasa, &root, "acme", "finance").await;
    let two = admin_of(kasa, &root, "acme", "tenant_admin").await;
    (token, root, one, two)
}

async fn a_large_withdrawal_needs_two_different_admins(db: &TestDb) {
    let kasa = spawn(db).await;
    let (token, root, one, two) = dual_approval_tenant(&kasa).await;
    let large = kasa.withdraw(&token, "500.00").await; // at the threshold
    let small = kasa.withdraw(&token, "499.99").await;

    // Below the threshold one approval is enough.
    let approved = kasa.act(&one, &small, "approve", json!({})).await;
    assert_eq!(approved.status, StatusCode::OK, "{:?}", approved.json());
    assert_eq!(approved.json()["state"], "approved");
    assert_eq!(approved.json()["first_approval"], serde_json::Value::Null);

    let first = kasa.act(&one, &large, "approve", json!({})).await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.json());
    assert_eq!(first.json()["state"], "awaiting_second_approval");
    assert_eq!(first.json()["first_approval"]["email"], "finance@acme.test");
    let first_at = first.json()["first_approval"]["approved_at"].clone();
    assert!(first_at.is_string());
    // Nothing moved: the amount is still held.
    assert_eq!(
        kasa.wallet(&token).await,
        ("1000.01".into(), "999.99".into())
    );
    // The player sees the state, not who approved.
    let mine = kasa.get(&format!("/me/withdrawals/{large}"), &token).await;
    assert_eq!(mine.json()["state"], "awaiting_second_approval");
    assert_eq!(mine.json()["first_approval"], serde_json::Value::Null);
    // The queue lists it under its own state.
    let queue = kasa
        .get("/admin/withdrawals?state=awaiting_second_approval", &root)
        .await
        .json();
    let ids: Vec<&str> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [large.as_str()]);
    // A payout cannot start yet, and the player cannot cancel it.
    let early = kasa.act(&one, &large, "payouts", json!({})).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.code(), "invalid_state_transition");

    let again = kasa.act(&one, &large, "approve", json!({})).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{:?}", again.json());
    assert_eq!(again.code(), "same_approver");
    assert_eq!(
        again.json()["detail"],
        "the second approval must come from another admin than the first"
    );
    let unchanged = kasa
        .get(&format!("/admin/withdrawals/{large}"), &root)
        .await
        .json();
    assert_eq!(unchanged["state"], "awaiting_second_approval");

    let second = kasa.act(&two, &large, "approve", json!({})).await;
    assert_eq!(second.status, StatusCode::OK, "{:?}", second.json());
    assert_eq!(second.json()["state"], "approved");
    assert_eq!(
        second.json()["first_approval"]["email"],
        "finance@acme.test"
    );
    assert_eq!(second.json()["first_approval"]["approved_at"], first_at);
    // A third approval is a state error, not a second "second".
    let third = kasa.act(&root, &large, "approve", json!({})).await;
    assert_eq!(third.status, StatusCode::CONFLICT);
    assert_eq!(third.code(), "invalid_state_transition");

    let firsts = audit_events(&kasa, &root, "withdrawal.first_approval").await;
    assert_eq!(firsts.len(), 1);
    assert_eq!(firsts[0]["target_id"], large.as_str());
    let approvals = audit_events(&kasa, &root, "withdrawal.approve").await;
    assert_eq!(approvals.len(), 2, "the small one and the second approval");
    assert_eq!(kasa.verify(&root).await["ok"], true);
}

backend_tests!(two_admins, a_large_withdrawal_needs_two_different_admins);

async fn a_waiting_withdrawal_can_be_rejected_and_support_cannot_approve(db: &TestDb) {
    let kasa = spawn(db).await;
    let (token, root, one, two) = dual_approval_tenant(&kasa).await;
    let id = kasa.withdraw(&token, "800.00").await;
    let support = admin_of(&kasa, &root, "acme", "support").await;
    let refused = kasa.act(&support, &id, "approve", json!({})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        kasa.act(&one, &id, "approve", json!({})).await.json()["state"],
        "awaiting_second_approval"
    );
    // The first approver may still reject it (reject needs no second person).
    let rejected = kasa
        .act(
            &one,
            &id,
            "reject",
            json!({"reason": "source of funds unclear"}),
        )
        .await;
    assert_eq!(rejected.status, StatusCode::OK, "{:?}", rejected.json());
    assert_eq!(rejected.json()["state"], "rejected");
    assert_eq!(kasa.wallet(&token).await, ("2000.00".into(), "0.00".into()));
    let late = kasa.act(&two, &id, "approve", json!({})).await;
    assert_eq!(late.code(), "invalid_state_transition");
}

backend_tests!(
    reject_waiting,
    a_waiting_withdrawal_can_be_rejected_and_support_cannot_approve
);

async fn players_cannot_cancel_when_the_tenant_says_so(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, root) = kasa.funded_player("acme", "100.00").await;
    let id = kasa.withdraw(&token, "10.00").await;
    set_policy(
        &kasa,
        &root,
        "acme",
        json!({"player_cancel_allowed": false}),
    )
    .await;
    let path = format!("/me/withdrawals/{id}/cancel");
    let refused = kasa.post_keyed(&path, &token, "c-1", json!({})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{:?}", refused.json());
    assert_eq!(refused.code(), "invalid_state_transition");
    assert_eq!(
        refused.json()["detail"],
        "this operator does not let players cancel withdrawals; contact support"
    );
    assert_eq!(kasa.wallet(&token).await, ("90.00".into(), "10.00".into()));
    // Allowed again: the same withdrawal cancels (a fresh key).
    set_policy(&kasa, &root, "acme", json!({"player_cancel_allowed": true})).await;
    let cancelled = kasa.post_keyed(&path, &token, "c-2", json!({})).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.json());
    assert_eq!(cancelled.json()["state"], "cancelled");
    assert_eq!(kasa.wallet(&token).await, ("100.00".into(), "0.00".into()));
}

backend_tests!(no_cancel, players_cannot_cancel_when_the_tenant_says_so);

/// Concurrent approvals on PostgreSQL: the row lock puts them in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_approvals_take_turns_on_postgres() {
    let Some(db) = testkit::postgres("protection::approvals::concurrent").await else {
        return;
    };
    let kasa = spawn(&db).await;
    let (token, root, one, two) = dual_approval_tenant(&kasa).await;

    // The same admin, eight times at once: one first approval, the rest
    // `same_approver`, and the withdrawal still waits.
    let id = kasa.withdraw(&token, "600.00").await;
    let answers = join_all((0..8).map(|_| kasa.act(&one, &id, "approve", json!({})))).await;
    let firsts = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    let same = answers
        .iter()
        .filter(|a| a.status == StatusCode::CONFLICT && a.code() == "same_approver")
        .count();
    assert_eq!(
        (firsts, same),
        (1, 7),
        "{:?}",
        answers.iter().map(|a| a.json()).collect::<Vec<_>>()
    );
    let w = kasa
        .get(&format!("/admin/withdrawals/{id}"), &root)
        .await
        .json();
    assert_eq!(w["state"], "awaiting_second_approval");

    // Two different admins at once on a fresh one, several times each: it
    // ends approved with one first approval and one second; every other
    // answer is a refusal (same approver, or already approved).
    let id = kasa.withdraw(&token, "700.00").await;
    let tries = [&one, &two, &one, &two, &one, &two];
    let answers = join_all(
        tries
            .iter()
            .map(|admin| kasa.act(admin, &id, "approve", json!({}))),
    )
    .await;
    let states: Vec<String> = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .map(|a| a.json()["state"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = states.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["approved", "awaiting_second_approval"],
        "{states:?}"
    );
    for refused in answers.iter().filter(|a| a.status != StatusCode::OK) {
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(
            ["same_approver", "invalid_state_transition"].contains(&refused.code().as_str()),
            "{:?}",
            refused.json()
        );
    }
    let w = kasa
        .get(&format!("/admin/withdrawals/{id}"), &root)
        .await
        .json();
    assert_eq!(w["state"], "approved");
    let first = w["first_approval"]["email"].as_str().unwrap().to_owned();
    assert!(["finance@acme.test", "tenant_admin@acme.test"].contains(&first.as_str()));
    assert_eq!(
        audit_events(&kasa, &root, "withdrawal.first_approval")
            .await
            .len(),
        2
    );
    // Money: both still held, nothing released twice.
    assert_eq!(
        kasa.wallet(&token).await,
        ("700.00".into(), "1300.00".into())
    );
    assert_eq!(kasa.verify(&root).await["ok"], true);
}
