//! The player's game sessions: opened for a provider's game (the token goes
//! to the provider's game launch), and revoked.

use actix_web::{HttpRequest, HttpResponse, delete, http::StatusCode, post, web};
use games::{GameCode, ProviderSlug};
use persistence::games::{NewGameSession, OpenedSession, ShownSecret};
use persistence::records::TenantId;
use secrecy::ExposeSecret;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::PlayerPrincipal;
use crate::body::{RawBody, parse_json};
use crate::bootstrap::random_secret;
use crate::game_views::GameSessionView;
use crate::idempotent::{Answer, completion, run_optional};
use crate::problem::ApiError;
use crate::state::AppState;

/// Length of a session token (alphanumeric, about 256 bits).
const TOKEN_LEN: usize = 43;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct OpenGameSession {
    /// Slug of a provider registered for the player's tenant.
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = "^[a-z0-9][a-z0-9_-]{0,63}$"
    )]
    provider: String,
    /// The provider's game code.
    #[schema(min_length = 1, max_length = 128, pattern = "^[!-~]{1,128}$")]
    game: String,
}

/// `POST /me/game-sessions`: a session for a provider's game; its `token`
/// appears only in this answer.
#[utoipa::path(post, path = "/api/v1/me/game-sessions", operation_id = "openGameSession", tag = "player", params(("Idempotency-Key" = Option<String>, Header, description = "Optional idempotency key", pattern = "^[!-~][ -~]{0,254}$")), request_body = OpenGameSession, security(("bearer" = [])), responses((status = 201, body = GameSessionView, description = "The session, with its token"), (status = 403, description = "Forbidden: problem document with code `forbidden`, `player_blocked`, `kyc_required`", body = crate::problem::Problem, content_type = "application/problem+json")))]
#[post("/me/game-sessions")]
pub async fn open(
    req: HttpRequest,
    player: PlayerPrincipal,
    state: web::Data<AppState>,
    body: RawBody,
) -> HttpResponse {
    let state = state.get_ref();
    let bytes = &body.0;
    let scope = (
        player.tenant_id.to_string(),
        format!("player:{}", player.player_id),
    );
    let answer = Answer::new(StatusCode::CREATED, |opened: &OpenedSession| {
        Ok(GameSessionView::of(&opened.session, opened.token.0.clone()))
    });
    run_optional(state, &req, scope, bytes, answer, |lease| async move {
        let form: OpenGameSession = parse_json(bytes)?;
        let provider = ProviderSlug::parse(&form.provider)
            .map_err(|e| ApiError::Validation(format!("provider: {e}")))?;
        let game =
            GameCode::parse(&form.game).map_err(|e| ApiError::Validation(format!("game: {e}")))?;
        let new = NewGameSession {
            tenant: TenantId(player.tenant_id),
            player: player.player_id,
            provider,
            game,
            token: ShownSecret(random_secret(TOKEN_LEN).expose_secret().to_owned()),
            lifetime: state.game_session_ttl,
        };
        Ok(state
            .db
            .open_game_session(new, completion(lease.as_ref()))
            .await?)
    })
    .await
}

/// `DELETE /me/game-sessions/{id}`: revokes the session (bets on it are
/// refused from now on; wins and rollbacks of its rounds still apply).
#[utoipa::path(delete, path = "/api/v1/me/game-sessions/{id}", operation_id = "revokeGameSession", tag = "player", params(("id" = Uuid, Path, description = "Session id")), security(("bearer" = [])), responses((status = 204, description = "Revoked")))]
#[delete("/me/game-sessions/{id}")]
pub async fn revoke(
    player: PlayerPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state
        .db
        .revoke_game_session(player.player_id, id.into_inner())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
