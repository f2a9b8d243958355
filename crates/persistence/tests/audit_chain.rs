//! Audit chain completeness: a direct edit of any field of an event, a chain
//! whose head was deleted and a head whose events were deleted are all found.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Only some of the shared helpers serve these tests.
mod common;

use common::{audit, open};
use persistence::Db;
use persistence::audit::{AuditRecord, AuditReport};
use persistence::entities::{audit_chain_head as head, audit_event as event};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use testkit::{TestDb, backend_tests};
use uuid::Uuid;

/// A tenant whose main chain holds three admin events with a before and an after.
async fn tenant_with_chain(db: &Db) -> Uuid {
    let tenant = db
        .create_tenant("acme", "Acme", &audit("admin:root"), None)
        .await
        .unwrap();
    for n in 0..3 {
        let record = AuditRecord {
            tenant_id: Some(tenant.id.0),
            action: "withdrawal.approve",
            target_type: "withdrawal",
            target_id: format!("w{n}"),
            before: Some(json!({"state": "requested"})),
            after: Some(json!({"state": "approved"})),
        };
        db.audit(&audit("admin:root"), record).await.unwrap();
    }
    tenant.id.0
}

async fn events_of(db: &Db, chain: &str) -> Vec<event::Model> {
    event::Entity::find()
        .filter(event::Column::ChainId.eq(chain))
        .order_by_asc(event::Column::Seq)
        .all(db.conn())
        .await
        .unwrap()
}

async fn set(db: &Db, id: Uuid, column: event::Column, value: SimpleExpr) {
    let updated = event::Entity::update_many()
        .col_expr(column, value)
        .filter(event::Column::Id.eq(id))
        .exec(db.conn())
        .await
        .unwrap();
    assert_eq!(updated.rows_affected, 1);
}

/// Both scopes (the tenant's and the whole platform's) agree on `ok`.
async fn verify_both(db: &Db, tenant: Uuid) -> (AuditReport, AuditReport) {
    let scoped = db
        .verify_audit(persistence::TenantScope::One(tenant))
        .await
        .unwrap();
    let all = db
        .verify_audit(persistence::TenantScope::All)
        .await
        .unwrap();
    assert_eq!(scoped.ok, all.ok, "{scoped:?} / {all:?}");
    (scoped, all)
}

