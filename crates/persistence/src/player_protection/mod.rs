//! Player protection's storage: each tenant's policy ([`Db::tenant_policy`],
//! [`Db::set_tenant_policy`]), players' KYC status
//! ([`Db::set_kyc_status`]), their timeouts and self-exclusions
//! ([`Db::exclude_player`]), their limits ([`Db::set_player_limit`]), and what the gates of deposits, game sessions,
//! withdrawals and bets read (`gates`). The rules are the pure `protection`
//! crate's: storage reads what they need inside the use-case's transaction,
//! asks them, and turns a refusal into a [`crate::StoreError`]
//! (`PlayerBlocked`, `KycRequired`, `LimitReached`) before anything is
//! written.
//!
//! [`Db::tenant_policy`]: crate::Db::tenant_policy
//! [`Db::set_tenant_policy`]: crate::Db::set_tenant_policy
//! [`Db::set_kyc_status`]: crate::Db::set_kyc_status
//! [`Db::exclude_player`]: crate::Db::exclude_player
//! [`Db::set_player_limit`]: crate::Db::set_player_limit

mod exclusions;
mod game_windows;
mod gates;
mod kyc;
mod limits;
mod policy;
mod window_sums;

pub(crate) use exclusions::{exclusions_not_ended, exclusions_not_ended_of};
pub(crate) use game_windows::{HourDeltas, limits_with_game_totals};
pub(crate) use gates::{check_deposit, check_game_session, checked, withdrawal_refusals};
pub use kyc::PlayerAccount;
pub use limits::LimitChange;
pub(crate) use limits::limits_of;
pub(crate) use policy::policy_of;
