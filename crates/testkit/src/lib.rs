//! A fresh database per test, on SQLite or PostgreSQL.
//!
//! PostgreSQL tests read the server from `TEST_DATABASE_URL` (else
//! `DATABASE_URL`), create a database of their own and drop it afterwards.
//! Without a configured server they are skipped with a visible message — unless
//! `CI=true`, where a missing database is a failure, not a skip.

use sea_orm::{ConnectionTrait, Database};
use uuid::Uuid;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file in a temporary directory.
    Sqlite,
    /// A fresh database on the configured PostgreSQL server.
    Postgres,
}

/// A database that exists for one test.
pub struct TestDb {
    /// Connection URL of the fresh database.
    pub url: String,
    /// Its backend.
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    drop_on_exit: Option<(String, String)>,
}

/// A fresh SQLite file database.
pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let url = format!(
        "sqlite://{}/kasa-test.sqlite?mode=rwc",
        dir.path().display()
    );
    TestDb {
        url,
        backend: Backend::Sqlite,
        _dir: Some(dir),
        drop_on_exit: None,
    }
}

/// The configured PostgreSQL server URL, if any.
pub fn postgres_server_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

/// A fresh PostgreSQL database, or `None` (after printing why) when no server
/// is configured outside CI.
pub async fn postgres(test: &str) -> Option<TestDb> {
    let Some(server) = postgres_server_url() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!(
                "{test}: CI=true but neither TEST_DATABASE_URL nor DATABASE_URL names a PostgreSQL server"
            );
        }
        eprintln!(
            "SKIPPED {test} on PostgreSQL: set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres to run it"
        );
        return None;
    };
    let name = format!("kasa_test_{}", Uuid::new_v4().simple());
    let admin = Database::connect(&server)
        .await
        .unwrap_or_else(|e| panic!("{test}: cannot connect to {server}: {e}"));
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap_or_else(|e| panic!("{test}: CREATE DATABASE failed: {e}"));
    let _ = admin.close().await;
    Some(TestDb {
        url: replace_database(&server, &name),
        backend: Backend::Postgres,
        _dir: None,
        drop_on_exit: Some((server, name)),
    })
}

/// `postgres://user@host:port/old?x` with the database part replaced.
fn replace_database(server: &str, name: &str) -> String {
    let (base, query) = server
        .split_once('?')
        .map_or((server, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut url = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    url
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((server, name)) = self.drop_on_exit.take() else {
            return;
        };
        // Drop cannot await; a short-lived runtime on its own thread can.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let admin = Database::connect(&server).await.ok()?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("warning: could not drop a test database");
        }
    }
}

/// Runs an async scenario on SQLite and, when configured, PostgreSQL:
/// `backend_tests!(name, scenario)` makes `name_sqlite` and `name_postgres`.
#[macro_export]
macro_rules! backend_tests {
    ($name:ident, $scenario:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let db = $crate::sqlite();
                super::$scenario(&db).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if let Some(db) = $crate::postgres(concat!(module_path!(), "::postgres")).await {
                    super::$scenario(&db).await;
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            replace_database("postgres://u@h:5432/postgres", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            replace_database("postgres://u@h:5432", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            replace_database("postgres://u@h/db?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
