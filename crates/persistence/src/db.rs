//! Connecting to PostgreSQL or the embedded SQLite file.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, Statement,
};

use crate::clock::Clock;
use crate::error::StoreResult;

/// Pool settings. `Debug` leaves the URL out: it may carry a password.
#[derive(Clone)]
pub struct DbSettings {
    /// Database URL (`postgres://…` or `sqlite://…`).
    pub url: String,
    /// Maximum pooled connections on PostgreSQL (SQLite always uses one writer).
    pub max_connections: u32,
    /// How long a request waits for a pooled connection.
    pub acquire_timeout: Duration,
    /// PostgreSQL `statement_timeout` of every pooled connection, set with a
    /// session `SET` right after connecting (not as a startup parameter, which
    /// PgBouncer refuses). Zero sends no `SET`: the role's or database's setting
    /// applies, which is how transaction pooling must get its timeout.
    pub statement_timeout: Duration,
    /// Whether sqlx keeps each connection's prepared statements for reuse.
    /// Off, every execution parses its statement again (one more round trip).
    pub statement_cache: bool,
}

impl std::fmt::Debug for DbSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbSettings")
            .field("url", &"*** redacted ***")
            .field("max_connections", &self.max_connections)
            .field("acquire_timeout", &self.acquire_timeout)
            .field("statement_timeout", &self.statement_timeout)
            .field("statement_cache", &self.statement_cache)
            .finish()
    }
}

impl DbSettings {
    /// Settings with Kasa's defaults for `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 32,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(10),
            statement_cache: true,
        }
    }
}

/// The session `SET` that applies `timeout` (whole milliseconds), or none for
/// zero: the server's own setting (per role or database) then applies.
fn statement_timeout_sql(timeout: Duration) -> Option<String> {
    (!timeout.is_zero()).then(|| format!("SET statement_timeout = {}", timeout.as_millis()))
}

/// Statements sqlx keeps per connection when its cache is on (sqlx's default).
const STATEMENT_CACHE_CAPACITY: usize = 100;

/// A connection pool to Kasa's database.
#[derive(Debug, Clone)]
pub struct Db {
    conn: DatabaseConnection,
    clock: Clock,
}

impl Db {
    /// Opens the pool. SQLite gets one connection: SQLite has a single writer,
    /// and one connection turns lock contention into plain queueing.
    pub async fn connect(settings: &DbSettings) -> StoreResult<Self> {
        let mut options = ConnectOptions::new(settings.url.clone());
        let is_sqlite = settings.url.starts_with("sqlite:");
        options
            .max_connections(if is_sqlite {
                1
            } else {
                settings.max_connections
            })
            .min_connections(if is_sqlite { 1 } else { 2 })
            .acquire_timeout(settings.acquire_timeout)
            .connect_timeout(settings.acquire_timeout)
            .sqlx_logging(false);
        // Only the startup parameters every PostgreSQL pooler forwards: PgBouncer
        // refuses `options` and `extra_float_digits` unless told to ignore them (and
        // an ignored `options` would silently drop the timeout). Kasa reads no floats
        // in text mode, and PostgreSQL 12+ prints them exactly by default anyway.
        let cache = if settings.statement_cache {
            STATEMENT_CACHE_CAPACITY
        } else {
            0
        };
        options.map_sqlx_postgres_opts(move |opts| {
            opts.extra_float_digits(None)
                .statement_cache_capacity(cache)
        });
        if let Some(set_timeout) = statement_timeout_sql(settings.statement_timeout) {
            options.map_sqlx_postgres_pool_opts(move |pool| {
                let set_timeout = set_timeout.clone();
                // Runs once per physical connection (Kasa sets no search path, the
                // only other user of this hook in sea-orm).
                pool.after_connect(move |conn, _| {
                    let sql = set_timeout.clone();
                    Box::pin(async move {
                        sqlx::Executor::execute(conn, sqlx::AssertSqlSafe(sql))
                            .await
                            .map(|_| ())
                    })
                })
            });
        }
        options.map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .create_if_missing(true)
        });
        let conn = Database::connect(options).await?;
        Ok(Self::from_connection(conn))
    }

    /// Wraps an existing connection (tests).
    pub fn from_connection(conn: DatabaseConnection) -> Self {
        Self {
            conn,
            clock: Clock::default(),
        }
    }

    /// The clock the limit rules read (shared by every clone of this pool).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Now, on [`Db::clock`].
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> StoreResult<()> {
        Migrator::up(&self.conn, None).await?;
        Ok(())
    }

    /// Answers when the database answers a trivial query.
    pub async fn ping(&self) -> StoreResult<()> {
        self.conn.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    /// The `statement_timeout` a pooled PostgreSQL connection runs with, as
    /// `SHOW` prints it (`0` for none); `None` on SQLite, which has none.
    pub async fn server_statement_timeout(&self) -> StoreResult<Option<String>> {
        if self.backend() != DatabaseBackend::Postgres {
            return Ok(None);
        }
        let row = self
            .conn
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Postgres,
                "SHOW statement_timeout",
            ))
            .await?;
        Ok(row
            .map(|row| row.try_get::<String>("", "statement_timeout"))
            .transpose()?)
    }

    /// The underlying sea-orm connection.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Which SQL dialect the pool speaks.
    pub fn backend(&self) -> DatabaseBackend {
        self.conn.get_database_backend()
    }

    /// Closes the pool.
    pub async fn close(self) -> StoreResult<()> {
        self.conn.close().await?;
        Ok(())
    }
}
