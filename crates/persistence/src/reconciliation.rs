//! Reconciliation runs: created with their job in one transaction, executed by
//! a worker, written back with the job's completion in one transaction.

use std::collections::{BTreeMap, HashMap};

use ::deposit::DepositStatus;
use ::reconciliation::{FindingKind, KasaDeposit, KasaPayout, Record};
use ::withdrawal::WithdrawalState;
use chrono::{DateTime, Utc};
use payout::AttemptStatus;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait, sea_query::Expr, sea_query::ExprTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::audit::{self, AuditContext, AuditRecord};
use crate::db::Db;
use crate::entities::{
    deposit, ledger_posting, payout_attempt, reconciliation_finding as finding,
    reconciliation_run as run, withdrawal,
};
use crate::error::{StoreError, StoreResult};
use crate::idempotency_store::{self, Lease};
use crate::jobs::{self, ClaimedJob, NewJob};
use crate::mapping;
use crate::outcome::encode_outcome;
use crate::pagination::{Page, PageRequest, fetch_page};
use crate::records::{ReconciliationFinding, ReconciliationRun, RunId, RunStatus};
use crate::scope::TenantScope;

mod findings;

pub use findings::RunReport;

/// Job kind of a reconciliation run.
pub const RECONCILIATION_JOB: &str = "reconciliation_run";

/// Payload of a reconciliation job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReconciliationJob {
    /// The run to execute.
    pub run_id: RunId,
}

/// The tenants a stored run covers: a run without a tenant was created in
/// [`TenantScope::All`] (by a platform admin; [`NewRun`] takes a scope).
pub fn run_scope(run: &ReconciliationRun) -> TenantScope {
    run.tenant
        .map_or(TenantScope::All, |t| TenantScope::One(t.0))
}

/// A run to create.
#[derive(Debug, Clone)]
pub struct NewRun {
    /// The tenants the run covers.
    pub scope: TenantScope,
    /// PSP name.
    pub provider: String,
    /// Window start.
    pub from: DateTime<Utc>,
    /// Window end.
    pub to: DateTime<Utc>,
    /// `admin:<id>`.
    pub created_by: String,
}

