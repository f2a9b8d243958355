//! What each job kind does.

use ::reconciliation::{Record, RecordType, UnreadableLine, clearing_differences, reconcile};
use chrono::Utc;
use persistence::audit::AuditContext;
use persistence::jobs::ClaimedJob;
use persistence::reconciliation::{RECONCILIATION_JOB, ReconciliationJob, RunReport};
use psp::{ReportItem, ReportStatus, TransactionType};
use serde_json::Value;

use crate::error::JobError;
use crate::{JobContext, observe_payout};

/// Job kind of the scheduled recheck of stuck payouts.
pub const RECHECK_JOB: &str = "recheck_stuck_payouts";
/// Most attempts one recheck job looks at.
const RECHECK_BATCH_MAX: u64 = 200;

/// Runs `claimed`; an `Err` is retried with backoff.
pub async fn run(ctx: &JobContext, claimed: &ClaimedJob) -> Result<(), JobError> {
    match claimed.job.kind.as_str() {
        RECONCILIATION_JOB => reconciliation(ctx, claimed).await,
        RECHECK_JOB => recheck_stuck(ctx, claimed).await,
        other => Err(JobError::UnknownKind(other.to_owned())),
    }
}

/// Called once a job has failed for good.
pub async fn gave_up(ctx: &JobContext, claimed: &ClaimedJob, error: &str) {
    if claimed.job.kind == RECONCILIATION_JOB
        && let Ok(job) = serde_json::from_str::<ReconciliationJob>(&claimed.job.payload)
        && let Err(e) = ctx.db.fail_reconciliation_run(job.run_id, error).await
    {
        tracing::warn!(run_id = %job.run_id, error = %e, "could not mark the run failed");
    }
}

async fn reconciliation(ctx: &JobContext, claimed: &ClaimedJob) -> Result<(), JobError> {
    let job: ReconciliationJob = serde_json::from_str(&claimed.job.payload)?;
    let scope = ctx.db.start_reconciliation_run(claimed, job.run_id).await?;
    if scope.provider != ctx.psp.name() {
        return Err(JobError::ProviderNotConfigured(scope.provider));
    }
    let fetched = ctx
        .psp
        .report(scope.window_from, scope.window_to)
        .await
        .map_err(JobError::Report)?;
    // A line that cannot be read is a finding of its own, never the run's end.
    let mut unreadable: Vec<UnreadableLine> = fetched
        .unreadable
        .iter()
        .map(|line| unreadable_line(&line.raw, &line.error))
        .collect();
    let mut psp_records = Vec::with_capacity(fetched.items.len());
    for item in &fetched.items {
        match record_of(item) {
            Ok(record) => psp_records.push(record),
            Err(error) => {
                let raw = serde_json::to_value(item).unwrap_or(Value::Null);
                unreadable.push(unreadable_line(&raw, &error));
            }
        }
    }
    let named: Vec<String> = psp_records
        .iter()
        .map(|r| r.reference.clone())
        .chain(unreadable.iter().map(|l| l.reference.clone()))
        .collect();
    let kasa = ctx.db.kasa_records(&scope, &named).await?;
    let platform_wide = scope.tenant.is_none();
    let mut report = RunReport {
        findings: reconcile(&kasa, &psp_records, &unreadable, platform_wide),
        ..RunReport::default()
    };
    report.wallets = ctx
        .db
        .verify_ledger(persistence::reconciliation::run_scope(&scope))
        .await?
        .mismatches;
    if platform_wide {
        let movement = ctx.db.clearing_movement(&scope).await?;
        report.clearing = clearing_differences(&movement, &psp_records);
    }
    ctx.db
        .finish_reconciliation_run(claimed, &scope, &report)
        .await?;
    tracing::info!(run_id = %scope.id, findings = report.findings.len(), "reconciliation run finished");
    Ok(())
}

/// A report line as the run records it: what it names, as far as it can be read.
fn unreadable_line(raw: &Value, error: &str) -> UnreadableLine {
    let field = |name: &str| raw.get(name).and_then(Value::as_str).unwrap_or_default();
    UnreadableLine {
        record_type: match field("type") {
            "deposit" => Some(RecordType::Deposit),
            "payout" => Some(RecordType::Payout),
            _ => None,
        },
        reference: field("reference").to_owned(),
        currency: field("currency").to_owned(),
        raw: raw.to_string(),
        error: error.to_owned(),
    }
}

/// A report item as a comparable record (amounts in minor units); an item whose
/// currency or amount cannot be read is an error, never guessed.
fn record_of(item: &ReportItem) -> Result<Record, String> {
    let currency = ledger::Currency::parse(&item.currency)
        .map_err(|e| format!("currency {:?}: {e}", item.currency))?;
    let amount = item
        .amount
        .parse::<rust_decimal::Decimal>()
        .map_err(|e| format!("amount {:?}: {e}", item.amount))?;
    let amount_minor = ledger::Money::new(amount, currency)
        .and_then(|money| money.to_minor_units())
        .map_err(|e| format!("amount {:?}: {e}", item.amount))?;
    let status = match item.status {
        ReportStatus::Pending => "pending",
        ReportStatus::Succeeded => "succeeded",
        ReportStatus::Failed => "failed",
        ReportStatus::Reversed => "reversed",
    };
    Ok(Record {
        record_type: match item.r#type {
            TransactionType::Deposit => RecordType::Deposit,
            TransactionType::Payout => RecordType::Payout,
        },
        reference: item.reference.clone(),
        status: status.to_owned(),
        amount_minor,
        currency: currency.code().to_owned(),
        expected_at_psp: true,
    })
}

/// Rechecks payouts stuck in `pending`/`unknown` through the same path as
/// `POST /admin/withdrawals/{id}/recheck`. Only the attempts of the
/// worker's provider (the platform's default account): an attempt at a
/// tenant's account is unknown to it, and must never be taken for one the
/// PSP does not know.
async fn recheck_stuck(ctx: &JobContext, claimed: &ClaimedJob) -> Result<(), JobError> {
    let age = chrono::Duration::from_std(ctx.settings.recheck_age)?;
    let stuck = ctx
        .db
        .stuck_attempts(ctx.psp.name(), Utc::now() - age, RECHECK_BATCH_MAX)
        .await?;
    let audit = AuditContext::system("scheduled_recheck");
    for attempt in &stuck {
        match observe_payout(ctx.psp.as_ref(), attempt.id.0).await {
            Ok(observation) => match ctx
                .db
                .record_recheck(attempt.id, observation, None, &audit)
                .await
            {
                Ok(changed) => {
                    tracing::info!(attempt_id = %attempt.id, state = changed.state.as_str(), "scheduled recheck")
                }
                Err(e) => {
                    tracing::warn!(attempt_id = %attempt.id, error = %e, "scheduled recheck could not apply")
                }
            },
            Err(e) => {
                tracing::warn!(attempt_id = %attempt.id, error = %e, "scheduled recheck: PSP did not answer")
            }
        }
    }
    // Each recheck committed on its own; the job's completion is one more.
    Ok(ctx.db.complete_job_alone(claimed).await?)
}
