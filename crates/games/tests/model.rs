//! Random sequences of bets, wins and rollbacks against an in-memory model of
//! storage that applies every decision the way storage does. Ids come from a
//! small pool, so repeats, other bodies under one id, rollbacks before their
//! bet and rollbacks of wins all happen.

use std::collections::{BTreeMap, HashMap};

use games::{
    BodyFingerprint, GameCode, GameDecision, GameInput, GameMessage, GameTxKind, GameTxState,
    MovementKind, PlayerGate, ProviderSlug, ProviderTransactionId, ReferenceChange, RoundId,
    RoundState, SessionState, StoredTransaction, decide,
};
use ledger::{Currency, LedgerTransaction, Money, PlayerId, Posting, WalletBalance};
use proptest::prelude::*;
use uuid::Uuid;

const PLAYERS: [PlayerId; 2] = [PlayerId(Uuid::from_u128(1)), PlayerId(Uuid::from_u128(2))];
const INITIAL_UNITS: i64 = 5_000;

fn eur(units: i64) -> Money {
    Money::from_minor_units(units, Currency::EUR)
}

fn tx_id(n: usize) -> ProviderTransactionId {
    ProviderTransactionId::parse(&format!("tx-{n}")).expect("valid id")
}

fn round_id(n: usize) -> RoundId {
    RoundId::parse(&format!("round|{n}")).expect("valid round")
}

/// What the provider asks.
#[derive(Debug, Clone)]
enum Action {
    Bet { units: i64, closes: bool, usd: bool },
    Win { units: i64, closes: bool },
    Rollback { reference: usize },
}

/// One call as delivered: the message and the session and gate at the time.
#[derive(Debug, Clone)]
struct Call {
    player: usize,
    id: usize,
    round: usize,
    action: Action,
    session: SessionState,
    gate: PlayerGate,
}

fn call() -> impl Strategy<Value = Call> {
    let action = prop_oneof![
        4 => (1i64..3_000, any::<bool>(), proptest::bool::weighted(0.05))
            .prop_map(|(units, closes, usd)| Action::Bet { units, closes, usd }),
        3 => (0i64..2_000, proptest::bool::weighted(0.2))
            .prop_map(|(units, closes)| Action::Win { units, closes }),
        3 => (0usize..6).prop_map(|reference| Action::Rollback { reference }),
    ];
    let session = prop_oneof![9 => Just(SessionState::Active), 1 => Just(SessionState::Ended)];
    let gate = prop_oneof![
        8 => Just(PlayerGate::Allowed),
        1 => Just(PlayerGate::Blocked),
        1 => Just(PlayerGate::LimitReached),
    ];
    (0usize..2, 0usize..6, 0usize..3, action, session, gate).prop_map(
        |(player, id, round, action, session, gate)| Call {
            player,
            id,
            round,
            action,
            session,
            gate,
        },
    )
}

/// Storage, in memory; `movements` and `reversals` count what each id moved.
#[derive(Debug, Clone, PartialEq)]
struct Store {
    rows: HashMap<ProviderTransactionId, StoredTransaction>,
    rounds: HashMap<RoundId, RoundState>,
    wallets: HashMap<PlayerId, WalletBalance>,
    movements: HashMap<ProviderTransactionId, u32>,
    reversals: HashMap<ProviderTransactionId, u32>,
    bet_postings: HashMap<ProviderTransactionId, Vec<Posting>>,
}

impl Store {
    fn new() -> Store {
        let wallet = WalletBalance::new(eur(INITIAL_UNITS), eur(0)).expect("valid wallet");
        Store {
            rows: HashMap::new(),
            rounds: HashMap::new(),
            wallets: PLAYERS.iter().map(|p| (*p, wallet)).collect(),
            movements: HashMap::new(),
            reversals: HashMap::new(),
            bet_postings: HashMap::new(),
        }
    }

