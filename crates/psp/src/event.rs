//! Wire types of the PSP protocol: the webhook event and the request/response bodies.
//!
//! Amounts are decimal strings (`"10.00"`) everywhere so that no float ever
//! touches money; the ledger parses them.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::bounds;

/// A webhook event, as POSTed by the PSP to `<kasa>/api/v1/webhooks/<provider>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// Event id (`evt_…`), unique per event; a redelivery repeats it.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub r#type: EventType,
    /// When the event was created, unix seconds.
    pub created: i64,
    /// The transaction the event is about.
    pub data: EventData,
}

/// The transaction a [`WebhookEvent`] is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventData {
    /// Kasa's id: the deposit id, or the payout attempt id.
    pub reference: String,
    /// The PSP's id of the transaction (cut to [`bounds::PROVIDER_REF_MAX_CHARS`] when parsed).
    #[serde(default, deserialize_with = "bounds::de_provider_ref_opt")]
    pub provider_ref: Option<String>,
    /// Decimal string, e.g. `"10.00"`.
    pub amount: String,
    /// ISO 4217 code, e.g. `"EUR"`.
    pub currency: String,
    /// Why it failed, for `*.failed` events (cut to [`bounds::FAILURE_CODE_MAX_CHARS`] when parsed).
    #[serde(default, deserialize_with = "bounds::de_failure_code_opt")]
    pub failure_code: Option<String>,
}

/// Kind of a [`WebhookEvent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventType {
    /// The deposit was paid.
    #[serde(rename = "deposit.succeeded")]
    DepositSucceeded,
    /// The deposit will not be paid.
    #[serde(rename = "deposit.failed")]
    DepositFailed,
    /// The payout reached the player.
    #[serde(rename = "payout.succeeded")]
    PayoutSucceeded,
    /// The payout did not go out.
    #[serde(rename = "payout.failed")]
    PayoutFailed,
    /// A succeeded payout came back (e.g. the destination account was closed).
    #[serde(rename = "payout.reversed")]
    PayoutReversed,
}

impl EventType {
    /// Every kind, in declaration order.
    pub const ALL: [EventType; 5] = [
        Self::DepositSucceeded,
        Self::DepositFailed,
        Self::PayoutSucceeded,
        Self::PayoutFailed,
        Self::PayoutReversed,
    ];

    /// The wire name, e.g. `"deposit.succeeded"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DepositSucceeded => "deposit.succeeded",
            Self::DepositFailed => "deposit.failed",
            Self::PayoutSucceeded => "payout.succeeded",
            Self::PayoutFailed => "payout.failed",
            Self::PayoutReversed => "payout.reversed",
        }
    }

    /// Which kind of transaction the event is about.
    pub fn transaction_type(self) -> TransactionType {
        match self {
            Self::DepositSucceeded | Self::DepositFailed => TransactionType::Deposit,
            Self::PayoutSucceeded | Self::PayoutFailed | Self::PayoutReversed => {
                TransactionType::Payout
            }
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Body of `POST /v1/deposits`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositRequest {
    /// Kasa's deposit id.
    pub reference: String,
    /// Decimal string.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
}

/// Body of `POST /v1/payouts` (sent with an `Idempotency-Key` header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutRequest {
    /// Kasa's payout attempt id.
    pub reference: String,
    /// Decimal string.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Where the money goes; opaque to the protocol.
    pub destination: serde_json::Value,
}

/// A deposit or payout as the PSP reports it (create and `GET` answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PspTransaction {
    /// The PSP's id (Kasa's `provider_ref`; cut to [`bounds::PROVIDER_REF_MAX_CHARS`] when parsed).
    #[serde(deserialize_with = "bounds::de_provider_ref")]
    pub id: String,
    /// Kasa's id.
    pub reference: String,
    /// Where the transaction stands.
    pub status: PspStatus,
    /// Why it failed, when it did (cut to [`bounds::FAILURE_CODE_MAX_CHARS`] when parsed).
    #[serde(default, deserialize_with = "bounds::de_failure_code_opt")]
    pub failure_code: Option<String>,
}

impl PspTransaction {
    /// This transaction with its id and failure code cut to their bounds, as
    /// parsing would leave them (for answers that were never serialized).
    pub fn bounded(self) -> Self {
        Self {
            id: bounds::provider_ref(self.id),
            failure_code: self.failure_code.map(bounds::failure_code),
            ..self
        }
    }
}

/// Status of a [`PspTransaction`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PspStatus {
    /// Accepted, outcome not yet known.
    Pending,
    /// Done.
    Succeeded,
    /// Will not happen.
    Failed,
}

/// Deposit or payout, in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransactionType {
    /// Money in.
    Deposit,
    /// Money out.
    Payout,
}

