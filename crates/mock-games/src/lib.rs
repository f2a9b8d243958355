//! `mock-games`: a game-provider simulator, as `mock-psp` is for the PSP.
//!
//! It plays scripted rounds against Kasa's seamless game wallet (the
//! contract's "Game wallet" section) the way a game provider would: it logs
//! in as a player, opens a game session, and sends signed `balance`, `bet`,
//! `win` and `rollback` calls, checking every answer's status and balance
//! against what the contract says.
//!
//! * [`signing`]: the `Kasa-Signature` header of a provider call, and masking.
//! * [`answer`]: an answer read into the fields the checks use.
//! * [`bodies`]: the JSON bodies of the calls.
//! * [`money`]: decimal amounts written with the wallet currency's digits.
//! * [`ids`]: fresh transaction and round ids for every run.
//! * [`expect`]: the balance the simulator expects, and the check of each answer.
//! * [`report`]: the one line printed per call.
//! * [`player`] and [`provider`]: the HTTP clients (player API, game-wallet calls).
//! * [`play`]: one session's calls, each sent, printed and checked.
//! * [`scripts`]: the scenarios (`normal`, `all`).
//! * [`run`]: a whole run, from login to the final wallet check.

pub mod answer;
pub mod bodies;
pub mod error;
pub mod expect;
pub mod ids;
pub mod money;
pub mod play;
pub mod player;
pub mod provider;
pub mod report;
pub mod run;
pub mod scripts;
pub mod signing;

pub use answer::Answer;
pub use error::PlayError;
pub use expect::{Expected, Movement, Tracker};
pub use play::Play;
pub use run::{Config, run};
pub use scripts::{Outcome, Script};
