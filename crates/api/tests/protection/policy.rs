//! `GET`/`PUT /admin/tenants/{slug}/policy`: defaults, replacement,
//! validation, roles and the audit log.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use testkit::{TestDb, backend_tests};

use crate::common::*;
use crate::support::{admin_of, audit_events, policy, put_policy};

fn defaults() -> Value {
    policy(json!({}))
}

async fn a_policy_starts_at_the_defaults_and_is_replaced_whole(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, _, root) = kasa.tenant_with_player("acme").await;
    let fresh = kasa.get("/admin/tenants/acme/policy", &root).await;
    assert_eq!(fresh.status, StatusCode::OK, "{:?}", fresh.json());
    assert_eq!(fresh.json(), defaults());

    let strict = json!({
        "cooling_off_hours": 48,
        "kyc_required_for": ["game", "withdrawal"],
        "kyc_deposit_threshold": {"EUR": "2000", "USD": "150.5"},
        "dual_approval_threshold": {"EUR": "5000.00"},
        "player_cancel_allowed": false
    });
    let put = put_policy(&kasa, &root, "acme", &strict).await;
    assert_eq!(put.status, StatusCode::OK, "{:?}", put.json());
    // Stored in its canonical form: the contract's order, the currency's digits.
    let canonical = json!({
        "cooling_off_hours": 48,
        "kyc_required_for": ["withdrawal", "game"],
        "kyc_deposit_threshold": {"EUR": "2000.00", "USD": "150.50"},
        "dual_approval_threshold": {"EUR": "5000.00"},
        "player_cancel_allowed": false
    });
    assert_eq!(put.json(), canonical);
    assert_eq!(
        kasa.get("/admin/tenants/acme/policy", &root).await.json(),
        canonical
    );
    // Empty lists and maps switch the rules off again; 0 and 720 are bounds.
    for hours in [0, 720] {
        let back = policy(json!({"cooling_off_hours": hours}));
        let a = put_policy(&kasa, &root, "acme", &back).await;
        assert_eq!(a.status, StatusCode::OK, "{hours}: {:?}", a.json());
        assert_eq!(a.json(), back);
    }

    let events = audit_events(&kasa, &root, "tenant.policy_update").await;
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(events[0]["before"], defaults());
    assert_eq!(events[0]["after"], canonical);
    assert_eq!(events[1]["before"], canonical);
    assert_eq!(events[0]["target_type"], "tenant");
    let verified = kasa.get("/admin/audit-events/verify", &root).await.json();
    assert_eq!(verified["ok"], true, "{verified:?}");
}
backend_tests!(
    replaced,
    a_policy_starts_at_the_defaults_and_is_replaced_whole
);

