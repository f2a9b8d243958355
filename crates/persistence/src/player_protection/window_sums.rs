//! The deposit sums the limit and KYC rules read, per rolling window: one
//! statement per check, with one conditional sum per window the rules need,
//! over `ix_deposits_player_created` (an index range scan from the longest
//! window's start, never the whole history). Loss and wager sums:
//! `game_windows`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use ledger::{Currency, Money, PlayerId};
use protection::{LimitKind, LimitPeriod, Totals};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{ConnectionTrait, Iden};

use super::game_windows::{by_period, start_of};
use super::gates::checked;
use crate::entities::{deposit, player_limit};
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

/// For a deposit limit row of a `player_limits` select, the gross amount of
/// the player's deposits in the row's currency that have not failed, over
/// the row's window at `now` (a correlated subquery, an index range scan of
/// `ix_deposits_player_created`); `NULL` for loss and wager rows.
pub(crate) fn deposit_window_sum(now: DateTime<Utc>) -> Expr {
    use deposit::Column as D;
    let mut select = Query::select();
    select
        .from(deposit::Entity)
        .expr(Func::cast_as(
            Func::sum(Expr::col((deposit::Entity, D::AmountMinor))),
            Alias::new("BIGINT"),
        ))
        .and_where(
            Expr::col((deposit::Entity, D::PlayerId))
                .equals((player_limit::Entity, player_limit::Column::PlayerId)),
        )
        .and_where(
            Expr::col((deposit::Entity, D::Currency))
                .equals((player_limit::Entity, player_limit::Column::Currency)),
        )
        .and_where(
            Expr::col((deposit::Entity, D::Status)).ne(::deposit::DepositStatus::Failed.as_str()),
        )
        .and_where(Expr::col((deposit::Entity, D::CreatedAt)).gte(by_period(|p| start_of(p, now))));
    let is_deposit = Expr::col((player_limit::Entity, player_limit::Column::Kind))
        .eq(LimitKind::Deposit.as_str());
    Expr::case(is_deposit, Expr::SubQuery(None, Box::new(select.into())))
        .finally(Expr::value(Option::<i64>::None))
        .into()
}

#[cfg(test)]
mod explain_tests;
