//! The admin API of the foundation: tenants, users, ledger and audit
//! verification, anomalies and deposits (players: `admin_players`). Reads are tenant-scoped: a
//! non-platform admin sees only its tenant, and another tenant's ids are 404.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use persistence::audit::AuditRecord;
use persistence::records::{Tenant, TenantId};
use persistence::{AdminAccount, LedgerReport, NewAdmin};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;

use crate::auth::{AdminPrincipal, Role, check_password_policy, hash_password};
use crate::body::{RawBody, parse_json};
use crate::idempotent::{Answer, completion, run_optional};
use crate::problem::ApiError;
use crate::request_context::RequestId;
use crate::routes::PageQuery;
use crate::routes::queries::DepositListQuery;
use crate::state::AppState;
use crate::validate::{email, slug, text_field};
use crate::views::PageView;
use crate::views::{AnomalyView, DepositView, page, timestamp};

/// The idempotency scope of an admin's optional-key POST: (tenant or
/// `platform`, `admin:<id>`).
pub(crate) fn scope_of(admin: &AdminPrincipal) -> (String, String) {
    let tenant = admin
        .tenant_id()
        .map_or_else(|| "platform".to_owned(), |t| t.to_string());
    (tenant, format!("admin:{}", admin.admin_id))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateTenant {
    #[schema(min_length = 1, max_length = 64, pattern = "^[a-z0-9-]{1,64}$")]
    slug: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    name: String,
}

/// `POST /admin/tenants` (platform admins).
#[utoipa::path(post, path = "/api/v1/admin/tenants", operation_id = "createTenant", tag = "admin", params(("Idempotency-Key" = Option<String>, Header, description = "Optional idempotency key", pattern = "^[!-~][ -~]{0,254}$")), request_body = CreateTenant, security(("bearer" = [])), responses((status = 201, body = crate::openapi::bodies::TenantView, description = "Tenant created")))]
#[post("/admin/tenants")]
pub async fn create_tenant(
    req: HttpRequest,
    rid: RequestId,
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    body: RawBody,
) -> HttpResponse {
    let state = state.get_ref();
    let bytes = &body.0;
    let answer = Answer::new(StatusCode::CREATED, |t: &Tenant| {
        Ok(
            json!({"id": t.id, "slug": t.slug, "name": t.name, "created_at": timestamp(t.created_at)}),
        )
    });
    run_optional(
        state,
        &req,
        scope_of(&admin),
        bytes,
        answer,
        |lease| async move {
            admin.require(Role::PlatformAdmin)?;
            let form: CreateTenant = parse_json(bytes)?;
            let completion = completion(lease.as_ref());
            Ok(state
                .db
                .create_tenant(
                    slug(&form.slug)?,
                    text_field("name", &form.name, 200)?,
                    &rid.admin(&admin),
                    completion,
                )
                .await?)
        },
    )
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateUser {
    #[schema(
        max_length = 254,
        pattern = "^[!-?A-~]+@[-!-,/-?A-~][!-?A-~]*\\.[!-?A-~]*[-!-,/-?A-~]$"
    )]
    email: String,
    #[schema(value_type = String, min_length = 10, max_length = 128)]
    password: SecretString,
    #[schema(value_type = crate::openapi::enums::Role)]
    role: String,
    #[serde(default)]
    #[schema(min_length = 1, max_length = 64, pattern = "^[a-z0-9-]{1,64}$")]
    tenant: Option<String>,
}

/// `POST /admin/users`: platform admins create anyone; tenant admins create
/// `finance` and `support` users of their own tenant.
#[utoipa::path(post, path = "/api/v1/admin/users", operation_id = "createAdminUser", tag = "admin", params(("Idempotency-Key" = Option<String>, Header, description = "Optional idempotency key", pattern = "^[!-~][ -~]{0,254}$")), request_body = CreateUser, security(("bearer" = [])), responses((status = 201, body = crate::openapi::bodies::AdminUserView, description = "Admin user created")))]
#[post("/admin/users")]
pub async fn create_user(
    req: HttpRequest,
    rid: RequestId,
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    body: RawBody,
) -> HttpResponse {
    let state = state.get_ref();
    let bytes = &body.0;
    let answer = Answer::new(StatusCode::CREATED, |u: &AdminAccount| {
        Ok(
            json!({"id": u.id, "email": u.email, "role": u.role.as_str(), "tenant_id": u.tenant, "created_at": timestamp(u.created_at)}),
        )
    });
    run_optional(
        state,
        &req,
        scope_of(&admin),
        bytes,
        answer,
        |lease| async move {
            admin.require(Role::TenantAdmin)?;
            let form: CreateUser = parse_json(bytes)?;
            let role = Role::parse(&form.role)
                .ok_or_else(|| ApiError::Validation("unknown role".into()))?;
            let email = email(&form.email)?;
            check_password_policy(form.password.expose_secret())?;
            let tenant = user_tenant(state, &admin, role, form.tenant.as_deref()).await?;
            let password_hash = hash_password(form.password).await?;
            let completion = completion(lease.as_ref());
            Ok(state
                .db
                .create_admin(
                    NewAdmin {
                        email,
                        password_hash,
                        role,
                        tenant,
                    },
                    &rid.admin(&admin),
                    completion,
                )
                .await?)
        },
    )
    .await
}

