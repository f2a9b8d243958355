//! The `/control` API and the `mock-psp` binary.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{MockServer, SECRET};
use psp::PaymentProvider;
use psp::event::{DepositRequest, PspStatus};
use psp::mock::{MockStatus, Operation, Outcome};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

const TIMEOUT: Duration = Duration::from_secs(5);

fn deposit(reference: &str) -> DepositRequest {
    DepositRequest {
        reference: reference.into(),
        amount: "5.00".into(),
        currency: "EUR".into(),
    }
}

#[tokio::test]
async fn scripts_queue_in_order() {
    let mock = MockServer::start(None, &[SECRET], Duration::from_secs(2)).await;
    let provider = mock.provider(TIMEOUT);
    for outcome in ["decline", "fail", "succeed"] {
        assert_eq!(
            mock.control(
                "/control/script",
                json!({"operation": "deposit", "outcome": outcome, "delay_ms": 0,
                       "duplicate": false, "failure_code": null}),
            )
            .await,
            204
        );
    }
    assert!(provider.create_deposit(&deposit("d1")).await.is_err());
    provider
        .create_deposit(&deposit("d2"))
        .await
        .expect("accepted");
    provider
        .create_deposit(&deposit("d3"))
        .await
        .expect("accepted");

    let engine = mock.engine.clone();
    assert!(
        common::eventually(async || engine
            .snapshot()
            .deposits
            .iter()
            .all(|d| d.status != MockStatus::Pending))
        .await
    );
    let snapshot = mock.transactions().await;
    let statuses: Vec<_> = snapshot
        .deposits
        .iter()
        .map(|d| (d.reference.as_str(), d.status))
        .collect();
    assert_eq!(
        statuses,
        vec![("d2", MockStatus::Failed), ("d3", MockStatus::Succeeded)]
    );
    assert_eq!(snapshot.deposit_calls.get("d1"), Some(&1));
    mock.stop().await;
}

#[tokio::test]
async fn invalid_control_bodies_are_400() {
    let mock = MockServer::start(None, &[SECRET], Duration::from_secs(2)).await;
    assert_eq!(
        mock.control(
            "/control/script",
            json!({"operation": "refund", "outcome": "succeed"})
        )
        .await,
        400
    );
    assert_eq!(
        mock.control(
            "/control/script",
            json!({"operation": "deposit", "outcome": "explode"})
        )
        .await,
        400
    );
    assert_eq!(
        mock.control("/control/report-items", json!({"type": "deposit"}))
            .await,
        400
    );
    mock.stop().await;
}

#[tokio::test]
async fn reset_clears_transactions_and_scripts() {
    let mock = MockServer::start(None, &[SECRET], Duration::from_secs(2)).await;
    let provider = mock.provider(TIMEOUT);
    provider
        .create_deposit(&deposit("d1"))
        .await
        .expect("accepted");
    mock.control(
        "/control/script",
        json!({"operation": "deposit", "outcome": "decline"}),
    )
    .await;

    assert_eq!(mock.control("/control/reset", json!({})).await, 204);
    let snapshot = mock.transactions().await;
    assert!(snapshot.deposits.is_empty());
    assert!(snapshot.deposit_calls.is_empty());
    assert_eq!(provider.get_deposit("d1").await, Ok(None));
    // The queued decline is gone too.
    let created = provider
        .create_deposit(&deposit("d2"))
        .await
        .expect("accepted");
    assert_eq!(created.status, PspStatus::Pending);
    mock.stop().await;
}

#[tokio::test]
async fn transactions_expose_what_tests_assert_on() {
    let mock = MockServer::start(None, &[SECRET], Duration::from_secs(2)).await;
    mock.provider(TIMEOUT)
        .create_deposit(&deposit("d1"))
        .await
        .expect("accepted");
    let raw: serde_json::Value = mock
        .http()
        .get(format!("{}/control/transactions", mock.base))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("json");
    assert_eq!(raw["deposits"][0]["reference"], json!("d1"));
    assert_eq!(raw["deposits"][0]["type"], json!("deposit"));
    assert_eq!(raw["deposits"][0]["amount"], json!("5.00"));
    assert_eq!(raw["deposit_calls"]["d1"], json!(1));
    assert_eq!(raw["payout_calls"], json!({}));
    assert!(raw["payouts"].as_array().is_some_and(Vec::is_empty));
    mock.stop().await;
}