    /// Delivers `call`, applies the decision as storage does, and returns it.
    fn deliver(&mut self, call: &Call) -> Result<GameDecision, TestCaseError> {
        let player = PLAYERS[call.player];
        let (transaction_id, round_id) = (tx_id(call.id), round_id(call.round));
        let message = match call.action {
            Action::Bet { units, closes, usd } => GameMessage::Bet {
                amount: Money::from_minor_units(
                    units,
                    if usd { Currency::USD } else { Currency::EUR },
                ),
                round_closed: closes,
            },
            Action::Win { units, closes } => GameMessage::Win {
                amount: eur(units),
                round_closed: closes,
            },
            Action::Rollback { reference } => GameMessage::Rollback {
                reference: tx_id(reference),
            },
        };
        let reference_id = match &message {
            GameMessage::Rollback { reference } => Some(reference.clone()),
            _ => None,
        };
        let reference = reference_id
            .as_ref()
            .and_then(|id| self.rows.get(id))
            .cloned();
        // A rollback looks at its bet's round; everything else at its own.
        let round_key = reference
            .as_ref()
            .map_or(round_id.clone(), |row| row.round.clone());
        let game = GameCode::parse("slot").expect("valid game");
        let input = GameInput {
            fingerprint: BodyFingerprint::of(player, &round_id, &game, &message),
            earlier: self.rows.get(&transaction_id).cloned(),
            reference,
            round: self.rounds.get(&round_key).copied().unwrap_or_default(),
            session: call.session,
            gate: call.gate,
            available: self.wallets[&player].available(),
            transaction_id: transaction_id.clone(),
            round_id,
            player,
            message,
        };
        let decision = decide(&input);
        if let Some(row) = decision.row_to_store(&input) {
            prop_assert!(input.earlier.is_none(), "a stored row is never overwritten");
            self.rows.insert(transaction_id.clone(), row);
        }
        let GameDecision::Apply(plan) = decision.clone() else {
            return Ok(decision);
        };
        let provider = ProviderSlug::parse("evo").expect("valid slug");
        if let Some(tx) = plan.ledger_transaction(player, &provider) {
            let tx = tx.map_err(|e| TestCaseError::fail(e.to_string()))?;
            self.post(player, &transaction_id, reference_id.as_ref(), &tx)?;
        }
        match (plan.reference_becomes, reference_id) {
            (Some(ReferenceChange::RolledBack), Some(id)) => {
                let bet = self.rows.get_mut(&id).expect("a rolled-back bet exists");
                prop_assert_eq!(
                    (bet.kind, bet.state),
                    (GameTxKind::Bet, GameTxState::Applied)
                );
                bet.state = GameTxState::RolledBack;
            }
            (Some(ReferenceChange::NewTombstone(row)), Some(id)) => {
                prop_assert!(
                    self.rows.insert(id, row).is_none(),
                    "a tombstone only for an unknown id"
                );
            }
            (None, _) => {}
            (Some(change), None) => prop_assert!(false, "{change:?} without a reference"),
        }
        self.rounds.insert(round_key, plan.round_after);
        Ok(decision)
    }

    fn post(
        &mut self,
        player: PlayerId,
        id: &ProviderTransactionId,
        reference: Option<&ProviderTransactionId>,
        tx: &LedgerTransaction,
    ) -> Result<(), TestCaseError> {
        let mut sums: BTreeMap<Currency, i64> = BTreeMap::new();
        for posting in tx.postings() {
            *sums.entry(posting.amount.currency()).or_default() +=
                posting.amount.to_minor_units().unwrap_or(i64::MAX);
        }
        prop_assert!(sums.values().all(|sum| *sum == 0), "unbalanced {tx:?}");
        let wallet = self.wallets.get_mut(&player).expect("known player");
        *wallet = wallet
            .apply(player, tx)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(!wallet.available().is_negative());
        *self.movements.entry(id.clone()).or_default() += 1;
        match (tx.kind(), reference) {
            (kind, _) if kind == MovementKind::Bet.ledger_kind() => {
                self.bet_postings.insert(id.clone(), tx.postings().to_vec());
            }
            (kind, Some(bet)) if kind == MovementKind::BetRollback.ledger_kind() => {
                *self.reversals.entry(bet.clone()).or_default() += 1;
                let negated: Vec<Posting> = self.bet_postings[bet]
                    .iter()
                    .map(|p| Posting {
                        account: p.account.clone(),
                        amount: p.amount.negated(),
                    })
                    .collect();
                prop_assert_eq!(tx.postings(), negated.as_slice());
            }
            (kind, _) => prop_assert_eq!(kind, MovementKind::Win.ledger_kind()),
        }
        Ok(())
    }