/// Which tenant the new user belongs to, refusing what the creator may not do.
async fn user_tenant(
    state: &AppState,
    admin: &AdminPrincipal,
    role: Role,
    tenant: Option<&str>,
) -> Result<Option<TenantId>, ApiError> {
    if admin.role() != Role::PlatformAdmin && role >= Role::TenantAdmin {
        return Err(ApiError::Forbidden);
    }
    match (role, tenant) {
        (Role::PlatformAdmin, None) => Ok(None),
        (Role::PlatformAdmin, Some(_)) => Err(ApiError::Validation(
            "platform admins belong to no tenant".into(),
        )),
        (_, None) => Err(ApiError::Validation(
            "tenant is required for this role".into(),
        )),
        (_, Some(slug)) => {
            let tenant = state
                .db
                .tenant_by_slug(slug)
                .await?
                .ok_or(ApiError::NotFound("tenant"))?;
            if admin.sees_tenant(tenant.id.0) {
                Ok(Some(tenant.id))
            } else {
                Err(ApiError::NotFound("tenant"))
            }
        }
    }
}

/// `POST /admin/ledger/verify`: recomputes every wallet of the admin's scope.
#[utoipa::path(post, path = "/api/v1/admin/ledger/verify", operation_id = "verifyLedger", tag = "admin", params(("Idempotency-Key" = Option<String>, Header, description = "Optional idempotency key", pattern = "^[!-~][ -~]{0,254}$")), security(("bearer" = [])), responses((status = 200, body = crate::openapi::bodies::LedgerReport, description = "Verification report")))]
#[post("/admin/ledger/verify")]
pub async fn verify_ledger(
    req: HttpRequest,
    rid: RequestId,
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    body: RawBody,
) -> HttpResponse {
    let state = state.get_ref();
    let answer = Answer::new(StatusCode::OK, |r: &LedgerReport| Ok(r.clone()));
    run_optional(state, &req, scope_of(&admin), &body.0, answer, |lease| async move {
        let report = state.db.verify_ledger(admin.tenant_filter()).await?;
        if !report.ok {
            tracing::error!(
                mismatches = report.mismatches.len(),
                "ledger verification found drift"
            );
        }
        let record = AuditRecord {
            tenant_id: admin.tenant_id(),
            action: "ledger.verify",
            target_type: "ledger",
            target_id: admin.tenant_id().map_or_else(|| "all".to_owned(), |t| t.to_string()),
            before: None,
            after: Some(json!({"ok": report.ok, "wallets_checked": report.wallets_checked, "mismatches": report.mismatches.len()})),
        };
        let completion = completion(lease.as_ref()).map(|c| (c, &report));
        state.db.audit_with_outcome(&rid.admin(&admin), record, completion).await?;
        Ok(report)
    })
    .await
}

/// `GET /admin/anomalies`.
#[utoipa::path(get, path = "/api/v1/admin/anomalies", operation_id = "listAnomalies", tag = "admin", params(PageQuery), security(("bearer" = [])), responses((status = 200, body = PageView<AnomalyView>, description = "Page of anomalies")))]
#[get("/admin/anomalies")]
pub async fn anomalies(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .anomalies(admin.tenant_filter(), query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(page(rows, |a| Ok(AnomalyView::of(a)))?))
}

/// `GET /admin/deposits?status=&player_id=`.
#[utoipa::path(get, path = "/api/v1/admin/deposits", operation_id = "listAdminDeposits", tag = "admin", params(DepositListQuery), security(("bearer" = [])), responses((status = 200, body = PageView<DepositView>, description = "Page of deposits")))]
#[get("/admin/deposits")]
pub async fn deposits(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    query: web::Query<DepositListQuery>,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .deposits_of_tenant(admin.tenant_filter(), query.filter()?, query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(page(rows, |d| DepositView::of(&d))?))
}

/// `GET /admin/audit-events` (newest first; tenant admins see their tenant's chain).
#[utoipa::path(get, path = "/api/v1/admin/audit-events", operation_id = "listAuditEvents", tag = "admin", params(PageQuery), security(("bearer" = [])), responses((status = 200, body = crate::openapi::bodies::AuditEventPage, description = "Page of audit events")))]
#[get("/admin/audit-events")]
pub async fn audit_events(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .audit_events(admin.tenant_filter(), query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(page(rows, |e| {
        Ok(json!({
            "id": e.id,
            "chain": e.chain_id,
            "seq": e.seq,
            "tenant_id": e.tenant_id,
            "actor": e.actor,
            "role": e.role,
            "action": e.action,
            "target_type": e.target_type,
            "target_id": e.target_id,
            "before": e.before.as_deref().and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok()),
            "after": e.after.as_deref().and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok()),
            "request_id": e.request_id,
            "created_at": chrono::DateTime::from_timestamp_micros(e.created_at).map(timestamp),
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }))
    })?))
}

/// `GET /admin/audit-events/verify`: recomputes the hash chains.
#[utoipa::path(get, path = "/api/v1/admin/audit-events/verify", operation_id = "verifyAuditChains", tag = "admin", security(("bearer" = [])), responses((status = 200, body = crate::openapi::bodies::AuditReport, description = "Verification report")))]
#[get("/admin/audit-events/verify")]
pub async fn verify_audit(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let report = state.db.verify_audit(admin.tenant_filter()).await?;
    if !report.ok {
        tracing::error!(broken = ?report.broken, "audit chain verification failed");
    }
    Ok(HttpResponse::Ok().json(report))
}
