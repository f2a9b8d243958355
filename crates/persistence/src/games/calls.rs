//! A provider's bet, win or rollback, applied exactly once: one database
//! transaction locks the player's wallet, reads the rows the rules need
//! (the call's transaction id, a rollback's reference, the round), asks
//! `games::decide`, and writes what it decided together with the ledger
//! transaction. The game transaction row, unique on (tenant, provider,
//! transaction id), is the dedupe.

use chrono::Utc;
use games::{
    BodyFingerprint, GameCode, GameDecision, GameInput, GameMessage, GameStatus, ProviderSlug,
    ProviderTransactionId, ReferenceChange, RoundId, decide,
};
use ledger::{Money, PlayerId};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::protection;
use super::rows::{self, TransactionRow};
use super::sessions::known_session;
use crate::db::Db;
use crate::error::{StoreError, StoreResult, is_unique_violation};
use crate::ledger_writer::{self, MovementCause};
use crate::records::TenantId;
use crate::write_batch::WriteBatch;

/// What the ledger transaction of a game movement names as its cause.
pub const GAME_TRANSACTION_REFERENCE: &str = "game_transaction";

/// A provider's `bet`, `win` or `rollback` call, parsed.
#[derive(Debug, Clone)]
pub struct GameCall {
    /// The tenant in the call's path.
    pub tenant: TenantId,
    /// The provider in the call's path (its signature was verified).
    pub provider: ProviderSlug,
    /// SHA-256 (hex) of the call's session token.
    pub token_hash: String,
    /// The provider's transaction id.
    pub transaction_id: ProviderTransactionId,
    /// The provider's round id.
    pub round_id: RoundId,
    /// The game.
    pub game: GameCode,
    /// What it asks.
    pub message: GameMessage,
}

/// What a provider's call is answered (besides the transaction ids it sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameAnswer {
    /// The status.
    pub status: GameStatus,
    /// The session's player and their available after the call; `None` when
    /// the session token is unknown.
    pub wallet: Option<(PlayerId, Money)>,
    /// Kasa's id of the stored game transaction with the call's id, when
    /// there is one that answers for it.
    pub kasa_transaction_id: Option<Uuid>,
}

impl GameAnswer {
    /// The answer to a call whose session token Kasa does not know.
    pub fn unknown_session() -> GameAnswer {
        GameAnswer {
            status: GameStatus::SessionInvalid,
            wallet: None,
            kasa_transaction_id: None,
        }
    }
}

impl Db {
    /// Applies a provider's bet, win or rollback exactly once (see the
    /// module). Two first deliveries of one id racing on different wallets
    /// meet at the unique index; the loser is decided again, now seeing the
    /// winner's row.
    pub async fn game_call(&self, call: &GameCall) -> StoreResult<GameAnswer> {
        match self.game_call_once(call).await {
            Err(StoreError::Database(error)) if is_unique_violation(&error) => {
                self.game_call_once(call).await
            }
            other => other,
        }
    }

    /// A `balance` call: the session's player and available; `ok` only on
    /// an active session.
    pub async fn game_balance(
        &self,
        tenant: TenantId,
        provider: &ProviderSlug,
        token_hash: &str,
    ) -> StoreResult<GameAnswer> {
        let Some(session) = known_session(self.conn(), tenant, provider, token_hash).await? else {
            return Ok(GameAnswer::unknown_session());
        };
        let snapshot = self
            .wallet(session.player)
            .await?
            .ok_or(StoreError::NotFound("wallet"))?;
        let status = match session.state {
            games::SessionState::Active => GameStatus::Ok,
            games::SessionState::Ended => GameStatus::SessionInvalid,
        };
        Ok(GameAnswer {
            status,
            wallet: Some((session.player, snapshot.balance.available())),
            kasa_transaction_id: None,
        })
    }

