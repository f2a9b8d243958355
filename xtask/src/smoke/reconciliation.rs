//! Steps "reconciliation (inline)" and "reconciliation (worker)": a run finds
//! a payout only the PSP knows, once run inside `kasa serve`, once by a
//! separate `kasa worker` process.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::client::new_key;
use super::context::{Smoke, str_at};

/// How long a run may take.
const RUN_TIMEOUT: Duration = Duration::from_secs(30);

fn window() -> Value {
    let now = chrono_like_now();
    json!({"provider": "mock", "from": format_unix(now - 3600), "to": format_unix(now + 3600)})
}

fn chrono_like_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// RFC 3339 UTC for a unix time (days-from-civil, no extra dependency).
fn format_unix(t: i64) -> String {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Injects a PSP-only payout, creates a run and checks it lands in `missing_in_kasa`.
async fn run_finds_psp_only_payout(s: &Smoke, what: &str) -> Result<()> {
    let reference = uuid::Uuid::now_v7().to_string();
    let item = json!({"type": "payout", "reference": reference, "id": format!("po_{}", &reference[..8]), "amount": "12.34", "currency": "EUR", "status": "succeeded", "updated_at": format_unix(chrono_like_now())});
    s.psp.inject_report_item(&item).await?;
    let admin = s.admin_token()?;
    let key = new_key();
    let body = window();
    let created = s
        .api
        .post_json(
            "/admin/reconciliation-runs",
            Some(&admin),
            Some(&key),
            &body,
        )
        .await?;
    let run = s.expect_status(what, &created, 202)?;
    s.expect_field(what, &run, "/status", "queued")?;
    let id = s.require_str(what, &run, "/id")?;
    let again = s
        .api
        .post_json(
            "/admin/reconciliation-runs",
            Some(&admin),
            Some(&key),
            &body,
        )
        .await?;
    s.check_eq("same key, same run", again.body, created.body)?;
    let deadline = Instant::now() + RUN_TIMEOUT;
    let done = loop {
        let response = s
            .api
            .get(
                &format!("/admin/reconciliation-runs/{id}?limit=200"),
                Some(&admin),
            )
            .await?;
        let body = response.json()?;
        match str_at(&body, "/status") {
            Some("succeeded") => break body,
            Some("failed") => bail!("{what}: the run failed: {body}"),
            _ if Instant::now() >= deadline => bail!("{what}: the run did not finish: {body}"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    };
    let findings = done
        .get("findings")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let found = findings.iter().any(|f| {
        str_at(f, "/kind") == Some("missing_in_kasa")
            && str_at(f, "/reference") == Some(reference.as_str())
    });
    s.check(found, || {
        format!("{what}: the PSP-only payout {reference} is not in missing_in_kasa: {done}")
    })?;
    Ok(())
}

/// The step with the inline runner of `kasa serve`.
pub async fn inline(s: &mut Smoke) -> Result<()> {
    run_finds_psp_only_payout(s, "reconciliation run (inline)").await
}

/// The step with `KASA__JOBS__RUNNER=worker` and a separate `kasa worker`.
pub async fn worker(s: &mut Smoke) -> Result<()> {
    let launcher = s.launcher()?;
    if let Some(mut kasa) = s.kasa.take() {
        kasa.kill_hard()?;
    }
    s.kasa = Some(
        launcher
            .serve("kasa-worker-mode", &[("KASA__JOBS__RUNNER", "worker")])
            .await?,
    );
    s.workers.push(launcher.worker("kasa-worker").await?);
    run_finds_psp_only_payout(s, "reconciliation run (kasa worker)").await
}
