//! Bounds on the PSP strings Kasa stores.
//!
//! Kasa keeps a PSP's failure code in 64 characters and its transaction id
//! (`provider_ref`) in 128. A PSP may send longer ones; a database that
//! enforces the column size (PostgreSQL) would then refuse the write and leave
//! the operation stuck. Every value of the protocol types is therefore cut to
//! its bound where it enters Kasa: when a PSP answer or webhook is parsed, and
//! in the in-process mock's answers. The raw webhook body stays whole in the
//! inbox.

use serde::{Deserialize, Deserializer};

/// Longest failure code (`failure_code`, a decline's `error.code`) Kasa keeps.
pub const FAILURE_CODE_MAX_CHARS: usize = 64;
/// Longest PSP transaction id (`provider_ref`) Kasa keeps.
pub const PROVIDER_REF_MAX_CHARS: usize = 128;

/// `s` cut to at most `max` characters, never inside a character.
pub fn truncate(mut s: String, max: usize) -> String {
    if let Some((at, _)) = s.char_indices().nth(max) {
        s.truncate(at);
    }
    s
}

/// A failure code cut to [`FAILURE_CODE_MAX_CHARS`].
pub fn failure_code(code: String) -> String {
    truncate(code, FAILURE_CODE_MAX_CHARS)
}

/// A PSP transaction id cut to [`PROVIDER_REF_MAX_CHARS`].
pub fn provider_ref(id: String) -> String {
    truncate(id, PROVIDER_REF_MAX_CHARS)
}

/// Deserializes a failure code, cut to its bound.
pub(crate) fn de_failure_code<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    String::deserialize(d).map(failure_code)
}

/// Deserializes an optional failure code, cut to its bound.
pub(crate) fn de_failure_code_opt<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d).map(|code| code.map(failure_code))
}

/// Deserializes a PSP transaction id, cut to its bound.
pub(crate) fn de_provider_ref<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    String::deserialize(d).map(provider_ref)
}

/// Deserializes an optional PSP transaction id, cut to its bound.
pub(crate) fn de_provider_ref_opt<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d).map(|id| id.map(provider_ref))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{ErrorBody, PspTransaction, WebhookEvent};
    use serde_json::json;

    #[test]
    fn truncation_counts_characters_not_bytes() {
        assert_eq!(truncate("é".repeat(70), 64), "é".repeat(64));
        assert_eq!(truncate("short".into(), 64), "short");
        assert_eq!(truncate("x".repeat(64), 64).len(), 64);
        assert_eq!(truncate(String::new(), 0), "");
    }

    #[test]
    fn parsed_answers_and_events_are_bounded() {
        let long_code = "c".repeat(300);
        let long_ref = "r".repeat(300);
        let tx: PspTransaction = serde_json::from_value(json!({
            "id": long_ref, "reference": "r1", "status": "failed", "failure_code": long_code
        }))
        .unwrap_or_else(|e| panic!("parse: {e}"));
        assert_eq!(tx.id.chars().count(), PROVIDER_REF_MAX_CHARS);
        assert_eq!(
            tx.failure_code.map(|c| c.chars().count()),
            Some(FAILURE_CODE_MAX_CHARS)
        );
        let event: WebhookEvent = serde_json::from_value(json!({
            "id": "evt_1", "type": "payout.failed", "created": 1,
            "data": {"reference": "a1", "provider_ref": long_ref, "amount": "1.00",
                     "currency": "EUR", "failure_code": long_code}
        }))
        .unwrap_or_else(|e| panic!("parse: {e}"));
        assert_eq!(
            event.data.provider_ref.map(|r| r.chars().count()),
            Some(PROVIDER_REF_MAX_CHARS)
        );
        assert_eq!(
            event.data.failure_code.map(|c| c.chars().count()),
            Some(FAILURE_CODE_MAX_CHARS)
        );
        let body: ErrorBody = serde_json::from_value(json!({"error": {"code": long_code}}))
            .unwrap_or_else(|e| panic!("parse: {e}"));
        assert_eq!(body.error.code.chars().count(), FAILURE_CODE_MAX_CHARS);
    }

    #[test]
    fn optional_fields_may_still_be_missing() {
        let event: Result<WebhookEvent, _> = serde_json::from_value(json!({
            "id": "evt_1", "type": "deposit.succeeded", "created": 1,
            "data": {"reference": "d1", "amount": "1.00", "currency": "EUR"}
        }));
        let event = event.unwrap_or_else(|e| panic!("parse: {e}"));
        assert_eq!(event.data.provider_ref, None);
        assert_eq!(event.data.failure_code, None);
    }
}
