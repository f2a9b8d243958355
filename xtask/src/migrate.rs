//! `cargo xtask migrate`: schema migrations against the configured database.

use std::path::Path;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use migration::Migrator;
use sea_orm_migration::sea_orm::{Database, DatabaseConnection};
use sea_orm_migration::{MigrationStatus, MigratorTrait};

/// The embedded SQLite database the server uses when no URL is configured.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://kasa-data/kasa.sqlite?mode=rwc";

/// Arguments of `cargo xtask migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// What to do (default: `up`).
    #[command(subcommand)]
    action: Option<Action>,
}

/// A migration action.
#[derive(Debug, Clone, Copy, Subcommand)]
enum Action {
    /// Apply every pending migration.
    Up,
    /// Roll back the most recently applied migration.
    Down,
    /// List every migration and whether it is applied.
    Status,
    /// Drop EVERY table in the database, then apply all migrations (needs --yes).
    Fresh {
        /// Confirm that all data in the database may be destroyed.
        #[arg(long)]
        yes: bool,
    },
}

/// The database URL: `KASA__DATABASE__URL`, else `DATABASE_URL`, else the embedded SQLite file.
pub fn database_url() -> String {
    ["KASA__DATABASE__URL", "DATABASE_URL"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned())
}

/// Hides the password of a URL like `postgres://user:secret@host/db` before printing it.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// Creates the directory a file-backed SQLite URL points into, so `mode=rwc` can create the file.
pub fn ensure_sqlite_dir(url: &str) -> Result<()> {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok(());
    };
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the SQLite directory {}", parent.display()))?;
    }
    Ok(())
}

/// Runs `cargo xtask migrate <action>`.
pub async fn run(args: MigrateArgs) -> Result<()> {
    let action = args.action.unwrap_or(Action::Up);
    if let Action::Fresh { yes: false } = action {
        bail!(
            "`migrate fresh` drops every table in the database; run `cargo xtask migrate fresh --yes` if you mean it"
        );
    }
    let url = database_url();
    ensure_sqlite_dir(&url)?;
    println!("migrate: database {}", redact(&url));
    let db = Database::connect(url.as_str())
        .await
        .with_context(|| format!("connecting to {}", redact(&url)))?;
    match action {
        Action::Up => up(&db).await,
        Action::Down => down(&db).await,
        Action::Status => status(&db).await,
        Action::Fresh { .. } => fresh(&db).await,
    }
}

/// Names of the migrations in `status`.
async fn names_with(db: &DatabaseConnection, wanted: MigrationStatus) -> Result<Vec<String>> {
    Ok(Migrator::get_migration_with_status(db)
        .await
        .context("reading the migration table")?
        .iter()
        .filter(|m| m.status() == wanted)
        .map(|m| m.name().to_owned())
        .collect())
}

/// Applies every pending migration.
async fn up(db: &DatabaseConnection) -> Result<()> {
    let pending = names_with(db, MigrationStatus::Pending).await?;
    if pending.is_empty() {
        println!("migrate: nothing to apply, the schema is up to date");
        return Ok(());
    }
    Migrator::up(db, None)
        .await
        .context("applying pending migrations")?;
    for name in &pending {
        println!("migrate: applied {name}");
    }
    println!("migrate: {} migration(s) applied", pending.len());
    Ok(())
}

/// Rolls back the last applied migration.
async fn down(db: &DatabaseConnection) -> Result<()> {
    let applied = names_with(db, MigrationStatus::Applied).await?;
    let Some(last) = applied.last() else {
        println!("migrate: nothing to roll back, no migration is applied");
        return Ok(());
    };
    Migrator::down(db, Some(1))
        .await
        .with_context(|| format!("rolling back {last}"))?;
    println!("migrate: rolled back {last}");
    Ok(())
}

/// Lists every migration with its status, without creating the migration table.
async fn status(db: &DatabaseConnection) -> Result<()> {
    let migrations = Migrator::get_migration_with_status_read_only(db)
        .await
        .context("reading the migration table")?;
    let mut pending = 0;
    for migration in &migrations {
        let label = match migration.status() {
            MigrationStatus::Applied => "applied",
            MigrationStatus::Pending => {
                pending += 1;
                "pending"
            }
        };
        println!("migrate: {label:<8} {}", migration.name());
    }
    println!(
        "migrate: {} migration(s), {} applied, {pending} pending",
        migrations.len(),
        migrations.len() - pending
    );
    Ok(())
}

/// Drops everything and re-applies all migrations.
async fn fresh(db: &DatabaseConnection) -> Result<()> {
    Migrator::fresh(db)
        .await
        .context("dropping all tables and re-applying migrations")?;
    let applied = names_with(db, MigrationStatus::Applied).await?;
    println!(
        "migrate: dropped all tables and applied {} migration(s): {}",
        applied.len(),
        applied.join(", ")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact("postgres://kasa:hunter2@db:5432/kasa"),
            "postgres://kasa:***@db:5432/kasa"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(redact(DEFAULT_DATABASE_URL), DEFAULT_DATABASE_URL);
    }
}
