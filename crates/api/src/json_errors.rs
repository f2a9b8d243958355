//! Why a JSON request body does not fit its request type, in the API user's
//! words: the field's path (`destination.account`) and what it must be. No
//! parser positions, Rust type names or serde phrasing reach the answer.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Most removals tried while looking for the field a type error is about.
const PROBES_MAX: usize = 256;
/// Longest part of a client-sent name kept in a message.
const NAME_ECHO_LEN_MAX: usize = 40;

/// The message of a syntax error (`Category::Syntax` or `Eof`) of a body
/// that is not empty.
pub fn syntax(err: &serde_json::Error) -> String {
    if err.is_eof() {
        "the request body ends before its JSON value is complete".to_owned()
    } else {
        "the request body is not valid JSON".to_owned()
    }
}

/// The message for a body that is valid JSON but not an object. Every
/// request body is an object; a derived struct would also take an array of
/// its fields' values, which no client means.
pub fn not_an_object(bytes: &[u8]) -> Option<String> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace())?;
    (*first != b'{' && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok())
        .then(|| "the request body must be a JSON object".to_owned())
}

/// The message for a JSON object that is not a `T`.
pub fn shape<T: DeserializeOwned>(bytes: &[u8]) -> String {
    let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
        return "the request body is not valid JSON".to_owned();
    };
    let Err(err) = T::deserialize(&value) else {
        // Only a duplicate key fails from bytes and not from a `Value`.
        return "the request body names a field more than once".to_owned();
    };
    let message = err.to_string();
    if let Some(name) = quoted(&message, "missing field `") {
        let at = missing_at::<T>(&value, name);
        return format!("field `{}` is required", join(at.as_deref(), name));
    }
    if let Some(name) = quoted(&message, "unknown field `") {
        let at = unknown_at::<T>(&value, name, &message);
        return format!(
            "unknown field `{}`: this request does not take it",
            join(at.as_deref(), &echo(name))
        );
    }
    let mut probes = 0;
    let path = culprit::<T>(&value, &value, &mut Vec::new(), &message, &mut probes);
    let what = requirement(&message);
    match path {
        Some(path) if !path.is_empty() => format!("field `{}` {what}", path.join(".")),
        _ => "the request body does not fit this request".to_owned(),
    }
}

/// `field` under `path` (`destination.account`), or `field` alone.
fn join(path: Option<&[String]>, field: &str) -> String {
    match path {
        Some(path) if !path.is_empty() => format!("{}.{field}", path.join(".")),
        _ => field.to_owned(),
    }
}

/// A client-sent name, bounded.
pub fn echo(name: &str) -> String {
    name.chars().take(NAME_ECHO_LEN_MAX).collect()
}

/// The backticked name after `prefix` at the start of `message`.
pub fn quoted<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    let rest = message.strip_prefix(prefix)?;
    rest.find('`').map(|end| &rest[..end])
}

/// The object an unknown field `name` is in: the one where removing it
/// changes the refusal.
fn unknown_at<T: DeserializeOwned>(root: &Value, name: &str, message: &str) -> Option<Vec<String>> {
    let mut objects = Vec::new();
    object_paths(root, &mut Vec::new(), &mut objects);
    objects.into_iter().take(PROBES_MAX).find(|path| {
        let mut field = path.clone();
        field.push(name.to_owned());
        let mut without = root.clone();
        if !remove(&mut without, &field) {
            return false;
        }
        T::deserialize(&without)
            .err()
            .map(|e| e.to_string())
            .as_deref()
            != Some(message)
    })
}

/// The object a required field `name` is missing from: the one where adding
/// it changes the refusal (to its value's type, not "missing" or "unknown").
fn missing_at<T: DeserializeOwned>(root: &Value, name: &str) -> Option<Vec<String>> {
    let mut objects = Vec::new();
    object_paths(root, &mut Vec::new(), &mut objects);
    objects.into_iter().take(PROBES_MAX).find(|path| {
        let mut with = root.clone();
        let mut at = &mut with;
        for key in path {
            match at.get_mut(key) {
                Some(inner) => at = inner,
                None => return false,
            }
        }
        match at.as_object_mut() {
            Some(object) if !object.contains_key(name) => {
                object.insert(name.to_owned(), Value::Null);
            }
            _ => return false,
        }
        T::deserialize(&with).err().is_none_or(|e| {
            let m = e.to_string();
            quoted(&m, "missing field `") != Some(name)
                && quoted(&m, "unknown field `") != Some(name)
        })
    })
}

