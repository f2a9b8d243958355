//! Steps "withdrawals", "release", "reversal" and "crash": money leaving the
//! casino, with every PSP failure mode, and a SIGKILL in the middle of a payout.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::accounts::new_player;
use super::client::{Response, new_key};
use super::context::{Player, Smoke, str_at};
use super::mock_psp::Script;
use super::money::{create_deposit, expect_wallet, transactions, wait_deposit};

/// How long a withdrawal may take to reach a state.
const WITHDRAWAL_TIMEOUT: Duration = Duration::from_secs(20);

/// A new player of the first tenant holding `amount` EUR (deposited through the PSP).
pub async fn funded_player(s: &Smoke, amount: &str) -> Result<Player> {
    let tenant = s.player()?.tenant;
    let player = new_player(s, &tenant).await?;
    let deposit = create_deposit(s, "fund player", &player.token, amount).await?;
    wait_deposit(s, "fund player", &player.token, &deposit.id, "succeeded").await?;
    Ok(player)
}

/// `POST /me/withdrawals` for `amount` EUR; returns the withdrawal id.
pub async fn withdraw(s: &Smoke, token: &str, amount: &str) -> Result<String> {
    let body = json!({"amount": amount, "currency": "EUR", "destination": {"type": "bank_account", "account": "DE89370400440532013000"}});
    let response = s
        .api
        .post_json("/me/withdrawals", Some(token), Some(&new_key()), &body)
        .await?;
    let created = s.expect_status("request withdrawal", &response, 201)?;
    s.expect_field("request withdrawal", &created, "/state", "requested")?;
    s.expect_field("request withdrawal", &created, "/amount", amount)?;
    s.require_str("request withdrawal", &created, "/id")
}

/// An admin action on a withdrawal with a fresh key.
pub async fn act(s: &Smoke, id: &str, action: &str, body: Value) -> Result<Response> {
    let admin = s.admin_token()?;
    s.api
        .post_json(
            &format!("/admin/withdrawals/{id}/{action}"),
            Some(&admin),
            Some(&new_key()),
            &body,
        )
        .await
}

