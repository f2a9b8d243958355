//! Withdrawal requests settled in rounds.
//!
//! A round is one database transaction for several requests of different
//! players: each request's idempotency key is claimed as alone
//! (`idempotency_store::claim_in`), the players' wallets are locked in one
//! statement (in id order), then the audit chain heads (in chain order), each
//! request is checked and staged as [`Db::request_withdrawal`] would, and all
//! writes go as one batch. A round holds at most one request per wallet, per
//! audit chain and per idempotency key; a request refused by its checks (4xx,
//! KYC included: one read of the round's tenants' policies)
//! stages nothing and does not hold the others back. A round never waits on a
//! row lock (`SKIP LOCKED`; see [`lock_free_heads`] for new chains): a
//! request whose wallet or chain head another
//! transaction holds (or whose wallet does not exist) stages nothing and is
//! answered [`RoundAnswer::Blocked`], to be tried again in a later round or
//! run alone ([`Db::request_withdrawal_alone`], which waits for the lock). A
//! round of several that fails, or in which a key was completed meanwhile, is
//! rolled back and its requests are tried as rounds of one.

use std::collections::{BTreeMap, HashMap};

use idempotency::Fingerprint;
use sea_orm::TransactionTrait;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;
use withdrawal::Withdrawal;

use crate::audit::{self, AuditContext};
use crate::batching::{
    Locking, RoundAnswer, RoundMember, RoundOutcome, RoundWork, settle_all, unanswered,
};
use crate::db::Db;
use crate::entities::{audit_chain_head as head, wallet};
use crate::error::{StoreError, StoreResult};
use crate::idempotency_store::{self, IdempotencyScope};
use crate::ledger_writer::LockedWallet;
use crate::outcome::Idempotent;
use crate::player_protection;
use crate::withdrawals::{RequestWithdrawal, stage_request};
use crate::write_batch::Step;
use crate::write_batch::{ROUND_BYTES_MAX, WriteChunks};

/// Withdrawal requests as work settled in rounds ([`crate::Rounds`]).
#[derive(Clone)]
pub struct WithdrawalRequests(pub Db);

impl RoundWork for WithdrawalRequests {
    type Request = WithdrawalRequest;
    type Outcome = Idempotent<Withdrawal>;
    const KIND: &'static str = "withdrawal";
    const ROUND_BYTES_MAX: usize = WITHDRAWAL_ROUND_BYTES_MAX;

    async fn round(&self, members: &[&WithdrawalRequest]) -> RoundOutcome<Idempotent<Withdrawal>> {
        self.0.withdrawal_round(members).await
    }

    async fn alone(&self, request: &WithdrawalRequest) -> StoreResult<Idempotent<Withdrawal>> {
        self.0.request_withdrawal_alone(request).await
    }
}

/// Bytes of a round's requests: their writes go in statements of at most
/// `ROUND_BYTES_MAX` each (see there why), so a round is several of those.
pub const WITHDRAWAL_ROUND_BYTES_MAX: usize = 2 * ROUND_BYTES_MAX;

/// Statement text and parameters one request adds to its round's writes,
/// besides its destination (see `ROUND_BYTES_MAX`).
const REQUEST_BYTES: usize = 3000;

/// A withdrawal request waiting for its round.
pub struct WithdrawalRequest {
    /// What is requested.
    pub command: RequestWithdrawal,
    /// The idempotency scope (tenant, principal, key).
    pub scope: IdempotencyScope,
    /// The request's fingerprint.
    pub fingerprint: Fingerprint,
    /// Who asks, for the audit event.
    pub audit: AuditContext,
}

impl WithdrawalRequest {
    /// About how many bytes the request adds to its round's write statement.
    pub fn round_bytes(&self) -> usize {
        REQUEST_BYTES + self.command.destination.account().len()
    }

    fn chain(&self) -> String {
        audit::chain_for(self.command.tenant.0, &self.audit)
    }
}

impl RoundMember for WithdrawalRequest {
    fn round_bytes(&self) -> usize {
        WithdrawalRequest::round_bytes(self)
    }

    /// One request per wallet, audit chain (their rows are updated once) and key.
    fn exclusive_keys(&self) -> Vec<String> {
        vec![
            format!("wallet\u{1f}{}", self.command.player.0),
            format!("chain\u{1f}{}", self.chain()),
            idempotency_store::claim_key(&self.scope),
        ]
    }
}

impl Db {
    /// Requests withdrawals, each exactly as [`Db::request_withdrawal`] would,
    /// in as few transactions as their wallets, audit chains and keys allow,
    /// never waiting on a row lock; answers in the order given, each settled or
    /// [`RoundAnswer::Blocked`] (nothing written: try it again later, or alone
    /// with [`Db::request_withdrawal_alone`]).
    pub async fn request_withdrawals(
        &self,
        requests: &[WithdrawalRequest],
    ) -> Vec<RoundAnswer<StoreResult<Idempotent<Withdrawal>>>> {
        let members: Vec<&WithdrawalRequest> = requests.iter().collect();
        settle_all(&WithdrawalRequests(self.clone()), &members).await
    }

    /// Requests one queued withdrawal alone, as [`Db::request_withdrawal`]:
    /// waits (up to the statement timeout) for rows another transaction holds.
    pub async fn request_withdrawal_alone(
        &self,
        request: &WithdrawalRequest,
    ) -> StoreResult<Idempotent<Withdrawal>> {
        self.request_withdrawal(
            request.command.clone(),
            (&request.scope, &request.fingerprint),
            &request.audit,
        )
        .await
    }

