//! A tenant's player-protection policy: read by any admin who sees the
//! tenant, replaced by its tenant admins and platform admins (audited).
//! Another tenant's slug is 404.

use actix_web::{HttpResponse, get, put, web};
use persistence::records::Tenant;
use protection::{PolicyBody, TenantPolicy};

use crate::auth::{AdminPrincipal, Role};
use crate::body::{RawBody, parse_json};
use crate::openapi::protection_bodies::TenantPolicyBody;
use crate::problem::ApiError;
use crate::request_context::RequestId;
use crate::state::AppState;

/// The tenant named `slug`, if the admin sees it (else 404).
async fn visible_tenant(
    state: &AppState,
    admin: &AdminPrincipal,
    slug: &str,
) -> Result<Tenant, ApiError> {
    state
        .db
        .tenant_by_slug(slug)
        .await?
        .filter(|tenant| admin.sees_tenant(tenant.id.0))
        .ok_or(ApiError::NotFound("tenant"))
}

/// `GET /admin/tenants/{slug}/policy`: the stored policy, or the defaults.
#[utoipa::path(get, path = "/api/v1/admin/tenants/{slug}/policy", operation_id = "getTenantPolicy", tag = "admin", params(("slug" = String, Path, description = "Tenant slug", pattern = "^[a-z0-9-]{1,64}$", max_length = 64)), security(("bearer" = [])), responses((status = 200, body = TenantPolicyBody, description = "The tenant's policy (the defaults when it never set one)")))]
#[get("/admin/tenants/{slug}/policy")]
pub async fn get_policy(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let tenant = visible_tenant(&state, &admin, &slug).await?;
    let policy = state.db.tenant_policy(tenant.id).await?;
    Ok(HttpResponse::Ok().json(PolicyBody::from(&policy)))
}

/// `PUT /admin/tenants/{slug}/policy`: replaces the whole policy.
#[utoipa::path(put, path = "/api/v1/admin/tenants/{slug}/policy", operation_id = "putTenantPolicy", tag = "admin", params(("slug" = String, Path, description = "Tenant slug", pattern = "^[a-z0-9-]{1,64}$", max_length = 64)), request_body = TenantPolicyBody, security(("bearer" = [])), responses((status = 200, body = TenantPolicyBody, description = "The policy now in force")))]
#[put("/admin/tenants/{slug}/policy")]
pub async fn put_policy(
    rid: RequestId,
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    body: RawBody,
) -> Result<HttpResponse, ApiError> {
    admin.require(Role::TenantAdmin)?;
    let tenant = visible_tenant(&state, &admin, &slug).await?;
    let form: PolicyBody = parse_json(&body.0)?;
    let policy = TenantPolicy::try_from(form).map_err(|e| ApiError::Validation(e.to_string()))?;
    let stored = state
        .db
        .set_tenant_policy(tenant.id, policy, &rid.admin(&admin))
        .await?;
    Ok(HttpResponse::Ok().json(PolicyBody::from(&stored)))
}
