//! Mounting the mock in an actix app, and running it as a server.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};
use psp::mock::MockPsp;

use crate::protocol::Protocol;
use crate::{control, protocol, reply};

/// How long a scripted timeout hangs by default: longer than any sane client timeout.
pub const DEFAULT_HANG: Duration = Duration::from_secs(15);

/// Seconds a graceful stop waits for requests in flight (a hanging one is cut short).
const SHUTDOWN_TIMEOUT_S: u64 = 5;

/// Mounts the protocol endpoints, the control API and `GET /health` on `cfg`,
/// backed by `engine`; a scripted timeout keeps the caller waiting for `hang`.
pub fn configure(cfg: &mut web::ServiceConfig, engine: MockPsp, hang: Duration) {
    cfg.app_data(web::Data::new(Protocol {
        engine: engine.clone(),
        hang,
    }))
    .app_data(web::Data::new(engine))
    .route("/health", web::get().to(health))
    .configure(reply::extractor_configs)
    .configure(protocol::routes)
    .configure(control::routes);
}

/// Binds `bind` (e.g. `127.0.0.1:0`) and serves the mock on the current tokio runtime.
///
/// Returns the bound address and a handle to stop the server. The server does not
/// react to signals itself; the caller decides when to stop it.
pub async fn start(
    bind: &str,
    engine: MockPsp,
    hang: Duration,
) -> io::Result<(SocketAddr, ServerHandle)> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let server = HttpServer::new(move || {
        let engine = engine.clone();
        App::new().configure(move |cfg| configure(cfg, engine, hang))
    })
    .workers(workers)
    // Longer than Kasa's idle-connection limit, as real PSPs' are: Kasa closes first.
    .keep_alive(Duration::from_secs(75))
    .disable_signals()
    .shutdown_timeout(SHUTDOWN_TIMEOUT_S)
    .bind(bind)?;
    let addr = server
        .addrs()
        .first()
        .copied()
        .ok_or_else(|| io::Error::other("server bound no address"))?;
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(async move {
        if let Err(e) = server.await {
            tracing::error!(error = %e, "mock PSP server failed");
        }
    });
    tracing::info!(%addr, "mock PSP listening");
    Ok((addr, handle))
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}
