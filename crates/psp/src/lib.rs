//! The boundary between Kasa and a payment service provider (PSP).
//!
//! * [`account`]: a tenant's provider account, as the rules see it (pure).
//! * [`signature`]: signing and verifying webhook bodies (`Kasa-Signature`).
//! * [`event`]: the webhook event and the protocol's request/response types.
//! * [`bounds`]: the sizes PSP strings are cut to where they enter Kasa.
//! * [`report`]: the transaction report, read line by line.
//! * [`PaymentProvider`]: what Kasa needs from a PSP, with [`PspError`] saying
//!   whether an outcome is known.
//! * [`client::HttpProvider`]: the provider speaking the PSP protocol over HTTP.
//! * [`mock::MockPsp`]: a scriptable PSP, used in-process and by the `mock-psp` server.

pub mod account;
pub mod bounds;
pub mod client;
pub mod error;
pub mod event;
pub mod mock;
pub mod provider;
pub mod report;
pub mod signature;

pub use client::HttpProvider;
pub use error::PspError;
pub use event::{
    DepositRequest, ErrorBody, ErrorDetail, EventData, EventType, PayoutRequest, PspStatus,
    PspTransaction, ReportItem, ReportStatus, TransactionReport, TransactionType, WebhookEvent,
};
pub use mock::{MockConfig, MockPsp};
pub use provider::PaymentProvider;
pub use report::{Report, UnreadableLine};
