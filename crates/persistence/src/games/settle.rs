//! Settling a round of game calls in one database transaction: read what
//! the calls need ([`read_round`]), decide each call in arrival order with
//! the pure rules on what the earlier calls of the round left (a wallet
//! moved twice is moved twice in memory), stage its writes, and send them as
//! one batch with each moved wallet's projection and each changed round once.

use std::collections::HashMap;

use chrono::Utc;
use games::{BodyFingerprint, GameDecision, GameInput, GameMessage, ReferenceChange, decide};
use ledger::PlayerId;
use sea_orm::{DatabaseTransaction, TransactionTrait};
use uuid::Uuid;

use super::calls::{GAME_TRANSACTION_REFERENCE, GameAnswer, GameCall};
use super::protection;
use super::round_reads::{GameKey, RoundReads, key_of, read_round};
use super::rows::{self, TransactionRow};
use crate::batching::{Locking, RoundAnswer};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::ledger_writer::{self, MovementCause};
use crate::write_batch::{ROUND_BYTES_MAX, WriteBatch, WriteChunks};

/// Bytes of a round of game calls: their writes go in statements of at most
/// [`ROUND_BYTES_MAX`] each, so a round is a few of those.
pub const GAME_ROUND_BYTES_MAX: usize = 2 * ROUND_BYTES_MAX;
/// About how many bytes of statement text and parameters one call's writes
/// take (game transaction, ledger transaction and its two postings).
pub(crate) const CALL_BYTES: usize = 1400;

/// A round's answer for one call.
pub(crate) type CallAnswer = RoundAnswer<StoreResult<GameAnswer>>;

/// What the calls of one round share while they are decided.
struct RoundWrites {
    reads: RoundReads,
    chunks: WriteChunks<()>,
    /// Rounds the calls changed, with the player of the call that changed
    /// each: written once, at the end.
    changed_rounds: HashMap<GameKey, PlayerId>,
}

impl Db {
    /// Settles `calls` (no transaction id or round twice) in one transaction,
    /// answering each as it would be answered alone; with [`Locking::Skip`]
    /// a call whose wallet another transaction holds is
    /// [`RoundAnswer::Blocked`] and writes nothing.
    pub(crate) async fn settle_game_calls(
        &self,
        calls: &[&GameCall],
        locking: Locking,
    ) -> StoreResult<Vec<CallAnswer>> {
        let txn = self.conn().begin().await?;
        let mut round = RoundWrites {
            reads: read_round(&txn, calls, locking).await?,
            chunks: WriteChunks::new(),
            changed_rounds: HashMap::new(),
        };
        let mut answers = Vec::with_capacity(calls.len());
        for &call in calls {
            answers.push(round.settle(&txn, call, locking).await?);
        }
        round.stage_last()?;
        for (batch, ()) in round.chunks.into_inner() {
            batch.run(&txn).await?;
        }
        txn.commit().await?;
        Ok(answers)
    }
}

impl RoundWrites {
    /// Decides `call` on what the round knows now, stages its writes and
    /// updates what the round knows.
    async fn settle(
        &mut self,
        txn: &DatabaseTransaction,
        call: &GameCall,
        locking: Locking,
    ) -> StoreResult<CallAnswer> {
        let Some(session) = self
            .reads
            .sessions
            .get(&call.token_hash)
            .filter(|session| session.serves(call.tenant, &call.provider))
            .cloned()
        else {
            return Ok(RoundAnswer::Settled(Ok(GameAnswer::unknown_session())));
        };
        let Some(wallet) = self.reads.wallets.get_mut(&session.player.0) else {
            return Ok(match locking {
                Locking::Skip => RoundAnswer::Blocked,
                Locking::Wait => RoundAnswer::Settled(Err(StoreError::NotFound("wallet"))),
            });
        };
        let earlier = self
            .reads
            .transactions
            .get(&key_of(call, call.transaction_id.as_str()))
            .cloned();
        let reference = match &call.message {
            GameMessage::Rollback { reference } => self
                .reads
                .transactions
                .get(&key_of(call, reference.as_str()))
                .cloned(),
            GameMessage::Bet { .. } | GameMessage::Win { .. } => None,
        };
        let round_id = match &reference {
            Some(referenced) => referenced.stored.round.clone(),
            None => call.round_id.clone(),
        };
        let round_key = key_of(call, round_id.as_str());
        let round = self
            .reads
            .rounds
            .get(&round_key)
            .copied()
            .unwrap_or_default();
        let gate = protection::bet_gate(txn, call.tenant, session.player, &call.message).await?;
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
        let new_id = Uuid::now_v7();
        let kasa_transaction_id = match (&decision, &earlier) {
            (GameDecision::Repeat { .. }, Some(row)) => Some(row.id),
            (GameDecision::Refuse { record: true, .. } | GameDecision::Apply(_), _) => Some(new_id),
            _ => None,
        };
        let (batch, ()) = self.chunks.for_member(CALL_BYTES);
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
            self.reads.transactions.insert(
                key_of(call, call.transaction_id.as_str()),
                TransactionRow { id: new_id, stored },
            );
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
                ledger_writer::stage_movement(batch, wallet, &tx?, movement.amount, cause)?;
            }
            stage_reference_change(batch, call, plan.reference_becomes.as_ref(), &reference)?;
            if plan.round_after != round {
                self.reads
                    .rounds
                    .insert(round_key.clone(), plan.round_after);
                self.changed_rounds.insert(round_key, session.player);
            }
        }
        Ok(RoundAnswer::Settled(Ok(GameAnswer {
            status: decision.status(),
            wallet: Some((session.player, wallet.balance.available())),
            kasa_transaction_id,
        })))
    }

    /// Adds each moved wallet's projection and each changed round, once, to
    /// the last chunk (one statement must not write a row twice).
    fn stage_last(&mut self) -> StoreResult<()> {
        let Some((batch, ())) = self.chunks.last_mut() else {
            return Ok(());
        };
        for wallet in self.reads.wallets.values().filter(|w| w.moved()) {
            ledger_writer::stage_projection(batch, wallet)?;
        }
        for (key, player) in &self.changed_rounds {
            let state = self.reads.rounds.get(key).copied().unwrap_or_default();
            batch.insert(rows::upsert_round(key, *player, state));
        }
        Ok(())
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
