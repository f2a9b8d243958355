//! Kasa's HTTP API (actix-web) and the `kasa` program.
//!
//! Handlers extract and authenticate, validate input, call one use-case of
//! the `persistence` crate, and map every error once to problem+json
//! ([`problem::ApiError`]).

pub mod auth;
mod body;
mod bootstrap;
pub mod idempotent;
pub mod metrics;
pub mod openapi;
pub mod problem;
mod psp_calls;
pub mod request_context;
pub mod rounds;
pub mod routes;
pub mod server;
pub mod settings;
mod startup;
pub mod state;
mod throttle;
mod validate;
mod views;
pub mod worker;

use actix_web::{HttpResponse, web};

use crate::problem::ApiError;

pub use throttle::Throttle;

/// Registers routes, extractor error handlers and the problem+json 404.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::QueryConfig::default()
            .error_handler(|err, _| ApiError::Validation(format!("invalid query: {err}")).into()),
    )
    .app_data(
        web::PathConfig::default().error_handler(|_, _| ApiError::NotFound("resource").into()),
    )
    .configure(routes::configure)
    .default_service(web::to(not_found));
}

/// Unknown path: 404. Known path, other method: 405 with `Allow`.
async fn not_found(req: actix_web::HttpRequest) -> HttpResponse {
    match openapi::allowed_methods(req.path()) {
        Some(allow) => HttpResponse::MethodNotAllowed()
            .insert_header((actix_web::http::header::ALLOW, allow))
            .insert_header((actix_web::http::header::CONTENT_TYPE, problem::PROBLEM_JSON))
            .body(ApiError::MethodNotAllowed.body()),
        None => actix_web::ResponseError::error_response(&ApiError::NotFound("route")),
    }
}
