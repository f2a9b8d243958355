//! Admin withdrawals: list, detail, approve, reject, pay out, recheck.
//! `finance` and above may act; `support` may only read.

use actix_web::{HttpRequest, HttpResponse, ResponseError, get, http::StatusCode, post, web};
use ledger::{AdminId, WithdrawalId};
use persistence::{Visibility, WithdrawalAction};
use serde::Deserialize;
use uuid::Uuid;
use withdrawal::Withdrawal;

use crate::auth::{AdminPrincipal, Role};
use crate::body::{RawBody, parse_json};
use crate::idempotent::{self, Answer, IdempotentRequest};
use crate::problem::ApiError;
use crate::request_context::RequestId;
use crate::routes::queries::WithdrawalListQuery;
use crate::state::AppState;
use crate::use_cases;
use crate::validate::text_field;
use crate::views::PageView;
use crate::views::{WithdrawalView, page};
use persistence::audit::AuditContext;

/// Longest rejection reason.
const REASON_LEN_MAX: usize = 500;

fn admin_request(
    req: &HttpRequest,
    admin: &AdminPrincipal,
    body: &[u8],
) -> Result<IdempotentRequest, ApiError> {
    let tenant = admin
        .tenant_id()
        .map_or_else(|| "platform".to_owned(), |t| t.to_string());
    IdempotentRequest::new(req, tenant, format!("admin:{}", admin.admin_id), body)
}

/// `GET /admin/withdrawals?state=&player_id=`.
#[utoipa::path(get, path = "/api/v1/admin/withdrawals", operation_id = "listAdminWithdrawals", tag = "admin", params(WithdrawalListQuery), security(("bearer" = [])), responses((status = 200, body = PageView<WithdrawalView>, description = "Page of withdrawals")))]
#[get("/admin/withdrawals")]
pub async fn list(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    query: web::Query<WithdrawalListQuery>,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .withdrawals(
            Visibility::Tenant(admin.tenant_filter()),
            query.filter()?,
            query.page()?,
        )
        .await?;
    Ok(HttpResponse::Ok().json(page(rows, |w| WithdrawalView::of(&w))?))
}

/// `GET /admin/withdrawals/{id}`.
#[utoipa::path(get, path = "/api/v1/admin/withdrawals/{id}", operation_id = "getAdminWithdrawal", tag = "admin", params(("id" = Uuid, Path, description = "Id")), security(("bearer" = [])), responses((status = 200, body = WithdrawalView, description = "The withdrawal with its attempts")))]
#[get("/admin/withdrawals/{id}")]
pub async fn get(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .db
        .withdrawal(
            Visibility::Tenant(admin.tenant_filter()),
            WithdrawalId(id.into_inner()),
        )
        .await?
        .ok_or(ApiError::NotFound("withdrawal"))?;
    Ok(HttpResponse::Ok().json(WithdrawalView::of(&view)?))
}

/// Runs an idempotent admin action that `finance` and above may take; it
/// answers the changed withdrawal with `status`.
async fn act<F, Fut>(
    (req, rid, status): (&HttpRequest, &RequestId, StatusCode),
    admin: AdminPrincipal,
    state: &AppState,
    body: &[u8],
    work: F,
) -> HttpResponse
where
    F: FnOnce(persistence::idempotency_store::Lease, AuditContext) -> Fut,
    Fut: std::future::Future<Output = Result<Withdrawal, ApiError>>,
{
    if let Err(e) = admin.require(Role::Finance) {
        return e.error_response();
    }
    match admin_request(req, &admin, body) {
        Ok(request) => {
            let audit = rid.admin(&admin);
            let answer = Answer::new(status, WithdrawalView::of);
            idempotent::run(state, request, answer, |lease| work(lease, audit)).await
        }
        Err(e) => e.error_response(),
    }
}

