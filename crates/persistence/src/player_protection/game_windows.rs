//! The loss and wager window sums of players with such a limit, from
//! per-hour totals (`player_game_hours`) plus the exact game transactions of
//! each window's first, partial hour: a window reads at most one row per
//! hour of the player's activity and one hour of their transactions,
//! however long their history, and stays exact to the instant.
//!
//! The hours are kept only for players with a loss or wager limit in force:
//! each round of game calls adds what it accepted for them
//! ([`HourDeltas`]), and setting the first such limit rebuilds the
//! player's hours of the last 30 days from `game_transactions`
//! ([`rebuild_hours`]), under the wallet's lock either way.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, DurationRound, Utc};
use games::{GameTxKind, GameTxState, MovementKind};
use ledger::{Currency, Money, PlayerId};
use protection::{LimitKind, LimitPeriod, Totals};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, OnConflict, Query, SelectStatement, UnionType,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, InsertMany, QueryFilter,
};
use uuid::Uuid;

use super::gates::checked;
use crate::entities::{game_transaction, player_game_hour};
use crate::error::StoreResult;

/// What one player's game sums are needed for: the wallet's currency and
/// the periods of the player's loss and wager limits.
pub(crate) struct GameSumsWanted {
    /// The wallet's currency (other currencies' rows are not counted).
    pub currency: Currency,
    /// The windows to sum.
    pub periods: BTreeSet<LimitPeriod>,
}

/// The first instant of `at`'s hour.
fn hour_of(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(Duration::hours(1)).unwrap_or(at)
}

/// The first whole hour at or after `at`.
fn next_hour(at: DateTime<Utc>) -> DateTime<Utc> {
    let hour = hour_of(at);
    if hour == at {
        hour
    } else {
        hour + Duration::hours(1)
    }
}

/// Bets, wins and rollbacks in minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sums {
    bets: i64,
    wins: i64,
    rollbacks: i64,
}

/// The accepted movements of a round's players with loss or wager limits,
/// by (player, currency, hour), to add to their hours.
#[derive(Debug, Default)]
pub(crate) struct HourDeltas(HashMap<(Uuid, Currency, DateTime<Utc>), Sums>);

impl HourDeltas {
    /// Counts `amount` of a `kind` movement of `player` at `at`.
    pub(crate) fn add(
        &mut self,
        player: PlayerId,
        kind: MovementKind,
        amount: Money,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let units = amount.to_minor_units()?;
        let sums = self
            .0
            .entry((player.0, amount.currency(), hour_of(at)))
            .or_default();
        let slot = match kind {
            MovementKind::Bet => &mut sums.bets,
            MovementKind::Win => &mut sums.wins,
            MovementKind::BetRollback => &mut sums.rollbacks,
        };
        *slot = slot.saturating_add(units);
        Ok(())
    }

    /// The insert-or-add of every hour touched (each once), if any.
    pub(crate) fn upsert(self) -> Option<InsertMany<player_game_hour::ActiveModel>> {
        if self.0.is_empty() {
            return None;
        }
        use player_game_hour::Column as H;
        let rows = self
            .0
            .into_iter()
            .map(|((player, currency, hour), sums)| hour_row(player, currency, hour, sums));
        let add = |column: H| {
            Expr::col((player_game_hour::Entity, column))
                .add(Expr::col((Alias::new("excluded"), column)))
        };
        let on_conflict = OnConflict::columns([H::PlayerId, H::Currency, H::Hour])
            .value(H::BetsMinor, add(H::BetsMinor))
            .value(H::WinsMinor, add(H::WinsMinor))
            .value(H::RollbacksMinor, add(H::RollbacksMinor))
            .to_owned();
        Some(player_game_hour::Entity::insert_many(rows).on_conflict(on_conflict))
    }
}

fn hour_row(
    player: Uuid,
    currency: Currency,
    hour: DateTime<Utc>,
    sums: Sums,
) -> player_game_hour::ActiveModel {
    player_game_hour::ActiveModel {
        player_id: Set(player),
        currency: Set(currency.code().to_owned()),
        hour: Set(hour),
        bets_minor: Set(sums.bets),
        wins_minor: Set(sums.wins),
        rollbacks_minor: Set(sums.rollbacks),
    }
}

