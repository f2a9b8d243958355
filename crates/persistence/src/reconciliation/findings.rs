//! The rows a run writes: one per finding, wallet mismatch and clearing mismatch.

use ::reconciliation::{Finding, FindingKind, RecordType};
use sea_orm::ActiveValue::Set;
use uuid::Uuid;

use crate::entities::reconciliation_finding as finding;
use crate::records::ReconciliationRun;
use crate::verify::Mismatch;

/// Everything a run found.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    /// Record comparisons.
    pub findings: Vec<Finding>,
    /// Wallets that differ from their ledger.
    pub wallets: Vec<Mismatch>,
    /// Currencies whose clearing movement differs: (currency, Kasa, PSP).
    pub clearing: Vec<(String, i64, i64)>,
}

impl RunReport {
    pub(super) fn rows(&self, run: &ReconciliationRun) -> Vec<finding::ActiveModel> {
        let mut rows: Vec<finding::ActiveModel> = self
            .findings
            .iter()
            .map(|f| {
                let any = f.kasa.as_ref().or(f.psp.as_ref());
                // An unreadable line names itself (as far as it can be read).
                let line = f.line.as_ref();
                let record_type = line
                    .and_then(|l| l.record_type)
                    .or(any.map(|r| r.record_type));
                let reference_type = match (record_type, line) {
                    (Some(t), _) => t.as_str(),
                    (None, Some(_)) => "unknown",
                    (None, None) => RecordType::Deposit.as_str(),
                };
                new_finding(
                    run,
                    f.kind,
                    reference_type,
                    NewFinding {
                        reference: line
                            .map(|l| l.reference.clone())
                            .or(any.map(|r| r.reference.clone()))
                            .unwrap_or_default(),
                        kasa: f.kasa.as_ref().map(|r| (r.status.clone(), r.amount_minor)),
                        psp: f.psp.as_ref().map(|r| (r.status.clone(), r.amount_minor)),
                        currency: any
                            .map(|r| r.currency.clone())
                            .or(line.map(|l| l.currency.clone()))
                            .unwrap_or_default(),
                        detail: f.detail.clone(),
                    },
                )
            })
            .collect();
        for m in &self.wallets {
            if let Mismatch::Wallet {
                player_id,
                balance,
                projection_minor,
                ledger_minor,
            } = m
            {
                rows.push(new_finding(run, FindingKind::WalletMismatch, "wallet", NewFinding {
                    reference: player_id.to_string(),
                    kasa: Some(((*balance).to_owned(), *projection_minor)),
                    psp: None,
                    currency: String::new(),
                    detail: format!("{balance}: wallet {projection_minor}, ledger {ledger_minor} (minor units)"),
                }));
            }
        }
        for (currency, kasa, psp) in &self.clearing {
            rows.push(new_finding(
                run,
                FindingKind::ClearingMismatch,
                "clearing",
                NewFinding {
                    reference: format!("psp_clearing:{currency}"),
                    kasa: Some(("settled".into(), *kasa)),
                    psp: Some(("settled".into(), *psp)),
                    currency: currency.clone(),
                    detail: format!(
                        "clearing moved {kasa} in Kasa, the PSP reports {psp} (minor units)"
                    ),
                },
            ));
        }
        rows
    }
}

struct NewFinding {
    reference: String,
    kasa: Option<(String, i64)>,
    psp: Option<(String, i64)>,
    currency: String,
    detail: String,
}

fn new_finding(
    run: &ReconciliationRun,
    kind: FindingKind,
    reference_type: &str,
    f: NewFinding,
) -> finding::ActiveModel {
    finding::ActiveModel {
        id: Set(Uuid::now_v7()),
        run_id: Set(run.id.0),
        kind: Set(kind.as_str().to_owned()),
        reference_type: Set(reference_type.to_owned()),
        reference: Set(bounded(&f.reference, REFERENCE_LEN_MAX)),
        kasa_status: Set(f.kasa.as_ref().map(|k| bounded(&k.0, STATUS_LEN_MAX))),
        psp_status: Set(f.psp.as_ref().map(|p| bounded(&p.0, STATUS_LEN_MAX))),
        kasa_amount: Set(f.kasa.map(|k| k.1)),
        psp_amount: Set(f.psp.map(|p| p.1)),
        currency: Set(bounded(&f.currency, CURRENCY_LEN_MAX)),
        detail: Set(f.detail),
        tenant_id: Set(run.tenant.map(|t| t.0)),
    }
}

/// Longest reference a finding keeps (`reconciliation_findings.reference`).
const REFERENCE_LEN_MAX: usize = 128;
/// Longest status a finding keeps (`kasa_status`, `psp_status`).
const STATUS_LEN_MAX: usize = 16;
/// Longest currency a finding keeps: a PSP's report line may carry anything,
/// the column holds an ISO 4217 code's three characters.
const CURRENCY_LEN_MAX: usize = 3;

/// `raw` cut to its first `max` characters (the column's bound).
fn bounded(raw: &str, max: usize) -> String {
    raw.chars().take(max).collect()
}
