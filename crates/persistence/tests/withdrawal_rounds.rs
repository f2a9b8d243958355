//! Withdrawal requests settled in rounds (`Db::request_withdrawals`): each
//! answer is the one the request would get alone; a refused request holds
//! nothing and stores nothing; balances, ledger and audit chains stay whole.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{open, pending, tenant_with_players, withdrawal_request};
use deposit::DepositSignal;
use ledger::{Currency, LedgerError, Money, PlayerId};
use persistence::entities::wallet;
use persistence::{Db, EventOutcome, RoundAnswer, StoreError, StoreResult, TenantScope};
use persistence::{Idempotent, Replayed};
use sea_orm::EntityTrait;
use testkit::{TestDb, backend_tests};
use uuid::Uuid;
use withdrawal::Withdrawal;

/// Credits `cents` to `player` through a settled deposit.
async fn fund(db: &Db, tenant: Uuid, player: PlayerId, cents: i64) {
    let event = pending(db, tenant, player, cents, DepositSignal::Succeeded).await;
    assert_eq!(
        db.apply_deposit_event(&event).await.unwrap(),
        EventOutcome::Processed
    );
}

async fn balance(db: &Db, player: PlayerId) -> (i64, i64) {
    let row = wallet::Entity::find_by_id(player.0)
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    (row.available_minor, row.held_minor)
}

fn eur(cents: i64) -> Money {
    Money::from_minor_units(cents, Currency::EUR)
}

async fn one_call_answers_each_request_as_if_alone(test_db: &TestDb) {
    let db = open(test_db).await;
    let (tenant, players) = tenant_with_players(&db, 3).await;
    let (rich, other, poor) = (players[0], players[1], players[2]);
    fund(&db, tenant, rich, 1_000).await;
    fund(&db, tenant, other, 1_000).await;
    fund(&db, tenant, poor, 100).await;
    let requests = vec![
        withdrawal_request(tenant, rich, "k-rich-1", eur(300)),
        withdrawal_request(tenant, other, "k-other", eur(200)),
        withdrawal_request(tenant, poor, "k-poor", eur(500)),
        // The same wallet again, then the same key and body again: later rounds.
        withdrawal_request(tenant, rich, "k-rich-2", eur(100)),
        withdrawal_request(tenant, other, "k-other", eur(200)),
        withdrawal_request(
            tenant,
            rich,
            "k-rich-3",
            Money::from_minor_units(5, Currency::USD),
        ),
        withdrawal_request(tenant, PlayerId(Uuid::now_v7()), "k-nobody", eur(1)),
    ];
    let answers = db.request_withdrawals(&requests).await;
    // A wallet the round did not find may be locked elsewhere: the request comes
    // back blocked, and alone it finds the wallet missing.
    assert!(matches!(answers[6], RoundAnswer::Blocked), "{answers:?}");
    assert!(matches!(
        db.request_withdrawal_alone(&requests[6]).await,
        Err(StoreError::NotFound("wallet"))
    ));
    let answers: Vec<StoreResult<Idempotent<Withdrawal>>> = answers
        .into_iter()
        .map(|answer| match answer {
            RoundAnswer::Settled(outcome) => outcome,
            RoundAnswer::Blocked => Err(StoreError::NotFound("wallet")),
        })
        .collect();
    let done: Vec<&Withdrawal> = answers
        .iter()
        .filter_map(|a| match a {
            Ok(Idempotent::Fresh(created)) => Some(created),
            _ => None,
        })
        .collect();
    assert_eq!(done.len(), 3, "{answers:?}");
    assert!(matches!(answers[0], Ok(Idempotent::Fresh(_))));
    assert!(matches!(answers[1], Ok(Idempotent::Fresh(_))));
    assert!(matches!(
        answers[2],
        Err(StoreError::Ledger(LedgerError::InsufficientFunds { .. }))
    ));
    assert!(matches!(answers[3], Ok(Idempotent::Fresh(_))));
    match (&answers[1], &answers[4]) {
        (Ok(Idempotent::Fresh(first)), Ok(Idempotent::Replay(Replayed::Outcome(again)))) => {
            assert_eq!(first, again)
        }
        other => panic!("the repeated key must replay its answer: {other:?}"),
    }
    assert!(matches!(
        answers[5],
        Err(StoreError::Ledger(LedgerError::CurrencyMismatch { .. }))
    ));
    assert!(matches!(answers[6], Err(StoreError::NotFound("wallet"))));
    assert_eq!(balance(&db, rich).await, (600, 400));
    assert_eq!(balance(&db, other).await, (800, 200));
    assert_eq!(balance(&db, poor).await, (100, 0));
    // A refused request stored nothing: its key is free for a new body.
    let retry = db
        .request_withdrawals(&[withdrawal_request(tenant, poor, "k-poor", eur(50))])
        .await;
    assert!(
        matches!(retry[..], [RoundAnswer::Settled(Ok(Idempotent::Fresh(_)))]),
        "{retry:?}"
    );
    assert_eq!(balance(&db, poor).await, (50, 50));
    let ledger = db.verify_ledger(TenantScope::One(tenant)).await.unwrap();
    assert!(ledger.ok, "{ledger:?}");
    let chains = db.verify_audit(TenantScope::One(tenant)).await.unwrap();
    assert!(chains.ok, "{chains:?}");
}
backend_tests!(one_call, one_call_answers_each_request_as_if_alone);
