//! What `kasa serve` refuses to start with: empty or short webhook secrets, no
//! PSP without an explicit in-process mock, an idempotency lease shorter than
//! two PSP calls. Each refusal names the variable to fix.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use kasa_api::server::{ServeOptions, start};
use kasa_api::settings::Settings;
use reqwest::StatusCode;
use secrecy::SecretString;

/// Starts with `settings` (not `--dev`) and returns the refusal's text.
async fn refusal(settings: Settings) -> String {
    match start(&settings, ServeOptions::default()).await {
        Ok(running) => {
            running.handle.stop(false).await;
            panic!("the server started")
        }
        Err(e) => format!("{e:#}"),
    }
}

#[tokio::test]
async fn an_empty_previous_webhook_secret_is_a_startup_error() {
    let db = testkit::sqlite();
    let mut s = settings(&db);
    s.psp.mock.previous_webhook_secret = Some(SecretString::from(""));
    let text = refusal(s).await;
    assert!(
        text.contains("KASA__PSP__MOCK__PREVIOUS_WEBHOOK_SECRET") && text.contains("empty"),
        "{text}"
    );
}

#[tokio::test]
async fn short_webhook_secrets_are_startup_errors() {
    let db = testkit::sqlite();
    let mut s = settings(&db);
    s.psp.mock.webhook_secret = Some(SecretString::from("x".repeat(31)));
    let text = refusal(s).await;
    assert!(
        text.contains("KASA__PSP__MOCK__WEBHOOK_SECRET must be at least 32 bytes"),
        "{text}"
    );
    let mut s = settings(&db);
    s.psp.mock.previous_webhook_secret = Some(SecretString::from("short"));
    let text = refusal(s).await;
    assert!(
        text.contains("KASA__PSP__MOCK__PREVIOUS_WEBHOOK_SECRET must be at least 32 bytes"),
        "{text}"
    );
}

#[tokio::test]
async fn no_psp_base_url_needs_the_in_process_setting() {
    let db = testkit::sqlite();
    let mut s = settings(&db);
    s.psp.mock.in_process = false;
    let text = refusal(s).await;
    assert!(
        text.contains("KASA__PSP__MOCK__BASE_URL is not set")
            && text.contains("KASA__PSP__MOCK__IN_PROCESS=true"),
        "{text}"
    );
}

#[tokio::test]
async fn an_idempotency_lease_shorter_than_two_psp_calls_is_refused() {
    let db = testkit::sqlite();
    for (lease_s, timeout_ms) in [(0, 5_000), (9, 5_000), (1, 1_000)] {
        let mut s = settings(&db);
        s.idempotency.lease_s = lease_s;
        s.psp.mock.timeout_ms = timeout_ms;
        let text = refusal(s).await;
        assert!(text.contains("KASA__IDEMPOTENCY__LEASE_S"), "{text}");
    }
}

/// With `--dev` an empty previous secret is ignored: an event signed with the
/// empty key is refused, one signed with the current secret is accepted.
#[tokio::test]
async fn dev_never_verifies_with_an_empty_secret() {
    let db = testkit::sqlite();
    let mut s = settings(&db);
    s.psp.mock.previous_webhook_secret = Some(SecretString::from(""));
    let running = start(
        &s,
        ServeOptions {
            dev: true,
            no_migrate: false,
        },
    )
    .await
    .expect("--dev starts");
    tokio::spawn(running.server);
    let kasa = Kasa {
        base: format!("http://{}", running.addr),
        http: reqwest::Client::new(),
        state: running.state,
        mock: running.mock,
        handle: running.handle,
    };
    let (_, token, _) = kasa.tenant_with_player("acme").await;
    let deposit = kasa.pending_deposit(&token, "10.00").await;
    let event = deposit_event("evt_forged", "deposit.succeeded", &deposit, "10.00");
    let body = serde_json::to_vec(&event).unwrap();
    let now = chrono::Utc::now().timestamp();
    let forged = kasa.webhook_signed(&body, "", now).await;
    assert_eq!(
        forged.status,
        StatusCode::UNAUTHORIZED,
        "{:?}",
        forged.json()
    );
    assert_eq!(kasa.wallet(&token).await.0, "0.00");
    let genuine = kasa.webhook_signed(&body, WEBHOOK_SECRET, now).await;
    assert_eq!(genuine.status, StatusCode::OK, "{:?}", genuine.json());
    assert_eq!(kasa.wallet(&token).await.0, "10.00");
}
