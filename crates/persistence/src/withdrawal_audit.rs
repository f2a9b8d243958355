//! The audit events of withdrawal changes: what they show (never the
//! destination account) and how they are appended.

use sea_orm::DatabaseTransaction;

use crate::audit::{self, AuditContext, AuditRecord};
use crate::entities::withdrawal as row;
use crate::error::StoreResult;

/// The audited view of a withdrawal (never the destination account).
fn audit_state(w: &row::Model) -> serde_json::Value {
    serde_json::json!({"state": w.state, "amount_minor": w.amount_minor, "currency": w.currency, "reject_reason": w.reject_reason})
}

/// Appends the audit event of a withdrawal change.
pub(crate) async fn audit_change(
    txn: &DatabaseTransaction,
    audit: &AuditContext,
    action: &'static str,
    before: Option<&row::Model>,
    after: &row::Model,
) -> StoreResult<()> {
    audit::append(txn, audit, audit_record(action, before, after)).await
}

/// The audit record of a withdrawal change.
pub(crate) fn audit_record(
    action: &'static str,
    before: Option<&row::Model>,
    after: &row::Model,
) -> AuditRecord {
    tracing::info!(withdrawal_id = %after.id, action, state = %after.state, "withdrawal changed");
    AuditRecord {
        tenant_id: Some(after.tenant_id),
        action,
        target_type: "withdrawal",
        target_id: after.id.to_string(),
        before: before.map(audit_state),
        after: Some(audit_state(after)),
    }
}