impl Db {
    /// Creates a queued run and its job in one transaction with the idempotent response.
    pub async fn create_reconciliation_run(
        &self,
        new: NewRun,
        lease: &Lease,
        audit: &AuditContext,
    ) -> StoreResult<ReconciliationRun> {
        let txn = self.conn().begin().await?;
        let created = run::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(new.scope.tenant_id()),
            provider: Set(new.provider),
            window_from: Set(new.from),
            window_to: Set(new.to),
            status: Set(RunStatus::Queued.as_str().to_owned()),
            error: Set(None),
            matched: Set(0),
            mismatched: Set(0),
            missing_in_psp: Set(0),
            missing_in_kasa: Set(0),
            wallet_mismatches: Set(0),
            clearing_mismatches: Set(0),
            unreadable: Set(0),
            created_by: Set(new.created_by),
            created_at: Set(Utc::now()),
            started_at: Set(None),
            finished_at: Set(None),
        }
        .insert(&txn)
        .await?;
        let created = mapping::run(created)?;
        let payload = serde_json::to_string(&ReconciliationJob { run_id: created.id })
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        jobs::enqueue(&txn, NewJob::now(RECONCILIATION_JOB, payload)).await?;
        let record = AuditRecord {
            tenant_id: created.tenant.map(|t| t.0),
            action: "reconciliation_run.create",
            target_type: "reconciliation_run",
            target_id: created.id.to_string(),
            before: None,
            after: Some(
                serde_json::json!({"provider": created.provider, "from": created.window_from, "to": created.window_to}),
            ),
        };
        audit::append(&txn, audit, record).await?;
        idempotency_store::complete(&txn, lease, &encode_outcome(&created)?).await?;
        txn.commit().await?;
        Ok(created)
    }

    /// A run the caller may see.
    pub async fn reconciliation_run(
        &self,
        scope: TenantScope,
        id: RunId,
    ) -> StoreResult<Option<ReconciliationRun>> {
        let select = scope.restrict(run::Entity::find_by_id(id.0), run::Column::TenantId);
        select.one(self.conn()).await?.map(mapping::run).transpose()
    }

    /// A page of runs the caller may see.
    pub async fn reconciliation_runs(
        &self,
        scope: TenantScope,
        page: PageRequest,
    ) -> StoreResult<Page<ReconciliationRun>> {
        let select = scope.restrict(run::Entity::find(), run::Column::TenantId);
        fetch_page(select, run::Column::Id, page, |r| r.id, self.conn())
            .await?
            .try_map(mapping::run)
    }

    /// A page of a run's findings.
    pub async fn reconciliation_findings(
        &self,
        run: RunId,
        page: PageRequest,
    ) -> StoreResult<Page<ReconciliationFinding>> {
        let select = finding::Entity::find().filter(finding::Column::RunId.eq(run.0));
        fetch_page(select, finding::Column::Id, page, |f| f.id, self.conn())
            .await?
            .try_map(mapping::finding)
    }

    /// Marks a run running (a retried job runs it again from scratch), only
    /// while `claimed` holds the job's lease: a worker that lost it (stalled,
    /// then resumed) gets `LeaseLost` and leaves the run as it is.
    pub async fn start_reconciliation_run(
        &self,
        claimed: &ClaimedJob,
        id: RunId,
    ) -> StoreResult<ReconciliationRun> {
        let txn = self.conn().begin().await?;
        self.confirm_lease(&txn, claimed).await?;
        let found = run::Entity::find_by_id(id.0)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("run"))?;
        let mut update: run::ActiveModel = found.into();
        update.status = Set(RunStatus::Running.as_str().to_owned());
        update.started_at = Set(Some(Utc::now()));
        let started = mapping::run(update.update(&txn).await?)?;
        txn.commit().await?;
        Ok(started)
    }

    /// Kasa's side of a run: records of the window (within the run's tenant)
    /// plus every record the report names.
    pub async fn kasa_records(
        &self,
        scope: &ReconciliationRun,
        named: &[String],
    ) -> StoreResult<Vec<Record>> {
        let named: Vec<Uuid> = named
            .iter()
            .filter_map(|r| Uuid::try_parse(r).ok())
            .collect();
        let in_window = deposit::Column::CreatedAt
            .gte(scope.window_from)
            .and(deposit::Column::CreatedAt.lt(scope.window_to));
        let mut deposits = deposit::Entity::find()
            .filter(deposit::Column::Provider.eq(scope.provider.as_str()))
            .filter(in_window.or(deposit::Column::Id.is_in(named.clone())));
        if let Some(tenant) = scope.tenant {
            deposits = deposits.filter(deposit::Column::TenantId.eq(tenant.0));
        }
        let mut records = deposits
            .all(self.conn())
            .await?
            .into_iter()
            .map(deposit_record)
            .collect::<StoreResult<Vec<Record>>>()?;
        let in_window = payout_attempt::Column::CreatedAt
            .gte(scope.window_from)
            .and(payout_attempt::Column::CreatedAt.lt(scope.window_to));
        let mut attempts = payout_attempt::Entity::find()
            .filter(payout_attempt::Column::Provider.eq(scope.provider.as_str()))
            .filter(in_window.or(payout_attempt::Column::Id.is_in(named)));
        if let Some(tenant) = scope.tenant {
            attempts = attempts.filter(payout_attempt::Column::TenantId.eq(tenant.0));
        }
        let attempts = attempts.all(self.conn()).await?;
        let withdrawal_ids: Vec<Uuid> = attempts.iter().map(|a| a.withdrawal_id).collect();
        let withdrawals: HashMap<Uuid, withdrawal::Model> = withdrawal::Entity::find()
            .filter(withdrawal::Column::Id.is_in(withdrawal_ids))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|w| (w.id, w))
            .collect();
        for attempt in attempts {
            let Some(w) = withdrawals.get(&attempt.withdrawal_id) else {
                continue;
            };
            records.push(payout_record(&attempt, w)?);
        }
        Ok(records)
    }

    /// Net movement of the provider's clearing accounts within the window, per currency.
    pub async fn clearing_movement(
        &self,
        scope: &ReconciliationRun,
    ) -> StoreResult<BTreeMap<String, i64>> {
        let prefix = format!("house:psp_clearing:{}:%", scope.provider);
        let mut query = ledger_posting::Entity::find()
            .select_only()
            .column(ledger_posting::Column::Currency)
            .column_as(Expr::cust("CAST(SUM(amount_minor) AS BIGINT)"), "sum_minor")
            // Repeats the predicate of the partial index on house postings' time.
            .filter(ledger_posting::Column::Account.like("house:%"))
            .filter(ledger_posting::Column::Account.like(prefix))
            .filter(ledger_posting::Column::CreatedAt.gte(scope.window_from))
            .filter(ledger_posting::Column::CreatedAt.lt(scope.window_to))
            .group_by(ledger_posting::Column::Currency);
        if let Some(tenant) = scope.tenant {
            query = query.filter(ledger_posting::Column::TenantId.eq(tenant.0));
        }
        let rows: Vec<(String, i64)> = query.into_tuple().all(self.conn()).await?;
        Ok(rows.into_iter().collect())
    }

    /// Writes findings, stats and `succeeded`, and completes the job, in one
    /// transaction: a worker that lost its lease (checked by its lease token)
    /// commits nothing, and a re-run replaces (never doubles) the findings.
    pub async fn finish_reconciliation_run(
        &self,
        claimed: &ClaimedJob,
        scope: &ReconciliationRun,
        report: &RunReport,
    ) -> StoreResult<()> {
        let txn = self.conn().begin().await?;
        self.complete_job(&txn, claimed).await?;
        finding::Entity::delete_many()
            .filter(finding::Column::RunId.eq(scope.id.0))
            .exec(&txn)
            .await?;
        let rows: Vec<finding::ActiveModel> = report.rows(scope);
        for chunk in rows.chunks(500) {
            finding::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
        let count =
            |kind: FindingKind| report.findings.iter().filter(|f| f.kind == kind).count() as i32;
        let mut update = run::ActiveModel {
            id: Set(scope.id.0),
            ..Default::default()
        };
        update.status = Set(RunStatus::Succeeded.as_str().to_owned());
        update.error = Set(None);
        update.matched = Set(count(FindingKind::Matched));
        update.mismatched = Set(count(FindingKind::Mismatched));
        update.missing_in_psp = Set(count(FindingKind::MissingInPsp));
        update.missing_in_kasa = Set(count(FindingKind::MissingInKasa));
        update.wallet_mismatches = Set(report.wallets.len() as i32);
        update.clearing_mismatches = Set(report.clearing.len() as i32);
        update.unreadable = Set(count(FindingKind::Unreadable));
        update.finished_at = Set(Some(Utc::now()));
        update.update(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Marks a run failed with `error` (the job failed for good).
    pub async fn fail_reconciliation_run(&self, id: RunId, error: &str) -> StoreResult<()> {
        run::Entity::update_many()
            .col_expr(run::Column::Status, Expr::value(RunStatus::Failed.as_str()))
            .col_expr(
                run::Column::Error,
                Expr::value(error.chars().take(2000).collect::<String>()),
            )
            .col_expr(run::Column::FinishedAt, Expr::value(Utc::now()))
            .filter(run::Column::Id.eq(id.0))
            .exec(self.conn())
            .await?;
        Ok(())
    }
}

/// Kasa's record of a deposit (the rule is `reconciliation`'s; this parses the row).
fn deposit_record(d: deposit::Model) -> StoreResult<Record> {
    let status = DepositStatus::parse(&d.status)
        .ok_or_else(|| StoreError::Corrupt(format!("deposit status {}", d.status)))?;
    Ok(Record::from(KasaDeposit {
        reference: d.id.to_string(),
        status,
        has_provider_ref: d.provider_ref.is_some(),
        amount_minor: d.amount_minor,
        currency: d.currency,
    }))
}

/// Kasa's record of a payout attempt, with its withdrawal's amount and state.
fn payout_record(a: &payout_attempt::Model, w: &withdrawal::Model) -> StoreResult<Record> {
    let corrupt = |e: &dyn std::fmt::Display| StoreError::Corrupt(e.to_string());
    Ok(Record::from(KasaPayout {
        reference: a.id.to_string(),
        attempt: AttemptStatus::parse(&a.status).map_err(|e| corrupt(&e))?,
        withdrawal: WithdrawalState::parse(&w.state).map_err(|e| corrupt(&e))?,
        has_provider_ref: a.provider_ref.is_some(),
        amount_minor: w.amount_minor,
        currency: w.currency.clone(),
    }))
}
