//! Append-only audit events; each stores the previous hash and its own.

use sea_orm::entity::prelude::*;

/// A row of `audit_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    /// Event id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The chain (`platform` or a tenant id).
    pub chain_id: String,
    /// Position in the chain, from 1.
    pub seq: i64,
    /// Tenant concerned, if any.
    pub tenant_id: Option<Uuid>,
    /// `admin:<id>`, `player:<id>`, or `login:<email>` for a failed login.
    pub actor: String,
    /// Role of the actor (`player` for players).
    pub role: String,
    /// What was done (`withdrawal.approve`, ...).
    pub action: String,
    /// Kind of the target (`withdrawal`, ...).
    pub target_type: String,
    /// Id of the target.
    pub target_id: String,
    /// State before, JSON.
    pub before: Option<String>,
    /// State after, JSON.
    pub after: Option<String>,
    /// The request that caused it.
    pub request_id: String,
    /// Time, microseconds since the epoch (exact on every backend, so the hash is stable).
    pub created_at: i64,
    /// Hash of the previous event of the chain (64 zeros for the first).
    pub prev_hash: String,
    /// SHA-256 over the canonical encoding of this event and `prev_hash`.
    pub hash: String,
    /// Which canonical encoding `hash` covers (1: without the event id, 2: with it).
    pub hash_version: i16,
}

/// `audit_events` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