/// Status of a transaction in the report: a payout can also be reversed after it
/// succeeded, which `GET` does not show (there it stays `succeeded`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportStatus {
    /// Accepted, outcome not yet known.
    Pending,
    /// Done.
    Succeeded,
    /// Will not happen.
    Failed,
    /// A succeeded payout that came back.
    Reversed,
}

impl From<PspStatus> for ReportStatus {
    fn from(status: PspStatus) -> Self {
        match status {
            PspStatus::Pending => Self::Pending,
            PspStatus::Succeeded => Self::Succeeded,
            PspStatus::Failed => Self::Failed,
        }
    }
}

/// One line of `GET /v1/reports/transactions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportItem {
    /// Deposit or payout.
    #[serde(rename = "type")]
    pub r#type: TransactionType,
    /// Kasa's id.
    pub reference: String,
    /// The PSP's id.
    pub id: String,
    /// Decimal string.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
    /// Where the transaction stands.
    pub status: ReportStatus,
    /// Last change at the PSP; the report window filters on it.
    pub updated_at: DateTime<Utc>,
}

/// Body of `GET /v1/reports/transactions`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TransactionReport {
    /// The transactions in the window.
    pub items: Vec<ReportItem>,
}

/// Body of a protocol error answer: `{"error": {"code": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The `error` object of an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Machine-readable code, e.g. `"declined"` (cut to [`bounds::FAILURE_CODE_MAX_CHARS`] when parsed).
    #[serde(deserialize_with = "bounds::de_failure_code")]
    pub code: String,
}

impl ErrorBody {
    /// An error body with `code`.
    pub fn new(code: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail { code: code.into() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn webhook_event_matches_the_wire_format() {
        let wire = json!({
            "id": "evt_1",
            "type": "deposit.succeeded",
            "created": 1_700_000_000,
            "data": {
                "reference": "dep_1",
                "provider_ref": "psp_1",
                "amount": "10.00",
                "currency": "EUR",
                "failure_code": null
            }
        });
        let event: WebhookEvent = match serde_json::from_value(wire.clone()) {
            Ok(event) => event,
            Err(e) => panic!("parse: {e}"),
        };
        assert_eq!(event.r#type, EventType::DepositSucceeded);
        assert_eq!(event.data.amount, "10.00");
        assert_eq!(event.data.provider_ref.as_deref(), Some("psp_1"));
        assert_eq!(serde_json::to_value(&event).ok(), Some(wire));
    }

    #[test]
    fn event_type_names_round_trip() {
        for t in [
            EventType::DepositSucceeded,
            EventType::DepositFailed,
            EventType::PayoutSucceeded,
            EventType::PayoutFailed,
            EventType::PayoutReversed,
        ] {
            assert_eq!(
                serde_json::to_value(t).ok(),
                Some(serde_json::Value::String(t.as_str().to_owned()))
            );
            assert_eq!(t.to_string(), t.as_str());
            let back: Result<EventType, _> = serde_json::from_str(&format!("\"{t}\""));
            assert_eq!(back.ok(), Some(t));
        }
        assert!(serde_json::from_str::<EventType>("\"deposit.pending\"").is_err());
    }

    #[test]
    fn event_types_know_their_transaction_type() {
        assert_eq!(
            EventType::DepositFailed.transaction_type(),
            TransactionType::Deposit
        );
        assert_eq!(
            EventType::PayoutReversed.transaction_type(),
            TransactionType::Payout
        );
    }

    #[test]
    fn transaction_without_failure_code_field_parses() {
        let tx: Result<PspTransaction, _> =
            serde_json::from_str(r#"{"id":"p1","reference":"r1","status":"pending"}"#);
        assert_eq!(
            tx.ok(),
            Some(PspTransaction {
                id: "p1".into(),
                reference: "r1".into(),
                status: PspStatus::Pending,
                failure_code: None,
            })
        );
    }

    #[test]
    fn report_item_uses_lowercase_type_and_status() {
        let item = ReportItem {
            r#type: TransactionType::Payout,
            reference: "att_1".into(),
            id: "psp_9".into(),
            amount: "5.50".into(),
            currency: "EUR".into(),
            status: ReportStatus::Reversed,
            updated_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
        };
        let value = serde_json::to_value(&item).ok();
        assert_eq!(
            value,
            Some(json!({
                "type": "payout",
                "reference": "att_1",
                "id": "psp_9",
                "amount": "5.50",
                "currency": "EUR",
                "status": "reversed",
                "updated_at": "2023-11-14T22:13:20Z"
            }))
        );
    }

    #[test]
    fn error_body_shape() {
        assert_eq!(
            serde_json::to_value(ErrorBody::new("declined")).ok(),
            Some(json!({"error": {"code": "declined"}}))
        );
    }
}
