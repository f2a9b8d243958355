//! Withdrawal requests settled in rounds.
//!
//! A round is one database transaction for several requests of different
//! players: each request's idempotency key is claimed as alone
//! (`idempotency_store::claim_in`), the players' wallets are locked in one
//! statement (in id order), then the audit chain heads (in chain order), each
//! request is checked and staged as [`Db::request_withdrawal`] would, and all
//! writes go as one batch. A round holds at most one request per wallet, per
//! audit chain and per idempotency key; a request refused by its checks (4xx)
//! stages nothing and does not hold the others back. A round that fails, or in
//! which a key was completed meanwhile, is rolled back and its requests run one
//! by one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use idempotency::Fingerprint;
use sea_orm::TransactionTrait;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::audit::{self, AuditContext};
use crate::db::Db;
use crate::entities::wallet;
use crate::error::{StoreError, StoreResult};
use crate::idempotency_store::{self, IdempotencyScope, Once, StoredResponse};
use crate::ledger_writer::LockedWallet;
use crate::webhooks::ROUND_BYTES_MAX;
use crate::withdrawals::{NewWithdrawal, WithdrawalView, stage_request};
use crate::write_batch::{Step, WriteBatch};

/// Renders a request's stored response; shared, as a request of a failed
/// round is rendered again when it runs alone.
pub type SharedRender =
    Arc<dyn Fn(&WithdrawalView) -> Result<StoredResponse, String> + Send + Sync>;

/// Bytes of a round's requests: their writes go in statements of at most
/// `ROUND_BYTES_MAX` each (see there why), so a round is several of those.
pub const WITHDRAWAL_ROUND_BYTES_MAX: usize = 2 * ROUND_BYTES_MAX;

/// Statement text and parameters one request adds to its round's writes,
/// besides its destination (see `ROUND_BYTES_MAX`).
const REQUEST_BYTES: usize = 3000;

/// A withdrawal request waiting for its round.
pub struct WithdrawalRequest {
    /// What is requested.
    pub new: NewWithdrawal,
    /// The idempotency scope (tenant, principal, key).
    pub scope: IdempotencyScope,
    /// The request's fingerprint.
    pub fingerprint: Fingerprint,
    /// Renders the 201 answer stored with the key.
    pub render: SharedRender,
    /// Who asks, for the audit event.
    pub audit: AuditContext,
}

impl WithdrawalRequest {
    /// About how many bytes the request adds to its round's write statement.
    pub fn round_bytes(&self) -> usize {
        REQUEST_BYTES + self.new.destination_account.len()
    }

    fn chain(&self) -> String {
        audit::chain_for(self.new.tenant_id, &self.audit)
    }
}

impl Db {
    /// Requests withdrawals, each exactly as [`Db::request_withdrawal`] would,
    /// in as few transactions as their wallets, audit chains and keys allow;
    /// answers in the order given.
    pub async fn request_withdrawals(
        &self,
        requests: Vec<WithdrawalRequest>,
    ) -> Vec<StoreResult<Once>> {
        let mut answers: Vec<Option<StoreResult<Once>>> = requests.iter().map(|_| None).collect();
        let mut pending: Vec<usize> = (0..requests.len()).collect();
        while !pending.is_empty() {
            let (round, later) = next_round(&requests, pending);
            pending = later;
            let members: Vec<&WithdrawalRequest> = round.iter().map(|&i| &requests[i]).collect();
            let settled = if members.len() > 1 {
                match self.withdrawal_round(&members).await {
                    Ok(settled) => settled,
                    Err(error) => {
                        tracing::warn!(%error, requests = members.len(), "withdrawal round failed; running its requests one by one");
                        None
                    }
                }
            } else {
                None
            };
            match settled {
                Some(outcomes) => {
                    for (&index, outcome) in round.iter().zip(outcomes) {
                        answers[index] = Some(outcome);
                    }
                }
                None => {
                    for &index in &round {
                        answers[index] = Some(self.request_alone(&requests[index]).await);
                    }
                }
            }
        }
        answers
            .into_iter()
            .map(|answer| answer.unwrap_or_else(|| Err(unanswered())))
            .collect()
    }

    async fn request_alone(&self, request: &WithdrawalRequest) -> StoreResult<Once> {
        let render = Arc::clone(&request.render);
        self.request_withdrawal(
            request.new.clone(),
            (&request.scope, &request.fingerprint),
            Box::new(move |view| render(view)),
            &request.audit,
        )
        .await
    }

