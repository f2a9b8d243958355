//! What the protection scenarios share: admins of a role, policies, audit
//! events and direct row edits.

use chrono::{DateTime, Utc};
use persistence::entities::{deposit, player_exclusion};
use reqwest::{Method, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{Answer, Kasa};

/// Creates an admin of `role` in `tenant` (as the platform admin `root`) and
/// logs it in.
pub async fn admin_of(kasa: &Kasa, root: &str, tenant: &str, role: &str) -> String {
    let email = format!("{role}@{tenant}.test");
    let password = "admin-password-123";
    let a = kasa
        .post(
            "/admin/users",
            Some(root),
            json!({"email": email, "password": password, "role": role, "tenant": tenant}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "admin: {:?}", a.json());
    kasa.login_admin(&email, password).await
}

/// `PUT /admin/tenants/{tenant}/policy` with `body`.
pub async fn put_policy(kasa: &Kasa, admin: &str, tenant: &str, body: &Value) -> Answer {
    kasa.call(
        Method::PUT,
        &format!("/admin/tenants/{tenant}/policy"),
        Some(admin),
        None,
        Some(body),
    )
    .await
}

/// A complete policy body: the defaults with `changes` merged in.
pub fn policy(changes: Value) -> Value {
    let mut body = json!({
        "cooling_off_hours": 24,
        "kyc_required_for": [],
        "kyc_deposit_threshold": {},
        "dual_approval_threshold": {},
        "player_cancel_allowed": true
    });
    for (key, value) in changes.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

/// Sets the policy, asserting it was stored.
pub async fn set_policy(kasa: &Kasa, admin: &str, tenant: &str, changes: Value) {
    let a = put_policy(kasa, admin, tenant, &policy(changes)).await;
    assert_eq!(a.status, StatusCode::OK, "policy: {:?}", a.json());
}

/// Sets a player's KYC status, asserting it was set.
pub async fn set_kyc(kasa: &Kasa, admin: &str, player: Uuid, status: &str) {
    let a = kasa
        .post(
            &format!("/admin/players/{player}/kyc"),
            Some(admin),
            json!({"status": status, "reason": "documents checked"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "kyc: {:?}", a.json());
}

/// The audit events with `action`, oldest first.
pub async fn audit_events(kasa: &Kasa, admin: &str, action: &str) -> Vec<Value> {
    let page = kasa
        .get("/admin/audit-events?limit=200", admin)
        .await
        .json();
    let mut events: Vec<Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .cloned()
        .collect();
    events.reverse();
    events
}

/// Ids of the player's deposits.
pub async fn deposit_count(kasa: &Kasa, token: &str) -> usize {
    kasa.get("/me/deposits?limit=200", token).await.json()["items"]
        .as_array()
        .unwrap()
        .len()
}

/// Moves a deposit's creation time to `at` (as if made then).
pub async fn backdate_deposit(kasa: &Kasa, id: &str, at: DateTime<Utc>) {
    deposit::Entity::update_many()
        .col_expr(deposit::Column::CreatedAt, Expr::value(at))
        .filter(deposit::Column::Id.eq(Uuid::parse_str(id).unwrap()))
        .exec(kasa.state.db.conn())
        .await
        .unwrap();
}

/// Records an exclusion row directly, bypassing the use-case (so the
/// player's sessions stay open, as one opened in a race would).
pub async fn insert_exclusion(
    kasa: &Kasa,
    tenant: &str,
    player: Uuid,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) {
    let tenant = kasa.state.db.tenant_by_slug(tenant).await.unwrap().unwrap();
    player_exclusion::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tenant.id.0),
        player_id: Set(player),
        kind: Set("timeout".into()),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        created_at: Set(starts_at),
    }
    .insert(kasa.state.db.conn())
    .await
    .unwrap();
}
