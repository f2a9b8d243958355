//! Kasa's payout attempt rules, pure: no I/O, no clock, no storage.
//!
//! A withdrawal is paid out through one or more *attempts* with a PSP. The
//! rules:
//!
//! * An attempt is `pending`, `succeeded`, `failed` or `unknown`
//!   ([`AttemptStatus`]); `succeeded` and `failed` are terminal.
//! * The PSP's answer to a payout request decides the new attempt's status
//!   ([`attempt_after_reply`]): a `2xx` carries the status, a `4xx` is a
//!   decline (failed), and a `5xx`, a timeout or a connection error leaves
//!   the outcome `unknown`.
//! * At most one non-terminal attempt per withdrawal ([`check_can_start`]):
//!   an `unknown` attempt may have reached the bank, so another attempt could
//!   pay twice.
//! * An attempt is settled by what the PSP later says about it — a webhook or
//!   a recheck, both through [`resolve`]: never by starting another attempt.
//!   A terminal attempt never changes; a contradicting late event is an
//!   [`Resolution::Anomaly`] for operations. A reversal (`payout.reversed`)
//!   only follows a success.

mod attempt;
mod error;
mod observation;
mod reply;
mod resolution;
mod start;
mod status;

pub use attempt::PayoutAttempt;
pub use error::PayoutError;
pub use observation::Observation;
pub use reply::{DEFAULT_FAILURE_CODE, PspReply, ReportedStatus, attempt_after_reply};
pub use resolution::{Resolution, resolve};
pub use start::check_can_start;
pub use status::AttemptStatus;
