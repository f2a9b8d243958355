//! A provider's bet, win or rollback, applied exactly once. Calls are
//! settled in rounds ([`GameCalls`], see `crate::batching`): one database
//! transaction locks the wallets of the round's calls, reads the rows the
//! rules need (each call's transaction id, a rollback's reference, the
//! rounds), asks `games::decide` for each call in turn, and writes what was
//! decided together with the ledger transactions (`settle`). The game
//! transaction row, unique on (tenant, provider, transaction id), is the
//! dedupe; a round holds each transaction id and round at most once.

use games::{GameCode, GameMessage, GameStatus, ProviderSlug, ProviderTransactionId, RoundId};
use ledger::{Money, PlayerId};
use uuid::Uuid;

use super::sessions::known_session;
use super::settle::{CALL_BYTES, GAME_ROUND_BYTES_MAX};
use crate::batching::{Locking, RoundAnswer, RoundMember, RoundOutcome, RoundWork, settle_all};
use crate::db::Db;
use crate::error::{StoreError, StoreResult, is_unique_violation};
use crate::records::TenantId;

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
    /// Applies a provider's bet, win or rollback exactly once, alone (a
    /// round of one that waits for the wallet's lock). Two first deliveries
    /// of one id racing on different wallets meet at the unique index; the
    /// loser is decided again, now seeing the winner's row.
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

    /// Applies calls, each exactly once, in as few transactions as their
    /// transaction ids and rounds allow, never waiting on a row lock;
    /// answers in the order given, each as [`Db::game_call`] would have, or
    /// [`RoundAnswer::Blocked`] (nothing written: its wallet is another
    /// transaction's; try it again later, or alone).
    pub async fn game_calls(
        &self,
        calls: &[GameCall],
    ) -> Vec<RoundAnswer<StoreResult<GameAnswer>>> {
        let members: Vec<&GameCall> = calls.iter().collect();
        settle_all(&GameCalls(self.clone()), &members).await
    }

    async fn game_call_once(&self, call: &GameCall) -> StoreResult<GameAnswer> {
        match self.settle_game_calls(&[call], Locking::Wait).await?.pop() {
            Some(RoundAnswer::Settled(answer)) => answer,
            // A waiting read leaves no wallet out.
            Some(RoundAnswer::Blocked) | None => Err(StoreError::NotFound("wallet")),
        }
    }
}

/// Game calls as work settled in rounds ([`crate::Rounds`]).
#[derive(Clone)]
pub struct GameCalls(pub Db);

impl RoundWork for GameCalls {
    type Request = GameCall;
    type Outcome = GameAnswer;
    const KIND: &'static str = "game";
    const ROUND_BYTES_MAX: usize = GAME_ROUND_BYTES_MAX;

    async fn round(&self, members: &[&GameCall]) -> RoundOutcome<GameAnswer> {
        Ok(Some(
            self.0.settle_game_calls(members, Locking::Skip).await?,
        ))
    }

    async fn alone(&self, call: &GameCall) -> StoreResult<GameAnswer> {
        self.0.game_call(call).await
    }
}

impl RoundMember for GameCall {
    fn round_bytes(&self) -> usize {
        CALL_BYTES
    }

    /// One call per transaction id (its own, and a rollback's reference: the
    /// rows a call inserts or updates) and per round of the call.
    fn exclusive_keys(&self) -> Vec<String> {
        let key = |kind: &str, id: &str| {
            format!(
                "{kind}\u{1f}{}\u{1f}{}\u{1f}{id}",
                self.tenant.0,
                self.provider.as_str()
            )
        };
        let mut keys = vec![
            key("transaction", self.transaction_id.as_str()),
            key("round", self.round_id.as_str()),
        ];
        if let GameMessage::Rollback { reference } = &self.message {
            keys.push(key("transaction", reference.as_str()));
        }
        keys
    }

    /// The session's: a session is one player's, whose wallet its calls lock.
    fn lane_key(&self) -> Option<u64> {
        let prefix = self.token_hash.get(..16)?;
        u64::from_str_radix(prefix, 16).ok()
    }
}
