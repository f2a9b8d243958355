//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]`
//! annotations and the types' `ToSchema` derivations; served at
//! `GET /api/v1/openapi.json`.

use actix_web::{HttpResponse, get};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::problem::Problem;

/// The problem+json answers every operation may give.
#[derive(utoipa::IntoResponses)]
pub enum ProblemResponses {
    /// Malformed JSON, or a required `Idempotency-Key` missing or invalid.
    #[response(
        status = 400,
        description = "Malformed JSON or missing/invalid Idempotency-Key",
        content_type = "application/problem+json"
    )]
    BadRequest(Problem),
    /// No, expired or invalid token; bad credentials; bad webhook signature.
    #[response(
        status = 401,
        description = "Unauthorized",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    /// The role may not do this.
    #[response(
        status = 403,
        description = "Forbidden",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    /// Unknown id, or another tenant's or player's.
    #[response(
        status = 404,
        description = "Not found",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
    /// Invalid state transition, duplicate, or idempotency key in flight.
    #[response(
        status = 409,
        description = "Conflict",
        content_type = "application/problem+json"
    )]
    Conflict(Problem),
    /// Body over the limit.
    #[response(
        status = 413,
        description = "Payload too large",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    /// Validation failed, insufficient funds, currency mismatch, key reused.
    #[response(
        status = 422,
        description = "Unprocessable",
        content_type = "application/problem+json"
    )]
    Unprocessable(Problem),
    /// Rate limited (see `Retry-After`).
    #[response(
        status = 429,
        description = "Rate limited",
        content_type = "application/problem+json"
    )]
    RateLimited(Problem),
    /// Internal error.
    #[response(
        status = 500,
        description = "Internal error",
        content_type = "application/problem+json"
    )]
    Internal(Problem),
    /// Database or PSP unavailable; nothing was committed.
    #[response(
        status = 503,
        description = "Unavailable",
        content_type = "application/problem+json"
    )]
    Unavailable(Problem),
}

/// Adds the bearer-token security scheme.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Kasa", version = "1", description = "Payments and wallet backend for online casino operators."),
    paths(
        crate::routes::health::healthz,
        crate::routes::health::readyz,
        crate::routes::health::metrics,
        crate::routes::auth::admin_login,
        crate::routes::auth::player_register,
        crate::routes::auth::player_login,
        crate::routes::admin::create_tenant,
        crate::routes::admin::create_user,
        crate::routes::admin::verify_ledger,
        crate::routes::admin::anomalies,
        crate::routes::admin::deposits,
        crate::routes::admin::players,
        crate::routes::admin::player_wallet,
        crate::routes::admin::player_transactions,
        crate::routes::admin::audit_events,
        crate::routes::admin::verify_audit,
        crate::routes::admin_withdrawals::list,
        crate::routes::admin_withdrawals::get,
        crate::routes::admin_withdrawals::approve,
        crate::routes::admin_withdrawals::reject,
        crate::routes::admin_withdrawals::payouts,
        crate::routes::admin_withdrawals::recheck,
        crate::routes::me::wallet,
        crate::routes::me::transactions,
        crate::routes::me::create_deposit,
        crate::routes::me::deposits,
        crate::routes::me::deposit,
        crate::routes::withdrawals::create,
        crate::routes::withdrawals::list,
        crate::routes::withdrawals::get,
        crate::routes::withdrawals::cancel,
        crate::routes::reconciliation::create,
        crate::routes::reconciliation::list,
        crate::routes::reconciliation::get,
        crate::routes::webhooks::receive,
        openapi_json,
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations", responses((status = 200, body = Object, description = "This document")))]
#[get("/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
