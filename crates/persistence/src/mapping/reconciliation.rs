//! Reconciliation runs and findings.

use super::corrupt;
use crate::entities::{reconciliation_finding as finding_row, reconciliation_run as run_row};
use crate::error::StoreResult;
use crate::records::{
    FindingKind, FindingSubject, ReconciliationFinding, ReconciliationRun, RunId, RunStats,
    RunStatus, TenantId,
};

/// A `reconciliation_runs` row.
pub(crate) fn run(row: run_row::Model) -> StoreResult<ReconciliationRun> {
    let status = RunStatus::parse(&row.status).ok_or_else(|| {
        corrupt(
            "reconciliation_runs.status",
            format_args!("{:?}", row.status),
        )
    })?;
    Ok(ReconciliationRun {
        id: RunId(row.id),
        tenant: row.tenant_id.map(TenantId),
        provider: row.provider,
        window_from: row.window_from,
        window_to: row.window_to,
        status,
        error: row.error,
        stats: RunStats {
            matched: row.matched,
            mismatched: row.mismatched,
            missing_in_psp: row.missing_in_psp,
            missing_in_kasa: row.missing_in_kasa,
            wallet_mismatches: row.wallet_mismatches,
            clearing_mismatches: row.clearing_mismatches,
            unreadable: row.unreadable,
        },
        created_by: row.created_by,
        created_at: row.created_at,
        started_at: row.started_at,
        finished_at: row.finished_at,
    })
}

/// A `reconciliation_findings` row.
pub(crate) fn finding(row: finding_row::Model) -> StoreResult<ReconciliationFinding> {
    let kind = FindingKind::parse(&row.kind).ok_or_else(|| {
        corrupt(
            "reconciliation_findings.kind",
            format_args!("{:?}", row.kind),
        )
    })?;
    let subject = FindingSubject::parse(&row.reference_type).ok_or_else(|| {
        corrupt(
            "reconciliation_findings.reference_type",
            format_args!("{:?}", row.reference_type),
        )
    })?;
    Ok(ReconciliationFinding {
        id: row.id,
        run: RunId(row.run_id),
        kind,
        subject,
        reference: row.reference,
        kasa_status: row.kasa_status,
        psp_status: row.psp_status,
        kasa_amount_minor: row.kasa_amount,
        psp_amount_minor: row.psp_amount,
        currency: row.currency,
        detail: row.detail,
    })
}
