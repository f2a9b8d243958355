//! Player withdrawals: request (funds move to held), list, read, cancel.

use actix_web::{HttpRequest, HttpResponse, ResponseError, get, http::StatusCode, post, web};
use ledger::{TenantId, WithdrawalId};
use persistence::{RequestWithdrawal, Visibility, WithdrawalAction, WithdrawalRequest};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::PlayerPrincipal;
use crate::body::{RawBody, parse_json};
use crate::idempotent::{self, Answer, IdempotentRequest};
use crate::problem::ApiError;
use crate::request_context::RequestId;
use crate::routes::PageQuery;
use crate::state::AppState;
use crate::validate::{amount, destination};
use crate::views::PageView;
use crate::views::{WithdrawalView, page};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateWithdrawal {
    /// Decimal string with at most the currency's minor digits.
    #[schema(
        example = "30.00",
        pattern = "^[0-9]{1,16}(\\.[0-9]{1,3})?$",
        min_length = 1,
        max_length = 20
    )]
    amount: String,
    /// ISO 4217 code of the wallet.
    #[schema(value_type = crate::openapi::enums::Currency, example = "EUR")]
    currency: String,
    destination: Destination,
}

/// `destination` of a withdrawal request.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Destination {
    /// Kind (`bank_account`, `card`, `e_wallet`, ...).
    #[schema(min_length = 1, max_length = 32, pattern = "^[a-z_]{1,32}$")]
    pub r#type: String,
    /// Account identifier at that destination.
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub account: String,
}

fn player_request(
    req: &HttpRequest,
    player: &PlayerPrincipal,
    body: &[u8],
) -> Result<IdempotentRequest, ApiError> {
    IdempotentRequest::new(
        req,
        player.tenant_id.to_string(),
        format!("player:{}", player.player_id),
        body,
    )
}

/// `POST /me/withdrawals`.
#[utoipa::path(post, path = "/api/v1/me/withdrawals", operation_id = "createWithdrawal", tag = "player", params(("Idempotency-Key" = String, Header, description = "Idempotency key (1..255 printable ASCII)", pattern = "^[!-~][ -~]{0,254}$")), request_body = CreateWithdrawal, security(("bearer" = [])), responses((status = 201, body = WithdrawalView, description = "The requested withdrawal (amount held)"), (status = 403, description = "Forbidden: problem document with code `forbidden`, `kyc_required`", body = crate::problem::Problem, content_type = "application/problem+json")))]
#[post("/me/withdrawals")]
pub async fn create(
    req: HttpRequest,
    rid: RequestId,
    player: PlayerPrincipal,
    state: web::Data<AppState>,
    body: RawBody,
) -> HttpResponse {
    let request = match player_request(&req, &player, &body.0) {
        Ok(request) => request,
        Err(e) => return e.error_response(),
    };
    let state = state.get_ref();
    let answer = Answer::new(StatusCode::CREATED, WithdrawalView::for_player);
    idempotent::run_once(state, request, answer, |scope, fingerprint| async move {
        let form: CreateWithdrawal = parse_json(&body.0)?;
        let command = RequestWithdrawal {
            tenant: TenantId(player.tenant_id),
            player: player.player_id,
            amount: amount(&form.amount, &form.currency, state.amount_max)?,
            destination: destination(&form.destination.r#type, &form.destination.account)?,
        };
        let request = WithdrawalRequest {
            command,
            scope,
            fingerprint,
            audit: rid.player(&player),
        };
        Ok(state.withdrawals.settle(request).await?)
    })
    .await
}

/// `GET /me/withdrawals`.
#[utoipa::path(get, path = "/api/v1/me/withdrawals", operation_id = "listMyWithdrawals", tag = "player", params(PageQuery), security(("bearer" = [])), responses((status = 200, body = PageView<WithdrawalView>, description = "Page of withdrawals")))]
#[get("/me/withdrawals")]
pub async fn list(
    player: PlayerPrincipal,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .withdrawals(
            Visibility::Player(player.player_id),
            Default::default(),
            query.page()?,
        )
        .await?;
    Ok(HttpResponse::Ok().json(page(rows, |w| WithdrawalView::for_player(&w))?))
}

/// `GET /me/withdrawals/{id}`.
#[utoipa::path(get, path = "/api/v1/me/withdrawals/{id}", operation_id = "getMyWithdrawal", tag = "player", params(("id" = Uuid, Path, description = "Id")), security(("bearer" = [])), responses((status = 200, body = WithdrawalView, description = "The withdrawal with its attempts")))]
#[get("/me/withdrawals/{id}")]
pub async fn get(
    player: PlayerPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .db
        .withdrawal(
            Visibility::Player(player.player_id),
            WithdrawalId(id.into_inner()),
        )
        .await?
        .ok_or(ApiError::NotFound("withdrawal"))?;
    Ok(HttpResponse::Ok().json(WithdrawalView::for_player(&view)?))
}

/// `POST /me/withdrawals/{id}/cancel`: only from `requested`; releases the hold.
#[utoipa::path(post, path = "/api/v1/me/withdrawals/{id}/cancel", operation_id = "cancelWithdrawal", tag = "player", params(("id" = Uuid, Path, description = "Id"), ("Idempotency-Key" = String, Header, description = "Idempotency key (1..255 printable ASCII)", pattern = "^[!-~][ -~]{0,254}$")), security(("bearer" = [])), responses((status = 200, body = WithdrawalView, description = "The cancelled withdrawal (hold released)")))]
#[post("/me/withdrawals/{id}/cancel")]
pub async fn cancel(
    req: HttpRequest,
    rid: RequestId,
    player: PlayerPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: RawBody,
) -> HttpResponse {
    let request = match player_request(&req, &player, &body.0) {
        Ok(request) => request,
        Err(e) => return e.error_response(),
    };
    let state = state.get_ref();
    let id = WithdrawalId(id.into_inner());
    let answer = Answer::new(StatusCode::OK, WithdrawalView::for_player);
    idempotent::run(state, request, answer, |lease| async move {
        Ok(state
            .db
            .withdrawal_command(
                Visibility::Player(player.player_id),
                id,
                WithdrawalAction::Cancel,
                &lease,
                &rid.player(&player),
            )
            .await?)
    })
    .await
}