    async fn game_call_once(&self, call: &GameCall) -> StoreResult<GameAnswer> {
        let txn = self.conn().begin().await?;
        let Some(session) =
            known_session(&txn, call.tenant, &call.provider, &call.token_hash).await?
        else {
            txn.rollback().await?;
            return Ok(GameAnswer::unknown_session());
        };
        let mut wallet = ledger_writer::lock_wallet(&txn, session.player).await?;
        let key =
            |id: &ProviderTransactionId| (call.tenant, &call.provider, id.as_str().to_owned());
        let earlier = rows::find_transaction(&txn, key(&call.transaction_id)).await?;
        let reference = match &call.message {
            GameMessage::Rollback { reference } => {
                rows::find_transaction(&txn, key(reference)).await?
            }
            GameMessage::Bet { .. } | GameMessage::Win { .. } => None,
        };
        let round_id = match &reference {
            Some(referenced) => referenced.stored.round.clone(),
            None => call.round_id.clone(),
        };
        let round = rows::find_round(&txn, call.tenant, &call.provider, &round_id).await?;
        let gate = protection::bet_gate(&txn, call.tenant, session.player, &call.message).await?;
        let input = GameInput {
            transaction_id: call.transaction_id.clone(),
            round_id: call.round_id.clone(),
            player: session.player,
            message: call.message.clone(),
            fingerprint: BodyFingerprint::of(
                session.player,
                &call.round_id,
                &call.game,
                &call.message,
            ),
            earlier: earlier.as_ref().map(|row| row.stored.clone()),
            reference: reference.as_ref().map(|row| row.stored.clone()),
            round,
            session: session.state,
            gate,
            available: wallet.balance.available(),
        };
        let decision = decide(&input);
        let mut batch = WriteBatch::new();
        let new_id = Uuid::now_v7();
        let kasa_transaction_id = match (&decision, &earlier) {
            (GameDecision::Repeat { .. }, Some(row)) => Some(row.id),
            (GameDecision::Refuse { record: true, .. } | GameDecision::Apply(_), _) => Some(new_id),
            _ => None,
        };
        if let Some(stored) = decision.row_to_store(&input) {
            let reference_id = match &call.message {
                GameMessage::Rollback { reference } => Some(reference.as_str()),
                GameMessage::Bet { .. } | GameMessage::Win { .. } => None,
            };
            batch.insert(rows::insert_transaction(
                new_id,
                call,
                &call.transaction_id,
                &stored,
                reference_id,
            )?);
        }
        if let GameDecision::Apply(plan) = &decision {
            if let (Some(tx), Some(movement)) = (
                plan.ledger_transaction(session.player, &call.provider),
                plan.movement,
            ) {
                let cause = MovementCause {
                    reference_type: GAME_TRANSACTION_REFERENCE,
                    reference_id: new_id,
                };
                ledger_writer::stage(&mut batch, &mut wallet, &tx?, movement.amount, cause)?;
            }
            stage_reference_change(
                &mut batch,
                call,
                plan.reference_becomes.as_ref(),
                &reference,
            )?;
            if plan.round_after != round {
                batch.insert(rows::upsert_round(
                    call.tenant,
                    &call.provider,
                    &round_id,
                    session.player,
                    plan.round_after,
                ));
            }
        }
        batch.run(&txn).await?;
        txn.commit().await?;
        Ok(GameAnswer {
            status: decision.status(),
            wallet: Some((session.player, wallet.balance.available())),
            kasa_transaction_id,
        })
    }
}

/// Adds what an accepted rollback does to its reference to `batch`.
fn stage_reference_change(
    batch: &mut WriteBatch,
    call: &GameCall,
    change: Option<&ReferenceChange>,
    reference: &Option<TransactionRow>,
) -> StoreResult<()> {
    match (change, reference, &call.message) {
        (Some(ReferenceChange::RolledBack), Some(row), _) => {
            batch.update(rows::mark_rolled_back(row.id, Utc::now()));
        }
        (
            Some(ReferenceChange::NewTombstone(tombstone)),
            _,
            GameMessage::Rollback { reference },
        ) => {
            batch.insert(rows::insert_transaction(
                Uuid::now_v7(),
                call,
                reference,
                tombstone,
                None,
            )?);
        }
        (None, _, _) => {}
        _ => {
            return Err(StoreError::Corrupt(
                "a rollback's reference change without its reference".into(),
            ));
        }
    }
    Ok(())
}
