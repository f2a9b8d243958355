//! The head of each audit hash chain (one per tenant, one for the platform).

use sea_orm::entity::prelude::*;

/// A row of `audit_chain_heads`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_chain_heads")]
pub struct Model {
    /// `platform` or a tenant id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub chain_id: String,
    /// Sequence number of the last event.
    pub last_seq: i64,
    /// Hash of the last event.
    pub last_hash: String,
    /// The chain's tenant (`None`: the platform chain).
    pub tenant_id: Option<Uuid>,
}

/// `audit_chain_heads` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
