//! Connecting directly and through PgBouncer in transaction pooling: the pool
//! sends only the startup parameters PgBouncer forwards (no `options`, no
//! `extra_float_digits`); the statement timeout is Kasa's `SET` per connection,
//! or with a zero setting the database's own; the statement cache can be off.
//!
//! The PgBouncer test runs when `TEST_PGBOUNCER_URL` names a database behind a
//! PgBouncer in `pool_mode = transaction` whose database sets the statement
//! timeout that `TEST_PGBOUNCER_STATEMENT_TIMEOUT` names (`.ci/pgbouncer-smoke`
//! starts one and sets both); otherwise it is skipped with a message.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use persistence::audit::AuditContext;
use persistence::{Db, DbSettings};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, TransactionTrait, Value};

/// An odd timeout, so the default cannot pass for it.
const TIMEOUT: Duration = Duration::from_millis(4321);

/// Opens `url` with `timeout`, the statement cache on or off, and a pool of `size`.
async fn connect(url: &str, timeout: Duration, statement_cache: bool, size: u32) -> Db {
    let mut settings = DbSettings::new(url);
    settings.statement_timeout = timeout;
    settings.statement_cache = statement_cache;
    settings.max_connections = size;
    Db::connect(&settings).await.unwrap()
}

/// `SHOW statement_timeout` on three connections held at once (three open
/// transactions), so every pooled connection is checked, not only the first.
async fn assert_timeout_on_every_connection(db: &Db, expected: &str) {
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
            expected
        );
    }
    for txn in txns {
        txn.rollback().await.unwrap();
    }
}

/// A parameterized statement (so sqlx prepares it), tagged with `tag`.
fn tagged_query(tag: &str, n: i32) -> Statement {
    Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        format!("SELECT $1::int4 + 1 AS n -- {tag}"),
        [Value::from(n)],
    )
}

/// Runs `tagged_query` three times on one connection (one transaction) and
/// answers how many prepared statements of that text the connection then holds.
async fn prepared_after_three_runs(db: &Db, tag: &str) -> i64 {
    let txn = db.conn().begin().await.unwrap();
    for n in 0..3 {
        let row = txn
            .query_one_raw(tagged_query(tag, n))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get::<i32>("", "n").unwrap(), n + 1);
    }
    let count = Statement::from_string(
        DatabaseBackend::Postgres,
        format!("SELECT count(*) AS c FROM pg_prepared_statements WHERE statement LIKE '%{tag}'"),
    );
    let row = txn.query_one_raw(count).await.unwrap().unwrap();
    txn.rollback().await.unwrap();
    row.try_get::<i64>("", "c").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statement_timeout_applies_to_every_pooled_connection() {
    let Some(test_db) =
        testkit::postgres("statement_timeout_applies_to_every_pooled_connection").await
    else {
        return;
    };
    let db = connect(&test_db.url, TIMEOUT, true, 3).await;
    assert_timeout_on_every_connection(&db, "4321ms").await;
    db.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zero_timeout_leaves_the_databases_own() {
    let Some(test_db) = testkit::postgres("zero_timeout_leaves_the_databases_own").await else {
        return;
    };
    let admin = connect(&test_db.url, TIMEOUT, true, 1).await;
    admin
        .conn()
        .execute_unprepared(
            "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET statement_timeout = ''1234ms''', \
             current_database()); END $$",
        )
        .await
        .unwrap();
    admin.close().await.unwrap();
    let db = connect(&test_db.url, Duration::ZERO, true, 3).await;
    assert_timeout_on_every_connection(&db, "1234ms").await;
    assert_eq!(
        db.server_statement_timeout().await.unwrap().as_deref(),
        Some("1234ms")
    );
    db.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statement_cache_setting_decides_whether_statements_are_reused() {
    let Some(test_db) =
        testkit::postgres("statement_cache_setting_decides_whether_statements_are_reused").await
    else {
        return;
    };
    let cached = connect(&test_db.url, TIMEOUT, true, 1).await;
    assert_eq!(prepared_after_three_runs(&cached, "cache_on").await, 1);
    cached.close().await.unwrap();
    let uncached = connect(&test_db.url, TIMEOUT, false, 1).await;
    assert_eq!(prepared_after_three_runs(&uncached, "cache_off").await, 3);
    uncached.close().await.unwrap();
}

/// Many clients' parameterized statements, inside and outside transactions, on
/// a pool larger than PgBouncer's server pool, so server connections pass from
/// client to client between transactions (where PgBouncer 1.18 answers
/// `prepared statement "sqlx_s_1" already exists`).
async fn many_clients_share_server_connections(db: &Db, tag: &str) {
    let mut tasks = tokio::task::JoinSet::new();
    for client in 0..16 {
        let db = db.clone();
        let tag = format!("{tag}_{}", client % 4);
        tasks.spawn(async move {
            for n in 0..25 {
                let row = db
                    .conn()
                    .query_one_raw(tagged_query(&tag, n))
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!(row.try_get::<i32>("", "n").unwrap(), n + 1);
                let txn = db.conn().begin().await.unwrap();
                let row = txn
                    .query_one_raw(tagged_query(&tag, n))
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!(row.try_get::<i32>("", "n").unwrap(), n + 1);
                txn.commit().await.unwrap();
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connects_migrates_and_writes_through_pgbouncer_transaction_pooling() {
    let (Ok(url), Ok(timeout)) = (
        std::env::var("TEST_PGBOUNCER_URL"),
        std::env::var("TEST_PGBOUNCER_STATEMENT_TIMEOUT"),
    ) else {
        eprintln!(
            "SKIPPED connects_migrates_and_writes_through_pgbouncer_transaction_pooling: set \
             TEST_PGBOUNCER_URL and TEST_PGBOUNCER_STATEMENT_TIMEOUT (see .ci/pgbouncer-smoke)"
        );
        return;
    };
    let db = connect(&url, Duration::ZERO, true, 8).await;
    db.migrate().await.unwrap();
    assert_timeout_on_every_connection(&db, &timeout).await;
    many_clients_share_server_connections(&db, "bouncer_cache_on").await;
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

    let uncached = connect(&url, Duration::ZERO, false, 8).await;
    many_clients_share_server_connections(&uncached, "bouncer_cache_off").await;
    uncached.close().await.unwrap();
}
