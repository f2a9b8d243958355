//! Players' game sessions: opened for a provider and game, ended by expiry
//! or by the player's revocation. The token is kept only as its digest.

use chrono::{DateTime, Duration, Utc};
use games::{GameCode, ProviderSlug, SessionState};
use ledger::{Currency, PlayerId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::providers::ShownSecret;
use crate::completion::{Completion, complete_optional};
use crate::db::Db;
use crate::entities::game_session;
use crate::error::{StoreError, StoreResult};
use crate::ledger_writer;
use crate::player_protection;
use crate::records::TenantId;

/// A session to open.
#[derive(Debug, Clone)]
pub struct NewGameSession {
    /// The player's tenant.
    pub tenant: TenantId,
    /// The player.
    pub player: PlayerId,
    /// A provider registered for the tenant.
    pub provider: ProviderSlug,
    /// The game to launch.
    pub game: GameCode,
    /// The token handed to the player (only its digest is stored).
    pub token: ShownSecret,
    /// How long it lives.
    pub lifetime: Duration,
}

/// A game session as its player sees it (never its token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GameSession {
    /// Its id.
    pub id: Uuid,
    /// The player.
    pub player: PlayerId,
    /// The provider it was opened for.
    pub provider: ProviderSlug,
    /// The game it was opened for.
    pub game: GameCode,
    /// The wallet's currency.
    pub currency: Currency,
    /// When it ends by itself.
    pub expires_at: DateTime<Utc>,
}

/// A session just opened, with its token (shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedSession {
    /// The session.
    pub session: GameSession,
    /// Its token.
    pub token: ShownSecret,
}

/// SHA-256 (lower-case hex) of a session token: what is stored and looked up.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The session a provider's call names, when its token is known.
#[derive(Debug, Clone)]
pub(crate) struct KnownSession {
    /// The tenant it was opened in.
    pub tenant: TenantId,
    /// The provider it was opened for.
    pub provider: String,
    /// Its player.
    pub player: PlayerId,
    /// Active, or ended (expired or revoked).
    pub state: SessionState,
}

impl KnownSession {
    /// The session of `row`, as of `now`.
    pub(crate) fn of(row: &game_session::Model, now: DateTime<Utc>) -> Self {
        Self {
            tenant: TenantId(row.tenant_id),
            provider: row.provider.clone(),
            player: PlayerId(row.player_id),
            state: if row.revoked_at.is_some() || row.expires_at <= now {
                SessionState::Ended
            } else {
                SessionState::Active
            },
        }
    }

    /// Whether it was opened for `provider` of `tenant` (a token is valid
    /// only in the path it was made for).
    pub(crate) fn serves(&self, tenant: TenantId, provider: &ProviderSlug) -> bool {
        self.tenant == tenant && self.provider == provider.as_str()
    }
}

impl Db {
    /// Opens a session; `NotFound("game provider")` when the tenant has no
    /// such provider; `PlayerBlocked` while the player is excluded and
    /// `KycRequired` when the tenant reserves games for verified players
    /// (nothing is opened then).
    pub async fn open_game_session(
        &self,
        new: NewGameSession,
        completion: Option<Completion<'_>>,
    ) -> StoreResult<OpenedSession> {
        if self
            .game_provider_keys(new.tenant, &new.provider)
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound("game provider"));
        }
        let txn = self.conn().begin().await?;
        // Under the wallet's lock: an exclusion being recorded (which revokes
        // open sessions) is either seen here or waits for this session.
        let wallet = ledger_writer::lock_wallet(&txn, new.player).await?;
        let now = Utc::now();
        player_protection::check_game_session(&txn, new.tenant, new.player, now).await?;
        let row = game_session::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(new.tenant.0),
            player_id: Set(new.player.0),
            provider: Set(new.provider.as_str().to_owned()),
            game: Set(new.game.as_str().to_owned()),
            token_hash: Set(token_digest(&new.token.0)),
            currency: Set(wallet.balance.currency().code().to_owned()),
            expires_at: Set(now + new.lifetime),
            revoked_at: Set(None),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let opened = OpenedSession {
            session: GameSession {
                id: row.id,
                player: new.player,
                provider: new.provider,
                game: new.game,
                currency: Currency::parse(&row.currency)?,
                expires_at: row.expires_at,
            },
            token: new.token,
        };
        complete_optional(completion, &txn, &opened).await?;
        txn.commit().await?;
        Ok(opened)
    }

    /// Revokes the player's session `id` (again: nothing changes);
    /// `NotFound` when it is not the player's.
    pub async fn revoke_game_session(&self, player: PlayerId, id: Uuid) -> StoreResult<()> {
        let row = game_session::Entity::find_by_id(id)
            .filter(game_session::Column::PlayerId.eq(player.0))
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("game session"))?;
        if row.revoked_at.is_none() {
            game_session::Entity::update_many()
                .col_expr(game_session::Column::RevokedAt, Expr::value(Utc::now()))
                .filter(game_session::Column::Id.eq(id))
                .filter(game_session::Column::RevokedAt.is_null())
                .exec(self.conn())
                .await?;
        }
        Ok(())
    }
}

/// The session with `token_hash` opened for `provider` of `tenant`, if any.
pub(crate) async fn known_session<C: sea_orm::ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    provider: &ProviderSlug,
    token_hash: &str,
) -> StoreResult<Option<KnownSession>> {
    let row = game_session::Entity::find()
        .filter(game_session::Column::TokenHash.eq(token_hash))
        .one(conn)
        .await?;
    Ok(row
        .map(|row| KnownSession::of(&row, Utc::now()))
        .filter(|session| session.serves(tenant, provider)))
}
