//! The one place where balances change: lock the wallet row, ask the ledger
//! whether the movement is allowed, write the balanced transaction and its
//! postings, and update the wallet projection — all inside the caller's
//! database transaction, so either everything is committed or nothing is.

use chrono::Utc;
use ledger::{Currency, LedgerTransaction, Money, PlayerId, WalletBalance};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use crate::entities::{ledger_posting, ledger_transaction, wallet};
use crate::error::{StoreError, StoreResult};
use crate::write_batch::WriteBatch;

/// What caused a movement; stored on the ledger transaction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MovementCause {
    /// Kind of the causing record (`deposit`, `withdrawal`).
    pub reference_type: &'static str,
    /// Id of the causing record.
    pub reference_id: Uuid,
}

/// A wallet row read under `SELECT … FOR UPDATE`.
pub(crate) struct LockedWallet {
    pub tenant_id: Uuid,
    pub player: PlayerId,
    pub balance: WalletBalance,
    /// Whether a movement changed `balance` since the row was read.
    moved: bool,
}

impl LockedWallet {
    /// A wallet row the caller read under its lock.
    pub(crate) fn from_row(row: &wallet::Model) -> StoreResult<Self> {
        Ok(Self {
            tenant_id: row.tenant_id,
            player: PlayerId(row.player_id),
            balance: balance_of(row)?,
            moved: false,
        })
    }

    /// Whether a staged movement changed the balance read under the lock.
    pub(crate) fn moved(&self) -> bool {
        self.moved
    }
}

/// Locks the player's wallet row until the transaction ends.
pub(crate) async fn lock_wallet(
    txn: &DatabaseTransaction,
    player: PlayerId,
) -> StoreResult<LockedWallet> {
    let row = wallet::Entity::find_by_id(player.0)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(StoreError::NotFound("wallet"))?;
    LockedWallet::from_row(&row)
}

/// Reads a wallet row's balances as money.
pub(crate) fn balance_of(row: &wallet::Model) -> StoreResult<WalletBalance> {
    let currency = Currency::parse(&row.currency)?;
    Ok(WalletBalance::new(
        Money::from_minor_units(row.available_minor, currency),
        Money::from_minor_units(row.held_minor, currency),
    )?)
}

/// Applies `tx` to the locked wallet and adds transaction, postings and the
/// new projection to `batch`, for the caller to send with the rest of its
/// use-case (see `write_batch`). `amount` is the size of the movement shown in
/// history. The wallet's balance in memory is updated now; the caller must run
/// the batch before it commits.
pub(crate) fn stage(
    batch: &mut WriteBatch,
    wallet: &mut LockedWallet,
    tx: &LedgerTransaction,
    amount: Money,
    cause: MovementCause,
) -> StoreResult<WalletBalance> {
    let after = stage_movement(batch, wallet, tx, amount, cause)?;
    stage_projection(batch, wallet)?;
    Ok(after)
}

/// Like [`stage`] without the projection: for use-cases that move one wallet
/// several times in one transaction and write its row once at the end with
/// [`stage_projection`] (one statement must not update a row twice).
pub(crate) fn stage_movement(
    batch: &mut WriteBatch,
    wallet: &mut LockedWallet,
    tx: &LedgerTransaction,
    amount: Money,
    cause: MovementCause,
) -> StoreResult<WalletBalance> {
    let mut rows = LedgerRows::default();
    let after = rows.stage(wallet, tx, amount, cause)?;
    rows.write_to(batch);
    Ok(after)
}

/// The ledger rows of several movements, written as one insert of
/// transactions and one of postings ([`LedgerRows::write_to`]) however many
/// movements there are: a round of many movements stays a short statement.
#[derive(Default)]
pub(crate) struct LedgerRows {
    transactions: Vec<ledger_transaction::ActiveModel>,
    postings: Vec<ledger_posting::ActiveModel>,
}

impl LedgerRows {
    /// Applies `tx` to the locked wallet (its balance in memory changes now,
    /// its row is written by [`stage_projection`]) and keeps the
    /// transaction and its postings for [`LedgerRows::write_to`].
    pub(crate) fn stage(
        &mut self,
        wallet: &mut LockedWallet,
        tx: &LedgerTransaction,
        amount: Money,
        cause: MovementCause,
    ) -> StoreResult<WalletBalance> {
        let after = wallet.balance.apply(wallet.player, tx)?;
        let now = Utc::now();
        let transaction_id = Uuid::now_v7();
        self.transactions.push(ledger_transaction::ActiveModel {
            id: Set(transaction_id),
            tenant_id: Set(wallet.tenant_id),
            kind: Set(tx.kind().as_str().to_owned()),
            player_id: Set(Some(wallet.player.0)),
            currency: Set(amount.currency().code().to_owned()),
            amount_minor: Set(amount.to_minor_units()?),
            available_after_minor: Set(Some(after.available().to_minor_units()?)),
            held_after_minor: Set(Some(after.held().to_minor_units()?)),
            reference_type: Set(cause.reference_type.to_owned()),
            reference_id: Set(cause.reference_id),
            created_at: Set(now),
        });
        for posting in tx.postings() {
            self.postings.push(ledger_posting::ActiveModel {
                id: Set(Uuid::now_v7()),
                transaction_id: Set(transaction_id),
                tenant_id: Set(wallet.tenant_id),
                account: Set(posting.account.code()),
                player_id: Set(posting.account.player().map(|p| p.0)),
                currency: Set(posting.amount.currency().code().to_owned()),
                amount_minor: Set(posting.amount.to_minor_units()?),
                created_at: Set(now),
            });
        }
        wallet.balance = after;
        wallet.moved = true;
        Ok(after)
    }

    /// Adds the kept rows to `batch`: the transactions, then their postings.
    pub(crate) fn write_to(self, batch: &mut WriteBatch) {
        if !self.transactions.is_empty() {
            batch.insert(ledger_transaction::Entity::insert_many(self.transactions));
        }
        if !self.postings.is_empty() {
            batch.insert(ledger_posting::Entity::insert_many(self.postings));
        }
    }
}

/// Adds the wallet row's update to its balance in memory to `batch`.
pub(crate) fn stage_projection(batch: &mut WriteBatch, wallet: &LockedWallet) -> StoreResult<()> {
    batch.update(
        wallet::Entity::update_many()
            .col_expr(
                wallet::Column::AvailableMinor,
                Expr::value(wallet.balance.available().to_minor_units()?),
            )
            .col_expr(
                wallet::Column::HeldMinor,
                Expr::value(wallet.balance.held().to_minor_units()?),
            )
            .col_expr(wallet::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(wallet::Column::PlayerId.eq(wallet.player.0)),
    );
    Ok(())
}
