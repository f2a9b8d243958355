//! The contract's idempotency protocol around one handler.
//!
//! [`run`]: the use-case receives the [`Lease`] of a committed in-flight record
//! and stores its response inside the transaction that commits its effects (for
//! use-cases that call the PSP between the two). [`run_once`]: a use-case that
//! is one database transaction claims the key inside it and stores its answer
//! there too. Either way a 4xx answer (nothing committed) is stored here so a
//! retry gets the same answer; a 5xx leaves the key free for a retry.

use std::future::Future;
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, ResponseError, http::StatusCode, http::header};
use idempotency::{IdempotencyKey, fingerprint};
use persistence::idempotency_store::{self, Begin, IdempotencyScope, Lease, Once, StoredResponse};
use persistence::{Completion, RenderRow};
use serde::Serialize;

use crate::problem::{ApiError, PROBLEM_JSON};
use crate::state::AppState;

/// Response header marking a replayed answer.
pub const REPLAYED_HEADER: &str = "Idempotent-Replayed";

/// An idempotent request: who asks, with which key, and what it looks like.
pub struct IdempotentRequest {
    scope: IdempotencyScope,
    fingerprint: idempotency::Fingerprint,
}

impl IdempotentRequest {
    /// Reads the `Idempotency-Key` header (400 when missing or invalid) and
    /// fingerprints method, path and body.
    pub fn new(
        req: &HttpRequest,
        tenant: String,
        principal: String,
        body: &[u8],
    ) -> Result<Self, ApiError> {
        let raw = req.headers().get("Idempotency-Key").ok_or_else(|| {
            ApiError::IdempotencyKeyMissing("the Idempotency-Key header is required".into())
        })?;
        let raw = raw.to_str().map_err(|_| {
            ApiError::IdempotencyKeyMissing("Idempotency-Key must be printable ASCII".into())
        })?;
        let key = IdempotencyKey::parse(raw)
            .map_err(|e| ApiError::IdempotencyKeyMissing(e.to_string()))?;
        Ok(Self {
            scope: IdempotencyScope {
                tenant,
                principal,
                key,
            },
            fingerprint: fingerprint(req.method().as_str(), req.path(), body),
        })
    }
}

/// Runs `call` (a PSP call) while renewing `lease` every third of its length,
/// so that a slow PSP alone never lets a retry take a live request's key over.
pub async fn renewing<T>(state: &AppState, lease: &Lease, call: impl Future<Output = T>) -> T {
    let every = (state.idempotency_lease / 3).max(Duration::from_millis(100));
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(call);
    loop {
        tokio::select! {
            out = &mut call => return out,
            _ = tick.tick() => {
                let renewed =
                    idempotency_store::renew(state.db.conn(), lease, state.idempotency_lease).await;
                if let Err(e) = renewed {
                    tracing::warn!(error = %e, "could not renew an idempotency lease");
                }
            }
        }
    }
}

/// Serializes a success body for storing and sending.
pub fn stored_json<T: Serialize>(status: StatusCode, body: &T) -> Result<StoredResponse, ApiError> {
    let body = serde_json::to_string(body).map_err(|e| {
        tracing::error!(error = %e, "response serialization failed");
        ApiError::Internal
    })?;
    Ok(StoredResponse {
        status: status.as_u16(),
        body,
    })
}

/// Runs `work` at most once for the request's key and answers for it.
pub async fn run<F, Fut>(state: &AppState, request: IdempotentRequest, work: F) -> HttpResponse
where
    F: FnOnce(Lease) -> Fut,
    Fut: Future<Output = Result<StoredResponse, ApiError>>,
{
    let db = state.db.conn();
    let begun = idempotency_store::begin(
        db,
        &request.scope,
        &request.fingerprint,
        state.idempotency_lease,
    )
    .await;
    let lease = match begun {
        Ok(Begin::Start(lease)) => lease,
        Ok(earlier) => return answer_earlier(earlier),
        Err(e) => return ApiError::from(e).error_response(),
    };
    match work(lease.clone()).await {
        Ok(stored) => respond(&stored, false),
        Err(err) if let Some(stored) = stored_refusal(&err) => {
            if let Err(e) = idempotency_store::complete(db, &lease, &stored).await {
                tracing::warn!(error = %e, "could not store a 4xx idempotent result");
            }
            err.error_response()
        }
        Err(err) => {
            if let Err(e) = idempotency_store::release(db, &lease).await {
                tracing::warn!(error = %e, "could not release an idempotency key");
            }
            err.error_response()
        }
    }
}

