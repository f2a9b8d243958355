//! What the smoke steps share: clients, secrets, the state earlier steps created,
//! and the assertion helpers that count checks.

use std::cell::Cell;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::client::{Client, Response};
use super::mock_psp::MockPsp;
use super::stack::Launcher;
use crate::process::ChildGuard;

/// A player created by the smoke.
#[derive(Debug, Clone)]
pub struct Player {
    /// The player's id.
    pub id: String,
    /// The tenant slug the player belongs to.
    pub tenant: String,
    /// The player's email.
    pub email: String,
    /// The player's password (for programs that log in themselves).
    pub password: String,
    /// A valid player access token.
    pub token: String,
}

/// The first (succeeded) deposit, recorded exactly as it was sent and answered.
#[derive(Debug, Clone)]
pub struct RecordedDeposit {
    /// The deposit id.
    pub id: String,
    /// The PSP's id for it, known once it succeeded.
    pub provider_ref: String,
    /// The `Idempotency-Key` it was created with.
    pub key: String,
    /// The exact request body bytes.
    pub request: Vec<u8>,
    /// The status code of the creating response.
    pub status: u16,
    /// The exact body bytes of the creating response.
    pub response: Vec<u8>,
}

/// The shared state of a smoke run.
#[derive(Debug)]
pub struct Smoke {
    /// Kasa's API under `/api/v1`.
    pub api: Client,
    /// The mock PSP's control API.
    pub psp: MockPsp,
    /// The webhook secret shared by Kasa and the mock PSP.
    pub webhook_secret: String,
    /// The bootstrap admin's email.
    pub admin_email: String,
    /// The bootstrap admin's password.
    pub admin_password: String,
    /// The admin access token (step "accounts").
    pub admin_token: Option<String>,
    /// The first tenant's player (step "accounts").
    pub player: Option<Player>,
    /// The succeeded deposit of step "deposit succeeded".
    pub first_deposit: Option<RecordedDeposit>,
    /// Starts more `kasa` processes (restarts, workers).
    pub launcher: Option<Launcher>,
    /// The running `kasa serve` (steps may kill and restart it).
    pub kasa: Option<ChildGuard>,
    /// `kasa worker` processes started by steps.
    pub workers: Vec<ChildGuard>,
    /// The `mock-games` binary (set when the stack started).
    pub mock_games: Option<PathBuf>,
    checks: Cell<usize>,
}

impl Smoke {
    /// A fresh run with nothing created yet.
    pub fn new(
        api: Client,
        psp: MockPsp,
        webhook_secret: String,
        admin_email: String,
        admin_password: String,
    ) -> Self {
        Self {
            api,
            psp,
            webhook_secret,
            admin_email,
            admin_password,
            admin_token: None,
            player: None,
            first_deposit: None,
            launcher: None,
            kasa: None,
            workers: Vec::new(),
            mock_games: None,
            checks: Cell::new(0),
        }
    }

    /// How many checks have passed so far.
    pub fn checks(&self) -> usize {
        self.checks.get()
    }

    /// The admin token (an earlier step must have logged in).
    pub fn admin_token(&self) -> Result<String> {
        self.admin_token
            .clone()
            .context("no admin token: the accounts step did not run")
    }

    /// The first player (an earlier step must have created it).
    pub fn player(&self) -> Result<Player> {
        self.player
            .clone()
            .context("no player: the accounts step did not run")
    }

    /// The first deposit (an earlier step must have created it).
    pub fn first_deposit(&self) -> Result<RecordedDeposit> {
        self.first_deposit
            .clone()
            .context("no recorded deposit: the succeeded-deposit step did not run")
    }

    /// The process launcher (set when the stack started).
    pub fn launcher(&self) -> Result<Launcher> {
        self.launcher
            .clone()
            .context("no launcher: the stack did not start")
    }

    /// The `mock-games` binary (set when the stack started).
    pub fn mock_games(&self) -> Result<PathBuf> {
        self.mock_games
            .clone()
            .context("no mock-games binary: the stack did not start")
    }

    /// The logs' tails of the processes the steps own, for a failure report.
    pub fn tails(&self) -> String {
        self.kasa
            .iter()
            .chain(&self.workers)
            .map(|c| {
                format!(
                    "----- last lines of {} ({}) -----\n{}",
                    c.name(),
                    c.log().display(),
                    c.tail(80)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Counts a check that holds, or fails with `what()`.
    pub fn check(&self, ok: bool, what: impl FnOnce() -> String) -> Result<()> {
        if !ok {
            bail!("{}", what());
        }
        self.checks.set(self.checks.get() + 1);
        Ok(())
    }

    /// Checks `actual == expected`.
    pub fn check_eq<T>(&self, what: &str, actual: T, expected: T) -> Result<()>
    where
        T: PartialEq + std::fmt::Debug,
    {
        let ok = actual == expected;
        self.check(ok, || {
            format!("{what}: expected {expected:?}, got {actual:?}")
        })
    }

    /// Checks the response status and returns its JSON body (or `Null` for an empty body).
    pub fn expect_status(&self, what: &str, response: &Response, status: u16) -> Result<Value> {
        self.check(response.status == status, || {
            format!("{what}: expected HTTP {status}, got {}", response.summary())
        })?;
        if response.body.is_empty() {
            return Ok(Value::Null);
        }
        response.json().with_context(|| what.to_owned())
    }

    /// Checks the response is an RFC 9457 problem with this status and `code`.
    pub fn expect_problem(
        &self,
        what: &str,
        response: &Response,
        status: u16,
        code: &str,
    ) -> Result<Value> {
        let body = self.expect_status(what, response, status)?;
        let content_type = response.header("content-type").unwrap_or_default();
        self.check(content_type.starts_with("application/problem+json"), || {
            format!(
                "{what}: expected Content-Type application/problem+json, got {content_type:?} ({})",
                response.summary()
            )
        })?;
        self.check(str_at(&body, "/code") == Some(code), || {
            format!(
                "{what}: expected problem code {code:?}, got {}",
                response.summary()
            )
        })?;
        self.check(
            body.pointer("/status").and_then(Value::as_u64) == Some(u64::from(status)),
            || {
                format!(
                    "{what}: the problem's `status` field is not {status}: {}",
                    response.summary()
                )
            },
        )?;
        Ok(body)
    }

    /// Checks that the string at JSON `pointer` (e.g. `/status`) equals `expected`.
    pub fn expect_field(
        &self,
        what: &str,
        body: &Value,
        pointer: &str,
        expected: &str,
    ) -> Result<()> {
        self.check(str_at(body, pointer) == Some(expected), || {
            format!(
                "{what}: expected {pointer} = {expected:?}, got {} in {body}",
                body.pointer(pointer)
                    .map_or_else(|| "nothing".to_owned(), Value::to_string)
            )
        })
    }

    /// The string at JSON `pointer`, or a failure naming `what`.
    pub fn require_str(&self, what: &str, body: &Value, pointer: &str) -> Result<String> {
        let value = str_at(body, pointer)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        self.check(value.is_some(), || {
            format!("{what}: expected a non-empty string at {pointer} in {body}")
        })?;
        value.context("checked above")
    }

    /// The `items` array of a page, or a failure naming `what`.
    pub fn require_items(&self, what: &str, page: &Value) -> Result<Vec<Value>> {
        let items = page.get("items").and_then(Value::as_array).cloned();
        self.check(items.is_some(), || {
            format!("{what}: expected a page with an `items` array, got {page}")
        })?;
        items.context("checked above")
    }
}

/// The string at JSON `pointer`, if it is a string.
pub fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}
