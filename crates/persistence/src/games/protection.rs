//! The player-protection hook of the game wallet: the one place that says
//! whether a player may place a bet now. Wins and rollbacks never ask it,
//! but the round keeps them in its players' loss and wager totals.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use games::{GameMessage, Movement, MovementKind, PlayerGate};
use ledger::PlayerId;
use protection::{Exclusion, LimitCheck, LimitKind, LimitPeriod, PlayerLimits, Totals};
use sea_orm::{DatabaseTransaction, InsertMany};
use uuid::Uuid;

use crate::entities::player_game_hour;
use crate::error::StoreResult;
use crate::player_protection::{
    HourDeltas, exclusions_not_ended_of, limits_of, limits_with_game_totals,
};

/// A player's loss and wager limits and the window totals they are checked
/// against: the stored history, plus what the round accepted so far.
struct RoundLimits {
    limits: PlayerLimits,
    totals: Totals,
}

/// What the calls of a round need to know of their players, read once per
/// round in its transaction (under the wallet locks, so it holds for the
/// whole round): which players have loss or wager limits (their accepted
/// movements are added to their hours), and, when a call is a bet, the
/// exclusions that have not ended and those players' window totals.
#[derive(Default)]
pub(crate) struct RoundProtection {
    exclusions: HashMap<Uuid, Vec<Exclusion>>,
    limits: HashMap<Uuid, RoundLimits>,
    hours: HourDeltas,
}

impl RoundProtection {
    /// Reads what `players` need: their limits (one statement; when the
    /// round has a bet, with the loss and wager window totals of the players
    /// who have such limits as subqueries, see `game_windows`) and, when the
    /// round has a bet, their exclusions (one statement).
    pub(crate) async fn read(
        txn: &DatabaseTransaction,
        players: impl IntoIterator<Item = Uuid>,
        any_bet: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Self> {
        let players: Vec<Uuid> = players.into_iter().collect();
        let exclusions = if any_bet {
            exclusions_not_ended_of(txn, players.iter().copied(), now).await?
        } else {
            HashMap::new()
        };
        let (stored, mut totals) = if any_bet {
            limits_with_game_totals(txn, players, now).await?
        } else {
            (limits_of(txn, players).await?, HashMap::new())
        };
        let mut limits = HashMap::new();
        for (player, stored) in stored {
            let in_force = stored.effective_at(now);
            let game_limits = in_force
                .limits()
                .any(|limit| matches!(limit.kind, LimitKind::Loss | LimitKind::Wager));
            if !game_limits {
                continue;
            }
            let totals = totals
                .remove(&player)
                .unwrap_or_else(|| Totals::zero(in_force.currency()));
            let limits_of_player = RoundLimits {
                limits: in_force,
                totals,
            };
            limits.insert(player, limits_of_player);
        }
        Ok(Self {
            exclusions,
            limits,
            hours: HourDeltas::default(),
        })
    }

    /// Whether `player` may place the bet `message` at `now`: an active
    /// timeout or self-exclusion is `PlayerGate::Blocked` (the rules decide
    /// which blocks); a bet that would take a loss or wager window above its
    /// limit (counting the round's earlier accepted calls) is
    /// `PlayerGate::LimitReached`. A bet the limits cannot judge (another
    /// currency than the wallet's) is left to the game rules, which refuse
    /// it.
    pub(crate) fn bet_gate(
        &self,
        player: PlayerId,
        message: &GameMessage,
        now: DateTime<Utc>,
    ) -> PlayerGate {
        let GameMessage::Bet { amount, .. } = message else {
            return PlayerGate::Allowed;
        };
        let exclusions = self
            .exclusions
            .get(&player.0)
            .map_or(&[][..], Vec::as_slice);
        if ::protection::blocked(exclusions, now).is_some() {
            return PlayerGate::Blocked;
        }
        let Some(round) = self.limits.get(&player.0) else {
            return PlayerGate::Allowed;
        };
        match round.limits.check_bet(*amount, &round.totals, now) {
            Ok(LimitCheck::LimitReached(_)) => PlayerGate::LimitReached,
            Ok(LimitCheck::Allowed) | Err(_) => PlayerGate::Allowed,
        }
    }

    /// Counts an accepted call's `movement` of `player` at `now` in the
    /// round's totals, so the round's later bets see it (a bet adds to loss
    /// and wager, a win takes from loss, a bet's rollback takes from both),
    /// and in the player's hours; nothing for a player without loss or
    /// wager limits.
    pub(crate) fn record(
        &mut self,
        player: PlayerId,
        movement: &Movement,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let Some(round) = self.limits.get_mut(&player.0) else {
            return Ok(());
        };
        self.hours
            .add(player, movement.kind, movement.amount, now)?;
        let (loss, wager) = match movement.kind {
            MovementKind::Bet => (movement.amount, movement.amount),
            MovementKind::Win => (
                movement.amount.negated(),
                ledger::Money::zero(movement.amount.currency()),
            ),
            MovementKind::BetRollback => (movement.amount.negated(), movement.amount.negated()),
        };
        let mut totals = round.totals.clone();
        for period in LimitPeriod::ALL {
            for (kind, change) in [(LimitKind::Loss, loss), (LimitKind::Wager, wager)] {
                let sum = totals.get(kind, period).checked_add(&change)?;
                totals = totals
                    .with(kind, period, sum)
                    .map_err(crate::player_protection::checked)?;
            }
        }
        round.totals = totals;
        Ok(())
    }
}

impl RoundProtection {
    /// The write that adds the round's accepted movements to their players'
    /// hours, if any.
    pub(crate) fn hours_upsert(&mut self) -> Option<InsertMany<player_game_hour::ActiveModel>> {
        std::mem::take(&mut self.hours).upsert()
    }
}
