//! The sums the limit rules read, per rolling window: one statement per
//! check, with one conditional sum per window the player's limits need,
//! over `ix_deposits_player_created` / `ix_game_transactions_player_created`
//! (an index range scan from the longest window's start, never the whole
//! history).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use games::{GameTxKind, GameTxState};
use ledger::{Currency, Money, PlayerId};
use protection::{LimitKind, LimitPeriod, Totals};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{ConnectionTrait, Iden};
use uuid::Uuid;

use super::gates::checked;
use crate::entities::{deposit, game_transaction};
use crate::error::StoreResult;

/// `CAST(SUM(CASE WHEN created_at >= start THEN amount_minor ELSE 0 END) AS
/// BIGINT)` over `when`, or over everything when `start` is `None`.
fn windowed_sum(
    created_at: impl Iden + Copy + 'static,
    amount: impl Iden + Copy + 'static,
    start: Option<DateTime<Utc>>,
    when: Expr,
) -> Expr {
    let condition = match start {
        Some(start) => when.and(Expr::col(created_at).gte(start)),
        None => when,
    };
    let case = Expr::case(condition, Expr::col(amount)).finally(0i64);
    Func::cast_as(Func::sum(case), Alias::new("BIGINT")).into()
}

/// The earliest start among `periods`' windows at `now` (`None`: from the
/// beginning of time, or no period).
fn earliest_start(periods: &BTreeSet<LimitPeriod>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    periods
        .iter()
        .map(|period| period.window_start(now))
        .min()
        .flatten()
}

fn column_name(what: &str, period: LimitPeriod) -> String {
    format!("{what}_{}", period.as_str())
}

/// The gross amount of the player's deposits in `currency` that have not
/// failed (pending ones count), per window of `periods` at `now`, as
/// [`LimitKind::Deposit`] totals. No statement when `periods` is empty.
pub(crate) async fn deposit_totals<C: ConnectionTrait>(
    conn: &C,
    player: PlayerId,
    currency: Currency,
    periods: &BTreeSet<LimitPeriod>,
    now: DateTime<Utc>,
) -> StoreResult<Totals> {
    let mut totals = Totals::zero(currency);
    if periods.is_empty() {
        return Ok(totals);
    }
    let select = deposit_sums_query(player, currency, periods, now);
    if let Some(row) = conn.query_one(&select).await? {
        for &period in periods {
            let units: Option<i64> = row.try_get("", &column_name("deposit", period))?;
            let sum = Money::from_minor_units(units.unwrap_or(0), currency);
            totals = totals
                .with(LimitKind::Deposit, period, sum)
                .map_err(checked)?;
        }
    }
    Ok(totals)
}

/// `SELECT deposit_<period> ... FROM deposits WHERE player_id = .. AND
/// currency = .. AND status <> 'failed' AND created_at >= <earliest start>`.
fn deposit_sums_query(
    player: PlayerId,
    currency: Currency,
    periods: &BTreeSet<LimitPeriod>,
    now: DateTime<Utc>,
) -> SelectStatement {
    use deposit::Column as D;
    let mut select = Query::select();
    select
        .from(deposit::Entity)
        .and_where(Expr::col(D::PlayerId).eq(player.0))
        .and_where(Expr::col(D::Currency).eq(currency.code()))
        .and_where(Expr::col(D::Status).ne(::deposit::DepositStatus::Failed.as_str()));
    if let Some(start) = earliest_start(periods, now) {
        select.and_where(Expr::col(D::CreatedAt).gte(start));
    }
    for &period in periods {
        let start = period.window_start(now);
        let sum = windowed_sum(D::CreatedAt, D::AmountMinor, start, Expr::value(true));
        select.expr_as(sum, Alias::new(column_name("deposit", period)));
    }
    select
}

