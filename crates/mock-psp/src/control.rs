//! The control API (`/control/...`) tests use to script and inspect the mock.

use actix_web::{HttpResponse, web};
use psp::event::ReportItem;
use psp::mock::{MockError, MockPsp, Operation, Script};
use serde::{Deserialize, Serialize};

use crate::reply;

/// Body of `POST /control/script`: the script plus the operation it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptCommand {
    /// `deposit` or `payout`.
    pub operation: Operation,
    /// `outcome`, `delay_ms`, `duplicate`, `failure_code`.
    #[serde(flatten)]
    pub script: Script,
}

/// Body of `POST /control/webhook-url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookUrlCommand {
    /// Where webhooks go from now on.
    pub url: String,
}

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/control")
            .route("/script", web::post().to(push_script))
            .route("/reset", web::post().to(reset))
            .route(
                "/payouts/{reference}/reverse",
                web::post().to(reverse_payout),
            )
            .route("/report-items", web::post().to(inject_report_item))
            .route("/report-lines", web::post().to(inject_report_line))
            .route("/webhook-url", web::post().to(set_webhook_url))
            .route("/transactions", web::get().to(transactions)),
    );
}

async fn push_script(
    engine: web::Data<MockPsp>,
    command: web::Json<ScriptCommand>,
) -> HttpResponse {
    let ScriptCommand { operation, script } = command.into_inner();
    tracing::info!(?operation, ?script, "script queued");
    engine.push_script(operation, script);
    HttpResponse::NoContent().finish()
}

async fn reset(engine: web::Data<MockPsp>) -> HttpResponse {
    engine.reset();
    HttpResponse::NoContent().finish()
}

async fn reverse_payout(engine: web::Data<MockPsp>, reference: web::Path<String>) -> HttpResponse {
    match engine.reverse_payout(&reference) {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(MockError::NotFound(_)) => reply::error(404, "not_found"),
        Err(MockError::NotReversible { .. }) => reply::error(409, "not_reversible"),
    }
}

async fn inject_report_item(
    engine: web::Data<MockPsp>,
    item: web::Json<ReportItem>,
) -> HttpResponse {
    engine.inject_report_item(item.into_inner());
    HttpResponse::NoContent().finish()
}

/// Any JSON, served in reports as it is: a malformed line for tests of readers.
async fn inject_report_line(
    engine: web::Data<MockPsp>,
    line: web::Json<serde_json::Value>,
) -> HttpResponse {
    engine.inject_report_line(line.into_inner());
    HttpResponse::NoContent().finish()
}

async fn set_webhook_url(
    engine: web::Data<MockPsp>,
    command: web::Json<WebhookUrlCommand>,
) -> HttpResponse {
    let url = command.into_inner().url;
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return reply::error(400, "invalid_url");
    }
    engine.set_webhook_url(url);
    HttpResponse::NoContent().finish()
}

async fn transactions(engine: web::Data<MockPsp>) -> HttpResponse {
    HttpResponse::Ok().json(engine.snapshot())
}