    /// Runs `members` (distinct wallets, chains, keys) in one transaction;
    /// `None` when it rolled back because a key was completed meanwhile. A
    /// request whose wallet or chain head another transaction holds (or whose
    /// wallet does not exist) is `Blocked`.
    async fn withdrawal_round(
        &self,
        members: &[&WithdrawalRequest],
    ) -> RoundOutcome<Idempotent<Withdrawal>> {
        let txn = self.conn().begin().await?;
        let mut answers: Vec<Option<RoundAnswer<StoreResult<Idempotent<Withdrawal>>>>> =
            members.iter().map(|_| None).collect();
        let keys: Vec<_> = members.iter().map(|r| (&r.scope, &r.fingerprint)).collect();
        let claims = idempotency_store::claim_all_in(&txn, &keys).await?;
        let mut going = Vec::with_capacity(members.len());
        for (index, claim) in claims.into_iter().enumerate() {
            match claim {
                Some(earlier) => {
                    let answer = earlier.decode().map(Idempotent::from);
                    answers[index] = Some(RoundAnswer::Settled(answer))
                }
                None => going.push(index),
            }
        }
        let players = going.iter().map(|&i| members[i].command.player.0).collect();
        let mut wallets = lock_wallets(&txn, players).await?;
        // A wallet not obtained: locked elsewhere or missing (alone tells which).
        going.retain(|&i| {
            let obtained = wallets.contains_key(&members[i].command.player.0);
            if !obtained {
                answers[i] = Some(RoundAnswer::Blocked);
            }
            obtained
        });
        let chains: BTreeMap<String, Option<Uuid>> = going
            .iter()
            .map(|&i| (members[i].chain(), Some(members[i].command.tenant.0)))
            .collect();
        let mut heads = lock_free_heads(&txn, chains).await?;
        let requesters: Vec<_> = going
            .iter()
            .map(|&i| (members[i].command.tenant, members[i].command.player))
            .collect();
        let refusals = player_protection::withdrawal_refusals(&txn, &requesters).await?;
        let mut chunks: WriteChunks<Vec<Step>> = WriteChunks::new();
        for index in going {
            let request = members[index];
            if let Some(required) = refusals.get(&request.command.player) {
                answers[index] = Some(RoundAnswer::Settled(Err(StoreError::KycRequired(
                    *required,
                ))));
                continue;
            }
            let (Some(wallet), Some(head)) = (
                wallets.get_mut(&request.command.player.0),
                heads.remove(&request.chain()),
            ) else {
                answers[index] = Some(RoundAnswer::Blocked);
                continue;
            };
            let (batch, completions) = chunks.for_member(request.round_bytes());
            let mark = batch.mark();
            let staged = stage_request(
                batch,
                request.command.clone(),
                (&request.scope, &request.fingerprint),
                &request.audit,
                wallet,
                head,
            );
            answers[index] = Some(RoundAnswer::Settled(match staged {
                Ok((created, completion)) => {
                    completions.push(completion);
                    Ok(Idempotent::Fresh(created))
                }
                Err(error) => {
                    batch.rewind(mark);
                    Err(error)
                }
            }));
        }
        for (batch, completions) in chunks.into_inner() {
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
                .map(|answer| answer.unwrap_or_else(|| RoundAnswer::Settled(Err(unanswered()))))
                .collect(),
        ))
    }
}

/// Locks the wallets of `players` that no other transaction holds, in id
/// order, until the transaction ends; the others are left out.
async fn lock_wallets(
    txn: &DatabaseTransaction,
    players: Vec<Uuid>,
) -> StoreResult<HashMap<Uuid, LockedWallet>> {
    let select = wallet::Entity::find()
        .filter(wallet::Column::PlayerId.is_in(players))
        .order_by_asc(wallet::Column::PlayerId);
    let rows = Locking::Skip.apply(select).all(txn).await?;
    rows.iter()
        .map(|row| Ok((row.player_id, LockedWallet::from_row(row)?)))
        .collect()
}

/// Locks the heads of `chains` (chain id → tenant) that no other transaction
/// holds, without waiting on a row lock (`SKIP LOCKED`), until the transaction
/// ends: the existing ones in one statement, in chain order; chains without a
/// head get theirs created (one insert, in chain order) and locked. A head
/// another transaction holds is left out of the answer (creating one waits
/// only on a head another transaction is creating).
async fn lock_free_heads(
    txn: &DatabaseTransaction,
    chains: BTreeMap<String, Option<Uuid>>,
) -> StoreResult<HashMap<String, head::Model>> {
    let free = |ids: Vec<String>| {
        let select = head::Entity::find()
            .filter(head::Column::ChainId.is_in(ids))
            .order_by_asc(head::Column::ChainId);
        Locking::Skip.apply(select).all(txn)
    };
    let mut heads: HashMap<String, head::Model> = free(chains.keys().cloned().collect())
        .await?
        .into_iter()
        .map(|h| (h.chain_id.clone(), h))
        .collect();
    // Missing: locked elsewhere, or the chain's first event.
    let missing: Vec<(String, Option<Uuid>)> = chains
        .into_iter()
        .filter(|(chain_id, _)| !heads.contains_key(chain_id))
        .collect();
    if missing.is_empty() {
        return Ok(heads);
    }
    let ids = missing
        .iter()
        .map(|(chain_id, _)| chain_id.clone())
        .collect();
    audit::create_heads(txn, missing).await?;
    heads.extend(
        free(ids)
            .await?
            .into_iter()
            .map(|h| (h.chain_id.clone(), h)),
    );
    Ok(heads)
}
