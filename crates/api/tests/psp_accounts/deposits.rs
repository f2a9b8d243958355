//! Deposits through a tenant's provider account: created at the account's
//! PSP, settled by webhooks at `/webhooks/<tenant>/<slug>` signed with the
//! account's secret, and never by another tenant's account or the default one.

use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::{TestDb, backend_tests};

use super::{WEBHOOK, tenant_admin};
use crate::common::fake_psp::FakePsp;
use crate::common::*;

/// An account slug long enough that `acme/<slug>` outgrows the provider
/// columns' first 32 characters.
const SLUG: &str = "main-account-with-a-long-slug-0123456789-0123456789";

/// Posts `event` to `path` signed with `secret`, now.
async fn signed(kasa: &Kasa, path: &str, event: &Value, secret: &str) -> Answer {
    let body = serde_json::to_vec(event).unwrap();
    kasa.webhook_signed_to(path, &body, secret, chrono::Utc::now().timestamp())
        .await
}

async fn a_deposit_on_a_tenant_account_settles_only_through_that_account(db: &TestDb) {
    let psp = FakePsp::start().await;
    let kasa = spawn(db).await;
    let (_, token, root) = kasa.tenant_with_player("acme").await;
    kasa.create_tenant(&root, "beta").await;
    let acme = tenant_admin(&kasa, &root, "acme").await;
    let beta = tenant_admin(&kasa, &root, "beta").await;
    let account =
        json!({"slug": SLUG, "kind": "mock", "base_url": psp.base, "webhook_secret": WEBHOOK});
    for admin in [&acme, &beta] {
        let made = kasa
            .post("/admin/psp-accounts", Some(admin), account.clone())
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json());
    }

    let unknown = kasa
        .post_keyed(
            "/me/deposits",
            &token,
            "d-0",
            json!({"amount": "10.00", "currency": "EUR", "provider": "nope"}),
        )
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        unknown.json()
    );
    let made = kasa
        .post_keyed(
            "/me/deposits",
            &token,
            "d-1",
            json!({"amount": "25.00", "currency": "EUR", "provider": SLUG}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.json());
    assert_eq!(made.json()["provider"], format!("acme/{SLUG}").as_str());
    let id = made.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        made.json()["provider_ref"],
        format!("psp_{id}").as_str(),
        "the account's PSP answered"
    );

    let event = deposit_event("evt_1", "deposit.succeeded", &id, "25.00");
    // Not through the default account, nor another tenant's account of the same slug,
    // nor with another secret.
    assert_eq!(kasa.webhook(&event).await.code(), "reference_not_found");
    let theirs = signed(&kasa, &format!("/webhooks/beta/{SLUG}"), &event, WEBHOOK).await;
    assert_eq!(theirs.code(), "reference_not_found", "{:?}", theirs.json());
    let forged = signed(
        &kasa,
        &format!("/webhooks/acme/{SLUG}"),
        &event,
        "some-other-secret-0123456789abcdef",
    )
    .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        signed(&kasa, "/webhooks/acme/nope", &event, WEBHOOK)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(kasa.wallet(&token).await.0, "0.00");

    let ok = signed(&kasa, &format!("/webhooks/acme/{SLUG}"), &event, WEBHOOK).await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.json());
    assert_eq!(ok.json()["status"], "processed");
    let again = signed(&kasa, &format!("/webhooks/acme/{SLUG}"), &event, WEBHOOK).await;
    assert_eq!(again.json()["status"], "duplicate");
    assert_eq!(kasa.wallet(&token).await.0, "25.00");
    let deposit = kasa.get(&format!("/me/deposits/{id}"), &token).await.json();
    assert_eq!(deposit["status"], "succeeded");
    assert_eq!(kasa.verify(&root).await["ok"], true);
}

backend_tests!(
    account_deposits,
    a_deposit_on_a_tenant_account_settles_only_through_that_account
);

async fn a_payout_goes_through_the_named_account_and_is_rechecked_there(db: &TestDb) {
    let psp = FakePsp::start().await;
    let kasa = spawn(db).await;
    let (_, token, root) = kasa.funded_player("acme", "100.00").await;
    let acme = tenant_admin(&kasa, &root, "acme").await;
    let account =
        json!({"slug": SLUG, "kind": "mock", "base_url": psp.base, "webhook_secret": WEBHOOK});
    assert_eq!(
        kasa.post("/admin/psp-accounts", Some(&acme), account)
            .await
            .status,
        StatusCode::CREATED
    );
    let stripe =
        json!({"slug": "cards", "kind": "stripe", "api_key": WEBHOOK, "webhook_secret": WEBHOOK});
    assert_eq!(
        kasa.post("/admin/psp-accounts", Some(&acme), stripe)
            .await
            .status,
        StatusCode::CREATED
    );

    let id = kasa.withdraw(&token, "30.00").await;
    assert_eq!(
        kasa.act(&root, &id, "approve", json!({})).await.status,
        StatusCode::OK
    );
    let refused = kasa
        .act(&root, &id, "payouts", json!({"provider": "cards"}))
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        refused.json()
    );
    assert!(
        refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains("make no payouts")
    );
    let unknown = kasa
        .act(&root, &id, "payouts", json!({"provider": "nope"}))
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    let started = kasa
        .act(&root, &id, "payouts", json!({"provider": SLUG}))
        .await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.json());
    let attempt = &started.json()["attempts"][0];
    assert_eq!(attempt["provider"], format!("acme/{SLUG}").as_str());
    assert_eq!(attempt["status"], "pending");
    let attempt_id = attempt["id"].as_str().unwrap().to_owned();
    assert_eq!(
        attempt["provider_ref"],
        format!("psp_{attempt_id}").as_str(),
        "the account's PSP answered"
    );

    // The scheduled recheck of the default account's stuck payouts leaves it alone
    // (the default PSP does not know it, which must never read as "failed").
    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    let stuck_of = |provider: String| {
        let db = kasa.state.db.clone();
        async move {
            db.stuck_attempts(&provider, later, 100)
                .await
                .unwrap()
                .iter()
                .map(|a| a.id.to_string())
                .collect::<Vec<_>>()
        }
    };
    assert!(!stuck_of("mock".into()).await.contains(&attempt_id));
    assert_eq!(
        stuck_of(format!("acme/{SLUG}")).await,
        vec![attempt_id.clone()]
    );

    // The default account's webhook cannot settle it; the recheck asks the account's PSP.
    let event = payout_event("evt_p1", "payout.succeeded", &attempt_id, "30.00");
    assert_eq!(kasa.webhook(&event).await.code(), "reference_not_found");
    let rechecked = kasa.act(&root, &id, "recheck", json!({})).await;
    assert_eq!(rechecked.status, StatusCode::OK, "{:?}", rechecked.json());
    assert_eq!(rechecked.json()["state"], "paid");
    assert_eq!(kasa.wallet(&token).await, ("70.00".into(), "0.00".into()));
    assert_eq!(kasa.verify(&root).await["ok"], true);
}

backend_tests!(
    account_payouts,
    a_payout_goes_through_the_named_account_and_is_rechecked_there
);
