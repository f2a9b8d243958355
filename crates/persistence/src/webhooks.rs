//! Deposit settlement by PSP events.
//!
//! Events are settled in rounds: one database transaction locks the wallets
//! and deposits of a round's events (in one statement, wallets in id order,
//! `SKIP LOCKED`: a round never waits on a row lock), reads which events the
//! inbox has seen, decides each event with the pure rules, stages the credits
//! through the ledger writer, the events with their outcomes for the inbox
//! keyed by (provider, event id), and each moved wallet's projection once, and
//! sends those writes as one batch. A round holds at most one event per deposit
//! and per event id. An event whose wallet or deposit another transaction holds
//! (or whose deposit does not exist) is not settled by the round: it is
//! answered [`RoundAnswer::Blocked`], to be tried again in a later round or
//! settled alone ([`Db::apply_deposit_event`], which waits for the lock), so
//! one locked wallet holds back no other player's event.
//!
//! When a round of several meets an inbox conflict (a concurrent delivery of
//! one of its events committed first) or fails, it is rolled back and its
//! events are tried as rounds of one, so no event waits on another's failure.
//! A second delivery of an id rolls back as a duplicate, so its effects never
//! commit. If the referenced deposit does not exist the event's answer is
//! `NotFound` and nothing is stored for it, so the PSP's retry is processed.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};

use ::deposit::{DepositDecision, DepositSignal, DepositStatus, decide};
use chrono::Utc;
use ledger::Money;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, TransactionTrait,
};
use uuid::Uuid;

use crate::anomalies::{self, NewAnomaly};
use crate::batching::{Locking, RoundAnswer, RoundMember, RoundOutcome, RoundWork, settle_all};
use crate::db::Db;
use crate::entities::{deposit, psp_event, wallet};
use crate::error::{StoreError, StoreResult};
use crate::inbox::{self, EventOutcome, InboxEntry};
use crate::joined;
use crate::ledger_writer::{self, LockedWallet, MovementCause};
use crate::write_batch::{ROUND_BYTES_MAX, WriteBatch, WriteChunks};

/// A verified, parsed deposit event from a PSP.
#[derive(Debug, Clone)]
pub struct DepositEvent {
    /// PSP name (path segment of the webhook URL).
    pub provider: String,
    /// PSP event id (the dedupe key).
    pub event_id: String,
    /// Event type as sent (`deposit.succeeded`, ...).
    pub event_type: String,
    /// The outcome the event reports.
    pub signal: DepositSignal,
    /// Kasa's deposit id.
    pub deposit_id: Uuid,
    /// The PSP's id of the deposit.
    pub provider_ref: Option<String>,
    /// Amount the PSP reports.
    pub amount: Money,
    /// PSP failure code.
    pub failure_code: Option<String>,
    /// The raw body, kept in the inbox.
    pub raw: String,
}

/// A deposit round's answer for one event.
type Answer = RoundAnswer<StoreResult<EventOutcome>>;

impl Db {
    /// Applies a deposit event exactly once, alone: waits (up to the
    /// statement timeout) for its wallet and deposit if another transaction
    /// holds them.
    pub async fn apply_deposit_event(&self, event: &DepositEvent) -> StoreResult<EventOutcome> {
        match self.settle_round(&[event], Locking::Wait).await? {
            Round::Settled(mut outcomes) => match outcomes.pop() {
                Some(RoundAnswer::Settled(outcome)) => outcome,
                // A waiting read leaves no row out: the deposit does not exist.
                Some(RoundAnswer::Blocked) | None => Err(StoreError::NotFound("deposit")),
            },
            // This event id committed first elsewhere: the effects are dropped.
            Round::InboxConflict => Ok(EventOutcome::Duplicate),
        }
    }

    /// Applies deposit events, each exactly once, in as few transactions as
    /// their deposits and event ids allow, never waiting on a row lock; answers
    /// in the order given, each settled as [`Db::apply_deposit_event`] would
    /// have, or [`RoundAnswer::Blocked`] (nothing written: try it again later,
    /// or alone with [`Db::apply_deposit_event`]).
    pub async fn apply_deposit_events(&self, events: &[DepositEvent]) -> Vec<Answer> {
        let members: Vec<&DepositEvent> = events.iter().collect();
        settle_all(&DepositEvents(self.clone()), &members).await
    }

