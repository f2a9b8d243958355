//! A game-wallet answer as Kasa sent it, read into the fields the checks use.

use serde_json::Value;

/// Characters of an unexpected body kept for a message.
const EXCERPT: usize = 300;

/// One answer of `POST /game-wallet/{tenant}/{provider}/{action}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub http: u16,
    /// `status` of a 200 answer (`ok`, `insufficient_funds`, …).
    pub status: Option<String>,
    /// `balance`: the player's available after the call, when the player is known.
    pub balance: Option<String>,
    /// `currency` of the balance.
    pub currency: Option<String>,
    /// `kasa_transaction_id` of a bet or win.
    pub kasa_transaction_id: Option<String>,
    /// `code` of a problem answer (`invalid_signature`, `validation_failed`, …).
    pub code: Option<String>,
    /// The start of the body, for messages.
    pub excerpt: String,
}

impl Answer {
    /// Reads an answer from its status and body. A body that is not JSON leaves
    /// every field empty (the checks then say what was missing).
    pub fn read(http: u16, body: &[u8]) -> Self {
        let text = String::from_utf8_lossy(body);
        let excerpt: String = text.chars().take(EXCERPT).collect();
        let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let field = |name: &str| json.get(name).and_then(Value::as_str).map(str::to_owned);
        Self {
            http,
            status: field("status"),
            balance: field("balance"),
            currency: field("currency"),
            kasa_transaction_id: field("kasa_transaction_id"),
            code: field("code"),
            excerpt,
        }
    }

    /// `ok`, `insufficient_funds`, `HTTP 401 invalid_signature`: what the answer
    /// says, in one word or three.
    pub fn verdict(&self) -> String {
        match (&self.status, &self.code) {
            (Some(status), _) if self.http == 200 => status.clone(),
            (_, Some(code)) => format!("HTTP {} {code}", self.http),
            _ => format!("HTTP {}", self.http),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_wallet_answer() {
        let body = br#"{"status":"ok","balance":"24.00","currency":"EUR","transaction_id":"t1","kasa_transaction_id":"k1"}"#;
        let answer = Answer::read(200, body);
        assert_eq!(answer.status.as_deref(), Some("ok"));
        assert_eq!(answer.balance.as_deref(), Some("24.00"));
        assert_eq!(answer.currency.as_deref(), Some("EUR"));
        assert_eq!(answer.kasa_transaction_id.as_deref(), Some("k1"));
        assert_eq!(answer.code, None);
        assert_eq!(answer.verdict(), "ok");
    }

    #[test]
    fn reads_a_problem_and_garbage() {
        let body = br#"{"type":"about:blank","status":401,"code":"invalid_signature"}"#;
        let answer = Answer::read(401, body);
        assert_eq!(answer.code.as_deref(), Some("invalid_signature"));
        assert_eq!(
            answer.status, None,
            "a numeric status is not a wallet status"
        );
        assert_eq!(answer.verdict(), "HTTP 401 invalid_signature");

        let garbage = Answer::read(502, b"<html>bad gateway</html>");
        assert_eq!(garbage.verdict(), "HTTP 502");
        assert_eq!(garbage.excerpt, "<html>bad gateway</html>");
    }
}
