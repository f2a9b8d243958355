//! Reading the document: operations, `$ref`s, enums.

use std::collections::BTreeSet;

use serde_json::Value;

/// Methods an operation can have.
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The served document.
pub fn doc() -> Value {
    kasa_api::openapi::document().clone()
}

/// Every `(method, path, operation)` of the document.
pub fn operations(doc: &Value) -> Vec<(String, String, Value)> {
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
pub fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// The named component schema.
pub fn component<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let schema = &doc["components"]["schemas"][name];
    assert!(schema.is_object(), "component schema {name} missing");
    schema
}

/// The enum values a property schema allows (directly, through a `$ref`, or
/// through a nullable `oneOf`/`anyOf`).
pub fn enum_values(doc: &Value, schema: &Value) -> Option<BTreeSet<String>> {
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

/// A set of strings.
pub fn set(values: &[&str]) -> BTreeSet<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}
