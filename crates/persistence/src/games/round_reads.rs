//! What a round of game calls reads before the rules decide: the calls'
//! sessions with their players' wallets locked (one statement), the stored
//! game transactions the calls name (their own ids and rollbacks'
//! references, one statement), the rounds they belong to (one
//! statement), the players' limits (one statement) and, when a call is a
//! bet, their exclusions (one statement) and, for players with loss or
//! wager limits, their window totals (two statements).

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};

use games::{GameMessage, RoundState};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QueryTrait,
};
use uuid::Uuid;

use super::calls::GameCall;
use super::protection::RoundProtection;
use super::rows::{TransactionRow, transaction_of};
use super::sessions::KnownSession;
use crate::batching::Locking;
use crate::entities::{game_round, game_session, game_transaction, wallet};
use crate::error::StoreResult;
use crate::joined;
use crate::ledger_writer::LockedWallet;

/// A game transaction or round by (tenant, provider slug, the provider's id).
pub(crate) type GameKey = (Uuid, String, String);

/// The key of `id` of `call`'s tenant and provider.
pub(crate) fn key_of(call: &GameCall, id: &str) -> GameKey {
    (
        call.tenant.0,
        call.provider.as_str().to_owned(),
        id.to_owned(),
    )
}

/// What a round's calls found, read in its transaction.
pub(crate) struct RoundReads {
    /// Known sessions by token digest (whoever they belong to: a call checks
    /// its tenant and provider).
    pub sessions: HashMap<String, KnownSession>,
    /// The sessions' wallets locked by this transaction, by player; a known
    /// session's wallet missing here is another transaction's now (or gone).
    pub wallets: HashMap<Uuid, LockedWallet>,
    /// Stored game transactions named by the calls.
    pub transactions: HashMap<GameKey, TransactionRow>,
    /// Rounds of the calls and of their references, as stored.
    pub rounds: HashMap<GameKey, RoundState>,
    /// What the bets' player-protection checks read.
    pub protection: RoundProtection,
}

/// Reads what `calls` need (see the module), locking their wallets
/// `locking`'s way until the transaction ends.
pub(crate) async fn read_round(
    txn: &DatabaseTransaction,
    calls: &[&GameCall],
    locking: Locking,
    now: chrono::DateTime<chrono::Utc>,
) -> StoreResult<RoundReads> {
    let (sessions, wallets) = lock_sessions_and_wallets(txn, calls, locking).await?;
    let transactions = find_transactions(txn, calls).await?;
    let mut round_keys: HashSet<GameKey> = calls
        .iter()
        .map(|call| key_of(call, call.round_id.as_str()))
        .collect();
    round_keys.extend(transactions.iter().map(|((tenant, provider, _), row)| {
        (
            *tenant,
            provider.clone(),
            row.stored.round.as_str().to_owned(),
        )
    }));
    let rounds = find_rounds(txn, round_keys).await?;
    let any_bet = calls
        .iter()
        .any(|call| matches!(call.message, GameMessage::Bet { .. }));
    let protection = RoundProtection::read(txn, wallets.keys().copied(), any_bet, now).await?;
    Ok(RoundReads {
        sessions,
        wallets,
        transactions,
        rounds,
        protection,
    })
}

