//! sea-orm entities, one module per table.

pub mod admin_user;
pub mod anomaly;
pub mod audit_chain_head;
pub mod audit_event;
pub mod deposit;
pub mod game_provider;
pub mod game_round;
pub mod game_session;
pub mod game_transaction;
pub mod idempotency_record;
pub mod job;
pub mod ledger_posting;
pub mod ledger_transaction;
pub mod payout_attempt;
pub mod player;
pub mod player_exclusion;
pub mod player_game_hour;
pub mod player_limit;
pub mod psp_account;
pub mod psp_event;
pub mod reconciliation_finding;
pub mod reconciliation_run;
pub mod tenant;
pub mod tenant_policy;
pub mod wallet;
pub mod withdrawal;
