//! The mock PSP engine: scriptable outcomes, signed webhooks, reports.
//!
//! Kasa runs it in-process when no PSP base URL is configured; the `mock-psp`
//! server exposes the same engine over HTTP.

mod error;
mod provider;
mod scenario;
mod script;
mod settle;
mod state;
mod validate;
mod webhook;

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::SecretString;

pub use error::MockError;
pub use scenario::{SCENARIOS, Scenario, ScenarioRule, scenario_for};
pub use script::{Operation, Outcome, Script};
pub use state::{DeliveryRecord, MockSnapshot, MockStatus, MockTransaction};
pub use webhook::{DELIVERY_TIMEOUT, FIRST_BACKOFF, MAX_ATTEMPTS, MAX_BACKOFF};

use crate::event::{
    DepositRequest, EventType, PayoutRequest, PspTransaction, ReportItem, TransactionType,
};
use state::State;
use validate::validate;

/// Failure code of a `Fail` script that names none.
pub const DEFAULT_FAILURE_CODE: &str = "processing_error";
/// Error code of a `Decline` script that names none.
pub const DEFAULT_DECLINE_CODE: &str = "declined";
/// HTTP status of a scripted decline.
pub const DECLINE_STATUS: u16 = 422;

/// Settings of a [`MockPsp`].
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Provider name (`"mock"`).
    pub provider_name: String,
    /// Where webhooks go (`<kasa>/api/v1/webhooks/mock`); none are sent while unset.
    pub webhook_url: Option<String>,
    /// Secrets webhooks are signed with, one `v1` each (several during a rotation).
    pub webhook_secrets: Vec<SecretString>,
    /// Delay between accepting a transaction and its outcome, unless a script says otherwise.
    pub webhook_delay: Duration,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            provider_name: "mock".to_owned(),
            webhook_url: None,
            webhook_secrets: Vec::new(),
            webhook_delay: Duration::from_millis(20),
        }
    }
}

/// Answer of the engine to a create call, before it is shaped for a transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submission {
    /// Accepted (or replayed): answer 201 with this transaction.
    Accepted(PspTransaction),
    /// Refused: answer `status` with `{"error": {"code": code}}`; nothing was recorded.
    Declined {
        /// HTTP status.
        status: u16,
        /// Error code.
        code: String,
    },
    /// Carried out, but the caller must get no answer (the HTTP server hangs; the
    /// in-process provider returns [`crate::PspError::Unavailable`]).
    TimedOut(PspTransaction),
}

/// The mock PSP. Cheap to clone: clones share one state.
#[derive(Clone)]
pub struct MockPsp {
    inner: Arc<Inner>,
}

struct Inner {
    name: String,
    secrets: Vec<SecretString>,
    delay: Duration,
    // `None` only if the TLS backend failed to initialise; webhooks are then dropped.
    http: Option<reqwest::Client>,
    state: Mutex<State>,
}

impl std::fmt::Debug for MockPsp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockPsp")
            .field("name", &self.inner.name)
            .field("secrets", &self.inner.secrets.len())
            .field("delay", &self.inner.delay)
            .finish_non_exhaustive()
    }
}

/// A transaction about to be accepted.
struct NewTransaction<'a> {
    op: Operation,
    reference: &'a str,
    amount: &'a str,
    currency: &'a str,
    destination: Option<&'a serde_json::Value>,
    idempotency_key: Option<&'a str>,
}

