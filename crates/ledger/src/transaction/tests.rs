//! Tests of `transaction`.

use super::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

fn eur(units: i64) -> Money {
    Money::from_minor_units(units, Currency::EUR)
}

const P: PlayerId = PlayerId(Uuid::from_u128(7));
const Q: PlayerId = PlayerId(Uuid::from_u128(8));

fn clearing(currency: Currency) -> Account {
    Account::PspClearing {
        provider: "mock".into(),
        currency,
    }
}

fn games_house(currency: Currency) -> Account {
    Account::GamesHouse {
        provider: "evo".into(),
        currency,
    }
}

fn adjustment() -> TransactionBuilder {
    TransactionBuilder::new(TransactionKind::Adjustment)
}

#[test]
fn builds_a_balanced_transaction_as_posted() {
    let tx = adjustment()
        .post(Account::PlayerAvailable(P), eur(100))
        .post(clearing(Currency::EUR), eur(-100))
        .build()
        .expect("balanced");
    assert_eq!(tx.kind(), TransactionKind::Adjustment);
    assert_eq!(tx.postings().len(), 2);
    assert_eq!(
        tx.postings()[0],
        Posting {
            account: Account::PlayerAvailable(P),
            amount: eur(100)
        }
    );
}

#[test]
fn refuses_an_empty_transaction() {
    assert_eq!(adjustment().build(), Err(LedgerError::EmptyTransaction));
}

#[test]
fn refuses_a_zero_posting_even_when_balanced() {
    let zero = adjustment().post(Account::PlayerAvailable(P), eur(0));
    assert_eq!(zero.build(), Err(LedgerError::ZeroPosting));
}

#[test]
fn refuses_postings_that_do_not_sum_to_zero() {
    let unbalanced = adjustment()
        .post(Account::PlayerAvailable(P), eur(100))
        .post(Account::PlayerHeld(P), eur(-99));
    assert_eq!(
        unbalanced.build(),
        Err(LedgerError::Unbalanced {
            currency: Currency::EUR,
            sum: Decimal::new(1, 2)
        })
    );
}

#[test]
fn balances_each_currency_separately() {
    let cross = adjustment()
        .post(Account::PlayerAvailable(P), eur(100))
        .post(
            Account::PlayerHeld(P),
            Money::from_minor_units(-100, Currency::USD),
        );
    assert_eq!(
        cross.build(),
        Err(LedgerError::Unbalanced {
            currency: Currency::EUR,
            sum: Decimal::new(100, 2)
        })
    );
    let two_currencies = adjustment()
        .post(Account::PlayerAvailable(P), eur(100))
        .post(clearing(Currency::EUR), eur(-100))
        .post(
            Account::PlayerAvailable(Q),
            Money::from_minor_units(5, Currency::JPY),
        )
        .post(
            clearing(Currency::JPY),
            Money::from_minor_units(-5, Currency::JPY),
        );
    assert!(two_currencies.build().is_ok());
}

#[test]
fn refuses_a_clearing_account_in_another_currency() {
    let wrong = TransactionBuilder::new(TransactionKind::Deposit)
        .post(Account::PlayerAvailable(P), eur(100))
        .post(clearing(Currency::USD), eur(-100));
    assert_eq!(
        wrong.build(),
        Err(LedgerError::CurrencyMismatch {
            expected: Currency::USD,
            found: Currency::EUR
        })
    );
}

#[test]
fn refuses_a_games_house_account_in_another_currency_or_without_provider() {
    let games = |provider: &str, currency| Account::GamesHouse {
        provider: provider.into(),
        currency,
    };
    let wrong = TransactionBuilder::new(TransactionKind::Bet)
        .post(Account::PlayerAvailable(P), eur(-100))
        .post(games("evo", Currency::USD), eur(100));
    assert_eq!(
        wrong.build(),
        Err(LedgerError::CurrencyMismatch {
            expected: Currency::USD,
            found: Currency::EUR
        })
    );
    let nameless = TransactionBuilder::new(TransactionKind::Bet)
        .post(Account::PlayerAvailable(P), eur(-100))
        .post(games("", Currency::EUR), eur(100));
    assert!(matches!(
        nameless.build(),
        Err(LedgerError::InvalidAccount(_))
    ));
}

#[test]
fn refuses_a_clearing_account_without_provider() {
    let nameless = Account::PspClearing {
        provider: String::new(),
        currency: Currency::EUR,
    };
    let tx = adjustment()
        .post(Account::PlayerAvailable(P), eur(1))
        .post(nameless, eur(-1));
    assert!(matches!(tx.build(), Err(LedgerError::InvalidAccount(_))));
}

#[test]
fn reports_overflowing_sums() {
    let huge = Money::new(Decimal::MAX, Currency::JPY).expect("fits");
    let tx = adjustment()
        .post(Account::PlayerAvailable(P), huge)
        .post(Account::PlayerHeld(P), huge);
    assert_eq!(tx.build(), Err(LedgerError::Overflow));
}

