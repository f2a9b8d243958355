//! `kasa serve --dev`, the real binary: what it prints at start is what works.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Stdio;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

/// The value after `label` on the first printed line that has it.
fn after<'a>(printed: &'a str, label: &str) -> &'a str {
    printed
        .lines()
        .find_map(|l| l.split_once(label).map(|(_, rest)| rest.trim()))
        .unwrap_or_else(|| panic!("{label:?} not printed:\n{printed}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_prints_the_console_credentials_secret_and_scenarios() {
    let db = testkit::sqlite();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_kasa"))
        .args(["serve", "--dev"])
        .env("KASA__DATABASE__URL", &db.url)
        .env("KASA__SERVER__BIND", "127.0.0.1:0")
        .env_remove("KASA__PSP__MOCK__BASE_URL")
        .env_remove("KASA__PSP__MOCK__WEBHOOK_SECRET")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("kasa starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = String::new();
    let read = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            printed.push_str(&line);
            printed.push('\n');
            if line.starts_with("kasa listening on ") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no listening line:\n{printed}");
    let base = after(&printed, "kasa listening on ").to_owned();
    assert!(
        printed.contains(&format!("console: {base}/console/ ")),
        "{printed}"
    );
    assert!(
        printed.contains(&format!("{base}/console/player/ ")),
        "{printed}"
    );
    for row in [
        "deposit x.13",
        "deposit x.44",
        "payout  x.66",
        "payout  x.77",
    ] {
        assert!(printed.contains(row), "{row} missing:\n{printed}");
    }
    let tenant = after(&printed, "tenant:");
    let (admin_email, password) = after(&printed, "admin:").split_once(" / ").unwrap();
    let (player_email, _) = after(&printed, "player:").split_once(" / ").unwrap();
    let secret = after(&printed, "webhook secret ");

    let http = reqwest::Client::new();
    let login = |path: &str, body: Value| {
        let req = http.post(format!("{base}/api/v1/auth/{path}")).json(&body);
        async move { req.send().await.unwrap().status() }
    };
    assert_eq!(
        login(
            "admin/login",
            json!({"email": admin_email, "password": password})
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(
        login(
            "player/login",
            json!({"tenant": tenant, "email": player_email, "password": password})
        )
        .await,
        StatusCode::OK
    );
    // The printed secret is the one Kasa verifies with: an event signed with it
    // passes the signature check (and names no deposit), another secret does not.
    let event = json!({"id": "evt_by_hand", "type": "deposit.succeeded", "created": chrono::Utc::now().timestamp(),
        "data": {"reference": uuid::Uuid::now_v7(), "provider_ref": "psp_x", "amount": "1.00", "currency": "EUR", "failure_code": null}});
    let body = serde_json::to_vec(&event).unwrap();
    for (key, expected) in [
        (secret, StatusCode::NOT_FOUND),
        ("another-secret", StatusCode::UNAUTHORIZED),
    ] {
        let signature =
            psp::signature::sign(&[key.as_bytes()], chrono::Utc::now().timestamp(), &body);
        let answer = http
            .post(format!("{base}/api/v1/webhooks/mock"))
            .header("content-type", "application/json")
            .header("Kasa-Signature", signature)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), expected, "signed with {key}");
    }
    child.kill().await.unwrap();
}
