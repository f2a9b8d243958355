//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]`
//! annotations and the types' `ToSchema` derivations; served at
//! `GET /api/v1/openapi.json`.

use actix_web::{HttpResponse, get};
use utoipa::OpenApi;

use crate::problem::Problem;

pub mod bodies;
pub mod enums;
pub mod game_bodies;
pub mod protection_bodies;
pub mod responses;

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kasa",
        version = "1",
        description = "Payments and wallet backend for online casino operators."
    ),
    paths(
        crate::routes::health::healthz,
        crate::routes::health::readyz,
        crate::routes::health::metrics,
        crate::routes::auth::admin_login,
        crate::routes::auth::player_register,
        crate::routes::auth::player_login,
        crate::routes::admin::create_tenant,
        crate::routes::admin::create_user,
        crate::routes::tenant_policy::get_policy,
        crate::routes::tenant_policy::put_policy,
        crate::routes::admin::verify_ledger,
        crate::routes::admin::anomalies,
        crate::routes::admin::deposits,
        crate::routes::admin_players::players,
        crate::routes::admin_players::player_by_id,
        crate::routes::admin_players::player_wallet,
        crate::routes::admin_players::player_transactions,
        crate::routes::admin_players::set_kyc,
        crate::routes::limits::of_player,
        crate::routes::admin::audit_events,
        crate::routes::admin::verify_audit,
        crate::routes::admin_withdrawals::list,
        crate::routes::admin_withdrawals::get,
        crate::routes::admin_withdrawals::approve,
        crate::routes::admin_withdrawals::reject,
        crate::routes::admin_withdrawals::payouts,
        crate::routes::admin_withdrawals::recheck,
        crate::routes::me::profile,
        crate::routes::me::wallet,
        crate::routes::me::transactions,
        crate::routes::me::create_deposit,
        crate::routes::me::deposits,
        crate::routes::me::deposit,
        crate::routes::exclusions::create,
        crate::routes::exclusions::list,
        crate::routes::exclusions::of_player,
        crate::routes::limits::mine,
        crate::routes::limits::set,
        crate::routes::withdrawals::create,
        crate::routes::withdrawals::list,
        crate::routes::withdrawals::get,
        crate::routes::withdrawals::cancel,
        crate::routes::reconciliation::create,
        crate::routes::reconciliation::list,
        crate::routes::reconciliation::get,
        crate::routes::webhooks::receive,
        crate::routes::webhooks::receive_for_account,
        crate::routes::game_providers::create,
        crate::routes::game_providers::list,
        crate::routes::game_providers::rotate_secret,
        crate::routes::game_providers::transactions,
        crate::routes::psp_accounts::create,
        crate::routes::psp_accounts::list,
        crate::routes::psp_accounts::rotate,
        crate::routes::game_sessions::open,
        crate::routes::game_sessions::revoke,
        crate::routes::game_wallet::call,
        openapi_json,
    ),
    components(schemas(Problem, enums::GameAction))
)]
pub struct ApiDoc;

/// The served document: the generated one with what every operation shares
/// (security schemes, error responses, headers) added by [`responses::finish`].
pub fn document() -> &'static serde_json::Value {
    static DOC: std::sync::LazyLock<serde_json::Value> = std::sync::LazyLock::new(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        responses::finish(&mut doc);
        doc
    });
    &DOC
}

/// `GET /api/v1/openapi.json`.
#[utoipa::path(get, path = "/api/v1/openapi.json", operation_id = "getOpenApiDocument", tag = "operations", responses((status = 200, body = bodies::OpenApiDocument, description = "This document")))]
#[get("/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(document())
}
