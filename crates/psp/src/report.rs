//! Reading the transaction report (`GET /v1/reports/transactions`) line by
//! line: a line that is not a [`ReportItem`] (a field missing, a wrong type)
//! is kept as an [`UnreadableLine`] instead of failing the whole report.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::event::ReportItem;

/// A report as fetched: the lines that parsed, and those that did not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// Lines read as transactions, in the PSP's order.
    pub items: Vec<ReportItem>,
    /// Lines that could not be read, in the PSP's order.
    pub unreadable: Vec<UnreadableLine>,
}

/// A report line that could not be read as a [`ReportItem`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableLine {
    /// The line exactly as the PSP sent it.
    pub raw: Value,
    /// Why it could not be read.
    pub error: String,
}

impl UnreadableLine {
    /// The line's `reference`, when it carries one as a string.
    pub fn reference(&self) -> Option<&str> {
        self.field("reference")
    }

    /// The line's `type` (`deposit`/`payout` on a well-formed line), when it is a string.
    pub fn transaction_type(&self) -> Option<&str> {
        self.field("type")
    }

    /// The line's `currency`, when it is a string.
    pub fn currency(&self) -> Option<&str> {
        self.field("currency")
    }

    fn field(&self, name: &str) -> Option<&str> {
        self.raw.get(name).and_then(Value::as_str)
    }
}

/// Body of the report with its lines left unparsed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RawReport {
    /// The lines.
    pub items: Vec<Value>,
}

impl Report {
    /// Reads each line on its own.
    pub fn from_lines(lines: impl IntoIterator<Item = Value>) -> Self {
        let mut report = Self::default();
        for raw in lines {
            match ReportItem::deserialize(&raw) {
                Ok(item) => report.items.push(item),
                Err(e) => report.unreadable.push(UnreadableLine {
                    raw,
                    error: e.to_string(),
                }),
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_malformed_line_is_kept_and_the_others_read() {
        let good = json!({"type": "deposit", "reference": "d1", "id": "p1", "amount": "1.00",
            "currency": "EUR", "status": "succeeded", "updated_at": "2026-01-01T00:00:00Z"});
        let no_amount = json!({"type": "payout", "reference": "a1", "id": "p2",
            "currency": "EUR", "status": "failed", "updated_at": "2026-01-01T00:00:00Z"});
        let report = Report::from_lines([good, no_amount.clone(), json!("junk")]);
        assert_eq!(report.items.len(), 1);
        assert_eq!(report.items[0].reference, "d1");
        assert_eq!(report.unreadable.len(), 2);
        let first = &report.unreadable[0];
        assert_eq!(first.raw, no_amount);
        assert!(first.error.contains("amount"), "{}", first.error);
        assert_eq!(first.reference(), Some("a1"));
        assert_eq!(first.transaction_type(), Some("payout"));
        assert_eq!(first.currency(), Some("EUR"));
        assert_eq!(report.unreadable[1].reference(), None);
    }

    #[tokio::test]
    async fn the_in_process_mock_serves_injected_lines_as_they_are() {
        use crate::provider::PaymentProvider;
        use chrono::{TimeDelta, Utc};
        let psp = crate::mock::MockPsp::new(crate::mock::MockConfig::default());
        let now = Utc::now();
        let line = |at: chrono::DateTime<Utc>| json!({"type": "deposit", "reference": "d9", "updated_at": at});
        psp.inject_report_line(line(now));
        psp.inject_report_line(line(now - TimeDelta::days(2)));
        psp.inject_report_line(json!({"reference": "no_time"}));
        let report =
            PaymentProvider::report(&psp, now - TimeDelta::hours(1), now + TimeDelta::hours(1))
                .await
                .unwrap_or_else(|e| panic!("report: {e}"));
        assert!(report.items.is_empty());
        let raw: Vec<&Value> = report.unreadable.iter().map(|l| &l.raw).collect();
        assert_eq!(raw, vec![&line(now), &json!({"reference": "no_time"})]);
    }
}
