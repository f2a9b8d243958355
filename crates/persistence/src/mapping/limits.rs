//! `player_limits` rows to the `protection` crate's [`PlayerLimits`]
//! (checked again on every read) and back.

use chrono::{DateTime, Utc};
use ledger::{Currency, Money};
use protection::{Limit, LimitKind, LimitPeriod, PendingChange, PlayerLimits};
use uuid::Uuid;

use super::corrupt;
use crate::entities::player_limit as limit_row;
use crate::error::StoreResult;

/// The limits of one player's `rows`, in the wallet's `currency`.
pub(crate) fn player_limits<'a>(
    currency: Currency,
    rows: impl IntoIterator<Item = &'a limit_row::Model>,
) -> StoreResult<PlayerLimits> {
    let mut limits = PlayerLimits::new(currency);
    for row in rows {
        let kind = LimitKind::parse(&row.kind)
            .map_err(|_| corrupt("player_limits.kind", format_args!("{:?}", row.kind)))?;
        let period = LimitPeriod::parse(&row.period)
            .map_err(|_| corrupt("player_limits.period", format_args!("{:?}", row.period)))?;
        if row.currency != currency.code() {
            return Err(corrupt("player_limits.currency", &row.currency));
        }
        let money = |units: i64| Money::from_minor_units(units, currency);
        if let Some(units) = row.amount_minor {
            let limit = Limit {
                kind,
                period,
                amount: money(units),
            };
            limits = limits
                .with_limit(limit)
                .map_err(|e| corrupt("player_limits.amount_minor", e))?;
        }
        if let Some(effective_at) = row.pending_effective_at {
            let change = PendingChange {
                kind,
                period,
                amount: row.pending_amount_minor.map(money),
                effective_at,
            };
            limits = limits
                .with_pending(change)
                .map_err(|e| corrupt("player_limits.pending_amount_minor", e))?;
        }
    }
    Ok(limits)
}

/// The rows that store `limits` of `player` (one per limit or pending
/// change), written at `now`.
pub(crate) fn player_limit_rows(
    tenant: Uuid,
    player: Uuid,
    limits: &PlayerLimits,
    now: DateTime<Utc>,
) -> StoreResult<Vec<limit_row::Model>> {
    let mut rows = Vec::new();
    for kind in LimitKind::ALL {
        for period in LimitPeriod::ALL {
            let amount = limits.limit(kind, period);
            let pending = limits.pending_change(kind, period);
            if amount.is_none() && pending.is_none() {
                continue;
            }
            rows.push(limit_row::Model {
                tenant_id: tenant,
                player_id: player,
                kind: kind.as_str().to_owned(),
                period: period.as_str().to_owned(),
                currency: limits.currency().code().to_owned(),
                amount_minor: amount.map(|m| m.to_minor_units()).transpose()?,
                pending_amount_minor: pending
                    .and_then(|p| p.amount)
                    .map(|m| m.to_minor_units())
                    .transpose()?,
                pending_effective_at: pending.map(|p| p.effective_at),
                updated_at: now,
            });
        }
    }
    Ok(rows)
}
