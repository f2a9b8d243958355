//! The documented operations, read once from the OpenAPI document: path
//! templates, their methods and each operation's query parameters. The server
//! refuses any query parameter the document does not declare for the matched
//! operation (`422 validation_failed`), so the document and the server cannot
//! disagree about what an endpoint takes.

use std::sync::LazyLock;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};
use serde_json::Value;
use utoipa::OpenApi;

use crate::openapi::ApiDoc;
use crate::problem::ApiError;

/// What a documented query parameter accepts (the parts of its schema the
/// server checks before any handler runs).
#[derive(Debug, Clone, PartialEq)]
enum Accepts {
    /// A whole number, optionally bounded.
    Integer { min: Option<i64>, max: Option<i64> },
    /// A UUID.
    Uuid,
    /// A string of a bounded length (in characters).
    Text { min: Option<u64>, max: Option<u64> },
}

/// One declared query parameter.
#[derive(Debug, Clone)]
struct QueryParam {
    name: String,
    accepts: Accepts,
}

/// One operation: its method and query parameters, in document order.
#[derive(Debug)]
struct Operation {
    method: String,
    query: Vec<QueryParam>,
}

/// One path template (`/api/v1/me/deposits/{id}`) and its operations.
#[derive(Debug)]
struct Template {
    segments: Vec<String>,
    operations: Vec<Operation>,
}

impl Template {
    /// Whether `parts` (a request path split on `/`) matches.
    fn matches(&self, parts: &[&str]) -> bool {
        self.segments.len() == parts.len()
            && self
                .segments
                .iter()
                .zip(parts)
                .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
    }

    /// Path parameters; a template with fewer is the more specific match.
    fn variables(&self) -> usize {
        self.segments.iter().filter(|s| s.starts_with('{')).count()
    }
}

