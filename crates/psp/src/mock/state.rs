//! What the mock PSP remembers: transactions, scripts, call counts, deliveries.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::scenario::{Scenario, scenario_for};
use super::script::{Operation, Script};
use crate::event::{
    EventType, PspStatus, PspTransaction, ReportItem, ReportStatus, TransactionType,
};

/// Status of a transaction inside the mock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MockStatus {
    /// Accepted, outcome pending.
    Pending,
    /// Done.
    Succeeded,
    /// Will not happen.
    Failed,
    /// A succeeded payout that came back.
    Reversed,
}

impl MockStatus {
    /// The status `GET` shows: a reversal is a later event, the payout itself succeeded.
    pub fn psp_status(self) -> PspStatus {
        match self {
            Self::Pending => PspStatus::Pending,
            Self::Succeeded | Self::Reversed => PspStatus::Succeeded,
            Self::Failed => PspStatus::Failed,
        }
    }

    /// The status the report shows.
    pub fn report_status(self) -> ReportStatus {
        match self {
            Self::Pending => ReportStatus::Pending,
            Self::Succeeded => ReportStatus::Succeeded,
            Self::Failed => ReportStatus::Failed,
            Self::Reversed => ReportStatus::Reversed,
        }
    }
}

/// A deposit or payout the mock has accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MockTransaction {
    /// Deposit or payout.
    #[serde(rename = "type")]
    pub r#type: TransactionType,
    /// The PSP's id.
    pub id: String,
    /// Kasa's id.
    pub reference: String,
    /// Decimal string.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Payout destination as received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<serde_json::Value>,
    /// `Idempotency-Key` of the payout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// Where it stands.
    pub status: MockStatus,
    /// Why it failed.
    pub failure_code: Option<String>,
    /// When it was accepted.
    pub created_at: DateTime<Utc>,
    /// Last status change.
    pub updated_at: DateTime<Utc>,
    #[serde(skip)]
    pub(crate) seq: u64,
}

impl MockTransaction {
    /// The protocol view (`GET` and create answers).
    pub fn to_psp(&self) -> PspTransaction {
        PspTransaction {
            id: self.id.clone(),
            reference: self.reference.clone(),
            status: self.status.psp_status(),
            failure_code: self.failure_code.clone(),
        }
    }

    /// The report view.
    pub fn to_report_item(&self) -> ReportItem {
        ReportItem {
            r#type: self.r#type,
            reference: self.reference.clone(),
            id: self.id.clone(),
            amount: self.amount.clone(),
            currency: self.currency.clone(),
            status: self.status.report_status(),
            updated_at: self.updated_at,
        }
    }
}

/// One webhook delivery (a duplicated event is two deliveries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    /// The event id.
    pub event_id: String,
    /// The event type.
    pub event_type: EventType,
    /// The transaction's reference.
    pub reference: String,
    /// POSTs made so far.
    pub attempts: u32,
    /// HTTP status of the last answer, `None` if Kasa was unreachable.
    pub last_status: Option<u16>,
    /// Whether Kasa answered 2xx.
    pub delivered: bool,
}

/// Everything the mock holds, for test assertions (`GET /control/transactions`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MockSnapshot {
    /// Deposits, oldest first.
    pub deposits: Vec<MockTransaction>,
    /// Payouts, oldest first.
    pub payouts: Vec<MockTransaction>,
    /// Injected report-only items.
    pub report_items: Vec<ReportItem>,
    /// Injected report lines, served as they are (malformed ones too).
    #[serde(default)]
    pub report_lines: Vec<serde_json::Value>,
    /// `create_deposit` calls per reference, declined and replayed ones included.
    pub deposit_calls: BTreeMap<String, u32>,
    /// `create_payout` calls per reference, declined and replayed ones included.
    pub payout_calls: BTreeMap<String, u32>,
    /// Webhook deliveries, in the order they started.
    pub webhooks: Vec<DeliveryRecord>,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) webhook_url: Option<String>,
    pub(crate) deposits: HashMap<String, MockTransaction>,
    pub(crate) payouts: HashMap<String, MockTransaction>,
    /// Idempotency key -> payout reference.
    pub(crate) payout_keys: HashMap<String, String>,
    pub(crate) deposit_scripts: VecDeque<Script>,
    pub(crate) payout_scripts: VecDeque<Script>,
    pub(crate) report_items: Vec<ReportItem>,
    pub(crate) report_lines: Vec<serde_json::Value>,
    pub(crate) deposit_calls: BTreeMap<String, u32>,
    pub(crate) payout_calls: BTreeMap<String, u32>,
    pub(crate) deliveries: Vec<(u64, DeliveryRecord)>,
    pub(crate) next_seq: u64,
    /// Bumped by `reset`, so that tasks started before it leave the new state alone.
    pub(crate) generation: u64,
    /// How long the in-process engine takes to answer a create call.
    pub(crate) answer_delay: std::time::Duration,
    /// Payouts (currency, amount, destination) the `x.77` scenario already failed once.
    pub(crate) failed_once: HashSet<String>,
}

