//! A fake PSP over real HTTP, for what the in-process mock cannot do: serve
//! report lines exactly as given (malformed ones too) and answer slowly.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

/// What the fake answers.
#[derive(Debug, Default)]
pub struct FakeAnswers {
    /// Lines of `GET /v1/reports/transactions`, served as they are.
    pub report: Vec<Value>,
    /// How long the report takes.
    pub report_delay: Duration,
}

/// A running fake PSP. Deposits and payouts are accepted as `pending` with
/// id `psp_<reference>`; a payout's status is `succeeded` once asked for.
pub struct FakePsp {
    pub base: String,
    pub answers: Arc<Mutex<FakeAnswers>>,
    handle: actix_web::dev::ServerHandle,
}

impl FakePsp {
    pub async fn start() -> Self {
        let answers = Arc::new(Mutex::new(FakeAnswers::default()));
        let data = web::Data::from(Arc::clone(&answers));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/v1/deposits", web::post().to(deposit))
                .route("/v1/payouts", web::post().to(payout))
                .route("/v1/payouts/{reference}", web::get().to(payout_status))
                .route("/v1/reports/transactions", web::get().to(report))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .unwrap();
        let addr = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            base: format!("http://{addr}"),
            answers,
            handle,
        }
    }

    /// Serves `items` as the report from now on.
    pub fn serve_report(&self, items: Vec<Value>) {
        self.answers.lock().unwrap().report = items;
    }

    /// Makes the report take `delay`.
    pub fn delay_report(&self, delay: Duration) {
        self.answers.lock().unwrap().report_delay = delay;
    }
}

impl Drop for FakePsp {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

async fn deposit(body: web::Json<Value>) -> HttpResponse {
    let reference = body["reference"].as_str().unwrap_or_default();
    HttpResponse::Created().json(json!({
        "id": format!("psp_{reference}"),
        "reference": reference,
        "status": "pending",
    }))
}

async fn payout(body: web::Json<Value>) -> HttpResponse {
    let reference = body["reference"].as_str().unwrap_or_default();
    HttpResponse::Created().json(json!({
        "id": format!("psp_{reference}"),
        "reference": reference,
        "status": "pending",
    }))
}

async fn payout_status(reference: web::Path<String>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "id": format!("psp_{reference}"),
        "reference": reference.as_str(),
        "status": "succeeded",
    }))
}

async fn report(answers: web::Data<Mutex<FakeAnswers>>) -> HttpResponse {
    let (items, delay) = {
        let a = answers.lock().unwrap();
        (a.report.clone(), a.report_delay)
    };
    tokio::time::sleep(delay).await;
    HttpResponse::Ok().json(json!({ "items": items }))
}
