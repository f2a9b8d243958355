//! Kasa's own verifications, as an admin calls them: `POST /admin/ledger/verify`
//! (every wallet equals its postings, every transaction balances) and `GET
//! /admin/audit-events/verify` (the audit hash chains), during the run whenever
//! the server is up and once after it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::bench::seed;
use crate::bench::stack::Stack;
use crate::smoke::client::{Client, Response};

/// How long the final verification waits for the server to answer.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(60);

/// What one verification came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// It reported ok; what it checked.
    Ok(String),
    /// It answered, and not ok (or not as the contract says): what it said.
    Failed(String),
    /// No answer to judge (server down or restarting, a 5xx): why.
    Unreachable(String),
}

/// Verifications during the run.
#[derive(Debug, Clone, Default)]
pub struct Periodic {
    /// Rounds that found the server up and both verifications ok.
    pub ok: u64,
    /// Rounds skipped because the server did not answer.
    pub skipped: u64,
    /// Every failed verification.
    pub failures: Vec<String>,
}

/// An admin of the stack, calling the verifications.
pub struct Verifier {
    api: Client,
    email: String,
    password: String,
    token: Mutex<Option<String>>,
}

impl Verifier {
    /// The stack's bootstrap admin.
    pub fn new(stack: &Stack) -> Result<Self> {
        Ok(Self {
            api: Client::new(&stack.api_base)?,
            email: stack.admin_email.clone(),
            password: stack.admin_password.clone(),
            token: Mutex::new(None),
        })
    }

    /// `POST /admin/ledger/verify`.
    pub async fn ledger(&self) -> Check {
        let response = match self.call(true, "/admin/ledger/verify").await {
            Ok(response) => response,
            Err(error) => return Check::Unreachable(format!("{error:#}")),
        };
        judge(&response, |report| {
            let wallets = report.get("wallets_checked").and_then(Value::as_u64);
            let clean = report
                .get("mismatches")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty);
            match wallets {
                Some(wallets) if clean => Some(format!("{wallets} wallets")),
                _ => None,
            }
        })
    }

    /// `GET /admin/audit-events/verify`.
    pub async fn audit(&self) -> Check {
        let response = match self.call(false, "/admin/audit-events/verify").await {
            Ok(response) => response,
            Err(error) => return Check::Unreachable(format!("{error:#}")),
        };
        judge(&response, |report| {
            let count = report.get("count").and_then(Value::as_u64)?;
            Some(format!("{count} events"))
        })
    }

    /// Both verifications once the run is over, waiting up to [`SETTLE_TIMEOUT`]
    /// for answers.
    pub async fn settled(&self) -> (Check, Check) {
        let started = Instant::now();
        loop {
            let checks = (self.ledger().await, self.audit().await);
            let reached = !matches!(
                checks,
                (Check::Unreachable(_), _) | (_, Check::Unreachable(_))
            );
            if reached || started.elapsed() >= SETTLE_TIMEOUT {
                return checks;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// Every ~`every` until `deadline`: both verifications, with a progress line
    /// showing `answered` calls.
    pub async fn periodic(
        &self,
        every: Duration,
        deadline: Instant,
        answered: &AtomicU64,
    ) -> Periodic {
        let mut done = Periodic::default();
        let started = Instant::now();
        loop {
            let wake = Instant::now() + every;
            if wake >= deadline {
                return done;
            }
            tokio::time::sleep_until(wake.into()).await;
            let (ledger, audit) = (self.ledger().await, self.audit().await);
            let line = format!(
                "chaos: {:>4.0} s, {} calls answered; ledger verify: {}; audit verify: {}",
                started.elapsed().as_secs_f64(),
                answered.load(Ordering::Relaxed),
                show(&ledger),
                show(&audit)
            );
            println!("{line}");
            match (&ledger, &audit) {
                (Check::Ok(_), Check::Ok(_)) => done.ok += 1,
                _ => {
                    let mut failed = false;
                    for (name, check) in [("ledger", &ledger), ("audit", &audit)] {
                        if let Check::Failed(what) = check {
                            done.failures.push(format!("{name} verify: {what}"));
                            failed = true;
                        }
                    }
                    if !failed {
                        done.skipped += 1;
                    }
                }
            }
        }
    }

    /// One admin call (`POST {}` or `GET`), logging in again once on a `401`.
    async fn call(&self, post: bool, path: &str) -> Result<Response> {
        let mut retried = false;
        loop {
            let token = self.token().await?;
            let response = if post {
                self.api
                    .post_json(path, Some(&token), None, &json!({}))
                    .await?
            } else {
                self.api.get(path, Some(&token)).await?
            };
            if response.status != 401 || retried {
                return Ok(response);
            }
            retried = true;
            *self.token.lock().await = None;
        }
    }

    /// The cached admin token, logging in when there is none.
    async fn token(&self) -> Result<String> {
        let mut token = self.token.lock().await;
        if let Some(token) = token.as_ref() {
            return Ok(token.clone());
        }
        let login = seed::post(
            &self.api,
            "/auth/admin/login",
            None,
            None,
            &json!({"email": self.email, "password": self.password}),
            200,
        )
        .await?;
        let fresh = seed::text(&login, "/access_token")?;
        *token = Some(fresh.clone());
        Ok(fresh)
    }
}

/// A verification's answer: `200` with `ok: true` and what `checked` reads from
/// it is ok; a `5xx` is no answer; anything else failed.
fn judge(response: &Response, checked: impl FnOnce(&Value) -> Option<String>) -> Check {
    if response.status >= 500 {
        return Check::Unreachable(response.summary());
    }
    let report = match (response.status, response.json()) {
        (200, Ok(report)) => report,
        _ => return Check::Failed(response.summary()),
    };
    let ok = report.get("ok") == Some(&Value::Bool(true));
    match checked(&report) {
        Some(what) if ok => Check::Ok(what),
        _ => Check::Failed(response.summary()),
    }
}

/// `ok (32 wallets)`, `FAILED: …`, `skipped (…)`.
pub fn show(check: &Check) -> String {
    match check {
        Check::Ok(what) => format!("ok ({what})"),
        Check::Failed(what) => format!("FAILED: {what}"),
        Check::Unreachable(why) => {
            let why: String = why.chars().take(120).collect();
            format!("skipped, server not answering ({why})")
        }
    }
}
