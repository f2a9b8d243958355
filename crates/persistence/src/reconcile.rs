//! Matching Kasa's records against the PSP's report: pure rules.

use std::collections::{BTreeMap, HashMap, HashSet};

/// Deposit or payout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordType {
    /// A deposit (reference = deposit id).
    Deposit,
    /// A payout attempt (reference = attempt id).
    Payout,
}

impl RecordType {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Deposit => "deposit",
            RecordType::Payout => "payout",
        }
    }
}

/// One transaction as one side sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Deposit or payout.
    pub record_type: RecordType,
    /// Kasa's id (the PSP's `reference`).
    pub reference: String,
    /// Status on that side (`pending`, `succeeded`, `failed`, `unknown`, `reversed`).
    pub status: String,
    /// Amount in minor units.
    pub amount_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// False for records the PSP never accepted (declined, no PSP id): not
    /// expected in its report.
    pub expected_at_psp: bool,
}

/// What a comparison found.
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
}

impl FindingKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Matched => "matched",
            FindingKind::Mismatched => "mismatched",
            FindingKind::MissingInPsp => "missing_in_psp",
            FindingKind::MissingInKasa => "missing_in_kasa",
            FindingKind::Unreadable => "unreadable",
        }
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

/// Compares the PSP's report with Kasa's records. `kasa` holds Kasa's records
/// of the window plus any record the report names; `unreadable` are the report
/// lines that could not be read, each an `Unreadable` finding (with Kasa's
/// record of its reference, which is then not `MissingInPsp`: the PSP did
/// report it); `report_unknown_to_kasa` says whether PSP-only items are
/// reported (a tenant-scoped run cannot tell whose they are, so it leaves them
/// out).
pub fn reconcile(
    kasa: &[Record],
    psp: &[Record],
    unreadable: &[UnreadableLine],
    report_unknown_to_kasa: bool,
) -> Vec<Finding> {
    let by_reference: HashMap<&str, &Record> =
        kasa.iter().map(|r| (r.reference.as_str(), r)).collect();
    let mut seen = HashSet::new();
    let mut findings = Vec::new();
    for line in unreadable {
        let ours = by_reference.get(line.reference.as_str()).copied();
        // A Kasa record of the line's reference (when it has one) stays tied to it.
        if ours.is_some() || report_unknown_to_kasa {
            seen.insert(line.reference.as_str());
            findings.push(Finding {
                kind: FindingKind::Unreadable,
                kasa: ours.cloned(),
                psp: None,
                detail: format!("unreadable report line ({}): {}", line.error, line.raw),
                line: Some(line.clone()),
            });
        }
    }
    for item in psp {
        seen.insert(item.reference.as_str());
        match by_reference.get(item.reference.as_str()) {
            Some(ours) => findings.push(compare(ours, item)),
            None if report_unknown_to_kasa => findings.push(Finding {
                kind: FindingKind::MissingInKasa,
                kasa: None,
                psp: Some(item.clone()),
                detail: format!(
                    "the PSP reports a {} Kasa does not have",
                    item.record_type.as_str()
                ),
                line: None,
            }),
            None => {}
        }
    }
    for ours in kasa {
        if ours.expected_at_psp && !seen.contains(ours.reference.as_str()) {
            findings.push(Finding {
                kind: FindingKind::MissingInPsp,
                kasa: Some(ours.clone()),
                psp: None,
                detail: format!("the PSP does not report this {}", ours.record_type.as_str()),
                line: None,
            });
        }
    }
    findings
}

fn compare(ours: &Record, theirs: &Record) -> Finding {
    let mut differences = Vec::new();
    if ours.record_type != theirs.record_type {
        differences.push(format!(
            "type {} vs {}",
            ours.record_type.as_str(),
            theirs.record_type.as_str()
        ));
    }
    if ours.status != theirs.status {
        differences.push(format!("status {} vs {}", ours.status, theirs.status));
    }
    if ours.amount_minor != theirs.amount_minor || ours.currency != theirs.currency {
        differences.push(format!(
            "amount {} {} vs {} {} (minor units)",
            ours.amount_minor, ours.currency, theirs.amount_minor, theirs.currency
        ));
    }
    Finding {
        kind: if differences.is_empty() {
            FindingKind::Matched
        } else {
            FindingKind::Mismatched
        },
        kasa: Some(ours.clone()),
        psp: Some(theirs.clone()),
        detail: differences.join("; "),
        line: None,
    }
}

