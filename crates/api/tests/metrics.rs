//! `/metrics`: bounded labels, known series at zero from the start, every
//! metric described.
//!
//! The recorder is process-global: under `cargo test` the tests of this binary
//! share it. They only send `GET /metrics` and the requests of
//! [`invented_methods_and_paths_add_no_series`], whose series its baseline
//! already holds, so its scrapes compare under any interleaving.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use common::{Kasa, spawn};
use reqwest::{Method, StatusCode};
use testkit::{TestDb, backend_tests};
use uuid::Uuid;

async fn scrape(kasa: &Kasa) -> String {
    let res = kasa
        .http
        .get(format!("{}/metrics", kasa.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

async fn send(kasa: &Kasa, method: &str, path: &str) -> StatusCode {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    kasa.http
        .request(method, format!("{}{path}", kasa.base))
        .send()
        .await
        .unwrap()
        .status()
}

/// The `kasa_http_*` series of a scrape (name and labels, without values).
fn http_series(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|line| line.starts_with("kasa_http_"))
        .map(|line| {
            line.rsplit_once(' ')
                .map_or(line, |(series, _)| series)
                .to_owned()
        })
        .collect()
}

/// An invented method token (uppercase letters and digits, never a real method).
fn invented_method() -> String {
    format!(
        "ZZ{}",
        &Uuid::new_v4().simple().to_string().to_uppercase()[..12]
    )
}

async fn invented_methods_and_paths_add_no_series(db: &TestDb) {
    let kasa = spawn(db).await;
    // One request of each folded kind first: the baseline holds their series.
    assert_eq!(send(&kasa, "ZZWARMUP", "/api/v1/me/wallet").await, 405);
    let withdrawal = format!("/api/v1/me/withdrawals/{}", Uuid::new_v4());
    assert_eq!(send(&kasa, "ZZWARMUP", &withdrawal).await, 405);
    assert_eq!(send(&kasa, "ZZWARMUP", "/warm-up").await, 404);
    assert_eq!(send(&kasa, "GET", "/warm-up").await, 404);
    scrape(&kasa).await;
    let before = http_series(&scrape(&kasa).await);

    let mut invented = Vec::new();
    for i in 0..50 {
        let method = invented_method();
        let token = Uuid::new_v4().simple().to_string();
        let (method, path) = match i % 4 {
            0 => (method, "/api/v1/me/wallet".to_owned()),
            1 => (method, format!("/api/v1/me/withdrawals/{token}")),
            2 => (method, format!("/{token}/x")),
            _ => ("GET".to_owned(), format!("/api/v1/{token}")),
        };
        let status = send(&kasa, &method, &path).await;
        assert!(status == 404 || status == 405, "{method} {path}: {status}");
        invented.push((method, token));
    }
    let text = scrape(&kasa).await;
    let after = http_series(&text);

    let grown: Vec<&String> = after.difference(&before).collect();
    assert!(
        grown.is_empty(),
        "{} http series before, {} after; new ones include {:?}",
        before.len(),
        after.len(),
        &grown[..grown.len().min(3)]
    );
    assert_eq!(after.len(), before.len());
    for (method, token) in &invented {
        if method != "GET" {
            assert!(!text.contains(method.as_str()), "{method} became a label");
        }
        assert!(
            !text.contains(token.as_str()),
            "raw path {token} became a label"
        );
    }
    assert!(
        text.lines()
            .any(|l| l.starts_with("kasa_http_requests_total")
                && l.contains(r#"method="OTHER""#)
                && l.contains(r#"route="/api/v1/me/withdrawals/{id}""#)
                && l.contains(r#"status="405""#)),
        "a known path with an unknown method counts under its route pattern:\n{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("kasa_http_requests_total")
                && l.contains(r#"route="unmatched""#)
                && l.contains(r#"status="404""#)),
        "unknown paths fold into route=\"unmatched\":\n{text}"
    );
}
backend_tests!(bounded_labels, invented_methods_and_paths_add_no_series);

/// Whether `text` has a sample of `name` carrying every label of `labels`.
fn sample<'a>(text: &'a str, name: &str, labels: &[(&str, &str)]) -> Option<&'a str> {
    text.lines()
        .filter(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{'))
        })
        .find(|line| {
            labels
                .iter()
                .all(|(k, v)| line.contains(&format!("{k}=\"{v}\"")))
        })
        .and_then(|line| line.rsplit_once(' ').map(|(_, value)| value))
}

fn assert_zero(text: &str, name: &str, labels: &[(&str, &str)]) {
    assert_eq!(
        sample(text, name, labels),
        Some("0"),
        "{name} {labels:?} is not at 0:\n{text}"
    );
}

async fn known_series_exist_at_zero_from_the_start(db: &TestDb) {
    let kasa = spawn(db).await;
    let text = scrape(&kasa).await;
    for t in psp::EventType::ALL {
        assert_zero(&text, "kasa_anomalies_total", &[("type", t.as_str())]);
        for o in persistence::EventOutcome::ALL {
            assert_zero(
                &text,
                "kasa_webhook_events_total",
                &[("type", t.as_str()), ("outcome", o.as_str())],
            );
        }
    }
    for outcome in ["pending", "succeeded", "failed", "unknown"] {
        assert_zero(&text, "kasa_payout_attempts_total", &[("outcome", outcome)]);
    }
    for state in withdrawal::WithdrawalState::ALL {
        assert_zero(&text, "kasa_withdrawals", &[("state", state.as_str())]);
    }
    for currency in ledger::Currency::ALL {
        assert_zero(
            &text,
            "kasa_deposits_created_total",
            &[("currency", currency.code())],
        );
    }
    for queue in ["deposit", "withdrawal"] {
        assert_zero(&text, "kasa_round_retries_total", &[("queue", queue)]);
        assert_zero(&text, "kasa_round_alone_total", &[("queue", queue)]);
    }
    for kind in ["reconciliation_run", "recheck_stuck_payouts"] {
        for name in [
            "kasa_jobs_completed_total",
            "kasa_jobs_failed_runs_total",
            "kasa_jobs_lease_lost_total",
        ] {
            assert!(
                sample(&text, name, &[("kind", kind)]).is_some(),
                "{name} {kind} missing:\n{text}"
            );
        }
    }
}
backend_tests!(zero_series, known_series_exist_at_zero_from_the_start);

async fn every_metric_has_help_text(db: &TestDb) {
    let kasa = spawn(db).await;
    // A scrape first, so that the http series exist.
    scrape(&kasa).await;
    let text = scrape(&kasa).await;
    let typed: BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split(' ').next())
        .collect();
    let described: BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# HELP "))
        .filter_map(|l| l.split(' ').next())
        .collect();
    assert!(typed.contains("kasa_http_requests_total"), "{text}");
    assert_eq!(
        typed.difference(&described).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "metrics without HELP"
    );
}
backend_tests!(help_text, every_metric_has_help_text);
