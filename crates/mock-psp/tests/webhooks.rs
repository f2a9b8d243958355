//! Webhooks from the mock PSP server, checked by a receiver that verifies
//! signatures with `psp::signature::verify`.

mod common;

use std::time::Duration;

use common::{MockServer, Receiver, SECRET, eventually};
use psp::event::{DepositRequest, EventType, PayoutRequest, PspStatus};
use psp::{PaymentProvider, PspError};
use serde_json::json;

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
        amount: "42.10".into(),
        currency: "EUR".into(),
        destination: json!({"iban": "DE89370400440532013000"}),
    }
}

async fn setup() -> (MockServer, Receiver) {
    let receiver = Receiver::start(&[SECRET]).await;
    let mock = MockServer::start(Some(receiver.url()), &[SECRET], Duration::from_secs(2)).await;
    (mock, receiver)
}

#[tokio::test]
async fn succeeded_deposit_sends_a_signed_deposit_succeeded() {
    let (mock, receiver) = setup().await;
    let provider = mock.provider(TIMEOUT);

    let created = provider
        .create_deposit(&deposit("dep_1"))
        .await
        .expect("deposit accepted");
    assert_eq!(created.status, PspStatus::Pending);

    let received = receiver.wait_for(1).await;
    assert_eq!(received.len(), 1);
    let webhook = &received[0];
    assert_eq!(webhook.verified, Ok(()));
    let event = webhook.event.as_ref().expect("event parses");
    assert!(event.id.starts_with("evt_"), "{}", event.id);
    assert_eq!(event.r#type, EventType::DepositSucceeded);
    assert_eq!(event.data.reference, "dep_1");
    assert_eq!(
        event.data.provider_ref.as_deref(),
        Some(created.id.as_str())
    );
    assert_eq!(event.data.amount, "10.00");
    assert_eq!(event.data.currency, "EUR");
    assert_eq!(event.data.failure_code, None);
    let now = chrono::Utc::now().timestamp();
    assert!((now - event.created).abs() < 60);

    // The wire body carries the amount as a string and an explicit null failure code.
    let raw: serde_json::Value = serde_json::from_slice(&webhook.raw).expect("json body");
    assert_eq!(raw["data"]["amount"], json!("10.00"));
    assert_eq!(raw["data"]["failure_code"], json!(null));

    let after = provider.get_deposit("dep_1").await.expect("get answered");
    assert_eq!(after.map(|t| t.status), Some(PspStatus::Succeeded));
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn scripted_fail_sends_deposit_failed_with_the_code() {
    let (mock, receiver) = setup().await;
    let status = mock
        .control(
            "/control/script",
            json!({"operation": "deposit", "outcome": "fail", "delay_ms": 0,
                   "duplicate": false, "failure_code": "card_declined"}),
        )
        .await;
    assert_eq!(status, 204);

    mock.provider(TIMEOUT)
        .create_deposit(&deposit("dep_f"))
        .await
        .expect("accepted before failing");
    let received = receiver.wait_for(1).await;
    let event = received[0].event.as_ref().expect("event parses");
    assert_eq!(received[0].verified, Ok(()));
    assert_eq!(event.r#type, EventType::DepositFailed);
    assert_eq!(event.data.failure_code.as_deref(), Some("card_declined"));
    let tx = mock.engine.deposit("dep_f").expect("recorded");
    assert_eq!(tx.status, PspStatus::Failed);
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn payouts_send_payout_succeeded_and_payout_failed() {
    let (mock, receiver) = setup().await;
    let provider = mock.provider(TIMEOUT);
    mock.control(
        "/control/script",
        json!({"operation": "payout", "outcome": "succeed"}),
    )
    .await;
    mock.control(
        "/control/script",
        json!({"operation": "payout", "outcome": "fail", "failure_code": "account_closed"}),
    )
    .await;

    provider
        .create_payout("att_ok", &payout("att_ok"))
        .await
        .expect("accepted");
    receiver.wait_for(1).await;
    provider
        .create_payout("att_ko", &payout("att_ko"))
        .await
        .expect("accepted");
    let received = receiver.wait_for(2).await;

    let events: Vec<_> = received
        .iter()
        .map(|r| r.event.clone().expect("event parses"))
        .collect();
    assert_eq!(events[0].r#type, EventType::PayoutSucceeded);
    assert_eq!(events[0].data.reference, "att_ok");
    assert_eq!(events[0].data.amount, "42.10");
    assert_eq!(events[1].r#type, EventType::PayoutFailed);
    assert_eq!(events[1].data.reference, "att_ko");
    assert_eq!(
        events[1].data.failure_code.as_deref(),
        Some("account_closed")
    );
    assert!(received.iter().all(|r| r.verified.is_ok()));
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn duplicate_delivers_the_same_event_twice() {
    let (mock, receiver) = setup().await;
    mock.control(
        "/control/script",
        json!({"operation": "deposit", "outcome": "succeed", "duplicate": true}),
    )
    .await;
    mock.provider(TIMEOUT)
        .create_deposit(&deposit("dep_dup"))
        .await
        .expect("accepted");

    let received = receiver.wait_for(2).await;
    assert_eq!(received.len(), 2);
    let first = received[0].event.as_ref().expect("event parses");
    let second = received[1].event.as_ref().expect("event parses");
    assert_eq!(first.id, second.id);
    assert_eq!(received[0].raw, received[1].raw, "byte-identical body");
    assert!(received.iter().all(|r| r.verified.is_ok()));

    // No third copy turns up.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.received().len(), 2);
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn delivery_is_retried_until_kasa_accepts() {
    let (mock, receiver) = setup().await;
    // Kasa has not committed the deposit yet: 404 reference_not_found, twice.
    receiver.answer_next(404);
    receiver.answer_next(404);
    receiver.answer_next(500);

    mock.provider(TIMEOUT)
        .create_deposit(&deposit("dep_retry"))
        .await
        .expect("accepted");
    let received = receiver.wait_for(4).await;
    let answered: Vec<u16> = received.iter().map(|r| r.answered).collect();
    assert_eq!(answered, vec![404, 404, 500, 200]);
    let ids: Vec<_> = received
        .iter()
        .map(|r| r.event.as_ref().map(|e| e.id.clone()))
        .collect();
    assert!(ids.iter().all(|id| id == &ids[0]), "one event, redelivered");
    assert!(received.iter().all(|r| r.verified.is_ok()));

    let snapshot = mock.transactions().await;
    assert_eq!(snapshot.webhooks.len(), 1);
    assert_eq!(snapshot.webhooks[0].attempts, 4);
    assert!(snapshot.webhooks[0].delivered);
    assert_eq!(snapshot.webhooks[0].last_status, Some(200));
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn delivery_is_retried_while_kasa_is_down() {
    // Reserve a port, free it, and only start listening there after the first attempts.
    let probe = Receiver::start(&[SECRET]).await;
    let addr = probe.addr;
    probe.stop().await;
    let url = format!("http://{addr}/api/v1/webhooks/mock");
    let mock = MockServer::start(Some(url), &[SECRET], Duration::from_secs(2)).await;
    mock.provider(TIMEOUT)
        .create_deposit(&deposit("dep_down"))
        .await
        .expect("accepted");

    let engine = mock.engine.clone();
    assert!(
        eventually(async || engine
            .snapshot()
            .webhooks
            .first()
            .is_some_and(|d| d.attempts >= 2))
        .await,
        "attempts were made while down"
    );
    assert_eq!(mock.engine.snapshot().webhooks[0].last_status, None);

    // Kasa comes back on the same address; the retries reach it.
    let receiver = Receiver::start_on(addr, &[SECRET]).await;
    let received = receiver.wait_for(1).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].verified, Ok(()));
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn rotation_old_and_new_secret_both_verify_at_a_new_only_receiver() {
    let receiver = Receiver::start(&["whsec_new"]).await;
    let mock = MockServer::start(
        Some(receiver.url()),
        &["whsec_old", "whsec_new"],
        Duration::from_secs(2),
    )
    .await;
    mock.provider(TIMEOUT)
        .create_deposit(&deposit("dep_rot"))
        .await
        .expect("accepted");
    let received = receiver.wait_for(1).await;
    assert_eq!(received[0].verified, Ok(()));
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn receiver_with_another_secret_rejects_and_the_mock_keeps_trying() {
    let receiver = Receiver::start(&["whsec_other"]).await;
    let mock = MockServer::start(Some(receiver.url()), &[SECRET], Duration::from_secs(2)).await;
    mock.provider(TIMEOUT)
        .create_deposit(&deposit("dep_bad"))
        .await
        .expect("accepted");
    let received = receiver.wait_for(2).await;
    assert_eq!(
        received[0].verified,
        Err(psp::signature::SignatureError::NoMatch)
    );
    assert_eq!(received[0].answered, 401);
    assert!(received.len() >= 2, "a 401 is retried");
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn timeout_sends_no_webhook() {
    let (mock, receiver) = setup().await;
    mock.control(
        "/control/script",
        json!({"operation": "deposit", "outcome": "timeout"}),
    )
    .await;
    let result = mock
        .provider(Duration::from_millis(300))
        .create_deposit(&deposit("dep_silent"))
        .await;
    assert!(
        matches!(result, Err(PspError::Unavailable(_))),
        "{result:?}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(receiver.received().is_empty());
    assert!(mock.transactions().await.webhooks.is_empty());
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn reversing_a_payout_sends_payout_reversed() {
    let (mock, receiver) = setup().await;
    let provider = mock.provider(TIMEOUT);
    provider
        .create_payout("att_rev", &payout("att_rev"))
        .await
        .expect("accepted");
    receiver.wait_for(1).await;

    assert_eq!(
        mock.control("/control/payouts/att_rev/reverse", json!({}))
            .await,
        204
    );
    let received = receiver.wait_for(2).await;
    let event = received[1].event.as_ref().expect("event parses");
    assert_eq!(event.r#type, EventType::PayoutReversed);
    assert_eq!(event.data.reference, "att_rev");
    assert_eq!(event.data.amount, "42.10");
    assert_ne!(
        Some(&event.id),
        received[0].event.as_ref().map(|e| &e.id),
        "a reversal is a new event"
    );
    assert_eq!(received[1].verified, Ok(()));

    assert_eq!(
        mock.control("/control/payouts/att_rev/reverse", json!({}))
            .await,
        409
    );
    assert_eq!(
        mock.control("/control/payouts/nope/reverse", json!({}))
            .await,
        404
    );
    mock.stop().await;
    receiver.stop().await;
}

#[tokio::test]
async fn webhook_url_can_be_set_after_start() {
    let receiver = Receiver::start(&[SECRET]).await;
    let mock = MockServer::start(None, &[SECRET], Duration::from_secs(2)).await;
    assert_eq!(
        mock.control("/control/webhook-url", json!({"url": "ftp://x"}))
            .await,
        400
    );
    assert_eq!(
        mock.control("/control/webhook-url", json!({"url": receiver.url()}))
            .await,
        204
    );
    mock.provider(TIMEOUT)
        .create_deposit(&deposit("dep_late"))
        .await
        .expect("accepted");
    assert_eq!(receiver.wait_for(1).await.len(), 1);
    mock.stop().await;
    receiver.stop().await;
}
