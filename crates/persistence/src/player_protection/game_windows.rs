//! The loss and wager window sums of players with such a limit, from
//! per-hour totals (`player_game_hours`) plus the exact game transactions of
//! each window's first, partial hour: a window reads at most one row per
//! hour of the player's activity and one hour of their transactions,
//! however long their history, and stays exact to the instant. The sums are
//! correlated subqueries of the read of the players' limits, so a round
//! with bets pays no statement more for them.
//!
//! The hours are kept only for players with a loss or wager limit in force:
//! each round of game calls adds what it accepted for them
//! ([`HourDeltas`]), and setting the first such limit rebuilds the
//! player's hours of the last 30 days from `game_transactions`
//! ([`rebuild_hours`]), under the wallet's lock either way.

use std::collections::HashMap;

use chrono::{DateTime, Duration, DurationRound, Utc};
use games::{GameTxKind, GameTxState, MovementKind};
use ledger::{Currency, Money, PlayerId};
use protection::{LimitKind, LimitPeriod, PlayerLimits, Totals};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, OnConflict, Query, SelectStatement};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, InsertMany,
    QueryFilter,
};
use uuid::Uuid;

use super::gates::checked;
use crate::entities::{game_transaction, player_game_hour, player_limit};
use crate::error::StoreResult;

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

/// `CASE player_limits.period WHEN 'day' THEN <day> WHEN 'week' THEN <week>
/// ELSE <month> END`: a per-row value by the limit row's period.
pub(crate) fn by_period(value: impl Fn(LimitPeriod) -> DateTime<Utc>) -> Expr {
    let period = || Expr::col((player_limit::Entity, player_limit::Column::Period));
    Expr::case(
        period().eq(LimitPeriod::Day.as_str()),
        Expr::value(value(LimitPeriod::Day)),
    )
    .case(
        period().eq(LimitPeriod::Week.as_str()),
        Expr::value(value(LimitPeriod::Week)),
    )
    .finally(Expr::value(value(LimitPeriod::Month)))
    .into()
}

