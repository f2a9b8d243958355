//! Reconciliation runs and what they found.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{RunId, TenantId};

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Waiting for a worker.
    Queued,
    /// A worker is on it.
    Running,
    /// Findings and stats are written.
    Succeeded,
    /// The job failed for good (`error` says why).
    Failed,
}

impl RunStatus {
    /// Every status.
    pub const ALL: [RunStatus; 4] = [
        RunStatus::Queued,
        RunStatus::Running,
        RunStatus::Succeeded,
        RunStatus::Failed,
    ];

    /// Stored (and shown) name.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        RunStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// How many findings of each kind a run wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RunStats {
    /// Records that agree.
    pub matched: i32,
    /// Records whose status, amount or currency differ.
    pub mismatched: i32,
    /// Kasa records the PSP does not report.
    pub missing_in_psp: i32,
    /// PSP records Kasa does not have.
    pub missing_in_kasa: i32,
    /// Wallets that differ from their ledger.
    pub wallet_mismatches: i32,
    /// Currencies whose PSP clearing movement differs from the PSP report.
    pub clearing_mismatches: i32,
    /// Report lines that could not be read.
    pub unreadable: i32,
}

/// A comparison of Kasa against the PSP report for a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconciliationRun {
    /// Run id.
    pub id: RunId,
    /// Tenant covered (`None`: every tenant, made by a platform admin).
    pub tenant: Option<TenantId>,
    /// PSP name.
    pub provider: String,
    /// Window start (inclusive).
    pub window_from: DateTime<Utc>,
    /// Window end (exclusive).
    pub window_to: DateTime<Utc>,
    /// Where it is.
    pub status: RunStatus,
    /// Why it failed.
    pub error: Option<String>,
    /// Counts of what it found.
    pub stats: RunStats,
    /// `admin:<id>` who asked for it.
    pub created_by: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// When a worker started it.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
}

/// What a stored finding says: the reconciliation crate's one vocabulary.
pub use ::reconciliation::FindingKind;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingSubject {
    /// A deposit.
    Deposit,
    /// A payout attempt.
    Payout,
    /// A player's wallet.
    Wallet,
    /// A PSP clearing account.
    Clearing,
    /// A report line too broken to say.
    Unknown,
}

impl FindingSubject {
    /// Every subject.
    pub const ALL: [FindingSubject; 5] = [
        FindingSubject::Deposit,
        FindingSubject::Payout,
        FindingSubject::Wallet,
        FindingSubject::Clearing,
        FindingSubject::Unknown,
    ];

    /// Stored (and shown) name.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingSubject::Deposit => "deposit",
            FindingSubject::Payout => "payout",
            FindingSubject::Wallet => "wallet",
            FindingSubject::Clearing => "clearing",
            FindingSubject::Unknown => "unknown",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        FindingSubject::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// One stored finding of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconciliationFinding {
    /// Finding id.
    pub id: Uuid,
    /// The run.
    pub run: RunId,
    /// What was found.
    pub kind: FindingKind,
    /// What it is about.
    pub subject: FindingSubject,
    /// Kasa reference (deposit or attempt id), player id, or account code.
    pub reference: String,
    /// Status in Kasa.
    pub kasa_status: Option<String>,
    /// Status at the PSP, as it reported it.
    pub psp_status: Option<String>,
    /// Amount in Kasa (minor units).
    pub kasa_amount_minor: Option<i64>,
    /// Amount at the PSP (minor units).
    pub psp_amount_minor: Option<i64>,
    /// Currency code as the compared records gave it: the PSP's text, which
    /// may be empty (wallet findings) or unknown to Kasa, so not a `Currency`.
    pub currency: String,
    /// Human-readable detail.
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for s in RunStatus::ALL {
            assert_eq!(RunStatus::parse(s.as_str()), Some(s));
        }
        for k in FindingKind::ALL {
            assert_eq!(FindingKind::parse(k.as_str()), Some(k));
        }
        for s in FindingSubject::ALL {
            assert_eq!(FindingSubject::parse(s.as_str()), Some(s));
        }
        assert_eq!(RunStatus::parse("done"), None);
    }
}
