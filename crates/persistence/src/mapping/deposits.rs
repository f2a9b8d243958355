//! Deposit rows as [`Deposit`].

use deposit::{Deposit, DepositStatus};
use ledger::{DepositId, Money, PlayerId, TenantId};

use super::{corrupt, currency};
use crate::entities::deposit as row;
use crate::error::StoreResult;

/// A deposit row as the domain's deposit.
pub(crate) fn deposit(row: row::Model) -> StoreResult<Deposit> {
    let status = DepositStatus::parse(&row.status)
        .ok_or_else(|| corrupt("deposits.status", format_args!("{:?}", row.status)))?;
    let currency = currency("deposits.currency", &row.currency)?;
    Ok(Deposit {
        id: DepositId(row.id),
        tenant: TenantId(row.tenant_id),
        player: PlayerId(row.player_id),
        amount: Money::from_minor_units(row.amount_minor, currency),
        status,
        provider: row.provider,
        provider_ref: row.provider_ref,
        failure_code: row.failure_code,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
