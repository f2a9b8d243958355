//! The webhook inbox: each (provider, event id) is processed once, ever.

use sea_orm::entity::prelude::*;

/// A row of `psp_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "psp_events")]
pub struct Model {
    /// Row id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// PSP name.
    pub provider: String,
    /// The PSP event id.
    pub event_id: String,
    /// Event type (`deposit.succeeded`, ...).
    pub event_type: String,
    /// Kasa reference the event names.
    pub reference: String,
    /// The raw event body, kept for investigation.
    pub payload: String,
    /// What processing concluded (`processed`, `duplicate`, `anomaly`).
    pub outcome: String,
    /// Receive time.
    pub received_at: DateTimeUtc,
    /// Tenant of the referenced deposit or attempt (`None` until known).
    pub tenant_id: Option<Uuid>,
}

/// `psp_events` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
