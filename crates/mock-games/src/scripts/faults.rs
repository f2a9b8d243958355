//! What goes wrong between a provider and a wallet: lost answers, repeated
//! deliveries, reused ids, late messages, and calls the wallet must refuse.

use super::bet_amount;
use crate::error::PlayError;
use crate::expect::{Expected, Movement};
use crate::money::cents;
use crate::play::Play;
use crate::provider::{Action, Signing};

/// How often a duplicated bet is delivered.
const DELIVERIES: usize = 3;

/// A bet whose answer is lost: the provider rolls it back. The balance shows
/// the bet's debit once, the rollback credits it back once, and a repeated
/// rollback moves nothing.
pub async fn lost_bet_rolled_back(play: &mut Play) -> Result<(), PlayError> {
    let round = play.ids().round();
    let amount = play.sendable(bet_amount());
    play.ensure_affords(amount)?;
    let bet = play.stake(&round, amount, false);
    let body = play.stake_body(&bet);
    play.send_and_lose(Action::Bet, &body, "lost answer")
        .await?;
    let body = play.balance_body();
    play.send(
        Action::Balance,
        &body,
        Signing::Valid,
        Expected::ok(Movement::Debit(amount)),
        "the lost bet was debited once",
    )
    .await?;
    let rollback_id = play.ids().transaction();
    let body = play.rollback_body(&rollback_id, &bet.transaction_id, &round);
    play.send(
        Action::Rollback,
        &body,
        Signing::Valid,
        Expected::ok(Movement::Credit(amount)),
        "rollback of the lost bet",
    )
    .await?;
    play.send(
        Action::Rollback,
        &body,
        Signing::Valid,
        Expected::still("ok"),
        "rollback delivered again",
    )
    .await?;
    Ok(())
}

/// One bet delivered three times (one debit, one `kasa_transaction_id`), its
/// round closed by a win delivered twice; then the bet's id with another
/// amount (`transaction_mismatch`) and a new bet on the closed round
/// (`round_closed`).
pub async fn duplicate_deliveries(play: &mut Play) -> Result<(), PlayError> {
    let round = play.ids().round();
    let amount = play.sendable(bet_amount());
    play.ensure_affords(amount)?;
    let bet = play.stake(&round, amount, false);
    let body = play.stake_body(&bet);
    let mut kasa_ids = Vec::with_capacity(DELIVERIES);
    for delivery in 1..=DELIVERIES {
        let expected = if delivery == 1 {
            Expected::ok(Movement::Debit(amount))
        } else {
            Expected::still("ok")
        };
        let note = format!("bet delivery {delivery}/{DELIVERIES}");
        let answer = play
            .send(Action::Bet, &body, Signing::Valid, expected, &note)
            .await?;
        kasa_ids.push(answer.kasa_transaction_id);
    }
    let first = kasa_ids.first().cloned().flatten();
    if first.is_none() || kasa_ids.iter().any(|id| *id != first) {
        return Err(PlayError::Unexpected {
            call: play.calls(),
            action: "bet (duplicate deliveries)".to_owned(),
            detail: format!(
                "expected one kasa_transaction_id for every delivery, got {kasa_ids:?}"
            ),
        });
    }

    let win = play.stake(&round, cents(250), true);
    let body = play.stake_body(&win);
    play.send(
        Action::Win,
        &body,
        Signing::Valid,
        Expected::ok(Movement::Credit(win.amount)),
        "win closing the round",
    )
    .await?;
    play.send(
        Action::Win,
        &body,
        Signing::Valid,
        Expected::still("ok"),
        "win delivered again",
    )
    .await?;

    let mut changed = bet.clone();
    changed.amount = play.sendable(amount + cents(100));
    let body = play.stake_body(&changed);
    play.send(
        Action::Bet,
        &body,
        Signing::Valid,
        Expected::still("transaction_mismatch"),
        "same id, other amount",
    )
    .await?;

    let late = play.stake(&round, amount, false);
    let body = play.stake_body(&late);
    play.send(
        Action::Bet,
        &body,
        Signing::Valid,
        Expected::still("round_closed"),
        "bet on the closed round",
    )
    .await?;
    Ok(())
}

/// A rollback that arrives before its bet: `ok`, nothing moves; the late bet
/// is refused `transaction_rolled_back` and nothing moves either.
pub async fn early_rollback(play: &mut Play) -> Result<(), PlayError> {
    let round = play.ids().round();
    let amount = play.sendable(bet_amount());
    let bet = play.stake(&round, amount, false);
    let rollback_id = play.ids().transaction();
    let body = play.rollback_body(&rollback_id, &bet.transaction_id, &round);
    play.send(
        Action::Rollback,
        &body,
        Signing::Valid,
        Expected::still("ok"),
        "rollback before its bet",
    )
    .await?;
    let body = play.stake_body(&bet);
    play.send(
        Action::Bet,
        &body,
        Signing::Valid,
        Expected::still("transaction_rolled_back"),
        "the late bet",
    )
    .await?;
    Ok(())
}

/// A bet 1.00 above the balance: `insufficient_funds`, nothing moves.
pub async fn insufficient_funds(play: &mut Play) -> Result<(), PlayError> {
    let round = play.ids().round();
    let too_much = play.tracker().balance() + cents(100);
    let bet = play.stake(&round, too_much, false);
    let body = play.stake_body(&bet);
    play.send(
        Action::Bet,
        &body,
        Signing::Valid,
        Expected::still("insufficient_funds"),
        "bet above the balance",
    )
    .await?;
    Ok(())
}

/// A round with a bet and a 0.50 win: rolling back the win, or the bet of a
/// round with a win credited, is `not_rollbackable`.
pub async fn win_not_rollbackable(play: &mut Play) -> Result<(), PlayError> {
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
        "bet",
    )
    .await?;
    let win = play.stake(&round, cents(50), true);
    let body = play.stake_body(&win);
    play.send(
        Action::Win,
        &body,
        Signing::Valid,
        Expected::ok(Movement::Credit(win.amount)),
        "win",
    )
    .await?;
    for (reference, note) in [
        (&win.transaction_id, "rollback of the win"),
        (
            &bet.transaction_id,
            "rollback of a bet whose round has a win",
        ),
    ] {
        let rollback_id = play.ids().transaction();
        let body = play.rollback_body(&rollback_id, reference, &round);
        play.send(
            Action::Rollback,
            &body,
            Signing::Valid,
            Expected::still("not_rollbackable"),
            note,
        )
        .await?;
    }
    Ok(())
}
