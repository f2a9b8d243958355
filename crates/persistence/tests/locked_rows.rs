//! Rounds never wait on a row another transaction holds (PostgreSQL): the
//! members whose wallet, deposit or audit chain head is locked elsewhere come
//! back `Blocked` with nothing written, the others settle; once the lock is
//! gone the blocked ones settle alone, exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{available_minor, open, pending, tenant_with_players, withdrawal_request};
use deposit::DepositSignal;
use ledger::{Currency, Money};
use persistence::Idempotent;
use persistence::{EventOutcome, RoundAnswer};
use sea_orm::{
    ConnectionTrait, Database, DatabaseTransaction, DbBackend, Statement, TransactionTrait,
};

/// Another session's transaction holding `sql`'s rows `FOR UPDATE`.
async fn hold(url: &str, sql: &str, value: sea_orm::Value) -> DatabaseTransaction {
    let session = Database::connect(url).await.unwrap();
    let txn = session.begin().await.unwrap();
    let locked = txn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [value],
        ))
        .await
        .unwrap();
    assert_eq!(locked.rows_affected(), 1, "{sql}");
    txn
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_deposit_round_settles_around_a_locked_wallet() {
    let Some(test_db) = testkit::postgres("locked_rows::deposit_round").await else {
        return;
    };
    let db = open(&test_db).await;
    let (tenant, players) = tenant_with_players(&db, 3).await;
    let locked = players[1];
    let mut events = Vec::new();
    for player in &players {
        events.push(pending(&db, tenant, *player, 500, DepositSignal::Succeeded).await);
    }
    let lock = hold(
        &test_db.url,
        "SELECT player_id FROM wallets WHERE player_id = $1 FOR UPDATE",
        locked.0.into(),
    )
    .await;
    let answers = db.apply_deposit_events(&events).await;
    assert!(
        matches!(
            answers[..],
            [
                RoundAnswer::Settled(Ok(EventOutcome::Processed)),
                RoundAnswer::Blocked,
                RoundAnswer::Settled(Ok(EventOutcome::Processed)),
            ]
        ),
        "{answers:?}"
    );
    // Credited while the lock is held; the locked player is not.
    assert_eq!(available_minor(&db, players[0]).await, 500);
    assert_eq!(available_minor(&db, players[2]).await, 500);
    assert_eq!(available_minor(&db, locked).await, 0);
    lock.commit().await.unwrap();
    assert_eq!(
        db.apply_deposit_event(&events[1]).await.unwrap(),
        EventOutcome::Processed
    );
    assert!(matches!(
        db.apply_deposit_events(&events[1..2]).await[..],
        [RoundAnswer::Settled(Ok(EventOutcome::Duplicate))]
    ));
    assert_eq!(available_minor(&db, locked).await, 500);
    let report = db
        .verify_ledger(persistence::TenantScope::One(tenant))
        .await
        .unwrap();
    assert!(report.ok, "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_withdrawal_round_settles_around_a_locked_wallet_and_chain_head() {
    let Some(test_db) = testkit::postgres("locked_rows::withdrawal_round").await else {
        return;
    };
    let db = open(&test_db).await;
    let (tenant, players) = tenant_with_players(&db, 4).await;
    for player in &players {
        let event = pending(&db, tenant, *player, 1_000, DepositSignal::Succeeded).await;
        db.apply_deposit_event(&event).await.unwrap();
    }
    // Every chain has its head: a first withdrawal each.
    let first: Vec<_> = players
        .iter()
        .map(|p| withdrawal_request(tenant, *p, &format!("first-{}", p.0), cents(100)))
        .collect();
    for answer in db.request_withdrawals(&first).await {
        assert!(matches!(
            answer,
            RoundAnswer::Settled(Ok(Idempotent::Fresh(_)))
        ));
    }
    // One player's wallet and another's audit chain head are held elsewhere.
    let wallet_lock = hold(
        &test_db.url,
        "SELECT player_id FROM wallets WHERE player_id = $1 FOR UPDATE",
        players[1].0.into(),
    )
    .await;
    let head_lock = hold(
        &test_db.url,
        "SELECT chain_id FROM audit_chain_heads WHERE chain_id = \
         (SELECT chain_id FROM audit_events WHERE actor = $1 LIMIT 1) FOR UPDATE",
        format!("player:{}", players[2].0).into(),
    )
    .await;
    let requests: Vec<_> = players
        .iter()
        .map(|p| withdrawal_request(tenant, *p, &format!("second-{}", p.0), cents(100)))
        .collect();
    let answers = db.request_withdrawals(&requests).await;
    assert!(
        matches!(
            answers[..],
            [
                RoundAnswer::Settled(Ok(Idempotent::Fresh(_))),
                RoundAnswer::Blocked,
                RoundAnswer::Blocked,
                RoundAnswer::Settled(Ok(Idempotent::Fresh(_))),
            ]
        ),
        "{answers:?}"
    );
    assert_eq!(available_minor(&db, players[0]).await, 800);
    assert_eq!(available_minor(&db, players[1]).await, 900);
    assert_eq!(available_minor(&db, players[2]).await, 900);
    wallet_lock.commit().await.unwrap();
    head_lock.commit().await.unwrap();
    for request in &requests[1..3] {
        assert!(matches!(
            db.request_withdrawal_alone(request).await,
            Ok(Idempotent::Fresh(_))
        ));
    }
    for player in &players {
        assert_eq!(available_minor(&db, *player).await, 800);
    }
    let ledger = db
        .verify_ledger(persistence::TenantScope::One(tenant))
        .await
        .unwrap();
    assert!(ledger.ok, "{ledger:?}");
    let chains = db
        .verify_audit(persistence::TenantScope::One(tenant))
        .await
        .unwrap();
    assert!(chains.ok, "{chains:?}");
}

fn cents(minor: i64) -> Money {
    Money::from_minor_units(minor, Currency::EUR)
}
