//! Kasa's game-wallet rules, pure: no I/O, no clock, no storage.
//!
//! Game providers call Kasa for every bet, win and rollback of a player's
//! game round (see the contract's "Game wallet" section). These are the
//! rules for one such call; storage reads what [`decide()`] needs, locks it,
//! and writes what it decides in one database transaction.
//!
//! * Edge types, parsed once: [`ProviderSlug`], [`ProviderTransactionId`],
//!   [`RoundId`], [`GameCode`], [`SessionToken`] (its `Debug` is masked).
//! * [`GameStatus`]: the contract's answer codes.
//! * [`GameMessage`]: what a call asks (bet, win, rollback).
//! * What storage knows: [`StoredTransaction`] (a row per provider
//!   transaction id, in a [`GameTxState`]), [`RoundState`],
//!   [`SessionState`], [`PlayerGate`], the available balance, and the call's
//!   [`BodyFingerprint`].
//! * [`decide()`]: one [`GameInput`] in, one [`GameDecision`] out; an
//!   accepted call is a [`Plan`] whose [`Movement`] becomes a balanced ledger
//!   transaction ([`Plan::ledger_transaction`]).
//!
//! **The transaction state machine.** A provider transaction id is unique per
//! (tenant, provider) forever, and its row is the dedupe:
//!
//! ```text
//!        bet/win/rollback accepted            rollback naming this bet
//! none ─────────────────────────────▶ applied ─────────────────────────▶ rolled_back
//!   │    refused (stored statuses)
//!   ├──────────────────────────────▶ refused
//!   │    named by a rollback before Kasa saw it
//!   └──────────────────────────────▶ tombstone
//! ```
//!
//! A second call with an id already stored moves nothing: the same body is
//! answered the first status, another body `transaction_mismatch`, and a bet
//! on a tombstone `transaction_rolled_back`.
//!
//! | call (no row with its id yet)        | answer                 | money (available)    | rows and round                        |
//! |--------------------------------------|------------------------|----------------------|---------------------------------------|
//! | bet, session ended                   | `session_invalid`      | —                    | nothing stored                        |
//! | bet, other currency                  | `currency_mismatch`    | —                    | refused row                           |
//! | bet, round closed                    | `round_closed`         | —                    | refused row                           |
//! | bet, player blocked                  | `player_blocked`       | —                    | refused row                           |
//! | bet, over a limit                    | `limit_reached`        | —                    | refused row                           |
//! | bet, above available                 | `insufficient_funds`   | —                    | refused row                           |
//! | bet                                  | `ok`                   | −amount (`bet`)      | applied row; closes round if asked    |
//! | win, other currency                  | `currency_mismatch`    | —                    | refused row                           |
//! | win (any session, closed round too)  | `ok`                   | +amount (`win`)      | applied row; round has a win if > 0   |
//! | rollback of itself                   | `not_rollbackable`     | —                    | refused row                           |
//! | rollback, reference never seen       | `ok`                   | —                    | applied row; tombstone for reference  |
//! | rollback of tombstone/refused/rolled-back bet | `ok`          | —                    | applied row                           |
//! | rollback of a win or a rollback      | `not_rollbackable`     | —                    | refused row                           |
//! | rollback of another player's bet     | `not_rollbackable`     | —                    | refused row                           |
//! | rollback of a bet in a round with a win | `not_rollbackable`  | —                    | refused row                           |
//! | rollback of an applied bet           | `ok`                   | +bet (`bet_rollback`) | applied row; the bet is rolled back  |
//!
//! So a transaction id moves money at most once, a bet is reversed at most
//! once and exactly by its amount, and no call ever takes more than
//! `available`.

mod decide;
mod error;
mod fingerprint;
mod ids;
mod message;
mod plan;
mod state;
mod status;

pub use decide::{GameInput, decide};
pub use error::GameInputError;
pub use fingerprint::BodyFingerprint;
pub use ids::{
    GAME_CODE_LEN_MAX, GameCode, PROVIDER_SLUG_LEN_MAX, ProviderSlug, ProviderTransactionId,
    ROUND_ID_LEN_MAX, RoundId, SESSION_TOKEN_LEN_MAX, SESSION_TOKEN_LEN_MIN, SessionToken,
    TRANSACTION_ID_LEN_MAX,
};
pub use message::GameMessage;
pub use plan::{Direction, GameDecision, Movement, MovementKind, Plan, ReferenceChange};
pub use state::{GameTxKind, GameTxState, PlayerGate, RoundState, SessionState, StoredTransaction};
pub use status::GameStatus;
