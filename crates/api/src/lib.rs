//! Kasa's HTTP API (actix-web) and the `kasa` program.
//!
//! Handlers extract and authenticate, validate input, call one use-case of
//! the `persistence` crate, and map every error once to problem+json
//! ([`problem::ApiError`]).

pub mod auth;
mod body;
mod bootstrap;
mod cors;
mod game_calls;
mod game_keys;
mod game_views;
pub mod idempotent;
mod json_errors;
pub mod metrics;
pub mod openapi;
pub mod operations;
pub mod problem;
mod protection_views;
mod providers;
pub mod request_context;
pub mod routes;
pub mod server;
pub mod settings;
mod startup;
pub mod state;
mod throttle;
mod use_cases;
mod validate;
mod views;

use actix_web::{HttpResponse, web};

use crate::problem::ApiError;

pub use throttle::Throttle;

/// Registers routes, extractor error handlers and the problem+json 404.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::QueryConfig::default()
            .error_handler(|err, _| ApiError::Validation(query_problem(&err)).into()),
    )
    .app_data(
        web::PathConfig::default().error_handler(|_, _| ApiError::NotFound("resource").into()),
    )
    .configure(routes::configure)
    .default_service(web::to(not_found));
}

/// A query string the handler's parameters refused, in the user's words.
/// (Undeclared parameters and values of the wrong type are refused earlier,
/// by [`operations::reject_undeclared_query`].)
fn query_problem(err: &actix_web::error::QueryPayloadError) -> String {
    let message = err.to_string();
    let message = message.trim_start_matches("Query deserialize error: ");
    if let Some(name) = json_errors::quoted(message, "unknown field `") {
        return format!("unknown query parameter `{}`", json_errors::echo(name));
    }
    if let Some(name) = json_errors::quoted(message, "duplicate field `") {
        return format!("query parameter `{name}` is given more than once");
    }
    if let Some(name) = json_errors::quoted(message, "missing field `") {
        return format!("query parameter `{name}` is required");
    }
    "the query string does not fit this endpoint's parameters".to_owned()
}

/// Unknown path: 404. Known path, other method: 405 with `Allow`.
async fn not_found(req: actix_web::HttpRequest) -> HttpResponse {
    match operations::allowed_methods(req.path()) {
        Some(allow) => HttpResponse::MethodNotAllowed()
            .insert_header((actix_web::http::header::ALLOW, allow))
            .insert_header((actix_web::http::header::CONTENT_TYPE, problem::PROBLEM_JSON))
            .body(ApiError::MethodNotAllowed.body()),
        None => actix_web::ResponseError::error_response(&ApiError::NotFound("route")),
    }
}
