//! The player-protection hook of the game wallet: the one place that says
//! whether a player may place a bet now. Wins and rollbacks never ask it.

use chrono::Utc;
use games::{GameMessage, PlayerGate};
use ledger::PlayerId;
use sea_orm::DatabaseTransaction;

use crate::error::StoreResult;
use crate::player_protection::exclusions_not_ended;
use crate::records::TenantId;

/// Whether `player` may place the bet `message` now, read in the call's
/// transaction (under the wallet lock, so limits see every earlier bet).
///
/// An active timeout or self-exclusion is `PlayerGate::Blocked` (one
/// indexed read of the player's exclusions that have not ended; the rules
/// decide which blocks). Loss and wager limits (`PlayerGate::LimitReached`)
/// are not recorded yet; their check goes here.
pub(crate) async fn bet_gate(
    txn: &DatabaseTransaction,
    _tenant: TenantId,
    player: PlayerId,
    message: &GameMessage,
) -> StoreResult<PlayerGate> {
    if !matches!(message, GameMessage::Bet { .. }) {
        return Ok(PlayerGate::Allowed);
    }
    let now = Utc::now();
    let exclusions = exclusions_not_ended(txn, player, now).await?;
    Ok(match ::protection::blocked(&exclusions, now) {
        Some(_) => PlayerGate::Blocked,
        None => PlayerGate::Allowed,
    })
}
