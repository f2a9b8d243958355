//! Reconciliation runs: create (idempotent, queues a job), list, detail with
//! stats and paged findings.

use actix_web::{HttpRequest, HttpResponse, ResponseError, get, http::StatusCode, post, web};
use chrono::{DateTime, Utc};
use persistence::reconciliation::NewRun;
use persistence::records::{ReconciliationFinding, ReconciliationRun, RunId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::auth::{AdminPrincipal, Role};
use crate::body::{RawBody, parse_json};
use crate::idempotent::{self, Answer, IdempotentRequest};
use crate::problem::ApiError;
use crate::request_context::RequestId;
use crate::routes::PageQuery;
use crate::state::AppState;
use crate::views::{cursor, page, timestamp};

/// Longest window one run may cover.
const WINDOW_DAYS_MAX: i64 = 92;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateRun {
    #[schema(min_length = 1, max_length = 64)]
    provider: String,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

fn summary(r: &ReconciliationRun) -> serde_json::Value {
    let stats = &r.stats;
    json!({
        "id": r.id,
        "status": r.status.as_str(),
        "provider": r.provider,
        "from": timestamp(r.window_from),
        "to": timestamp(r.window_to),
        "created_at": timestamp(r.created_at),
        "started_at": r.started_at.map(timestamp),
        "finished_at": r.finished_at.map(timestamp),
        "error": r.error,
        "stats": {
            "matched": stats.matched,
            "mismatched": stats.mismatched,
            "missing_in_psp": stats.missing_in_psp,
            "missing_in_kasa": stats.missing_in_kasa,
            "wallet_mismatches": stats.wallet_mismatches,
            "clearing_mismatches": stats.clearing_mismatches,
            "unreadable": stats.unreadable,
        },
    })
}

/// `POST /admin/reconciliation-runs` (finance and above).
#[utoipa::path(post, path = "/api/v1/admin/reconciliation-runs", operation_id = "createReconciliationRun", tag = "admin", params(("Idempotency-Key" = String, Header, description = "Idempotency key (1..255 printable ASCII)", pattern = "^[!-~][ -~]{0,254}$")), request_body = CreateRun, security(("bearer" = [])), responses((status = 202, body = crate::openapi::bodies::ReconciliationRunView, description = "The queued run")))]
#[post("/admin/reconciliation-runs")]
pub async fn create(
    req: HttpRequest,
    rid: RequestId,
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    body: RawBody,
) -> HttpResponse {
    if let Err(e) = admin.require(Role::Finance) {
        return e.error_response();
    }
    let tenant = admin
        .tenant_id()
        .map_or_else(|| "platform".to_owned(), |t| t.to_string());
    let request =
        match IdempotentRequest::new(&req, tenant, format!("admin:{}", admin.admin_id), &body.0) {
            Ok(request) => request,
            Err(e) => return e.error_response(),
        };
    let state = state.get_ref();
    let answer = Answer::new(StatusCode::ACCEPTED, |r: &ReconciliationRun| Ok(summary(r)));
    idempotent::run(state, request, answer, |lease| async move {
        let form: CreateRun = parse_json(&body.0)?;
        if form.provider != state.psp.name() {
            return Err(ApiError::Validation(format!(
                "unknown provider {:?}",
                form.provider
            )));
        }
        if form.from >= form.to || form.to - form.from > chrono::Duration::days(WINDOW_DAYS_MAX) {
            return Err(ApiError::Validation(format!(
                "from must be before to, at most {WINDOW_DAYS_MAX} days apart"
            )));
        }
        let new = NewRun {
            scope: admin.tenant_filter(),
            provider: form.provider,
            from: form.from,
            to: form.to,
            created_by: format!("admin:{}", admin.admin_id),
        };
        Ok(state
            .db
            .create_reconciliation_run(new, &lease, &rid.admin(&admin))
            .await?)
    })
    .await
}

/// `GET /admin/reconciliation-runs`.
#[utoipa::path(get, path = "/api/v1/admin/reconciliation-runs", operation_id = "listReconciliationRuns", tag = "admin", params(PageQuery), security(("bearer" = [])), responses((status = 200, body = crate::openapi::bodies::ReconciliationRunPage, description = "Page of runs")))]
#[get("/admin/reconciliation-runs")]
pub async fn list(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .reconciliation_runs(admin.tenant_filter(), query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(page(rows, |r| Ok(summary(&r)))?))
}

/// One reconciliation finding.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FindingView {
    /// Finding id.
    pub id: Uuid,
    /// What was found.
    #[schema(value_type = crate::openapi::enums::FindingKind)]
    pub kind: String,
    /// `deposit` or `payout`.
    pub reference_type: String,
    /// Kasa's id (the PSP's `reference`).
    pub reference: String,
    /// Kasa's status, when Kasa has the record.
    #[schema(required = true)]
    pub kasa_status: Option<String>,
    /// The PSP's status, when the PSP reports it.
    #[schema(required = true)]
    pub psp_status: Option<String>,
    /// Kasa's amount in minor units.
    #[schema(required = true)]
    pub kasa_amount_minor: Option<i64>,
    /// The PSP's amount in minor units.
    #[schema(required = true)]
    pub psp_amount_minor: Option<i64>,
    /// ISO 4217 code.
    pub currency: String,
    /// Why it is a finding.
    pub detail: String,
}

fn finding_view(f: ReconciliationFinding) -> FindingView {
    FindingView {
        id: f.id,
        kind: f.kind.as_str().to_owned(),
        reference_type: f.subject.as_str().to_owned(),
        reference: f.reference,
        kasa_status: f.kasa_status,
        psp_status: f.psp_status,
        kasa_amount_minor: f.kasa_amount_minor,
        psp_amount_minor: f.psp_amount_minor,
        currency: f.currency,
        detail: f.detail,
    }
}

/// `GET /admin/reconciliation-runs/{id}?limit=&cursor=` (the page applies to findings).
#[utoipa::path(get, path = "/api/v1/admin/reconciliation-runs/{id}", operation_id = "getReconciliationRun", tag = "admin", params(("id" = Uuid, Path, description = "Id"), PageQuery), security(("bearer" = [])), responses((status = 200, body = crate::openapi::bodies::ReconciliationRunDetail, description = "The run with its stats and a page of findings")))]
#[get("/admin/reconciliation-runs/{id}")]
pub async fn get(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let run = state
        .db
        .reconciliation_run(admin.tenant_filter(), RunId(id.into_inner()))
        .await?
        .ok_or(ApiError::NotFound("reconciliation run"))?;
    let findings = state
        .db
        .reconciliation_findings(run.id, query.page()?)
        .await?;
    let mut body = summary(&run);
    body["findings"] = json!(
        findings
            .items
            .into_iter()
            .map(finding_view)
            .collect::<Vec<_>>()
    );
    body["findings_next_cursor"] = json!(findings.next_cursor.map(cursor));
    Ok(HttpResponse::Ok().json(body))
}
