//! Calls Kasa must not trust: forged signatures, sessions it never issued,
//! and a session the player revoked mid-round.

use secrecy::SecretString;
use uuid::Uuid;

use super::bet_amount;
use crate::error::PlayError;
use crate::expect::{Expected, Movement};
use crate::money::cents;
use crate::play::{Play, with_session};
use crate::provider::{Action, Signing};

/// The answer to a call signed with a secret Kasa does not know.
const BAD_SIGNATURE: Expected = Expected::Problem {
    http: 401,
    code: "invalid_signature",
};

/// A `balance` and a `bet` signed with a wrong secret: `401 invalid_signature`;
/// a correctly signed `balance` then shows nothing moved.
pub async fn bad_signature(play: &mut Play) -> Result<(), PlayError> {
    let body = play.balance_body();
    play.send(
        Action::Balance,
        &body,
        Signing::Forged,
        BAD_SIGNATURE,
        "wrong secret",
    )
    .await?;
    let round = play.ids().round();
    let amount = play.sendable(bet_amount());
    let bet = play.stake(&round, amount, false);
    let body = play.stake_body(&bet);
    play.send(
        Action::Bet,
        &body,
        Signing::Forged,
        BAD_SIGNATURE,
        "wrong secret",
    )
    .await?;
    let body = play.balance_body();
    play.send(
        Action::Balance,
        &body,
        Signing::Valid,
        Expected::still("ok"),
        "the forged bet moved nothing",
    )
    .await?;
    Ok(())
}

/// A `bet` and a `balance` carrying a token Kasa never issued: `session_invalid`,
/// and no balance, since no player is known.
pub async fn unknown_session(play: &mut Play) -> Result<(), PlayError> {
    // URL-safe and 43 characters long, like a real token: only Kasa's not knowing it fails.
    let unknown = SecretString::from(format!("mg-unknown-{}", Uuid::now_v7().simple()));
    let expected = Expected::UnknownPlayer {
        status: "session_invalid",
    };
    let round = play.ids().round();
    let amount = play.sendable(bet_amount());
    let bet = play.stake(&round, amount, false);
    let body = with_session(play.stake_body(&bet), &unknown);
    play.send(
        Action::Bet,
        &body,
        Signing::Valid,
        expected,
        "unknown session",
    )
    .await?;
    let body = with_session(play.balance_body(), &unknown);
    play.send(
        Action::Balance,
        &body,
        Signing::Valid,
        expected,
        "unknown session",
    )
    .await?;
    Ok(())
}

/// A round begun, then the session revoked: the round's win still applies,
/// while a new bet and a balance call answer `session_invalid`.
pub async fn revoked_session(play: &mut Play) -> Result<(), PlayError> {
    let round = play.ids().round();
    let amount = play.sendable(bet_amount());
    play.ensure_affords(amount)?;
    let bet = play.stake(&round, amount, false);
    let body = play.stake_body(&bet);
    play.send(
        Action::Bet,
        &body,
        Signing::Valid,
        Expected::ok(Movement::Debit(amount)),
        "bet before the revocation",
    )
    .await?;
    play.revoke_session().await?;
    let win = play.stake(&round, cents(250), true);
    let body = play.stake_body(&win);
    play.send(
        Action::Win,
        &body,
        Signing::Valid,
        Expected::ok(Movement::Credit(win.amount)),
        "win after the revocation",
    )
    .await?;
    let next_round = play.ids().round();
    let bet = play.stake(&next_round, amount, false);
    let body = play.stake_body(&bet);
    play.send(
        Action::Bet,
        &body,
        Signing::Valid,
        Expected::still("session_invalid"),
        "bet after the revocation",
    )
    .await?;
    let body = play.balance_body();
    play.send(
        Action::Balance,
        &body,
        Signing::Valid,
        Expected::still("session_invalid"),
        "balance after the revocation",
    )
    .await?;
    Ok(())
}
