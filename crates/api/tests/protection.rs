//! Player protection over real HTTP on SQLite and PostgreSQL: the tenant
//! policy, KYC status and its gates, timeouts and self-exclusions, deposit,
//! loss and wager limits, and dual approval of large withdrawals.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[path = "protection/approvals.rs"]
mod approvals;
#[path = "protection/exclusions.rs"]
mod exclusions;
#[path = "protection/kyc.rs"]
mod kyc;
#[path = "protection/limits.rs"]
mod limits;
#[path = "protection/policy.rs"]
mod policy;
#[path = "protection/support.rs"]
mod support;
