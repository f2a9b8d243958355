//! Kasa's withdrawal state machine, pure: no I/O, no clock, no storage.
//!
//! The contract:
//!
//! ```text
//! requested -> approved -> payout_pending -> paid -> reversed
//!                          payout_pending -> payout_failed -> payout_pending   (retry)
//! requested | approved | payout_failed -> rejected
//! requested -> cancelled
//! ```
//!
//! * [`WithdrawalState`]: where a withdrawal is; `rejected`, `cancelled` and
//!   `reversed` are terminal.
//! * [`Command`]: what is asked of it (by the player, an operator or the
//!   payout pipeline).
//! * [`transition()`]: the one table of allowed `(state, command)` pairs; every
//!   other pair is [`WithdrawalError::InvalidTransition`].
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
//! | approve, start payout, payout failed   | none                | unchanged             |
//! | payout outcome unknown                 | none                | unchanged             |
//! | payout succeeded (→ `paid`), once      | [`Effect::Settle`]  | held −a               |
//! | reverse (the PSP returned the money)   | [`Effect::Reverse`] | available +a          |
//!
//! The caller applies a transition's effect in the same database transaction
//! that stores the new state, so state and money never disagree.

mod command;
mod destination;
mod effect;
mod error;
mod record;
mod state;
mod transition;

pub use command::Command;
pub use destination::{
    DESTINATION_ACCOUNT_LEN_MAX, DESTINATION_KIND_LEN_MAX, Destination, DestinationError,
};
pub use effect::Effect;
pub use error::WithdrawalError;
pub use record::Withdrawal;
pub use state::WithdrawalState;
pub use transition::{Transition, transition};
