//! The canonical form of a JSON body, for fingerprints.
//!
//! A small strict RFC 8259 reader rather than `serde_json::Value`, because
//! `Value` turns non-integer and very large numbers into `f64`: bodies with
//! `12345678901234567.89` and `12345678901234567.90` would read as the same
//! value, and the second request would be answered with the first one's
//! stored response. Here numbers are kept exactly as sent. Strings are decoded
//! (by serde_json) and re-escaped one fixed way, object members are sorted by
//! key, and insignificant whitespace is dropped.
//!
//! Only differences that cannot change meaning are erased. `1.0` and `1`
//! stay different, as do duplicate keys in a different order; such requests
//! get `422 idempotency_key_reused`, which is safe, and are never replayed
//! wrongly.

/// Deeper nesting is not treated as JSON (the body is hashed as raw bytes),
/// so a hostile body cannot exhaust the stack. Same limit as serde_json's.
const DEPTH_MAX: usize = 128;

/// The canonical form of `body`, or `None` if it is not one JSON text.
pub(crate) fn canonical_json(body: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(body).ok()?;
    let mut reader = Reader { text, pos: 0 };
    reader.skip_whitespace();
    let value = reader.value(0)?;
    reader.skip_whitespace();
    if reader.pos != text.len() {
        return None;
    }
    let mut out = String::with_capacity(body.len());
    value.write(&mut out);
    Some(out.into_bytes())
}

/// A parsed JSON value; numbers and literals borrow their text verbatim.
enum Json<'a> {
    Verbatim(&'a str),
    String(String),
    Array(Vec<Json<'a>>),
    Object(Vec<(String, Json<'a>)>),
}

impl Json<'_> {
    fn write(&self, out: &mut String) {
        match self {
            Json::Verbatim(text) => out.push_str(text),
            Json::String(s) => write_string(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(key, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Escapes only what JSON requires (`"`, `\` and control characters), each
/// one fixed way (the same way serde_json writes them), so equal strings
/// always come out byte-identical.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let matched = self.peek() == Some(byte);
        if matched {
            self.pos += 1;
        }
        matched
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Json<'a>> {
        match self.peek()? {
            b'{' if depth < DEPTH_MAX => self.object(depth + 1),
            b'[' if depth < DEPTH_MAX => self.array(depth + 1),
            b'"' => self.string().map(Json::String),
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            b'n' => self.literal("null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn object(&mut self, depth: usize) -> Option<Json<'a>> {
        if !self.eat(b'{') {
            return None;
        }
        let mut members = Vec::new();
        self.skip_whitespace();
        if !self.eat(b'}') {
            loop {
                self.skip_whitespace();
                let key = self.string()?;
                self.skip_whitespace();
                if !self.eat(b':') {
                    return None;
                }
                self.skip_whitespace();
                let value = self.value(depth)?;
                members.push((key, value));
                self.skip_whitespace();
                if self.eat(b'}') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        // Stable, so duplicate keys keep their order and `{"a":1,"a":2}`
        // stays different from `{"a":2,"a":1}`.
        members.sort_by(|a, b| a.0.cmp(&b.0));
        Some(Json::Object(members))
    }

    fn array(&mut self, depth: usize) -> Option<Json<'a>> {
        if !self.eat(b'[') {
            return None;
        }
        let mut items = Vec::new();
        self.skip_whitespace();
        if !self.eat(b']') {
            loop {
                self.skip_whitespace();
                items.push(self.value(depth)?);
                self.skip_whitespace();
                if self.eat(b']') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        Some(Json::Array(items))
    }

    /// A string token, decoded. serde_json does the decoding so escapes,
    /// surrogate pairs and refused control characters follow the RFC exactly.
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        if !self.eat(b'"') {
            return None;
        }
        loop {
            match self.peek()? {
                b'"' => break,
                // Skips the escaped byte so `\"` does not end the token;
                // serde_json checks the escape itself.
                b'\\' => self.pos += 2,
                _ => self.pos += 1,
            }
        }
        self.pos += 1; // closing '"'
        let token = self.text.get(start..self.pos)?;
        serde_json::from_str::<String>(token).ok()
    }

    fn literal(&mut self, word: &'static str) -> Option<Json<'a>> {
        let rest = self.text.get(self.pos..)?;
        if !rest.starts_with(word) {
            return None;
        }
        self.pos += word.len();
        Some(Json::Verbatim(word))
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept verbatim.
    fn number(&mut self) -> Option<Json<'a>> {
        let start = self.pos;
        self.eat(b'-');
        if !self.eat(b'0') {
            if !matches!(self.peek(), Some(b'1'..=b'9')) {
                return None;
            }
            self.digits();
        }
        if self.eat(b'.') && self.digits() == 0 {
            return None;
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return None;
            }
        }
        self.text.get(start..self.pos).map(Json::Verbatim)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }
}

#[cfg(test)]
mod tests;
