//! Every list endpoint takes its page window and its filters: `limit`, then
//! `cursor` from the previous page (the next page continues without overlap),
//! each filter (the answer is exactly the matching part of the whole list), a
//! bad window, and an unknown parameter (`422 validation_failed`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use psp::{ReportItem, ReportStatus, TransactionType};
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::{TestDb, backend_tests};
use uuid::Uuid;

/// Whether an item passes a filter.
type Keep = Box<dyn Fn(&Value) -> bool>;

/// One list endpoint: where its items and next cursor are, and its filters.
struct List {
    path: String,
    token: String,
    /// Key of the items array (`items`, or `findings` for a run's findings).
    items: &'static str,
    /// Key of the next cursor.
    next: &'static str,
    /// Field that identifies an item.
    id: &'static str,
    /// Query parameters and the predicate an item must meet to pass them.
    filters: Vec<(String, Keep)>,
}

fn list(path: impl Into<String>, token: &str) -> List {
    List {
        path: path.into(),
        token: token.to_owned(),
        items: "items",
        next: "next_cursor",
        id: "id",
        filters: Vec::new(),
    }
}

impl List {
    fn filter(mut self, query: impl Into<String>, keep: impl Fn(&Value) -> bool + 'static) -> Self {
        self.filters.push((query.into(), Box::new(keep)));
        self
    }
}

impl Kasa {
    /// GETs `path?query` and returns (ids, next cursor), asserting a 200.
    async fn page_of(&self, l: &List, query: &str) -> (Vec<Value>, Value) {
        let a = self.get(&format!("{}?{query}", l.path), &l.token).await;
        assert_eq!(
            a.status,
            StatusCode::OK,
            "{} ? {query}: {:?}",
            l.path,
            a.json()
        );
        let body = a.json();
        let items = body[l.items]
            .as_array()
            .unwrap_or_else(|| panic!("{}: no {} in {body}", l.path, l.items))
            .clone();
        (items, body[l.next].clone())
    }

    async fn refused(&self, l: &List, query: &str) {
        let a = self.get(&format!("{}?{query}", l.path), &l.token).await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{} ? {query}: {:?}",
            l.path,
            a.json()
        );
        assert_eq!(a.code(), "validation_failed", "{} ? {query}", l.path);
    }

    async fn check_list(&self, l: &List) {
        let (all, last) = self.page_of(l, "limit=200").await;
        assert!(all.len() >= 3, "{}: too few items to page: {all:?}", l.path);
        assert_eq!(last, Value::Null, "{}: one page holds all", l.path);
        let ids = |items: &[Value]| items.iter().map(|i| i[l.id].clone()).collect::<Vec<_>>();
        let all_ids = ids(&all);

        let (first, cursor) = self.page_of(l, "limit=2").await;
        assert_eq!(ids(&first), all_ids[..2], "{}: first page", l.path);
        let cursor = cursor
            .as_str()
            .unwrap_or_else(|| panic!("{}: no next cursor", l.path))
            .to_owned();
        let (second, _) = self.page_of(l, &format!("limit=2&cursor={cursor}")).await;
        let end = all_ids.len().min(4);
        assert_eq!(
            ids(&second),
            all_ids[2..end],
            "{}: second page continues",
            l.path
        );

        for bad in [
            "limit=0",
            "limit=201",
            "limit=two",
            "cursor=not-a-cursor",
            "limit=2&no_such_parameter=1",
        ] {
            self.refused(l, bad).await;
        }

        for (query, keep) in &l.filters {
            let expected: Vec<Value> = all
                .iter()
                .filter(|i| keep(i))
                .map(|i| i[l.id].clone())
                .collect();
            assert!(
                expected.len() < all.len(),
                "{} ? {query}: the filter must narrow the data",
                l.path
            );
            let (got, _) = self.page_of(l, &format!("{query}&limit=200")).await;
            assert_eq!(ids(&got), expected, "{} ? {query}: filtered", l.path);
            if expected.len() >= 2 {
                // The filter also holds across pages.
                let (one, next) = self.page_of(l, &format!("{query}&limit=1")).await;
                let next = next.as_str().unwrap().to_owned();
                let (two, _) = self
                    .page_of(l, &format!("{query}&limit=1&cursor={next}"))
                    .await;
                assert_eq!(
                    [ids(&one), ids(&two)].concat(),
                    expected[..2],
                    "{} ? {query}: paged",
                    l.path
                );
            }
        }
    }

    /// Credits a held deposit by a hand-made webhook; returns its id.
    async fn credited(&self, token: &str, amount: &str) -> String {
        let id = self.pending_deposit(token, amount).await;
        let event = deposit_event(&format!("evt_ok_{id}"), "deposit.succeeded", &id, amount);
        assert_eq!(self.webhook(&event).await.json()["status"], "processed");
        id
    }
}

fn psp_only_payout() -> ReportItem {
    ReportItem {
        r#type: TransactionType::Payout,
        reference: Uuid::now_v7().to_string(),
        id: format!("po_{}", Uuid::new_v4().simple()),
        amount: "1.00".into(),
        currency: "EUR".into(),
        status: ReportStatus::Succeeded,
        updated_at: chrono::Utc::now(),
    }
}

fn is(field: &'static str, value: String) -> impl Fn(&Value) -> bool {
    move |i| i[field] == value.as_str()
}

