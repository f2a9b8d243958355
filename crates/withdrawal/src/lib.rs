//! Kasa's withdrawal state machine, pure: no I/O, no clock, no storage.
//!
//! The contract:
//!
//! ```text
//! requested -> approved -> payout_pending -> paid -> reversed
//! requested -> awaiting_second_approval -> approved                 (dual approval)
//!                          payout_pending -> payout_failed -> payout_pending   (retry)
//! requested | awaiting_second_approval | approved | payout_failed -> rejected
//! requested -> cancelled
//! ```
//!
//! * [`WithdrawalState`]: where a withdrawal is; `rejected`, `cancelled` and
//!   `reversed` are terminal.
//! * [`Command`]: what is asked of it (by the player, an operator or the
//!   payout pipeline).
//! * [`transition()`]: the one table of allowed `(state, command)` pairs; every
//!   other pair is [`WithdrawalError::InvalidTransition`].
//! * [`approval_command`]: which approve command an admin's approval is
//!   (the only one, the first of two, or the second by another admin:
//!   [`WithdrawalError::SameApprover`] otherwise).
//! * [`Effect`]: the ledger movement an allowed transition makes, turned into
//!   a balanced [`ledger::LedgerTransaction`] by
//!   [`Effect::ledger_transaction`].
//!
//! Money per transition (amount `a`):
//!
//! | transition                             | effect              | wallet                |
//! |----------------------------------------|---------------------|-----------------------|
//! | request                                | [`Effect::Hold`]    | available −a, held +a |
//! | reject, cancel                         | [`Effect::Release`] | held −a, available +a |
//! | approve (first or second), start payout, payout failed | none | unchanged |
//! | payout outcome unknown                 | none                | unchanged             |
//! | payout succeeded (→ `paid`), once      | [`Effect::Settle`]  | held −a               |
//! | reverse (the PSP returned the money)   | [`Effect::Reverse`] | available +a          |
//!
//! The caller applies a transition's effect in the same database transaction
//! that stores the new state, so state and money never disagree.

mod approval;
mod command;
mod destination;
mod effect;
mod error;
mod record;
mod state;
mod transition;

pub use approval::{FirstApproval, approval_command};
pub use command::Command;
pub use destination::{
    DESTINATION_ACCOUNT_LEN_MAX, DESTINATION_KIND_LEN_MAX, Destination, DestinationError,
};
pub use effect::Effect;
pub use error::WithdrawalError;
pub use record::Withdrawal;
pub use state::WithdrawalState;
pub use transition::{Transition, transition};
