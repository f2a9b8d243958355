//! Kasa's pure reconciliation rules: what status Kasa reports for its
//! deposits and payouts, how its records are matched against a PSP's report,
//! and whether the PSP clearing accounts moved as the report implies. No I/O:
//! persistence reads the rows (parsing their stored statuses) and writes the
//! findings.

mod clearing;
mod finding;
mod matching;
mod record;

pub use clearing::{clearing_differences, psp_clearing_movement};
pub use finding::{Finding, FindingKind, UnreadableLine};
pub use matching::{compare, reconcile};
pub use record::{KasaDeposit, KasaPayout, Record, RecordType, payout_status};
