//! Ledger accounts and their stable codes.

use std::fmt;

use uuid::Uuid;

use crate::{Currency, LedgerError, PlayerId};

/// An account postings are made to.
///
/// Player accounts are positive when the player has money; house accounts
/// carry the contra amounts (see the crate docs for the sign convention).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Account {
    /// What the player may spend or withdraw.
    PlayerAvailable(PlayerId),
    /// What the player's pending withdrawals have reserved.
    PlayerHeld(PlayerId),
    /// Money in transit with a PSP, per provider and currency (house account).
    PspClearing {
        /// PSP name; must not be empty.
        provider: String,
        /// Currency of the account.
        currency: Currency,
    },
    /// The house side of a game provider's bets and wins, per provider and
    /// currency (house account): bets credit it, wins debit it.
    GamesHouse {
        /// Game provider slug; must not be empty.
        provider: String,
        /// Currency of the account.
        currency: Currency,
    },
}

const PLAYER_PREFIX: &str = "player:";
const CLEARING_PREFIX: &str = "house:psp_clearing:";
const GAMES_HOUSE_PREFIX: &str = "house:games:";

impl Account {
    /// Stable code, as stored with postings: `player:<uuid>:available`,
    /// `player:<uuid>:held`, `house:psp_clearing:<provider>:<CUR>`,
    /// `house:games:<provider>:<CUR>`.
    pub fn code(&self) -> String {
        match self {
            Account::PlayerAvailable(p) => format!("{PLAYER_PREFIX}{p}:available"),
            Account::PlayerHeld(p) => format!("{PLAYER_PREFIX}{p}:held"),
            Account::PspClearing { provider, currency } => {
                format!("{CLEARING_PREFIX}{provider}:{currency}")
            }
            Account::GamesHouse { provider, currency } => {
                format!("{GAMES_HOUSE_PREFIX}{provider}:{currency}")
            }
        }
    }

    /// Parses a code made by [`Account::code`].
    ///
    /// Only the canonical spelling is accepted (lower-case hyphenated uuid,
    /// upper-case currency), so one account never has two codes and sums
    /// grouped by code stay complete.
    pub fn parse(code: &str) -> Result<Account, LedgerError> {
        let invalid = || LedgerError::InvalidAccount(code.chars().take(120).collect());
        if let Some(rest) = code.strip_prefix(PLAYER_PREFIX) {
            let (id, side) = rest.split_once(':').ok_or_else(invalid)?;
            let player = PlayerId(Uuid::try_parse(id).map_err(|_| invalid())?);
            if player.to_string() != id {
                return Err(invalid());
            }
            return match side {
                "available" => Ok(Account::PlayerAvailable(player)),
                "held" => Ok(Account::PlayerHeld(player)),
                _ => Err(invalid()),
            };
        }
        if let Some(rest) = code.strip_prefix(CLEARING_PREFIX) {
            let (provider, currency) = house_parts(rest).ok_or_else(invalid)?;
            return Ok(Account::PspClearing { provider, currency });
        }
        if let Some(rest) = code.strip_prefix(GAMES_HOUSE_PREFIX) {
            let (provider, currency) = house_parts(rest).ok_or_else(invalid)?;
            return Ok(Account::GamesHouse { provider, currency });
        }
        Err(invalid())
    }

    /// The owning player of a player account; `None` for house accounts.
    pub fn player(&self) -> Option<PlayerId> {
        match self {
            Account::PlayerAvailable(p) | Account::PlayerHeld(p) => Some(*p),
            Account::PspClearing { .. } | Account::GamesHouse { .. } => None,
        }
    }
}

/// The `<provider>:<CUR>` tail of a house account code: split at the last
/// colon (a provider name may itself contain one), the provider non-empty and
/// the currency canonical.
fn house_parts(rest: &str) -> Option<(String, Currency)> {
    let (provider, currency) = rest.rsplit_once(':')?;
    if provider.is_empty() {
        return None;
    }
    let currency = Currency::parse(currency).ok()?;
    Some((provider.to_owned(), currency))
}

