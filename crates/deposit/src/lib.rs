//! Kasa's pure deposit rules: a deposit's stored status and what a PSP event
//! (`deposit.succeeded` / `deposit.failed`) does to it. No I/O: persistence
//! parses the stored status, asks [`decide`], and carries the decision out.

mod decision;
mod record;

pub use decision::{DepositDecision, DepositSignal, DepositStatus, decide};
pub use record::Deposit;
