//! A PSP report with a line Kasa cannot read: the run still succeeds, records
//! the line as an `unreadable` finding and reconciles the rest (SQLite and
//! PostgreSQL, PSP reached over real HTTP).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fake_psp::FakePsp;
use common::runs::*;
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::{TestDb, backend_tests};

async fn a_malformed_report_line_is_a_finding(db: &TestDb) {
    let fake = FakePsp::start().await;
    let mut s = settings(db);
    s.psp.mock.base_url = Some(fake.base.clone());
    let kasa = spawn_with(s).await;
    let (_, token, admin) = kasa.tenant_with_player("acme").await;
    let deposit = kasa
        .post_keyed(
            "/me/deposits",
            &token,
            "dep-1",
            json!({"amount": "5.00", "currency": "EUR"}),
        )
        .await;
    assert_eq!(deposit.status, StatusCode::CREATED, "{:?}", deposit.json());
    let deposit_id = deposit.json()["id"].as_str().unwrap().to_owned();
    let now = chrono::Utc::now().to_rfc3339();
    let psp_only = uuid::Uuid::now_v7().to_string();
    let no_amount = json!({"type": "deposit", "reference": "dep_no_amount", "id": "psp_x1",
        "currency": "EUR", "status": "succeeded", "updated_at": now});
    let bad_amount = json!({"type": "payout", "reference": "po_bad_amount", "id": "psp_x2",
        "amount": "12,5", "currency": "EUR", "status": "succeeded", "updated_at": now});
    fake.serve_report(vec![
        json!({"type": "deposit", "reference": deposit_id, "id": format!("psp_{deposit_id}"),
            "amount": "5.00", "currency": "EUR", "status": "pending", "updated_at": now}),
        no_amount.clone(),
        json!({"type": "payout", "reference": psp_only, "id": "psp_x3",
            "amount": "1.00", "currency": "EUR", "status": "pending", "updated_at": now}),
        bad_amount.clone(),
    ]);
    let run_id = kasa
        .post_keyed("/admin/reconciliation-runs", &admin, "run-1", window())
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let run = run_until_done(&kasa, &admin, &run_id).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(run["stats"]["matched"], 1, "{run}");
    assert_eq!(run["stats"]["missing_in_kasa"], 1, "{run}");
    assert_eq!(run["stats"]["missing_in_psp"], 0, "{run}");
    let findings = run["findings"].as_array().unwrap();
    let unreadable: Vec<&Value> = findings
        .iter()
        .filter(|f| f["kind"] == "unreadable")
        .collect();
    assert_eq!(unreadable.len(), 2, "{run}");
    for raw in [&no_amount, &bad_amount] {
        let finding = unreadable
            .iter()
            .find(|f| f["reference"] == raw["reference"])
            .unwrap_or_else(|| panic!("no finding for {raw}: {run}"));
        assert_eq!(finding["reference_type"], raw["type"], "{finding}");
        let detail = finding["detail"].as_str().unwrap();
        assert!(detail.contains(&raw.to_string()), "raw item kept: {detail}");
    }
    let matched = findings.iter().find(|f| f["kind"] == "matched").unwrap();
    assert_eq!(matched["reference"], deposit_id.as_str());
}
backend_tests!(unreadable_line, a_malformed_report_line_is_a_finding);