#[tokio::test]
async fn in_process_control_matches_the_http_one() {
    // Tests in other crates may script the engine directly instead of over HTTP.
    let mock = MockServer::start(None, &[SECRET], Duration::from_secs(2)).await;
    mock.engine.push_script(
        Operation::Deposit,
        psp::mock::Script {
            outcome: Outcome::Decline,
            failure_code: Some("direct".into()),
            ..Default::default()
        },
    );
    let result = mock.provider(TIMEOUT).create_deposit(&deposit("d1")).await;
    assert_eq!(
        result,
        Err(psp::PspError::Declined {
            status: 422,
            code: "direct".into()
        })
    );
    mock.stop().await;
}

#[tokio::test]
async fn health_answers_ok() {
    let mock = MockServer::start(None, &[SECRET], Duration::from_secs(2)).await;
    let response = mock
        .http()
        .get(format!("{}/health", mock.base))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 200);
    mock.stop().await;
}

#[tokio::test]
async fn binary_announces_its_address_and_stops_on_sigterm() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_mock-psp"))
        .args(["--bind", "127.0.0.1:0", "--webhook-secret", SECRET])
        .env_remove("MOCK_PSP_BIND")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .expect("announces in time")
        .expect("readable stdout")
        .expect("one line");
    let addr = line
        .strip_prefix("mock-psp listening on ")
        .expect("announcement format");
    assert!(addr.starts_with("127.0.0.1:"), "{line}");

    let response = reqwest::get(format!("http://{addr}/health"))
        .await
        .expect("serves");
    assert_eq!(response.status().as_u16(), 200);

    let pid = child.id().expect("running").to_string();
    let killed = tokio::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .expect("kill runs");
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("exits in time")
        .expect("exit status");
    assert!(status.success(), "graceful exit: {status:?}");
}

#[tokio::test]
async fn an_injected_malformed_line_reaches_the_provider_as_unreadable() {
    let mock = MockServer::start(None, &[SECRET], Duration::from_secs(2)).await;
    let provider = mock.provider(TIMEOUT);
    provider
        .create_deposit(&deposit("d1"))
        .await
        .expect("accepted");
    let line = json!({"type": "payout", "reference": "a1", "id": "p1", "currency": "EUR",
        "status": "succeeded", "updated_at": chrono::Utc::now()});
    assert_eq!(
        mock.control("/control/report-lines", line.clone()).await,
        204
    );
    let now = chrono::Utc::now();
    let report = provider
        .report(
            now - chrono::TimeDelta::minutes(5),
            now + chrono::TimeDelta::minutes(5),
        )
        .await
        .expect("one bad line does not fail the report");
    assert_eq!(report.items.len(), 1);
    assert_eq!(report.items[0].reference, "d1");
    assert_eq!(report.unreadable.len(), 1);
    assert_eq!(report.unreadable[0].raw, line);
    assert!(report.unreadable[0].error.contains("amount"));
    mock.stop().await;
}

#[tokio::test]
async fn long_codes_over_http_are_cut_to_their_bound() {
    let mock = MockServer::start(None, &[SECRET], Duration::from_secs(2)).await;
    let provider = mock.provider(TIMEOUT);
    let long = "ü".repeat(100);
    mock.control(
        "/control/script",
        json!({"operation": "deposit", "outcome": "decline", "failure_code": long}),
    )
    .await;
    match provider.create_deposit(&deposit("d1")).await {
        Err(psp::PspError::Declined { code, .. }) => {
            assert_eq!(code, "ü".repeat(psp::bounds::FAILURE_CODE_MAX_CHARS));
        }
        other => panic!("expected a decline, got {other:?}"),
    }
    mock.stop().await;
}