/// The PSP clearing movement its report implies, per currency, in Kasa's sign
/// convention: a settled deposit is money the PSP owes Kasa (−a), a settled
/// payout pays that back (+a), a reversed payout nets to zero.
pub fn psp_clearing_movement(psp: &[Record]) -> BTreeMap<String, i64> {
    let mut totals = BTreeMap::new();
    for item in psp {
        let delta = match (item.record_type, item.status.as_str()) {
            (RecordType::Deposit, "succeeded") => -item.amount_minor,
            (RecordType::Payout, "succeeded") => item.amount_minor,
            _ => 0,
        };
        *totals.entry(item.currency.clone()).or_insert(0i64) += delta;
    }
    totals
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(t: RecordType, reference: &str, status: &str, amount: i64) -> Record {
        Record {
            record_type: t,
            reference: reference.into(),
            status: status.into(),
            amount_minor: amount,
            currency: "EUR".into(),
            expected_at_psp: true,
        }
    }

    #[test]
    fn sorts_records_into_the_four_kinds() {
        let kasa = vec![
            record(RecordType::Deposit, "d1", "succeeded", 100),
            record(RecordType::Deposit, "d2", "succeeded", 100),
            record(RecordType::Payout, "p1", "unknown", 50),
            record(RecordType::Deposit, "d3", "pending", 10),
            Record {
                expected_at_psp: false,
                ..record(RecordType::Payout, "p2", "failed", 5)
            },
        ];
        let psp = vec![
            record(RecordType::Deposit, "d1", "succeeded", 100),
            record(RecordType::Deposit, "d2", "succeeded", 90),
            record(RecordType::Payout, "p1", "succeeded", 50),
            record(RecordType::Payout, "x9", "succeeded", 70),
        ];
        let findings = reconcile(&kasa, &psp, &[], true);
        let kinds: Vec<_> = findings
            .iter()
            .map(|f| {
                (
                    f.kind,
                    f.kasa
                        .as_ref()
                        .or(f.psp.as_ref())
                        .map(|r| r.reference.clone()),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                (FindingKind::Matched, Some("d1".into())),
                (FindingKind::Mismatched, Some("d2".into())),
                (FindingKind::Mismatched, Some("p1".into())),
                (FindingKind::MissingInKasa, Some("x9".into())),
                (FindingKind::MissingInPsp, Some("d3".into())),
            ]
        );
        assert!(findings[1].detail.contains("amount"));
        assert!(findings[2].detail.contains("status unknown vs succeeded"));
        let scoped = reconcile(&kasa, &psp, &[], false);
        assert!(scoped.iter().all(|f| f.kind != FindingKind::MissingInKasa));
    }

    #[test]
    fn unreadable_lines_are_findings_tied_to_kasas_record() {
        let kasa = vec![record(RecordType::Deposit, "d1", "succeeded", 100)];
        let line = |reference: &str| UnreadableLine {
            record_type: Some(RecordType::Deposit),
            reference: reference.into(),
            currency: "EUR".into(),
            raw: format!(r#"{{"reference":"{reference}"}}"#),
            error: "missing field `amount`".into(),
        };
        let lines = [line("d1"), line("x1")];
        let findings = reconcile(&kasa, &[], &lines, true);
        assert_eq!(findings.len(), 2, "{findings:?}");
        assert!(findings.iter().all(|f| f.kind == FindingKind::Unreadable));
        assert_eq!(
            findings[0].kasa.as_ref().map(|r| r.reference.as_str()),
            Some("d1")
        );
        assert!(findings[0].detail.contains(r#"{"reference":"d1"}"#));
        assert!(findings[0].detail.contains("amount"));
        assert_eq!(findings[1].kasa, None);
        // A tenant's run cannot attribute a line Kasa knows nothing of.
        let scoped = reconcile(&kasa, &[], &lines, false);
        assert_eq!(scoped.len(), 1);
        assert_eq!(scoped[0].line, Some(line("d1")));
    }

    #[test]
    fn clearing_movement_follows_the_ledger_sign_convention() {
        let psp = vec![
            record(RecordType::Deposit, "d1", "succeeded", 100),
            record(RecordType::Deposit, "d2", "failed", 40),
            record(RecordType::Payout, "p1", "succeeded", 30),
            record(RecordType::Payout, "p2", "reversed", 20),
        ];
        assert_eq!(psp_clearing_movement(&psp).get("EUR"), Some(&-70));
    }
}
