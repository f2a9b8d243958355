//! The demo scenario amounts over HTTP, as `kasa` sees them through
//! `psp::HttpProvider`, and the control API's scripts taking precedence.

mod common;

use std::time::Duration;

use common::{MockServer, Receiver, SECRET};
use psp::event::{DepositRequest, EventType, PayoutRequest, PspStatus};
use psp::{PaymentProvider, PspError};
use serde_json::json;

/// The client's timeout: well under the mock's hang.
const TIMEOUT: Duration = Duration::from_millis(400);

fn deposit(reference: &str, amount: &str) -> DepositRequest {
    DepositRequest {
        reference: reference.into(),
        amount: amount.into(),
        currency: "EUR".into(),
    }
}

fn payout(reference: &str, amount: &str) -> PayoutRequest {
    PayoutRequest {
        reference: reference.into(),
        amount: amount.into(),
        currency: "EUR".into(),
        destination: json!({"type": "bank_account", "account": "DE89370400440532013000"}),
    }
}

async fn setup() -> (MockServer, Receiver) {
    let receiver = Receiver::start(&[SECRET]).await;
    let mock = MockServer::start(Some(receiver.url()), &[SECRET], Duration::from_secs(3)).await;
    (mock, receiver)
}

/// Types of the verified webhooks received about `reference`, in order.
fn events_about(receiver: &Receiver, reference: &str) -> Vec<EventType> {
    receiver
        .received()
        .iter()
        .filter(|r| r.verified.is_ok())
        .filter_map(|r| r.event.as_ref())
        .filter(|e| e.data.reference == reference)
        .map(|e| e.r#type)
        .collect()
}

async fn wait_for_events(receiver: &Receiver, reference: &str, n: usize) -> Vec<EventType> {
    common::eventually(async || events_about(receiver, reference).len() >= n).await;
    events_about(receiver, reference)
}

#[tokio::test]
async fn deposit_of_x13_is_accepted_then_fails_by_webhook() {
    let (mock, receiver) = setup().await;
    let provider = mock.provider(TIMEOUT);
    let created = provider.create_deposit(&deposit("d13", "10.13")).await;
    assert_eq!(created.map(|t| t.status), Ok(PspStatus::Pending));
    assert_eq!(
        wait_for_events(&receiver, "d13", 1).await,
        [EventType::DepositFailed]
    );
    let known = provider.get_deposit("d13").await.ok().flatten();
    assert_eq!(known.as_ref().map(|t| t.status), Some(PspStatus::Failed));
    assert_eq!(
        known.and_then(|t| t.failure_code).as_deref(),
        Some("card_declined")
    );
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn deposit_of_x44_succeeds_then_a_contradicting_failure_follows() {
    let (mock, receiver) = setup().await;
    let provider = mock.provider(TIMEOUT);
    assert!(
        provider
            .create_deposit(&deposit("d44", "25.44"))
            .await
            .is_ok()
    );
    assert_eq!(
        wait_for_events(&receiver, "d44", 2).await,
        [EventType::DepositSucceeded, EventType::DepositFailed]
    );
    let ids: Vec<String> = receiver
        .received()
        .iter()
        .filter_map(|r| r.event.as_ref().map(|e| e.id.clone()))
        .collect();
    assert_ne!(ids[0], ids[1], "the contradiction is a new event");
    // The PSP's own record keeps the success.
    let known = provider.get_deposit("d44").await.ok().flatten();
    assert_eq!(known.map(|t| t.status), Some(PspStatus::Succeeded));
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn payout_of_x66_times_out_but_is_paid() {
    let (mock, receiver) = setup().await;
    let provider = mock.provider(TIMEOUT);
    let answer = provider.create_payout("p66", &payout("p66", "12.66")).await;
    assert_eq!(answer, Err(PspError::Unavailable("timeout".into())));
    let known = provider.get_payout("p66").await.ok().flatten();
    assert_eq!(known.map(|t| t.status), Some(PspStatus::Succeeded));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(events_about(&receiver, "p66").is_empty(), "no webhook");
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn payout_of_x77_fails_once_per_destination_and_amount() {
    let (mock, receiver) = setup().await;
    let provider = mock.provider(TIMEOUT);
    let first = provider
        .create_payout("p77a", &payout("p77a", "20.77"))
        .await;
    assert_eq!(first.map(|t| t.status), Ok(PspStatus::Pending));
    assert_eq!(
        wait_for_events(&receiver, "p77a", 1).await,
        [EventType::PayoutFailed]
    );
    // Another amount to the same destination fails on its own first time.
    assert!(
        provider
            .create_payout("p77b", &payout("p77b", "1.77"))
            .await
            .is_ok()
    );
    assert_eq!(
        wait_for_events(&receiver, "p77b", 1).await,
        [EventType::PayoutFailed]
    );
    // The retry (a new attempt: new reference and key) pays.
    assert!(
        provider
            .create_payout("p77c", &payout("p77c", "20.77"))
            .await
            .is_ok()
    );
    assert_eq!(
        wait_for_events(&receiver, "p77c", 1).await,
        [EventType::PayoutSucceeded]
    );
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn a_script_from_the_control_api_wins_over_the_scenario() {
    let (mock, receiver) = setup().await;
    let provider = mock.provider(TIMEOUT);
    assert_eq!(
        mock.control(
            "/control/script",
            json!({"operation": "deposit", "outcome": "succeed"})
        )
        .await,
        204
    );
    assert_eq!(
        mock.control(
            "/control/script",
            json!({"operation": "payout", "outcome": "fail", "failure_code": "scripted"})
        )
        .await,
        204
    );
    assert!(
        provider
            .create_deposit(&deposit("s13", "10.13"))
            .await
            .is_ok()
    );
    assert!(
        provider
            .create_payout("s66", &payout("s66", "10.66"))
            .await
            .is_ok()
    );
    assert_eq!(
        wait_for_events(&receiver, "s13", 1).await,
        [EventType::DepositSucceeded]
    );
    assert_eq!(
        wait_for_events(&receiver, "s66", 1).await,
        [EventType::PayoutFailed]
    );
    // With the queue empty again, the scenario applies.
    assert_eq!(
        provider.create_payout("n66", &payout("n66", "10.66")).await,
        Err(PspError::Unavailable("timeout".into()))
    );
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn a_scripted_contradiction_works_for_any_amount() {
    let (mock, receiver) = setup().await;
    let provider = mock.provider(TIMEOUT);
    mock.control(
        "/control/script",
        json!({"operation": "payout", "outcome": "succeed", "contradict": true}),
    )
    .await;
    assert!(
        provider
            .create_payout("c1", &payout("c1", "5.00"))
            .await
            .is_ok()
    );
    assert_eq!(
        wait_for_events(&receiver, "c1", 2).await,
        [EventType::PayoutSucceeded, EventType::PayoutFailed]
    );
    mock.stop().await;
    receiver.stop().await;
}
