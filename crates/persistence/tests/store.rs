//! Storage use-cases against a real database (SQLite and PostgreSQL).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{open, pending, tenant_with_players};
use deposit::DepositSignal;
use idempotency::{IdempotencyKey, fingerprint};
use ledger::{Currency, Money, PlayerId};
use persistence::entities::{idempotency_record, wallet};
use persistence::idempotency_store::{Begin, Earlier, IdempotencyScope};
use persistence::{Db, DepositEvent, EventOutcome, Mismatch, StoreError, TenantScope};
use persistence::{Refusal, Replayed};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use testkit::{TestDb, backend_tests};
use uuid::Uuid;

async fn player_with_deposit(db: &Db, cents: i64) -> (Uuid, PlayerId) {
    let (tenant, players) = tenant_with_players(db, 1).await;
    let player = players[0];
    let event = pending(db, tenant, player, cents, DepositSignal::Succeeded).await;
    assert_eq!(
        db.apply_deposit_event(&event).await.unwrap(),
        EventOutcome::Processed
    );
    assert_eq!(
        db.apply_deposit_event(&event).await.unwrap(),
        EventOutcome::Duplicate
    );
    (tenant, player)
}

async fn verify_reports_drift_instead_of_repairing_it(test_db: &TestDb) {
    let db = open(test_db).await;
    let (tenant, player) = player_with_deposit(&db, 1234).await;
    let report = db.verify_ledger(TenantScope::One(tenant)).await.unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.wallets_checked, 1);

    edit_available(
        &db,
        player,
        Expr::col(wallet::Column::AvailableMinor).add(1),
    )
    .await
    .unwrap();
    let report = db.verify_ledger(TenantScope::All).await.unwrap();
    assert!(!report.ok);
    assert_eq!(
        report.mismatches,
        vec![Mismatch::Wallet {
            player_id: player.0,
            balance: "available",
            projection_minor: 1235,
            ledger_minor: 1234
        }]
    );
    let wallet = db.wallet(player).await.unwrap().unwrap();
    assert_eq!(
        wallet.balance.available().to_minor_units().unwrap(),
        1235,
        "verification never rewrites balances"
    );
}
backend_tests!(verify_drift, verify_reports_drift_instead_of_repairing_it);

async fn wallet_balances_cannot_go_negative_even_by_hand(test_db: &TestDb) {
    let db = open(test_db).await;
    let (_, player) = player_with_deposit(&db, 100).await;
    let result = edit_available(&db, player, Expr::value(-1i64)).await;
    assert!(
        result.is_err(),
        "the CHECK constraint refuses a negative balance"
    );
    assert_eq!(
        db.wallet(player)
            .await
            .unwrap()
            .unwrap()
            .balance
            .available()
            .to_minor_units()
            .unwrap(),
        100
    );
}
backend_tests!(
    negative_balance_check,
    wallet_balances_cannot_go_negative_even_by_hand
);

/// Edits a wallet row behind the ledger's back, as a manual database edit would.
async fn edit_available(
    db: &Db,
    player: PlayerId,
    value: SimpleExpr,
) -> Result<(), sea_orm::DbErr> {
    wallet::Entity::update_many()
        .col_expr(wallet::Column::AvailableMinor, value)
        .filter(wallet::Column::PlayerId.eq(player.0))
        .exec(db.conn())
        .await
        .map(|_| ())
}

fn scope(key: &str) -> IdempotencyScope {
    IdempotencyScope {
        tenant: "t".into(),
        principal: "player:1".into(),
        key: IdempotencyKey::parse(key).unwrap(),
    }
}

