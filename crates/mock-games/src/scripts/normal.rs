//! The normal rounds: a bet, then a win that closes the round.

use rust_decimal::Decimal;

use super::bet_amount;
use crate::error::PlayError;
use crate::expect::{Expected, Movement};
use crate::money::cents;
use crate::play::Play;
use crate::provider::{Action, Signing};

/// The win of round `index` (from 0): the rounds cycle through a loss, a
/// 2.50 win, a loss and a 0.50 win.
pub fn win_of_round(index: u32) -> Decimal {
    match index % 4 {
        1 => cents(250),
        3 => cents(50),
        _ => Decimal::ZERO,
    }
}

/// Plays `count` rounds: bet 1.00 (`ok`, debited), then the round's win with
/// `round_closed` (`ok`, credited; a 0.00 win moves nothing).
pub async fn rounds(play: &mut Play, count: u32) -> Result<(), PlayError> {
    for index in 0..count {
        let number = index + 1;
        let round = play.ids().round();
        let amount = play.sendable(bet_amount());
        play.ensure_affords(amount)?;
        let bet = play.stake(&round, amount, false);
        let body = play.stake_body(&bet);
        let note = format!("round {number}");
        play.send(
            Action::Bet,
            &body,
            Signing::Valid,
            Expected::ok(Movement::Debit(bet.amount)),
            &note,
        )
        .await?;
        let win = play.stake(&round, win_of_round(index), true);
        let body = play.stake_body(&win);
        play.send(
            Action::Win,
            &body,
            Signing::Valid,
            Expected::ok(Movement::Credit(win.amount)),
            &format!("round {number} closed"),
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wins_cycle_through_losses_and_wins() {
        let wins: Vec<Decimal> = (0..8).map(win_of_round).collect();
        assert_eq!(
            wins,
            [
                Decimal::ZERO,
                cents(250),
                Decimal::ZERO,
                cents(50),
                Decimal::ZERO,
                cents(250),
                Decimal::ZERO,
                cents(50)
            ]
        );
    }
}