/// The calls' sessions, and the wallets of their players locked (one
/// statement, wallets in player order). With [`Locking::Skip`] a wallet
/// another transaction holds is left out, and so is its session from that
/// statement: the tokens it did not return are looked up again without a
/// lock, to tell an unknown token from a busy wallet.
async fn lock_sessions_and_wallets(
    txn: &DatabaseTransaction,
    calls: &[&GameCall],
    locking: Locking,
) -> StoreResult<(HashMap<String, KnownSession>, HashMap<Uuid, LockedWallet>)> {
    let digests: BTreeSet<&str> = calls.iter().map(|call| call.token_hash.as_str()).collect();
    let select = wallet::Entity::find()
        .filter(game_session::Column::TokenHash.is_in(digests.iter().copied()))
        .order_by_asc(wallet::Column::PlayerId);
    let mut select = locking.apply(select).into_query();
    select.inner_join(
        game_session::Entity,
        Expr::col((game_session::Entity, game_session::Column::PlayerId))
            .equals((wallet::Entity, wallet::Column::PlayerId)),
    );
    joined::select_prefixed::<game_session::Entity>(&mut select, "s_");
    let now = chrono::Utc::now();
    let mut sessions = HashMap::with_capacity(digests.len());
    let mut wallets = HashMap::new();
    for found in txn.query_all(&select).await? {
        let session = game_session::Model::from_query_result(&found, "s_")?;
        if let Entry::Vacant(slot) = wallets.entry(session.player_id) {
            let row = wallet::Model::from_query_result(&found, "")?;
            slot.insert(LockedWallet::from_row(&row)?);
        }
        sessions.insert(session.token_hash.clone(), KnownSession::of(&session, now));
    }
    let unseen: Vec<&str> = digests
        .into_iter()
        .filter(|digest| !sessions.contains_key(*digest))
        .collect();
    if !unseen.is_empty() {
        let rows = game_session::Entity::find()
            .filter(game_session::Column::TokenHash.is_in(unseen))
            .all(txn)
            .await?;
        for row in rows {
            sessions.insert(row.token_hash.clone(), KnownSession::of(&row, now));
        }
    }
    Ok((sessions, wallets))
}

/// The stored rows of the calls' transaction ids and of rollbacks'
/// references (one statement; it may return rows of other tenants' or
/// providers' same ids, which no key asks for).
async fn find_transactions(
    txn: &DatabaseTransaction,
    calls: &[&GameCall],
) -> StoreResult<HashMap<GameKey, TransactionRow>> {
    let mut keys: HashSet<GameKey> = HashSet::new();
    for call in calls {
        keys.insert(key_of(call, call.transaction_id.as_str()));
        if let GameMessage::Rollback { reference } = &call.message {
            keys.insert(key_of(call, reference.as_str()));
        }
    }
    let (tenants, providers, ids) = columns_of(&keys);
    let rows = game_transaction::Entity::find()
        .filter(game_transaction::Column::TenantId.is_in(tenants))
        .filter(game_transaction::Column::Provider.is_in(providers))
        .filter(game_transaction::Column::TransactionId.is_in(ids))
        .all(txn)
        .await?;
    let mut found = HashMap::with_capacity(rows.len());
    for row in rows {
        let key = (
            row.tenant_id,
            row.provider.clone(),
            row.transaction_id.clone(),
        );
        if keys.contains(&key) {
            found.insert(key, transaction_of(row)?);
        }
    }
    Ok(found)
}

/// The stored state of the rounds `keys` (one statement); a round never seen
/// is not in the answer.
async fn find_rounds(
    txn: &DatabaseTransaction,
    keys: HashSet<GameKey>,
) -> StoreResult<HashMap<GameKey, RoundState>> {
    let (tenants, providers, ids) = columns_of(&keys);
    let rows = game_round::Entity::find()
        .filter(game_round::Column::TenantId.is_in(tenants))
        .filter(game_round::Column::Provider.is_in(providers))
        .filter(game_round::Column::RoundId.is_in(ids))
        .all(txn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let state = RoundState {
                closed: row.closed,
                win_credited: row.win_credited,
            };
            ((row.tenant_id, row.provider, row.round_id), state)
        })
        .filter(|(key, _)| keys.contains(key))
        .collect())
}

/// The distinct tenants, providers and ids of `keys`, for `IN` lists.
fn columns_of(keys: &HashSet<GameKey>) -> (BTreeSet<Uuid>, BTreeSet<&str>, BTreeSet<&str>) {
    let tenants = keys.iter().map(|(tenant, _, _)| *tenant).collect();
    let providers = keys
        .iter()
        .map(|(_, provider, _)| provider.as_str())
        .collect();
    let ids = keys.iter().map(|(_, _, id)| id.as_str()).collect();
    (tenants, providers, ids)
}