async fn a_wrong_policy_is_refused_and_changes_nothing(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, _, root) = kasa.tenant_with_player("acme").await;
    let wrong = [
        ("cooling_off_hours", json!(-1)),
        ("cooling_off_hours", json!(721)),
        ("cooling_off_hours", json!("24")),
        ("cooling_off_hours", json!(1.5)),
        ("kyc_required_for", json!(["bet"])),
        ("kyc_required_for", json!(["deposit", "deposit"])),
        ("kyc_required_for", json!("deposit")),
        ("kyc_deposit_threshold", json!({"XXX": "1.00"})),
        ("kyc_deposit_threshold", json!({"EUR": "1.001"})),
        ("kyc_deposit_threshold", json!({"JPY": "1.5"})),
        ("kyc_deposit_threshold", json!({"EUR": "0"})),
        ("kyc_deposit_threshold", json!({"EUR": "-1.00"})),
        ("kyc_deposit_threshold", json!({"EUR": "1e3"})),
        ("kyc_deposit_threshold", json!({"EUR": 100})),
        ("kyc_deposit_threshold", json!({"EUR": "1000000000000.01"})),
        ("dual_approval_threshold", json!(["EUR", "5000.00"])),
        ("player_cancel_allowed", json!("false")),
    ];
    for (field, value) in wrong {
        let body = policy(json!({ field: value }));
        let a = put_policy(&kasa, &root, "acme", &body).await;
        assert_eq!(
            (a.status, a.code().as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{field} = {value}: {:?}",
            a.json()
        );
        let detail = a.json()["detail"].as_str().unwrap().to_owned();
        assert!(detail.contains(field), "{field} = {value}: {detail}");
    }
    let mut missing = defaults();
    missing
        .as_object_mut()
        .unwrap()
        .remove("player_cancel_allowed");
    let mut unknown = defaults();
    unknown["limits"] = json!({});
    for body in [missing, unknown] {
        let a = put_policy(&kasa, &root, "acme", &body).await;
        assert_eq!(a.code(), "validation_failed", "{body}");
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    let twice = br#"{"cooling_off_hours": 24, "kyc_required_for": [], "kyc_deposit_threshold": {"EUR": "1.00", "EUR": "2.00"}, "dual_approval_threshold": {}, "player_cancel_allowed": true}"#;
    let malformed = b"{\"cooling_off_hours\": ".to_vec();
    for (raw, status) in [
        (twice.to_vec(), StatusCode::UNPROCESSABLE_ENTITY),
        (malformed, StatusCode::BAD_REQUEST),
    ] {
        let a = kasa
            .call_raw(
                Method::PUT,
                "/admin/tenants/acme/policy",
                Some(&root),
                None,
                Some(raw),
            )
            .await;
        assert_eq!((a.status, a.code().as_str()), (status, "validation_failed"));
    }
    assert_eq!(
        kasa.get("/admin/tenants/acme/policy", &root).await.json(),
        defaults(),
        "nothing was stored"
    );
    assert!(
        audit_events(&kasa, &root, "tenant.policy_update")
            .await
            .is_empty()
    );
}
backend_tests!(validated, a_wrong_policy_is_refused_and_changes_nothing);

async fn only_its_tenant_admins_and_platform_admins_change_a_policy(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, player, root) = kasa.tenant_with_player("acme").await;
    kasa.create_tenant(&root, "beta").await;
    let body = policy(json!({"kyc_required_for": ["deposit"]}));
    for role in ["support", "finance"] {
        let token = admin_of(&kasa, &root, "acme", role).await;
        let read = kasa.get("/admin/tenants/acme/policy", &token).await;
        assert_eq!(read.status, StatusCode::OK, "{role} reads");
        let a = put_policy(&kasa, &token, "acme", &body).await;
        assert_eq!(
            (a.status, a.code().as_str()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{role} changes"
        );
    }
    let beta_admin = admin_of(&kasa, &root, "beta", "tenant_admin").await;
    let other = kasa.get("/admin/tenants/acme/policy", &beta_admin).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "another tenant's");
    let other = put_policy(&kasa, &beta_admin, "acme", &body).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "another tenant's");
    let unknown = kasa.get("/admin/tenants/nope/policy", &root).await;
    assert_eq!(unknown.code(), "not_found");
    let by_player = put_policy(&kasa, &player, "acme", &body).await;
    assert_eq!(by_player.status, StatusCode::FORBIDDEN);

    let acme_admin = admin_of(&kasa, &root, "acme", "tenant_admin").await;
    let own = put_policy(&kasa, &acme_admin, "acme", &body).await;
    assert_eq!(own.status, StatusCode::OK, "{:?}", own.json());
    let own_beta = put_policy(&kasa, &beta_admin, "beta", &defaults()).await;
    assert_eq!(own_beta.status, StatusCode::OK);
    assert_eq!(
        kasa.get("/admin/tenants/acme/policy", &root).await.json()["kyc_required_for"],
        json!(["deposit"]),
        "the beta admin's change stayed in beta"
    );
    let events = audit_events(&kasa, &root, "tenant.policy_update").await;
    assert_eq!(events.len(), 2);
    assert!(events[0]["actor"].as_str().unwrap().starts_with("admin:"));
    assert_eq!(events[0]["role"], "tenant_admin");
}
backend_tests!(
    roles,
    only_its_tenant_admins_and_platform_admins_change_a_policy
);
