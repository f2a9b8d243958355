//! Step "audit": the audit hash chains verify after everything the smoke did.

use anyhow::Result;
use serde_json::Value;

use super::context::Smoke;

/// The step.
pub async fn verify(s: &mut Smoke) -> Result<()> {
    let admin = s.admin_token()?;
    let response = s
        .api
        .get("/admin/audit-events/verify", Some(&admin))
        .await?;
    let report = s.expect_status("audit verify", &response, 200)?;
    s.check(report.get("ok") == Some(&Value::Bool(true)), || {
        format!("audit verify: {}", response.summary())
    })?;
    let count = report.get("count").and_then(Value::as_u64).unwrap_or(0);
    s.check(count >= 10, || format!("audit verify: only {count} events"))?;
    Ok(())
}
