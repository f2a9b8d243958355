//! `cargo xtask bench history`: first-page latency of `GET /me/transactions` as one
//! player's ledger grows from 100 thousand to 5 million rows (seeded straight into the
//! database, since only the size of the table matters here), to show that keyset
//! pages do not slow down with the ledger.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;
use sea_orm_migration::sea_orm::{ConnectionTrait, Database, DatabaseConnection};

use super::report::ScenarioFigures;
use super::scenarios::Work;
use super::{LoadArgs, Shape, load, release_binaries, scratch, seed, stack};

/// Rows inserted per statement while seeding.
const SEED_BATCH: u64 = 250_000;

/// Arguments of `cargo xtask bench history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Ledger sizes (rows of the player's history) to measure at, ascending.
    #[arg(long, value_delimiter = ',', default_values_t = [100_000, 5_000_000])]
    rows: Vec<u64>,
    /// Concurrent clients reading the first page.
    #[arg(long, default_value_t = 4)]
    clients: usize,
    /// Seconds of reading at each size.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
}

/// Runs the history benchmark.
pub async fn run(args: HistoryArgs, load_args: &LoadArgs) -> Result<()> {
    if args.rows.is_empty() || args.rows.windows(2).any(|w| w[0] >= w[1]) {
        bail!("--rows must be one or more ascending sizes");
    }
    let server_url = load_args
        .database_url
        .clone()
        .context("the bench needs PostgreSQL: set DATABASE_URL or pass --database-url")?;
    let bin_dir = release_binaries(load_args).await?;
    let scratch = scratch::Scratch::new(&server_url, load_args.keep);
    let work = std::env::temp_dir().join(format!("kasa-bench-{}", crate::smoke::random_hex(12)));
    std::fs::create_dir_all(&work)
        .with_context(|| format!("creating the bench directory {}", work.display()))?;
    let outcome = measure(&args, load_args, &bin_dir, &work, &scratch).await;
    scratch.drop_all().await;
    if !load_args.keep {
        std::fs::remove_dir_all(&work).ok();
    }
    let figures = outcome?;

    println!();
    println!(
        "{:>10} {:>9} {:>9} {:>9} {:>7}",
        "rows", "rps", "p50 ms", "p99 ms", "errors"
    );
    for (rows, f) in &figures {
        println!(
            "{rows:>10} {:>9.0} {:>9.2} {:>9.2} {:>7}",
            f.rps, f.p50_ms, f.p99_ms, f.errors
        );
    }
    if let (Some((small, first)), Some((large, last))) = (figures.first(), figures.last()) {
        println!(
            "p50 at {large} rows / p50 at {small} rows: {:.2}",
            last.p50_ms / first.p50_ms.max(1e-9)
        );
    }
    if figures.iter().any(|(_, f)| f.errors > 0) {
        bail!("some history requests failed");
    }
    Ok(())
}

/// Starts the stack, grows the ledger size by size and reads first pages at each.
async fn measure(
    args: &HistoryArgs,
    load_args: &LoadArgs,
    bin_dir: &std::path::Path,
    work: &std::path::Path,
    scratch: &scratch::Scratch,
) -> Result<Vec<(u64, ScenarioFigures)>> {
    let kasa_db = scratch.create("history").await?;
    let mut children = Vec::new();
    let stack = stack::start(bin_dir, work, &kasa_db, &load_args.server(), &mut children).await?;
    let shape = Shape {
        duration: Duration::from_secs(args.seconds.max(1)),
        concurrency: args.clients.max(1),
        players: 1,
    };
    let population = seed::population(&stack, shape).await?;
    let db = Database::connect(&kasa_db)
        .await
        .context("connecting to the bench database")?;

    let mut figures = Vec::new();
    let mut seeded = 0;
    for &rows in &args.rows {
        let started = Instant::now();
        grow_history(&db, seeded, rows).await?;
        seeded = rows;
        println!(
            "bench: history has {rows} rows (seeded in {:.1} s)",
            started.elapsed().as_secs_f64()
        );
        let work = Work::History {
            base: stack.api_base.clone(),
            players: population.players.clone(),
        };
        let run = load::drive("history_page", shape, work).await?;
        figures.push((rows, ScenarioFigures::from_run(&run)));
    }
    db.close().await.ok();
    drop(children);
    Ok(figures)
}

/// Adds ledger transactions for the bench's only player until its history holds
/// `target` rows (the funding deposit counts), older than every real one, with
/// UUIDv7 ids as Kasa writes them; then refreshes the planner's statistics.
async fn grow_history(db: &DatabaseConnection, from: u64, target: u64) -> Result<()> {
    let mut done = from.max(1);
    while done < target {
        let upto = (done + SEED_BATCH).min(target);
        let statement = format!(
            "INSERT INTO ledger_transactions \
               (id, tenant_id, kind, player_id, currency, amount_minor, available_after_minor, \
                held_after_minor, reference_type, reference_id, created_at) \
             SELECT (lpad(to_hex(ms), 12, '0') || '7' || substr(r, 1, 3) || '8' \
                     || substr(r, 4, 15))::uuid, \
                    w.tenant_id, 'deposit', w.player_id, w.currency, 1000, 1000 * (g + 1), 0, \
                    'deposit', gen_random_uuid(), to_timestamp(ms / 1000.0) \
             FROM wallets w, \
                  LATERAL (SELECT g, \
                                  (extract(epoch FROM now()) * 1000)::bigint - 1000 - g AS ms, \
                                  md5(g::text || random()::text) AS r \
                           FROM generate_series({done}::bigint, {last}::bigint) AS g) s",
            last = upto - 1
        );
        db.execute_unprepared(&statement)
            .await
            .context("seeding ledger transactions")?;
        done = upto;
    }
    db.execute_unprepared("ANALYZE ledger_transactions")
        .await
        .context("analyzing ledger_transactions")?;
    Ok(())
}
