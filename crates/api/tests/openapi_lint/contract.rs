//! Errors, headers, timestamps, required fields, security.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::*;

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

/// Only operations taking an `Idempotency-Key` document its problems.
#[test]
fn only_keyed_operations_list_idempotency_problems() {
    let doc = doc();
    for (method, path, op) in operations(&doc) {
        let keyed = op["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "Idempotency-Key"));
        let text = op["responses"].to_string().to_lowercase();
        assert_eq!(
            keyed,
            text.contains("idempotency_key_"),
            "{method} {path}: idempotency problems listed iff it takes a key"
        );
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
    // every field), except in request bodies' optional fields and the
    // game-wallet answer, whose player fields are absent for an unknown session,
    // the threshold map of a tenant policy (one optional key per currency),
    // and the optional `provider` of a deposit or payout and fields of a
    // provider account.
    let requests = [
        "CreateUser",
        "WebhookEventData",
        "CreateGameProvider",
        "RotateSecret",
        "MoneyCall",
        "GameWalletAnswer",
        "ThresholdMap",
        "CreateDeposit",
        "CreatePspAccount",
        "StartPayout",
    ];
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
        } else if path.starts_with("/api/v1/webhooks/") || path.starts_with("/api/v1/game-wallet/")
        {
            set(&["webhook_signature"])
        } else {
            set(&["bearer"])
        };
        assert_eq!(names, expected, "{method} {path} security");
    }
}
