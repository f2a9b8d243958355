//! Step "startup": `kasa serve` refuses secrets that would let anyone sign
//! webhooks, and an in-process mock PSP nobody asked for.

use anyhow::{Context, Result};

use super::context::Smoke;

/// Settings `kasa serve` must refuse, and the variable its refusal names.
const REFUSED: [(&str, &str, &str); 3] = [
    (
        "KASA__PSP__MOCK__PREVIOUS_WEBHOOK_SECRET",
        "",
        "KASA__PSP__MOCK__PREVIOUS_WEBHOOK_SECRET",
    ),
    (
        "KASA__PSP__MOCK__WEBHOOK_SECRET",
        "short-secret",
        "KASA__PSP__MOCK__WEBHOOK_SECRET",
    ),
    (
        "KASA__IDEMPOTENCY__LEASE_S",
        "1",
        "KASA__IDEMPOTENCY__LEASE_S",
    ),
];

/// The step.
pub async fn refusals(s: &mut Smoke) -> Result<()> {
    let launcher = s
        .launcher
        .clone()
        .context("no launcher: the stack did not start")?;
    for (variable, value, named) in REFUSED {
        let (started, printed) = launcher.refused_serve(&[(variable, value)]).await?;
        s.check(!started && printed.contains(named), || {
            format!(
                "kasa serve with {variable}={value:?} was not refused naming {named}: {printed}"
            )
        })?;
    }
    // No PSP base URL and no in-process setting: refused.
    let (started, printed) = launcher
        .refused_serve(&[("KASA__PSP__MOCK__BASE_URL", "")])
        .await?;
    s.check(
        !started && printed.contains("KASA__PSP__MOCK__IN_PROCESS"),
        || format!("kasa serve without a PSP was not refused: {printed}"),
    )?;
    Ok(())
}