/// `POST /admin/withdrawals/{id}/approve`.
#[utoipa::path(post, path = "/api/v1/admin/withdrawals/{id}/approve", operation_id = "approveWithdrawal", tag = "admin", params(("id" = Uuid, Path, description = "Id"), ("Idempotency-Key" = String, Header, description = "Idempotency key (1..255 printable ASCII)", pattern = "^[!-~][ -~]{0,254}$")), security(("bearer" = [])), responses((status = 200, body = WithdrawalView, description = "The approved withdrawal, or (at or above the dual-approval threshold, first approval) the withdrawal awaiting its second approval")))]
#[post("/admin/withdrawals/{id}/approve")]
pub async fn approve(
    req: HttpRequest,
    rid: RequestId,
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: RawBody,
) -> HttpResponse {
    let (state, id) = (state.get_ref(), WithdrawalId(id.into_inner()));
    act(
        (&req, &rid, StatusCode::OK),
        admin,
        state,
        &body.0,
        |lease, audit| async move {
            let visibility = Visibility::Tenant(admin.tenant_filter());
            let approval = WithdrawalAction::Approve {
                by: AdminId(admin.admin_id),
            };
            Ok(state
                .db
                .withdrawal_command(visibility, id, approval, &lease, &audit)
                .await?)
        },
    )
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Reject {
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    reason: String,
}

/// `POST /admin/withdrawals/{id}/reject` `{reason}`: releases the hold.
#[utoipa::path(post, path = "/api/v1/admin/withdrawals/{id}/reject", operation_id = "rejectWithdrawal", tag = "admin", params(("id" = Uuid, Path, description = "Id"), ("Idempotency-Key" = String, Header, description = "Idempotency key (1..255 printable ASCII)", pattern = "^[!-~][ -~]{0,254}$")), request_body = Reject, security(("bearer" = [])), responses((status = 200, body = WithdrawalView, description = "The rejected withdrawal (hold released)")))]
#[post("/admin/withdrawals/{id}/reject")]
pub async fn reject(
    req: HttpRequest,
    rid: RequestId,
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: RawBody,
) -> HttpResponse {
    let (state, id) = (state.get_ref(), WithdrawalId(id.into_inner()));
    let bytes = body.0.clone();
    act(
        (&req, &rid, StatusCode::OK),
        admin,
        state,
        &body.0,
        |lease, audit| async move {
            let form: Reject = parse_json(&bytes)?;
            let reason = text_field("reason", &form.reason, REASON_LEN_MAX)?.to_owned();
            let visibility = Visibility::Tenant(admin.tenant_filter());
            let action = WithdrawalAction::Reject { reason };
            Ok(state
                .db
                .withdrawal_command(visibility, id, action, &lease, &audit)
                .await?)
        },
    )
    .await
}

/// The optional body of a payout request.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct StartPayout {
    /// The tenant's provider account to pay through (its slug); absent or
    /// `mock`: the platform's default account.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 64, pattern = "^[a-z0-9][a-z0-9-]{0,63}$")]
    provider: Option<String>,
}

/// The account a payout request names: an empty body (or `{}`) names none.
fn payout_account(bytes: &[u8]) -> Result<Option<String>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    Ok(parse_json::<StartPayout>(bytes)?.provider)
}

/// `POST /admin/withdrawals/{id}/payouts`: starts (or retries) a payout.
/// The PSP call happens between two transactions, never inside one.
#[utoipa::path(post, path = "/api/v1/admin/withdrawals/{id}/payouts", operation_id = "createPayout", tag = "admin", params(("id" = Uuid, Path, description = "Id"), ("Idempotency-Key" = String, Header, description = "Idempotency key (1..255 printable ASCII)", pattern = "^[!-~][ -~]{0,254}$")), request_body(content = Option<StartPayout>, description = "Optional: the provider account to pay through"), security(("bearer" = [])), responses((status = 202, body = WithdrawalView, description = "The withdrawal with the new payout attempt")))]
#[post("/admin/withdrawals/{id}/payouts")]
pub async fn payouts(
    req: HttpRequest,
    rid: RequestId,
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: RawBody,
) -> HttpResponse {
    let (state, id) = (state.get_ref(), WithdrawalId(id.into_inner()));
    let account = match payout_account(&body.0) {
        Ok(account) => account,
        Err(e) => return e.error_response(),
    };
    let target = (admin.tenant_filter(), id, account);
    let how = (&req, &rid, StatusCode::ACCEPTED);
    act(how, admin, state, &body.0, |lease, audit| {
        use_cases::start_payout(state, target, lease, audit)
    })
    .await
}

/// `POST /admin/withdrawals/{id}/recheck`: asks the PSP about the latest
/// attempt and applies the answer through the same path as a webhook.
#[utoipa::path(post, path = "/api/v1/admin/withdrawals/{id}/recheck", operation_id = "recheckWithdrawal", tag = "admin", params(("id" = Uuid, Path, description = "Id"), ("Idempotency-Key" = String, Header, description = "Idempotency key (1..255 printable ASCII)", pattern = "^[!-~][ -~]{0,254}$")), security(("bearer" = [])), responses((status = 200, body = WithdrawalView, description = "The withdrawal after the PSP's answer")))]
#[post("/admin/withdrawals/{id}/recheck")]
pub async fn recheck(
    req: HttpRequest,
    rid: RequestId,
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: RawBody,
) -> HttpResponse {
    let (state, id) = (state.get_ref(), WithdrawalId(id.into_inner()));
    let target = (admin.tenant_filter(), id);
    act(
        (&req, &rid, StatusCode::OK),
        admin,
        state,
        &body.0,
        |lease, audit| use_cases::recheck_payout(state, target, lease, audit),
    )
    .await
}
