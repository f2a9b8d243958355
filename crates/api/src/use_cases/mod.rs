//! The use-cases that call the PSP between two database transactions.
//!
//! Each takes a command of domain values, the key's [`Lease`] and the audit
//! context, and answers the domain value the idempotent runner stores and the
//! route renders. The shape is always the same: a first transaction creates
//! (or, on a retry of the same key, finds) the resource; the PSP is called
//! with no transaction open and the lease renewed while it takes; a second
//! transaction records the answer and completes the key. What the PSP's
//! answers mean is written here once; the rules that follow from them are in
//! the pure crates (`deposit`, `payout`).
//!
//! [`Lease`]: persistence::idempotency_store::Lease

mod deposit;
mod payout;

pub use deposit::{RequestDeposit, request_deposit};
pub use payout::{recheck_payout, start_payout};
