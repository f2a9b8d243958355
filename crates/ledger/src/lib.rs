//! Kasa's pure double-entry ledger.
//!
//! * [`Currency`] and [`Money`]: an amount that can never have more fraction
//!   digits than its currency allows; checked arithmetic, no floats.
//! * [`Account`]: player accounts (available, held) and house accounts (PSP
//!   clearing, games house; each per provider and currency).
//! * [`TransactionBuilder`]: a ledger transaction whose postings sum to zero
//!   per currency, or an error.
//! * [`WalletBalance`]: the wallet rules (available and held never negative).
//!
//! **Sign convention.** A posting's amount is the signed change of its
//! account's balance. Player accounts are positive when the player has money;
//! house accounts carry the contra amounts. Every transaction sums to zero per
//! currency, so the sum over all accounts is always zero. House balances are
//! derived by summing postings — there is no house balance row to lock.

mod account;
mod currency;
mod error;
mod ids;
mod money;
mod money_serde;
mod recipes;
mod transaction;
mod wallet;

pub use account::Account;
pub use currency::Currency;
pub use error::LedgerError;
pub use ids::{AdminId, AttemptId, DepositId, PlayerId, RunId, TenantId, WithdrawalId};
pub use money::Money;
pub use recipes::{
    bet, bet_rollback, deposit, payout_reversal, win, withdrawal_hold, withdrawal_paid,
    withdrawal_release,
};
pub use transaction::{LedgerTransaction, Posting, TransactionBuilder, TransactionKind};
pub use wallet::{WalletBalance, WalletDelta};
