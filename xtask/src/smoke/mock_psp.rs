//! The mock PSP's control API: script the outcome of its next deposit or payout.

use anyhow::{Context, Result, bail};
use serde::Serialize;

use super::client::http_client;

/// The scripted outcome of the mock PSP's next create call of one operation.
#[derive(Debug, Clone, Serialize)]
pub struct Script {
    /// `deposit` or `payout`.
    pub operation: &'static str,
    /// `succeed`, `fail`, `decline` or `timeout`.
    pub outcome: &'static str,
    /// Delay before the outcome's webhook is sent.
    pub delay_ms: u64,
    /// Deliver the outcome's webhook twice.
    pub duplicate: bool,
    /// The failure code reported with `fail` or `decline`.
    pub failure_code: Option<String>,
}

impl Script {
    /// The next deposit ends with `outcome`, delivered once, at once.
    pub fn deposit(outcome: &'static str) -> Self {
        Self {
            operation: "deposit",
            outcome,
            delay_ms: 0,
            duplicate: false,
            failure_code: None,
        }
    }

    /// The next payout ends with `outcome`.
    pub fn payout(outcome: &'static str) -> Self {
        Self {
            operation: "payout",
            ..Self::deposit(outcome)
        }
    }

    /// Also deliver the webhook a second time.
    pub fn duplicated(mut self) -> Self {
        self.duplicate = true;
        self
    }
}

/// A client for the mock PSP's control API.
#[derive(Debug, Clone)]
pub struct MockPsp {
    http: reqwest::Client,
    base: String,
}

impl MockPsp {
    /// A control client for the mock PSP at `base` (`http://host:port`).
    pub fn new(base: impl Into<String>) -> Result<Self> {
        Ok(Self {
            http: http_client()?,
            base: base.into(),
        })
    }

    /// `POST /control/script`: queues `script` for the next create call of its operation.
    pub async fn script(&self, script: &Script) -> Result<()> {
        let response = self
            .http
            .post(format!("{}/control/script", self.base))
            .json(script)
            .send()
            .await
            .context("POST /control/script on mock-psp")?;
        let status = response.status();
        if status.as_u16() != 204 {
            let body = response.text().await.unwrap_or_default();
            bail!("mock-psp POST /control/script -> {status} (expected 204): {body}");
        }
        Ok(())
    }

    /// `POST` a control command that answers 204.
    async fn control(&self, path: &str, body: &serde_json::Value) -> Result<()> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .with_context(|| format!("POST {path} on mock-psp"))?;
        let status = response.status();
        if status.as_u16() != 204 {
            let body = response.text().await.unwrap_or_default();
            bail!("mock-psp POST {path} -> {status} (expected 204): {body}");
        }
        Ok(())
    }

    /// Reverses a succeeded payout: the PSP sends `payout.reversed`.
    pub async fn reverse(&self, reference: &str) -> Result<()> {
        self.control(
            &format!("/control/payouts/{reference}/reverse"),
            &serde_json::json!({}),
        )
        .await
    }

    /// Adds a transaction that only the PSP's report knows.
    pub async fn inject_report_item(&self, item: &serde_json::Value) -> Result<()> {
        self.control("/control/report-items", item).await
    }

    /// `GET /control/transactions` as JSON.
    pub async fn snapshot(&self) -> Result<serde_json::Value> {
        let response = self
            .http
            .get(format!("{}/control/transactions", self.base))
            .send()
            .await
            .context("GET /control/transactions on mock-psp")?;
        response
            .json()
            .await
            .context("reading mock-psp's transactions")
    }

    /// `GET /control/transactions` as text, for diagnostics.
    pub async fn transactions(&self) -> Result<String> {
        let response = self
            .http
            .get(format!("{}/control/transactions", self.base))
            .send()
            .await
            .context("GET /control/transactions on mock-psp")?;
        let status = response.status();
        let body = response
            .text()
            .await
            .context("reading mock-psp's transactions")?;
        Ok(format!("{status}: {body}"))
    }
}
