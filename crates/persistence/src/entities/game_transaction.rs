//! A provider's game transaction (bet, win, rollback or tombstone): the
//! dedupe of its calls, unique on (tenant, provider, transaction id).

use sea_orm::entity::prelude::*;

/// A row of `game_transactions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "game_transactions")]
pub struct Model {
    /// Kasa's id of it (`kasa_transaction_id`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Owning tenant.
    pub tenant_id: Uuid,
    /// The provider slug.
    pub provider: String,
    /// The provider's transaction id.
    pub transaction_id: String,
    /// `bet`, `win` or `rollback` (`games::GameTxKind`).
    pub kind: String,
    /// The player.
    pub player_id: Uuid,
    /// The provider's round id.
    pub round_id: String,
    /// The game code.
    pub game: String,
    /// Amount in minor units (see `games::StoredTransaction::amount`).
    pub amount_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// The first call's body (`games::BodyFingerprint`).
    pub fingerprint: String,
    /// The status it was answered (`games::GameStatus`).
    pub status: String,
    /// Where it is in its life (`games::GameTxState`).
    pub state: String,
    /// A rollback's reference transaction id.
    pub reference_transaction_id: Option<String>,
    /// When it arrived.
    pub created_at: DateTimeUtc,
    /// When its state last changed.
    pub updated_at: DateTimeUtc,
}

/// `game_transactions` has no relations that Kasa navigates through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