static TEMPLATES: LazyLock<Vec<Template>> = LazyLock::new(|| {
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let Some(paths) = doc["paths"].as_object() else {
        return Vec::new();
    };
    paths
        .iter()
        .map(|(template, item)| Template {
            segments: template.split('/').map(str::to_owned).collect(),
            operations: item
                .as_object()
                .map(|ops| {
                    ops.iter()
                        .map(|(method, op)| Operation {
                            method: method.to_uppercase(),
                            query: query_params(op),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
});

/// The `in: query` parameters of one operation object.
fn query_params(op: &Value) -> Vec<QueryParam> {
    op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| {
            let name = p["name"].as_str()?.to_owned();
            Some(QueryParam {
                name,
                accepts: accepts(&p["schema"]),
            })
        })
        .collect()
}

/// What a parameter schema accepts: integers and UUIDs by type and format,
/// anything else as text (whose values the handler checks further).
fn accepts(schema: &Value) -> Accepts {
    let is = |kind: &str| match &schema["type"] {
        Value::String(t) => t == kind,
        Value::Array(types) => types.iter().any(|t| t == kind),
        _ => false,
    };
    if is("integer") {
        Accepts::Integer {
            min: whole(&schema["minimum"]),
            max: whole(&schema["maximum"]),
        }
    } else if schema["format"] == "uuid" {
        Accepts::Uuid
    } else {
        Accepts::Text {
            min: schema["minLength"].as_u64(),
            max: schema["maxLength"].as_u64(),
        }
    }
}

/// A schema bound as an integer (the document may spell `1` as `1.0`).
fn whole(bound: &Value) -> Option<i64> {
    bound.as_i64().or_else(|| {
        bound
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

/// The most specific documented template that matches `path`.
fn template(path: &str) -> Option<&'static Template> {
    let parts: Vec<&str> = path.split('/').collect();
    TEMPLATES
        .iter()
        .filter(|t| t.matches(&parts))
        .min_by_key(|t| t.variables())
}

/// The documented methods of `path` (upper case, comma-separated), if the
/// document has a path template that matches it.
pub fn allowed_methods(path: &str) -> Option<String> {
    template(path).map(|t| {
        t.operations
            .iter()
            .map(|o| o.method.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// Checks the query string of `method path` against the parameters the
/// document declares for that operation. Undocumented routes pass (they are
/// answered 404 or 405 further in).
fn check_query(method: &str, path: &str, query: &str) -> Result<(), ApiError> {
    let Some(operation) =
        template(path).and_then(|t| t.operations.iter().find(|o| o.method == method))
    else {
        return Ok(());
    };
    if query.is_empty() {
        return Ok(());
    }
    let pairs = web::Query::<Vec<(String, String)>>::from_query(query)
        .map_err(|_| ApiError::Validation("the query string is not valid URL encoding".into()))?
        .into_inner();
    for (i, (name, value)) in pairs.iter().enumerate() {
        let Some(param) = operation.query.iter().find(|p| &p.name == name) else {
            return Err(ApiError::Validation(unknown_parameter(
                name,
                &operation.query,
            )));
        };
        if pairs[..i].iter().any(|(earlier, _)| earlier == name) {
            return Err(ApiError::Validation(format!(
                "query parameter `{name}` is given more than once"
            )));
        }
        check_value(param, value)?;
    }
    Ok(())
}

/// "unknown query parameter `x`; this endpoint takes ...".
fn unknown_parameter(name: &str, declared: &[QueryParam]) -> String {
    let name: String = name.chars().take(40).collect();
    if declared.is_empty() {
        return format!(
            "unknown query parameter `{name}`: this endpoint takes no query parameters"
        );
    }
    let names: Vec<String> = declared.iter().map(|p| format!("`{}`", p.name)).collect();
    format!(
        "unknown query parameter `{name}`: this endpoint takes only {}",
        names.join(", ")
    )
}

/// Checks one value against what its parameter accepts.
fn check_value(param: &QueryParam, value: &str) -> Result<(), ApiError> {
    let name = &param.name;
    match param.accepts {
        Accepts::Integer { min, max } => {
            let ok = value
                .parse::<i64>()
                .is_ok_and(|n| min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m));
            if ok {
                return Ok(());
            }
            let range = match (min, max) {
                (Some(lo), Some(hi)) => format!(" from {lo} to {hi}"),
                (Some(lo), None) => format!(" of at least {lo}"),
                (None, Some(hi)) => format!(" of at most {hi}"),
                (None, None) => String::new(),
            };
            Err(ApiError::Validation(format!(
                "query parameter `{name}` must be a whole number{range}"
            )))
        }
        Accepts::Uuid => uuid::Uuid::try_parse(value)
            .map(|_| ())
            .map_err(|_| ApiError::Validation(format!("query parameter `{name}` must be a UUID"))),
        Accepts::Text { min, max } => {
            let len = value.chars().count() as u64;
            if min.is_none_or(|m| len >= m) && max.is_none_or(|m| len <= m) {
                return Ok(());
            }
            Err(ApiError::Validation(format!(
                "query parameter `{name}` must be {} to {} characters long",
                min.unwrap_or(0),
                max.map_or_else(|| "any number of".to_owned(), |m| m.to_string())
            )))
        }
    }
}

/// The middleware (`actix_web::middleware::from_fn`): refuses a request whose
/// query string names a parameter its operation does not declare, repeats
/// one, or gives one a value of the wrong type, before any handler runs.
pub async fn reject_undeclared_query(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    match check_query(req.method().as_str(), req.path(), req.query_string()) {
        Ok(()) => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
        Err(err) => {
            let response = err.error_response();
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(method: &str, path: &str, query: &str) -> Option<String> {
        check_query(method, path, query)
            .err()
            .map(|e| e.to_string())
    }

    #[test]
    fn the_document_declares_the_list_parameters() {
        let deposits = template("/api/v1/admin/deposits").map(|t| {
            t.operations[0]
                .query
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
        });
        assert_eq!(
            deposits,
            Some(vec![
                "status".into(),
                "player_id".into(),
                "limit".into(),
                "cursor".into()
            ])
        );
    }

    #[test]
    fn queries_are_checked_against_the_document() {
        assert_eq!(detail("GET", "/api/v1/me/wallet", ""), None);
        assert_eq!(
            detail("GET", "/api/v1/me/wallet", "x=1").as_deref(),
            Some("unknown query parameter `x`: this endpoint takes no query parameters")
        );
        assert_eq!(
            detail("GET", "/api/v1/me/deposits", "limit=2&sort=asc").as_deref(),
            Some("unknown query parameter `sort`: this endpoint takes only `limit`, `cursor`")
        );
        assert_eq!(
            detail("GET", "/api/v1/me/deposits", "limit=two").as_deref(),
            Some("query parameter `limit` must be a whole number from 1 to 200")
        );
        assert_eq!(
            detail("GET", "/api/v1/me/deposits", "limit=1&limit=2").as_deref(),
            Some("query parameter `limit` is given more than once")
        );
        assert_eq!(
            detail("GET", "/api/v1/admin/deposits", "player_id=7").as_deref(),
            Some("query parameter `player_id` must be a UUID")
        );
        assert_eq!(
            detail("GET", "/api/v1/admin/deposits", "status=pending&limit=200"),
            None
        );
        // Undocumented routes and methods are left to the 404/405 answers.
        assert_eq!(detail("GET", "/api/v1/nowhere", "x=1"), None);
        assert_eq!(detail("DELETE", "/api/v1/me/wallet", "x=1"), None);
    }

    #[test]
    fn literal_segments_win_over_path_variables() {
        assert_eq!(
            allowed_methods("/api/v1/admin/audit-events/verify").as_deref(),
            Some("GET")
        );
        assert_eq!(
            allowed_methods("/api/v1/me/withdrawals/abc").as_deref(),
            Some("GET")
        );
        assert_eq!(allowed_methods("/api/v1/nowhere"), None);
    }
}
