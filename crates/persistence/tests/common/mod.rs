//! Helpers of the storage tests: a migrated database, a tenant with players,
//! pending deposits and the events that settle them, withdrawal requests.

#![allow(dead_code, clippy::unwrap_used)]

use deposit::DepositSignal;
use idempotency::IdempotencyKey;
use ledger::{Currency, Money, PlayerId};
use persistence::audit::AuditContext;
use persistence::entities::wallet;
use persistence::idempotency_store::{Begin, IdempotencyScope};
use persistence::{
    Db, DbSettings, DepositEvent, NewDeposit, NewPlayer, RequestWithdrawal, WithdrawalRequest,
};
use sea_orm::EntityTrait;
use testkit::TestDb;
use uuid::Uuid;
use withdrawal::Destination;

/// Lease of the deposits' idempotency records.
const LEASE: std::time::Duration = std::time::Duration::from_secs(60);

/// Who acts in these tests' audit events.
pub fn audit(actor: &str) -> AuditContext {
    AuditContext {
        actor: actor.into(),
        role: "player".into(),
        request_id: "t".into(),
    }
}

/// A migrated database on `test_db`.
pub async fn open(test_db: &TestDb) -> Db {
    let db = Db::connect(&DbSettings::new(test_db.url.clone()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    db
}

/// A tenant with `players` EUR players; returns the tenant and the players.
pub async fn tenant_with_players(db: &Db, players: usize) -> (Uuid, Vec<PlayerId>) {
    let tenant = db
        .create_tenant("acme", "Acme", &audit("system:test"), None)
        .await
        .unwrap();
    let mut ids = Vec::with_capacity(players);
    for i in 0..players {
        let player = db
            .register_player(NewPlayer {
                tenant: tenant.id,
                email: format!("p{i}@acme.test"),
                password_hash: "x".into(),
                currency: Currency::EUR,
            })
            .await
            .unwrap();
        ids.push(player.id);
    }
    (tenant.id.0, ids)
}

/// A pending deposit of `cents` and the event that settles it as `signal`.
pub async fn pending(
    db: &Db,
    tenant: Uuid,
    player: PlayerId,
    cents: i64,
    signal: DepositSignal,
) -> DepositEvent {
    let amount = Money::from_minor_units(cents, Currency::EUR);
    let scope = IdempotencyScope {
        tenant: tenant.to_string(),
        principal: format!("player:{}", player.0),
        key: IdempotencyKey::parse(&Uuid::new_v4().to_string()).unwrap(),
    };
    let fingerprint = idempotency::fingerprint("POST", "/api/v1/me/deposits", b"{}");
    let lease = match db
        .begin_key::<()>(&scope, &fingerprint, LEASE)
        .await
        .unwrap()
    {
        Begin::Start(lease) => lease,
        other => panic!("a fresh key is taken: {other:?}"),
    };
    let deposit = db
        .create_deposit(
            NewDeposit {
                tenant_id: ledger::TenantId(tenant),
                player,
                amount,
                provider: "mock".into(),
            },
            &lease,
        )
        .await
        .unwrap();
    event(deposit.id.0, &format!("evt_{}", deposit.id), amount, signal)
}

/// The event settling `deposit_id` as `signal`.
pub fn event(
    deposit_id: Uuid,
    event_id: &str,
    amount: Money,
    signal: DepositSignal,
) -> DepositEvent {
    let event_type = match signal {
        DepositSignal::Succeeded => "deposit.succeeded",
        DepositSignal::Failed => "deposit.failed",
    };
    DepositEvent {
        provider: "mock".into(),
        event_id: event_id.to_owned(),
        event_type: event_type.into(),
        signal,
        deposit_id,
        provider_ref: Some(format!("psp_{event_id}")),
        amount,
        failure_code: (signal == DepositSignal::Failed).then(|| "declined".to_owned()),
        raw: format!(r#"{{"id":"{event_id}"}}"#),
    }
}

/// The wallet's `available` balance in minor units.
pub async fn available_minor(db: &Db, player: PlayerId) -> i64 {
    wallet::Entity::find_by_id(player.0)
        .one(db.conn())
        .await
        .unwrap()
        .unwrap()
        .available_minor
}

/// A withdrawal request of `amount` with key `key`.
pub fn withdrawal_request(
    tenant: Uuid,
    player: PlayerId,
    key: &str,
    amount: Money,
) -> WithdrawalRequest {
    let body = format!(r#"{{"amount":"{amount}"}}"#);
    WithdrawalRequest {
        command: RequestWithdrawal {
            tenant: ledger::TenantId(tenant),
            player,
            amount,
            destination: Destination::parse("bank_account", "DE89370400440532013000").unwrap(),
        },
        scope: IdempotencyScope {
            tenant: tenant.to_string(),
            principal: format!("player:{}", player.0),
            key: IdempotencyKey::parse(key).unwrap(),
        },
        fingerprint: idempotency::fingerprint("POST", "/me/withdrawals", body.as_bytes()),
        audit: audit(&format!("player:{}", player.0)),
    }
}
