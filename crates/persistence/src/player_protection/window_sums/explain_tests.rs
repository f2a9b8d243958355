//! On PostgreSQL with a long history, the window sums are index range scans
//! of `ix_deposits_player_created` / `ix_game_transactions_player_created`
//! (never a scan of the table), and the sums are right.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use chrono::Utc;
use ledger::{Currency, Money, PlayerId};
use protection::{LimitKind, LimitPeriod};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

use super::super::game_windows::{limits_with_game_totals, limits_with_sums_query};
use super::{deposit_sums_query, deposit_totals, deposit_window_sum};
use crate::audit::AuditContext;
use crate::entities::player_limit;
use crate::records::TenantId;
use crate::{Db, DbSettings, LimitChange, NewPlayer};

/// Players seeded; each gets `ROWS_PER_PLAYER` rows per table, spread over
/// 90 days (so most of them lie outside every window).
const PLAYERS: usize = 40;
const ROWS_PER_PLAYER: i64 = 2_500;

fn audit() -> AuditContext {
    AuditContext {
        actor: "system:test".into(),
        role: "system".into(),
        request_id: "t".into(),
    }
}

async fn seeded() -> Option<(testkit::TestDb, Db, TenantId, Vec<PlayerId>)> {
    let test_db = testkit::postgres("persistence::window_sums_explain").await?;
    let db = Db::connect(&DbSettings::new(test_db.url.clone()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let tenant = db
        .create_tenant("acme", "Acme", &audit(), None)
        .await
        .unwrap();
    let mut players = Vec::new();
    for i in 0..PLAYERS {
        let new = NewPlayer {
            tenant: tenant.id,
            email: format!("p{i}@acme.test"),
            password_hash: "x".into(),
            currency: Currency::EUR,
        };
        players.push(db.register_player(new).await.unwrap().id);
    }
    // Row g of a player is g * 90 days / ROWS_PER_PLAYER old: 1.00 each,
    // bets, wins and rollbacks in turn; every fifth deposit failed.
    let seed = format!(
        "INSERT INTO deposits (id, tenant_id, player_id, amount_minor, currency, status, provider,
                               provider_ref, failure_code, created_at, updated_at)
         SELECT gen_random_uuid(), p.tenant_id, p.id, 100, 'EUR',
                CASE WHEN g % 5 = 0 THEN 'failed' ELSE 'succeeded' END, 'mock', NULL, NULL,
                now() - (g * interval '90 days' / {ROWS_PER_PLAYER}), now()
         FROM players p CROSS JOIN generate_series(1, {ROWS_PER_PLAYER}) AS g;
         INSERT INTO game_transactions (id, tenant_id, provider, transaction_id, kind, player_id,
                               round_id, game, amount_minor, currency, fingerprint, status, state,
                               reference_transaction_id, created_at, updated_at)
         SELECT gen_random_uuid(), p.tenant_id, 'hub', p.id || '-' || g,
                (ARRAY['bet', 'win', 'rollback'])[1 + g % 3], p.id, 'r' || g, 'slots', 100, 'EUR',
                md5(g::text), 'ok', 'applied', NULL,
                now() - (g * interval '90 days' / {ROWS_PER_PLAYER}), now()
         FROM players p CROSS JOIN generate_series(1, {ROWS_PER_PLAYER}) AS g;
         VACUUM ANALYZE deposits; VACUUM ANALYZE game_transactions;"
    );
    for statement in seed.split(';').filter(|s| !s.trim().is_empty()) {
        db.conn().execute_unprepared(statement).await.unwrap();
    }
    Some((test_db, db, tenant.id, players))
}

/// The plan of `sql`, as PostgreSQL prints it.
async fn plan(db: &Db, sql: String, values: sea_orm::sea_query::Values) -> String {
    let explain =
        Statement::from_sql_and_values(DatabaseBackend::Postgres, format!("EXPLAIN {sql}"), values);
    let mut lines = Vec::new();
    for row in db.conn().query_all_raw(explain).await.unwrap() {
        lines.push(row.try_get::<String>("", "QUERY PLAN").unwrap());
    }
    lines.join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn window_sums_are_index_range_scans() {
    let Some((_test_db, db, tenant, players)) = seeded().await else {
        return;
    };
    let all: BTreeSet<LimitPeriod> = LimitPeriod::ALL.into_iter().collect();
    // Loss limits on every period for every player: setting the first one
    // rebuilds the player's hours from the seeded history.
    let eur = |units| Money::from_minor_units(units, Currency::EUR);
    for player in &players {
        for period in LimitPeriod::ALL {
            let change = LimitChange {
                kind: LimitKind::Loss,
                period,
                amount: Some(eur(1_000_000)),
            };
            db.set_player_limit(tenant, *player, change, &audit(), None)
                .await
                .unwrap();
        }
    }
    db.conn()
        .execute_unprepared("VACUUM ANALYZE player_game_hours")
        .await
        .unwrap();
    db.conn()
        .execute_unprepared("VACUUM ANALYZE player_limits")
        .await
        .unwrap();
    let now = Utc::now();
    // A few players of many, as a round asks.
    let few = || players[..3].iter().map(|p| p.0);
    let query = limits_with_sums_query(few(), now);
    let (sql, values) = query.build(sea_orm::sea_query::PostgresQueryBuilder);
    let games = plan(&db, sql, values).await;
    assert!(
        games.contains("ix_game_transactions_player_created")
            && games.contains("player_game_hours_pkey")
            && !games.contains("Seq Scan on game_transactions")
            && !games.contains("Seq Scan on player_game_hours"),
        "{games}"
    );

    // The deposit limits' sums, as the deposit's read of the player asks them.
    let change = LimitChange {
        kind: LimitKind::Deposit,
        period: LimitPeriod::Month,
        amount: Some(eur(1_000_000)),
    };
    db.set_player_limit(tenant, players[0], change, &audit(), None)
        .await
        .unwrap();
    let mut query = sea_orm::sea_query::Query::select();
    query
        .from(player_limit::Entity)
        .expr(deposit_window_sum(now))
        .and_where(sea_orm::sea_query::Expr::col(player_limit::Column::PlayerId).eq(players[0].0));
    let (sql, values) = query.build(sea_orm::sea_query::PostgresQueryBuilder);
    let folded = plan(&db, sql, values).await;
    assert!(
        folded.contains("ix_deposits_player_created") && !folded.contains("Seq Scan on deposits"),
        "{folded}"
    );

    let query = deposit_sums_query(players[0], Currency::EUR, &all, now);
    let (sql, values) = query.build(sea_orm::sea_query::PostgresQueryBuilder);
    let deposits = plan(&db, sql, values).await;
    assert!(
        deposits.contains("ix_deposits_player_created") && !deposits.contains("Seq Scan"),
        "{deposits}"
    );

    // 90 days / 2500 rows: a row every 51.84 minutes; the day holds 27
    // (rows 1..=27), the week 194, the month 833; a fifth of deposits failed.
    let totals = deposit_totals(db.conn(), players[0], Currency::EUR, &all, now)
        .await
        .unwrap();
    let not_failed = |rows: i64| (rows - rows / 5) * 100;
    assert_eq!(
        totals.get(LimitKind::Deposit, LimitPeriod::Day),
        eur(not_failed(27))
    );
    assert_eq!(
        totals.get(LimitKind::Deposit, LimitPeriod::Week),
        eur(not_failed(194))
    );
    assert_eq!(
        totals.get(LimitKind::Deposit, LimitPeriod::Month),
        eur(not_failed(833))
    );

    let (limits, found) = limits_with_game_totals(db.conn(), few(), now)
        .await
        .unwrap();
    assert_eq!(limits.len(), 3);
    let totals = &found[&players[0].0];
    // Rows 1..=27: g % 3 = 0 bets (9), 1 wins (9), 2 rollbacks (9).
    assert_eq!(totals.get(LimitKind::Wager, LimitPeriod::Day), eur(0));
    assert_eq!(totals.get(LimitKind::Loss, LimitPeriod::Day), eur(-900));
    // Rows 1..=194: 64 bets, 65 wins, 65 rollbacks.
    assert_eq!(totals.get(LimitKind::Wager, LimitPeriod::Week), eur(-100));
    assert_eq!(totals.get(LimitKind::Loss, LimitPeriod::Week), eur(-6600));
}
