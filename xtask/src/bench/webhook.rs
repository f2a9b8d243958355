//! The bench plays the PSP: signed `deposit.succeeded` webhooks for pending deposits.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

use super::load::Outcome;
use super::seed::PendingDeposit;
use super::stack::Stack;

/// Where and how to deliver webhooks.
#[derive(Debug, Clone)]
pub struct Webhooks {
    url: String,
    secret: String,
}

impl Webhooks {
    /// Webhooks to the mock provider's endpoint of `stack`.
    pub fn new(stack: &Stack) -> Self {
        Self {
            url: format!("{}/webhooks/mock", stack.api_base),
            secret: stack.webhook_secret.clone(),
        }
    }

    /// Delivers a signed `deposit.succeeded` for `deposit`; expects `200 processed`.
    pub async fn succeed(&self, http: &reqwest::Client, deposit: &PendingDeposit) -> Outcome {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let event = json!({
            "id": format!("evt_bench_{}", uuid::Uuid::new_v4().simple()),
            "type": "deposit.succeeded",
            "created": now,
            "data": {
                "reference": deposit.id,
                "provider_ref": deposit.provider_ref,
                "amount": deposit.amount,
                "currency": "EUR",
                "failure_code": null,
            },
        });
        let body = match serde_json::to_vec(&event) {
            Ok(body) => body,
            Err(error) => return Outcome::Failed(format!("serializing an event: {error}")),
        };
        let signature = psp::signature::sign(&[self.secret.as_bytes()], now, &body);
        let response = http
            .post(&self.url)
            .header("Content-Type", "application/json")
            .header("Kasa-Signature", signature)
            .body(body)
            .send()
            .await;
        expect(response, 200, b"\"processed\"").await
    }
}

/// `Ok` when the response has status `status` and its body contains `needle`.
pub async fn expect(
    response: reqwest::Result<reqwest::Response>,
    status: u16,
    needle: &[u8],
) -> Outcome {
    let response = match response {
        Ok(response) => response,
        Err(error) => return Outcome::Failed(format!("transport: {error}")),
    };
    let got = response.status().as_u16();
    match response.bytes().await {
        Ok(body) if got == status && contains(&body, needle) => Outcome::Ok,
        Ok(body) => Outcome::Failed(format!(
            "status {got}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        )),
        Err(error) => Outcome::Failed(format!("reading a body: {error}")),
    }
}

/// Whether `haystack` contains `needle`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}
