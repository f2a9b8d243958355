//! PSP strings longer than Kasa's columns (`failure_code` 64, `provider_ref` 128
//! characters) are cut at the PSP boundary: a decline, a webhook or a recheck
//! carrying them still settles, on SQLite and PostgreSQL (which refuses an
//! over-long value).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use persistence::entities::psp_event;
use psp::mock::{Operation, Script};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use testkit::{TestDb, backend_tests};

/// 100 two-byte characters: over 64 characters, and cut on a char boundary.
fn long_code() -> String {
    "é".repeat(100)
}

/// 300 characters: over 128.
fn long_ref() -> String {
    format!("psp_{}", "r".repeat(296))
}

fn prefix(s: &str, chars: usize) -> String {
    s.chars().take(chars).collect()
}

async fn long_psp_strings_settle_deposits(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, _) = kasa.tenant_with_player("acme").await;
    // A decline with a long code fails the deposit at once.
    kasa.mock()
        .push_script(Operation::Deposit, Script::decline(long_code()));
    let declined = kasa
        .post_keyed(
            "/me/deposits",
            &token,
            "dep-long-decline",
            json!({"amount": "5.00", "currency": "EUR"}),
        )
        .await;
    assert_eq!(
        declined.status,
        StatusCode::CREATED,
        "{:?}",
        declined.json()
    );
    assert_eq!(declined.json()["status"], "failed");
    assert_eq!(declined.json()["failure_code"], prefix(&long_code(), 64));
    // A deposit the PSP did not answer (no provider_ref yet) fails by a webhook
    // carrying a long provider_ref and failure_code.
    kasa.mock()
        .push_script(Operation::Deposit, Script::timeout());
    let pending = kasa
        .post_keyed(
            "/me/deposits",
            &token,
            "dep-long-webhook",
            json!({"amount": "6.00", "currency": "EUR"}),
        )
        .await;
    assert_eq!(pending.status, StatusCode::CREATED, "{:?}", pending.json());
    let id = pending.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(pending.json()["provider_ref"], serde_json::Value::Null);
    let mut event = deposit_event("evt_long_dep", "deposit.failed", &id, "6.00");
    event["data"]["provider_ref"] = json!(long_ref());
    event["data"]["failure_code"] = json!(long_code());
    let answer = kasa.webhook(&event).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json());
    assert_eq!(answer.json()["status"], "processed");
    let failed = kasa.settled_deposit(&token, &id).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["failure_code"], prefix(&long_code(), 64));
    assert_eq!(failed["provider_ref"], prefix(&long_ref(), 128));
    // The inbox keeps the event as the PSP sent it.
    let stored = psp_event::Entity::find()
        .filter(psp_event::Column::EventId.eq("evt_long_dep"))
        .one(kasa.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert!(stored.payload.contains(&long_ref()), "raw event kept whole");
    assert!(stored.payload.contains(&long_code()));
}
backend_tests!(long_deposit_strings, long_psp_strings_settle_deposits);

async fn long_psp_strings_settle_payouts(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.funded_player("acme", "100.00").await;
    let id = kasa.withdraw(&token, "10.00").await;
    kasa.act(&admin, &id, "approve", json!({})).await;
    // 1. A decline with a long code.
    kasa.mock()
        .push_script(Operation::Payout, Script::decline(long_code()));
    let declined = kasa.act(&admin, &id, "payouts", json!({})).await;
    assert_eq!(
        declined.status,
        StatusCode::ACCEPTED,
        "{:?}",
        declined.json()
    );
    assert_eq!(declined.json()["state"], "payout_failed");
    assert_eq!(
        declined.json()["attempts"][0]["failure_code"],
        prefix(&long_code(), 64)
    );
    // 2. No answer, then a payout.failed webhook with long strings.
    kasa.mock()
        .push_script(Operation::Payout, Script::timeout());
    let unknown = kasa.act(&admin, &id, "payouts", json!({})).await.json();
    assert_eq!(unknown["attempts"][0]["status"], "unknown", "{unknown}");
    let attempt = unknown["attempts"][0]["id"].as_str().unwrap().to_owned();
    let mut event = payout_event("evt_long_po", "payout.failed", &attempt, "10.00");
    event["data"]["provider_ref"] = json!(long_ref());
    event["data"]["failure_code"] = json!(long_code());
    let answer = kasa.webhook(&event).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json());
    let failed = kasa.withdrawal_in_state(&token, &id, "payout_failed").await;
    assert_eq!(
        failed["attempts"][0]["failure_code"],
        prefix(&long_code(), 64)
    );
    assert_eq!(
        failed["attempts"][0]["provider_ref"],
        prefix(&long_ref(), 128)
    );
    // 3. No answer, and the PSP failed it with a long code: the recheck sees it.
    kasa.mock().push_script(
        Operation::Payout,
        Script {
            failure_code: Some(long_code()),
            ..Script::timeout()
        },
    );
    let unknown = kasa.act(&admin, &id, "payouts", json!({})).await.json();
    assert_eq!(unknown["attempts"][0]["status"], "unknown", "{unknown}");
    let rechecked = kasa.act(&admin, &id, "recheck", json!({})).await;
    assert_eq!(rechecked.status, StatusCode::OK, "{:?}", rechecked.json());
    assert_eq!(rechecked.json()["state"], "payout_failed");
    assert_eq!(
        rechecked.json()["attempts"][0]["failure_code"],
        prefix(&long_code(), 64)
    );
    // The money is still held, never lost or doubled.
    assert_eq!(kasa.wallet(&token).await, ("90.00".into(), "10.00".into()));
    assert_eq!(kasa.verify(&admin).await["ok"], true);
}
backend_tests!(long_payout_strings, long_psp_strings_settle_payouts);
