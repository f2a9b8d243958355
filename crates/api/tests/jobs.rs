//! The job queue, runners and reconciliation runs, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::runs::*;
use common::*;
use persistence::entities::{job, reconciliation_finding};
use psp::mock::{Operation, Script};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use testkit::{TestDb, backend_tests};
use tokio_util::sync::CancellationToken;

async fn a_run_finds_what_only_the_psp_has(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, admin) = kasa.funded_player("acme", "100.00").await;
    let id = kasa.withdraw(&token, "10.00").await;
    kasa.act(&admin, &id, "approve", json!({})).await;
    kasa.act(&admin, &id, "payouts", json!({})).await;
    kasa.withdrawal_in_state(&token, &id, "paid").await;
    let extra = injected_payout();
    kasa.mock().inject_report_item(extra.clone());
    let body = window();
    let created = kasa
        .post_keyed("/admin/reconciliation-runs", &admin, "run-1", body.clone())
        .await;
    assert_eq!(created.status, StatusCode::ACCEPTED, "{:?}", created.json());
    assert_eq!(created.json()["status"], "queued");
    let again = kasa
        .post_keyed("/admin/reconciliation-runs", &admin, "run-1", body)
        .await;
    assert_eq!(again.bytes, created.bytes);
    let first_body = created.json();
    assert_eq!(again.json()["id"], first_body["id"], "same key, same run");
    let run_id = first_body["id"].as_str().unwrap().to_owned();
    let run = run_until_done(&kasa, &admin, &run_id).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    let stats = &run["stats"];
    // The payout agrees. The funding deposit was credited by a hand-made
    // webhook while the mock PSP still has it pending: a status mismatch. The
    // PSP-only payout is missing in Kasa, and it also makes the PSP's settled
    // total differ from Kasa's clearing account.
    assert_eq!(stats["matched"], 1, "{run}");
    assert_eq!(stats["mismatched"], 1, "{run}");
    assert_eq!(stats["missing_in_psp"], 0, "{run}");
    assert_eq!(stats["missing_in_kasa"], 1, "{run}");
    assert_eq!(stats["wallet_mismatches"], 0);
    assert_eq!(stats["clearing_mismatches"], 1);
    let findings = run["findings"].as_array().unwrap();
    let psp_only: Vec<_> = findings
        .iter()
        .filter(|f| f["kind"] == "missing_in_kasa")
        .collect();
    assert_eq!(psp_only[0]["reference"], extra.reference.as_str());
    assert_eq!(psp_only[0]["psp_amount_minor"], 1234);
    let list = kasa.get("/admin/reconciliation-runs", &admin).await.json();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "one run despite two requests"
    );
    let bad = kasa.post_keyed("/admin/reconciliation-runs", &admin, "run-2", json!({"provider": "mock", "from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z"})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let metrics = kasa
        .http
        .get(format!("{}/metrics", kasa.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("kasa_jobs_queued"), "{metrics}");
    assert!(metrics.contains("kasa_jobs_oldest_queued_age_seconds"));
}
backend_tests!(reconciliation, a_run_finds_what_only_the_psp_has);

async fn reconciliation_jobs(kasa: &Kasa) -> Vec<job::Model> {
    job::Entity::find()
        .filter(job::Column::Kind.eq("reconciliation_run"))
        .all(kasa.state.db.conn())
        .await
        .unwrap()
}

async fn two_workers_run_fifty_jobs_once_each(db: &TestDb) {
    let kasa = worker_kasa(db).await;
    let admin = kasa.admin_token().await;
    for i in 0..50 {
        let a = kasa
            .post_keyed(
                "/admin/reconciliation-runs",
                &admin,
                &format!("k{i}"),
                window(),
            )
            .await;
        assert_eq!(a.status, StatusCode::ACCEPTED);
    }
    let stop = CancellationToken::new();
    let runners: Vec<_> = ["w1", "w2"]
        .into_iter()
        .map(|w| {
            tokio::spawn(worker::run(
                context(&kasa, w, Duration::from_secs(30)),
                stop.clone(),
            ))
        })
        .collect();
    for _ in 0..600 {
        if reconciliation_jobs(&kasa)
            .await
            .iter()
            .all(|j| j.status == "succeeded")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.cancel();
    for r in runners {
        r.await.unwrap();
    }
    let jobs = reconciliation_jobs(&kasa).await;
    assert_eq!(jobs.len(), 50);
    assert!(
        jobs.iter()
            .all(|j| j.status == "succeeded" && j.attempts == 1),
        "each job ran exactly once"
    );
    let runs = kasa
        .get("/admin/reconciliation-runs?limit=200", &admin)
        .await
        .json();
    assert!(
        runs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "succeeded")
    );
}
backend_tests!(fifty_jobs, two_workers_run_fifty_jobs_once_each);

/// Queues a reconciliation run over [`window`]; returns its id.
async fn queue_run(kasa: &Kasa, admin: &str) -> String {
    kasa.post_keyed("/admin/reconciliation-runs", admin, "r", window())
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn a_dead_workers_job_is_finished_by_another_once(db: &TestDb) {
    let kasa = worker_kasa(db).await;
    let admin = kasa.admin_token().await;
    kasa.mock().inject_report_item(injected_payout());
    let run_id = queue_run(&kasa, &admin).await;
    // A worker claims the job with a 1 s lease and dies without a word.
    let dead = kasa
        .state
        .db
        .claim_job("dead-worker", Duration::from_secs(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dead.job.kind, "reconciliation_run");
    assert!(
        kasa.state
            .db
            .claim_job("other", Duration::from_secs(30))
            .await
            .unwrap()
            .is_none_or(|j| j.job.kind != "reconciliation_run")
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let stop = CancellationToken::new();
    let runner = tokio::spawn(worker::run(
        context(&kasa, "survivor", Duration::from_secs(30)),
        stop.clone(),
    ));
    let run = run_until_done(&kasa, &admin, &run_id).await;
    stop.cancel();
    runner.await.unwrap();
    assert_eq!(run["status"], "succeeded");
    assert_eq!(run["stats"]["missing_in_kasa"], 1);
    assert_eq!(run["stats"]["clearing_mismatches"], 1);
    let job = kasa.state.db.job(dead.job.id).await.unwrap().unwrap();
    assert_eq!(
        (job.status.as_str(), job.attempts, job.locked_by),
        ("succeeded", 2, None)
    );
    // The dead worker wakes up: it no longer holds the lease and changes nothing.
    let txn = sea_orm::TransactionTrait::begin(kasa.state.db.conn())
        .await
        .unwrap();
    assert!(kasa.state.db.complete_job(&txn, &dead).await.is_err());
    drop(txn);
    let findings = reconciliation_finding::Entity::find()
        .filter(reconciliation_finding::Column::RunId.eq(uuid::Uuid::parse_str(&run_id).unwrap()))
        .count(kasa.state.db.conn())
        .await
        .unwrap();
    assert_eq!(
        findings, 2,
        "one missing_in_kasa and one clearing_mismatch: not doubled"
    );
}
backend_tests!(dead_worker, a_dead_workers_job_is_finished_by_another_once);

async fn stuck_payouts_are_rechecked_on_schedule(db: &TestDb) {
    let mut s = settings(db);
    s.jobs.recheck_interval_s = 1;
    s.jobs.recheck_age_s = 0;
    s.jobs.poll_interval_ms = 50;
    let kasa = spawn_with(s).await;
    let (_, token, admin) = kasa.funded_player("acme", "20.00").await;
    let id = kasa.withdraw(&token, "20.00").await;
    kasa.act(&admin, &id, "approve", json!({})).await;
    kasa.mock()
        .push_script(Operation::Payout, Script::timeout());
    let started = kasa.act(&admin, &id, "payouts", json!({})).await.json();
    assert_eq!(started["attempts"][0]["status"], "unknown");
    // Nobody calls recheck: the scheduled job asks the PSP and settles it.
    let paid = kasa.withdrawal_in_state(&token, &id, "paid").await;
    assert_eq!(paid["attempts"][0]["status"], "succeeded");
    assert_eq!(kasa.wallet(&token).await, ("0.00".into(), "0.00".into()));
    assert_eq!(
        kasa.movement_kinds(&token).await,
        ["deposit", "withdrawal_hold", "withdrawal_paid"]
    );
}
backend_tests!(scheduled_recheck, stuck_payouts_are_rechecked_on_schedule);

/// The lone reconciliation job of `kasa`, leased to `worker` for `lease`.
async fn claim_run(kasa: &Kasa, worker: &str, lease: Duration) -> persistence::jobs::ClaimedJob {
    let claimed = kasa
        .state
        .db
        .claim_job(worker, lease)
        .await
        .unwrap()
        .expect("a job is due");
    assert_eq!(claimed.job.kind, "reconciliation_run");
    claimed
}

async fn a_worker_that_lost_its_lease_changes_nothing(db: &TestDb) {
    let kasa = worker_kasa(db).await;
    let admin = kasa.admin_token().await;
    kasa.mock().inject_report_item(injected_payout());
    let run_id = queue_run(&kasa, &admin).await;
    let run_status = || async {
        kasa.get(&format!("/admin/reconciliation-runs/{run_id}"), &admin)
            .await
            .json()["status"]
            .clone()
    };
    // A runner stalls past its lease; restarted under the same name, it claims
    // the job again.
    let stale = claim_run(&kasa, "w1", Duration::from_secs(1)).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let fresh = claim_run(&kasa, "w1", Duration::from_secs(30)).await;
    assert_eq!(fresh.job.id, stale.job.id);
    assert!(matches!(
        kasa.state
            .db
            .heartbeat_job(&stale, Duration::from_secs(30))
            .await,
        Err(persistence::StoreError::LeaseLost)
    ));
    let ctx = context(&kasa, "w1", Duration::from_secs(30));
    // The stalled one resumes: it neither starts nor finishes the run.
    worker::execute(&ctx, stale.clone()).await;
    assert_eq!(run_status().await, "queued");
    worker::execute(&ctx, fresh).await;
    assert_eq!(run_status().await, "succeeded");
    // Nor does it set the finished run back to running.
    worker::execute(&ctx, stale.clone()).await;
    let run = run_until_done(&kasa, &admin, &run_id).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(run["findings"].as_array().unwrap().len(), 2, "{run}");
    let job = kasa.state.db.job(stale.job.id).await.unwrap().unwrap();
    assert_eq!((job.status.as_str(), job.attempts), ("succeeded", 2));
}
backend_tests!(stale_worker, a_worker_that_lost_its_lease_changes_nothing);

async fn a_heartbeat_that_finds_the_lease_lost_stops_the_job(db: &TestDb) {
    let fake = fake_psp::FakePsp::start().await;
    fake.delay_report(Duration::from_secs(20));
    let mut s = settings(db);
    s.jobs.runner = "worker".into();
    s.psp.mock.base_url = Some(fake.base.clone());
    s.psp.mock.timeout_ms = 30_000;
    let kasa = spawn_with(s).await;
    let admin = kasa.admin_token().await;
    kasa.post_keyed("/admin/reconciliation-runs", &admin, "r", window())
        .await;
    let ctx = context(&kasa, "w1", Duration::from_secs(1));
    let claimed = claim_run(&kasa, "w1", Duration::from_secs(1)).await;
    let job_id = claimed.job.id;
    let running = tokio::spawn(async move { worker::execute(&ctx, claimed).await });
    // While the job waits for the (slow) report, another worker takes it over.
    tokio::time::sleep(Duration::from_millis(200)).await;
    job::Entity::update_many()
        .col_expr(job::Column::LockedBy, sea_orm::sea_query::Expr::value("w2"))
        .filter(job::Column::Id.eq(job_id))
        .exec(kasa.state.db.conn())
        .await
        .unwrap();
    // The next heartbeat (a third of the lease) finds the lease lost and stops
    // the job instead of letting it wait out the PSP.
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .expect("the job stops once its lease is lost")
        .unwrap();
    let job = kasa.state.db.job(job_id).await.unwrap().unwrap();
    assert_eq!(
        (job.status.as_str(), job.locked_by.as_deref()),
        ("running", Some("w2"))
    );
}
backend_tests!(
    lost_lease,
    a_heartbeat_that_finds_the_lease_lost_stops_the_job
);
