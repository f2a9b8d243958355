//! Signed webhook delivery from the mock PSP to Kasa, with retries.

use std::time::Duration;

use chrono::Utc;
use reqwest::header::CONTENT_TYPE;
use secrecy::ExposeSecret;

use super::MockPsp;
use super::state::{DeliveryRecord, MockTransaction};
use crate::event::{EventData, EventType, WebhookEvent};
use crate::signature;

/// Delivery attempts per event before giving up.
pub const MAX_ATTEMPTS: u32 = 10;
/// Wait after the first failed attempt; doubles after each one.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(50);
/// Longest wait between attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// Timeout of one delivery POST.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(2);

/// A fresh event of `event_type` about `tx`.
pub(crate) fn new_event(event_type: EventType, tx: &MockTransaction) -> WebhookEvent {
    WebhookEvent {
        id: format!("evt_{}", uuid::Uuid::new_v4().simple()),
        r#type: event_type,
        created: Utc::now().timestamp(),
        data: EventData {
            reference: tx.reference.clone(),
            provider_ref: Some(tx.id.clone()),
            amount: tx.amount.clone(),
            currency: tx.currency.clone(),
            failure_code: tx.failure_code.clone(),
        },
    }
}

/// An event that contradicts `event` (a fresh id): `*.failed` with
/// [`super::scenario::CONTRADICTION_CODE`] after a success, `*.succeeded` after a
/// failure. `None` for a reversal, which nothing contradicts.
pub(crate) fn contradicting_event(event: &WebhookEvent) -> Option<WebhookEvent> {
    let (r#type, failure_code) = match event.r#type {
        EventType::DepositSucceeded => (
            EventType::DepositFailed,
            Some(super::scenario::CONTRADICTION_CODE.to_owned()),
        ),
        EventType::PayoutSucceeded => (
            EventType::PayoutFailed,
            Some(super::scenario::CONTRADICTION_CODE.to_owned()),
        ),
        EventType::DepositFailed => (EventType::DepositSucceeded, None),
        EventType::PayoutFailed => (EventType::PayoutSucceeded, None),
        EventType::PayoutReversed => return None,
    };
    Some(WebhookEvent {
        id: format!("evt_{}", uuid::Uuid::new_v4().simple()),
        r#type,
        created: Utc::now().timestamp(),
        data: EventData {
            failure_code,
            ..event.data.clone()
        },
    })
}

impl MockPsp {
    /// POSTs `event` to the webhook URL, signed with every configured secret, retrying
    /// with backoff while Kasa answers non-2xx or cannot be reached (a 404 means Kasa
    /// has not committed the transaction yet). Returns whether Kasa accepted it.
    pub async fn deliver_webhook(&self, event: &WebhookEvent) -> bool {
        let body = match serde_json::to_vec(event) {
            Ok(body) => body,
            Err(e) => {
                tracing::error!(event_id = %event.id, error = %e, "cannot serialize webhook");
                return false;
            }
        };
        let Some(http) = self.inner.http.as_ref() else {
            tracing::error!(event_id = %event.id, "no HTTP client, webhook dropped");
            return false;
        };
        let (generation, delivery) = self.start_delivery(event);
        let mut backoff = FIRST_BACKOFF;
        for attempt in 1..=MAX_ATTEMPTS {
            let Some(url) = self.webhook_url() else {
                tracing::debug!(event_id = %event.id, "no webhook URL, webhook dropped");
                return false;
            };
            let header = self.sign(&body);
            let answer = http
                .post(&url)
                .header(signature::HEADER, header)
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone())
                .send()
                .await;
            let status = match &answer {
                Ok(response) => Some(response.status()),
                Err(e) => {
                    tracing::debug!(event_id = %event.id, attempt, error = %e, "webhook unreachable");
                    None
                }
            };
            let delivered = status.is_some_and(|s| s.is_success());
            self.record_attempt(
                generation,
                delivery,
                attempt,
                status.map(|s| s.as_u16()),
                delivered,
            );
            if delivered {
                tracing::debug!(event_id = %event.id, attempt, "webhook delivered");
                return true;
            }
            if attempt < MAX_ATTEMPTS {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
        tracing::warn!(event_id = %event.id, "webhook not delivered, giving up");
        false
    }

    /// Delivers `event` once, or twice when `duplicate`, on a background task.
    pub(crate) fn spawn_delivery(&self, event: WebhookEvent, duplicate: bool) {
        let psp = self.clone();
        self.spawn(async move {
            psp.deliver_webhook(&event).await;
            // The copy follows the first delivery, like a PSP-side redelivery would.
            if duplicate {
                psp.deliver_webhook(&event).await;
            }
        });
    }

    fn sign(&self, body: &[u8]) -> String {
        let secrets: Vec<&[u8]> = self
            .inner
            .secrets
            .iter()
            .map(|s| s.expose_secret().as_bytes())
            .collect();
        signature::sign(&secrets, Utc::now().timestamp(), body)
    }

    fn start_delivery(&self, event: &WebhookEvent) -> (u64, u64) {
        let mut state = self.lock();
        let id = state.next_seq();
        state.deliveries.push((
            id,
            DeliveryRecord {
                event_id: event.id.clone(),
                event_type: event.r#type,
                reference: event.data.reference.clone(),
                attempts: 0,
                last_status: None,
                delivered: false,
            },
        ));
        (state.generation, id)
    }

    fn record_attempt(
        &self,
        generation: u64,
        delivery: u64,
        attempts: u32,
        last_status: Option<u16>,
        delivered: bool,
    ) {
        let mut state = self.lock();
        if state.generation != generation {
            return;
        }
        if let Some((_, record)) = state.deliveries.iter_mut().find(|(id, _)| *id == delivery) {
            record.attempts = attempts;
            record.last_status = last_status;
            record.delivered = delivered;
        }
    }
}
