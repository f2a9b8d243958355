//! Reading the transaction report (`GET /v1/reports/transactions`) line by
//! line: a line that is not a [`ReportItem`] (a field missing, a wrong type)
//! is kept as an [`UnreadableLine`] instead of failing the whole report. So is
//! a line whose amount is no plain decimal or whose currency is no 3-letter code.

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
            let item = ReportItem::deserialize(&raw)
                .map_err(|e| e.to_string())
                .and_then(checked);
            match item {
                Ok(item) => report.items.push(item),
                Err(error) => report.unreadable.push(UnreadableLine { raw, error }),
            }
        }
        report
    }
}

/// The item, if its amount and currency have the protocol's shape.
fn checked(item: ReportItem) -> Result<ReportItem, String> {
    if !is_plain_decimal(&item.amount) {
        return Err(format!("amount {:?} is not a decimal string", item.amount));
    }
    if item.currency.len() != 3 || !item.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!(
            "currency {:?} is not an ISO 4217 code",
            item.currency
        ));
    }
    Ok(item)
}

/// `123` or `123.45`: no sign, exponent or thousands separator.
pub(crate) fn is_plain_decimal(amount: &str) -> bool {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
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
        let mut bad_amount = good.clone();
        bad_amount["amount"] = json!("1,5");
        let mut bad_currency = good.clone();
        bad_currency["currency"] = json!("euro");
        let report = Report::from_lines([
            good,
            no_amount.clone(),
            json!("junk"),
            bad_amount.clone(),
            bad_currency,
        ]);
        assert_eq!(report.items.len(), 1);
        assert_eq!(report.items[0].reference, "d1");
        assert_eq!(report.unreadable.len(), 4);
        assert_eq!(report.unreadable[2].raw, bad_amount, "kept as sent");
        assert!(report.unreadable[2].error.contains("1,5"));
        assert!(report.unreadable[3].error.contains("euro"));
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
