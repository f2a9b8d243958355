//! Request bodies carry the server's constraints, so a fuzzer (schemathesis,
//! `.ci/schemathesis`) generating schema-valid requests is not refused for
//! rules the document hides.

use serde_json::Value;

use crate::support::*;

/// The slug pattern of `validate::slug` (tenants are named by slug).
const SLUG_PATTERN: &str = "^[a-z0-9-]{1,64}$";

/// Every string field of a request body, as `(field path, schema)`, found
/// through `$ref`s, nested objects, arrays and `oneOf`/`anyOf`/`allOf`.
fn string_fields(doc: &Value, schema: &Value, at: &str, out: &mut Vec<(String, Value)>) {
    let schema = resolve(doc, schema);
    if schema.get("enum").is_some() {
        return;
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            string_fields(doc, prop, &format!("{at}.{name}"), out);
        }
    }
    if let Some(items) = schema.get("items") {
        string_fields(doc, items, &format!("{at}[]"), out);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for alt in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            string_fields(doc, alt, at, out);
        }
    }
    let is_string = match &schema["type"] {
        Value::String(t) => t == "string",
        Value::Array(ts) => ts.iter().any(|t| t == "string"),
        _ => false,
    };
    if is_string {
        out.push((at.to_owned(), schema.clone()));
    }
}

/// Every string field of every JSON request body, named `METHOD path field`.
/// Webhooks are left out: their body is the PSP's signed format, checked after
/// the signature (an unsigned request is a 401 whatever it holds).
fn request_string_fields(doc: &Value) -> Vec<(String, Value)> {
    let mut fields = Vec::new();
    for (method, path, op) in operations(doc) {
        if path.starts_with("/api/v1/webhooks/") {
            continue;
        }
        let Some(content) = op["requestBody"]["content"].as_object() else {
            continue;
        };
        for body in content.values() {
            string_fields(
                doc,
                &body["schema"],
                &format!("{method} {path} "),
                &mut fields,
            );
        }
    }
    fields
}

#[test]
fn every_request_string_is_bounded() {
    let doc = doc();
    let unbounded: Vec<String> = request_string_fields(&doc)
        .into_iter()
        .filter(|(_, s)| s.get("maxLength").is_none() && s.get("format").is_none())
        .map(|(at, _)| at)
        .collect();
    assert!(
        unbounded.is_empty(),
        "request strings without maxLength, enum or format: {unbounded:?}"
    );
}

#[test]
fn slugs_emails_and_amounts_carry_their_patterns() {
    let doc = doc();
    let fields = request_string_fields(&doc);
    let pattern = |s: &Value| s["pattern"].as_str().unwrap_or_default().to_owned();
    let mut wrong = Vec::new();
    for (at, schema) in &fields {
        let name = at.rsplit(['.', ' ']).next().unwrap_or_default();
        let ok = match name {
            "slug" if at.contains("/game-providers") => {
                pattern(schema) == kasa_api::routes::game_providers::PROVIDER_SLUG_PATTERN
            }
            "slug" if at.contains("/psp-accounts") => {
                pattern(schema) == kasa_api::routes::psp_accounts::ACCOUNT_SLUG_PATTERN
            }
            "slug" | "tenant" => pattern(schema) == SLUG_PATTERN,
            "email" => pattern(schema).contains('@') && schema["maxLength"] == 254,
            "amount" => pattern(schema).starts_with("^[0-9]{1,"),
            _ => true,
        };
        if !ok {
            wrong.push(at.clone());
        }
    }
    assert!(wrong.is_empty(), "fields missing their pattern: {wrong:?}");
    let checked = |n: &str| fields.iter().any(|(at, _)| at.ends_with(n));
    assert!(checked(".email") && checked(".tenant") && checked(".slug") && checked(".amount"));
}