    /// Settles `events` (distinct deposits and event ids) in one transaction;
    /// with [`Locking::Skip`] an event whose rows were not locked is `Blocked`.
    async fn settle_round(&self, events: &[&DepositEvent], locking: Locking) -> StoreResult<Round> {
        let txn = self.conn().begin().await?;
        let (deposits, mut wallets) = lock_deposits_and_wallets(&txn, events, locking).await?;
        let seen = seen_events(&txn, events).await?;
        // The moved wallets' rows go with the last chunk.
        let mut chunks: WriteChunks<Vec<(InboxEntry<'_>, EventOutcome)>> = WriteChunks::new();
        let mut outcomes = Vec::with_capacity(events.len());
        for &event in events {
            if seen.contains(&(event.provider.clone(), event.event_id.clone())) {
                outcomes.push(RoundAnswer::Settled(Ok(EventOutcome::Duplicate)));
                continue;
            }
            let Some(row) = deposits.get(&event.deposit_id) else {
                outcomes.push(match locking {
                    // Locked elsewhere, or missing: alone tells which.
                    Locking::Skip => RoundAnswer::Blocked,
                    Locking::Wait => RoundAnswer::Settled(Err(StoreError::NotFound("deposit"))),
                });
                continue;
            };
            if row.provider != event.provider {
                outcomes.push(RoundAnswer::Settled(Err(StoreError::NotFound("deposit"))));
                continue;
            }
            let wallet = wallets
                .get_mut(&row.player_id)
                .ok_or(StoreError::NotFound("wallet"))?;
            let (batch, entries) = chunks.for_member(event.round_bytes());
            let outcome = settle(&txn, batch, row, wallet, event).await?;
            let entry = InboxEntry {
                provider: &event.provider,
                event_id: &event.event_id,
                event_type: &event.event_type,
                reference: event.deposit_id.to_string(),
                raw: &event.raw,
                tenant_id: Some(row.tenant_id),
            };
            entries.push((entry, outcome));
            outcomes.push(RoundAnswer::Settled(Ok(outcome)));
        }
        if let Some((batch, _)) = chunks.last_mut() {
            for wallet in wallets.values().filter(|w| w.moved()) {
                ledger_writer::stage_projection(batch, wallet)?;
            }
        }
        for (mut batch, entries) in chunks.into_inner() {
            let expected = entries.len() as u64;
            let inbox = inbox::stage_all(&mut batch, entries);
            let touched = batch.run(&txn).await?;
            if inbox.is_some_and(|step| touched.rows(step) < expected) {
                txn.rollback().await?;
                return Ok(Round::InboxConflict);
            }
        }
        txn.commit().await?;
        Ok(Round::Settled(outcomes))
    }
}

/// Deposit events as work settled in rounds ([`crate::Rounds`]).
#[derive(Clone)]
pub struct DepositEvents(pub Db);

impl RoundWork for DepositEvents {
    type Request = DepositEvent;
    type Outcome = EventOutcome;
    const KIND: &'static str = "deposit";
    const ROUND_BYTES_MAX: usize = DEPOSIT_ROUND_BYTES_MAX;

    async fn round(&self, members: &[&DepositEvent]) -> RoundOutcome<EventOutcome> {
        Ok(match self.0.settle_round(members, Locking::Skip).await? {
            Round::Settled(outcomes) => Some(outcomes),
            Round::InboxConflict if members.len() == 1 => {
                Some(vec![RoundAnswer::Settled(Ok(EventOutcome::Duplicate))])
            }
            Round::InboxConflict => None,
        })
    }

    async fn alone(&self, event: &DepositEvent) -> StoreResult<EventOutcome> {
        self.0.apply_deposit_event(event).await
    }
}

/// How a round ended.
enum Round {
    /// Committed; one answer per event, in order.
    Settled(Vec<Answer>),
    /// Rolled back: an event id of the round was stored meanwhile.
    InboxConflict,
}

/// Bytes of a deposit round's events: its writes go in statements of at most
/// [`ROUND_BYTES_MAX`] each, so a round is a few of those.
pub const DEPOSIT_ROUND_BYTES_MAX: usize = 2 * ROUND_BYTES_MAX;
/// Statement text and parameters of one event's writes, besides its raw body.
const EVENT_BYTES: usize = 1200;

impl DepositEvent {
    /// About how many bytes the event adds to its round's write statements
    /// (see [`ROUND_BYTES_MAX`]).
    pub fn round_bytes(&self) -> usize {
        EVENT_BYTES + self.raw.len()
    }
}

impl RoundMember for DepositEvent {
    fn round_bytes(&self) -> usize {
        DepositEvent::round_bytes(self)
    }

