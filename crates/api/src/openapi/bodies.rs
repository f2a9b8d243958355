//! Schemas of the bodies that handlers build as JSON objects (tenants, users,
//! registration, verification reports, audit events, reconciliation runs,
//! webhooks, health). They document the wire shape only; schemathesis in CI
//! checks the live answers against them.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::enums;

/// `201` of `POST /admin/tenants`.
#[derive(Serialize, ToSchema)]
pub struct TenantView {
    /// Tenant id.
    pub id: Uuid,
    /// URL-safe unique name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Creation time.
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// `201` of `POST /admin/users`.
#[derive(Serialize, ToSchema)]
pub struct AdminUserView {
    /// User id.
    pub id: Uuid,
    /// Login email.
    pub email: String,
    /// Role.
    #[schema(value_type = enums::Role)]
    pub role: String,
    /// Tenant, `null` for platform admins.
    #[schema(required = true)]
    pub tenant_id: Option<Uuid>,
    /// Creation time.
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// `201` of `POST /auth/player/register`.
#[derive(Serialize, ToSchema)]
pub struct RegisteredPlayerView {
    /// The new player's id.
    pub player_id: Uuid,
    /// Slug of the tenant.
    pub tenant: String,
    /// Login email (lower case).
    pub email: String,
    /// ISO 4217 code of the wallet.
    #[schema(value_type = enums::Currency, example = "EUR")]
    pub currency: String,
}

/// One broken ledger invariant.
#[derive(Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LedgerMismatch {
    /// A wallet projection differs from its postings.
    Wallet {
        /// The wallet's player.
        player_id: Uuid,
        /// `available` or `held`.
        #[schema(value_type = BalanceName)]
        balance: String,
        /// What the wallet row says, in minor units.
        projection_minor: i64,
        /// What the postings add up to, in minor units.
        ledger_minor: i64,
    },
    /// A transaction whose postings do not sum to zero in one currency.
    UnbalancedTransaction {
        /// The transaction.
        transaction_id: Uuid,
        /// The currency that does not balance.
        currency: String,
        /// The non-zero sum, in minor units.
        sum_minor: i64,
    },
}

/// Which balance of a wallet.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BalanceName {
    /// Spendable.
    Available,
    /// Reserved by withdrawals.
    Held,
}

/// `200` of `POST /admin/ledger/verify`.
#[derive(Serialize, ToSchema)]
pub struct LedgerReport {
    /// True when nothing is broken.
    pub ok: bool,
    /// How many wallets were compared.
    pub wallets_checked: u64,
    /// Everything broken.
    pub mismatches: Vec<LedgerMismatch>,
}

/// Where an audit chain breaks.
#[derive(Serialize, ToSchema)]
pub struct BrokenLink {
    /// The chain.
    pub chain_id: String,
    /// Sequence number of the first bad event (or the missing one).
    pub seq: i64,
    /// Its id, when the event exists.
    #[schema(required = true)]
    pub event_id: Option<Uuid>,
    /// What is wrong.
    pub reason: String,
}

/// `200` of `GET /admin/audit-events/verify`.
#[derive(Serialize, ToSchema)]
pub struct AuditReport {
    /// True when every chain verifies.
    pub ok: bool,
    /// Events checked.
    pub count: u64,
    /// The first broken link, `null` when none.
    #[schema(required = true)]
    pub broken: Option<BrokenLink>,
}

