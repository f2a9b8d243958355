//! Helpers for job and reconciliation-run tests.

use std::sync::Arc;
use std::time::Duration;

use kasa_api::server::runner_settings;
use psp::{ReportItem, ReportStatus, TransactionType};
use serde_json::{Value, json};
use testkit::TestDb;
use worker::JobContext;

use super::{Kasa, settings, spawn_with};

/// A run body covering the last and the next hour.
pub fn window() -> Value {
    let now = chrono::Utc::now();
    json!({"provider": "mock", "from": (now - chrono::Duration::hours(1)).to_rfc3339(), "to": (now + chrono::Duration::hours(1)).to_rfc3339()})
}

/// Polls a run (with up to 200 findings) until it succeeded or failed.
pub async fn run_until_done(kasa: &Kasa, admin: &str, id: &str) -> Value {
    for _ in 0..400 {
        let run = kasa
            .get(&format!("/admin/reconciliation-runs/{id}?limit=200"), admin)
            .await
            .json();
        if run["status"] == "succeeded" || run["status"] == "failed" {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("run {id} never finished");
}

/// A succeeded payout only the PSP knows of.
pub fn injected_payout() -> ReportItem {
    ReportItem {
        r#type: TransactionType::Payout,
        reference: uuid::Uuid::now_v7().to_string(),
        id: "po_psp_only".into(),
        amount: "12.34".into(),
        currency: "EUR".into(),
        status: ReportStatus::Succeeded,
        updated_at: chrono::Utc::now(),
    }
}

/// What a runner called `worker` with `lease` needs, on `kasa`'s database and PSP.
pub fn context(kasa: &Kasa, worker: &str, lease: Duration) -> Arc<JobContext> {
    let settings = settings_for_runner(lease);
    Arc::new(JobContext {
        db: kasa.state.db.clone(),
        psp: Arc::clone(&kasa.state.psp),
        settings: runner_settings(&settings, worker.to_owned()),
    })
}

/// Settings of a test runner: fast polls, `lease`, no scheduled recheck.
pub fn settings_for_runner(lease: Duration) -> kasa_api::settings::Settings {
    let mut s = kasa_api::settings::Settings::load(None).unwrap();
    s.jobs.poll_interval_ms = 20;
    s.jobs.lease_s = lease.as_secs();
    s.jobs.recheck_interval_s = 3600;
    s
}

/// A server that runs no jobs itself (`runner = worker`).
pub async fn worker_kasa(db: &TestDb) -> Kasa {
    let mut s = settings(db);
    s.jobs.runner = "worker".into();
    spawn_with(s).await
}
