//! Stored results of idempotent requests, keyed by (scope, principal, key).

use sea_orm::entity::prelude::*;

/// A row of `idempotency_records`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_records")]
pub struct Model {
    /// Row id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Tenant of the principal (`platform` for platform admins); the column
    /// is still called `scope` (see migration 000011).
    #[sea_orm(column_name = "scope")]
    pub tenant_id: String,
    /// The authenticated principal (`player:<id>` or `admin:<id>`).
    pub principal: String,
    /// The client-chosen `Idempotency-Key`.
    pub idem_key: String,
    /// Request fingerprint (method, path, canonical body).
    pub fingerprint: String,
    /// `in_flight` or `completed`.
    pub state: String,
    /// Token of the processor that holds the record.
    pub lease_token: Uuid,
    /// When an in-flight lease may be taken over (ms since epoch).
    pub lease_expires_at_ms: i64,
    /// Status of an answer stored before outcomes were (legacy; see `outcome`).
    pub response_status: Option<i32>,
    /// Body of an answer stored before outcomes were (legacy; see `outcome`).
    pub response_body: Option<String>,
    /// The versioned, serialized outcome of a completed request
    /// (`persistence::outcome`).
    pub outcome: Option<String>,
    /// The resource (deposit, payout attempt) the in-flight request created;
    /// a takeover resumes it instead of creating another.
    pub resource_id: Option<Uuid>,
    /// Creation time (records are purged after the retention period).
    pub created_at: DateTimeUtc,
}

/// `idempotency_records` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
