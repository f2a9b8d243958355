//! The one mapping from every error to RFC 9457 `application/problem+json`.

use actix_web::{HttpResponse, ResponseError, http::StatusCode, http::header};
use persistence::StoreError;
use protection::{Exclusion, ExclusionError, ExclusionKind};
use serde::Serialize;
use withdrawal::WithdrawalError;

/// Every way a request can fail, each with the contract's stable `code`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A field, amount, currency or JSON shape is invalid (422).
    #[error("{0}")]
    Validation(String),
    /// The body is not JSON at all (400).
    #[error("{0}")]
    MalformedJson(String),
    /// No, expired or invalid token, or bad credentials (401).
    #[error("authentication required")]
    Unauthorized,
    /// Authenticated, but the role may not do this (403).
    #[error("your role may not do this")]
    Forbidden,
    /// A browser's CORS preflight asked for what this server does not allow
    /// (an origin, method or header) (403).
    #[error("{0}")]
    CorsRefused(String),
    /// Unknown id, or another tenant's or player's (404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// More than `available` (422).
    #[error("{0}")]
    InsufficientFunds(String),
    /// Currency differs from the wallet's (422).
    #[error("{0}")]
    CurrencyMismatch(String),
    /// The player is on a timeout or self-excluded (403).
    #[error("{0}")]
    PlayerBlocked(String),
    /// The tenant's policy needs a verified player for this action (403).
    #[error("{0}")]
    KycRequired(String),
    /// A player's limit would be exceeded (422).
    #[error("{0}")]
    LimitReached(String),
    /// The action is not allowed from the current state (409).
    #[error("{0}")]
    InvalidStateTransition(String),
    /// The second approval of a withdrawal came from the admin who gave the
    /// first (409).
    #[error("{0}")]
    SameApprover(String),
    /// The PSP did not answer; nothing changed and the request may be retried (503).
    #[error("the payment provider did not answer; try again")]
    PspUnavailable,
    /// Same natural key exists (409).
    #[error("{0} already exists")]
    AlreadyExists(&'static str),
    /// Required `Idempotency-Key` absent or invalid (400).
    #[error("{0}")]
    IdempotencyKeyMissing(String),
    /// Same key, different request (422).
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyKeyReused,
    /// Same key while the first request is still running (409).
    #[error("a request with this Idempotency-Key is still being processed")]
    IdempotencyKeyInFlight,
    /// Webhook signature missing, wrong, or stale (401).
    #[error("{0}")]
    InvalidSignature(String),
    /// Webhook names a record Kasa does not have (404).
    #[error("no {0} with this reference")]
    ReferenceNotFound(&'static str),
    /// Body over the limit (413).
    #[error("request body larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// Too many attempts (429).
    #[error("too many requests; retry in {retry_after_s} s")]
    RateLimited {
        /// Seconds until the client may try again.
        retry_after_s: u64,
    },
    /// The database is unreachable or failed (503); nothing was committed.
    #[error("the service is temporarily unavailable")]
    Unavailable,
    /// The path exists, the method does not (405).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// Anything else (500); never leaks internals.
    #[error("internal error")]
    Internal,
}

impl ApiError {
    /// The contract's error code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Validation(_) | ApiError::MalformedJson(_) => "validation_failed",
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden | ApiError::CorsRefused(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::InsufficientFunds(_) => "insufficient_funds",
            ApiError::CurrencyMismatch(_) => "currency_mismatch",
            ApiError::PlayerBlocked(_) => "player_blocked",
            ApiError::KycRequired(_) => "kyc_required",
            ApiError::LimitReached(_) => "limit_reached",
            ApiError::AlreadyExists(_) => "already_exists",
            ApiError::InvalidStateTransition(_) => "invalid_state_transition",
            ApiError::SameApprover(_) => "same_approver",
            ApiError::PspUnavailable => "psp_unavailable",
            ApiError::IdempotencyKeyMissing(_) => "idempotency_key_missing",
            ApiError::IdempotencyKeyReused => "idempotency_key_reused",
            ApiError::IdempotencyKeyInFlight => "idempotency_key_in_flight",
            ApiError::InvalidSignature(_) => "invalid_signature",
            ApiError::ReferenceNotFound(_) => "reference_not_found",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Unavailable => "unavailable",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Internal => "internal",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::Validation(_) | ApiError::MalformedJson(_) => "Validation failed",
            ApiError::Unauthorized => "Unauthorized",
            ApiError::Forbidden | ApiError::CorsRefused(_) => "Forbidden",
            ApiError::NotFound(_) => "Not found",
            ApiError::InsufficientFunds(_) => "Insufficient funds",
            ApiError::CurrencyMismatch(_) => "Currency mismatch",
            ApiError::PlayerBlocked(_) => "Player blocked",
            ApiError::KycRequired(_) => "Identity verification required",
            ApiError::LimitReached(_) => "Limit reached",
            ApiError::AlreadyExists(_) => "Already exists",
            ApiError::InvalidStateTransition(_) => "Invalid state transition",
            ApiError::SameApprover(_) => "Same approver",
            ApiError::PspUnavailable => "Payment provider unavailable",
            ApiError::IdempotencyKeyMissing(_) => "Idempotency-Key missing",
            ApiError::IdempotencyKeyReused => "Idempotency-Key reused",
            ApiError::IdempotencyKeyInFlight => "Idempotency-Key in flight",
            ApiError::InvalidSignature(_) => "Invalid signature",
            ApiError::ReferenceNotFound(_) => "Reference not found",
            ApiError::PayloadTooLarge(_) => "Payload too large",
            ApiError::RateLimited { .. } => "Rate limited",
            ApiError::Unavailable => "Service unavailable",
            ApiError::MethodNotAllowed => "Method not allowed",
            ApiError::Internal => "Internal error",
        }
    }

    /// The problem document's bytes (also what an idempotent request stores).
    pub fn body(&self) -> String {
        let problem = Problem {
            r#type: format!("urn:kasa:problem:{}", self.code()),
            title: self.title(),
            status: self.status_code().as_u16(),
            detail: self.to_string(),
            code: self.code(),
        };
        serde_json::to_string(&problem).unwrap_or_else(|_| String::from("{}"))
    }
}

