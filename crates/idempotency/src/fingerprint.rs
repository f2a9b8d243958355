//! The request fingerprint: what "the same request" means.

use sha2::{Digest, Sha256};

use crate::canonical::canonical_json;

/// Lower-case hex SHA-256 of a request's method, path and canonical body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// A fingerprint read back from storage, taken as it is.
    pub fn from_stored(hex: String) -> Self {
        Self(hex)
    }

    /// The hex digest.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Marks a JSON body hashed in canonical form.
const BODY_JSON: u8 = b'j';
/// Marks any other body (including an empty one) hashed as sent.
const BODY_RAW: u8 = b'r';

/// Fingerprints a request: the upper-cased method, the path, and the body.
///
/// A body that is one JSON text is hashed in canonical form (object keys
/// sorted recursively, no insignificant whitespace, numbers exactly as sent;
/// see the `canonical` module), so `{"a":1,"b":2}` and `{ "b": 2, "a": 1 }`
/// are the same request. Any other body is hashed byte for byte. Each part
/// is length-prefixed, so moving bytes between parts (`"/a"` + `"b"` versus
/// `"/ab"` + `""`) always changes the fingerprint.
///
/// Stored fingerprints are compared with new ones, so this format must not
/// change while records are retained.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> Fingerprint {
    let body = match canonical_json(body) {
        Some(canonical) => [&[BODY_JSON][..], &canonical].concat(),
        None => [&[BODY_RAW][..], body].concat(),
    };
    let method = method.to_ascii_uppercase();
    let mut hasher = Sha256::new();
    for part in [method.as_bytes(), path.as_bytes(), &body] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    Fingerprint(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn post(body: &str) -> Fingerprint {
        fingerprint("POST", "/me/deposits", body.as_bytes())
    }

    #[test]
    fn the_format_is_pinned() {
        // Computed independently: SHA-256 over u64-BE-length-prefixed parts.
        assert_eq!(
            post(r#"{ "currency": "EUR", "amount": "10.50" }"#).as_str(),
            "99940f3c683462b00888001df7af3bbb87f53718c22616bd7c9b148f2efcb8d0"
        );
        assert_eq!(
            fingerprint("post", "/x", b"").as_str(),
            "8f00cb88e08fc15447d8804075ce9ff96ff51989c15ba217e3dab9ef5a6c6a7a"
        );
    }

    #[test]
    fn is_lowercase_hex_sha256() {
        let fp = post("{}");
        assert_eq!(fp.as_str().len(), 64);
        assert!(
            fp.as_str()
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        );
        assert_eq!(Fingerprint::from_stored(fp.as_str().to_owned()), fp);
    }

    #[test]
    fn key_order_and_whitespace_do_not_matter() {
        assert_eq!(post(r#"{"a":1,"b":2}"#), post(r#"{ "b": 2, "a": 1 }"#));
        let a = post(r#"{"amount":"1.00","currency":"EUR","x":{"b":1,"a":[2,{"d":1,"c":2}]}}"#);
        let b = post(
            "{ \"x\": {\"a\": [2, {\"c\": 2, \"d\": 1}], \"b\": 1},\n\t\"currency\": \"EUR\", \"amount\": \"1.00\" }\n",
        );
        assert_eq!(a, b);
        assert_eq!(post(r#"{"note":"\u00e9"}"#), post(r#"{"note":"é"}"#));
    }

    #[test]
    fn the_method_is_case_insensitive() {
        assert_eq!(
            fingerprint("post", "/a", b"{}"),
            fingerprint("POST", "/a", b"{}")
        );
    }

    #[test]
    fn method_path_and_values_matter() {
        let base = post(r#"{"amount":"1.00"}"#);
        assert_ne!(
            base,
            fingerprint("PUT", "/me/deposits", br#"{"amount":"1.00"}"#)
        );
        assert_ne!(
            base,
            fingerprint("POST", "/me/withdrawals", br#"{"amount":"1.00"}"#)
        );
        assert_ne!(
            base,
            fingerprint("POST", "/me/deposits/", br#"{"amount":"1.00"}"#)
        );
        assert_ne!(base, post(r#"{"amount":"1.01"}"#));
        assert_ne!(base, post(r#"{"amount":1.00}"#));
        assert_ne!(base, post(r#"{"Amount":"1.00"}"#));
        assert_ne!(base, post(r#"[{"amount":"1.00"}]"#));
    }

    #[test]
    fn numbers_that_one_f64_cannot_tell_apart_are_different_requests() {
        assert_ne!(
            post(r#"{"amount":12345678901234567.89}"#),
            post(r#"{"amount":12345678901234567.90}"#)
        );
        assert_ne!(
            post(r#"{"amount":0.1}"#),
            post(r#"{"amount":0.10000000000000001}"#)
        );
        assert_ne!(
            post(r#"{"n":18446744073709551616}"#),
            post(r#"{"n":18446744073709551617}"#)
        );
    }

    #[test]
    fn parts_cannot_be_shifted_into_each_other() {
        assert_ne!(
            fingerprint("POST", "/a", b"b"),
            fingerprint("POST", "/ab", b"")
        );
        assert_ne!(
            fingerprint("POS", "T/a", b""),
            fingerprint("POST", "/a", b"")
        );
        assert_eq!(
            fingerprint("POST", "/a", b""),
            fingerprint("POST", "/a", b"")
        );
    }

    #[test]
    fn other_bodies_are_hashed_as_sent() {
        assert_ne!(post("not json"), post("not  json"));
        assert_ne!(post(r#"{"a":1,}"#), post(r#"{"a":1}"#));
        assert_ne!(post(""), post(" "));
        assert_ne!(post(""), post("{}"));
        assert_eq!(
            fingerprint("POST", "/a", b"\xff\xfe"),
            fingerprint("POST", "/a", b"\xff\xfe")
        );
    }

    /// A JSON value with distinct object keys; numbers as their text.
    #[derive(Debug, Clone)]
    enum Tree {
        Null,
        Bool(bool),
        Number(String),
        Text(String),
        Array(Vec<Tree>),
        Object(BTreeMap<String, Tree>),
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![".{0,6}", "[\\x00-\\x1f\"\\\\/a\u{e9}\u{1F600}]{0,4}"]
    }

    fn tree() -> impl Strategy<Value = Tree> {
        let leaf = prop_oneof![
            Just(Tree::Null),
            any::<bool>().prop_map(Tree::Bool),
            "-?(0|[1-9][0-9]{0,20})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?".prop_map(Tree::Number),
            text().prop_map(Tree::Text),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Tree::Array),
                proptest::collection::btree_map(text(), inner, 0..6).prop_map(Tree::Object),
            ]
        })
    }

    /// Compact, keys in sorted order, serde_json's escaping.
    fn compact(tree: &Tree, out: &mut String) {
        match tree {
            Tree::Null => out.push_str("null"),
            Tree::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Tree::Number(n) => out.push_str(n),
            Tree::Text(s) => out.push_str(&serde_json::Value::from(s.as_str()).to_string()),
            Tree::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    out.push_str(if i > 0 { "," } else { "" });
                    compact(item, out);
                }
                out.push(']');
            }
            Tree::Object(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    out.push_str(if i > 0 { "," } else { "" });
                    out.push_str(&serde_json::Value::from(key.as_str()).to_string());
                    out.push(':');
                    compact(value, out);
                }
                out.push('}');
            }
        }
    }

    /// Every character escaped as `\uXXXX` (surrogate pairs beyond the BMP).
    fn escaped(s: &str, out: &mut String) {
        out.push('"');
        let mut units = [0u16; 2];
        for c in s.chars() {
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04X}"));
            }
        }
        out.push('"');
    }

    /// Keys in a shuffled order, whitespace everywhere, every string escaped.
    fn spread(tree: &Tree, seed: u64, out: &mut String) {
        const GAPS: [&str; 4] = [" ", "\n", "\t ", "\r\n  "];
        let gap = |n: u64| GAPS[(n % 4) as usize];
        match tree {
            Tree::Null | Tree::Bool(_) | Tree::Number(_) => compact(tree, out),
            Tree::Text(s) => escaped(s, out),
            Tree::Array(items) => {
                out.push_str("[ ");
                for (i, item) in items.iter().enumerate() {
                    out.push_str(if i > 0 { gap(seed) } else { "" });
                    out.push_str(if i > 0 { ", " } else { "" });
                    spread(item, seed.rotate_left(7) ^ i as u64, out);
                }
                out.push_str(gap(seed >> 3));
                out.push(']');
            }
            Tree::Object(members) => {
                let mut members: Vec<_> = members.iter().collect();
                let len = members.len().max(1);
                members.rotate_left((seed as usize) % len);
                if seed & 1 == 1 {
                    members.reverse();
                }
                out.push('{');
                for (i, (key, value)) in members.into_iter().enumerate() {
                    out.push_str(if i > 0 { "," } else { "" });
                    out.push_str(gap(seed >> i));
                    escaped(key, out);
                    out.push_str(gap(seed >> 5));
                    out.push(':');
                    spread(value, seed.rotate_left(13) ^ i as u64, out);
                }
                out.push_str(gap(seed >> 2));
                out.push('}');
            }
        }
    }

    fn rendered(tree: &Tree, render: impl Fn(&Tree, &mut String)) -> String {
        let mut out = String::new();
        render(tree, &mut out);
        out
    }

    /// The same tree with its first leaf changed.
    fn changed(tree: &Tree) -> Tree {
        match tree {
            Tree::Null => Tree::Bool(false),
            Tree::Bool(b) => Tree::Bool(!b),
            Tree::Number(n) => Tree::Number(
                n.strip_prefix('-')
                    .map_or_else(|| format!("-{n}"), str::to_owned),
            ),
            Tree::Text(s) => Tree::Text(format!("{s}x")),
            Tree::Array(items) => match items.split_first() {
                Some((first, rest)) => Tree::Array([vec![changed(first)], rest.to_vec()].concat()),
                None => Tree::Array(vec![Tree::Null]),
            },
            Tree::Object(members) => {
                let mut members = members.clone();
                match members.iter_mut().next() {
                    Some((_, first)) => *first = changed(first),
                    None => {
                        members.insert(String::new(), Tree::Null);
                    }
                }
                Tree::Object(members)
            }
        }
    }

    proptest! {
        #[test]
        fn reordering_keys_and_reformatting_never_change_the_fingerprint(tree in tree(), seed in any::<u64>()) {
            let a = rendered(&tree, compact);
            let b = rendered(&tree, |t, out| spread(t, seed, out));
            prop_assert_eq!(post(&a), post(&b), "{} vs {}", a, b);
        }

        #[test]
        fn the_canonical_form_means_what_the_body_meant(tree in tree(), seed in any::<u64>()) {
            let body = rendered(&tree, |t, out| spread(t, seed, out));
            let canonical = canonical_json(body.as_bytes()).and_then(|c| String::from_utf8(c).ok());
            prop_assert_eq!(canonical.clone(), Some(rendered(&tree, compact)));
            // serde_json refuses numbers beyond f64; compare where it can read the body.
            if let Ok(original) = serde_json::from_str::<serde_json::Value>(&body) {
                let reread = canonical.and_then(|c| serde_json::from_str::<serde_json::Value>(&c).ok());
                prop_assert_eq!(reread, Some(original));
            }
        }

        #[test]
        fn changing_a_value_always_changes_the_fingerprint(tree in tree(), seed in any::<u64>()) {
            let other = changed(&tree);
            let a = rendered(&tree, compact);
            let b = rendered(&other, |t, out| spread(t, seed, out));
            prop_assert_ne!(post(&a), post(&b), "{} vs {}", a, b);
        }

        #[test]
        fn method_and_path_always_count(method in "[A-Za-z]{1,8}", path in "/[ -~]{0,20}", other in "/[ -~]{0,20}", body in ".{0,20}") {
            let fp = fingerprint(&method, &path, body.as_bytes());
            prop_assert_eq!(&fp, &fingerprint(&method.to_ascii_lowercase(), &path, body.as_bytes()));
            if other != path {
                prop_assert_ne!(&fp, &fingerprint(&method, &other, body.as_bytes()));
            }
        }
    }
}
