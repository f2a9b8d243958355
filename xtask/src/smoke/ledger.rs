//! Step "ledger": the server's own ledger verification over everything the smoke did.

use anyhow::Result;
use serde_json::{Value, json};

use super::context::Smoke;

/// The step: the admin view of the first wallet agrees with the player's, and
/// `POST /admin/ledger/verify` reports no mismatch.
pub async fn verify(s: &mut Smoke) -> Result<()> {
    let admin = s.admin_token()?;
    let player = s.player()?;
    let response = s
        .api
        .get(
            &format!("/admin/players/{}/wallet", player.id),
            Some(&admin),
        )
        .await?;
    let wallet = s.expect_status("admin view of the wallet", &response, 200)?;
    s.expect_field("admin view of the wallet", &wallet, "/available", "30.00")?;
    s.expect_field("admin view of the wallet", &wallet, "/held", "0.00")?;

    let response = s
        .api
        .post_json("/admin/ledger/verify", Some(&admin), None, &json!({}))
        .await?;
    let report = s.expect_status("ledger verify", &response, 200)?;
    s.check(report.get("ok") == Some(&Value::Bool(true)), || {
        format!("ledger verify: expected ok = true: {}", response.summary())
    })?;
    let wallets = report
        .get("wallets_checked")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    s.check(wallets >= 2, || {
        format!(
            "ledger verify: expected wallets_checked >= 2: {}",
            response.summary()
        )
    })?;
    let clean = report
        .get("mismatches")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty);
    s.check(clean, || {
        format!(
            "ledger verify: expected mismatches = []: {}",
            response.summary()
        )
    })?;
    Ok(())
}