/// What one player's game sums are needed for: the wallet's currency and
/// the periods of the player's loss and wager limits.
pub(crate) struct GameSumsWanted {
    /// The wallet's currency (other currencies' rows are not counted).
    pub currency: Currency,
    /// The windows to sum.
    pub periods: BTreeSet<LimitPeriod>,
}

/// Per player, the loss (bets − wins − rollbacks) and wager (bets −
/// rollbacks) totals over each wanted window at `now`, from the game
/// transactions that moved money: bets applied (or rolled back later:
/// their rollback counts on its own), wins and rollbacks applied. One
/// statement for all of `wanted`; none when it is empty.
pub(crate) async fn game_totals<C: ConnectionTrait>(
    conn: &C,
    wanted: &HashMap<Uuid, GameSumsWanted>,
    now: DateTime<Utc>,
) -> StoreResult<HashMap<Uuid, Totals>> {
    let mut found = HashMap::with_capacity(wanted.len());
    let periods: BTreeSet<LimitPeriod> = wanted
        .values()
        .flat_map(|w| w.periods.iter().copied())
        .collect();
    if periods.is_empty() {
        return Ok(found);
    }
    let select = game_sums_query(wanted.keys().copied(), &periods, now);
    for row in conn.query_all(&select).await? {
        let player: Uuid = row.try_get("", "player_id")?;
        let code: String = row.try_get("", "currency")?;
        let Some(want) = wanted.get(&player) else {
            continue;
        };
        if code != want.currency.code() {
            continue;
        }
        let money = |units: Option<i64>| Money::from_minor_units(units.unwrap_or(0), want.currency);
        let mut totals = Totals::zero(want.currency);
        for &period in &want.periods {
            let bets = money(row.try_get("", &column_name("bet", period))?);
            let wins = money(row.try_get("", &column_name("win", period))?);
            let rollbacks = money(row.try_get("", &column_name("rollback", period))?);
            let wager = bets.checked_sub(&rollbacks)?;
            let loss = wager.checked_sub(&wins)?;
            totals = totals
                .with(LimitKind::Wager, period, wager)
                .and_then(|t| t.with(LimitKind::Loss, period, loss))
                .map_err(checked)?;
        }
        found.insert(player, totals);
    }
    Ok(found)
}

/// `SELECT player_id, currency, bet_<period>, win_<period>,
/// rollback_<period> ... GROUP BY player_id, currency`.
fn game_sums_query(
    players: impl IntoIterator<Item = Uuid>,
    periods: &BTreeSet<LimitPeriod>,
    now: DateTime<Utc>,
) -> SelectStatement {
    use game_transaction::Column as G;
    let kind_is = |kind: GameTxKind| Expr::col(G::Kind).eq(kind.as_str());
    let applied = || Expr::col(G::State).eq(GameTxState::Applied.as_str());
    let bet = kind_is(GameTxKind::Bet).and(Expr::col(G::State).is_in([
        GameTxState::Applied.as_str(),
        GameTxState::RolledBack.as_str(),
    ]));
    let win = kind_is(GameTxKind::Win).and(applied());
    let rollback = kind_is(GameTxKind::Rollback).and(applied());
    let mut select = Query::select();
    select
        .from(game_transaction::Entity)
        .column(G::PlayerId)
        .column(G::Currency)
        .and_where(Expr::col(G::PlayerId).is_in(players))
        .and_where(bet.clone().or(win.clone()).or(rollback.clone()))
        .group_by_col(G::PlayerId)
        .group_by_col(G::Currency);
    if let Some(start) = earliest_start(periods, now) {
        select.and_where(Expr::col(G::CreatedAt).gte(start));
    }
    for &period in periods {
        let start = period.window_start(now);
        for (what, when) in [("bet", &bet), ("win", &win), ("rollback", &rollback)] {
            let sum = windowed_sum(G::CreatedAt, G::AmountMinor, start, when.clone());
            select.expr_as(sum, Alias::new(column_name(what, period)));
        }
    }
    select
}

#[cfg(test)]
mod explain_tests;
