//! Step "validation": amounts and currencies the contract forbids, and malformed JSON.

use anyhow::Result;
use serde_json::{Value, json};

use super::client::new_key;
use super::context::Smoke;
use super::money::{deposits, expect_wallet};

/// Deposit bodies that must each be refused with `422 validation_failed`.
fn invalid_deposits() -> Vec<(&'static str, Value)> {
    vec![
        (
            "amount as a JSON number",
            json!({"amount": 10.5, "currency": "EUR"}),
        ),
        ("zero amount", json!({"amount": "0", "currency": "EUR"})),
        (
            "negative amount",
            json!({"amount": "-1", "currency": "EUR"}),
        ),
        (
            "three fraction digits in EUR",
            json!({"amount": "1.234", "currency": "EUR"}),
        ),
        (
            "exponent notation",
            json!({"amount": "1e3", "currency": "EUR"}),
        ),
        (
            "unknown currency",
            json!({"amount": "1.00", "currency": "XXX"}),
        ),
    ]
}

/// The step.
pub async fn rejects_bad_input(s: &mut Smoke) -> Result<()> {
    let player = s.player()?;
    let token = player.token.as_str();
    let before = deposits(s, token).await?.len();

    for (label, body) in invalid_deposits() {
        let key = new_key();
        let response = s
            .api
            .post_json("/me/deposits", Some(token), Some(&key), &body)
            .await?;
        s.expect_problem(
            &format!("deposit with {label}"),
            &response,
            422,
            "validation_failed",
        )?;
    }

    let key = new_key();
    let response = s
        .api
        .post_bytes(
            "/me/deposits",
            Some(token),
            Some(&key),
            br#"{"amount": "1.00", "currency": "#.to_vec(),
            &[],
        )
        .await?;
    s.expect_problem(
        "deposit with malformed JSON",
        &response,
        400,
        "validation_failed",
    )?;

    s.check_eq(
        "deposits after invalid requests",
        deposits(s, token).await?.len(),
        before,
    )?;
    expect_wallet(s, "wallet after invalid requests", token, "30.00", "0.00").await?;
    Ok(())
}
