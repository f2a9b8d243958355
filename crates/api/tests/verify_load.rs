//! Verification does not cry wolf: audit and ledger verification (the HTTP
//! endpoints and `kasa verify`) run in a loop while players deposit and
//! withdraw, and never report a broken chain or drift that is not there.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};

use common::*;
use futures::future::join_all;
use serde_json::Value;
use testkit::{TestDb, backend_tests};

const PLAYERS: usize = 16;
const ROUNDS: usize = 6;

/// One player's load: deposits credited by webhooks, and withdrawals.
async fn play(kasa: &Kasa, token: &str) {
    for _ in 0..ROUNDS {
        let deposit = kasa.pending_deposit(token, "5.00").await;
        let event = deposit_event(
            &format!("evt_{deposit}"),
            "deposit.succeeded",
            &deposit,
            "5.00",
        );
        assert_eq!(kasa.webhook(&event).await.json()["status"], "processed");
        kasa.withdraw(token, "1.00").await;
    }
}

async fn verification_under_load_finds_nothing(db: &TestDb) {
    let kasa = spawn(db).await;
    let admin = kasa.admin_token().await;
    kasa.create_tenant(&admin, "acme").await;
    let mut tokens = Vec::with_capacity(PLAYERS);
    for i in 0..PLAYERS {
        tokens.push(
            kasa.player("acme", &format!("p{i}@acme.test"), "EUR")
                .await
                .1,
        );
    }
    let done = AtomicBool::new(false);
    let load = async {
        join_all(tokens.iter().map(|token| play(&kasa, token))).await;
        done.store(true, Ordering::SeqCst);
    };
    let verify = async {
        let (mut runs, mut false_alarms) = (0, Vec::<Value>::new());
        while !done.load(Ordering::SeqCst) {
            let audit = kasa.get("/admin/audit-events/verify", &admin).await.json();
            let ledger = kasa.verify(&admin).await;
            for report in [audit, ledger] {
                if report["ok"] != true {
                    false_alarms.push(report);
                }
            }
            if runs % 4 == 0 {
                let cli = kasa_api::server::verify(&settings(db)).await.unwrap();
                if !cli {
                    false_alarms.push(Value::from("kasa verify exited 1"));
                }
            }
            runs += 1;
        }
        (runs, false_alarms)
    };
    let ((), (runs, false_alarms)) = tokio::join!(load, verify);
    assert!(runs >= 3, "only {runs} verifications ran during the load");
    assert!(
        false_alarms.is_empty(),
        "{} false alarms in {runs} verification runs: {false_alarms:?}",
        false_alarms.len()
    );
    // After the load, everything still verifies, and every event was counted.
    let audit = kasa.get("/admin/audit-events/verify", &admin).await.json();
    assert_eq!(audit["ok"], true, "{audit}");
    assert_eq!(kasa.verify(&admin).await["ok"], true);
    eprintln!("verify_load: {runs} verification runs under load, none false");
}
backend_tests!(verify_under_load, verification_under_load_finds_nothing);
