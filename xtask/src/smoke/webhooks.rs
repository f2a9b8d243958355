//! Step "webhooks": the smoke plays the PSP and sends signed events itself — a replay
//! of a known outcome, the same bytes twice, a contradicting late event, a bad signature
//! and an unknown reference. None of them may move money.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde_json::{Value, json};

use super::client::Response;
use super::context::Smoke;
use super::money::{expect_wallet, transactions};

/// Where the mock provider's webhooks arrive.
const WEBHOOK_PATH: &str = "/webhooks/mock";

/// Seconds since the Unix epoch.
fn now() -> Result<i64> {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .context("the system clock is before 1970")?;
    i64::try_from(elapsed.as_secs()).context("the system clock is too far in the future")
}

/// A webhook event body as the contract's Webhooks section defines it.
fn event(
    kind: &str,
    reference: &str,
    provider_ref: &str,
    amount: &str,
    failure_code: Option<&str>,
) -> Result<Vec<u8>> {
    let event = json!({
        "id": format!("evt_smoke_{}", uuid::Uuid::new_v4()),
        "type": kind,
        "created": now()?,
        "data": {
            "reference": reference,
            "provider_ref": provider_ref,
            "amount": amount,
            "currency": "EUR",
            "failure_code": failure_code,
        },
    });
    serde_json::to_vec(&event).context("serializing a webhook event")
}

/// The `Kasa-Signature` header for `body` signed with `secret` now.
fn signature(secret: &str, body: &[u8]) -> Result<String> {
    Ok(psp::signature::sign(&[secret.as_bytes()], now()?, body))
}

/// POSTs a webhook body with an optional `Kasa-Signature` header.
async fn deliver(s: &Smoke, body: &[u8], signature: Option<&str>) -> Result<Response> {
    let headers: Vec<(&str, &str)> = signature
        .map(|value| vec![("Kasa-Signature", value)])
        .unwrap_or_default();
    s.api
        .post_bytes(WEBHOOK_PATH, None, None, body.to_vec(), &headers)
        .await
}

/// Checks a webhook answer is `200 {"status": <status>}`.
fn expect_outcome(s: &Smoke, what: &str, response: &Response, status: &str) -> Result<()> {
    let body = s.expect_status(what, response, 200)?;
    s.expect_field(what, &body, "/status", status)
}

/// The step.
pub async fn replays(s: &mut Smoke) -> Result<()> {
    let player = s.player()?;
    let token = player.token.as_str();
    let admin = s.admin_token()?;
    let deposit = s.first_deposit()?;
    let secret = s.webhook_secret.clone();

    // A new event id repeating the deposit's known outcome: acknowledged, no money.
    let body = event(
        "deposit.succeeded",
        &deposit.id,
        &deposit.provider_ref,
        "25.00",
        None,
    )?;
    let header = signature(&secret, &body)?;
    let response = deliver(s, &body, Some(&header)).await?;
    expect_outcome(
        s,
        "replayed deposit.succeeded (new event id)",
        &response,
        "duplicate",
    )?;

    // The identical delivery again: the same event id is processed once, ever.
    let response = deliver(s, &body, Some(&header)).await?;
    expect_outcome(s, "identical webhook bytes again", &response, "duplicate")?;

    // A late contradicting outcome for a terminal deposit: an anomaly, no money.
    let contradicting = event(
        "deposit.failed",
        &deposit.id,
        &deposit.provider_ref,
        "25.00",
        Some("smoke_contradiction"),
    )?;
    let event_id = serde_json::from_slice::<Value>(&contradicting)?
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .context("the event has an id")?;
    let response = deliver(
        s,
        &contradicting,
        Some(&signature(&secret, &contradicting)?),
    )
    .await?;
    expect_outcome(
        s,
        "deposit.failed for a succeeded deposit",
        &response,
        "anomaly",
    )?;
    let response = s
        .api
        .get("/admin/anomalies?limit=200", Some(&admin))
        .await?;
    let page = s.expect_status("list anomalies", &response, 200)?;
    let items = s.require_items("list anomalies", &page)?;
    let listed = items.iter().any(|item| {
        let text = item.to_string();
        text.contains(&deposit.id) || text.contains(&event_id)
    });
    s.check(listed, || {
        format!(
            "list anomalies: no anomaly mentions deposit {} or event {event_id}: {}",
            deposit.id,
            response.summary()
        )
    })?;

    // A signature made with another secret, and none at all.
    let forged = event(
        "deposit.succeeded",
        &deposit.id,
        &deposit.provider_ref,
        "25.00",
        None,
    )?;
    let wrong = signature("not-the-webhook-secret", &forged)?;
    let response = deliver(s, &forged, Some(&wrong)).await?;
    s.expect_problem(
        "webhook with a wrong signature",
        &response,
        401,
        "invalid_signature",
    )?;
    let response = deliver(s, &forged, None).await?;
    s.expect_problem(
        "webhook without a signature",
        &response,
        401,
        "invalid_signature",
    )?;

    // An event for a deposit Kasa never created.
    let unknown = uuid::Uuid::new_v4().to_string();
    let body = event("deposit.succeeded", &unknown, "psp_unknown", "25.00", None)?;
    let response = deliver(s, &body, Some(&signature(&secret, &body)?)).await?;
    s.expect_problem(
        "webhook for an unknown reference",
        &response,
        404,
        "reference_not_found",
    )?;

    expect_wallet(s, "wallet after webhook replays", token, "30.00", "0.00").await?;
    s.check_eq(
        "transactions after webhook replays",
        transactions(s, token).await?.len(),
        2,
    )?;
    Ok(())
}