impl State {
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    pub(crate) fn scripts(&mut self, op: Operation) -> &mut VecDeque<Script> {
        match op {
            Operation::Deposit => &mut self.deposit_scripts,
            Operation::Payout => &mut self.payout_scripts,
        }
    }

    pub(crate) fn transactions(&mut self, op: Operation) -> &mut HashMap<String, MockTransaction> {
        match op {
            Operation::Deposit => &mut self.deposits,
            Operation::Payout => &mut self.payouts,
        }
    }

    /// The script of a create call nobody scripted: its demo scenario's (see
    /// [`super::scenario`]), else plain success.
    pub(crate) fn unscripted(
        &mut self,
        op: Operation,
        reference: &str,
        amount: &str,
        currency: &str,
        destination: Option<&serde_json::Value>,
    ) -> Script {
        let Some(scenario) = scenario_for(op, amount) else {
            return Script::default();
        };
        let failed_before = scenario == Scenario::PayoutFailsOnce && {
            let destination = destination.map(ToString::to_string).unwrap_or_default();
            !self
                .failed_once
                .insert(format!("{currency} {amount} {destination}"))
        };
        tracing::info!(
            ?scenario,
            reference,
            amount,
            failed_before,
            "mock PSP demo scenario"
        );
        scenario.script(failed_before)
    }

    pub(crate) fn count_call(&mut self, op: Operation, reference: &str) {
        let calls = match op {
            Operation::Deposit => &mut self.deposit_calls,
            Operation::Payout => &mut self.payout_calls,
        };
        *calls.entry(reference.to_owned()).or_default() += 1;
    }

    /// Clears everything but the webhook URL, which belongs to the setup, not the test.
    pub(crate) fn reset(&mut self) {
        let webhook_url = self.webhook_url.take();
        let generation = self.generation + 1;
        *self = Self {
            webhook_url,
            generation,
            ..Self::default()
        };
    }

    pub(crate) fn report(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<ReportItem> {
        let in_window = |at: &DateTime<Utc>| from <= *at && *at < to;
        let mut recorded: Vec<&MockTransaction> = self
            .deposits
            .values()
            .chain(self.payouts.values())
            .filter(|tx| in_window(&tx.updated_at))
            .collect();
        recorded.sort_by_key(|tx| (tx.updated_at, tx.seq));
        let mut items: Vec<ReportItem> = recorded
            .into_iter()
            .map(MockTransaction::to_report_item)
            .chain(
                self.report_items
                    .iter()
                    .filter(|item| in_window(&item.updated_at))
                    .cloned(),
            )
            .collect();
        items.sort_by_key(|item| item.updated_at);
        items
    }

    /// The report as sent over the wire: [`Self::report`], then the injected
    /// lines. A line is left out only when its `updated_at` reads as a time
    /// outside the window.
    pub(crate) fn report_lines(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<serde_json::Value> {
        let items = self
            .report(from, to)
            .into_iter()
            .filter_map(|item| serde_json::to_value(item).ok());
        let injected = self.report_lines.iter().filter(|line| {
            line.get("updated_at")
                .and_then(|at| serde_json::from_value::<DateTime<Utc>>(at.clone()).ok())
                .is_none_or(|at| from <= at && at < to)
        });
        items.chain(injected.cloned()).collect()
    }

    pub(crate) fn snapshot(&self) -> MockSnapshot {
        let sorted = |map: &HashMap<String, MockTransaction>| {
            let mut txs: Vec<MockTransaction> = map.values().cloned().collect();
            txs.sort_by_key(|tx| tx.seq);
            txs
        };
        MockSnapshot {
            deposits: sorted(&self.deposits),
            payouts: sorted(&self.payouts),
            report_items: self.report_items.clone(),
            report_lines: self.report_lines.clone(),
            deposit_calls: self.deposit_calls.clone(),
            payout_calls: self.payout_calls.clone(),
            webhooks: self.deliveries.iter().map(|(_, d)| d.clone()).collect(),
        }
    }
}
