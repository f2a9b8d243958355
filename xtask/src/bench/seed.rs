//! Seeding through the public API: a tenant, players with tokens, pending deposits,
//! and funded wallets. Nothing here is measured.

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use futures::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};

use super::Shape;
use super::load::Outcome;
use super::stack::Stack;
use super::webhook::Webhooks;
use crate::smoke::client::Client;
use crate::smoke::{random_hex, random_password};

/// Concurrent registrations and logins (each hashes a password with argon2, so a
/// few at a time keep the server's memory flat).
const ACCOUNT_CONCURRENCY: usize = 2;
/// Concurrent requests while creating deposits.
const DEPOSIT_CONCURRENCY: usize = 32;

/// A player the load uses.
#[derive(Debug, Clone)]
pub struct Player {
    /// Kasa's id of the player.
    pub id: String,
    /// Bearer token.
    pub token: String,
}

/// The seeded tenant and its players.
#[derive(Debug)]
pub struct Population {
    /// Players of the spread scenarios (the first one is also the hot wallet).
    pub players: Arc<Vec<Player>>,
    /// The tenant's slug.
    pub tenant: String,
    /// The API client used for seeding.
    pub api: Client,
}

/// A deposit waiting for its PSP webhook.
#[derive(Debug, Clone)]
pub struct PendingDeposit {
    /// Kasa's deposit id (the webhook's `reference`).
    pub id: String,
    /// The PSP's reference.
    pub provider_ref: String,
    /// Amount as a decimal string.
    pub amount: String,
}

/// `POST path` with a JSON body through the smoke's client; fails unless the status is
/// `expect`, and returns the body as JSON.
pub async fn post(
    api: &Client,
    path: &str,
    token: Option<&str>,
    key: Option<&str>,
    body: &Value,
    expect: u16,
) -> Result<Value> {
    let response = api.post_json(path, token, key, body).await?;
    if response.status != expect {
        bail!("expected {expect}: {}", response.summary());
    }
    response.json()
}

/// Logs in as the bootstrap admin, creates a tenant and `shape.players` players.
pub async fn population(stack: &Stack, shape: Shape) -> Result<Population> {
    println!("bench: seeding a tenant and {} players", shape.players);
    let api = Client::new(&stack.api_base)?;
    let admin = admin_token(&api, stack).await?;
    let tenant = format!("bench-{}", random_hex(8));
    post(
        &api,
        "/admin/tenants",
        Some(&admin),
        None,
        &json!({"slug": tenant, "name": "Bench tenant"}),
        201,
    )
    .await?;

    let players: Vec<Player> = stream::iter(0..shape.players)
        .map(|n| register(&api, &tenant, n))
        .buffer_unordered(ACCOUNT_CONCURRENCY)
        .try_collect()
        .await?;
    let population = Population {
        players: Arc::new(players),
        tenant,
        api,
    };
    fund(&population, &Webhooks::new(stack)).await?;
    Ok(population)
}

/// A fresh access token of the stack's bootstrap admin (a platform admin).
pub async fn admin_token(api: &Client, stack: &Stack) -> Result<String> {
    let login = post(
        api,
        "/auth/admin/login",
        None,
        None,
        &json!({"email": stack.admin_email, "password": stack.admin_password}),
        200,
    )
    .await?;
    text(&login, "/access_token")
}

/// Registers player `n` of `tenant` and logs them in.
async fn register(api: &Client, tenant: &str, n: usize) -> Result<Player> {
    let email = format!("player-{n}-{}@bench.kasa.test", random_hex(6));
    let password = random_password();
    let registered = post(
        api,
        "/auth/player/register",
        None,
        None,
        &json!({"tenant": tenant, "email": email, "password": password, "currency": "EUR"}),
        201,
    )
    .await?;
    let login = post(
        api,
        "/auth/player/login",
        None,
        None,
        &json!({"tenant": tenant, "email": email, "password": password}),
        200,
    )
    .await?;
    Ok(Player {
        id: text(&registered, "/player_id")?,
        token: text(&login, "/access_token")?,
    })
}

/// Gives every player 10,000.00 EUR through a deposit and its webhook.
async fn fund(population: &Population, webhooks: &Webhooks) -> Result<()> {
    let owners: Vec<usize> = (0..population.players.len()).collect();
    let deposits = pending_deposits(population, &owners, "10000.00").await?;
    let http = reqwest::Client::new();
    stream::iter(deposits)
        .map(|deposit| {
            let http = &http;
            async move {
                match webhooks.succeed(http, &deposit).await {
                    Outcome::Ok => Ok(()),
                    Outcome::Failed(error) => bail!("funding deposit {}: {error}", deposit.id),
                    Outcome::Exhausted => Ok(()),
                }
            }
        })
        .buffer_unordered(DEPOSIT_CONCURRENCY)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(())
}

/// Creates one pending deposit of `amount` for each entry of `owners` (player indexes).
pub async fn pending_deposits(
    population: &Population,
    owners: &[usize],
    amount: &str,
) -> Result<Vec<PendingDeposit>> {
    stream::iter(owners.iter().copied())
        .map(|owner| async move {
            let player = population.players.get(owner).context("no such player")?;
            let created = post(
                &population.api,
                "/me/deposits",
                Some(&player.token),
                Some(&format!("bench-{}", uuid::Uuid::new_v4())),
                &json!({"amount": amount, "currency": "EUR"}),
                201,
            )
            .await?;
            let id = text(&created, "/id")?;
            // A PSP answer lost on the way leaves the deposit pending without
            // the PSP's reference; the webhook then brings one.
            let provider_ref =
                text(&created, "/provider_ref").unwrap_or_else(|_| format!("bench-{id}"));
            Ok::<_, anyhow::Error>(PendingDeposit {
                id,
                provider_ref,
                amount: amount.to_owned(),
            })
        })
        .buffer_unordered(DEPOSIT_CONCURRENCY)
        .try_collect()
        .await
}

/// The string at JSON pointer `pointer`.
pub fn text(body: &Value, pointer: &str) -> Result<String> {
    body.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("no {pointer} in {body}"))
}
