//! Lints the generated OpenAPI document for what client generators
//! (`openapi-python-client`, `openapi-typescript`, `orval`) need: every
//! response described, unique operation ids, typed bodies, enums for the closed
//! sets, date-time timestamps, required-but-nullable fields, the right security
//! per route and the documented response headers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn doc() -> Value {
    kasa_api::openapi::document().clone()
}

/// Every `(method, path, operation)` of the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                ops.push((method.to_owned(), path.clone(), op.clone()));
            }
        }
    }
    ops
}

/// Resolves a local `$ref` (`#/components/schemas/X`).
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// The named component schema.
fn component<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let schema = &doc["components"]["schemas"][name];
    assert!(schema.is_object(), "component schema {name} missing");
    schema
}

/// The enum values a property schema allows (directly, through a `$ref`, or
/// through a nullable `oneOf`/`anyOf`).
fn enum_values(doc: &Value, schema: &Value) -> Option<BTreeSet<String>> {
    let schema = resolve(doc, schema);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return Some(
            values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        );
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        let alts = schema.get(key).and_then(Value::as_array);
        if let Some(found) = alts.and_then(|a| a.iter().find_map(|alt| enum_values(doc, alt))) {
            return Some(found);
        }
    }
    None
}

fn set(values: &[&str]) -> BTreeSet<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

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
            "adjustment"
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
            "unreadable"
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

#[test]
fn reads_never_list_idempotency_problems() {
    let doc = doc();
    for (method, path, op) in operations(&doc) {
        if method != "get" {
            continue;
        }
        for (status, response) in op["responses"].as_object().unwrap() {
            let text = response.to_string().to_lowercase();
            assert!(
                !text.contains("idempotency"),
                "{method} {path} {status} mentions idempotency"
            );
        }
    }
}

#[test]
fn errors_are_problem_documents_with_the_code_enum() {
    let doc = doc();
    for (method, path, op) in operations(&doc) {
        if !path.starts_with("/api/v1/") || path == "/api/v1/openapi.json" {
            continue;
        }
        let errors: Vec<_> = op["responses"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(status, _)| status.starts_with('4') || status.starts_with('5'))
            .collect();
        assert!(!errors.is_empty(), "{method} {path} documents no error");
        for (status, response) in errors {
            let schema = &response["content"]["application/problem+json"]["schema"];
            let problem = resolve(&doc, schema);
            assert!(
                enum_values(&doc, &problem["properties"]["code"]).is_some(),
                "{method} {path} {status} is not a problem document with a code enum"
            );
            assert!(
                response["headers"]["X-Request-Id"].is_object(),
                "{method} {path} {status} lacks X-Request-Id"
            );
        }
        for (status, response) in op["responses"].as_object().unwrap() {
            assert!(
                response["headers"]["X-Request-Id"].is_object(),
                "{method} {path} {status} lacks X-Request-Id"
            );
        }
        if let Some(r) = op["responses"].get("429") {
            assert!(
                r["headers"]["Retry-After"].is_object(),
                "{path} 429 Retry-After"
            );
        }
        let idempotent = op["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "Idempotency-Key"));
        if idempotent {
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.starts_with('2') {
                    assert!(
                        response["headers"]["Idempotent-Replayed"].is_object(),
                        "{method} {path} {status} lacks Idempotent-Replayed"
                    );
                }
            }
        }
    }
}

/// Every property whose name says it is a time, in every component schema.
#[test]
fn timestamps_are_date_time() {
    let doc = doc();
    let mut wrong = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        let Some(props) = schema["properties"].as_object() else {
            continue;
        };
        for (field, prop) in props {
            let is_time = field.ends_with("_at") || field == "from" || field == "to";
            if !is_time {
                continue;
            }
            let formats: Vec<&Value> = std::iter::once(prop)
                .chain(prop["oneOf"].as_array().into_iter().flatten())
                .map(|p| &p["format"])
                .collect();
            if !formats.iter().any(|f| *f == "date-time") {
                wrong.push(format!("{name}.{field}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "timestamps without format date-time: {wrong:?}"
    );
}

/// Fields the contract always sends (possibly `null`) are `required`.
#[test]
fn always_sent_fields_are_required() {
    let doc = doc();
    let required = |schema: &str| -> BTreeSet<String> {
        component(&doc, schema)["required"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    for (schema, field) in [
        ("WithdrawalView", "reject_reason"),
        ("AttemptView", "provider_ref"),
        ("AttemptView", "failure_code"),
        ("DepositView", "provider_ref"),
        ("DepositView", "failure_code"),
        ("TransactionView", "available_after"),
        ("TransactionView", "held_after"),
        ("AnomalyView", "tenant_id"),
        ("AnomalyView", "reference_id"),
        ("AdminUserView", "tenant_id"),
        ("ReconciliationRunView", "started_at"),
        ("ReconciliationRunView", "finished_at"),
        ("ReconciliationRunView", "error"),
        ("AuditEventView", "tenant_id"),
        ("AuditReport", "broken"),
    ] {
        assert!(
            required(schema).contains(field),
            "{schema}.{field} is always sent but not required"
        );
    }
    // Every component: each property is required (the views always send
    // every field), except in request bodies' optional fields.
    let requests = ["CreateUser", "WebhookEventData"];
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        if requests.contains(&name.as_str()) {
            continue;
        }
        let Some(props) = schema["properties"].as_object() else {
            continue;
        };
        let req = required(name);
        for field in props.keys() {
            assert!(req.contains(field), "{name}.{field} is not required");
        }
    }
    // Pages: `next_cursor` is always present (null on the last page).
    for (method, path, op) in operations(&doc) {
        let schema = &op["responses"]["200"]["content"]["application/json"]["schema"];
        let body = resolve(&doc, schema);
        if body["properties"]["next_cursor"].is_object() {
            let req: Vec<&str> = body["required"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert!(req.contains(&"next_cursor"), "{method} {path} next_cursor");
        }
    }
}

#[test]
fn every_operation_has_the_right_security() {
    let doc = doc();
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["webhook_signature"]["type"], "apiKey");
    assert_eq!(schemes["webhook_signature"]["in"], "header");
    assert_eq!(schemes["webhook_signature"]["name"], "Kasa-Signature");
    let public = [
        "/api/v1/auth/admin/login",
        "/api/v1/auth/player/login",
        "/api/v1/auth/player/register",
        "/api/v1/openapi.json",
        "/healthz",
        "/readyz",
        "/metrics",
    ];
    for (method, path, op) in operations(&doc) {
        let names: BTreeSet<String> = op["security"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|req| req.keys().cloned())
            .collect();
        let expected = if public.contains(&path.as_str()) {
            BTreeSet::new()
        } else if path.starts_with("/api/v1/webhooks/") {
            set(&["webhook_signature"])
        } else {
            set(&["bearer"])
        };
        assert_eq!(names, expected, "{method} {path} security");
    }
}