/// Runs a use-case that is one database transaction and stores its answer in
/// that transaction (`idempotency_store::claim_in`): `work` gets the scope and
/// fingerprint. A 4xx answer (nothing committed) is stored afterwards so a
/// retry gets the same answer; a 5xx leaves the key unused.
pub async fn run_once<F, Fut>(state: &AppState, request: IdempotentRequest, work: F) -> HttpResponse
where
    F: FnOnce(IdempotencyScope, idempotency::Fingerprint) -> Fut,
    Fut: Future<Output = Result<Once, ApiError>>,
{
    let IdempotentRequest { scope, fingerprint } = request;
    match work(scope.clone(), fingerprint.clone()).await {
        Ok(Once::Done(stored)) => respond(&stored, false),
        Ok(Once::Earlier(earlier)) => answer_earlier(earlier),
        Err(err) if let Some(stored) = stored_refusal(&err) => {
            let db = state.db.conn();
            if let Err(e) =
                idempotency_store::record_completed(db, &scope, &fingerprint, &stored).await
            {
                tracing::warn!(error = %e, "could not store a 4xx idempotent result");
            }
            err.error_response()
        }
        Err(err) => err.error_response(),
    }
}

/// A 4xx answer to store as the key's answer (nothing was committed). Not a
/// 409 in flight: that answer belongs to another request holding the key.
fn stored_refusal(err: &ApiError) -> Option<StoredResponse> {
    (err.status_code().is_client_error() && !matches!(err, ApiError::IdempotencyKeyInFlight)).then(
        || StoredResponse {
            status: err.status_code().as_u16(),
            body: err.body(),
        },
    )
}

/// The answer to a request whose key an earlier request holds or has used.
fn answer_earlier(earlier: Begin) -> HttpResponse {
    match earlier {
        Begin::Replay(stored) => respond(&stored, true),
        Begin::Reused => ApiError::IdempotencyKeyReused.error_response(),
        Begin::InFlight | Begin::Start(_) => ApiError::IdempotencyKeyInFlight.error_response(),
    }
}

fn respond(stored: &StoredResponse, replayed: bool) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        PROBLEM_JSON
    };
    let mut response = HttpResponse::build(status);
    response.insert_header((header::CONTENT_TYPE, content_type));
    if replayed {
        response.insert_header((REPLAYED_HEADER, "true"));
    }
    response.body(stored.body.clone())
}

/// For POSTs where the key is optional: without the header `work` just runs
/// (it gets no lease); with it, `work` runs at most once and gets the lease to
/// complete inside the transaction that commits its effects, as [`run`] says.
pub async fn run_optional<F, Fut>(
    state: &AppState,
    req: &HttpRequest,
    scope: (String, String),
    body: &[u8],
    work: F,
) -> HttpResponse
where
    F: FnOnce(Option<Lease>) -> Fut,
    Fut: Future<Output = Result<StoredResponse, ApiError>>,
{
    if req.headers().get("Idempotency-Key").is_none() {
        return match work(None).await {
            Ok(stored) => respond(&stored, false),
            Err(e) => e.error_response(),
        };
    }
    let request = match IdempotentRequest::new(req, scope.0, scope.1, body) {
        Ok(request) => request,
        Err(e) => return e.error_response(),
    };
    run(state, request, |lease| work(Some(lease))).await
}

/// The completion of an optional lease with an answer rendered from the row
/// the use-case writes.
pub fn completion<'a, T, R>(lease: Option<&'a Lease>, render: R) -> Option<Completion<'a, T>>
where
    R: FnOnce(&T) -> Result<StoredResponse, ApiError> + Send + 'a,
{
    lease.map(|lease| {
        let render: RenderRow<'a, T> =
            Box::new(move |row: &T| render(row).map_err(|e| e.to_string()));
        Completion::new(lease, render)
    })
}
