//! Kasa's player-protection rules, pure: no I/O, no clock, no storage.
//!
//! The contract's "Tenant policy", limits, exclusions, KYC and dual-approval
//! rules. Storage reads what a rule needs (the tenant's policy, the player's
//! limits, exclusions, KYC status and sums per window), the rules answer,
//! and storage writes what they decide. The clock is always a parameter
//! `now`.
//!
//! * [`TenantPolicy`]: a valid policy (`Default` is the contract's
//!   defaults, which keep v1 behaviour), read from its JSON form
//!   [`PolicyBody`] once, with a [`PolicyError`] naming the wrong field.
//!   `cooling_off_hours` is `0..=720` ([`COOLING_OFF_HOURS_MAX`], 30 days:
//!   the longest window); thresholds are positive, at most
//!   [`THRESHOLD_AMOUNT_MAX`], one per currency; [`GatedAction`]s appear
//!   once each.
//! * [`PlayerLimits`]: [`Limit`]s and [`PendingChange`]s per
//!   ([`LimitKind`], [`LimitPeriod`]); [`PlayerLimits::request_change`],
//!   [`PlayerLimits::effective_at`], [`PlayerLimits::check_deposit`],
//!   [`PlayerLimits::check_bet`] against the caller's [`Totals`].
//! * [`Exclusion`]s ([`ExclusionKind`]): [`request_exclusion`], [`blocked`].
//! * [`KycStatus`]: [`kyc_gate`], [`kyc_deposit_gate`].
//! * [`needs_dual_approval`], [`player_may_cancel`].
//! * The gates, one per action, in a fixed order ([`Gate`]):
//!   [`deposit_gate`], [`bet_gate`], [`game_session_gate`],
//!   [`withdrawal_gate`].
//!
//! **The rules.**
//!
//! | rule | when | refusal |
//! |------|------|---------|
//! | exclusion | a timeout (1–42 days) or self-exclusion (180–1825 days) is active | deposit, game session: `403 player_blocked`; bet: `player_blocked`. Login, wallet, history, withdrawals unaffected |
//! | KYC, listed action | the action is in `kyc_required_for` and the player is not `verified` | `403 kyc_required` (game: when creating a session) |
//! | KYC, deposit threshold | deposits of the last 30 days + this one are **above** `kyc_deposit_threshold` (reaching it is fine) and the player is not `verified` | `403 kyc_required` |
//! | deposit limit | deposits (gross, not failed) in the window + this one are above the limit | `422 limit_reached`, nothing created |
//! | loss limit | bets − wins − rollbacks in the window + this bet are above the limit | `limit_reached` |
//! | wager limit | bets − rollbacks in the window + this bet are above the limit | `limit_reached` |
//! | dual approval | a withdrawal at or above `dual_approval_threshold` for its currency | needs two different admins |
//! | player cancel | `player_cancel_allowed: false` | the player's cancel is refused |
//!
//! Gates answer in this order: input errors ([`CheckError`]), then an
//! exclusion, then KYC, then limits; the first refusal wins.
//!
//! **Limit changes.** Windows roll: the last 24 hours, 7 days, 30 days at
//! `now`. A new or lower limit applies at once; a higher one or a removal
//! waits `cooling_off_hours` (listed as pending until then, due exactly at
//! `effective_at`):
//!
//! ```text
//!            new / lower: at once        higher / removal
//! (none) ─────────────────────▶ limit ─────────────────────▶ limit + pending
//!                                  ▲                              │
//!                                  │ lower / equal: at once,      │ now >= effective_at
//!                                  │ pending dropped              ▼
//!                                  └──────────────────────── raised / removed
//! ```
//!
//! An empty `kyc_required_for` or threshold map switches that rule off.

mod error;
mod exclusions;
mod gate;
mod kyc;
mod limits;
mod names;
mod policy;

pub use error::{
    CheckError, ExclusionError, PolicyError, PolicyField, ThresholdError, UnknownName,
};
pub use exclusions::{Exclusion, ExclusionKind, NewExclusion, blocked, request_exclusion};
pub use gate::{
    Gate, PlayerProtection, bet_gate, deposit_gate, game_session_gate, withdrawal_gate,
};
pub use kyc::{KycCheck, KycRequired, KycStatus, kyc_deposit_gate, kyc_gate};
pub use limits::{
    ChangeOutcome, Limit, LimitCheck, LimitKind, LimitPeriod, LimitReached, PendingChange,
    PlayerLimits, Totals,
};
pub use policy::{
    COOLING_OFF_HOURS_DEFAULT, COOLING_OFF_HOURS_MAX, GatedAction, PolicyBody,
    THRESHOLD_AMOUNT_MAX, TenantPolicy, ThresholdEntries, Thresholds, needs_dual_approval,
    player_may_cancel,
};
