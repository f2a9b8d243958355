//! The PSP protocol endpoints (`/v1/...`).

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use psp::client::IDEMPOTENCY_KEY_HEADER;
use psp::event::{DepositRequest, PayoutRequest};
use psp::mock::{MockPsp, Submission};
use psp::report::RawReport;
use serde::Deserialize;

use crate::reply;

/// What the protocol handlers share.
#[derive(Debug, Clone)]
pub(crate) struct Protocol {
    pub(crate) engine: MockPsp,
    /// How long a scripted timeout keeps the caller waiting.
    pub(crate) hang: Duration,
}

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/v1")
            .route("/deposits", web::post().to(create_deposit))
            .route("/deposits/{reference}", web::get().to(get_deposit))
            .route("/payouts", web::post().to(create_payout))
            .route("/payouts/{reference}", web::get().to(get_payout))
            .route("/reports/transactions", web::get().to(report)),
    );
}

async fn create_deposit(
    state: web::Data<Protocol>,
    body: web::Json<DepositRequest>,
) -> HttpResponse {
    let submission = state.engine.submit_deposit(&body);
    answer(&state, submission).await
}

async fn create_payout(
    state: web::Data<Protocol>,
    req: HttpRequest,
    body: web::Json<PayoutRequest>,
) -> HttpResponse {
    // A missing or unreadable key reaches the engine as "" and is refused there.
    let key = req
        .headers()
        .get(IDEMPOTENCY_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let submission = state.engine.submit_payout(key, &body);
    answer(&state, submission).await
}

async fn answer(state: &Protocol, submission: Submission) -> HttpResponse {
    match submission {
        Submission::Accepted(tx) => HttpResponse::Created().json(tx),
        Submission::Declined { status, code } => reply::error(status, &code),
        Submission::TimedOut(tx) => {
            tracing::info!(reference = %tx.reference, hang = ?state.hang, "scripted timeout: hanging");
            tokio::time::sleep(state.hang).await;
            HttpResponse::Created().json(tx)
        }
    }
}

async fn get_deposit(state: web::Data<Protocol>, reference: web::Path<String>) -> HttpResponse {
    match state.engine.deposit(&reference) {
        Some(tx) => HttpResponse::Ok().json(tx),
        None => reply::error(404, "not_found"),
    }
}

async fn get_payout(state: web::Data<Protocol>, reference: web::Path<String>) -> HttpResponse {
    match state.engine.payout(&reference) {
        Some(tx) => HttpResponse::Ok().json(tx),
        None => reply::error(404, "not_found"),
    }
}

#[derive(Debug, Deserialize)]
struct Window {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

async fn report(state: web::Data<Protocol>, window: web::Query<Window>) -> HttpResponse {
    if window.from > window.to {
        return reply::error(400, "invalid_window");
    }
    HttpResponse::Ok().json(RawReport {
        items: state.engine.report_lines(window.from, window.to),
    })
}
