//! `POST /webhooks/{provider}` (the platform's default account) and
//! `POST /webhooks/{tenant}/{account}` (a tenant's provider account): signed
//! PSP events, deduplicated by (provider, event id).

use std::str::FromStr;

use ::deposit::DepositSignal;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Utc;
use ledger::{Currency, Money};
use payout::Observation;
use persistence::{DepositEvent, PayoutEvent, StoreError};
use psp::account::ProviderKind;
use psp::event::{EventType, WebhookEvent};
use rust_decimal::Decimal;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use uuid::Uuid;

use crate::body::{RawBody, parse_json};
use crate::problem::ApiError;
use crate::providers::{account_provider_name, account_secrets};
use crate::state::AppState;

/// Header carrying `t=<unix>,v1=<hex>`.
pub const SIGNATURE_HEADER: &str = "Kasa-Signature";

/// Receives one PSP event.
#[utoipa::path(post, path = "/api/v1/webhooks/{provider}", operation_id = "receiveWebhook", tag = "webhooks", params(("provider" = String, Path, description = "PSP name"), ("Kasa-Signature" = String, Header, description = "t=<unix>,v1=<hex HMAC-SHA256>")), request_body = crate::openapi::bodies::WebhookEvent, security(("webhook_signature" = [])), responses((status = 200, body = crate::openapi::bodies::WebhookAck, description = "What Kasa did with the event")))]
#[post("/webhooks/{provider}")]
pub async fn receive(
    req: HttpRequest,
    state: web::Data<AppState>,
    provider: web::Path<String>,
    body: RawBody,
) -> Result<HttpResponse, ApiError> {
    let provider = provider.into_inner();
    if provider != state.psp.name() {
        return Err(ApiError::NotFound("provider"));
    }
    verify_signature(&req, &state, &body.0)?;
    apply(&state, provider, &body.0).await
}

/// Receives one event of a tenant's provider account
/// (`POST /admin/psp-accounts`), signed with that account's webhook secret
/// (or, for 24 hours after a rotation, its previous one). Its deposits are
/// the account's only: the provider name is `<tenant>/<slug>`.
#[utoipa::path(post, path = "/api/v1/webhooks/{tenant}/{account}", operation_id = "receiveAccountWebhook", tag = "webhooks", params(("tenant" = String, Path, description = "Tenant slug"), ("account" = String, Path, description = "Provider account slug"), ("Kasa-Signature" = String, Header, description = "t=<unix>,v1=<hex HMAC-SHA256>")), request_body = crate::openapi::bodies::WebhookEvent, security(("webhook_signature" = [])), responses((status = 200, body = crate::openapi::bodies::WebhookAck, description = "What Kasa did with the event")))]
#[post("/webhooks/{tenant}/{account}")]
pub async fn receive_for_account(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: RawBody,
) -> Result<HttpResponse, ApiError> {
    let (tenant_slug, slug) = path.into_inner();
    let tenant = state
        .db
        .tenant_by_slug(&tenant_slug)
        .await?
        .ok_or(ApiError::NotFound("provider"))?;
    let account = account_secrets(&state, tenant.id, &slug)
        .await?
        .filter(|account| account.kind == ProviderKind::Mock)
        .ok_or(ApiError::NotFound("provider"))?;
    let secrets: Vec<&SecretString> = account.webhook_secrets.iter().collect();
    verify_signed(
        signature_header(&req),
        &body.0,
        &secrets,
        Utc::now().timestamp(),
        state.webhook_tolerance_s,
    )?;
    apply(&state, account_provider_name(&tenant_slug, &slug), &body.0).await
}

