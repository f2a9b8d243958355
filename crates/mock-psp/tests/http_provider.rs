//! `psp::HttpProvider` against the mock PSP server (and a misbehaving fake PSP).

mod common;

use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use chrono::{DateTime, TimeDelta, Utc};
use common::{MockServer, SECRET};
use psp::event::{
    DepositRequest, PayoutRequest, PspStatus, PspTransaction, ReportItem, ReportStatus,
    TransactionType,
};
use psp::{HttpProvider, PaymentProvider, PspError};
use serde_json::json;

#[path = "http_provider/fake_psp.rs"]
mod fake_psp;

const TIMEOUT: Duration = Duration::from_secs(5);

fn deposit(reference: &str) -> DepositRequest {
    DepositRequest {
        reference: reference.into(),
        amount: "10.00".into(),
        currency: "EUR".into(),
    }
}

fn payout(reference: &str) -> PayoutRequest {
    PayoutRequest {
        reference: reference.into(),
        amount: "99.99".into(),
        currency: "EUR".into(),
        destination: json!({"iban": "DE89370400440532013000"}),
    }
}

async fn mock() -> MockServer {
    MockServer::start(None, &[SECRET], Duration::from_secs(2)).await
}

#[tokio::test]
async fn name_is_the_configured_one() {
    let provider =
        HttpProvider::new("mock", "http://127.0.0.1:9", TIMEOUT).expect("valid base URL");
    assert_eq!(provider.name(), "mock");
}

#[tokio::test]
async fn decline_is_declined_with_status_and_code() {
    let mock = mock().await;
    let provider = mock.provider(TIMEOUT);
    mock.control(
        "/control/script",
        json!({"operation": "deposit", "outcome": "decline", "failure_code": "risk_blocked"}),
    )
    .await;
    mock.control(
        "/control/script",
        json!({"operation": "payout", "outcome": "decline"}),
    )
    .await;

    assert_eq!(
        provider.create_deposit(&deposit("dep_d")).await,
        Err(PspError::Declined {
            status: 422,
            code: "risk_blocked".into()
        })
    );
    assert_eq!(
        provider.create_payout("att_d", &payout("att_d")).await,
        Err(PspError::Declined {
            status: 422,
            code: "declined".into()
        })
    );
    // Declined means nothing happened at the PSP.
    assert_eq!(provider.get_deposit("dep_d").await, Ok(None));
    assert_eq!(provider.get_payout("att_d").await, Ok(None));
    mock.stop().await;
}

#[tokio::test]
async fn timeout_is_unavailable_and_a_later_get_shows_the_truth() {
    let mock = mock().await;
    let provider = mock.provider(Duration::from_millis(300));
    mock.control(
        "/control/script",
        json!({"operation": "deposit", "outcome": "timeout"}),
    )
    .await;

    let started = Instant::now();
    let result = provider.create_deposit(&deposit("dep_t")).await;
    assert_eq!(result, Err(PspError::Unavailable("timeout".into())));
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "the client gave up before the 2 s hang: {:?}",
        started.elapsed()
    );

    let truth = provider.get_deposit("dep_t").await.expect("get answered");
    assert_eq!(truth.map(|t| t.status), Some(PspStatus::Succeeded));
    mock.stop().await;
}

#[tokio::test]
async fn payout_timeout_then_retry_with_the_same_key_makes_one_payout() {
    let mock = mock().await;
    mock.control(
        "/control/script",
        json!({"operation": "payout", "outcome": "timeout"}),
    )
    .await;
    let impatient = mock.provider(Duration::from_millis(300));
    let first = impatient.create_payout("att_t", &payout("att_t")).await;
    assert!(matches!(first, Err(PspError::Unavailable(_))), "{first:?}");

    let retry = impatient
        .create_payout("att_t", &payout("att_t"))
        .await
        .expect("replayed at once");
    assert_eq!(retry.status, PspStatus::Succeeded);
    let snapshot = mock.transactions().await;
    assert_eq!(snapshot.payouts.len(), 1);
    assert_eq!(snapshot.payout_calls.get("att_t"), Some(&2));
    mock.stop().await;
}

#[tokio::test]
async fn reused_idempotency_key_returns_the_same_payout() {
    let mock = mock().await;
    let provider = mock.provider(TIMEOUT);
    let first = provider
        .create_payout("att_1", &payout("att_1"))
        .await
        .expect("accepted");
    let second = provider
        .create_payout("att_1", &payout("att_1"))
        .await
        .expect("replayed");
    assert_eq!(first.id, second.id);
    assert_eq!(first.reference, "att_1");

    let snapshot = mock.transactions().await;
    assert_eq!(snapshot.payouts.len(), 1, "exactly one payout");
    assert_eq!(snapshot.payout_calls.get("att_1"), Some(&2));
    assert_eq!(
        snapshot.payouts[0].idempotency_key.as_deref(),
        Some("att_1")
    );
    assert_eq!(snapshot.payouts[0].amount, "99.99");
    mock.stop().await;
}

