//! What a comparison of Kasa's records with the PSP's report found.

use crate::{Record, RecordType};

/// What a comparison found: a report record against Kasa's (the first five),
/// or a balance against the ledger (the last two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKind {
    /// Both sides agree.
    Matched,
    /// Status, amount or currency differ.
    Mismatched,
    /// Kasa has it, the PSP does not report it.
    MissingInPsp,
    /// The PSP reports it, Kasa does not have it.
    MissingInKasa,
    /// A report line that could not be read (a field missing or malformed).
    Unreadable,
    /// A wallet differs from its ledger.
    WalletMismatch,
    /// A currency's clearing movement differs from the PSP report.
    ClearingMismatch,
}

impl FindingKind {
    /// Every kind.
    pub const ALL: [FindingKind; 7] = [
        FindingKind::Matched,
        FindingKind::Mismatched,
        FindingKind::MissingInPsp,
        FindingKind::MissingInKasa,
        FindingKind::Unreadable,
        FindingKind::WalletMismatch,
        FindingKind::ClearingMismatch,
    ];

    /// Stored (and shown) name.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Matched => "matched",
            FindingKind::Mismatched => "mismatched",
            FindingKind::MissingInPsp => "missing_in_psp",
            FindingKind::MissingInKasa => "missing_in_kasa",
            FindingKind::Unreadable => "unreadable",
            FindingKind::WalletMismatch => "wallet_mismatch",
            FindingKind::ClearingMismatch => "clearing_mismatch",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        FindingKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What was found.
    pub kind: FindingKind,
    /// Kasa's record, if any.
    pub kasa: Option<Record>,
    /// The PSP's record, if any.
    pub psp: Option<Record>,
    /// Why it is a mismatch.
    pub detail: String,
    /// The report line, for an `Unreadable` finding.
    pub line: Option<UnreadableLine>,
}

/// A line of the PSP's report that could not be read as a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableLine {
    /// Deposit or payout, when the line says so.
    pub record_type: Option<RecordType>,
    /// The line's `reference`, empty when it has none.
    pub reference: String,
    /// The line's `currency` as sent, empty when it has none.
    pub currency: String,
    /// The line as the PSP sent it (JSON).
    pub raw: String,
    /// Why it could not be read.
    pub error: String,
}
