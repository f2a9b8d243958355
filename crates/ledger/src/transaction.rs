//! Balanced ledger transactions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Account, Currency, LedgerError, Money, PlayerId, WalletDelta};

/// What a transaction records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionKind {
    /// A PSP deposit credited.
    Deposit,
    /// Available moved to held for a withdrawal.
    WithdrawalHold,
    /// Held moved back to available (rejected or cancelled withdrawal).
    WithdrawalRelease,
    /// Held paid out through the PSP.
    WithdrawalPaid,
    /// A paid-out withdrawal returned by the PSP.
    PayoutReversal,
    /// A manual correction.
    Adjustment,
    /// A bet at a game provider: available to the provider's games house.
    Bet,
    /// A win at a game provider: the provider's games house to available.
    Win,
    /// A bet reversed by its game provider: the exact inverse of the bet.
    BetRollback,
}

impl TransactionKind {
    /// Every kind.
    pub const ALL: [TransactionKind; 9] = [
        TransactionKind::Deposit,
        TransactionKind::WithdrawalHold,
        TransactionKind::WithdrawalRelease,
        TransactionKind::WithdrawalPaid,
        TransactionKind::PayoutReversal,
        TransactionKind::Adjustment,
        TransactionKind::Bet,
        TransactionKind::Win,
        TransactionKind::BetRollback,
    ];

    /// Stored name (`deposit`, `withdrawal_hold`, …), the same as its serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionKind::Deposit => "deposit",
            TransactionKind::WithdrawalHold => "withdrawal_hold",
            TransactionKind::WithdrawalRelease => "withdrawal_release",
            TransactionKind::WithdrawalPaid => "withdrawal_paid",
            TransactionKind::PayoutReversal => "payout_reversal",
            TransactionKind::Adjustment => "adjustment",
            TransactionKind::Bet => "bet",
            TransactionKind::Win => "win",
            TransactionKind::BetRollback => "bet_rollback",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Result<Self, LedgerError> {
        TransactionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| LedgerError::UnknownTransactionKind(raw.chars().take(40).collect()))
    }
}

/// A signed change of one account's balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    /// The account.
    pub account: Account,
    /// Signed change of its balance.
    pub amount: Money,
}

/// A transaction whose postings are non-zero and sum to zero per currency.
/// Only [`TransactionBuilder::build`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerTransaction {
    kind: TransactionKind,
    postings: Vec<Posting>,
}

impl LedgerTransaction {
    /// What it records.
    pub fn kind(&self) -> TransactionKind {
        self.kind
    }

    /// Its postings, in the order they were posted.
    pub fn postings(&self) -> &[Posting] {
        &self.postings
    }

    /// How this transaction changes `player`'s wallet in `currency`: the sums
    /// of its postings on the player's available and held accounts. A posting
    /// on those accounts in another currency is a
    /// [`LedgerError::CurrencyMismatch`].
    pub fn player_deltas(
        &self,
        player: PlayerId,
        currency: Currency,
    ) -> Result<WalletDelta, LedgerError> {
        let mut delta = WalletDelta {
            available: Money::zero(currency),
            held: Money::zero(currency),
        };
        for posting in &self.postings {
            let slot = match &posting.account {
                Account::PlayerAvailable(p) if *p == player => &mut delta.available,
                Account::PlayerHeld(p) if *p == player => &mut delta.held,
                _ => continue,
            };
            *slot = slot.checked_add(&posting.amount)?;
        }
        Ok(delta)
    }
}

/// Collects postings and refuses to build an unbalanced transaction.
#[derive(Debug, Clone)]
pub struct TransactionBuilder {
    kind: TransactionKind,
    postings: Vec<Posting>,
}

impl TransactionBuilder {
    /// A builder for a transaction of `kind`.
    pub fn new(kind: TransactionKind) -> Self {
        Self {
            kind,
            postings: Vec::new(),
        }
    }

    /// Adds a posting: `amount` is the signed change of `account`'s balance.
    pub fn post(mut self, account: Account, amount: Money) -> Self {
        self.postings.push(Posting { account, amount });
        self
    }

    /// The transaction, or why it is refused: no postings, a zero posting, a
    /// house account (PSP clearing, games house) posted in another currency
    /// than its own or with an empty provider, or postings that do not sum to
    /// zero per currency.
    pub fn build(self) -> Result<LedgerTransaction, LedgerError> {
        if self.postings.is_empty() {
            return Err(LedgerError::EmptyTransaction);
        }
        // Summed as exact minor units; a BTreeMap so the reported currency of
        // an unbalanced transaction does not depend on hashing.
        let mut sums: BTreeMap<Currency, i128> = BTreeMap::new();
        for posting in &self.postings {
            if posting.amount.is_zero() {
                return Err(LedgerError::ZeroPosting);
            }
            if let Account::PspClearing { provider, currency }
            | Account::GamesHouse { provider, currency } = &posting.account
            {
                if *currency != posting.amount.currency() {
                    return Err(LedgerError::CurrencyMismatch {
                        expected: *currency,
                        found: posting.amount.currency(),
                    });
                }
                // Its code would not parse back, so the posting could never be read.
                if provider.is_empty() {
                    return Err(LedgerError::InvalidAccount(posting.account.code()));
                }
            }
            let sum = sums.entry(posting.amount.currency()).or_default();
            *sum = sum
                .checked_add(posting.amount.units())
                .ok_or(LedgerError::Overflow)?;
        }
        if let Some((currency, sum)) = sums.into_iter().find(|(_, sum)| *sum != 0) {
            let sum = Money::from_units(sum, currency)?.amount();
            return Err(LedgerError::Unbalanced { currency, sum });
        }
        Ok(LedgerTransaction {
            kind: self.kind,
            postings: self.postings,
        })
    }
}

#[cfg(test)]
mod tests;