#[tokio::test]
async fn payout_without_idempotency_key_is_refused() {
    let mock = mock().await;
    let response = mock
        .http()
        .post(format!("{}/v1/payouts", mock.base))
        .json(&payout("att_nokey"))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.expect("json error body");
    assert_eq!(body, json!({"error": {"code": "missing_idempotency_key"}}));
    assert!(mock.transactions().await.payouts.is_empty());
    mock.stop().await;
}

#[tokio::test]
async fn malformed_bodies_get_a_protocol_error() {
    let mock = mock().await;
    let response = mock
        .http()
        .post(format!("{}/v1/deposits", mock.base))
        .header("content-type", "application/json")
        .body(r#"{"reference": "x", "amount": 10.5}"#)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.expect("json error body");
    assert_eq!(body, json!({"error": {"code": "malformed_request"}}));
    mock.stop().await;
}

#[tokio::test]
async fn float_amounts_are_refused_and_invalid_amounts_declined() {
    let mock = mock().await;
    let provider = mock.provider(TIMEOUT);
    let result = provider
        .create_deposit(&DepositRequest {
            amount: "1e3".into(),
            ..deposit("dep_x")
        })
        .await;
    assert_eq!(
        result,
        Err(PspError::Declined {
            status: 400,
            code: "invalid_amount".into()
        })
    );
    mock.stop().await;
}

#[tokio::test]
async fn unknown_references_are_none() {
    let mock = mock().await;
    let provider = mock.provider(TIMEOUT);
    assert_eq!(provider.get_deposit("nope").await, Ok(None));
    assert_eq!(provider.get_payout("nope").await, Ok(None));
    // A reference that needs escaping still reaches the right route.
    assert_eq!(provider.get_payout("a/b c?").await, Ok(None));
    mock.stop().await;
}

#[tokio::test]
async fn get_reports_pending_then_final_status() {
    let mock = mock().await;
    let provider = mock.provider(TIMEOUT);
    mock.control(
        "/control/script",
        json!({"operation": "payout", "outcome": "fail", "delay_ms": 300, "failure_code": "iban_invalid"}),
    )
    .await;
    let created = provider
        .create_payout("att_g", &payout("att_g"))
        .await
        .expect("accepted");
    let pending = provider.get_payout("att_g").await.expect("answered");
    assert_eq!(pending.as_ref().map(|t| t.status), Some(PspStatus::Pending));

    let engine = mock.engine.clone();
    assert!(
        common::eventually(async || engine
            .payout("att_g")
            .is_some_and(|t| t.status != PspStatus::Pending))
        .await
    );
    let done = provider
        .get_payout("att_g")
        .await
        .expect("answered")
        .expect("known");
    assert_eq!(done.id, created.id);
    assert_eq!(done.status, PspStatus::Failed);
    assert_eq!(done.failure_code.as_deref(), Some("iban_invalid"));
    mock.stop().await;
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).expect("valid timestamp")
}

#[tokio::test]
async fn report_filters_by_window_and_includes_injected_items() {
    let mock = mock().await;
    let provider = mock.provider(TIMEOUT);
    provider
        .create_deposit(&deposit("dep_r"))
        .await
        .expect("accepted");
    provider
        .create_payout("att_r", &payout("att_r"))
        .await
        .expect("accepted");
    let injected = ReportItem {
        r#type: TransactionType::Payout,
        reference: "psp_only".into(),
        id: "psp_777".into(),
        amount: "12.34".into(),
        currency: "EUR".into(),
        status: ReportStatus::Succeeded,
        updated_at: at(1_700_000_000),
    };
    assert_eq!(
        mock.control(
            "/control/report-items",
            serde_json::to_value(&injected).expect("serializes")
        )
        .await,
        204
    );

    let now = Utc::now();
    let recent = provider
        .report(now - TimeDelta::minutes(5), now + TimeDelta::minutes(5))
        .await
        .expect("report answered")
        .items;
    let mut references: Vec<_> = recent.iter().map(|i| i.reference.as_str()).collect();
    references.sort_unstable();
    assert_eq!(references, vec!["att_r", "dep_r"]);
    let dep = recent
        .iter()
        .find(|i| i.reference == "dep_r")
        .expect("listed");
    assert_eq!(dep.r#type, TransactionType::Deposit);
    assert_eq!(dep.amount, "10.00");

    let old = provider
        .report(at(1_699_999_999), at(1_700_000_001))
        .await
        .expect("report answered")
        .items;
    assert_eq!(old, vec![injected.clone()]);

    // Sub-second bounds survive the query string (`+`/`:` are escaped).
    let exact = provider
        .report(
            at(1_700_000_000),
            at(1_700_000_000) + TimeDelta::milliseconds(1),
        )
        .await
        .expect("report answered")
        .items;
    assert_eq!(exact, vec![injected]);

    let empty = provider
        .report(at(0), at(1_000))
        .await
        .expect("report answered")
        .items;
    assert!(empty.is_empty());

    let inverted = provider.report(at(1_000), at(0)).await;
    assert!(matches!(
        inverted,
        Err(PspError::Declined { status: 400, .. })
    ));
    mock.stop().await;
}
