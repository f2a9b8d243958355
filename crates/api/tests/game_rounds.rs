//! Game calls settled in rounds (`Db::game_calls`): a round of many calls
//! (two sessions of one wallet, another tenant's player, rollbacks of an
//! earlier bet and of a bet never seen, a duplicate, an unknown token, a bet
//! over the balance) answers each call exactly as the same calls made one by
//! one, and moves the wallets the same; a call whose wallet another
//! transaction holds comes back blocked with nothing written.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use ::games::{GameCode, GameMessage, ProviderSlug, ProviderTransactionId, RoundId};
use common::games::Provider;
use common::*;
use ledger::{Currency, Money};
use persistence::games::{GameAnswer, GameCall, token_digest};
use persistence::{RoundAnswer, TenantScope};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement, TransactionTrait};
use testkit::{TestDb, backend_tests};

/// What a call of the script is about.
enum Step {
    Bet(&'static str, &'static str, i64),
    Win(&'static str, &'static str, i64),
    Rollback(&'static str, &'static str, &'static str),
}

/// Who makes a call: player A's first or second session, player B (another
/// tenant), or a token Kasa never made.
#[derive(Clone, Copy)]
enum Who {
    A1,
    A2,
    B,
    Stranger,
}

/// Two tenants' players, A with two sessions of one wallet, and the calls
/// of the script for them.
struct Table {
    kasa: Kasa,
    a: (uuid::Uuid, String),
    b: (uuid::Uuid, String),
    sessions: [(persistence::records::TenantId, String); 3],
}

async fn table(test_db: &TestDb) -> Table {
    let kasa = spawn(test_db).await;
    let (a_id, a_token, root) = kasa.funded_player("acme", "100.00").await;
    let (b_id, b_token, _) = kasa.funded_player("beta", "50.00").await;
    let hub_a = kasa.game_provider(&root, "acme", "hub").await;
    let hub_b = kasa.game_provider(&root, "beta", "hub").await;
    let (_, a1) = kasa.game_session(&a_token, &hub_a).await;
    let (_, a2) = kasa.game_session(&a_token, &hub_a).await;
    let (_, b1) = kasa.game_session(&b_token, &hub_b).await;
    let acme = tenant_id(&kasa, &hub_a).await;
    let beta = tenant_id(&kasa, &hub_b).await;
    Table {
        kasa,
        a: (a_id, a_token),
        b: (b_id, b_token),
        sessions: [(acme, a1), (acme, a2), (beta, b1)],
    }
}

async fn tenant_id(kasa: &Kasa, provider: &Provider) -> persistence::records::TenantId {
    let tenant = kasa
        .state
        .db
        .tenant_by_slug(&provider.tenant)
        .await
        .unwrap();
    tenant.unwrap().id
}

impl Table {
    fn call(&self, who: Who, step: &Step) -> GameCall {
        let (tenant, token) = match who {
            Who::A1 => self.sessions[0].clone(),
            Who::A2 => self.sessions[1].clone(),
            Who::B => self.sessions[2].clone(),
            Who::Stranger => (self.sessions[0].0, "x".repeat(43)),
        };
        let euros = |cents: i64| Money::from_minor_units(cents, Currency::EUR);
        let (id, round, message) = match *step {
            Step::Bet(id, round, cents) => (
                id,
                round,
                GameMessage::Bet {
                    amount: euros(cents),
                    round_closed: false,
                },
            ),
            Step::Win(id, round, cents) => (
                id,
                round,
                GameMessage::Win {
                    amount: euros(cents),
                    round_closed: true,
                },
            ),
            Step::Rollback(id, round, reference) => (
                id,
                round,
                GameMessage::Rollback {
                    reference: ProviderTransactionId::parse(reference).unwrap(),
                },
            ),
        };
        GameCall {
            tenant,
            provider: ProviderSlug::parse("hub").unwrap(),
            token_hash: token_digest(&token),
            transaction_id: ProviderTransactionId::parse(id).unwrap(),
            round_id: RoundId::parse(round).unwrap(),
            game: GameCode::parse("slots-1").unwrap(),
            message,
        }
    }
}

/// The calls made before the round, alone.
fn before() -> Vec<(Who, Step)> {
    vec![
        (Who::A1, Step::Bet("b0", "r0", 1_500)),
        (Who::A1, Step::Bet("b9", "r9", 100)),
    ]
}

/// The calls of the round: no transaction id or round twice, so one round.
fn round() -> Vec<(Who, Step)> {
    vec![
        (Who::A1, Step::Bet("b1", "r1", 1_000)),
        (Who::A2, Step::Bet("b2", "r2", 2_000)),
        (Who::B, Step::Bet("c1", "q1", 500)),
        (Who::A1, Step::Rollback("x1", "r0", "b0")),
        (Who::A2, Step::Rollback("x2", "r3", "ghost")),
        (Who::A1, Step::Bet("b9", "r9", 100)),
        (Who::Stranger, Step::Bet("s1", "r5", 100)),
        (Who::A2, Step::Bet("b4", "r4", 50_000)),
        (Who::A1, Step::Win("w1", "r6", 300)),
    ]
}

/// What an answer says: status, player's available (minor units) and
/// whether it names a stored transaction.
fn shown(answer: &GameAnswer) -> (String, Option<i64>, bool) {
    (
        answer.status.as_str().to_owned(),
        answer.wallet.map(|(_, m)| m.to_minor_units().unwrap()),
        answer.kasa_transaction_id.is_some(),
    )
}

async fn play_before(table: &Table) {
    for (who, step) in before() {
        let answer = table
            .kasa
            .state
            .db
            .game_call(&table.call(who, &step))
            .await
            .unwrap();
        assert_eq!(answer.status.as_str(), "ok");
    }
}

async fn a_round_answers_each_call_as_the_calls_made_one_by_one(test_db: &TestDb) {
    let together = table(test_db).await;
    play_before(&together).await;
    let calls: Vec<GameCall> = round().iter().map(|(w, s)| together.call(*w, s)).collect();
    let answers: Vec<_> = together
        .kasa
        .state
        .db
        .game_calls(&calls)
        .await
        .into_iter()
        .map(|answer| match answer {
            RoundAnswer::Settled(Ok(answer)) => shown(&answer),
            other => panic!("not settled: {other:?}"),
        })
        .collect();

    let second_db = testkit_db_like(test_db).await;
    let alone = table(&second_db).await;
    play_before(&alone).await;
    let mut one_by_one = Vec::new();
    for (who, step) in round() {
        let answer = alone
            .kasa
            .state
            .db
            .game_call(&alone.call(who, &step))
            .await
            .unwrap();
        one_by_one.push(shown(&answer));
    }
    assert_eq!(answers, one_by_one);
    let statuses: Vec<&str> = answers.iter().map(|(s, _, _)| s.as_str()).collect();
    assert_eq!(
        statuses,
        [
            "ok",
            "ok",
            "ok",
            "ok",
            "ok",
            "ok",
            "session_invalid",
            "insufficient_funds",
            "ok"
        ]
    );
    // A: 100 − 15 − 1 (before) − 10 − 20 + 15 (rollback of b0) + 3 = 72.
    for t in [&together, &alone] {
        assert_eq!(t.kasa.wallet(&t.a.1).await.0, "72.00");
        assert_eq!(t.kasa.wallet(&t.b.1).await.0, "45.00");
        for (tenant, _) in &t.sessions {
            let report = t
                .kasa
                .state
                .db
                .verify_ledger(TenantScope::One(tenant.0))
                .await
                .unwrap();
            assert!(report.ok, "{report:?}");
        }
    }
    assert_ne!(together.a.0, together.b.0);
}
backend_tests!(
    one_round,
    a_round_answers_each_call_as_the_calls_made_one_by_one
);

/// A second database of the same backend as `test_db`, for the one-by-one run.
async fn testkit_db_like(test_db: &TestDb) -> TestDb {
    if test_db.backend == testkit::Backend::Sqlite {
        testkit::sqlite()
    } else {
        testkit::postgres("game_rounds::one_by_one").await.unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_round_settles_around_a_wallet_another_transaction_holds() {
    let Some(test_db) = testkit::postgres("game_rounds::locked_wallet").await else {
        return;
    };
    let t = table(&test_db).await;
    let calls = vec![
        t.call(Who::A1, &Step::Bet("l1", "lr1", 1_000)),
        t.call(Who::B, &Step::Bet("l2", "lr2", 1_000)),
    ];
    let session = Database::connect(&test_db.url).await.unwrap();
    let lock = session.begin().await.unwrap();
    let locked = lock
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT player_id FROM wallets WHERE player_id = $1 FOR UPDATE",
            [t.a.0.into()],
        ))
        .await
        .unwrap();
    assert_eq!(locked.rows_affected(), 1);
    let answers = t.kasa.state.db.game_calls(&calls).await;
    assert!(
        matches!(
            &answers[..],
            [RoundAnswer::Blocked, RoundAnswer::Settled(Ok(answer))] if answer.status.as_str() == "ok"
        ),
        "{answers:?}"
    );
    assert_eq!(t.kasa.wallet(&t.a.1).await.0, "100.00");
    assert_eq!(t.kasa.wallet(&t.b.1).await.0, "40.00");
    lock.commit().await.unwrap();
    let answer = t.kasa.state.db.game_call(&calls[0]).await.unwrap();
    assert_eq!(shown(&answer), ("ok".to_owned(), Some(9_000), true));
    assert_eq!(t.kasa.wallet(&t.a.1).await.0, "90.00");
}
