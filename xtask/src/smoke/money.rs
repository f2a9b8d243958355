//! Player-side money helpers shared by the steps: wallet, transactions, deposits.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::client::{Response, new_key};
use super::context::{Smoke, str_at};

/// How long a deposit may stay `pending` before the smoke gives up.
pub const DEPOSIT_TIMEOUT: Duration = Duration::from_secs(20);

/// `GET /me/wallet`, checked to hold exactly `available` and `held`.
pub async fn expect_wallet(
    s: &Smoke,
    what: &str,
    token: &str,
    available: &str,
    held: &str,
) -> Result<Value> {
    let response = s.api.get("/me/wallet", Some(token)).await?;
    let wallet = s.expect_status(what, &response, 200)?;
    s.expect_field(what, &wallet, "/available", available)?;
    s.expect_field(what, &wallet, "/held", held)?;
    Ok(wallet)
}

/// `GET /me/transactions`: the first page's items, newest first.
pub async fn transactions(s: &Smoke, token: &str) -> Result<Vec<Value>> {
    let response = s.api.get("/me/transactions?limit=200", Some(token)).await?;
    let page = s.expect_status("list transactions", &response, 200)?;
    s.require_items("list transactions", &page)
}

/// `GET /me/deposits`: the first page's items, newest first.
pub async fn deposits(s: &Smoke, token: &str) -> Result<Vec<Value>> {
    let response = s.api.get("/me/deposits?limit=200", Some(token)).await?;
    let page = s.expect_status("list deposits", &response, 200)?;
    s.require_items("list deposits", &page)
}

/// The body of a deposit request.
pub fn deposit_body(amount: &str) -> Value {
    json!({"amount": amount, "currency": "EUR"})
}

/// A deposit as sent and answered.
#[derive(Debug, Clone)]
pub struct CreatedDeposit {
    /// The deposit id.
    pub id: String,
    /// The `Idempotency-Key` used.
    pub key: String,
    /// The exact request bytes.
    pub request: Vec<u8>,
    /// The full response.
    pub response: Response,
}

/// `POST /me/deposits` for `amount` EUR with a fresh key, checked to be `201` with a known status.
pub async fn create_deposit(
    s: &Smoke,
    what: &str,
    token: &str,
    amount: &str,
) -> Result<CreatedDeposit> {
    let key = new_key();
    let request = serde_json::to_vec(&deposit_body(amount))?;
    let response = s
        .api
        .post_bytes(
            "/me/deposits",
            Some(token),
            Some(&key),
            request.clone(),
            &[],
        )
        .await?;
    let body = s.expect_status(what, &response, 201)?;
    // The PSP's webhook can overtake the answer on a slow machine: the deposit may
    // already be settled when Kasa replies (it never reverts a settled status).
    let status = s.require_str(what, &body, "/status")?;
    s.check(
        ["pending", "succeeded", "failed"].contains(&status.as_str()),
        || format!("{what}: new deposit has status {status:?}"),
    )?;
    s.expect_field(what, &body, "/amount", amount)?;
    s.expect_field(what, &body, "/currency", "EUR")?;
    s.expect_field(what, &body, "/provider", "mock")?;
    let id = s.require_str(what, &body, "/id")?;
    s.check(uuid::Uuid::parse_str(&id).is_ok(), || {
        format!("{what}: deposit id {id:?} is not a UUID")
    })?;
    Ok(CreatedDeposit {
        id,
        key,
        request,
        response,
    })
}

/// Polls `GET /me/deposits/{id}` until its status is `want`; fails on another terminal status.
pub async fn wait_deposit(
    s: &Smoke,
    what: &str,
    token: &str,
    id: &str,
    want: &str,
) -> Result<Value> {
    let deadline = Instant::now() + DEPOSIT_TIMEOUT;
    let path = format!("/me/deposits/{id}");
    loop {
        let response = s.api.get(&path, Some(token)).await?;
        if response.status != 200 {
            bail!("{what}: expected HTTP 200, got {}", response.summary());
        }
        let body = response.json()?;
        match str_at(&body, "/status") {
            Some(status) if status == want => {
                s.check(true, String::new)?;
                return Ok(body);
            }
            Some("pending") => {}
            other => bail!("{what}: deposit {id} became {other:?}, expected {want:?}: {body}"),
        }
        if Instant::now() >= deadline {
            let psp = s
                .psp
                .transactions()
                .await
                .unwrap_or_else(|e| format!("{e:#}"));
            bail!(
                "{what}: deposit {id} still pending after {DEPOSIT_TIMEOUT:?}: {body}; mock-psp recorded {psp}"
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
