//! Step "idempotency": the first deposit's request replayed byte for byte, the same key
//! with another body, and no key at all.

use anyhow::Result;

use super::context::Smoke;
use super::money::{deposit_body, deposits, expect_wallet};

/// The step.
pub async fn replay(s: &mut Smoke) -> Result<()> {
    let player = s.player()?;
    let token = player.token.as_str();
    let first = s.first_deposit()?;
    let before = deposits(s, token).await?.len();

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
    s.check_eq("replayed deposit: status", response.status, first.status)?;
    s.check(response.body == first.response, || {
        format!(
            "replayed deposit: body differs from the original {:?}: {}",
            String::from_utf8_lossy(&first.response),
            response.summary()
        )
    })?;
    s.check(
        response
            .header("idempotent-replayed")
            .is_some_and(|v| v.eq_ignore_ascii_case("true")),
        || {
            format!(
                "replayed deposit: expected header Idempotent-Replayed: true, got {:?}",
                response.header("idempotent-replayed")
            )
        },
    )?;
    s.check_eq(
        "deposits after the replay",
        deposits(s, token).await?.len(),
        before,
    )?;

    let response = s
        .api
        .post_json(
            "/me/deposits",
            Some(token),
            Some(&first.key),
            &deposit_body("26.00"),
        )
        .await?;
    s.expect_problem(
        "same key, different body",
        &response,
        422,
        "idempotency_key_reused",
    )?;

    let response = s
        .api
        .post_json("/me/deposits", Some(token), None, &deposit_body("1.00"))
        .await?;
    s.expect_problem(
        "deposit without a key",
        &response,
        400,
        "idempotency_key_missing",
    )?;

    s.check_eq(
        "deposits after key misuse",
        deposits(s, token).await?.len(),
        before,
    )?;
    expect_wallet(s, "wallet after idempotent replay", token, "30.00", "0.00").await?;
    Ok(())
}
