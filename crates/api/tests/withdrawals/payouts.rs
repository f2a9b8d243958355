//! Payout failure semantics, late and replayed events, and concurrent requests and payouts.

use super::*;

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
