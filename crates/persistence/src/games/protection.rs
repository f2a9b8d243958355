//! The player-protection hook of the game wallet: the one place that says
//! whether a player may place a bet now. Wins and rollbacks never ask it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use games::{GameMessage, PlayerGate};
use ledger::PlayerId;
use protection::Exclusion;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use crate::error::StoreResult;
use crate::player_protection::exclusions_not_ended_of;

/// What the bets of a round need to know of their players, read once per
/// round in its transaction (under the wallet locks, so it holds for the
/// whole round): the exclusions that have not ended, by player.
#[derive(Default)]
pub(crate) struct RoundProtection {
    exclusions: HashMap<Uuid, Vec<Exclusion>>,
}

impl RoundProtection {
    /// Reads what `players` need (one statement), unless the round has no bet.
    pub(crate) async fn read(
        txn: &DatabaseTransaction,
        players: impl IntoIterator<Item = Uuid>,
        any_bet: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Self> {
        if !any_bet {
            return Ok(Self::default());
        }
        Ok(Self {
            exclusions: exclusions_not_ended_of(txn, players, now).await?,
        })
    }

    /// Whether `player` may place the bet `message` at `now`: an active
    /// timeout or self-exclusion is `PlayerGate::Blocked` (the rules decide
    /// which blocks). Loss and wager limits (`PlayerGate::LimitReached`) are
    /// not recorded yet; their check goes here.
    pub(crate) fn bet_gate(
        &self,
        player: PlayerId,
        message: &GameMessage,
        now: DateTime<Utc>,
    ) -> PlayerGate {
        if !matches!(message, GameMessage::Bet { .. }) {
            return PlayerGate::Allowed;
        }
        let exclusions = self
            .exclusions
            .get(&player.0)
            .map_or(&[][..], Vec::as_slice);
        match ::protection::blocked(exclusions, now) {
            Some(_) => PlayerGate::Blocked,
            None => PlayerGate::Allowed,
        }
    }
}