/// Polls the player's view of a withdrawal until it is in `state`.
pub async fn wait_state(s: &Smoke, token: &str, id: &str, state: &str) -> Result<Value> {
    let deadline = Instant::now() + WITHDRAWAL_TIMEOUT;
    loop {
        let response = s
            .api
            .get(&format!("/me/withdrawals/{id}"), Some(token))
            .await?;
        let body = response.json()?;
        if str_at(&body, "/state") == Some(state) {
            s.check(true, String::new)?;
            return Ok(body);
        }
        if Instant::now() >= deadline {
            bail!("withdrawal {id} never reached {state}: {body}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The player's ledger movement kinds, oldest first.
pub async fn kinds(s: &Smoke, token: &str) -> Result<Vec<String>> {
    let items = transactions(s, token).await?;
    Ok(items
        .iter()
        .rev()
        .filter_map(|t| str_at(t, "/kind").map(str::to_owned))
        .collect())
}

fn attempts(body: &Value) -> Vec<Value> {
    body.get("attempts")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The step: withdraw → approve → declined → retry → failed by webhook →
/// retry → PSP times out (unknown) → no blind retry → recheck → paid.
pub async fn payout_path(s: &mut Smoke) -> Result<()> {
    let p = funded_player(s, "100.00").await?;
    let id = withdraw(s, &p.token, "60.00").await?;
    expect_wallet(s, "after the hold", &p.token, "40.00", "60.00").await?;
    let approved = act(s, &id, "approve", json!({})).await?;
    s.expect_field(
        "approve",
        &s.expect_status("approve", &approved, 200)?,
        "/state",
        "approved",
    )?;

    s.psp.script(&Script::payout("decline")).await?;
    let declined = s.expect_status(
        "declined payout",
        &act(s, &id, "payouts", json!({})).await?,
        202,
    )?;
    s.expect_field("declined payout", &declined, "/state", "payout_failed")?;
    s.expect_field("declined payout", &declined, "/attempts/0/status", "failed")?;
    expect_wallet(
        s,
        "held untouched after a decline",
        &p.token,
        "40.00",
        "60.00",
    )
    .await?;

    s.psp.script(&Script::payout("fail")).await?;
    s.expect_status(
        "retry payout",
        &act(s, &id, "payouts", json!({})).await?,
        202,
    )?;
    let failed = wait_state(s, &p.token, &id, "payout_failed").await?;
    s.check_eq(
        "attempts after a webhook failure",
        attempts(&failed).len(),
        2,
    )?;
    expect_wallet(
        s,
        "held untouched after a failure",
        &p.token,
        "40.00",
        "60.00",
    )
    .await?;

    s.psp.script(&Script::payout("timeout")).await?;
    let unknown = s.expect_status(
        "payout timing out",
        &act(s, &id, "payouts", json!({})).await?,
        202,
    )?;
    s.expect_field("payout timing out", &unknown, "/state", "payout_pending")?;
    s.expect_field(
        "payout timing out",
        &unknown,
        "/attempts/0/status",
        "unknown",
    )?;
    s.expect_problem(
        "no blind retry",
        &act(s, &id, "payouts", json!({})).await?,
        409,
        "invalid_state_transition",
    )?;
    s.check_eq(
        "failures move no money",
        kinds(s, &p.token).await?,
        vec!["deposit".to_owned(), "withdrawal_hold".to_owned()],
    )?;

    let rechecked = s.expect_status("recheck", &act(s, &id, "recheck", json!({})).await?, 200)?;
    s.expect_field("recheck", &rechecked, "/state", "paid")?;
    s.expect_field("recheck", &rechecked, "/attempts/0/status", "succeeded")?;
    expect_wallet(s, "after the payout", &p.token, "40.00", "0.00").await?;
    let movements = kinds(s, &p.token).await?;
    s.check_eq(
        "paid exactly once",
        movements,
        ["deposit", "withdrawal_hold", "withdrawal_paid"]
            .map(str::to_owned)
            .to_vec(),
    )?;
    let snapshot = s.psp.snapshot().await?;
    let calls: u64 = attempts(&rechecked)
        .iter()
        .filter_map(|a| str_at(a, "/id"))
        .filter_map(|a| {
            snapshot
                .pointer(&format!("/payout_calls/{a}"))
                .and_then(Value::as_u64)
        })
        .sum();
    s.check_eq("one PSP call per attempt", calls, 3)?;
    Ok(())
}

/// The step: reject and cancel both release the hold.
pub async fn release(s: &mut Smoke) -> Result<()> {
    let p = funded_player(s, "10.00").await?;
    let rejected = withdraw(s, &p.token, "5.00").await?;
    s.expect_problem(
        "reject without a reason",
        &act(s, &rejected, "reject", json!({})).await?,
        422,
        "validation_failed",
    )?;
    let body = s.expect_status(
        "reject",
        &act(s, &rejected, "reject", json!({"reason": "smoke"})).await?,
        200,
    )?;
    s.expect_field("reject", &body, "/state", "rejected")?;
    let cancelled = withdraw(s, &p.token, "5.00").await?;
    let path = format!("/me/withdrawals/{cancelled}/cancel");
    let body = s.expect_status(
        "cancel",
        &s.api
            .post_json(&path, Some(&p.token), Some(&new_key()), &json!({}))
            .await?,
        200,
    )?;
    s.expect_field("cancel", &body, "/state", "cancelled")?;
    let again = s
        .api
        .post_json(&path, Some(&p.token), Some(&new_key()), &json!({}))
        .await?;
    s.expect_problem("second cancel", &again, 409, "invalid_state_transition")?;
    expect_wallet(s, "after reject and cancel", &p.token, "10.00", "0.00").await?;
    Ok(())
}

/// The step: a paid payout that the PSP returns credits the player back once.
pub async fn reversal(s: &mut Smoke) -> Result<()> {
    let p = funded_player(s, "30.00").await?;
    let id = withdraw(s, &p.token, "10.00").await?;
    s.expect_status("approve", &act(s, &id, "approve", json!({})).await?, 200)?;
    let started = s.expect_status("payout", &act(s, &id, "payouts", json!({})).await?, 202)?;
    let attempt = s.require_str("payout", &started, "/attempts/0/id")?;
    wait_state(s, &p.token, &id, "paid").await?;
    expect_wallet(s, "after the payout", &p.token, "20.00", "0.00").await?;
    s.psp.reverse(&attempt).await?;
    wait_state(s, &p.token, &id, "reversed").await?;
    expect_wallet(s, "after the reversal", &p.token, "30.00", "0.00").await?;
    let movements = kinds(s, &p.token).await?;
    s.check_eq(
        "reversal credited once",
        movements.last().map(String::as_str),
        Some("payout_reversal"),
    )?;
    Ok(())
}

/// The step: SIGKILL `kasa serve` while it waits on the PSP during a payout,
/// restart it, and find nothing lost and nothing doubled.
pub async fn crash(s: &mut Smoke) -> Result<()> {
    let p = funded_player(s, "7.00").await?;
    let id = withdraw(s, &p.token, "7.00").await?;
    s.expect_status("approve", &act(s, &id, "approve", json!({})).await?, 200)?;
    s.psp.script(&Script::payout("timeout")).await?;
    let admin = s.admin_token()?;
    let api = s.api.clone();
    let path = format!("/admin/withdrawals/{id}/payouts");
    let in_flight = tokio::spawn(async move {
        api.post_json(&path, Some(&admin), Some(&new_key()), &json!({}))
            .await
    });
    // The payout request now waits on the hanging PSP, after its first commit.
    tokio::time::sleep(Duration::from_millis(400)).await;
    s.kasa.as_mut().context("no kasa process")?.kill_hard()?;
    let _ = in_flight.await; // its connection was cut: expected
    s.kasa = None;
    s.kasa = Some(s.launcher()?.serve("kasa-restarted", &[]).await?);
    let after = s.expect_status(
        "withdrawal after the crash",
        &s.api
            .get(&format!("/me/withdrawals/{id}"), Some(&p.token))
            .await?,
        200,
    )?;
    s.expect_field("nothing lost", &after, "/state", "payout_pending")?;
    s.expect_field("nothing lost", &after, "/attempts/0/status", "pending")?;
    s.check_eq("one attempt", attempts(&after).len(), 1)?;
    let rechecked = s.expect_status(
        "recheck after the crash",
        &act(s, &id, "recheck", json!({})).await?,
        200,
    )?;
    s.expect_field("recheck after the crash", &rechecked, "/state", "paid")?;
    expect_wallet(s, "after the crash", &p.token, "0.00", "0.00").await?;
    let movements = kinds(s, &p.token).await?;
    s.check_eq(
        "nothing doubled",
        movements,
        ["deposit", "withdrawal_hold", "withdrawal_paid"]
            .map(str::to_owned)
            .to_vec(),
    )?;
    Ok(())
}
