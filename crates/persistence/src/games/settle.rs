//! Settling a round of game calls in one database transaction: read what
//! the calls need ([`read_round`]), decide each call in arrival order with
//! the pure rules on what the earlier calls of the round left (a wallet
//! moved twice is moved twice in memory), keep its rows, and send them as
//! one statement: one insert per table for the whole round (game
//! transactions, ledger transactions, postings, rounds), each moved wallet's
//! projection once, and the rolled-back bets.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use games::{BodyFingerprint, GameDecision, GameInput, GameMessage, ReferenceChange, decide};
use ledger::PlayerId;
use sea_orm::{EntityTrait, TransactionTrait};
use uuid::Uuid;

use super::calls::{GAME_TRANSACTION_REFERENCE, GameAnswer, GameCall};
use super::round_reads::{GameKey, RoundReads, key_of, read_round};
use super::rows::{self, TransactionRow};
use crate::batching::{Locking, RoundAnswer};
use crate::db::Db;
use crate::entities::{game_round, game_transaction};
use crate::error::{StoreError, StoreResult};
use crate::ledger_writer::{self, LedgerRows, MovementCause};
use crate::write_batch::WriteBatch;

/// About how many bytes of parameters one call's writes take (game
/// transaction, ledger transaction and its two postings, its wallet and
/// round): the statement text is the same for any number of calls.
pub(crate) const CALL_BYTES: usize = 1100;
/// Bytes of a round of game calls: its one write statement must stay below
/// one TCP send (sqlx 0.9.0 leaves Nagle's algorithm on; see
/// `crate::ROUND_BYTES_MAX`), so twelve calls with the statement's text.
pub const GAME_ROUND_BYTES_MAX: usize = 12 * CALL_BYTES;

/// A round's answer for one call.
pub(crate) type CallAnswer = RoundAnswer<StoreResult<GameAnswer>>;

/// What the calls of one round share while they are decided.
struct RoundWrites {
    reads: RoundReads,
    /// The round's time, on the storage clock: of its rows and of its
    /// players' limit windows.
    now: DateTime<Utc>,
    /// Game transaction rows to insert (calls' own rows and tombstones).
    games: Vec<game_transaction::ActiveModel>,
    /// Ledger rows of the applied movements.
    ledger: LedgerRows,
    /// Bets rolled back by the round's rollbacks.
    rolled_back: Vec<Uuid>,
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
        let now = self.now();
        let mut round = RoundWrites {
            reads: read_round(&txn, calls, locking, now).await?,
            now,
            games: Vec::new(),
            ledger: LedgerRows::default(),
            rolled_back: Vec::new(),
            changed_rounds: HashMap::new(),
        };
        let mut answers = Vec::with_capacity(calls.len());
        for &call in calls {
            answers.push(round.settle(call, locking)?);
        }
        round.into_batch()?.run(&txn).await?;
        txn.commit().await?;
        Ok(answers)
    }
}

impl RoundWrites {
    /// Decides `call` on what the round knows now, stages its writes and
    /// updates what the round knows.
    fn settle(&mut self, call: &GameCall, locking: Locking) -> StoreResult<CallAnswer> {
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
        let gate = self
            .reads
            .protection
            .bet_gate(session.player, &call.message, self.now);
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
        if let Some(stored) = decision.row_to_store(&input) {
            let reference_id = match &call.message {
                GameMessage::Rollback { reference } => Some(reference.as_str()),
                GameMessage::Bet { .. } | GameMessage::Win { .. } => None,
            };
            self.games.push(rows::transaction_row(
                new_id,
                call,
                &call.transaction_id,
                &stored,
                reference_id,
                self.now,
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
                self.ledger.stage(wallet, &tx?, movement.amount, cause)?;
            }
            if let Some(movement) = &plan.movement {
                self.reads
                    .protection
                    .record(session.player, movement, self.now)?;
            }
            let change = plan.reference_becomes.as_ref();
            keep_reference_change(
                &mut self.games,
                &mut self.rolled_back,
                call,
                change,
                &reference,
                self.now,
            )?;
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

    /// The round's writes as one batch: game transactions, ledger rows,
    /// rolled-back bets, each moved wallet's projection and each changed
    /// round (one statement must not write a row twice: each is there once).
    fn into_batch(mut self) -> StoreResult<WriteBatch> {
        let mut batch = WriteBatch::new();
        if let Some(hours) = self.reads.protection.hours_upsert() {
            batch.insert(hours);
        }
        if !self.games.is_empty() {
            batch.insert(game_transaction::Entity::insert_many(self.games));
        }
        self.ledger.write_to(&mut batch);
        if !self.rolled_back.is_empty() {
            batch.update(rows::mark_rolled_back(self.rolled_back, self.now));
        }
        for wallet in self.reads.wallets.values().filter(|w| w.moved()) {
            ledger_writer::stage_projection(&mut batch, wallet)?;
        }
        let rounds: Vec<game_round::ActiveModel> = self
            .changed_rounds
            .iter()
            .map(|(key, player)| {
                let state = self.reads.rounds.get(key).copied().unwrap_or_default();
                rows::round_row(key, *player, state)
            })
            .collect();
        if !rounds.is_empty() {
            batch.insert(rows::upsert_rounds(rounds));
        }
        Ok(batch)
    }
}

/// Keeps what an accepted rollback does to its reference: the bet to mark
/// rolled back, or the tombstone row.
fn keep_reference_change(
    games: &mut Vec<game_transaction::ActiveModel>,
    rolled_back: &mut Vec<Uuid>,
    call: &GameCall,
    change: Option<&ReferenceChange>,
    reference: &Option<TransactionRow>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    match (change, reference, &call.message) {
        (Some(ReferenceChange::RolledBack), Some(row), _) => rolled_back.push(row.id),
        (
            Some(ReferenceChange::NewTombstone(tombstone)),
            _,
            GameMessage::Rollback { reference },
        ) => {
            let row = rows::transaction_row(Uuid::now_v7(), call, reference, tombstone, None, now)?;
            games.push(row);
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
