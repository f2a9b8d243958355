//! Deposit, loss and wager limits: the player's own (`GET`/`PUT
//! /me/limits`) and an admin's view of a player's (`GET
//! /admin/players/{id}/limits`, tenant-scoped like `GET
//! /admin/players/{id}`).

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, put, web};
use ledger::PlayerId;
use persistence::records::{LimitsSnapshot, TenantId};
use persistence::{LimitChange, TenantScope};
use protection::{LimitKind, LimitPeriod};
use serde::{Deserialize, Deserializer};
use uuid::Uuid;

use crate::auth::{AdminPrincipal, PlayerPrincipal};
use crate::body::{RawBody, parse_json};
use crate::idempotent::{Answer, completion, run_optional};
use crate::problem::ApiError;
use crate::protection_views::LimitsView;
use crate::request_context::RequestId;
use crate::state::AppState;
use crate::validate::amount;

/// The body as read (documented as `LimitRequest`): names are checked
/// here, the amount against the wallet's currency.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetLimit {
    kind: String,
    period: String,
    /// Outer `None`: the field is missing (refused: a removal is an explicit
    /// `null`).
    #[serde(default, deserialize_with = "present")]
    amount: Option<Option<String>>,
}

/// A field that is present, `null` or not.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// `GET /me/limits`: the player's limits now (pending changes that are due
/// applied) and the changes still waiting.
#[utoipa::path(get, path = "/api/v1/me/limits", operation_id = "getMyLimits", tag = "player", security(("bearer" = [])), responses((status = 200, body = LimitsView, description = "The limits in force and pending")))]
#[get("/me/limits")]
pub async fn mine(
    player: PlayerPrincipal,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let scope = TenantScope::One(player.tenant_id);
    let limits = state.db.player_limits(player.player_id, scope).await?;
    Ok(HttpResponse::Ok().json(LimitsView::of(&limits)))
}

/// `PUT /me/limits`: sets one limit. A new or lower limit applies at once
/// (dropping a pending raise of it); a higher one or a removal (`null`)
/// waits the tenant's `cooling_off_hours` and is listed in `pending` until
/// then. Answers the whole document.
#[utoipa::path(put, path = "/api/v1/me/limits", operation_id = "setMyLimit", tag = "player", params(("Idempotency-Key" = Option<String>, Header, description = "Optional idempotency key", pattern = "^[!-~][ -~]{0,254}$")), request_body = crate::openapi::protection_bodies::LimitRequest, security(("bearer" = [])), responses((status = 200, body = LimitsView, description = "The limits after the change")))]
#[put("/me/limits")]
pub async fn set(
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
    let answer = Answer::new(StatusCode::OK, |s: &LimitsSnapshot| Ok(LimitsView::of(s)));
    run_optional(state, &req, scope, bytes, answer, |lease| async move {
        let form: SetLimit = parse_json(bytes)?;
        let kind =
            LimitKind::parse(&form.kind).map_err(|e| ApiError::Validation(format!("kind: {e}")))?;
        let period = LimitPeriod::parse(&form.period)
            .map_err(|e| ApiError::Validation(format!("period: {e}")))?;
        let raw = form.amount.ok_or_else(|| {
            ApiError::Validation("amount: required (`null` removes the limit)".into())
        })?;
        let amount = match raw {
            None => None,
            Some(raw) => {
                let scope = TenantScope::One(player.tenant_id);
                let account = state
                    .db
                    .player(player.player_id, scope)
                    .await?
                    .ok_or(ApiError::NotFound("player"))?;
                Some(amount(&raw, account.currency.code(), state.amount_max)?)
            }
        };
        let change = LimitChange {
            kind,
            period,
            amount,
        };
        Ok(state
            .db
            .set_player_limit(
                TenantId(player.tenant_id),
                player.player_id,
                change,
                &rid.player(&player),
                completion(lease.as_ref()),
            )
            .await?)
    })
    .await
}

/// `GET /admin/players/{id}/limits`: a player's limits, as the player sees
/// them; another tenant's player is 404.
#[utoipa::path(get, path = "/api/v1/admin/players/{id}/limits", operation_id = "getPlayerLimits", tag = "admin", params(("id" = Uuid, Path, description = "Id")), security(("bearer" = [])), responses((status = 200, body = LimitsView, description = "The player's limits in force and pending")))]
#[get("/admin/players/{id}/limits")]
pub async fn of_player(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let limits = state
        .db
        .player_limits(PlayerId(id.into_inner()), admin.tenant_filter())
        .await?;
    Ok(HttpResponse::Ok().json(LimitsView::of(&limits)))
}
