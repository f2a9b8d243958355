//! Ids of the records that cross the storage border: one newtype each, all
//! declared in `ledger::ids`, re-exported here beside the records that use them.

pub use ledger::{AdminId, RunId, TenantId};
