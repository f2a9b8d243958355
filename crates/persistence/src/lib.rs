//! Kasa's storage layer (sea-orm, PostgreSQL or SQLite).
//!
//! Each public method on [`Db`] is one use-case in one database transaction.
//! Balance changes go through `ledger_writer` only: it locks the wallet row,
//! asks the pure `ledger` crate whether the movement is allowed, and writes the
//! balanced transaction, its postings and the wallet projection together.
//! House accounts (PSP clearing) have no balance row: their balances are sums
//! of postings, so deposits of different players never wait on a shared row.

mod accounts;
mod anomalies;
pub mod audit;
pub mod batching;
mod clock;
mod completion;
mod db;
mod deposits;
pub mod entities;
mod error;
pub mod games;
pub mod idempotency_store;
mod inbox;
pub mod jobs;
mod joined;
mod keys;
mod ledger_writer;
mod mapping;
mod outcome;
mod pagination;
mod payouts;
mod player_protection;
pub mod psp_accounts;
pub mod reconciliation;
pub mod records;
mod scope;
mod snapshot;
mod system_actor;
mod verify;
mod wallets;
mod webhooks;
mod withdrawal_audit;
mod withdrawal_commands;
mod withdrawal_rounds;
mod withdrawals;
mod write_batch;

pub use accounts::{AdminAccount, NewAdmin, NewPlayer};
pub use batching::{RoundAnswer, Rounds};
pub use clock::Clock;
pub use completion::Completion;
pub use db::{Db, DbSettings};
pub use deposits::{DepositFilter, NewDeposit, PspAnswer};
pub use error::{StoreError, StoreResult};
pub use inbox::EventOutcome;
pub use outcome::{Idempotent, Refusal, Replayed};
pub use pagination::{PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, Page, PageRequest};
pub use payouts::{PayoutEvent, PayoutReply, StartedPayout};
pub use player_protection::{LimitChange, PlayerAccount};
pub use scope::TenantScope;
pub use verify::{LedgerReport, Mismatch};
pub use webhooks::{DEPOSIT_ROUND_BYTES_MAX, DepositEvent, DepositEvents};
pub use withdrawal_commands::WithdrawalAction;
pub use withdrawal_rounds::{WITHDRAWAL_ROUND_BYTES_MAX, WithdrawalRequest, WithdrawalRequests};
pub use withdrawals::{RequestWithdrawal, Visibility, WithdrawalFilter};
pub use write_batch::ROUND_BYTES_MAX;