    /// What the stored rows say each player's available must be.
    fn expected_available(&self, player: PlayerId) -> i64 {
        let mut units = INITIAL_UNITS;
        for row in self.rows.values().filter(|row| row.player == player) {
            let amount = row.amount.to_minor_units().unwrap_or(i64::MAX);
            match (row.kind, row.state) {
                (GameTxKind::Win, GameTxState::Applied) => units += amount,
                (GameTxKind::Bet, GameTxState::Applied) => units -= amount,
                // Bet, then its rollback: −amount + amount.
                (GameTxKind::Bet, GameTxState::RolledBack) => {}
                _ => {}
            }
        }
        units
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn money_moves_once_per_id_never_goes_negative_and_replays_change_nothing(
        calls in proptest::collection::vec(call(), 1..60),
    ) {
        let mut store = Store::new();
        for call in &calls {
            store.deliver(call)?;
        }
        for player in PLAYERS {
            prop_assert_eq!(store.wallets[&player].available(), eur(store.expected_available(player)));
        }
        prop_assert!(store.movements.values().all(|n| *n <= 1), "an id moved money twice: {:?}", store.movements);
        prop_assert!(store.reversals.values().all(|n| *n <= 1), "a bet was reversed twice: {:?}", store.reversals);
        for (id, row) in &store.rows {
            if row.state == GameTxState::Tombstone {
                prop_assert!(!store.movements.contains_key(id), "a tombstone moved money");
            }
            prop_assert_eq!(row.state == GameTxState::RolledBack, store.reversals.contains_key(id));
        }
        let first = store.clone();
        for call in &calls {
            store.deliver(call)?;
        }
        prop_assert_eq!(store, first.clone());

        // Every call delivered twice in a row ends where one delivery did.
        let mut doubled = Store::new();
        for call in &calls {
            doubled.deliver(call)?;
            doubled.deliver(call)?;
        }
        prop_assert_eq!(doubled, first);
    }
}

/// The sequences above reach the cases the properties are about.
#[test]
fn the_generated_sequences_reach_every_kind_of_answer_and_row() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let sequences = proptest::collection::vec(call(), 1..60);
    let mut statuses = std::collections::HashSet::new();
    let mut states = std::collections::HashSet::new();
    let mut moved = std::collections::HashSet::new();
    for _ in 0..200 {
        let calls = sequences
            .new_tree(&mut runner)
            .expect("a sequence")
            .current();
        let mut store = Store::new();
        for call in &calls {
            let decision = store.deliver(call).expect("the properties hold");
            statuses.insert(decision.status());
            if let GameDecision::Apply(plan) = &decision {
                moved.extend(plan.movement.map(|m| m.kind));
            }
            if let GameDecision::Repeat { status } = decision {
                statuses.insert(status);
            }
        }
        states.extend(store.rows.values().map(|row| (row.kind, row.state)));
    }
    for status in games::GameStatus::ALL {
        assert!(statuses.contains(&status), "{status} never answered");
    }
    for state in GameTxState::ALL {
        assert!(
            states.iter().any(|(_, s)| *s == state),
            "{state:?} never stored"
        );
    }
    assert_eq!(moved.len(), 3, "every movement kind happens: {moved:?}");
}