async fn idempotency_records_follow_the_protocol(test_db: &TestDb) {
    let db = open(test_db).await;
    let fp = fingerprint("POST", "/me/deposits", br#"{"amount":"1.00"}"#);
    let other = fingerprint("POST", "/me/deposits", br#"{"amount":"2.00"}"#);
    let lease = Duration::from_secs(60);
    let begin = |key: &'static str, fp| {
        let db = db.clone();
        async move { db.begin_key::<()>(&scope(key), fp, lease).await.unwrap() }
    };
    let Begin::Start(first) = begin("k1", &fp).await else {
        panic!("first use starts")
    };
    assert!(matches!(
        begin("k1", &fp).await,
        Begin::Earlier(Earlier::InFlight)
    ));
    assert!(matches!(
        begin("k1", &other).await,
        Begin::Earlier(Earlier::Reused)
    ));
    let refusal = Refusal("{\"status\":422}".into());
    db.refuse(&first, &refusal).await.unwrap();
    match begin("k1", &fp).await {
        Begin::Earlier(Earlier::Replay(Replayed::Refusal(stored))) => {
            assert_eq!(stored, refusal)
        }
        other => panic!("expected a replay, got {other:?}"),
    }
    // A released key may be used again.
    let Begin::Start(second) = begin("k2", &fp).await else {
        panic!()
    };
    db.release_key(&second).await.unwrap();
    assert!(matches!(begin("k2", &fp).await, Begin::Start(_)));
}
backend_tests!(
    idempotency_protocol,
    idempotency_records_follow_the_protocol
);

async fn an_expired_lease_is_taken_over_and_the_old_holder_cannot_complete(test_db: &TestDb) {
    let db = open(test_db).await;
    let fp = fingerprint("POST", "/x", b"{}");
    let Begin::Start(crashed) = db
        .begin_key::<()>(&scope("k"), &fp, Duration::ZERO)
        .await
        .unwrap()
    else {
        panic!()
    };
    tokio::time::sleep(Duration::from_millis(5)).await;
    let Begin::Start(successor) = db
        .begin_key::<()>(&scope("k"), &fp, Duration::from_secs(60))
        .await
        .unwrap()
    else {
        panic!("an expired lease is taken over")
    };
    let refusal = Refusal("{}".into());
    assert!(matches!(
        db.refuse(&crashed, &refusal).await,
        Err(StoreError::LeaseLost)
    ));
    db.refuse(&successor, &refusal).await.unwrap();
}
backend_tests!(
    idempotency_takeover,
    an_expired_lease_is_taken_over_and_the_old_holder_cannot_complete
);

async fn purge_removes_only_records_older_than_the_retention(test_db: &TestDb) {
    let db = open(test_db).await;
    let fp = fingerprint("POST", "/me/deposits", b"{}");
    let lease = Duration::from_secs(60);
    let started = db.begin_key::<()>(&scope("old"), &fp, lease).await;
    assert!(matches!(started, Ok(Begin::Start(_))));
    let hour = Duration::from_secs(3600);
    assert_eq!(db.purge_idempotency_records(hour).await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(
        db.purge_idempotency_records(Duration::ZERO).await.unwrap(),
        1
    );
    let again = db.begin_key::<()>(&scope("old"), &fp, lease).await;
    assert!(
        matches!(again, Ok(Begin::Start(_))),
        "the key is free again"
    );
}
backend_tests!(purge, purge_removes_only_records_older_than_the_retention);

/// A record completed by a Kasa older than stored outcomes (migration 000011)
/// is replayed as it was sent: its status and body.
async fn a_record_of_an_older_kasa_is_replayed_as_it_was_sent(test_db: &TestDb) {
    let db = open(test_db).await;
    let fp = fingerprint("POST", "/me/withdrawals", b"{}");
    let legacy = idempotency_record::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set("t".into()),
        principal: Set("player:1".into()),
        idem_key: Set("old-kasa".into()),
        fingerprint: Set(fp.as_str().to_owned()),
        state: Set("completed".into()),
        lease_token: Set(Uuid::new_v4()),
        lease_expires_at_ms: Set(0),
        response_status: Set(Some(201)),
        response_body: Set(Some(r#"{"id":"w1"}"#.into())),
        outcome: Set(None),
        resource_id: Set(None),
        created_at: Set(chrono::Utc::now()),
    };
    idempotency_record::Entity::insert(legacy)
        .exec(db.conn())
        .await
        .unwrap();
    let lease = Duration::from_secs(60);
    match db
        .begin_key::<()>(&scope("old-kasa"), &fp, lease)
        .await
        .unwrap()
    {
        Begin::Earlier(Earlier::Replay(Replayed::Legacy { status, body })) => {
            assert_eq!((status, body.as_str()), (201, r#"{"id":"w1"}"#));
        }
        other => panic!("expected the stored answer, got {other:?}"),
    }
}
backend_tests!(
    legacy_replay,
    a_record_of_an_older_kasa_is_replayed_as_it_was_sent
);

async fn unknown_deposit_events_leave_no_inbox_entry(test_db: &TestDb) {
    let db = open(test_db).await;
    let event = DepositEvent {
        provider: "mock".into(),
        event_id: "evt_missing".into(),
        event_type: "deposit.succeeded".into(),
        signal: DepositSignal::Succeeded,
        deposit_id: Uuid::now_v7(),
        provider_ref: None,
        amount: Money::from_minor_units(100, Currency::EUR),
        failure_code: None,
        raw: "{}".into(),
    };
    assert!(matches!(
        db.apply_deposit_event(&event).await,
        Err(StoreError::NotFound("deposit"))
    ));
    let rows = db
        .conn()
        .query_one_raw(sea_orm::Statement::from_string(
            db.backend(),
            "SELECT COUNT(*) AS n FROM psp_events",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rows.try_get::<i64>("", "n").unwrap(), 0);
}
backend_tests!(
    unknown_reference_rolls_back,
    unknown_deposit_events_leave_no_inbox_entry
);

async fn the_database_refuses_a_second_open_attempt(test_db: &TestDb) {
    use persistence::entities::{payout_attempt, withdrawal};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let db = open(test_db).await;
    let (tenant, player) = player_with_deposit(&db, 1000).await;
    let now = chrono::Utc::now();
    let w = withdrawal::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tenant),
        player_id: Set(player.0),
        amount_minor: Set(100),
        currency: Set("EUR".into()),
        state: Set("payout_pending".into()),
        destination_type: Set("bank_account".into()),
        destination_account: Set("X".into()),
        reject_reason: Set(None),
        first_approved_by: Set(None),
        first_approver_email: Set(None),
        first_approved_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db.conn())
    .await
    .unwrap();
    let attempt = |status: &str| payout_attempt::ActiveModel {
        id: Set(Uuid::now_v7()),
        withdrawal_id: Set(w.id),
        tenant_id: Set(tenant),
        status: Set(status.into()),
        provider: Set("mock".into()),
        provider_ref: Set(None),
        failure_code: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    attempt("failed").insert(db.conn()).await.unwrap();
    attempt("unknown").insert(db.conn()).await.unwrap();
    let second_open = attempt("pending").insert(db.conn()).await;
    assert!(
        second_open.is_err(),
        "ux_payout_attempts_open must refuse a second open attempt"
    );
    attempt("failed").insert(db.conn()).await.unwrap();
}
backend_tests!(one_open_attempt, the_database_refuses_a_second_open_attempt);
