//! The player API: wallet, history, deposits.

use ::deposit::Deposit;
use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use ledger::DepositId;
use persistence::NewDeposit;
use persistence::idempotency_store::Lease;
use psp::DepositRequest;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::PlayerPrincipal;
use crate::body::{RawBody, parse_json};
use crate::idempotent::{self, Answer, IdempotentRequest};
use crate::problem::ApiError;
use crate::psp_calls::{deposit_answer, resumed_deposit_answer};
use crate::request_context::RequestId;
use crate::routes::PageQuery;
use crate::state::AppState;
use crate::validate::amount;
use crate::views::PageView;
use crate::views::{DepositView, TransactionView, WalletView, page};
use persistence::audit::AuditContext;

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
}

/// `POST /me/deposits`: creates a pending deposit and asks the PSP for it.
#[utoipa::path(post, path = "/api/v1/me/deposits", operation_id = "createDeposit", tag = "player", params(("Idempotency-Key" = String, Header, description = "Idempotency key (1..255 printable ASCII)", pattern = "^[!-~][ -~]{0,254}$")), request_body = CreateDeposit, security(("bearer" = [])), responses((status = 201, body = DepositView, description = "The deposit after the PSP's answer")))]
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
    idempotent::run(state_ref, request, answer, |lease| {
        deposit_use_case(state_ref, player, body, lease, audit)
    })
    .await
}

async fn deposit_use_case(
    state: &AppState,
    player: PlayerPrincipal,
    body: RawBody,
    lease: Lease,
    audit: AuditContext,
) -> Result<Deposit, ApiError> {
    let form: CreateDeposit = parse_json(&body.0)?;
    let money = amount(&form.amount, &form.currency, state.amount_max)?;
    // Every PSP call runs outside any database transaction, with the lease renewed.
    let (created, answer) = match lease.resource() {
        Some(id) => {
            let created = state
                .db
                .deposit_to_resume(player.player_id, DepositId(id))
                .await?;
            let request = psp_request(&created);
            let ask =
                resumed_deposit_answer(state.psp.as_ref(), created.awaits_psp_answer(), &request);
            (created, idempotent::renewing(state, &lease, ask).await)
        }
        None => {
            let new = NewDeposit {
                tenant_id: player.tenant_id,
                player: player.player_id,
                amount: money,
                provider: state.psp.name().to_owned(),
            };
            let created = state.db.create_deposit(new, &lease).await?;
            metrics::counter!(crate::metrics::catalog::DEPOSITS_CREATED, "currency" => money.currency().code())
                .increment(1);
            let request = psp_request(&created);
            let ask = deposit_answer(state.psp.as_ref(), &request);
            (created, idempotent::renewing(state, &lease, ask).await)
        }
    };
    Ok(state
        .db
        .record_deposit_answer(created.id, answer, &lease, &audit)
        .await?)
}

/// The PSP's create request of a stored deposit (its id is the reference).
fn psp_request(created: &Deposit) -> DepositRequest {
    DepositRequest {
        reference: created.id.to_string(),
        amount: created.amount.to_string(),
        currency: created.amount.currency().code().to_owned(),
    }
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
