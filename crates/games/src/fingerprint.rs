//! What makes two calls with one transaction id "the same body".

use ledger::PlayerId;

use crate::{GameCode, GameMessage, RoundId};

/// A canonical text of a call's semantic fields: action, player, round,
/// game, and amount with currency and `round_closed` (bet, win) or the
/// reference (rollback). Two calls with one transaction id are the same body
/// exactly when their fingerprints are equal.
///
/// The session token is not part of it, so a retry carrying a refreshed
/// session answers as before. Storage keeps it as text
/// ([`BodyFingerprint::as_str`], [`BodyFingerprint::stored`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BodyFingerprint(String);

/// The fingerprint of a tombstone, which has no body: it cannot equal a
/// call's, whose fingerprints all start with their action and a `|`.
const TOMBSTONE: &str = "tombstone";

impl BodyFingerprint {
    /// The fingerprint of a call, for example
    /// `bet|<player>|<round>|<game>|10.00 EUR|closed=false`,
    /// `win|<player>|<round>|<game>|0.00 EUR|closed=true` or
    /// `rollback|<player>|<round>|<game>|ref=<reference>`.
    ///
    /// In the provider's strings (round, game, reference) `\` is written `\\`
    /// and `|` is written `\|`, so fields never run into each other.
    pub fn of(
        player: PlayerId,
        round: &RoundId,
        game: &GameCode,
        message: &GameMessage,
    ) -> BodyFingerprint {
        let action_part = match message {
            GameMessage::Bet {
                amount,
                round_closed,
            }
            | GameMessage::Win {
                amount,
                round_closed,
            } => format!("{amount} {}|closed={round_closed}", amount.currency()),
            GameMessage::Rollback { reference } => format!("ref={}", escaped(reference.as_str())),
        };
        BodyFingerprint(format!(
            "{}|{player}|{}|{}|{action_part}",
            message.kind().as_str(),
            escaped(round.as_str()),
            escaped(game.as_str())
        ))
    }

    /// The fingerprint stored with a tombstone (see
    /// [`StoredTransaction::tombstone`](crate::StoredTransaction::tombstone)).
    pub fn tombstone() -> BodyFingerprint {
        BodyFingerprint(TOMBSTONE.to_owned())
    }

    /// A fingerprint read back from storage, as it was written.
    pub fn stored(text: String) -> BodyFingerprint {
        BodyFingerprint(text)
    }

    /// The canonical text, as storage keeps it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn escaped(raw: &str) -> String {
    raw.replace('\\', "\\\\").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use ledger::{Currency, Money};
    use uuid::Uuid;

    use super::*;
    use crate::ProviderTransactionId;

    const P: PlayerId = PlayerId(Uuid::from_u128(1));

    fn of(round: &str, game: &str, message: &GameMessage) -> String {
        let round = RoundId::parse(round).expect("valid round");
        let game = GameCode::parse(game).expect("valid game");
        BodyFingerprint::of(P, &round, &game, message).0
    }

    fn eur(units: i64) -> Money {
        Money::from_minor_units(units, Currency::EUR)
    }

    #[test]
    fn fingerprints_are_the_documented_text() {
        let bet = GameMessage::Bet {
            amount: eur(1000),
            round_closed: false,
        };
        assert_eq!(
            of("r1", "g", &bet),
            format!("bet|{P}|r1|g|10.00 EUR|closed=false")
        );
        let win = GameMessage::Win {
            amount: eur(0),
            round_closed: true,
        };
        assert_eq!(
            of("r1", "g", &win),
            format!("win|{P}|r1|g|0.00 EUR|closed=true")
        );
        let rollback = GameMessage::Rollback {
            reference: ProviderTransactionId::parse("t|9").expect("valid id"),
        };
        assert_eq!(
            of("r\\1", "g", &rollback),
            format!("rollback|{P}|r\\\\1|g|ref=t\\|9")
        );
    }

    #[test]
    fn every_semantic_field_counts_and_fields_never_run_together() {
        let bet = |units, round_closed| GameMessage::Bet {
            amount: eur(units),
            round_closed,
        };
        let base = of("r", "g", &bet(100, false));
        assert_ne!(base, of("r2", "g", &bet(100, false)));
        assert_ne!(base, of("r", "g2", &bet(100, false)));
        assert_ne!(base, of("r", "g", &bet(101, false)));
        assert_ne!(base, of("r", "g", &bet(100, true)));
        let usd = GameMessage::Bet {
            amount: Money::from_minor_units(100, Currency::USD),
            round_closed: false,
        };
        assert_ne!(base, of("r", "g", &usd));
        let win = GameMessage::Win {
            amount: eur(100),
            round_closed: false,
        };
        assert_ne!(base, of("r", "g", &win));
        let other = PlayerId(Uuid::from_u128(2));
        let round = RoundId::parse("r").expect("valid round");
        let game = GameCode::parse("g").expect("valid game");
        assert_ne!(
            base,
            BodyFingerprint::of(other, &round, &game, &bet(100, false)).0
        );
        assert_ne!(
            of("a|b", "c", &bet(1, false)),
            of("a", "b|c", &bet(1, false))
        );
        assert_ne!(
            of("a\\", "|c", &bet(1, false)),
            of("a\\|", "c", &bet(1, false))
        );
        assert_ne!(BodyFingerprint::tombstone().0, base);
        assert_eq!(BodyFingerprint::stored(base.clone()).as_str(), base);
    }
}
