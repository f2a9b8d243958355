//! Connecting directly and through PgBouncer: the pool sends only the startup
//! parameters PgBouncer forwards (no `options`, no `extra_float_digits`), and the
//! statement timeout still applies to every pooled connection.
//!
//! The PgBouncer test runs when `TEST_PGBOUNCER_URL` names a database behind a
//! PgBouncer with its default `ignore_startup_parameters` (`.ci/pgbouncer-smoke`
//! starts one and sets it); otherwise it is skipped with a message.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use persistence::audit::AuditContext;
use persistence::{Db, DbSettings};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};

/// An odd timeout, so the default cannot pass for it.
const TIMEOUT: Duration = Duration::from_millis(4321);

/// Opens `url` with [`TIMEOUT`] and a pool of three.
async fn connect(url: &str) -> Db {
    let mut settings = DbSettings::new(url);
    settings.statement_timeout = TIMEOUT;
    settings.max_connections = 3;
    Db::connect(&settings).await.unwrap()
}

/// `SHOW statement_timeout` on three connections held at once (three open
/// transactions), so every pooled connection is checked, not only the first.
async fn assert_timeout_on_every_connection(db: &Db) {
    let txns = [
        db.conn().begin().await.unwrap(),
        db.conn().begin().await.unwrap(),
        db.conn().begin().await.unwrap(),
    ];
    for txn in &txns {
        let row = txn
            .query_one_raw(Statement::from_string(
                db.backend(),
                "SHOW statement_timeout",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.try_get::<String>("", "statement_timeout").unwrap(),
            "4321ms"
        );
    }
    for txn in txns {
        txn.rollback().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statement_timeout_applies_to_every_pooled_connection() {
    let Some(test_db) =
        testkit::postgres("statement_timeout_applies_to_every_pooled_connection").await
    else {
        return;
    };
    let db = connect(&test_db.url).await;
    assert_timeout_on_every_connection(&db).await;
    db.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connects_migrates_and_writes_through_pgbouncer() {
    let Ok(url) = std::env::var("TEST_PGBOUNCER_URL") else {
        eprintln!(
            "SKIPPED connects_migrates_and_writes_through_pgbouncer: set TEST_PGBOUNCER_URL \
             to a database behind PgBouncer (see .ci/pgbouncer-smoke)"
        );
        return;
    };
    let db = connect(&url).await;
    db.migrate().await.unwrap();
    assert_timeout_on_every_connection(&db).await;
    let slug = format!("pgb-{}", uuid::Uuid::new_v4().simple());
    let audit = AuditContext {
        actor: "system:test".into(),
        role: "platform_admin".into(),
        request_id: "pgbouncer".into(),
    };
    let tenant = db
        .create_tenant(&slug, "Through PgBouncer", &audit, None)
        .await
        .unwrap();
    assert_eq!(tenant.slug, slug);
    db.close().await.unwrap();
}
