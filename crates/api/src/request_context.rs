//! Per-request context: a request id (accepted from `X-Request-Id` when sane,
//! else generated, and always returned), a tracing span carrying it, one log
//! line per request, and HTTP metrics labelled by the route's pattern (and by
//! the method, unknown methods folded into one value).

use std::future::{Ready, ready};
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use persistence::audit::AuditContext;
use tracing::Instrument;
use uuid::Uuid;

use crate::auth::{AdminPrincipal, PlayerPrincipal};
use crate::metrics::catalog;
use crate::problem::ApiError;

/// Response (and accepted request) header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// Longest request id accepted from a client.
const REQUEST_ID_LEN_MAX: usize = 64;

/// The id of the current request.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn sane(raw: &str) -> bool {
    (1..=REQUEST_ID_LEN_MAX).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

/// The middleware (`actix_web::middleware::from_fn`).
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane(v))
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = catalog::method_label(req.method().as_str());
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.path());
    let started = Instant::now();
    let mut res = next.call(req).instrument(span.clone()).await?;
    // The pattern of a registered route (bounded by the route table), never the raw path.
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| catalog::UNMATCHED_ROUTE.to_owned());
    let status = res.status().as_u16();
    let elapsed = started.elapsed();
    metrics::counter!(catalog::HTTP_REQUESTS, "method" => method, "route" => route.clone(), "status" => status.to_string())
        .increment(1);
    metrics::histogram!(catalog::HTTP_REQUEST_DURATION, "method" => method, "route" => route)
        .record(elapsed.as_secs_f64());
    span.in_scope(|| tracing::info!(status, elapsed_ms = elapsed.as_millis() as u64, "request"));
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    Ok(res)
}

impl FromRequest for RequestId {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let id = req.extensions().get::<RequestId>().cloned();
        ready(Ok(
            id.unwrap_or_else(|| RequestId(Uuid::new_v4().to_string()))
        ))
    }
}

impl RequestId {
    /// Audit context of an admin's action.
    pub fn admin(&self, admin: &AdminPrincipal) -> AuditContext {
        AuditContext {
            actor: format!("admin:{}", admin.admin_id),
            role: admin.role().as_str().to_owned(),
            request_id: self.0.clone(),
        }
    }

    /// Audit context of a player's action.
    pub fn player(&self, player: &PlayerPrincipal) -> AuditContext {
        AuditContext {
            actor: format!("player:{}", player.player_id),
            role: "player".to_owned(),
            request_id: self.0.clone(),
        }
    }
}