impl fmt::Display for Account {
    /// The account's [code](Account::code).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ID: &str = "67e55044-10b1-426f-9247-bb680e5fe0c8";

    fn player() -> PlayerId {
        PlayerId(Uuid::try_parse(ID).expect("valid uuid"))
    }

    #[test]
    fn codes_are_the_documented_strings() {
        assert_eq!(
            Account::PlayerAvailable(player()).code(),
            format!("player:{ID}:available")
        );
        assert_eq!(
            Account::PlayerHeld(player()).code(),
            format!("player:{ID}:held")
        );
        let clearing = Account::PspClearing {
            provider: "mock".into(),
            currency: Currency::TRY,
        };
        assert_eq!(clearing.code(), "house:psp_clearing:mock:TRY");
        assert_eq!(clearing.to_string(), clearing.code());
        assert_eq!(Account::PlayerHeld(player()).player(), Some(player()));
        assert_eq!(clearing.player(), None);
        let games = Account::GamesHouse {
            provider: "pragmatic".into(),
            currency: Currency::EUR,
        };
        assert_eq!(games.code(), "house:games:pragmatic:EUR");
        assert_eq!(games.player(), None);
    }

    #[test]
    fn parses_codes_back() {
        assert_eq!(
            Account::parse(&format!("player:{ID}:available")),
            Ok(Account::PlayerAvailable(player()))
        );
        assert_eq!(
            Account::parse(&format!("player:{ID}:held")),
            Ok(Account::PlayerHeld(player()))
        );
        assert_eq!(
            Account::parse("house:psp_clearing:acme:eu:EUR"),
            Ok(Account::PspClearing {
                provider: "acme:eu".into(),
                currency: Currency::EUR
            })
        );
        assert_eq!(
            Account::parse("house:games:evo-1:JPY"),
            Ok(Account::GamesHouse {
                provider: "evo-1".into(),
                currency: Currency::JPY
            })
        );
    }

    #[test]
    fn refuses_unknown_and_non_canonical_codes() {
        let upper = format!("player:{}:available", ID.to_uppercase());
        let simple = format!("player:{}:held", ID.replace('-', ""));
        let braced = format!("player:{{{ID}}}:held");
        let other_side = format!("player:{ID}:bonus");
        let trailing = format!("player:{ID}:held:x");
        let bad = [
            "",
            "player:x:available",
            "player::held",
            "player:",
            "house:psp_clearing::EUR",
            "house:psp_clearing:mock:XXX",
            "house:psp_clearing:mock:eur",
            "house:psp_clearing:mock",
            "house:fees:EUR",
            "house:games::EUR",
            "house:games:evo:eur",
            "house:games:evo",
            "house:games:",
            "house:game:evo:EUR",
            "bank:1",
            &upper,
            &simple,
            &braced,
            &other_side,
            &trailing,
        ];
        for code in bad {
            assert!(
                matches!(Account::parse(code), Err(LedgerError::InvalidAccount(_))),
                "{code}"
            );
        }
    }

    #[test]
    fn player_ids_serialize_as_the_bare_uuid() {
        assert_eq!(
            serde_json::to_string(&player()).ok(),
            Some(format!("\"{ID}\""))
        );
        assert_eq!(player().to_string(), ID);
    }

    fn account() -> impl Strategy<Value = Account> {
        let player = any::<u128>().prop_map(|n| PlayerId(Uuid::from_u128(n)));
        let currency = proptest::sample::select(Currency::ALL.to_vec());
        prop_oneof![
            player.clone().prop_map(Account::PlayerAvailable),
            player.prop_map(Account::PlayerHeld),
            ("[a-z0-9_:.-]{1,24}", currency.clone())
                .prop_map(|(provider, currency)| Account::PspClearing { provider, currency }),
            ("[a-z0-9_:-]{1,24}", currency)
                .prop_map(|(provider, currency)| Account::GamesHouse { provider, currency }),
        ]
    }

    proptest! {
        #[test]
        fn codes_round_trip(account in account()) {
            prop_assert_eq!(Account::parse(&account.code()), Ok(account));
        }
    }
}