/// Applies a verified event of `provider` once.
async fn apply(state: &AppState, provider: String, body: &[u8]) -> Result<HttpResponse, ApiError> {
    // The contract answers every malformed event 400, shape errors included.
    let event: WebhookEvent = parse_json(body).map_err(|e| match e {
        ApiError::Validation(detail) => ApiError::MalformedJson(detail),
        other => other,
    })?;
    let raw = String::from_utf8_lossy(body).into_owned();
    let outcome = match event.r#type {
        EventType::DepositSucceeded | EventType::DepositFailed => {
            let deposit = deposit_event(provider, &event, raw)?;
            state.deposits.settle(deposit).await.map_err(|e| match e {
                StoreError::NotFound(_) => ApiError::ReferenceNotFound("deposit"),
                other => ApiError::from(other),
            })?
        }
        EventType::PayoutSucceeded | EventType::PayoutFailed | EventType::PayoutReversed => {
            let payout = payout_event(provider, &event, raw)?;
            state
                .db
                .apply_payout_event(&payout)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound(_) => ApiError::ReferenceNotFound("payout attempt"),
                    other => ApiError::from(other),
                })?
        }
    };
    metrics::counter!(crate::metrics::catalog::WEBHOOK_EVENTS, "type" => event.r#type.as_str(), "outcome" => outcome.as_str())
        .increment(1);
    if outcome == persistence::EventOutcome::Anomaly {
        metrics::counter!(crate::metrics::catalog::ANOMALIES, "type" => event.r#type.as_str())
            .increment(1);
    }
    tracing::info!(event_id = %event.id, event_type = event.r#type.as_str(), outcome = outcome.as_str(), "webhook");
    Ok(HttpResponse::Ok().json(json!({"status": outcome.as_str()})))
}

fn verify_signature(req: &HttpRequest, state: &AppState, body: &[u8]) -> Result<(), ApiError> {
    let secrets: Vec<&SecretString> = state.webhook_secrets.iter().collect();
    verify_signed(
        signature_header(req),
        body,
        &secrets,
        Utc::now().timestamp(),
        state.webhook_tolerance_s,
    )
}

/// The request's `Kasa-Signature` header, when present and readable.
pub(crate) fn signature_header(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
}

/// Checks a `Kasa-Signature` header over `body` against `secrets` at
/// `now_s` (PSP webhooks and game providers sign alike): 401 when the
/// header is missing, stale or signed by none of them.
pub(crate) fn verify_signed(
    header: Option<&str>,
    body: &[u8],
    secrets: &[&SecretString],
    now_s: i64,
    tolerance_s: i64,
) -> Result<(), ApiError> {
    let header =
        header.ok_or_else(|| ApiError::InvalidSignature("Kasa-Signature header missing".into()))?;
    let secrets: Vec<&[u8]> = secrets
        .iter()
        .map(|s| s.expose_secret().as_bytes())
        .collect();
    psp::signature::verify(header, body, &secrets, now_s, tolerance_s)
        .map_err(|e| ApiError::InvalidSignature(e.to_string()))
}

fn invalid(what: &str) -> ApiError {
    ApiError::MalformedJson(format!("malformed event: {what}"))
}

/// Checks the event id (bounded) and reads the amount every event carries.
fn checked_id_and_amount(event: &WebhookEvent) -> Result<Money, ApiError> {
    if event.id.is_empty() || event.id.len() > 255 {
        return Err(invalid("id must be 1 to 255 characters"));
    }
    let currency =
        Currency::parse(&event.data.currency).map_err(|_| invalid("unknown currency"))?;
    Decimal::from_str(&event.data.amount)
        .ok()
        .and_then(|a| Money::new(a, currency).ok())
        .ok_or_else(|| invalid("amount"))
}

fn payout_event(
    provider: String,
    event: &WebhookEvent,
    raw: String,
) -> Result<PayoutEvent, ApiError> {
    let amount = checked_id_and_amount(event)?;
    let attempt_id = Uuid::try_parse(&event.data.reference)
        .map_err(|_| ApiError::ReferenceNotFound("payout attempt"))?;
    let observation = match event.r#type {
        EventType::PayoutSucceeded => Observation::Succeeded,
        EventType::PayoutReversed => Observation::Reversed,
        _ => Observation::Failed {
            failure_code: event.data.failure_code.clone(),
        },
    };
    Ok(PayoutEvent {
        provider,
        event_id: event.id.clone(),
        event_type: event.r#type.as_str().to_owned(),
        observation,
        attempt_id: ledger::AttemptId(attempt_id),
        provider_ref: event.data.provider_ref.clone(),
        amount,
        raw,
    })
}

fn deposit_event(
    provider: String,
    event: &WebhookEvent,
    raw: String,
) -> Result<DepositEvent, ApiError> {
    let amount = checked_id_and_amount(event)?;
    let deposit_id = Uuid::try_parse(&event.data.reference)
        .map_err(|_| ApiError::ReferenceNotFound("deposit"))?;
    let signal = match event.r#type {
        EventType::DepositSucceeded => DepositSignal::Succeeded,
        _ => DepositSignal::Failed,
    };
    Ok(DepositEvent {
        provider,
        event_id: event.id.clone(),
        event_type: event.r#type.as_str().to_owned(),
        signal,
        deposit_id,
        provider_ref: event.data.provider_ref.clone(),
        amount,
        failure_code: event.data.failure_code.clone(),
        raw,
    })
}
