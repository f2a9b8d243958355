//! Step "isolation": a player of another tenant sees none of the first player's money,
//! and reusing the first player's idempotency key is a new request for them.

use anyhow::Result;

use super::accounts::{create_tenant, new_player};
use super::context::Smoke;
use super::mock_psp::Script;
use super::money::{deposits, expect_wallet, wait_deposit};

/// The step.
pub async fn cross_tenant(s: &mut Smoke) -> Result<()> {
    let admin = s.admin_token()?;
    let first = s.first_deposit()?;
    let tenant = create_tenant(s, &admin).await?;
    let other = new_player(s, &tenant).await?;
    let token = other.token.as_str();

    let response = s
        .api
        .get(&format!("/me/deposits/{}", first.id), Some(token))
        .await?;
    s.expect_problem("another tenant's deposit", &response, 404, "not_found")?;
    s.check_eq(
        "other tenant's deposits",
        deposits(s, token).await?.len(),
        0,
    )?;

    // Idempotency keys are scoped to the principal: the same key and body is a new deposit.
    s.psp.script(&Script::deposit("succeed")).await?;
    let response = s
        .api
        .post_bytes(
            "/me/deposits",
            Some(token),
            Some(&first.key),
            first.request.clone(),
            &[],
        )
        .await?;
    let body = s.expect_status("other player reusing a key", &response, 201)?;
    s.check(response.header("idempotent-replayed").is_none(), || {
        format!(
            "other player reusing a key: got a replay of someone else's request: {}",
            response.summary()
        )
    })?;
    let id = s.require_str("other player reusing a key", &body, "/id")?;
    s.check(id != first.id, || {
        format!("other player reusing a key: got the first player's deposit {id}")
    })?;
    wait_deposit(s, "other player's deposit", token, &id, "succeeded").await?;
    expect_wallet(s, "other player's wallet", token, "25.00", "0.00").await?;

    let player = s.player()?;
    expect_wallet(s, "first player's wallet", &player.token, "30.00", "0.00").await?;
    Ok(())
}
