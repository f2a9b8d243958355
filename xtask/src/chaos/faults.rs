//! The chaos, each kind in its own loop until the load's deadline: killing the
//! server's database connections (`pg_terminate_backend`), SIGKILLing and
//! restarting the server, and holding a random player's wallet row `FOR UPDATE`
//! from a connection of our own.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use sea_orm_migration::sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
    TransactionTrait,
};

use super::server::Server;

/// `application_name` prefix of the run's own connections, which the terminator spares.
pub const OWN_CONNECTIONS: &str = "kasa-chaos";

/// How often each kind of chaos strikes (each pause is ±20 % of it).
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// Between two rounds of `pg_terminate_backend`.
    pub terminate: Duration,
    /// Between two SIGKILLs of the server.
    pub kill: Duration,
    /// Between two wallet-row locks.
    pub lock: Duration,
    /// How long each lock is held.
    pub hold: Duration,
}

/// What the terminator did.
#[derive(Debug, Clone, Default)]
pub struct Terminations {
    /// Rounds of `pg_terminate_backend`.
    pub rounds: u64,
    /// Server connections terminated, over all rounds.
    pub backends: u64,
    /// Rounds that failed, and the first failure.
    pub errors: u64,
    /// The first failure.
    pub first_error: Option<String>,
}

/// What the killer did.
#[derive(Debug, Clone, Default)]
pub struct Kills {
    /// SIGKILLs, each followed by a restart.
    pub kills: u64,
    /// The longest time from a kill to the new process answering `/readyz`.
    pub downtime_max: Duration,
    /// All that downtime.
    pub downtime_total: Duration,
}

/// What the locker did.
#[derive(Debug, Clone, Default)]
pub struct Locks {
    /// Wallet rows held `FOR UPDATE` for the whole hold.
    pub held: u64,
    /// Locks that failed, and the first failure.
    pub errors: u64,
    /// The first failure.
    pub first_error: Option<String>,
}

/// Connects to `url` as one of the run's own connections (`application_name`
/// `kasa-chaos-<role>`).
pub async fn own_connection(url: &str, role: &str) -> Result<DatabaseConnection> {
    let mut parsed = reqwest::Url::parse(url).context("parsing a database URL")?;
    parsed
        .query_pairs_mut()
        .append_pair("application_name", &format!("{OWN_CONNECTIONS}-{role}"));
    let mut options = ConnectOptions::new(parsed.to_string());
    options.max_connections(2).sqlx_logging(false);
    Database::connect(options)
        .await
        .with_context(|| format!("connecting the chaos {role} connection"))
}

/// Every ~`pace.terminate`, terminates every connection to `database` but the
/// run's own, through `admin` (a connection to another database of the server).
pub async fn terminate_loop(
    admin: &DatabaseConnection,
    database: &str,
    pace: Duration,
    deadline: Instant,
) -> Terminations {
    let mut done = Terminations::default();
    let sql = "SELECT count(*) AS n FROM (SELECT pg_terminate_backend(pid) AS gone \
               FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() \
               AND coalesce(application_name, '') NOT LIKE $2) t WHERE gone";
    while pause(pace, deadline).await {
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [database.into(), format!("{OWN_CONNECTIONS}%").into()],
        );
        let result = match admin.query_one_raw(statement).await {
            Ok(Some(row)) => row.try_get::<i64>("", "n").map_err(anyhow::Error::from),
            Ok(None) => Ok(0),
            Err(error) => Err(anyhow::Error::from(error)),
        };
        done.rounds += 1;
        match result {
            Ok(n) => done.backends += u64::try_from(n).unwrap_or(0),
            Err(error) => {
                done.errors += 1;
                done.first_error.get_or_insert(format!("{error:#}"));
            }
        }
    }
    done
}

/// Every ~`pace`, SIGKILLs the server and starts it again; fails when a restart does.
pub async fn kill_loop(server: &Server, pace: Duration, deadline: Instant) -> Result<Kills> {
    let mut done = Kills::default();
    while pause(pace, deadline).await {
        let down = server.kill_and_restart().await?;
        done.kills += 1;
        done.downtime_max = done.downtime_max.max(down);
        done.downtime_total += down;
        println!(
            "chaos: kasa killed and back after {:.2} s",
            down.as_secs_f64()
        );
    }
    Ok(done)
}

/// Every ~`pace.lock`, holds the wallet row of a random one of `players` (ids)
/// `FOR UPDATE` for `pace.hold` through `db`, then commits.
pub async fn lock_loop(
    db: &DatabaseConnection,
    players: &[String],
    pace: Pace,
    deadline: Instant,
) -> Locks {
    let mut done = Locks::default();
    while pause(pace.lock, deadline).await {
        let Some(player) = players.get(rand::random_range(0..players.len().max(1))) else {
            break;
        };
        match hold_wallet(db, player, pace.hold).await {
            Ok(()) => done.held += 1,
            Err(error) => {
                done.errors += 1;
                done.first_error.get_or_insert(format!("{error:#}"));
            }
        }
    }
    done
}

/// `SELECT … FOR UPDATE` of `player`'s wallet, `hold` of sleep, `COMMIT`.
async fn hold_wallet(db: &DatabaseConnection, player: &str, hold: Duration) -> Result<()> {
    let txn = db.begin().await.context("beginning the lock")?;
    let statement = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT player_id::text AS id FROM wallets WHERE player_id = $1::uuid FOR UPDATE",
        [player.into()],
    );
    txn.query_one_raw(statement)
        .await
        .context("locking a wallet row")?
        .with_context(|| format!("no wallet row for player {player}"))?;
    tokio::time::sleep(hold).await;
    txn.commit().await.context("releasing the lock")?;
    Ok(())
}

/// Sleeps about `every` (between 80 % and 120 % of it); `false`, without
/// sleeping, when that would end past `deadline`.
async fn pause(every: Duration, deadline: Instant) -> bool {
    let wake = Instant::now() + every.mul_f64(rand::random_range(0.8..1.2));
    if wake >= deadline {
        return false;
    }
    tokio::time::sleep_until(wake.into()).await;
    true
}
