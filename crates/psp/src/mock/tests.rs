use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use super::*;
use crate::error::PspError;
use crate::event::{PspStatus, ReportStatus};
use crate::provider::PaymentProvider;

mod checks;

fn mock() -> MockPsp {
    MockPsp::new(MockConfig {
        webhook_delay: Duration::from_millis(5),
        ..MockConfig::default()
    })
}

fn deposit(reference: &str) -> DepositRequest {
    DepositRequest {
        reference: reference.to_owned(),
        amount: "10.00".to_owned(),
        currency: "EUR".to_owned(),
    }
}

fn payout(reference: &str) -> PayoutRequest {
    PayoutRequest {
        reference: reference.to_owned(),
        amount: "25.50".to_owned(),
        currency: "EUR".to_owned(),
        destination: json!({"iban": "DE89370400440532013000"}),
    }
}

/// Polls `get` until it yields a non-pending status, for up to two seconds.
async fn settled(get: impl Fn() -> Option<PspTransaction>) -> Option<PspTransaction> {
    for _ in 0..200 {
        match get() {
            Some(tx) if tx.status != PspStatus::Pending => return Some(tx),
            _ => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
    get()
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

#[tokio::test]
async fn unscripted_deposit_is_pending_then_succeeds() {
    let psp = mock();
    let created = psp.create_deposit(&deposit("dep_1")).await;
    let Ok(created) = created else {
        panic!("create failed: {created:?}")
    };
    assert_eq!(created.status, PspStatus::Pending);
    assert_eq!(created.reference, "dep_1");
    assert!(created.id.starts_with("psp_"));

    let done = settled(|| psp.deposit("dep_1")).await;
    assert_eq!(
        done,
        Some(PspTransaction {
            status: PspStatus::Succeeded,
            ..created
        })
    );
    let snapshot = psp.snapshot();
    assert_eq!(snapshot.webhooks.len(), 1);
    assert_eq!(snapshot.webhooks[0].event_type, EventType::DepositSucceeded);
}

#[tokio::test]
async fn scripts_are_consumed_in_order_per_operation() {
    let psp = mock();
    psp.push_script(Operation::Deposit, Script::fail("card_expired"));
    psp.push_script(Operation::Deposit, Script::succeed());
    psp.push_script(Operation::Payout, Script::decline("limit"));

    for reference in ["d1", "d2", "d3"] {
        assert!(psp.create_deposit(&deposit(reference)).await.is_ok());
    }
    let d1 = settled(|| psp.deposit("d1")).await;
    let d2 = settled(|| psp.deposit("d2")).await;
    let d3 = settled(|| psp.deposit("d3")).await;
    assert_eq!(d1.as_ref().map(|t| t.status), Some(PspStatus::Failed));
    assert_eq!(
        d1.and_then(|t| t.failure_code).as_deref(),
        Some("card_expired")
    );
    assert_eq!(d2.map(|t| t.status), Some(PspStatus::Succeeded));
    assert_eq!(d3.map(|t| t.status), Some(PspStatus::Succeeded));

    // The payout queue was untouched by the deposits.
    let declined = psp.create_payout("p1", &payout("p1")).await;
    assert_eq!(
        declined,
        Err(PspError::Declined {
            status: 422,
            code: "limit".into()
        })
    );
}

#[tokio::test]
async fn failing_deposit_without_code_gets_the_default_code() {
    let psp = mock();
    psp.push_script(
        Operation::Deposit,
        Script {
            outcome: Outcome::Fail,
            ..Script::default()
        },
    );
    assert!(psp.create_deposit(&deposit("d1")).await.is_ok());
    let done = settled(|| psp.deposit("d1")).await;
    assert_eq!(
        done.and_then(|t| t.failure_code).as_deref(),
        Some(DEFAULT_FAILURE_CODE)
    );
    assert_eq!(
        psp.snapshot().webhooks.first().map(|d| d.event_type),
        Some(EventType::DepositFailed)
    );
}

#[tokio::test]
async fn decline_records_nothing_but_counts_the_call() {
    let psp = mock();
    psp.push_script(
        Operation::Deposit,
        Script {
            outcome: Outcome::Decline,
            ..Script::default()
        },
    );
    let result = psp.create_deposit(&deposit("d1")).await;
    assert_eq!(
        result,
        Err(PspError::Declined {
            status: 422,
            code: "declined".into()
        })
    );
    assert_eq!(psp.get_deposit("d1").await, Ok(None));
    let snapshot = psp.snapshot();
    assert!(snapshot.deposits.is_empty());
    assert_eq!(snapshot.deposit_calls.get("d1"), Some(&1));
    assert!(snapshot.webhooks.is_empty());
}

#[tokio::test]
async fn timeout_is_carried_out_silently() {
    let psp = mock();
    psp.push_script(Operation::Payout, Script::timeout());
    let result = psp.create_payout("att_1", &payout("att_1")).await;
    assert_eq!(result, Err(PspError::Unavailable("timeout".into())));
    // The truth is only learnt by asking.
    assert_eq!(
        psp.get_payout("att_1")
            .await
            .ok()
            .flatten()
            .map(|t| t.status),
        Some(PspStatus::Succeeded)
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(psp.snapshot().webhooks.is_empty(), "no webhook on timeout");
}

#[tokio::test]
async fn timeout_with_failure_code_is_recorded_failed() {
    let psp = mock();
    psp.push_script(
        Operation::Deposit,
        Script {
            outcome: Outcome::Timeout,
            failure_code: Some("insufficient_funds".into()),
            ..Script::default()
        },
    );
    assert!(psp.create_deposit(&deposit("d1")).await.is_err());
    let tx = psp.deposit("d1");
    assert_eq!(tx.as_ref().map(|t| t.status), Some(PspStatus::Failed));
    assert_eq!(
        tx.and_then(|t| t.failure_code).as_deref(),
        Some("insufficient_funds")
    );
}

#[tokio::test]
async fn payout_idempotency_key_replays_without_consuming_scripts() {
    let psp = mock();
    psp.push_script(Operation::Payout, Script::succeed());
    psp.push_script(Operation::Payout, Script::decline("second"));

    let first = psp.create_payout("att_1", &payout("att_1")).await;
    let again = psp.create_payout("att_1", &payout("att_1")).await;
    let Ok(first) = first else {
        panic!("first failed: {first:?}")
    };
    assert_eq!(again.as_ref().map(|t| &t.id), Ok(&first.id));

    let snapshot = psp.snapshot();
    assert_eq!(snapshot.payouts.len(), 1);
    assert_eq!(snapshot.payout_calls.get("att_1"), Some(&2));
    assert_eq!(
        snapshot.payouts[0].idempotency_key.as_deref(),
        Some("att_1")
    );
    assert_eq!(
        snapshot.payouts[0].destination,
        Some(json!({"iban": "DE89370400440532013000"}))
    );

    // The decline is still queued for the next new payout.
    let next = psp.create_payout("att_2", &payout("att_2")).await;
    assert!(matches!(next, Err(PspError::Declined { .. })), "{next:?}");
}

#[tokio::test]
async fn payout_timeout_then_retry_with_same_key_returns_the_payout() {
    let psp = mock();
    psp.push_script(Operation::Payout, Script::timeout());
    assert!(psp.create_payout("att_1", &payout("att_1")).await.is_err());
    let retry = psp.create_payout("att_1", &payout("att_1")).await;
    assert_eq!(retry.map(|t| t.status), Ok(PspStatus::Succeeded));
    assert_eq!(psp.snapshot().payouts.len(), 1);
}

#[tokio::test]
async fn payout_reference_reused_under_a_new_key_is_not_paid_twice() {
    let psp = mock();
    let first = psp.create_payout("k1", &payout("att_1")).await;
    let second = psp.create_payout("k2", &payout("att_1")).await;
    assert_eq!(
        first.map(|t| t.id),
        second.map(|t| t.id),
        "same payout returned"
    );
    assert_eq!(psp.snapshot().payouts.len(), 1);
}

#[tokio::test]
async fn deposit_reference_seen_before_is_replayed() {
    let psp = mock();
    psp.push_script(Operation::Deposit, Script::succeed());
    psp.push_script(Operation::Deposit, Script::decline("x"));
    let first = psp.create_deposit(&deposit("d1")).await.map(|t| t.id);
    let second = psp.create_deposit(&deposit("d1")).await.map(|t| t.id);
    assert!(first.is_ok());
    assert_eq!(first, second);
    assert_eq!(psp.snapshot().deposit_calls.get("d1"), Some(&2));
}