/// The game transactions that moved money (or were accepted as moving
/// none): bets applied or rolled back later, wins and rollbacks applied.
fn accepted() -> Expr {
    use game_transaction::Column as G;
    let kind_is = |kind: GameTxKind| Expr::col(G::Kind).eq(kind.as_str());
    let applied = || Expr::col(G::State).eq(GameTxState::Applied.as_str());
    let bet = kind_is(GameTxKind::Bet).and(Expr::col(G::State).is_in([
        GameTxState::Applied.as_str(),
        GameTxState::RolledBack.as_str(),
    ]));
    bet.or(kind_is(GameTxKind::Win).and(applied()))
        .or(kind_is(GameTxKind::Rollback).and(applied()))
}

/// Replaces the hours of `player` with those of their accepted game
/// transactions in `currency` of the last 30 days at `now` (one read of
/// `ix_game_transactions_player_created`, one insert).
pub(crate) async fn rebuild_hours<C: ConnectionTrait>(
    conn: &C,
    player: PlayerId,
    currency: Currency,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    player_game_hour::Entity::delete_many()
        .filter(player_game_hour::Column::PlayerId.eq(player.0))
        .exec(conn)
        .await?;
    let mut select = game_transaction::Entity::find()
        .filter(game_transaction::Column::PlayerId.eq(player.0))
        .filter(game_transaction::Column::Currency.eq(currency.code()))
        .filter(accepted());
    if let Some(start) = LimitPeriod::Month.window_start(now) {
        select = select.filter(game_transaction::Column::CreatedAt.gte(hour_of(start)));
    }
    let mut hours: HashMap<DateTime<Utc>, Sums> = HashMap::new();
    for row in select.all(conn).await? {
        let sums = hours.entry(hour_of(row.created_at)).or_default();
        let slot = match GameTxKind::parse(&row.kind) {
            Ok(GameTxKind::Bet) => &mut sums.bets,
            Ok(GameTxKind::Win) => &mut sums.wins,
            Ok(GameTxKind::Rollback) | Err(_) => &mut sums.rollbacks,
        };
        *slot = slot.saturating_add(row.amount_minor);
    }
    if hours.is_empty() {
        return Ok(());
    }
    let rows = hours
        .into_iter()
        .map(|(hour, sums)| hour_row(player.0, currency, hour, sums));
    player_game_hour::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

fn column_name(what: &str, period: LimitPeriod) -> String {
    format!("{what}_{}", period.as_str())
}

/// `CAST(SUM(CASE WHEN <when> THEN <amount> ELSE 0 END) AS BIGINT)`.
fn sum_when(when: Expr, amount: Expr) -> Expr {
    let case = Expr::case(when, amount).finally(0i64);
    Func::cast_as(Func::sum(case), Alias::new("BIGINT")).into()
}

/// A window's start and its first whole hour.
type Edge = (DateTime<Utc>, DateTime<Utc>);

/// Per period, the window's start and its first whole hour at `now` (no
/// start: the window reaches back before representable time).
fn edges(periods: &BTreeSet<LimitPeriod>, now: DateTime<Utc>) -> Vec<(LimitPeriod, Option<Edge>)> {
    periods
        .iter()
        .map(|&period| {
            let edge = period.window_start(now).map(|s| (s, next_hour(s)));
            (period, edge)
        })
        .collect()
}

/// The hours' sums per player and period: hours at or after each window's
/// first whole hour.
pub(crate) fn hours_query(
    players: impl IntoIterator<Item = Uuid>,
    periods: &BTreeSet<LimitPeriod>,
    now: DateTime<Utc>,
) -> SelectStatement {
    use player_game_hour::Column as H;
    let mut select = Query::select();
    select
        .from(player_game_hour::Entity)
        .column(H::PlayerId)
        .column(H::Currency)
        .and_where(Expr::col(H::PlayerId).is_in(players))
        .group_by_col(H::PlayerId)
        .group_by_col(H::Currency);
    let edges = edges(periods, now);
    if let Some(first) = edges.iter().filter_map(|(_, e)| e.map(|(_, h)| h)).min() {
        select.and_where(Expr::col(H::Hour).gte(first));
    }
    for (period, edge) in edges {
        let from = |column: H| match edge {
            Some((_, hour)) => sum_when(Expr::col(H::Hour).gte(hour), Expr::col(column)),
            None => sum_when(Expr::value(true), Expr::col(column)),
        };
        select.expr_as(from(H::BetsMinor), Alias::new(column_name("bet", period)));
        select.expr_as(from(H::WinsMinor), Alias::new(column_name("win", period)));
        select.expr_as(
            from(H::RollbacksMinor),
            Alias::new(column_name("rollback", period)),
        );
    }
    select
}

/// The accepted game transactions of each window's first, partial hour
/// (`start <= created_at < first whole hour`), per player and period, with
/// the columns of [`hours_query`] (zero for a window starting on a whole
/// hour); `None` when every window does.
pub(crate) fn edges_query(
    players: impl IntoIterator<Item = Uuid>,
    periods: &BTreeSet<LimitPeriod>,
    now: DateTime<Utc>,
) -> Option<SelectStatement> {
    use game_transaction::Column as G;
    let mut within: Option<Expr> = None;
    let mut select = Query::select();
    select
        .from(game_transaction::Entity)
        .column(G::PlayerId)
        .column(G::Currency)
        .and_where(Expr::col(G::PlayerId).is_in(players))
        .and_where(accepted())
        .group_by_col(G::PlayerId)
        .group_by_col(G::Currency);
    for (period, edge) in edges(periods, now) {
        let edge = match edge {
            Some((start, hour)) if start < hour => {
                let edge = Expr::col(G::CreatedAt)
                    .gte(start)
                    .and(Expr::col(G::CreatedAt).lt(hour));
                within = Some(match within {
                    Some(other) => other.or(edge.clone()),
                    None => edge.clone(),
                });
                edge
            }
            _ => Expr::value(false),
        };
        for (what, kind) in [
            ("bet", GameTxKind::Bet),
            ("win", GameTxKind::Win),
            ("rollback", GameTxKind::Rollback),
        ] {
            let when = edge.clone().and(Expr::col(G::Kind).eq(kind.as_str()));
            let sum = sum_when(when, Expr::col(G::AmountMinor));
            select.expr_as(sum, Alias::new(column_name(what, period)));
        }
    }
    select.and_where(within?);
    Some(select)
}

/// Per player, the loss (bets − wins − rollbacks) and wager (bets −
/// rollbacks) totals over each wanted window at `now`: one statement for
/// all of `wanted` (the hours `UNION ALL` the partial first hours), none
/// when it is empty.
pub(crate) async fn game_totals<C: ConnectionTrait>(
    conn: &C,
    wanted: &HashMap<Uuid, GameSumsWanted>,
    now: DateTime<Utc>,
) -> StoreResult<HashMap<Uuid, Totals>> {
    let periods: BTreeSet<LimitPeriod> = wanted
        .values()
        .flat_map(|w| w.periods.iter().copied())
        .collect();
    let mut sums: HashMap<(Uuid, LimitPeriod), Sums> = HashMap::new();
    if periods.is_empty() {
        return Ok(HashMap::new());
    }
    let players = || wanted.keys().copied();
    let mut statement = hours_query(players(), &periods, now);
    if let Some(edges) = edges_query(players(), &periods, now) {
        statement.union(UnionType::All, edges);
    }
    for row in conn.query_all(&statement).await? {
        let player: Uuid = row.try_get("", "player_id")?;
        let code: String = row.try_get("", "currency")?;
        let Some(want) = wanted.get(&player) else {
            continue;
        };
        if code != want.currency.code() {
            continue;
        }
        for &period in &periods {
            let get = |what: &str| -> StoreResult<i64> {
                let units: Option<i64> = row.try_get("", &column_name(what, period))?;
                Ok(units.unwrap_or(0))
            };
            let slot = sums.entry((player, period)).or_default();
            slot.bets = slot.bets.saturating_add(get("bet")?);
            slot.wins = slot.wins.saturating_add(get("win")?);
            slot.rollbacks = slot.rollbacks.saturating_add(get("rollback")?);
        }
    }
    let mut found = HashMap::with_capacity(wanted.len());
    for (&player, want) in wanted {
        let money = |units: i64| Money::from_minor_units(units, want.currency);
        let mut totals = Totals::zero(want.currency);
        for &period in &want.periods {
            let s = sums.get(&(player, period)).copied().unwrap_or_default();
            let wager = money(s.bets).checked_sub(&money(s.rollbacks))?;
            let loss = wager.checked_sub(&money(s.wins))?;
            totals = totals
                .with(LimitKind::Wager, period, wager)
                .and_then(|t| t.with(LimitKind::Loss, period, loss))
                .map_err(checked)?;
        }
        found.insert(player, totals);
    }
    Ok(found)
}
