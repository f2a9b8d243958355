//! Deposit steps: a succeeded deposit credits once, a failed one moves nothing,
//! and a duplicated webhook delivery still credits once.

use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::Value;

use super::context::{RecordedDeposit, Smoke};
use super::mock_psp::Script;
use super::money::{self, create_deposit, expect_wallet, transactions, wait_deposit};

/// The step: a 25.00 EUR deposit succeeds and shows up in wallet and transactions.
pub async fn succeeded(s: &mut Smoke) -> Result<()> {
    let player = s.player()?;
    let token = player.token.as_str();
    s.psp.script(&Script::deposit("succeed")).await?;
    let created = create_deposit(s, "deposit 25.00", token, "25.00").await?;
    let done = wait_deposit(s, "deposit 25.00", token, &created.id, "succeeded").await?;
    s.expect_field("succeeded deposit", &done, "/amount", "25.00")?;
    let provider_ref = s.require_str("succeeded deposit", &done, "/provider_ref")?;

    expect_wallet(s, "wallet after deposit 25.00", token, "25.00", "0.00").await?;
    let items = transactions(s, token).await?;
    s.check_eq("transactions after deposit 25.00", items.len(), 1)?;
    let item = &items[0];
    s.expect_field("deposit transaction", item, "/kind", "deposit")?;
    s.expect_field("deposit transaction", item, "/amount", "25.00")?;
    s.expect_field("deposit transaction", item, "/available_after", "25.00")?;
    s.expect_field("deposit transaction", item, "/held_after", "0.00")?;
    s.expect_field("deposit transaction", item, "/reference_id", &created.id)?;

    s.first_deposit = Some(RecordedDeposit {
        id: created.id,
        provider_ref,
        key: created.key,
        request: created.request,
        status: created.response.status,
        response: created.response.body,
    });
    Ok(())
}

/// The step: a deposit the PSP fails ends `failed` and moves no money.
pub async fn failed(s: &mut Smoke) -> Result<()> {
    let player = s.player()?;
    let token = player.token.as_str();
    s.psp.script(&Script::deposit("fail")).await?;
    let created = create_deposit(s, "deposit 7.50", token, "7.50").await?;
    wait_deposit(s, "deposit 7.50", token, &created.id, "failed").await?;
    expect_wallet(s, "wallet after failed deposit", token, "25.00", "0.00").await?;
    let items = transactions(s, token).await?;
    s.check_eq("transactions after failed deposit", items.len(), 1)?;
    Ok(())
}

/// The step: the PSP delivers the success webhook twice; the wallet is credited once.
pub async fn duplicate_delivery(s: &mut Smoke) -> Result<()> {
    let player = s.player()?;
    let token = player.token.as_str();
    s.psp
        .script(&Script::deposit("succeed").duplicated())
        .await?;
    let created = create_deposit(s, "deposit 5.00 (duplicated webhook)", token, "5.00").await?;
    wait_deposit(s, "deposit 5.00", token, &created.id, "succeeded").await?;

    // Give the second delivery time to arrive; the balance must never pass 30.00.
    let settle = Instant::now() + Duration::from_secs(2);
    while Instant::now() < settle {
        expect_wallet(s, "wallet after duplicated webhook", token, "30.00", "0.00").await?;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let items = transactions(s, token).await?;
    let deposit_items: Vec<&Value> = items
        .iter()
        .filter(|item| item.get("kind").and_then(Value::as_str) == Some("deposit"))
        .collect();
    s.check_eq(
        "deposit transactions after duplicated webhook",
        deposit_items.len(),
        2,
    )?;
    s.check_eq("transactions after duplicated webhook", items.len(), 2)?;
    s.expect_field("newest transaction", &items[0], "/amount", "5.00")?;
    s.expect_field("newest transaction", &items[0], "/available_after", "30.00")?;
    s.check_eq("deposits listed", money::deposits(s, token).await?.len(), 3)?;
    Ok(())
}