    /// Runs `members` (distinct wallets, chains, keys) in one transaction;
    /// `None` when it rolled back because a key was completed meanwhile.
    async fn withdrawal_round(
        &self,
        members: &[&WithdrawalRequest],
    ) -> StoreResult<Option<Vec<StoreResult<Once>>>> {
        let txn = self.conn().begin().await?;
        let mut answers: Vec<Option<StoreResult<Once>>> = members.iter().map(|_| None).collect();
        let keys: Vec<_> = members.iter().map(|r| (&r.scope, &r.fingerprint)).collect();
        let claims = idempotency_store::claim_all_in(&txn, &keys).await?;
        let mut going = Vec::with_capacity(members.len());
        for (index, claim) in claims.into_iter().enumerate() {
            match claim {
                Some(earlier) => answers[index] = Some(Ok(Once::Earlier(earlier))),
                None => going.push(index),
            }
        }
        let players = going.iter().map(|&i| members[i].new.player.0).collect();
        let mut wallets = lock_wallets(&txn, players).await?;
        let chains: BTreeMap<String, Option<Uuid>> = going
            .iter()
            .map(|&i| (members[i].chain(), Some(members[i].new.tenant_id)))
            .collect();
        let mut heads = audit::lock_heads(&txn, chains).await?;
        // The writes go in chunks of at most `ROUND_BYTES_MAX` (one statement each).
        let mut chunks: Vec<(WriteBatch, Vec<Step>)> = Vec::new();
        let mut chunk_bytes = ROUND_BYTES_MAX;
        for index in going {
            let request = members[index];
            let Some(wallet) = wallets.get_mut(&request.new.player.0) else {
                answers[index] = Some(Err(StoreError::NotFound("wallet")));
                continue;
            };
            let head = heads
                .remove(&request.chain())
                .ok_or_else(|| StoreError::Corrupt("audit chain head not locked".to_owned()))?;
            let render = Arc::clone(&request.render);
            if chunk_bytes + request.round_bytes() > ROUND_BYTES_MAX {
                chunks.push((WriteBatch::new(), Vec::new()));
                chunk_bytes = 0;
            }
            let Some((batch, completions)) = chunks.last_mut() else {
                return Err(unanswered());
            };
            let mark = batch.mark();
            let staged = stage_request(
                batch,
                request.new.clone(),
                (&request.scope, &request.fingerprint),
                Box::new(move |view| render(view)),
                &request.audit,
                wallet,
                head,
            );
            answers[index] = Some(match staged {
                Ok((response, completion)) => {
                    completions.push(completion);
                    chunk_bytes += request.round_bytes();
                    Ok(Once::Done(response))
                }
                Err(error) => {
                    batch.rewind(mark);
                    Err(error)
                }
            });
        }
        for (batch, completions) in chunks {
            let touched = batch.run(&txn).await?;
            if completions.iter().any(|&step| touched.rows(step) == 0) {
                txn.rollback().await?;
                return Ok(None);
            }
        }
        txn.commit().await?;
        Ok(Some(
            answers
                .into_iter()
                .map(|answer| answer.unwrap_or_else(|| Err(unanswered())))
                .collect(),
        ))
    }
}

fn unanswered() -> StoreError {
    StoreError::Corrupt("a request of the round was not answered".to_owned())
}

/// Splits `pending` (indexes into `requests`) into the next round: at most one
/// request per wallet, audit chain and key, fitting [`WITHDRAWAL_ROUND_BYTES_MAX`] (never
/// empty); and the requests left for later rounds.
fn next_round(requests: &[WithdrawalRequest], pending: Vec<usize>) -> (Vec<usize>, Vec<usize>) {
    let mut players = HashSet::new();
    let mut chains = HashSet::new();
    let mut keys = HashSet::new();
    let mut bytes = 0;
    pending.into_iter().partition(|&index| {
        let request = &requests[index];
        let size = request.round_bytes();
        let (chain, key) = (
            request.chain(),
            idempotency_store::claim_key(&request.scope),
        );
        let fits = players.is_empty() || bytes + size <= WITHDRAWAL_ROUND_BYTES_MAX;
        if fits
            && !players.contains(&request.new.player.0)
            && !chains.contains(&chain)
            && !keys.contains(&key)
        {
            players.insert(request.new.player.0);
            chains.insert(chain);
            keys.insert(key);
            bytes += size;
            true
        } else {
            false
        }
    })
}

/// Locks the wallets of `players` in id order until the transaction ends.
async fn lock_wallets(
    txn: &DatabaseTransaction,
    players: Vec<Uuid>,
) -> StoreResult<HashMap<Uuid, LockedWallet>> {
    let rows = wallet::Entity::find()
        .filter(wallet::Column::PlayerId.is_in(players))
        .order_by_asc(wallet::Column::PlayerId)
        .lock_exclusive()
        .all(txn)
        .await?;
    rows.iter()
        .map(|row| Ok((row.player_id, LockedWallet::from_row(row)?)))
        .collect()
}
