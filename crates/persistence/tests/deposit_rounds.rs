//! Deposit events settled in rounds (`Db::apply_deposit_events`): each answer is
//! the one the event would get alone, and money moves once per deposit.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{available_minor, event, open, pending, tenant_with_players};
use deposit::DepositSignal;
use ledger::{Currency, Money};
use persistence::entities::ledger_transaction;
use persistence::{DepositEvent, EventOutcome, RoundAnswer, StoreError, TenantScope};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use testkit::{TestDb, backend_tests};
use uuid::Uuid;

async fn one_round_answers_each_event_as_if_alone(test_db: &TestDb) {
    let db = open(test_db).await;
    let (tenant, players) = tenant_with_players(&db, 2).await;
    let (hot, other) = (players[0], players[1]);
    let first = pending(&db, tenant, hot, 1_000, DepositSignal::Succeeded).await;
    let second = pending(&db, tenant, hot, 250, DepositSignal::Succeeded).await;
    let declined = pending(&db, tenant, hot, 700, DepositSignal::Failed).await;
    let elsewhere = pending(&db, tenant, other, 40, DepositSignal::Succeeded).await;
    let earlier = pending(&db, tenant, other, 5, DepositSignal::Succeeded).await;
    assert_eq!(
        db.apply_deposit_event(&earlier).await.unwrap(),
        EventOutcome::Processed
    );
    // The same deposit again under a new id, the same event twice, an event
    // seen before, and a deposit that does not exist.
    let mut again = second.clone();
    again.event_id = format!("{}_again", second.event_id);
    let unknown = event(
        Uuid::now_v7(),
        "evt_unknown",
        Money::from_minor_units(1, Currency::EUR),
        DepositSignal::Succeeded,
    );
    let events = vec![
        first.clone(),
        second.clone(),
        again,
        declined,
        first.clone(),
        elsewhere,
        earlier,
        unknown,
    ];
    let answers = db.apply_deposit_events(&events).await;
    // A deposit the round did not find may be locked elsewhere: it comes back
    // blocked, to be settled alone, which finds it missing.
    assert!(matches!(answers[7], RoundAnswer::Blocked), "{answers:?}");
    assert!(matches!(
        db.apply_deposit_event(&events[7]).await,
        Err(StoreError::NotFound("deposit"))
    ));
    let outcomes: Vec<Option<EventOutcome>> = answers
        .iter()
        .map(|a| match a {
            RoundAnswer::Settled(outcome) => outcome.as_ref().ok().copied(),
            RoundAnswer::Blocked => None,
        })
        .collect();
    use EventOutcome::{Duplicate, Processed};
    assert_eq!(
        outcomes,
        vec![
            Some(Processed),
            Some(Processed),
            Some(Duplicate),
            Some(Processed),
            Some(Duplicate),
            Some(Processed),
            Some(Duplicate),
            None,
        ]
    );
    assert_eq!(available_minor(&db, hot).await, 1_250);
    assert_eq!(available_minor(&db, other).await, 45);
    // Each movement records the balance right after it, in order.
    let after: Vec<Option<i64>> = ledger_transaction::Entity::find()
        .filter(ledger_transaction::Column::PlayerId.eq(hot.0))
        .order_by_asc(ledger_transaction::Column::Id)
        .all(db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.available_after_minor)
        .collect();
    assert_eq!(after, vec![Some(1_000), Some(1_250)]);
    let report = db.verify_ledger(TenantScope::One(tenant)).await.unwrap();
    assert!(report.ok, "{report:?}");
}
backend_tests!(one_round, one_round_answers_each_event_as_if_alone);

/// Two servers settle overlapping rounds at once (the same events reach both):
/// no deadlock, no error, every deposit credited exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn overlapping_rounds_on_two_pools_credit_each_deposit_once() {
    let Some(test_db) = testkit::postgres("deposit_rounds::overlapping_rounds").await else {
        return;
    };
    let db = open(&test_db).await;
    let (tenant, players) = tenant_with_players(&db, 6).await;
    let mut events = Vec::new();
    for i in 0..120 {
        let player = players[i % players.len()];
        events.push(
            pending(
                &db,
                tenant,
                player,
                100 + i as i64,
                DepositSignal::Succeeded,
            )
            .await,
        );
    }
    let other = open(&test_db).await;
    let mut reversed = events.clone();
    reversed.reverse();
    let chunks: Vec<Vec<DepositEvent>> = events
        .chunks(10)
        .chain(reversed.chunks(7))
        .map(<[DepositEvent]>::to_vec)
        .collect();
    let tasks: Vec<_> = chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let db = if i % 2 == 0 {
                db.clone()
            } else {
                other.clone()
            };
            tokio::spawn(async move {
                // Rounds skip each other's locked rows; those are settled alone.
                let answers = db.apply_deposit_events(&chunk).await;
                let mut settled = Vec::new();
                for (event, answer) in chunk.iter().zip(answers) {
                    settled.push(match answer {
                        RoundAnswer::Settled(outcome) => outcome,
                        RoundAnswer::Blocked => db.apply_deposit_event(event).await,
                    });
                }
                settled
            })
        })
        .collect();
    let mut processed = 0;
    for task in tasks {
        for answer in task.await.unwrap() {
            match answer.unwrap() {
                EventOutcome::Processed => processed += 1,
                EventOutcome::Duplicate => {}
                EventOutcome::Anomaly => panic!("no event contradicts its deposit"),
            }
        }
    }
    assert_eq!(processed, events.len());
    for (p, player) in players.iter().enumerate() {
        let expected: i64 = (0..120)
            .filter(|i| i % players.len() == p)
            .map(|i| 100 + i as i64)
            .sum();
        assert_eq!(available_minor(&db, *player).await, expected);
    }
    let report = db.verify_ledger(TenantScope::One(tenant)).await.unwrap();
    assert!(report.ok, "{report:?}");
}
