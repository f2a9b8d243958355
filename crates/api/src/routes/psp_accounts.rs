//! `POST/GET /admin/psp-accounts` and the rotation of an account's webhook
//! secret: tenants' accounts at payment providers. Secrets go in, are sealed
//! at rest, and never come out (not in answers, audit events or logs).

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use persistence::psp_accounts::PspAccount;
use psp::account::{AccountError, account_spec, valid_webhook_secret};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::{AdminPrincipal, Role};
use crate::body::{RawBody, parse_json};
use crate::idempotent::{Answer, completion, run_optional};
use crate::problem::ApiError;
use crate::providers::sealing_key;
use crate::request_context::RequestId;
use crate::routes::PageQuery;
use crate::routes::admin::scope_of;
use crate::routes::game_providers::acting_tenant;
use crate::state::AppState;
use crate::views::{PageView, page, timestamp};

/// The OpenAPI pattern of an account slug (`psp::account::valid_slug`'s rule).
pub const ACCOUNT_SLUG_PATTERN: &str = "^[a-z0-9][a-z0-9-]{0,63}$";

/// The body of `POST /admin/psp-accounts`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CreatePspAccount {
    /// Lower-case letters, digits and `-`; not `mock` (the platform's default account).
    #[schema(min_length = 1, max_length = 64, pattern = "^[a-z0-9][a-z0-9-]{0,63}$")]
    slug: String,
    #[schema(value_type = crate::openapi::enums::ProviderKind)]
    kind: String,
    /// Where the provider's API is: required for `mock`, Stripe's by default for `stripe`.
    #[serde(default)]
    #[schema(max_length = 2048)]
    base_url: Option<String>,
    /// The provider's API key (required for `stripe`); sealed, never shown again.
    #[serde(default)]
    #[schema(min_length = 32, max_length = 512)]
    api_key: Option<String>,
    /// The secret the provider signs its webhooks with; sealed, never shown again.
    #[schema(min_length = 32, max_length = 512)]
    webhook_secret: String,
    /// The tenant's slug: required for a platform admin, else the admin's own.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 64, pattern = "^[a-z0-9-]{1,64}$")]
    tenant: Option<String>,
}

/// The body of the rotation.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RotateWebhookSecret {
    /// The new secret (the provider's); the current one stays valid for 24 hours.
    #[schema(min_length = 32, max_length = 512)]
    webhook_secret: String,
}

/// A provider account as admins see it: never its secrets.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PspAccountView {
    id: Uuid,
    tenant_id: Uuid,
    slug: String,
    #[schema(value_type = crate::openapi::enums::ProviderKind)]
    kind: String,
    base_url: String,
    /// Whether an API key is stored (the key itself is never shown).
    has_api_key: bool,
    #[schema(format = DateTime)]
    created_at: String,
    /// When the webhook secret was last rotated.
    #[schema(required = true, format = DateTime)]
    rotated_at: Option<String>,
}

impl PspAccountView {
    fn of(a: &PspAccount) -> PspAccountView {
        PspAccountView {
            id: a.id,
            tenant_id: a.tenant.0,
            slug: a.slug.clone(),
            kind: a.kind.clone(),
            base_url: a.base_url.clone(),
            has_api_key: a.has_api_key,
            created_at: timestamp(a.created_at),
            rotated_at: a.rotated_at.map(timestamp),
        }
    }
}

fn refused(e: AccountError) -> ApiError {
    ApiError::Validation(e.to_string())
}

/// `POST /admin/psp-accounts`: a tenant's account at a provider (tenant
/// admins for their tenant, platform admins naming one). Audited without
/// its secrets.
#[utoipa::path(post, path = "/api/v1/admin/psp-accounts", operation_id = "createPspAccount", tag = "admin", params(("Idempotency-Key" = Option<String>, Header, description = "Optional idempotency key", pattern = "^[!-~][ -~]{0,254}$")), request_body = CreatePspAccount, security(("bearer" = [])), responses((status = 201, body = PspAccountView, description = "The account (its secrets are never shown)")))]
#[post("/admin/psp-accounts")]
pub async fn create(
    req: HttpRequest,
    rid: RequestId,
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    body: RawBody,
) -> HttpResponse {
    let state = state.get_ref();
    let bytes = &body.0;
    let answer = Answer::new(StatusCode::CREATED, |a: &PspAccount| {
        Ok(PspAccountView::of(a))
    });
    run_optional(
        state,
        &req,
        scope_of(&admin),
        bytes,
        answer,
        |lease| async move {
            admin.require(Role::TenantAdmin)?;
            let form: CreatePspAccount = parse_json(bytes)?;
            let spec = account_spec(
                &form.slug,
                &form.kind,
                form.base_url.as_deref(),
                form.api_key.map(SecretString::from),
                SecretString::from(form.webhook_secret),
            )
            .map_err(refused)?;
            let (tenant, _) = acting_tenant(state, &admin, form.tenant.as_deref()).await?;
            let key = sealing_key(state)?;
            Ok(state
                .db
                .create_psp_account(
                    tenant,
                    spec,
                    key,
                    &rid.admin(&admin),
                    completion(lease.as_ref()),
                )
                .await?)
        },
    )
    .await
}

/// `GET /admin/psp-accounts`: the accounts the admin may see, newest first.
#[utoipa::path(get, path = "/api/v1/admin/psp-accounts", operation_id = "listPspAccounts", tag = "admin", params(PageQuery), security(("bearer" = [])), responses((status = 200, body = PageView<PspAccountView>, description = "Page of provider accounts")))]
#[get("/admin/psp-accounts")]
pub async fn list(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .psp_accounts(admin.tenant_filter(), query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(page(rows, |a| Ok(PspAccountView::of(&a)))?))
}

/// `POST /admin/psp-accounts/{id}/rotate-webhook-secret` `{webhook_secret}`:
/// the provider's new signing secret; the previous one is still accepted
/// for 24 hours. Audited without either.
#[utoipa::path(post, path = "/api/v1/admin/psp-accounts/{id}/rotate-webhook-secret", operation_id = "rotatePspWebhookSecret", tag = "admin", params(("id" = Uuid, Path, description = "Id"), ("Idempotency-Key" = Option<String>, Header, description = "Optional idempotency key", pattern = "^[!-~][ -~]{0,254}$")), request_body = RotateWebhookSecret, security(("bearer" = [])), responses((status = 200, body = PspAccountView, description = "The account after the rotation")))]
#[post("/admin/psp-accounts/{id}/rotate-webhook-secret")]
pub async fn rotate(
    req: HttpRequest,
    rid: RequestId,
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: RawBody,
) -> HttpResponse {
    let state = state.get_ref();
    let (bytes, id) = (&body.0, id.into_inner());
    let answer = Answer::new(StatusCode::OK, |a: &PspAccount| Ok(PspAccountView::of(a)));
    run_optional(
        state,
        &req,
        scope_of(&admin),
        bytes,
        answer,
        |lease| async move {
            admin.require(Role::TenantAdmin)?;
            let form: RotateWebhookSecret = parse_json(bytes)?;
            let secret = SecretString::from(form.webhook_secret);
            valid_webhook_secret(&secret).map_err(refused)?;
            let key = sealing_key(state)?;
            Ok(state
                .db
                .rotate_psp_webhook_secret(
                    admin.tenant_filter(),
                    id,
                    &secret,
                    key,
                    &rid.admin(&admin),
                    completion(lease.as_ref()),
                )
                .await?)
        },
    )
    .await
}