    /// One event per deposit (its row is updated once) and per event id.
    fn exclusive_keys(&self) -> Vec<String> {
        vec![
            format!("deposit\u{1f}{}", self.deposit_id),
            format!("event\u{1f}{}\u{1f}{}", self.provider, self.event_id),
        ]
    }
}

/// Locks the wallets and deposits of `events` (one statement; per row the
/// wallet first, rows in wallet then deposit order) until the transaction ends;
/// with [`Locking::Skip`] a deposit whose row or wallet another transaction
/// holds is left out.
async fn lock_deposits_and_wallets(
    txn: &DatabaseTransaction,
    events: &[&DepositEvent],
    locking: Locking,
) -> StoreResult<(HashMap<Uuid, deposit::Model>, HashMap<Uuid, LockedWallet>)> {
    let ids: Vec<Uuid> = events.iter().map(|e| e.deposit_id).collect();
    let select = wallet::Entity::find()
        .filter(deposit::Column::Id.is_in(ids))
        .order_by_asc(wallet::Column::PlayerId)
        .order_by_asc(deposit::Column::Id);
    let mut select = locking.apply(select).into_query();
    select.inner_join(
        deposit::Entity,
        Expr::col((deposit::Entity, deposit::Column::PlayerId))
            .equals((wallet::Entity, wallet::Column::PlayerId)),
    );
    joined::select_prefixed::<deposit::Entity>(&mut select, "d_");
    let mut deposits = HashMap::with_capacity(events.len());
    let mut wallets = HashMap::new();
    for found in txn.query_all(&select).await? {
        let row = deposit::Model::from_query_result(&found, "d_")?;
        if let Entry::Vacant(slot) = wallets.entry(row.player_id) {
            slot.insert(LockedWallet::from_row(&wallet::Model::from_query_result(
                &found, "",
            )?)?);
        }
        deposits.insert(row.id, row);
    }
    Ok((deposits, wallets))
}

/// The (provider, event id) pairs of `events` the inbox holds already.
async fn seen_events(
    txn: &DatabaseTransaction,
    events: &[&DepositEvent],
) -> StoreResult<HashSet<(String, String)>> {
    let providers: BTreeSet<&str> = events.iter().map(|e| e.provider.as_str()).collect();
    let ids: Vec<&str> = events.iter().map(|e| e.event_id.as_str()).collect();
    let seen: Vec<(String, String)> = psp_event::Entity::find()
        .select_only()
        .column(psp_event::Column::Provider)
        .column(psp_event::Column::EventId)
        .filter(psp_event::Column::Provider.is_in(providers))
        .filter(psp_event::Column::EventId.is_in(ids))
        .into_tuple()
        .all(txn)
        .await?;
    Ok(seen.into_iter().collect())
}

/// Decides what the event does to the locked deposit and stages its writes.
async fn settle(
    txn: &DatabaseTransaction,
    batch: &mut WriteBatch,
    row: &deposit::Model,
    wallet: &mut LockedWallet,
    event: &DepositEvent,
) -> StoreResult<EventOutcome> {
    let status = DepositStatus::parse(&row.status)
        .ok_or_else(|| StoreError::Corrupt(format!("deposit status {}", row.status)))?;
    let amount = Money::from_minor_units(row.amount_minor, ledger::Currency::parse(&row.currency)?);
    let decision = decide(status, event.signal, amount == event.amount);
    match decision {
        DepositDecision::Credit => {
            let tx = ledger::deposit(wallet.player, &row.provider, amount)?;
            let cause = MovementCause {
                reference_type: "deposit",
                reference_id: row.id,
            };
            ledger_writer::stage_movement(batch, wallet, &tx, amount, cause)?;
            mark(batch, row, decision.next_status(status), event);
            Ok(EventOutcome::Processed)
        }
        DepositDecision::MarkFailed => {
            mark(batch, row, decision.next_status(status), event);
            Ok(EventOutcome::Processed)
        }
        DepositDecision::AlreadyDone => Ok(EventOutcome::Duplicate),
        DepositDecision::Contradiction => {
            let detail = format!(
                "deposit is {} but the PSP reports {}",
                row.status, event.event_type
            );
            record_anomaly(txn, row, event, "late_contradicting_event", detail).await?;
            Ok(EventOutcome::Anomaly)
        }
        DepositDecision::AmountMismatch => {
            let detail = format!(
                "deposit is {amount} {} but the PSP reports {} {}",
                amount.currency(),
                event.amount,
                event.amount.currency()
            );
            record_anomaly(txn, row, event, "amount_mismatch", detail).await?;
            Ok(EventOutcome::Anomaly)
        }
    }
}

/// Stages the deposit's new status (and the PSP's reference, failure code).
fn mark(batch: &mut WriteBatch, row: &deposit::Model, status: DepositStatus, event: &DepositEvent) {
    let mut update = deposit::Entity::update_many()
        .col_expr(deposit::Column::Status, Expr::value(status.as_str()))
        .col_expr(deposit::Column::UpdatedAt, Expr::value(Utc::now()));
    if row.provider_ref.is_none() {
        update = update.col_expr(
            deposit::Column::ProviderRef,
            Expr::value(event.provider_ref.clone()),
        );
    }
    if status == DepositStatus::Failed {
        update = update.col_expr(
            deposit::Column::FailureCode,
            Expr::value(event.failure_code.clone()),
        );
    }
    batch.update(update.filter(deposit::Column::Id.eq(row.id)));
}

async fn record_anomaly(
    txn: &DatabaseTransaction,
    row: &deposit::Model,
    event: &DepositEvent,
    kind: &'static str,
    detail: String,
) -> StoreResult<()> {
    let anomaly = NewAnomaly {
        tenant_id: Some(row.tenant_id),
        provider: event.provider.clone(),
        event_id: event.event_id.clone(),
        kind,
        reference_type: "deposit",
        reference_id: Some(row.id),
        detail,
    };
    anomalies::record(txn, anomaly).await
}
