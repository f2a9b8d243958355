//! What every operation shares, added to the generated document in one place:
//! the security schemes, the problem+json error responses each kind of
//! operation can give (with the codes each status carries), and the response
//! headers (`X-Request-Id`, `Retry-After`, `Idempotent-Replayed`).

use serde_json::{Map, Value, json};

use crate::idempotent::REPLAYED_HEADER;
use crate::routes::webhooks::SIGNATURE_HEADER;

/// Name of the webhook signature security scheme.
pub const SIGNATURE_SCHEME: &str = "webhook_signature";

/// What decides an operation's possible errors.
struct Kind {
    read: bool,
    secured: bool,
    idempotent: bool,
    webhook: bool,
    throttled: bool,
}

impl Kind {
    fn of(path: &str, method: &str, op: &Value) -> Self {
        let secured = op["security"]
            .as_array()
            .is_some_and(|reqs| reqs.iter().any(|r| r.get("bearer").is_some()));
        let idempotent = op["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "Idempotency-Key"));
        Kind {
            read: method == "get",
            secured,
            idempotent,
            webhook: path.starts_with("/api/v1/webhooks/")
                || path.starts_with("/api/v1/game-wallet/"),
            throttled: path.starts_with("/api/v1/auth/"),
        }
    }

    /// `(status, summary, codes)` of every error this kind of operation can give.
    fn errors(&self) -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
        let mut errors = Vec::new();
        let when = |cond: bool, code: &'static str| cond.then_some(code);
        if !self.read {
            let codes = [
                Some("validation_failed"),
                when(self.idempotent, "idempotency_key_missing"),
            ];
            errors.push((
                "400",
                if self.idempotent {
                    "Malformed JSON body, or Idempotency-Key missing or invalid"
                } else {
                    "Malformed JSON body"
                },
                codes.into_iter().flatten().collect(),
            ));
        }
        if self.secured || self.webhook || self.throttled {
            let code = if self.webhook {
                "invalid_signature"
            } else {
                "unauthorized"
            };
            errors.push(("401", "Unauthorized", vec![code]));
        }
        if self.secured {
            errors.push(("403", "Forbidden", vec!["forbidden"]));
        }
        let not_found = [Some("not_found"), when(self.webhook, "reference_not_found")];
        errors.push((
            "404",
            "Not found",
            not_found.into_iter().flatten().collect(),
        ));
        if !self.read {
            let codes = [
                Some("invalid_state_transition"),
                Some("already_exists"),
                when(self.idempotent, "idempotency_key_in_flight"),
            ];
            errors.push(("409", "Conflict", codes.into_iter().flatten().collect()));
            errors.push(("413", "Payload too large", vec!["payload_too_large"]));
        }
        let unprocessable = if self.read {
            vec!["validation_failed"]
        } else {
            let codes = [
                Some("validation_failed"),
                Some("insufficient_funds"),
                Some("currency_mismatch"),
                when(self.idempotent, "idempotency_key_reused"),
            ];
            codes.into_iter().flatten().collect()
        };
        errors.push(("422", "Unprocessable", unprocessable));
        if self.throttled {
            errors.push(("429", "Rate limited", vec!["rate_limited"]));
        }
        errors.push(("500", "Internal error", vec!["internal"]));
        let unavailable = [Some("unavailable"), when(!self.read, "psp_unavailable")];
        errors.push((
            "503",
            "Unavailable; nothing was committed",
            unavailable.into_iter().flatten().collect(),
        ));
        errors
    }
}

fn header(description: &str, schema: Value) -> Value {
    json!({"description": description, "schema": schema})
}

/// Adds the security schemes, error responses and headers to `doc`.
pub fn finish(doc: &mut Value) {
    doc["components"]["securitySchemes"] = json!({
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        SIGNATURE_SCHEME: {
            "type": "apiKey",
            "in": "header",
            "name": SIGNATURE_HEADER,
            "description": "`t=<unix>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">`",
        },
    });
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            finish_operation(path, method, op);
        }
    }
}

fn finish_operation(path: &str, method: &str, op: &mut Value) {
    let kind = Kind::of(path, method, op);
    let api = path.starts_with("/api/v1/") && path != "/api/v1/openapi.json";
    let Some(responses) = op["responses"].as_object_mut() else {
        return;
    };
    if api {
        for (status, summary, codes) in kind.errors() {
            let listed: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
            responses.entry(status).or_insert_with(|| {
                json!({
                    "description": format!("{summary}: problem document with code {}", listed.join(", ")),
                    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                })
            });
        }
    }
    for (status, response) in responses.iter_mut() {
        let mut headers = response["headers"]
            .as_object()
            .cloned()
            .unwrap_or_else(Map::new);
        headers.insert(
            "X-Request-Id".into(),
            header(
                "Id of this request (the caller's `X-Request-Id` when sane)",
                json!({"type": "string"}),
            ),
        );
        if status == "429" {
            headers.insert(
                "Retry-After".into(),
                header(
                    "Seconds until the client may try again",
                    json!({"type": "integer", "minimum": 0}),
                ),
            );
        }
        if kind.idempotent && !status.starts_with('5') {
            headers.insert(
                REPLAYED_HEADER.into(),
                header(
                    "`true` when this is the stored answer of an earlier request with the same Idempotency-Key",
                    json!({"type": "string", "enum": ["true"]}),
                ),
            );
        }
        response["headers"] = Value::Object(headers);
    }
}
