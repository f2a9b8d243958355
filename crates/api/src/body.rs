//! Request bodies: read with a size limit, parsed by hand so that the raw
//! bytes stay available (idempotency fingerprints, webhook signatures) and
//! every error is a problem document.

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures::StreamExt;
use futures::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::json_errors;
use crate::problem::ApiError;
use crate::state::AppState;

/// The raw request body, at most the configured limit.
pub struct RawBody(pub web::Bytes);

impl FromRequest for RawBody {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map_or(64 * 1024, |s| s.body_limit_bytes);
        let declared = req
            .headers()
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if declared.is_some_and(|len| len > limit) {
                return Err(ApiError::PayloadTooLarge(limit));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk =
                    chunk.map_err(|_| ApiError::MalformedJson("could not read the body".into()))?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge(limit));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(RawBody(body.freeze()))
        })
    }
}

/// Parses JSON: syntax errors are 400, shape and type errors 422, each with
/// a message naming the field and what it must be ([`crate::json_errors`]).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::MalformedJson(
            "the request body is empty; this request needs a JSON object".into(),
        ));
    }
    if let Some(problem) = json_errors::not_an_object(bytes) {
        return Err(ApiError::Validation(problem));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Syntax | Category::Eof => ApiError::MalformedJson(json_errors::syntax(&e)),
            Category::Io => ApiError::MalformedJson("could not read the body".into()),
            Category::Data => ApiError::Validation(json_errors::shape::<T>(bytes)),
        }
    })
}
