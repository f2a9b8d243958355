//! The player-protection hook of the game wallet: the one place that says
//! whether a player may place a bet now. Wins and rollbacks never ask it.

use games::{GameMessage, PlayerGate};
use ledger::PlayerId;
use sea_orm::DatabaseTransaction;

use crate::error::StoreResult;
use crate::records::TenantId;

/// Whether `player` may place the bet `message` now, read in the call's
/// transaction (under the wallet lock, so limits see every earlier bet).
///
/// Timeouts, self-exclusion (`PlayerGate::Blocked`) and loss or wager
/// limits (`PlayerGate::LimitReached`) are player-protection rules that Kasa
/// does not record yet; until they exist every player may bet, and this is
/// where their checks go.
pub(crate) async fn bet_gate(
    _txn: &DatabaseTransaction,
    _tenant: TenantId,
    _player: PlayerId,
    _message: &GameMessage,
) -> StoreResult<PlayerGate> {
    Ok(PlayerGate::Allowed)
}
