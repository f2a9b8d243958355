//! Step "game wallet": a game provider registered for the smoke's tenant, and the
//! real `mock-games` binary playing every scripted answer (`--script all`) as the
//! smoke's player; the wallet and the ledger must agree with what it saw.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::accounts::{admin_login, player_login};
use super::context::{Player, Smoke, str_at};
use super::mock_psp::Script;
use super::money::{create_deposit, transactions, wait_deposit};
use super::random_hex;

/// The simulator's binary (and package) name.
pub const BINARY: &str = "mock-games";

/// What the player deposits before playing: more than the script can lose.
const DEPOSIT: &str = "20.00";

/// Normal rounds `mock-games` plays before the contract's edge cases.
const ROUNDS: &str = "5";

/// How long the whole `mock-games` run may take.
const PLAY_TIMEOUT: Duration = Duration::from_secs(120);

/// The step.
pub async fn play_all(s: &mut Smoke) -> Result<()> {
    // Fresh tokens: the accounts step's admin token may have expired by now.
    let admin = admin_login(s, &s.admin_email, &s.admin_password).await?;
    let player = s.player()?;
    let token = player_login(s, &player.tenant, &player.email, &player.password).await?;

    let slug = format!("smoke-games-{}", random_hex(8));
    let secret = register_provider(s, &admin, &player.tenant, &slug).await?;

    s.psp.script(&Script::deposit("succeed")).await?;
    let deposit = create_deposit(s, "deposit before playing", &token, DEPOSIT).await?;
    wait_deposit(
        s,
        "deposit before playing",
        &token,
        &deposit.id,
        "succeeded",
    )
    .await?;

    let printed = run_mock_games(s, &player.tenant, &slug, &secret, &player).await?;
    for (what, value) in [
        ("the provider secret", &secret),
        ("the player's password", &player.password),
    ] {
        s.check(!printed.contains(value.as_str()), || {
            format!("mock-games printed {what}")
        })?;
    }
    let summary = printed.lines().last().unwrap_or_default();
    let Some((balance, currency)) = mock_games::report::summary_balance(summary) else {
        bail!("mock-games' last line is not its summary: {summary:?}");
    };
    println!("xtask: {summary}");

    let response = s.api.get("/me/wallet", Some(&token)).await?;
    let wallet = s.expect_status("wallet after mock-games", &response, 200)?;
    s.expect_field("wallet after mock-games", &wallet, "/available", balance)?;
    s.expect_field("wallet after mock-games", &wallet, "/currency", currency)?;

    let kinds: Vec<String> = transactions(s, &token)
        .await?
        .iter()
        .filter_map(|item| str_at(item, "/kind").map(str::to_owned))
        .collect();
    for kind in ["bet", "win", "bet_rollback"] {
        s.check(kinds.iter().any(|k| k == kind), || {
            format!("GET /me/transactions after mock-games has no `{kind}` movement: {kinds:?}")
        })?;
    }

    verify_ledger(s, &admin).await
}

/// `POST /admin/game-providers` for `tenant`, checked; returns the signing secret.
/// The provider list then names it without any secret.
async fn register_provider(s: &Smoke, admin: &str, tenant: &str, slug: &str) -> Result<String> {
    let body = json!({"slug": slug, "name": format!("Smoke games {slug}"), "tenant": tenant});
    let response = s
        .api
        .post_json("/admin/game-providers", Some(admin), None, &body)
        .await?;
    let created = s.expect_status("register a game provider", &response, 201)?;
    s.expect_field("register a game provider", &created, "/slug", slug)?;
    s.expect_field("register a game provider", &created, "/tenant", tenant)?;
    let secret = s.require_str("register a game provider", &created, "/secret")?;

    let response = s
        .api
        .get("/admin/game-providers?limit=200", Some(admin))
        .await?;
    let page = s.expect_status("list game providers", &response, 200)?;
    let items = s.require_items("list game providers", &page)?;
    let listed = items
        .iter()
        .find(|item| str_at(item, "/slug") == Some(slug));
    s.check(listed.is_some(), || {
        format!(
            "list game providers: {slug} missing: {}",
            response.summary()
        )
    })?;
    let text = String::from_utf8_lossy(&response.body);
    s.check(!text.contains(&secret), || {
        "list game providers: the answer shows the signing secret".to_owned()
    })?;
    Ok(secret)
}

/// Runs `mock-games play … --script all`, requires exit 0, and returns what it
/// printed on stdout. Secret and password travel in the environment, not argv.
async fn run_mock_games(
    s: &Smoke,
    tenant: &str,
    provider: &str,
    secret: &str,
    player: &Player,
) -> Result<String> {
    let binary = s.mock_games()?;
    let kasa_url = s.api.base().to_owned();
    let mut command = tokio::process::Command::new(&binary);
    command
        .args(["play", "--kasa-url", &kasa_url, "--tenant", tenant])
        .args(["--provider", provider, "--player-email", &player.email])
        .args(["--script", "all", "--rounds", ROUNDS])
        .env("MOCK_GAMES_SECRET", secret)
        .env("MOCK_GAMES_PLAYER_PASSWORD", &player.password)
        .kill_on_drop(true);
    println!(
        "xtask: {} play --kasa-url {kasa_url} --tenant {tenant} --provider {provider} --player-email {} --script all --rounds {ROUNDS}",
        binary.display(),
        player.email
    );
    let output = match tokio::time::timeout(PLAY_TIMEOUT, command.output()).await {
        Ok(output) => output.with_context(|| format!("running {}", binary.display()))?,
        Err(_) => bail!("mock-games did not finish within {PLAY_TIMEOUT:?}"),
    };
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let log = s.launcher()?.work().join("mock-games.log");
    std::fs::write(&log, format!("{stdout}{stderr}"))
        .with_context(|| format!("writing {}", log.display()))?;
    println!(
        "xtask: mock-games exited with {}, log {}",
        output.status,
        log.display()
    );
    s.check(output.status.success(), || {
        format!(
            "mock-games exited with {}:\n{stdout}{stderr}",
            output.status
        )
    })?;
    Ok(stdout)
}

/// `POST /admin/ledger/verify`: ok, no mismatch, game movements included.
async fn verify_ledger(s: &Smoke, admin: &str) -> Result<()> {
    let response = s
        .api
        .post_json("/admin/ledger/verify", Some(admin), None, &json!({}))
        .await?;
    let report = s.expect_status("ledger verify after mock-games", &response, 200)?;
    s.check(report.get("ok") == Some(&Value::Bool(true)), || {
        format!("ledger verify after mock-games: {}", response.summary())
    })?;
    let clean = report
        .get("mismatches")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty);
    s.check(clean, || {
        format!(
            "ledger verify after mock-games: expected mismatches = []: {}",
            response.summary()
        )
    })
}