impl MockPsp {
    /// A mock PSP with empty state.
    pub fn new(config: MockConfig) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(DELIVERY_TIMEOUT)
            .timeout(DELIVERY_TIMEOUT)
            // Deliveries run on whichever runtime spawned them (one per actix worker);
            // a pooled connection would tie later deliveries to the first one's runtime.
            .pool_max_idle_per_host(0)
            .build()
            .inspect_err(|e| tracing::error!(error = %e, "mock PSP cannot build its HTTP client"))
            .ok();
        let state = State {
            webhook_url: config.webhook_url,
            ..State::default()
        };
        Self {
            inner: Arc::new(Inner {
                name: config.provider_name,
                secrets: config.webhook_secrets,
                delay: config.webhook_delay,
                http,
                state: Mutex::new(state),
            }),
        }
    }

    /// Handles `POST /v1/deposits`. A reference seen before is answered with the
    /// recorded deposit, without consuming a script.
    pub fn submit_deposit(&self, req: &DepositRequest) -> Submission {
        let mut state = self.lock();
        state.count_call(Operation::Deposit, &req.reference);
        if let Some(tx) = state.deposits.get(&req.reference) {
            return Submission::Accepted(tx.to_psp());
        }
        self.accept(
            &mut state,
            NewTransaction {
                op: Operation::Deposit,
                reference: &req.reference,
                amount: &req.amount,
                currency: &req.currency,
                destination: None,
                idempotency_key: None,
            },
        )
    }

    /// Handles `POST /v1/payouts`. A known idempotency key (or a reference seen
    /// before) is answered with the recorded payout, without consuming a script.
    pub fn submit_payout(&self, idempotency_key: &str, req: &PayoutRequest) -> Submission {
        let mut state = self.lock();
        state.count_call(Operation::Payout, &req.reference);
        if idempotency_key.trim().is_empty() {
            return declined(400, "missing_idempotency_key");
        }
        let known = state
            .payout_keys
            .get(idempotency_key)
            .cloned()
            .unwrap_or_else(|| req.reference.clone());
        if let Some(tx) = state.payouts.get(&known) {
            return Submission::Accepted(tx.to_psp());
        }
        self.accept(
            &mut state,
            NewTransaction {
                op: Operation::Payout,
                reference: &req.reference,
                amount: &req.amount,
                currency: &req.currency,
                destination: Some(&req.destination),
                idempotency_key: Some(idempotency_key),
            },
        )
    }

    /// The deposit with this reference.
    pub fn deposit(&self, reference: &str) -> Option<PspTransaction> {
        self.lock().deposits.get(reference).map(|tx| tx.to_psp())
    }

    /// The payout with this reference.
    pub fn payout(&self, reference: &str) -> Option<PspTransaction> {
        self.lock().payouts.get(reference).map(|tx| tx.to_psp())
    }

    /// Recorded and injected transactions whose `updated_at` is in `[from, to)`,
    /// oldest first.
    pub fn report(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<ReportItem> {
        self.lock().report(from, to)
    }

    /// Queues `script` for the next create call of `op` not yet scripted.
    pub fn push_script(&self, op: Operation, script: Script) {
        self.lock().scripts(op).push_back(script);
    }

    /// Forgets transactions, scripts, injected items, counts and deliveries; keeps the
    /// webhook URL. Outcomes still pending from before the reset are dropped.
    pub fn reset(&self) {
        self.lock().reset();
    }

    /// Reverses a succeeded payout and sends `payout.reversed`.
    pub fn reverse_payout(&self, reference: &str) -> Result<(), MockError> {
        let event = {
            let mut state = self.lock();
            let tx = state
                .payouts
                .get_mut(reference)
                .ok_or_else(|| MockError::NotFound(reference.to_owned()))?;
            if tx.status != MockStatus::Succeeded {
                return Err(MockError::NotReversible {
                    reference: reference.to_owned(),
                    status: tx.status,
                });
            }
            tx.status = MockStatus::Reversed;
            tx.updated_at = Utc::now();
            webhook::new_event(EventType::PayoutReversed, tx)
        };
        self.spawn_delivery(event, false);
        Ok(())
    }

    /// Adds a transaction only the PSP knows of; it shows up in reports only.
    pub fn inject_report_item(&self, item: ReportItem) {
        self.lock().report_items.push(item);
    }

    /// Adds a report line served exactly as given, even one that is no
    /// [`ReportItem`] (to test readers against a malformed report).
    pub fn inject_report_line(&self, line: serde_json::Value) {
        self.lock().report_lines.push(line);
    }

    /// The report's lines as sent over the wire: [`Self::report`], then the
    /// injected lines (left out only when their `updated_at` is a time outside
    /// the window).
    pub fn report_lines(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<serde_json::Value> {
        self.lock().report_lines(from, to)
    }

    /// Sets where webhooks go (Kasa learns its own address only once bound).
    pub fn set_webhook_url(&self, url: impl Into<String>) {
        self.lock().webhook_url = Some(url.into());
    }

    /// Where webhooks go.
    pub fn webhook_url(&self) -> Option<String> {
        self.lock().webhook_url.clone()
    }

    /// Makes every later create call of the in-process engine answer only
    /// after `delay` (a slow PSP); the transaction is recorded at once.
    pub fn set_answer_delay(&self, delay: Duration) {
        self.lock().answer_delay = delay;
    }

    /// A copy of everything the mock holds.
    pub fn snapshot(&self) -> MockSnapshot {
        self.lock().snapshot()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent across a panic in a test thread; keep going.
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(task);
            }
            Err(_) => {
                tracing::error!("mock PSP used outside a tokio runtime; outcome left pending")
            }
        }
    }

    fn accept(&self, state: &mut State, new: NewTransaction<'_>) -> Submission {
        if let Err(code) = validate(&new) {
            return declined(400, code);
        }
        let script = match state.scripts(new.op).pop_front() {
            Some(script) => script,
            None => state.unscripted(
                new.op,
                new.reference,
                new.amount,
                new.currency,
                new.destination,
            ),
        };
        let failure_code = script.failure_code.clone();
        let (status, answer): (MockStatus, fn(PspTransaction) -> Submission) = match script.outcome
        {
            Outcome::Decline => {
                return declined(
                    DECLINE_STATUS,
                    failure_code.as_deref().unwrap_or(DEFAULT_DECLINE_CODE),
                );
            }
            Outcome::Succeed | Outcome::Fail => (MockStatus::Pending, Submission::Accepted),
            Outcome::Timeout if failure_code.is_some() => {
                (MockStatus::Failed, Submission::TimedOut)
            }
            Outcome::Timeout => (MockStatus::Succeeded, Submission::TimedOut),
        };
        let now = Utc::now();
        let seq = state.next_seq();
        let tx = MockTransaction {
            r#type: match new.op {
                Operation::Deposit => TransactionType::Deposit,
                Operation::Payout => TransactionType::Payout,
            },
            id: format!("psp_{}", uuid::Uuid::new_v4().simple()),
            reference: new.reference.to_owned(),
            amount: new.amount.to_owned(),
            currency: new.currency.to_owned(),
            destination: new.destination.cloned(),
            idempotency_key: new.idempotency_key.map(str::to_owned),
            status,
            failure_code: if status == MockStatus::Failed {
                failure_code
            } else {
                None
            },
            created_at: now,
            updated_at: now,
            seq,
        };
        let view = tx.to_psp();
        if let Some(key) = new.idempotency_key {
            state
                .payout_keys
                .insert(key.to_owned(), new.reference.to_owned());
        }
        if status == MockStatus::Pending {
            self.settle_later(state.generation, new.op, &tx, script);
        }
        state.transactions(new.op).insert(tx.reference.clone(), tx);
        answer(view)
    }
}

fn declined(status: u16, code: &str) -> Submission {
    Submission::Declined {
        status,
        code: code.to_owned(),
    }
}

#[cfg(test)]
mod tests;
