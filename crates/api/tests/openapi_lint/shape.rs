//! Descriptions, operation ids, typed bodies, enums, list parameters.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::support::*;

#[test]
fn every_response_has_a_description() {
    let doc = doc();
    let mut missing = Vec::new();
    for (method, path, op) in operations(&doc) {
        for (status, response) in op["responses"].as_object().unwrap() {
            let described = response["description"]
                .as_str()
                .is_some_and(|d| !d.trim().is_empty());
            if !described {
                missing.push(format!("{method} {path} {status}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "responses without description: {missing:?}"
    );
}

#[test]
fn operation_ids_are_present_unique_and_named_after_the_action() {
    let doc = doc();
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (method, path, op) in operations(&doc) {
        let id = op["operationId"].as_str().unwrap_or_default().to_owned();
        assert!(!id.is_empty(), "{method} {path} has no operationId");
        assert!(
            id.chars().next().unwrap().is_ascii_lowercase()
                && id.chars().all(|c| c.is_ascii_alphanumeric()),
            "{method} {path}: operationId {id:?} is not lowerCamelCase"
        );
        seen.entry(id).or_default().push(format!("{method} {path}"));
    }
    let duplicates: Vec<_> = seen.iter().filter(|(_, ops)| ops.len() > 1).collect();
    assert!(
        duplicates.is_empty(),
        "duplicate operationIds: {duplicates:?}"
    );
    for (id, op) in [
        ("listAdminWithdrawals", "get /api/v1/admin/withdrawals"),
        (
            "approveWithdrawal",
            "post /api/v1/admin/withdrawals/{id}/approve",
        ),
        ("createWithdrawal", "post /api/v1/me/withdrawals"),
        ("createDeposit", "post /api/v1/me/deposits"),
        (
            "createPayout",
            "post /api/v1/admin/withdrawals/{id}/payouts",
        ),
        (
            "listReconciliationRuns",
            "get /api/v1/admin/reconciliation-runs",
        ),
    ] {
        assert_eq!(seen.get(id), Some(&vec![op.to_owned()]), "operationId {id}");
    }
}

#[test]
fn every_body_has_a_typed_schema() {
    let doc = doc();
    let mut bare = Vec::new();
    let typed = |schema: &Value| {
        let schema = resolve(&doc, schema);
        let is_bare_object = schema["type"] == "object"
            && schema.get("properties").is_none()
            && schema.get("additionalProperties").is_none();
        schema.is_object() && !schema.as_object().unwrap().is_empty() && !is_bare_object
    };
    for (method, path, op) in operations(&doc) {
        for (status, response) in op["responses"].as_object().unwrap() {
            let Some(content) = response.get("content").and_then(Value::as_object) else {
                assert!(
                    status == "204",
                    "{method} {path} {status} documents no body"
                );
                continue;
            };
            for (media, body) in content {
                if !typed(&body["schema"]) {
                    bare.push(format!("{method} {path} {status} {media}"));
                }
            }
        }
        if let Some(content) = op["requestBody"]["content"].as_object() {
            for (media, body) in content {
                if !typed(&body["schema"]) {
                    bare.push(format!("{method} {path} request {media}"));
                }
            }
        }
    }
    assert!(bare.is_empty(), "untyped bodies: {bare:?}");
}

#[test]
fn closed_sets_are_enums() {
    let doc = doc();
    let prop = |schema: &str, field: &str| {
        let s = &component(&doc, schema)["properties"][field];
        assert!(s.is_object(), "{schema}.{field} missing");
        enum_values(&doc, s).unwrap_or_else(|| panic!("{schema}.{field} is not an enum"))
    };
    assert_eq!(
        prop("WithdrawalView", "state"),
        set(&[
            "requested",
            "awaiting_second_approval",
            "approved",
            "rejected",
            "cancelled",
            "payout_pending",
            "payout_failed",
            "paid",
            "reversed"
        ])
    );
    assert_eq!(
        prop("AttemptView", "status"),
        set(&["pending", "succeeded", "failed", "unknown"])
    );
    assert_eq!(
        prop("DepositView", "status"),
        set(&["pending", "succeeded", "failed"])
    );
    assert_eq!(
        prop("TransactionView", "kind"),
        set(&[
            "deposit",
            "withdrawal_hold",
            "withdrawal_release",
            "withdrawal_paid",
            "payout_reversal",
            "adjustment",
            "bet",
            "win",
            "bet_rollback"
        ])
    );
    let codes = prop("Problem", "code");
    for code in [
        "validation_failed",
        "unauthorized",
        "forbidden",
        "not_found",
        "insufficient_funds",
        "currency_mismatch",
        "already_exists",
        "invalid_state_transition",
        "psp_unavailable",
        "idempotency_key_missing",
        "idempotency_key_reused",
        "idempotency_key_in_flight",
        "invalid_signature",
        "reference_not_found",
        "payload_too_large",
        "rate_limited",
        "unavailable",
        "method_not_allowed",
        "internal",
    ] {
        assert!(codes.contains(code), "problem code {code} missing");
    }
    let roles = set(&["support", "finance", "tenant_admin", "platform_admin"]);
    assert_eq!(prop("AdminUserView", "role"), roles);
    assert_eq!(prop("CreateUser", "role"), roles);
    assert_eq!(
        prop("FindingView", "kind"),
        set(&[
            "matched",
            "mismatched",
            "missing_in_psp",
            "missing_in_kasa",
            "unreadable",
            "wallet_mismatch",
            "clearing_mismatch"
        ])
    );
    assert_eq!(
        prop("ReconciliationRunView", "status"),
        set(&["queued", "running", "succeeded", "failed"])
    );
    assert_eq!(
        prop("WebhookAck", "status"),
        set(&["processed", "duplicate", "anomaly"])
    );
    let params = |path: &str| doc["paths"][path]["get"]["parameters"].clone();
    let state = params("/api/v1/admin/withdrawals")
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "state")
        .cloned()
        .expect("state parameter");
    assert!(
        enum_values(&doc, &state["schema"]).is_some(),
        "?state= enum"
    );
    let status = params("/api/v1/admin/deposits")
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "status")
        .cloned()
        .expect("status parameter");
    assert!(
        enum_values(&doc, &status["schema"]).is_some(),
        "?status= enum"
    );
}

#[test]
fn every_list_documents_its_query_parameters() {
    let doc = doc();
    for (method, path, op) in operations(&doc) {
        let success = &op["responses"]["200"]["content"]["application/json"]["schema"];
        let body = resolve(&doc, success);
        let is_page =
            body["properties"]["items"].is_object() || body["properties"]["findings"].is_object();
        if method != "get" || !is_page {
            continue;
        }
        let names: BTreeSet<String> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["in"] == "query")
                    .filter_map(|p| p["name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            names.contains("limit") && names.contains("cursor"),
            "{method} {path} lacks limit/cursor: {names:?}"
        );
    }
}
