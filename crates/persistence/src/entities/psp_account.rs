//! A tenant's account at a payment provider, its secrets sealed.

use sea_orm::entity::prelude::*;

/// A row of `psp_accounts`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "psp_accounts")]
pub struct Model {
    /// Its id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Owning tenant.
    pub tenant_id: Uuid,
    /// Slug, unique per tenant (names the account in `provider` fields).
    pub slug: String,
    /// Protocol: `mock` or `stripe`.
    pub kind: String,
    /// Where its API is.
    pub base_url: String,
    /// Sealed API key (Stripe).
    pub api_key_sealed: Option<String>,
    /// Sealed webhook signing secret.
    pub webhook_secret_sealed: String,
    /// Sealed previous webhook secret, during a rotation's overlap.
    pub previous_webhook_secret_sealed: Option<String>,
    /// Until when the previous secret is accepted.
    pub previous_valid_until: Option<DateTimeUtc>,
    /// Creation time.
    pub created_at: DateTimeUtc,
    /// Last rotation of the webhook secret.
    pub rotated_at: Option<DateTimeUtc>,
}

/// `psp_accounts` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
