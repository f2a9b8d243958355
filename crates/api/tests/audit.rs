//! The audit log: every admin action and money-moving player action is a
//! hash-chained event; a direct edit of a row is found by verification.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use persistence::entities::audit_event;
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use testkit::{TestDb, backend_tests};

async fn actions_are_chained_and_edits_are_found(db: &TestDb) {
    let kasa = spawn(db).await;
    let wrong = kasa
        .post(
            "/auth/admin/login",
            None,
            json!({"email": ADMIN_EMAIL, "password": "wrong-password-1"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let (_, token, admin) = kasa.funded_player("acme", "50.00").await;
    let id = kasa.withdraw(&token, "20.00").await;
    let approved = kasa.act(&admin, &id, "approve", json!({})).await;
    let request_id = approved
        .headers
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    kasa.act(&admin, &id, "reject", json!({"reason": "test"}))
        .await;
    kasa.verify(&admin).await;

    let events = kasa
        .get("/admin/audit-events?limit=200", &admin)
        .await
        .json();
    let items = events["items"].as_array().unwrap();
    let actions: Vec<&str> = items
        .iter()
        .rev()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "admin_user.create",
        "admin.login_failed",
        "admin.login",
        "tenant.create",
        "deposit.create",
        "withdrawal.request",
        "withdrawal.approve",
        "withdrawal.reject",
        "ledger.verify",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let approve = items
        .iter()
        .find(|e| e["action"] == "withdrawal.approve")
        .unwrap();
    assert_eq!(approve["request_id"], request_id.as_str());
    assert_eq!(approve["role"], "platform_admin");
    assert_eq!(approve["before"]["state"], "requested");
    assert_eq!(approve["after"]["state"], "approved");
    let request = items
        .iter()
        .find(|e| e["action"] == "withdrawal.request")
        .unwrap();
    assert!(request["actor"].as_str().unwrap().starts_with("player:"));
    assert!(
        !request.to_string().contains("DE89370400440532013000"),
        "no account numbers in the audit log"
    );
    let failed = items
        .iter()
        .find(|e| e["action"] == "admin.login_failed")
        .unwrap();
    assert!(
        !failed.to_string().contains("wrong-password-1"),
        "no passwords in the audit log"
    );

    let verified = kasa.get("/admin/audit-events/verify", &admin).await.json();
    assert_eq!(verified["ok"], true, "{verified}");
    assert_eq!(
        verified["count"].as_u64().unwrap() as usize,
        items.len(),
        "{verified}"
    );

    // Someone edits a stored event directly in the database.
    let tenant_chain = items
        .iter()
        .find(|e| e["action"] == "withdrawal.approve")
        .unwrap()["chain"]
        .as_str()
        .unwrap()
        .to_owned();
    let victim = audit_event::Entity::find()
        .filter(audit_event::Column::ChainId.eq(tenant_chain.as_str()))
        .order_by_asc(audit_event::Column::Seq)
        .all(kasa.state.db.conn())
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == "withdrawal.approve")
        .unwrap();
    audit_event::Entity::update_many()
        .col_expr(
            audit_event::Column::Actor,
            Expr::value("admin:someone-else"),
        )
        .filter(audit_event::Column::Id.eq(victim.id))
        .exec(kasa.state.db.conn())
        .await
        .unwrap();
    let broken = kasa.get("/admin/audit-events/verify", &admin).await.json();
    assert_eq!(broken["ok"], false);
    assert_eq!(broken["broken"]["chain_id"], tenant_chain.as_str());
    assert_eq!(broken["broken"]["seq"], victim.seq);
    assert_eq!(broken["broken"]["event_id"], victim.id.to_string());
}
backend_tests!(audit_chain, actions_are_chained_and_edits_are_found);

async fn removing_the_newest_event_is_found(db: &TestDb) {
    let kasa = spawn(db).await;
    let admin = kasa.admin_token().await;
    kasa.create_tenant(&admin, "acme").await;
    assert_eq!(
        kasa.get("/admin/audit-events/verify", &admin).await.json()["ok"],
        true
    );
    let newest = audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .one(kasa.state.db.conn())
        .await
        .unwrap()
        .unwrap();
    audit_event::Entity::delete_by_id(newest.id)
        .exec(kasa.state.db.conn())
        .await
        .unwrap();
    let report = kasa.get("/admin/audit-events/verify", &admin).await.json();
    assert_eq!(report["ok"], false, "{report}");
    assert!(
        report["broken"]["reason"]
            .as_str()
            .unwrap()
            .contains("removed")
    );
}
backend_tests!(audit_truncation, removing_the_newest_event_is_found);

async fn responses_carry_a_request_id(db: &TestDb) {
    let kasa = spawn(db).await;
    let res = kasa
        .http
        .get(format!("{}/healthz", kasa.base))
        .header("X-Request-Id", "trace-abc_123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("x-request-id").unwrap(), "trace-abc_123");
    let res = kasa
        .http
        .get(format!("{}/healthz", kasa.base))
        .header("X-Request-Id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    let generated = res.headers().get("x-request-id").unwrap().to_str().unwrap();
    assert_ne!(generated, "bad id with spaces");
    assert_eq!(uuid::Uuid::parse_str(generated).map(|_| ()), Ok(()));
    let metrics = kasa
        .http
        .get(format!("{}/metrics", kasa.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("kasa_http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/healthz\""), "{metrics}");
}
backend_tests!(request_ids, responses_carry_a_request_id);
