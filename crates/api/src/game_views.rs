//! What the game wallet's admin and player routes answer.

use persistence::games::{GameProvider, GameSession, GameTransaction};
use serde::Serialize;
use uuid::Uuid;

use crate::views::timestamp;

/// A registered game provider, as listed (never its secret).
#[derive(Serialize, utoipa::ToSchema)]
pub struct GameProviderView {
    /// Its slug: the path segment of its calls.
    slug: String,
    /// Display name.
    name: String,
    /// Slug of its tenant.
    tenant: String,
    #[schema(format = DateTime)]
    created_at: String,
    /// When its secret was last rotated.
    #[schema(format = DateTime, required = true)]
    rotated_at: Option<String>,
}

impl GameProviderView {
    /// From a provider and its tenant's slug.
    pub fn of(provider: &GameProvider, tenant: String) -> Self {
        Self {
            slug: provider.slug.as_str().to_owned(),
            name: provider.name.clone(),
            tenant,
            created_at: timestamp(provider.created_at),
            rotated_at: provider.rotated_at.map(timestamp),
        }
    }
}

/// A provider just registered, with its signing secret (shown only here).
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedGameProviderView {
    slug: String,
    name: String,
    /// Slug of its tenant.
    tenant: String,
    /// The signing secret: HMAC-SHA256 key of `Kasa-Signature`.
    secret: String,
    #[schema(format = DateTime)]
    created_at: String,
}

impl CreatedGameProviderView {
    /// From a provider, its tenant's slug and its new secret.
    pub fn of(provider: &GameProvider, tenant: String, secret: String) -> Self {
        Self {
            slug: provider.slug.as_str().to_owned(),
            name: provider.name.clone(),
            tenant,
            secret,
            created_at: timestamp(provider.created_at),
        }
    }
}

/// A rotated secret (the previous one stays valid for 24 h).
#[derive(Serialize, utoipa::ToSchema)]
pub struct RotatedSecretView {
    slug: String,
    /// The new signing secret.
    secret: String,
    /// Until when the previous secret is still accepted.
    #[schema(format = DateTime)]
    previous_secret_valid_until: String,
}

impl RotatedSecretView {
    /// From the provider and its new secret.
    pub fn of(provider: &GameProvider, secret: String) -> Self {
        let rotated = provider.rotated_at.unwrap_or(provider.created_at);
        Self {
            slug: provider.slug.as_str().to_owned(),
            secret,
            previous_secret_valid_until: timestamp(
                rotated + persistence::games::PREVIOUS_SECRET_VALID_FOR,
            ),
        }
    }
}

/// A game session just opened, with its token (shown only here).
#[derive(Serialize, utoipa::ToSchema)]
pub struct GameSessionView {
    id: Uuid,
    /// Handed to the provider's game launch; the provider sends it as `session`.
    token: String,
    provider: String,
    game: String,
    #[schema(value_type = crate::openapi::enums::Currency)]
    currency: String,
    #[schema(format = DateTime)]
    expires_at: String,
}

impl GameSessionView {
    /// From a session and its token.
    pub fn of(session: &GameSession, token: String) -> Self {
        Self {
            id: session.id,
            token,
            provider: session.provider.as_str().to_owned(),
            game: session.game.as_str().to_owned(),
            currency: session.currency.code().to_owned(),
            expires_at: timestamp(session.expires_at),
        }
    }
}

/// A game transaction as admins list it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct GameTransactionView {
    /// Kasa's id (`kasa_transaction_id`).
    id: Uuid,
    /// The provider's transaction id.
    transaction_id: String,
    provider: String,
    player_id: Uuid,
    round_id: String,
    game: String,
    #[schema(value_type = crate::openapi::enums::GameTransactionKind)]
    kind: String,
    /// Bet or win: the amount sent; rollback: what it credited back.
    #[schema(example = "1.00")]
    amount: String,
    #[schema(value_type = crate::openapi::enums::Currency)]
    currency: String,
    /// The status it was answered.
    #[schema(value_type = crate::openapi::enums::GameStatus)]
    status: String,
    /// `applied`, `refused`, `rolled_back` or `tombstone`.
    #[schema(value_type = crate::openapi::enums::GameTransactionState)]
    state: String,
    /// A rollback's reference transaction id.
    #[schema(required = true)]
    reference_transaction_id: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
}

impl GameTransactionView {
    /// From a stored game transaction.
    pub fn of(t: GameTransaction) -> Self {
        Self {
            id: t.id,
            transaction_id: t.transaction_id,
            provider: t.provider,
            player_id: t.player.0,
            round_id: t.round_id,
            game: t.game,
            kind: t.kind.as_str().to_owned(),
            amount: t.amount.to_string(),
            currency: t.amount.currency().code().to_owned(),
            status: t.status.as_str().to_owned(),
            state: t.state.as_str().to_owned(),
            reference_transaction_id: t.reference_transaction_id,
            created_at: timestamp(t.created_at),
        }
    }
}