async fn tampering_with_any_field_is_found(test_db: &TestDb) {
    let db = open(test_db).await;
    let tenant = tenant_with_chain(&db).await;
    let chain = tenant.to_string();
    let victim = events_of(&db, &chain).await[2].clone();
    assert!(verify_both(&db, tenant).await.0.ok);

    let forged_id = Uuid::now_v7();
    let cases: Vec<(&str, event::Column, SimpleExpr, SimpleExpr)> = vec![
        (
            "id",
            event::Column::Id,
            Expr::value(forged_id),
            Expr::value(victim.id),
        ),
        (
            "chain",
            event::Column::ChainId,
            Expr::value(format!("{tenant}/7")),
            Expr::value(chain.clone()),
        ),
        (
            "seq",
            event::Column::Seq,
            Expr::value(victim.seq + 10),
            Expr::value(victim.seq),
        ),
        (
            "actor",
            event::Column::Actor,
            Expr::value("admin:someone-else"),
            Expr::value(victim.actor.clone()),
        ),
        (
            "action",
            event::Column::Action,
            Expr::value("withdrawal.reject"),
            Expr::value(victim.action.clone()),
        ),
        (
            "before",
            event::Column::Before,
            Expr::value(r#"{"state":"approved"}"#),
            Expr::value(victim.before.clone()),
        ),
        (
            "after",
            event::Column::After,
            Expr::value(r#"{"state":"rejected"}"#),
            Expr::value(victim.after.clone()),
        ),
    ];
    for (field, column, forged, original) in cases {
        set(&db, victim.id, column, forged).await;
        // The forged id is the row's id while it is tampered with.
        let current = if field == "id" { forged_id } else { victim.id };
        let (scoped, all) = verify_both(&db, tenant).await;
        assert!(!scoped.ok, "tampered {field} not found: {scoped:?}");
        assert!(!all.ok, "tampered {field} not found: {all:?}");
        set(&db, current, column, original).await;
        let (restored, _) = verify_both(&db, tenant).await;
        assert!(restored.ok, "restoring {field}: {restored:?}");
    }
}
backend_tests!(tampered_fields, tampering_with_any_field_is_found);

async fn a_chain_whose_head_was_deleted_is_found(test_db: &TestDb) {
    let db = open(test_db).await;
    let tenant = tenant_with_chain(&db).await;
    head::Entity::delete_by_id(tenant.to_string())
        .exec(db.conn())
        .await
        .unwrap();
    let (scoped, all) = verify_both(&db, tenant).await;
    for report in [scoped, all] {
        assert!(!report.ok, "{report:?}");
        let broken = report.broken.unwrap();
        assert_eq!(broken.chain_id, tenant.to_string());
        assert!(broken.reason.contains("no head"), "{broken:?}");
    }
}
backend_tests!(deleted_head, a_chain_whose_head_was_deleted_is_found);

async fn a_head_whose_events_were_deleted_is_found(test_db: &TestDb) {
    let db = open(test_db).await;
    let tenant = tenant_with_chain(&db).await;
    event::Entity::delete_many()
        .filter(event::Column::ChainId.eq(tenant.to_string()))
        .exec(db.conn())
        .await
        .unwrap();
    let (scoped, all) = verify_both(&db, tenant).await;
    for report in [scoped, all] {
        assert!(!report.ok, "{report:?}");
        assert_eq!(report.broken.unwrap().chain_id, tenant.to_string());
    }
}
backend_tests!(deleted_events, a_head_whose_events_were_deleted_is_found);
/// Events sealed before hashes covered the event id (hash version 1) still
/// verify, later events are sealed with version 2, and passing a version-2
/// event off as version 1 is found.
async fn events_of_both_hash_versions_verify(test_db: &TestDb) {
    let db = open(test_db).await;
    let tenant = tenant_with_chain(&db).await;
    let chain = tenant.to_string();
    // Re-seal the chain as an older Kasa wrote it.
    let mut prev_hash = persistence::audit::GENESIS_HASH.to_owned();
    for mut e in events_of(&db, &chain).await {
        assert_eq!(e.hash_version, persistence::audit::HASH_VERSION);
        e.hash_version = 1;
        e.prev_hash = prev_hash;
        e.hash = persistence::audit::event_hash(&e).unwrap();
        set(&db, e.id, event::Column::HashVersion, Expr::value(1_i16)).await;
        set(
            &db,
            e.id,
            event::Column::PrevHash,
            Expr::value(e.prev_hash.clone()),
        )
        .await;
        set(&db, e.id, event::Column::Hash, Expr::value(e.hash.clone())).await;
        prev_hash = e.hash;
    }
    head::Entity::update_many()
        .col_expr(head::Column::LastHash, Expr::value(prev_hash))
        .filter(head::Column::ChainId.eq(chain.as_str()))
        .exec(db.conn())
        .await
        .unwrap();
    assert!(verify_both(&db, tenant).await.0.ok);

    let record = AuditRecord {
        tenant_id: Some(tenant),
        action: "ledger.verify",
        target_type: "ledger",
        target_id: chain.clone(),
        before: None,
        after: None,
    };
    db.audit(&audit("admin:root"), record).await.unwrap();
    let newest = events_of(&db, &chain).await.pop().unwrap();
    assert_eq!(newest.hash_version, persistence::audit::HASH_VERSION);
    assert!(verify_both(&db, tenant).await.0.ok);

    set(
        &db,
        newest.id,
        event::Column::HashVersion,
        Expr::value(1_i16),
    )
    .await;
    let (scoped, _) = verify_both(&db, tenant).await;
    assert!(!scoped.ok, "a downgraded hash version is found: {scoped:?}");
}
backend_tests!(hash_versions, events_of_both_hash_versions_verify);
