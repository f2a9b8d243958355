//! PSP events that contradicted Kasa's records; they move no money and wait for a human.

use sea_orm::entity::prelude::*;

/// A row of `anomalies`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "anomalies")]
pub struct Model {
    /// Anomaly id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Tenant of the referenced record, when known.
    pub tenant_id: Option<Uuid>,
    /// PSP name.
    pub provider: String,
    /// The PSP event id.
    pub event_id: String,
    /// What was wrong (`late_contradicting_event`, `amount_mismatch`, ...).
    pub kind: String,
    /// Type of the referenced record (`deposit`, ...).
    pub reference_type: String,
    /// Id of the referenced record.
    pub reference_id: Option<Uuid>,
    /// Human-readable detail.
    pub detail: String,
    /// Detection time.
    pub created_at: DateTimeUtc,
}

/// `anomalies` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
