//! The contract's idempotency protocol around one handler.
//!
//! Every idempotent use-case ends in a [`persistence::Idempotent`] outcome
//! (fresh, replayed, key reused, key in flight), and [`respond`] is the one
//! function that turns it into the answer: the first answer and every replay
//! are rendered by the same view from the same domain value, so a replay is
//! byte-identical. [`run`] is for use-cases that call the PSP mid-way: they
//! get the [`Lease`] of a committed in-flight record and store their outcome
//! inside the transaction that commits their effects. [`run_once`] is for
//! use-cases that are one database transaction and claim the key themselves.
//! Either way a refusal (a 4xx; nothing committed) is stored as the key's
//! answer, so a retry gets the same answer; a 5xx leaves the key free.

use std::future::Future;
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, ResponseError, http::StatusCode, http::header};
use idempotency::{IdempotencyKey, fingerprint};
use persistence::idempotency_store::{Begin, IdempotencyScope, Lease};
use persistence::{Idempotent, Refusal, Replayed};
use serde::Serialize;
use serde::de::DeserializeOwned;

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

/// How a route answers its outcome `T`: the success status and the view.
pub struct Answer<F> {
    status: StatusCode,
    view: F,
}

impl<F> Answer<F> {
    /// Answers with `status` and the body `view` makes of the outcome.
    pub fn new(status: StatusCode, view: F) -> Self {
        Self { status, view }
    }
}

/// The one rendering of an idempotent outcome, fresh or replayed.
pub fn respond<T, V, F>(outcome: Idempotent<T>, answer: &Answer<F>) -> HttpResponse
where
    V: Serialize,
    F: Fn(&T) -> Result<V, ApiError>,
{
    match outcome {
        Idempotent::Fresh(value) => success(answer, &value, false),
        Idempotent::Replay(Replayed::Outcome(value)) => success(answer, &value, true),
        Idempotent::Replay(Replayed::Refusal(refusal)) => refused(&refusal, true),
        Idempotent::Replay(Replayed::Legacy { status, body }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            body_response(status, body, true)
        }
        Idempotent::Reused => ApiError::IdempotencyKeyReused.error_response(),
        Idempotent::InFlight => ApiError::IdempotencyKeyInFlight.error_response(),
    }
}

fn success<T, V, F>(answer: &Answer<F>, value: &T, replayed: bool) -> HttpResponse
where
    V: Serialize,
    F: Fn(&T) -> Result<V, ApiError>,
{
    let body = (answer.view)(value).and_then(|view| {
        serde_json::to_string(&view).map_err(|e| {
            tracing::error!(error = %e, "response serialization failed");
            ApiError::Internal
        })
    });
    match body {
        Ok(body) => body_response(answer.status, body, replayed),
        Err(e) => e.error_response(),
    }
}

/// A stored refusal's answer: its problem document with its status.
fn refused(refusal: &Refusal, replayed: bool) -> HttpResponse {
    #[derive(serde::Deserialize)]
    struct Status {
        status: u16,
    }
    let status = serde_json::from_str::<Status>(&refusal.0)
        .ok()
        .and_then(|s| StatusCode::from_u16(s.status).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    body_response(status, refusal.0.clone(), replayed)
}

fn body_response(status: StatusCode, body: String, replayed: bool) -> HttpResponse {
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
    response.body(body)
}

/// The refusal to store as the key's answer (nothing was committed): a 4xx,
/// but not a 409 in flight, which belongs to another request holding the key.
fn refusal_of(err: &ApiError) -> Option<Refusal> {
    (err.status_code().is_client_error() && !matches!(err, ApiError::IdempotencyKeyInFlight))
        .then(|| Refusal(err.body()))
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
                let renewed = state.db.renew_key(lease, state.idempotency_lease).await;
                if let Err(e) = renewed {
                    tracing::warn!(error = %e, "could not renew an idempotency lease");
                }
            }
        }
    }
}

/// Runs `work` at most once for the request's key and answers for it.
pub async fn run<T, V, F, W, Fut>(
    state: &AppState,
    request: IdempotentRequest,
    answer: Answer<F>,
    work: W,
) -> HttpResponse
where
    T: DeserializeOwned,
    V: Serialize,
    F: Fn(&T) -> Result<V, ApiError>,
    W: FnOnce(Lease) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let begun = state
        .db
        .begin_key::<T>(
            &request.scope,
            &request.fingerprint,
            state.idempotency_lease,
        )
        .await;
    let lease = match begun {
        Ok(Begin::Start(lease)) => lease,
        Ok(Begin::Earlier(earlier)) => return respond(earlier.into(), &answer),
        Err(e) => return ApiError::from(e).error_response(),
    };
    match work(lease.clone()).await {
        Ok(value) => respond(Idempotent::Fresh(value), &answer),
        Err(err) if let Some(refusal) = refusal_of(&err) => {
            if let Err(e) = state.db.refuse(&lease, &refusal).await {
                tracing::warn!(error = %e, "could not store a refused idempotent request");
            }
            refused(&refusal, false)
        }
        Err(err) => {
            if let Err(e) = state.db.release_key(&lease).await {
                tracing::warn!(error = %e, "could not release an idempotency key");
            }
            err.error_response()
        }
    }
}

/// Runs a use-case that is one database transaction and claims the key in
/// it (`work` gets the scope and fingerprint). A refusal (nothing committed)
/// is stored afterwards so a retry gets the same answer; a 5xx leaves the key
/// unused.
pub async fn run_once<T, V, F, W, Fut>(
    state: &AppState,
    request: IdempotentRequest,
    answer: Answer<F>,
    work: W,
) -> HttpResponse
where
    V: Serialize,
    F: Fn(&T) -> Result<V, ApiError>,
    W: FnOnce(IdempotencyScope, idempotency::Fingerprint) -> Fut,
    Fut: Future<Output = Result<Idempotent<T>, ApiError>>,
{
    let IdempotentRequest { scope, fingerprint } = request;
    match work(scope.clone(), fingerprint.clone()).await {
        Ok(outcome) => respond(outcome, &answer),
        Err(err) if let Some(refusal) = refusal_of(&err) => {
            if let Err(e) = state
                .db
                .record_refusal(&scope, &fingerprint, &refusal)
                .await
            {
                tracing::warn!(error = %e, "could not store a refused idempotent request");
            }
            refused(&refusal, false)
        }
        Err(err) => err.error_response(),
    }
}

/// For POSTs where the key is optional: without the header `work` just runs
/// (it gets no lease); with it, `work` runs at most once and gets the lease to
/// complete inside the transaction that commits its effects, as [`run`] says.
pub async fn run_optional<T, V, F, W, Fut>(
    state: &AppState,
    req: &HttpRequest,
    scope: (String, String),
    body: &[u8],
    answer: Answer<F>,
    work: W,
) -> HttpResponse
where
    T: DeserializeOwned,
    V: Serialize,
    F: Fn(&T) -> Result<V, ApiError>,
    W: FnOnce(Option<Lease>) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    if req.headers().get("Idempotency-Key").is_none() {
        return match work(None).await {
            Ok(value) => respond(Idempotent::Fresh(value), &answer),
            Err(e) => e.error_response(),
        };
    }
    let request = match IdempotentRequest::new(req, scope.0, scope.1, body) {
        Ok(request) => request,
        Err(e) => return e.error_response(),
    };
    run(state, request, answer, |lease| work(Some(lease))).await
}

/// The completion of an optional lease, to store the outcome with the effects.
pub fn completion(lease: Option<&Lease>) -> Option<persistence::Completion<'_>> {
    lease.map(persistence::Completion::new)
}