#[test]
fn player_deltas_sum_only_that_players_accounts() {
    let tx = adjustment()
        .post(Account::PlayerAvailable(P), eur(-300))
        .post(Account::PlayerHeld(P), eur(200))
        .post(Account::PlayerAvailable(P), eur(50))
        .post(Account::PlayerAvailable(Q), eur(50))
        .build()
        .expect("balanced");
    assert_eq!(
        tx.player_deltas(P, Currency::EUR),
        Ok(WalletDelta {
            available: eur(-250),
            held: eur(200)
        })
    );
    assert_eq!(
        tx.player_deltas(Q, Currency::EUR),
        Ok(WalletDelta {
            available: eur(50),
            held: eur(0)
        })
    );
    let nobody = PlayerId(Uuid::from_u128(9));
    assert_eq!(
        tx.player_deltas(nobody, Currency::USD),
        Ok(WalletDelta {
            available: Money::zero(Currency::USD),
            held: Money::zero(Currency::USD)
        })
    );
    assert_eq!(
        tx.player_deltas(P, Currency::USD),
        Err(LedgerError::CurrencyMismatch {
            expected: Currency::USD,
            found: Currency::EUR
        })
    );
}

#[test]
fn kinds_round_trip_through_their_names_and_serde() {
    for kind in TransactionKind::ALL {
        assert_eq!(TransactionKind::parse(kind.as_str()), Ok(kind));
        assert_eq!(
            serde_json::to_string(&kind).ok(),
            Some(format!("\"{}\"", kind.as_str()))
        );
    }
    assert_eq!(TransactionKind::WithdrawalHold.as_str(), "withdrawal_hold");
    assert_eq!(TransactionKind::Bet.as_str(), "bet");
    assert_eq!(TransactionKind::Win.as_str(), "win");
    assert_eq!(TransactionKind::BetRollback.as_str(), "bet_rollback");
    assert_eq!(
        TransactionKind::parse("bonus"),
        Err(LedgerError::UnknownTransactionKind("bonus".into()))
    );
    assert!(TransactionKind::parse("Deposit").is_err());
}

/// Postings over a few accounts and currencies; when `balance` is set,
/// clearing postings are appended so that every currency sums to zero.
fn postings() -> impl Strategy<Value = Vec<(Account, Money)>> {
    let currency = proptest::sample::select(vec![Currency::EUR, Currency::JPY, Currency::KWD]);
    let posting = (0u8..7, currency, -1_000i64..1_000).prop_map(|(account, currency, units)| {
        let account = match account {
            0 => Account::PlayerAvailable(P),
            1 => Account::PlayerHeld(P),
            2 => Account::PlayerAvailable(Q),
            3 => clearing(currency),
            4 => games_house(currency),
            // May not match the posting's currency.
            5 => games_house(Currency::EUR),
            // May not match the posting's currency.
            _ => clearing(Currency::EUR),
        };
        (account, Money::from_minor_units(units, currency))
    });
    (proptest::collection::vec(posting, 0..8), any::<bool>()).prop_map(|(mut postings, balance)| {
        if balance {
            let mut sums: BTreeMap<Currency, i64> = BTreeMap::new();
            for (_, money) in &postings {
                *sums.entry(money.currency()).or_default() +=
                    money.to_minor_units().unwrap_or_default();
            }
            for (currency, sum) in sums.into_iter().filter(|(_, sum)| *sum != 0) {
                postings.push((clearing(currency), Money::from_minor_units(-sum, currency)));
            }
        }
        postings
    })
}

proptest! {
    #[test]
    fn build_succeeds_exactly_for_valid_balanced_postings(postings in postings()) {
        let mut sums: BTreeMap<Currency, i128> = BTreeMap::new();
        for (_, money) in &postings {
            *sums.entry(money.currency()).or_default() += money.units();
        }
        let valid = !postings.is_empty()
            && postings.iter().all(|(account, money)| {
                !money.is_zero()
                    && !matches!(account, Account::PspClearing { currency, .. } | Account::GamesHouse { currency, .. } if *currency != money.currency())
            })
            && sums.values().all(|sum| *sum == 0);
        let built = postings
            .iter()
            .cloned()
            .fold(adjustment(), |builder, (account, money)| builder.post(account, money))
            .build();
        prop_assert_eq!(built.is_ok(), valid, "{:?}", built);
        if let Ok(tx) = built {
            let mut built_sums: BTreeMap<Currency, i128> = BTreeMap::new();
            for posting in tx.postings() {
                prop_assert!(!posting.amount.is_zero());
                *built_sums.entry(posting.amount.currency()).or_default() += posting.amount.units();
            }
            prop_assert!(built_sums.values().all(|sum| *sum == 0), "{:?}", built_sums);
            prop_assert_eq!(tx.postings().len(), postings.len());
        }
    }
}
