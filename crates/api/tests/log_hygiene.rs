//! Logs of a full money flow contain no tokens, passwords, signatures or
//! account numbers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use psp::mock::{Operation, Script};
use serde_json::json;
use tracing_subscriber::EnvFilter;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_flow_logs_no_secrets() {
    let captured = Captured::default();
    let sink = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(
            "debug,sqlx=warn,hyper=info,h2=info,reqwest=info,actix_server=info,rustls=info",
        ))
        .with_writer(move || sink.clone())
        .init();
    let db = testkit::sqlite();
    let kasa = spawn(&db).await;
    let (_, token, admin) = kasa.funded_player("acme", "100.00").await;
    kasa.post(
        "/auth/admin/login",
        None,
        json!({"email": ADMIN_EMAIL, "password": "wrong-password-xyz"}),
    )
    .await;
    let account = "DE89370400440532013000";
    let id = kasa.withdraw(&token, "10.00").await;
    kasa.act(&admin, &id, "approve", json!({})).await;
    kasa.mock()
        .push_script(Operation::Payout, Script::succeed());
    kasa.act(&admin, &id, "payouts", json!({})).await;
    kasa.withdrawal_in_state(&token, &id, "paid").await;
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("request"),
        "the capture works: {}",
        &logs[..logs.len().min(500)]
    );
    for secret in [
        token.as_str(),
        admin.as_str(),
        ADMIN_PASSWORD,
        PASSWORD,
        "wrong-password-xyz",
        WEBHOOK_SECRET,
        account,
        "test-jwt-secret",
        "v1=",
    ] {
        assert!(!logs.contains(secret), "logs contain {secret:?}");
    }
    // A JWT has three base64url parts; none of their prefixes may appear either.
    assert!(
        !logs.contains("eyJ"),
        "logs contain something that looks like a token"
    );
}
