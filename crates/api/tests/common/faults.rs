//! Injected database failures: a trigger that makes every update of a table
//! fail until it is removed, on SQLite and PostgreSQL alike. A real failure
//! after some effects committed (a statement timeout, a lost connection, a
//! value too long) looks exactly like this to Kasa.

use sea_orm::{ConnectionTrait, DatabaseBackend};

/// Makes every `UPDATE` of `table` fail until [`heal`] is called.
pub async fn break_updates<C: ConnectionTrait>(db: &C, table: &str) {
    let statements = match db.get_database_backend() {
        DatabaseBackend::Postgres => vec![
            "CREATE OR REPLACE FUNCTION kasa_test_fault() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql"
                .to_owned(),
            format!(
                "CREATE TRIGGER kasa_test_fault_{table} BEFORE UPDATE ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION kasa_test_fault()"
            ),
        ],
        _ => vec![format!(
            "CREATE TRIGGER kasa_test_fault_{table} BEFORE UPDATE ON {table} \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )],
    };
    for statement in statements {
        db.execute_unprepared(&statement)
            .await
            .unwrap_or_else(|e| panic!("installing the fault on {table}: {e}"));
    }
}

/// Removes the fault [`break_updates`] installed on `table`.
pub async fn heal<C: ConnectionTrait>(db: &C, table: &str) {
    let statement = match db.get_database_backend() {
        DatabaseBackend::Postgres => format!("DROP TRIGGER kasa_test_fault_{table} ON {table}"),
        _ => format!("DROP TRIGGER kasa_test_fault_{table}"),
    };
    db.execute_unprepared(&statement)
        .await
        .unwrap_or_else(|e| panic!("removing the fault on {table}: {e}"));
}