/// The paths of every object in `value`, outermost first.
fn object_paths(value: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let Some(object) = value.as_object() else {
        return;
    };
    out.push(path.clone());
    for (key, inner) in object {
        path.push(key.clone());
        object_paths(inner, path, out);
        path.pop();
    }
}

/// The deepest field whose removal changes the refusal: the field the
/// refusal is about (a derived deserializer stops at the first bad field).
fn culprit<T: DeserializeOwned>(
    root: &Value,
    at: &Value,
    path: &mut Vec<String>,
    message: &str,
    probes: &mut usize,
) -> Option<Vec<String>> {
    let object = at.as_object()?;
    for key in object.keys() {
        if *probes >= PROBES_MAX {
            return None;
        }
        *probes += 1;
        path.push(key.clone());
        let mut without = root.clone();
        if !remove(&mut without, path) {
            path.pop();
            continue;
        }
        let same = T::deserialize(&without).err().map(|e| e.to_string());
        if same.as_deref() != Some(message) {
            let deeper = object
                .get(key)
                .and_then(|inner| culprit::<T>(root, inner, path, message, probes));
            let found = deeper.unwrap_or_else(|| path.clone());
            path.pop();
            return Some(found);
        }
        path.pop();
    }
    None
}

/// Removes the field at `path` from `value`; whether there was one.
fn remove(value: &mut Value, path: &[String]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut at = value;
    for key in parents {
        match at.get_mut(key) {
            Some(inner) => at = inner,
            None => return false,
        }
    }
    at.as_object_mut()
        .is_some_and(|object| object.remove(last).is_some())
}

/// What a field must be, from a serde refusal ("must be a string").
fn requirement(message: &str) -> String {
    if let Some(expected) = expected(message, "invalid type: ") {
        return format!("must be {}", kind(expected));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        if let Some((_, allowed)) = rest.split_once("expected one of ") {
            return format!("must be one of {}", allowed.replace('`', ""));
        }
        if let Some((_, allowed)) = rest.split_once("expected ") {
            return format!("must be {}", allowed.replace('`', ""));
        }
    }
    "has a value that is not allowed here".to_owned()
}

/// The `expected ...` part of an `invalid type: ..., expected ...` message.
fn expected<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    let rest = message.strip_prefix(prefix)?;
    rest.rfind(", expected ")
        .map(|at| &rest[at + ", expected ".len()..])
}

/// A serde expectation in JSON words.
fn kind(expected: &str) -> &'static str {
    match expected {
        "a string" | "a borrowed string" | "a character" => "a string",
        "a boolean" => "true or false",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number of at least 0",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a sequence" => "an array",
        e if e.starts_with("struct ") || e == "a map" => "a JSON object",
        e if e.starts_with("a string") || e.contains("string") => "a string",
        _ => "of another JSON type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        account: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        amount: String,
        count: Option<u64>,
        destination: Inner,
    }

    fn message(body: &str) -> String {
        shape::<Outer>(body.as_bytes())
    }

    #[test]
    fn messages_name_the_field_and_what_it_must_be() {
        let ok = r#""destination": {"account": "x"}"#;
        assert_eq!(
            message(&format!(r#"{{"amount": 10, {ok}}}"#)),
            "field `amount` must be a string"
        );
        assert_eq!(
            message(&format!(r#"{{"amount": "1", "count": "2", {ok}}}"#)),
            "field `count` must be a whole number of at least 0"
        );
        assert_eq!(
            message(r#"{"amount": "1", "destination": {"account": 5}}"#),
            "field `destination.account` must be a string"
        );
        assert_eq!(
            message(r#"{"amount": "1", "destination": {}}"#),
            "field `destination.account` is required"
        );
        assert_eq!(message(&format!("{{{ok}}}")), "field `amount` is required");
        assert_eq!(
            message(&format!(r#"{{"amount": "1", "ammount": "1", {ok}}}"#)),
            "unknown field `ammount`: this request does not take it"
        );
        assert_eq!(
            message(r#"{"amount": "1", "destination": {"account": "x", "amount": "1"}}"#),
            "unknown field `destination.amount`: this request does not take it"
        );
        assert_eq!(
            not_an_object(b" [1]").as_deref(),
            Some("the request body must be a JSON object")
        );
        assert_eq!(not_an_object(b"{}"), None);
        assert_eq!(not_an_object(b"nope"), None);
    }
}