async fn every_list_takes_its_parameters(db: &TestDb) {
    let kasa = spawn(db).await;
    let admin = kasa.admin_token().await;
    kasa.create_tenant(&admin, "acme").await;
    let (alice, alice_token) = kasa.player("acme", "Alice@acme.test", "EUR").await;
    let (bob, bob_token) = kasa.player("acme", "bob@acme.test", "EUR").await;
    kasa.player("acme", "alfred@acme.test", "EUR").await;
    kasa.player("acme", "al_x@acme.test", "EUR").await;

    // Deposits: alice 2 credited + 2 pending, bob 1 credited + 1 pending.
    let alice_credited = kasa.credited(&alice_token, "100.00").await;
    let alice_again = kasa.credited(&alice_token, "20.00").await;
    kasa.pending_deposit(&alice_token, "5.00").await;
    kasa.pending_deposit(&alice_token, "6.00").await;
    let bob_credited = kasa.credited(&bob_token, "50.00").await;
    kasa.pending_deposit(&bob_token, "7.00").await;
    // Withdrawals: alice 3 (one approved), bob 1.
    let approved = kasa.withdraw(&alice_token, "10.00").await;
    kasa.withdraw(&alice_token, "11.00").await;
    kasa.withdraw(&alice_token, "12.00").await;
    kasa.withdraw(&bob_token, "13.00").await;
    assert_eq!(
        kasa.act(&admin, &approved, "approve", json!({}))
            .await
            .status,
        StatusCode::OK
    );
    // Anomalies: late contradicting events on credited deposits.
    for (id, amount) in [
        (&alice_credited, "100.00"),
        (&bob_credited, "50.00"),
        (&alice_again, "20.00"),
    ] {
        let late = deposit_event(&format!("evt_late_{id}"), "deposit.failed", id, amount);
        assert_eq!(kasa.webhook(&late).await.json()["status"], "anomaly");
    }
    // Reconciliation runs; the first one finds the PSP-only payouts and the
    // hand-credited deposits (still pending at the mock).
    for _ in 0..3 {
        kasa.mock().inject_report_item(psp_only_payout());
    }
    let now = chrono::Utc::now();
    let window = json!({"provider": "mock", "from": (now - chrono::Duration::hours(1)).to_rfc3339(), "to": (now + chrono::Duration::hours(1)).to_rfc3339()});
    let mut runs = Vec::new();
    for n in 0..3 {
        let a = kasa
            .post_keyed(
                "/admin/reconciliation-runs",
                &admin,
                &format!("run-{n}"),
                window.clone(),
            )
            .await;
        assert_eq!(a.status, StatusCode::ACCEPTED, "{:?}", a.json());
        runs.push(a.json()["id"].as_str().unwrap().to_owned());
    }
    for run in &runs {
        let mut done = false;
        for _ in 0..400 {
            let status = kasa
                .get(&format!("/admin/reconciliation-runs/{run}"), &admin)
                .await
                .json()["status"]
                .clone();
            if status == "succeeded" || status == "failed" {
                done = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert!(done, "run {run} never finished");
    }

    let lists = vec![
        list("/me/transactions", &alice_token),
        list("/me/deposits", &alice_token),
        list("/me/withdrawals", &alice_token),
        list("/admin/withdrawals", &admin)
            .filter("state=approved", is("state", "approved".into()))
            .filter("state=requested", is("state", "requested".into()))
            .filter(format!("player_id={bob}"), is("player_id", bob.to_string()))
            .filter(format!("state=requested&player_id={alice}"), move |i| {
                i["state"] == "requested" && i["player_id"] == alice.to_string().as_str()
            }),
        list("/admin/players", &admin)
            .filter("email=AL", |i| {
                i["email"].as_str().unwrap().starts_with("al")
            })
            .filter("email=al_", |i| {
                i["email"].as_str().unwrap().starts_with("al_")
            })
            .filter("email=bob%40acme", |i| i["email"] == "bob@acme.test"),
        list(format!("/admin/players/{alice}/transactions"), &admin),
        list("/admin/deposits", &admin)
            .filter("status=pending", is("status", "pending".into()))
            .filter("status=succeeded", is("status", "succeeded".into()))
            .filter(format!("player_id={bob}"), is("player_id", bob.to_string()))
            .filter(format!("status=pending&player_id={alice}"), move |i| {
                i["status"] == "pending" && i["player_id"] == alice.to_string().as_str()
            }),
        list("/admin/reconciliation-runs", &admin),
        List {
            items: "findings",
            next: "findings_next_cursor",
            ..list(format!("/admin/reconciliation-runs/{}", runs[0]), &admin)
        },
        list("/admin/audit-events", &admin),
        list("/admin/anomalies", &admin),
    ];
    for l in &lists {
        kasa.check_list(l).await;
    }
    let players = kasa.get("/admin/players?email=alice", &admin).await.json();
    assert_eq!(players["items"][0]["player_id"], alice.to_string().as_str());
    assert_eq!(players["items"][0]["tenant"], "acme");
    assert_eq!(players["items"][0]["currency"], "EUR");
    // Filters with a bad value are refused, not ignored.
    for bad in [
        "/admin/withdrawals?state=nope",
        "/admin/withdrawals?player_id=nope",
        "/admin/deposits?status=nope",
        "/admin/players?email=",
    ] {
        let a = kasa.get(bad, &admin).await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {:?}",
            a.json()
        );
        assert_eq!(a.code(), "validation_failed", "{bad}");
    }
}
backend_tests!(lists, every_list_takes_its_parameters);