/// The window's start of `period` at `now` (the earliest instant when the
/// window reaches back before representable time).
pub(crate) fn start_of(period: LimitPeriod, now: DateTime<Utc>) -> DateTime<Utc> {
    period.window_start(now).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// `(SELECT CAST(SUM(<amount>) AS BIGINT) FROM <select>)` as an expression.
fn scalar(mut select: SelectStatement, amount: Expr) -> Expr {
    select.expr(Func::cast_as(Func::sum(amount), Alias::new("BIGINT")));
    Expr::SubQuery(None, Box::new(select.into()))
}

/// The six sums of a loss or wager limit row's window at `now`, as
/// correlated subqueries of a `player_limits` select: the hours from the
/// window's first whole hour (`h_bets`, `h_wins`, `h_rollbacks`), and the
/// accepted game transactions of its first, partial hour (`e_bets`,
/// `e_wins`, `e_rollbacks`). `NULL` for deposit limit rows.
pub(crate) fn game_window_sums(now: DateTime<Utc>) -> Vec<(&'static str, Expr)> {
    use game_transaction::Column as G;
    use player_game_hour::Column as H;
    let outer = |column: player_limit::Column| Expr::col((player_limit::Entity, column));
    let is_game = outer(player_limit::Column::Kind)
        .is_in([LimitKind::Loss.as_str(), LimitKind::Wager.as_str()]);
    let first_hour = || by_period(|period| next_hour(start_of(period, now)));
    let hours = || {
        let mut select = Query::select();
        select
            .from(player_game_hour::Entity)
            .and_where(
                Expr::col((player_game_hour::Entity, H::PlayerId))
                    .equals((player_limit::Entity, player_limit::Column::PlayerId)),
            )
            .and_where(
                Expr::col((player_game_hour::Entity, H::Currency))
                    .equals((player_limit::Entity, player_limit::Column::Currency)),
            )
            .and_where(Expr::col((player_game_hour::Entity, H::Hour)).gte(first_hour()));
        select
    };
    let edge = |kind: GameTxKind| {
        let mut select = Query::select();
        select
            .from(game_transaction::Entity)
            .and_where(
                Expr::col((game_transaction::Entity, G::PlayerId))
                    .equals((player_limit::Entity, player_limit::Column::PlayerId)),
            )
            .and_where(
                Expr::col((game_transaction::Entity, G::Currency))
                    .equals((player_limit::Entity, player_limit::Column::Currency)),
            )
            .and_where(accepted())
            .and_where(Expr::col((game_transaction::Entity, G::Kind)).eq(kind.as_str()))
            .and_where(
                Expr::col((game_transaction::Entity, G::CreatedAt))
                    .gte(by_period(|period| start_of(period, now))),
            )
            .and_where(Expr::col((game_transaction::Entity, G::CreatedAt)).lt(first_hour()));
        select
    };
    let only_games = |sum: Expr| -> Expr {
        Expr::case(is_game.clone(), sum)
            .finally(Expr::value(Option::<i64>::None))
            .into()
    };
    vec![
        (
            "h_bets",
            only_games(scalar(hours(), Expr::col(H::BetsMinor))),
        ),
        (
            "h_wins",
            only_games(scalar(hours(), Expr::col(H::WinsMinor))),
        ),
        (
            "h_rollbacks",
            only_games(scalar(hours(), Expr::col(H::RollbacksMinor))),
        ),
        (
            "e_bets",
            only_games(scalar(edge(GameTxKind::Bet), Expr::col(G::AmountMinor))),
        ),
        (
            "e_wins",
            only_games(scalar(edge(GameTxKind::Win), Expr::col(G::AmountMinor))),
        ),
        (
            "e_rollbacks",
            only_games(scalar(
                edge(GameTxKind::Rollback),
                Expr::col(G::AmountMinor),
            )),
        ),
    ]
}

/// The `player_limits` rows of `players` with [`game_window_sums`] at `now`.
pub(crate) fn limits_with_sums_query(
    players: impl IntoIterator<Item = Uuid>,
    now: DateTime<Utc>,
) -> SelectStatement {
    let mut select = Query::select();
    select.from(player_limit::Entity).and_where(
        Expr::col((player_limit::Entity, player_limit::Column::PlayerId)).is_in(players),
    );
    crate::joined::select_prefixed::<player_limit::Entity>(&mut select, "");
    for (name, sum) in game_window_sums(now) {
        select.expr_as(sum, Alias::new(name));
    }
    select
}

/// The stored limits of `players` by player (each in its rows' currency),
/// and, for players with a loss or wager limit, the loss (bets − wins −
/// rollbacks) and wager (bets − rollbacks) totals at `now` over the
/// windows of those limits: one statement for all of them.
pub(crate) async fn limits_with_game_totals<C: ConnectionTrait>(
    conn: &C,
    players: impl IntoIterator<Item = Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<(HashMap<Uuid, PlayerLimits>, HashMap<Uuid, Totals>)> {
    let select = limits_with_sums_query(players, now);
    let mut rows: HashMap<Uuid, Vec<player_limit::Model>> = HashMap::new();
    let mut sums: HashMap<(Uuid, LimitPeriod), Sums> = HashMap::new();
    for found in conn.query_all(&select).await? {
        let row = player_limit::Model::from_query_result(&found, "")?;
        let get = |name: &str| -> StoreResult<Option<i64>> { Ok(found.try_get("", name)?) };
        if let (Some(hb), Some(hw), Some(hr)) =
            (get("h_bets")?, get("h_wins")?, get("h_rollbacks")?)
            && let Ok(period) = LimitPeriod::parse(&row.period)
        {
            let edge = |name: &str| -> StoreResult<i64> { Ok(get(name)?.unwrap_or(0)) };
            let window = Sums {
                bets: hb.saturating_add(edge("e_bets")?),
                wins: hw.saturating_add(edge("e_wins")?),
                rollbacks: hr.saturating_add(edge("e_rollbacks")?),
            };
            sums.insert((row.player_id, period), window);
        }
        rows.entry(row.player_id).or_default().push(row);
    }
    let mut limits = HashMap::with_capacity(rows.len());
    let mut totals = HashMap::new();
    for (player, rows) in rows {
        let Some(first) = rows.first() else {
            continue;
        };
        let currency = Currency::parse(&first.currency)?;
        let money = |units: i64| Money::from_minor_units(units, currency);
        let mut found = Totals::zero(currency);
        let mut any = false;
        for period in LimitPeriod::ALL {
            let Some(s) = sums.get(&(player, period)) else {
                continue;
            };
            let wager = money(s.bets).checked_sub(&money(s.rollbacks))?;
            let loss = wager.checked_sub(&money(s.wins))?;
            found = found
                .with(LimitKind::Wager, period, wager)
                .and_then(|t| t.with(LimitKind::Loss, period, loss))
                .map_err(checked)?;
            any = true;
        }
        if any {
            totals.insert(player, found);
        }
        limits.insert(player, crate::mapping::player_limits(currency, &rows)?);
    }
    Ok((limits, totals))
}
