//! Rows to domain records, one function per record type and nowhere else.
//! A stored value that does not parse (a bug or a manual edit) becomes
//! [`StoreError::Corrupt`] naming its table and column, never a guess.

mod accounts;
mod deposits;
mod job;
mod limits;
mod player_protection;
mod reconciliation;
mod wallet;
pub(crate) mod withdrawals;

use ledger::{Currency, Money};

use crate::error::{StoreError, StoreResult};

pub(crate) use accounts::{admin_user, player, tenant};
pub(crate) use deposits::deposit;
pub(crate) use job::leased_job;
pub(crate) use limits::{player_limit_rows, player_limits};
pub(crate) use player_protection::{exclusion, exclusion_rule, tenant_policy, tenant_policy_row};
pub(crate) use reconciliation::{finding, run};
pub(crate) use wallet::{anomaly, transaction, wallet};

/// `Corrupt` for `column` (`table.column`) holding `raw`.
fn corrupt(column: &'static str, raw: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{column}: unreadable value {raw}"))
}

/// A stored ISO 4217 code.
fn currency(column: &'static str, raw: &str) -> StoreResult<Currency> {
    Currency::parse(raw).map_err(|_| corrupt(column, format_args!("{raw:?}")))
}

/// Stored minor units of `currency`.
fn money(minor: i64, currency: Currency) -> Money {
    Money::from_minor_units(minor, currency)
}

#[cfg(test)]
mod tests;