/// One audit event.
#[derive(Serialize, ToSchema)]
pub struct AuditEventView {
    /// Event id.
    pub id: Uuid,
    /// Hash chain it belongs to.
    pub chain: String,
    /// Position in its chain.
    pub seq: i64,
    /// Tenant, `null` for platform events.
    #[schema(required = true)]
    pub tenant_id: Option<Uuid>,
    /// Who acted (`admin:<id>`, `player:<id>`, `system:<job>`, ...).
    pub actor: String,
    /// The actor's role.
    pub role: String,
    /// What was done (`withdrawal.approve`, ...).
    pub action: String,
    /// Kind of the target.
    pub target_type: String,
    /// Id of the target.
    pub target_id: String,
    /// The target before, if recorded.
    #[schema(required = true, value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The target after, if recorded.
    #[schema(required = true, value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    /// Request that caused it.
    pub request_id: String,
    /// When it was recorded.
    #[schema(required = true, format = DateTime)]
    pub created_at: Option<String>,
    /// Hash of the previous event of the chain.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

/// A page of audit events.
#[derive(Serialize, ToSchema)]
pub struct AuditEventPage {
    /// Items, newest first.
    pub items: Vec<AuditEventView>,
    /// Cursor of the next page, `null` on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Counters of a reconciliation run.
#[derive(Serialize, ToSchema)]
pub struct RunStats {
    /// Records that agree.
    pub matched: i64,
    /// Records whose status, amount or currency differ.
    pub mismatched: i64,
    /// Kasa records the PSP did not report.
    pub missing_in_psp: i64,
    /// PSP records Kasa does not have.
    pub missing_in_kasa: i64,
    /// Wallets that differ from their ledger.
    pub wallet_mismatches: i64,
    /// Currencies whose clearing movement differs.
    pub clearing_mismatches: i64,
    /// Report lines that could not be read.
    pub unreadable: i64,
}

/// A reconciliation run (`202` of the create, items of the list).
#[derive(Serialize, ToSchema)]
pub struct ReconciliationRunView {
    /// Run id.
    pub id: Uuid,
    /// Status of the run.
    #[schema(value_type = enums::RunStatus)]
    pub status: String,
    /// PSP name.
    pub provider: String,
    /// Start of the window.
    #[schema(format = DateTime)]
    pub from: String,
    /// End of the window.
    #[schema(format = DateTime)]
    pub to: String,
    /// Creation time.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// When a worker started it.
    #[schema(required = true, format = DateTime)]
    pub started_at: Option<String>,
    /// When it finished.
    #[schema(required = true, format = DateTime)]
    pub finished_at: Option<String>,
    /// Why it failed.
    #[schema(required = true)]
    pub error: Option<String>,
    /// Counters.
    pub stats: RunStats,
}

/// A page of reconciliation runs.
#[derive(Serialize, ToSchema)]
pub struct ReconciliationRunPage {
    /// Items, newest first.
    pub items: Vec<ReconciliationRunView>,
    /// Cursor of the next page, `null` on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// `GET /admin/reconciliation-runs/{id}`: the run with a page of findings.
#[derive(Serialize, ToSchema)]
pub struct ReconciliationRunDetail {
    /// Run id.
    pub id: Uuid,
    /// Status of the run.
    #[schema(value_type = enums::RunStatus)]
    pub status: String,
    /// PSP name.
    pub provider: String,
    /// Start of the window.
    #[schema(format = DateTime)]
    pub from: String,
    /// End of the window.
    #[schema(format = DateTime)]
    pub to: String,
    /// Creation time.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// When a worker started it.
    #[schema(required = true, format = DateTime)]
    pub started_at: Option<String>,
    /// When it finished.
    #[schema(required = true, format = DateTime)]
    pub finished_at: Option<String>,
    /// Why it failed.
    #[schema(required = true)]
    pub error: Option<String>,
    /// Counters.
    pub stats: RunStats,
    /// A page of findings.
    pub findings: Vec<crate::routes::reconciliation::FindingView>,
    /// Cursor of the next page of findings, `null` on the last.
    #[schema(required = true)]
    pub findings_next_cursor: Option<String>,
}

/// `data` of a webhook event.
#[derive(Serialize, ToSchema)]
pub struct WebhookEventData {
    /// Kasa's id of the deposit or payout attempt.
    pub reference: String,
    /// The PSP's id.
    pub provider_ref: Option<String>,
    /// Decimal amount.
    #[schema(example = "25.00")]
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
    /// The PSP's failure code, on failures.
    pub failure_code: Option<String>,
}

/// A signed PSP event.
#[derive(Serialize, ToSchema)]
pub struct WebhookEvent {
    /// The PSP's event id (deduplication key).
    pub id: String,
    /// Event type.
    #[serde(rename = "type")]
    #[schema(value_type = enums::EventType)]
    pub r#type: String,
    /// Unix time the PSP created it.
    pub created: i64,
    /// The transaction.
    pub data: WebhookEventData,
}

/// `200` of `POST /webhooks/{provider}`.
#[derive(Serialize, ToSchema)]
pub struct WebhookAck {
    /// What Kasa did with the event.
    #[schema(value_type = enums::WebhookOutcome)]
    pub status: String,
}

/// Liveness / readiness answer.
#[derive(Serialize, ToSchema)]
pub struct HealthStatus {
    /// `ok`, `ready` or `unavailable`.
    #[schema(value_type = HealthState)]
    pub status: String,
}

/// Values of [`HealthStatus::status`].
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthState {
    /// The process answers (`/healthz`).
    Ok,
    /// The database answers (`/readyz`).
    Ready,
    /// The database does not answer (`/readyz`).
    Unavailable,
}

/// This OpenAPI 3.1 document.
#[derive(Serialize, ToSchema)]
pub struct OpenApiDocument {
    /// `3.1.0`.
    pub openapi: String,
    /// Title and version.
    #[schema(value_type = Object)]
    pub info: serde_json::Value,
    /// The operations.
    #[schema(value_type = Object)]
    pub paths: serde_json::Value,
    /// Schemas and security schemes.
    #[schema(value_type = Object)]
    pub components: serde_json::Value,
}
