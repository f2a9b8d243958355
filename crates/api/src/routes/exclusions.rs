//! The player's own timeouts and self-exclusions: asked for, and listed
//! (to the player, and to the admins of the player's tenant). There is no
//! way to shorten or lift one.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use ledger::TenantId;
use persistence::records::PlayerExclusion;
use protection::ExclusionKind;
use serde::Deserialize;

use uuid::Uuid;

use crate::auth::{AdminPrincipal, PlayerPrincipal};
use crate::body::{RawBody, parse_json};
use crate::idempotent::{Answer, completion, run_optional};
use crate::problem::ApiError;
use crate::protection_views::ExclusionView;
use crate::request_context::RequestId;
use crate::routes::PageQuery;
use crate::routes::admin_players::visible_player;
use crate::state::AppState;
use crate::views::{PageView, page};

/// The body as read (documented as `ExclusionRequest`): the kind's name is
/// checked here, its days by the protection rules.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateExclusion {
    kind: String,
    days: i64,
}

/// `POST /me/exclusions`: a timeout or self-exclusion starting now. While
/// it lasts, deposits and new game sessions are refused (`player_blocked`),
/// bets are `player_blocked`, and the player's open game sessions are
/// revoked; login, wallet, history and withdrawals still work.
#[utoipa::path(post, path = "/api/v1/me/exclusions", operation_id = "createExclusion", tag = "player", params(("Idempotency-Key" = Option<String>, Header, description = "Optional idempotency key", pattern = "^[!-~][ -~]{0,254}$")), request_body = crate::openapi::protection_bodies::ExclusionRequest, security(("bearer" = [])), responses((status = 201, body = ExclusionView, description = "The exclusion, in force at once")))]
#[post("/me/exclusions")]
pub async fn create(
    req: HttpRequest,
    rid: RequestId,
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
    let answer = Answer::new(StatusCode::CREATED, |e: &PlayerExclusion| {
        Ok(ExclusionView::of(e))
    });
    run_optional(state, &req, scope, bytes, answer, |lease| async move {
        let form: CreateExclusion = parse_json(bytes)?;
        let kind = ExclusionKind::parse(&form.kind)
            .map_err(|e| ApiError::Validation(format!("kind: {e}")))?;
        Ok(state
            .db
            .exclude_player(
                TenantId(player.tenant_id),
                player.player_id,
                kind,
                form.days,
                &rid.player(&player),
                completion(lease.as_ref()),
            )
            .await?)
    })
    .await
}

/// `GET /me/exclusions`: every exclusion the player asked for, ended ones
/// included, newest first.
#[utoipa::path(get, path = "/api/v1/me/exclusions", operation_id = "listMyExclusions", tag = "player", params(PageQuery), security(("bearer" = [])), responses((status = 200, body = PageView<ExclusionView>, description = "Page of exclusions")))]
#[get("/me/exclusions")]
pub async fn list(
    player: PlayerPrincipal,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .exclusions_of_player(player.player_id, query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(page(rows, |e| Ok(ExclusionView::of(&e)))?))
}

/// `GET /admin/players/{id}/exclusions`: the player's exclusions as they see
/// them, for every admin role of the player's tenant (another tenant's
/// player is `404`).
#[utoipa::path(get, path = "/api/v1/admin/players/{id}/exclusions", operation_id = "listPlayerExclusions", tag = "admin", params(("id" = Uuid, Path, description = "Id"), PageQuery), security(("bearer" = [])), responses((status = 200, body = PageView<ExclusionView>, description = "Page of the player's exclusions, newest first")))]
#[get("/admin/players/{id}/exclusions")]
pub async fn of_player(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let player = visible_player(&state, &admin, id.into_inner()).await?;
    let rows = state.db.exclusions_of_player(player, query.page()?).await?;
    Ok(HttpResponse::Ok().json(page(rows, |e| Ok(ExclusionView::of(&e)))?))
}
