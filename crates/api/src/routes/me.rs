//! The player API: profile, wallet, history, deposits.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use ledger::{DepositId, TenantId};
use persistence::TenantScope;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::PlayerPrincipal;
use crate::body::{RawBody, parse_json};
use crate::idempotent::{self, Answer, IdempotentRequest};
use crate::problem::ApiError;
use crate::request_context::RequestId;
use crate::routes::PageQuery;
use crate::state::AppState;
use crate::use_cases::{self, RequestDeposit};
use crate::validate::amount;
use crate::views::PageView;
use crate::views::{DepositView, PlayerView, TransactionView, WalletView, page};

/// `GET /me`: who the player is, with the KYC status.
#[utoipa::path(get, path = "/api/v1/me", operation_id = "getMe", tag = "player", security(("bearer" = [])), responses((status = 200, body = PlayerView, description = "The player")))]
#[get("/me")]
pub async fn profile(
    player: PlayerPrincipal,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let me = state
        .db
        .player(player.player_id, TenantScope::One(player.tenant_id))
        .await?
        .ok_or(ApiError::NotFound("player"))?;
    let tenant = state.db.tenant_by_id(me.tenant).await?.ok_or_else(|| {
        tracing::error!(tenant_id = %me.tenant, "player of a missing tenant");
        ApiError::Internal
    })?;
    Ok(HttpResponse::Ok().json(PlayerView::of(me, tenant.slug)))
}

/// `GET /me/wallet`.
#[utoipa::path(get, path = "/api/v1/me/wallet", operation_id = "getMyWallet", tag = "player", security(("bearer" = [])), responses((status = 200, body = WalletView, description = "The player's wallet")))]
#[get("/me/wallet")]
pub async fn wallet(
    player: PlayerPrincipal,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let wallet = state
        .db
        .wallet(player.player_id)
        .await?
        .ok_or(ApiError::NotFound("wallet"))?;
    Ok(HttpResponse::Ok().json(WalletView::of(wallet)))
}

/// `GET /me/transactions`.
#[utoipa::path(get, path = "/api/v1/me/transactions", operation_id = "listMyTransactions", tag = "player", params(PageQuery), security(("bearer" = [])), responses((status = 200, body = PageView<TransactionView>, description = "Page of ledger transactions")))]
#[get("/me/transactions")]
pub async fn transactions(
    player: PlayerPrincipal,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .transactions_of_player(player.player_id, query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(page(rows, |t| Ok(TransactionView::of(t)))?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateDeposit {
    /// Decimal string with at most the currency's minor digits.
    #[schema(
        example = "25.00",
        pattern = "^[0-9]{1,16}(\\.[0-9]{1,3})?$",
        min_length = 1,
        max_length = 20
    )]
    amount: String,
    /// ISO 4217 code of the wallet.
    #[schema(value_type = crate::openapi::enums::Currency, example = "EUR")]
    currency: String,
    /// The tenant's provider account to pay through (its slug); absent or
    /// `mock`: the platform's default account.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 64, pattern = "^[a-z0-9][a-z0-9-]{0,63}$")]
    provider: Option<String>,
}

/// `POST /me/deposits`: creates a pending deposit and asks the PSP for it.
#[utoipa::path(post, path = "/api/v1/me/deposits", operation_id = "createDeposit", tag = "player", params(("Idempotency-Key" = String, Header, description = "Idempotency key (1..255 printable ASCII)", pattern = "^[!-~][ -~]{0,254}$")), request_body = CreateDeposit, security(("bearer" = [])), responses((status = 201, body = DepositView, description = "The deposit after the PSP's answer"), (status = 403, description = "Forbidden: problem document with code `forbidden`, `player_blocked`, `kyc_required`", body = crate::problem::Problem, content_type = "application/problem+json"), (status = 422, description = "Unprocessable: problem document with code `validation_failed`, `currency_mismatch`, `idempotency_key_reused`, `limit_reached` (a deposit limit would be exceeded; nothing was created)", body = crate::problem::Problem, content_type = "application/problem+json")))]
#[post("/me/deposits")]
pub async fn create_deposit(
    req: HttpRequest,
    rid: RequestId,
    player: PlayerPrincipal,
    state: web::Data<AppState>,
    body: RawBody,
) -> HttpResponse {
    let request = match IdempotentRequest::new(
        &req,
        player.tenant_id.to_string(),
        format!("player:{}", player.player_id),
        &body.0,
    ) {
        Ok(request) => request,
        Err(e) => return actix_web::ResponseError::error_response(&e),
    };
    let state_ref = state.get_ref();
    let audit = rid.player(&player);
    let answer = Answer::new(StatusCode::CREATED, DepositView::of);
    idempotent::run(state_ref, request, answer, |lease| async move {
        let form: CreateDeposit = parse_json(&body.0)?;
        let command = RequestDeposit {
            tenant: TenantId(player.tenant_id),
            player: player.player_id,
            amount: amount(&form.amount, &form.currency, state_ref.amount_max)?,
        };
        use_cases::request_deposit(state_ref, (command, form.provider), lease, audit).await
    })
    .await
}

/// `GET /me/deposits`.
#[utoipa::path(get, path = "/api/v1/me/deposits", operation_id = "listMyDeposits", tag = "player", params(PageQuery), security(("bearer" = [])), responses((status = 200, body = PageView<DepositView>, description = "Page of deposits")))]
#[get("/me/deposits")]
pub async fn deposits(
    player: PlayerPrincipal,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .deposits_of_player(player.player_id, query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(page(rows, |d| DepositView::of(&d))?))
}

/// `GET /me/deposits/{id}`.
#[utoipa::path(get, path = "/api/v1/me/deposits/{id}", operation_id = "getMyDeposit", tag = "player", params(("id" = Uuid, Path, description = "Id")), security(("bearer" = [])), responses((status = 200, body = DepositView, description = "The deposit")))]
#[get("/me/deposits/{id}")]
pub async fn deposit(
    player: PlayerPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .db
        .deposit_of_player(player.player_id, DepositId(id.into_inner()))
        .await?
        .ok_or(ApiError::NotFound("deposit"))?;
    Ok(HttpResponse::Ok().json(DepositView::of(&row)?))
}
