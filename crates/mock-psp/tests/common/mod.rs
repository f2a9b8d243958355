//! Fixtures shared by the integration tests: the mock PSP on a real socket and a
//! webhook receiver that checks signatures like Kasa does.

// Each test binary uses a different part of these fixtures.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use psp::HttpProvider;
use psp::event::WebhookEvent;
use psp::mock::{MockConfig, MockPsp, MockSnapshot};
use psp::signature::{self, SignatureError};
use secrecy::SecretString;

/// The secret both sides use unless a test says otherwise.
pub const SECRET: &str = "whsec_test_current";

/// The mock PSP served on 127.0.0.1:0.
pub struct MockServer {
    /// The engine behind the server (shared state).
    pub engine: MockPsp,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    handle: ServerHandle,
    http: reqwest::Client,
}

impl MockServer {
    /// Starts the mock signing with `secrets`, sending webhooks to `webhook_url`.
    pub async fn start(webhook_url: Option<String>, secrets: &[&str], hang: Duration) -> Self {
        let engine = MockPsp::new(MockConfig {
            webhook_url,
            webhook_secrets: secrets.iter().map(|s| SecretString::from(*s)).collect(),
            webhook_delay: Duration::from_millis(10),
            ..MockConfig::default()
        });
        let (addr, handle) = mock_psp::start("127.0.0.1:0", engine.clone(), hang)
            .await
            .expect("mock PSP starts");
        Self {
            engine,
            base: format!("http://{addr}"),
            handle,
            http: reqwest::Client::new(),
        }
    }

    /// An [`HttpProvider`] pointed at this server.
    pub fn provider(&self, timeout: Duration) -> HttpProvider {
        HttpProvider::new("mock", &self.base, timeout).expect("valid base URL")
    }

    /// POSTs `body` to a control route, returning the status.
    pub async fn control(&self, path: &str, body: serde_json::Value) -> u16 {
        self.http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .expect("control call answered")
            .status()
            .as_u16()
    }

    /// `GET /control/transactions`.
    pub async fn transactions(&self) -> MockSnapshot {
        self.http
            .get(format!("{}/control/transactions", self.base))
            .send()
            .await
            .expect("control call answered")
            .json()
            .await
            .expect("snapshot parses")
    }

    /// A raw client for hand-made requests.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Stops the server without waiting for requests in flight.
    pub async fn stop(self) {
        self.handle.stop(false).await;
    }
}

/// One webhook POST as the receiver saw it.
#[derive(Debug, Clone)]
pub struct Received {
    /// The exact body bytes.
    pub raw: Vec<u8>,
    /// Result of `psp::signature::verify`.
    pub verified: Result<(), SignatureError>,
    /// The parsed event.
    pub event: Option<WebhookEvent>,
    /// The status the receiver answered.
    pub answered: u16,
}

struct ReceiverState {
    secrets: Vec<Vec<u8>>,
    received: Mutex<Vec<Received>>,
    scripted: Mutex<VecDeque<u16>>,
}

/// A stand-in for Kasa's webhook endpoint.
pub struct Receiver {
    /// Where it listens.
    pub addr: SocketAddr,
    handle: ServerHandle,
    state: Arc<ReceiverState>,
}

impl Receiver {
    /// Starts a receiver on a free port that knows `secrets`.
    pub async fn start(secrets: &[&str]) -> Self {
        Self::start_on("127.0.0.1:0".parse().expect("valid address"), secrets).await
    }

    /// Starts a receiver on `addr` that knows `secrets`.
    pub async fn start_on(addr: SocketAddr, secrets: &[&str]) -> Self {
        let state = Arc::new(ReceiverState {
            secrets: secrets.iter().map(|s| s.as_bytes().to_vec()).collect(),
            received: Mutex::new(Vec::new()),
            scripted: Mutex::new(VecDeque::new()),
        });
        let data = web::Data::from(Arc::clone(&state));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/api/v1/webhooks/mock", web::post().to(receive))
        })
        .workers(1)
        .disable_signals()
        .bind(addr)
        .expect("receiver binds");
        let addr = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            addr,
            handle,
            state,
        }
    }

    /// The webhook URL to give the mock.
    pub fn url(&self) -> String {
        format!("http://{}/api/v1/webhooks/mock", self.addr)
    }

    /// Answers the next webhook with `status` instead of the usual 200/401.
    pub fn answer_next(&self, status: u16) {
        lock(&self.state.scripted).push_back(status);
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        lock(&self.state.received).clone()
    }

    /// Waits (up to 10 s) until at least `n` webhooks arrived, and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..1000 {
            let received = self.received();
            if received.len() >= n {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.received()
    }

    /// Stops the receiver.
    pub async fn stop(self) {
        self.handle.stop(false).await;
    }
}

async fn receive(
    state: web::Data<ReceiverState>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let header = req
        .headers()
        .get(signature::HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let secrets: Vec<&[u8]> = state.secrets.iter().map(Vec::as_slice).collect();
    let verified = signature::verify(header, &body, &secrets, chrono::Utc::now().timestamp(), 300);
    let scripted = lock(&state.scripted).pop_front();
    let answered = scripted.unwrap_or(if verified.is_ok() { 200 } else { 401 });
    lock(&state.received).push(Received {
        raw: body.to_vec(),
        verified,
        event: serde_json::from_slice(&body).ok(),
        answered,
    });
    let status = actix_web::http::StatusCode::from_u16(answered)
        .expect("scripted status is a valid HTTP status");
    match answered {
        200 => HttpResponse::build(status).json(serde_json::json!({"status": "processed"})),
        404 => HttpResponse::build(status)
            .json(serde_json::json!({"error": {"code": "reference_not_found"}})),
        _ => HttpResponse::build(status).finish(),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Polls `check` every 10 ms for up to 5 s; true as soon as it holds.
pub async fn eventually(mut check: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..500 {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}
