//! Error answers in the protocol's shape, `{"error": {"code": "..."}}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, error, web};
use psp::event::ErrorBody;

/// An answer with `status` and `{"error": {"code": code}}`.
pub(crate) fn error(status: u16, code: &str) -> HttpResponse {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    HttpResponse::build(status).json(ErrorBody::new(code))
}

/// Extractor settings so that unreadable JSON, queries and paths get a protocol error body.
pub(crate) fn extractor_configs(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::JsonConfig::default().error_handler(|err, _req| {
        tracing::debug!(error = %err, "malformed JSON body");
        error::InternalError::from_response(err, self::error(400, "malformed_request")).into()
    }))
    .app_data(web::QueryConfig::default().error_handler(|err, _req| {
        tracing::debug!(error = %err, "malformed query");
        error::InternalError::from_response(err, self::error(400, "malformed_query")).into()
    }))
    .app_data(web::PathConfig::default().error_handler(|err, _req| {
        error::InternalError::from_response(err, self::error(400, "malformed_path")).into()
    }));
}