/// An RFC 9457 problem document.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:kasa:problem:<code>`.
    r#type: String,
    /// Short summary of the problem type.
    title: &'static str,
    /// HTTP status.
    status: u16,
    /// What went wrong in this request.
    detail: String,
    /// Stable error code (`validation_failed`, `not_found`, ...).
    #[schema(value_type = crate::openapi::enums::ProblemCode)]
    code: &'static str,
}

/// Content type of problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_)
            | ApiError::InsufficientFunds(_)
            | ApiError::CurrencyMismatch(_)
            | ApiError::LimitReached(_)
            | ApiError::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::MalformedJson(_) | ApiError::IdempotencyKeyMissing(_) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Unauthorized | ApiError::InvalidSignature(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden
            | ApiError::CorsRefused(_)
            | ApiError::PlayerBlocked(_)
            | ApiError::KycRequired(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) | ApiError::ReferenceNotFound(_) => StatusCode::NOT_FOUND,
            ApiError::AlreadyExists(_)
            | ApiError::IdempotencyKeyInFlight
            | ApiError::InvalidStateTransition(_)
            | ApiError::SameApprover(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable | ApiError::PspUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        if let ApiError::RateLimited { retry_after_s } = self {
            response.insert_header((header::RETRY_AFTER, retry_after_s.to_string()));
        }
        response.body(self.body())
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(what) => ApiError::NotFound(what),
            StoreError::AlreadyExists(what) => ApiError::AlreadyExists(what),
            StoreError::Ledger(e) => ApiError::from(e),
            StoreError::Withdrawal(e @ WithdrawalError::SameApprover) => {
                ApiError::SameApprover(e.to_string())
            }
            StoreError::Withdrawal(e) => ApiError::InvalidStateTransition(e.to_string()),
            StoreError::Payout(e) => ApiError::InvalidStateTransition(e.to_string()),
            StoreError::PlayerBlocked(exclusion) => ApiError::PlayerBlocked(blocked(&exclusion)),
            StoreError::KycRequired(required) => ApiError::KycRequired(required.to_string()),
            StoreError::LimitReached(_) => ApiError::LimitReached(err.to_string()),
            StoreError::Exclusion(e) => match e {
                ExclusionError::DaysOutOfRange { .. } | ExclusionError::OutOfRange => {
                    ApiError::Validation(e.to_string())
                }
                ExclusionError::EndsBeforeStart => {
                    tracing::error!(error = %e, "an exclusion ending before it starts");
                    ApiError::Internal
                }
            },
            StoreError::Database(e) => {
                tracing::error!(error = %e, "database error");
                ApiError::Unavailable
            }
            StoreError::LeaseLost => ApiError::IdempotencyKeyInFlight,
            StoreError::QueueStopped => ApiError::Unavailable,
            StoreError::Corrupt(detail) => {
                tracing::error!(%detail, "corrupt record");
                ApiError::Internal
            }
        }
    }
}

/// Why a blocked player is refused, in the player's words.
fn blocked(exclusion: &Exclusion) -> String {
    let what = match exclusion.kind() {
        ExclusionKind::Timeout => "on a timeout",
        ExclusionKind::SelfExclusion => "self-excluded",
    };
    format!(
        "you are {what} until {}; deposits and games are closed until then",
        crate::views::timestamp(exclusion.ends_at())
    )
}

impl From<ledger::LedgerError> for ApiError {
    fn from(err: ledger::LedgerError) -> Self {
        use ledger::LedgerError as E;
        match err {
            E::InsufficientFunds { .. } => ApiError::InsufficientFunds(err.to_string()),
            E::CurrencyMismatch { .. } => ApiError::CurrencyMismatch(err.to_string()),
            E::Overflow
            | E::Unbalanced { .. }
            | E::EmptyTransaction
            | E::ZeroPosting
            | E::NegativeAvailable
            | E::NegativeHeld
            | E::InvalidAccount(_)
            | E::UnknownTransactionKind(_) => {
                tracing::error!(error = %err, "ledger invariant refused a movement");
                ApiError::Internal
            }
            other => ApiError::Validation(other.to_string()),
        }
    }
}
