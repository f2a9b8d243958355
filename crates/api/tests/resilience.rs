//! Database faults on PostgreSQL: readiness follows the database without a
//! restart, and killed connections leave no partial effects.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::*;
use futures::future::join_all;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use secrecy::SecretString;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// A TCP proxy to PostgreSQL that can be switched off (all connections cut,
/// new ones refused) and on again.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    cut: std::sync::Mutex<CancellationToken>,
}

impl Proxy {
    async fn start(target: &'static str) -> Arc<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = Arc::new(Proxy {
            port: listener.local_addr().unwrap().port(),
            up: Arc::new(AtomicBool::new(true)),
            cut: std::sync::Mutex::new(CancellationToken::new()),
        });
        let me = Arc::clone(&proxy);
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !me.up.load(Ordering::SeqCst) {
                    continue; // dropped: connection closed at once
                }
                let cut = me.cut.lock().unwrap().clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        () = cut.cancelled() => {}
                    }
                });
            }
        });
        proxy
    }

    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        let mut cut = self.cut.lock().unwrap();
        cut.cancel();
        *cut = CancellationToken::new();
    }

    fn up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

async fn readyz(kasa: &Kasa) -> StatusCode {
    kasa.http
        .get(format!("{}/readyz", kasa.base))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn readiness_follows_the_database_without_a_restart() {
    let Some(db) = testkit::postgres("resilience::readiness").await else {
        return;
    };
    let proxy = Proxy::start("127.0.0.1:5432").await;
    let name = db
        .url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let mut s = settings(&db);
    s.database.url = Some(SecretString::from(format!(
        "postgres://postgres@127.0.0.1:{}/{name}",
        proxy.port
    )));
    s.database.acquire_timeout_ms = 1000;
    s.jobs.runner = "worker".into();
    let kasa = spawn_with(s).await;
    assert_eq!(readyz(&kasa).await, StatusCode::OK);
    proxy.down();
    let mut saw_unavailable = false;
    for _ in 0..20 {
        if readyz(&kasa).await == StatusCode::SERVICE_UNAVAILABLE {
            saw_unavailable = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        saw_unavailable,
        "readyz must turn 503 while the database is unreachable"
    );
    let wallet = kasa
        .call(
            reqwest::Method::POST,
            "/auth/admin/login",
            None,
            None,
            Some(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})),
        )
        .await;
    assert_eq!(
        (wallet.status, wallet.code().as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    );
    proxy.up();
    let mut back = false;
    for _ in 0..50 {
        if readyz(&kasa).await == StatusCode::OK {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(back, "readyz must turn 200 again once the database is back");
    kasa.admin_token().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn killed_connections_under_load_leave_the_ledger_consistent() {
    let Some(db) = testkit::postgres("resilience::killed_connections").await else {
        return;
    };
    let name = db
        .url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let kasa = spawn(&db).await;
    let (_, token, admin) = kasa.funded_player("acme", "1000.00").await;
    let admin_conn = Database::connect(testkit::postgres_server_url().unwrap())
        .await
        .unwrap();
    let stop = CancellationToken::new();
    let killer = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let sql = format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            );
            let mut kills = 0;
            while !stop.is_cancelled() {
                if admin_conn.execute_unprepared(&sql).await.is_ok() {
                    kills += 1;
                }
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
            kills
        })
    };
    let body = json!({"amount": "1.00", "currency": "EUR", "destination": {"type": "bank_account", "account": "X"}});
    let keys: Vec<String> = (0..120).map(|i| format!("load-{i}")).collect();
    let answers = join_all(
        keys.iter()
            .map(|k| kasa.post_keyed("/me/withdrawals", &token, k, body.clone())),
    )
    .await;
    stop.cancel();
    let kills = killer.await.unwrap();
    assert!(kills > 0);
    for a in &answers {
        assert!(
            a.status == StatusCode::CREATED || a.status == StatusCode::SERVICE_UNAVAILABLE,
            "only success or a clean 503, got {} {:?}",
            a.status,
            a.json()
        );
        if a.status == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(
                a.headers.get("content-type").unwrap(),
                "application/problem+json"
            );
        }
    }
    // Give the pool a moment to reconnect, then check every invariant.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let created = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .count();
    let listed = kasa.get("/me/withdrawals?limit=200", &token).await.json()["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        listed, created,
        "every 201 is a withdrawal and every withdrawal had its 201"
    );
    let (available, held) = kasa.wallet(&token).await;
    assert_eq!(held, format!("{created}.00"));
    assert_eq!(available, format!("{}.00", 1000 - created));
    let report = kasa.verify(&admin).await;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(
        kasa.get("/admin/audit-events/verify", &admin).await.json()["ok"],
        true
    );
    eprintln!(
        "killed connections {kills} times; {created}/120 withdrawals committed, the rest answered 503"
    );
}
