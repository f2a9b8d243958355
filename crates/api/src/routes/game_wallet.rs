//! `POST /game-wallet/{tenant}/{provider}/{action}`: the seamless wallet
//! that game providers call for every balance, bet, win and rollback.
//!
//! The call is signed like a webhook (`Kasa-Signature`, HMAC-SHA256 with the
//! provider's secret or, for 24 h after a rotation, its previous one; see
//! `game_keys`). Bets, wins and rollbacks are settled in rounds
//! (`persistence::games::GameCalls`). An
//! unknown tenant, provider or action is 404, a bad signature 401 and a
//! malformed body 400; every other outcome is 200 with a `status`.

use actix_web::{HttpRequest, HttpResponse, post, web};
use games::{ProviderSlug, SessionToken};
use persistence::games::{GameAnswer, GameCall, token_digest};

use crate::body::RawBody;
use crate::game_calls::{Action, CallBody, GameWalletAnswer, parse_call};
use crate::problem::ApiError;
use crate::routes::webhooks::signature_header;
use crate::state::AppState;

/// One provider call.
#[utoipa::path(post, path = "/api/v1/game-wallet/{tenant}/{provider}/{action}", operation_id = "gameWalletCall", tag = "game-wallet", params(("tenant" = String, Path, description = "Tenant slug"), ("provider" = String, Path, description = "Provider slug"), ("action" = crate::openapi::enums::GameAction, Path, description = "balance, bet, win or rollback"), ("Kasa-Signature" = String, Header, description = "t=<unix>,v1=<hex HMAC-SHA256>")), request_body = crate::openapi::game_bodies::GameWalletCall, security(("webhook_signature" = [])), responses((status = 200, body = GameWalletAnswer, description = "The outcome; `status` says what happened")))]
#[post("/game-wallet/{tenant}/{provider}/{action}")]
pub async fn call(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    body: RawBody,
) -> Result<HttpResponse, ApiError> {
    let (tenant, provider, action) = path.into_inner();
    let action = Action::parse(&action).ok_or(ApiError::NotFound("game-wallet action"))?;
    let provider = ProviderSlug::parse(&provider).map_err(|_| ApiError::NotFound("provider"))?;
    let signature = signature_header(&req);
    let tenant = state
        .game_keys
        .verify(&state.db, &tenant, &provider, signature, &body.0)
        .await?;
    let parsed = parse_call(action, &body.0, state.amount_max)?;
    let answer = match &parsed {
        CallBody::Balance { session } => match known_token(session) {
            Some(hash) => state.db.game_balance(tenant, &provider, &hash).await?,
            None => GameAnswer::unknown_session(),
        },
        CallBody::Move(call) => match known_token(&call.session) {
            Some(token_hash) => {
                let call = GameCall {
                    tenant,
                    provider: provider.clone(),
                    token_hash,
                    transaction_id: call.transaction_id.clone(),
                    round_id: call.round_id.clone(),
                    game: call.game.clone(),
                    message: call.message.clone(),
                };
                state.games.settle(call).await?
            }
            None => GameAnswer::unknown_session(),
        },
    };
    metrics::counter!(crate::metrics::catalog::GAME_CALLS, "action" => action.as_str(), "status" => answer.status.as_str())
        .increment(1);
    tracing::info!(
        provider = provider.as_str(),
        action = action.as_str(),
        status = answer.status.as_str(),
        "game call"
    );
    Ok(HttpResponse::Ok().json(GameWalletAnswer::of(&parsed, &answer)))
}

/// The digest to look a session up by; `None` for a token that cannot be
/// one Kasa made (it is answered `session_invalid` like any unknown one).
fn known_token(raw: &str) -> Option<String> {
    SessionToken::parse(raw)
        .ok()
        .map(|token| token_digest(token.as_str()))
}
