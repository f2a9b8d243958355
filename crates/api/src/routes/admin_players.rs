//! The admin API's players: the list, one player, their wallet and ledger
//! history, and setting their KYC status. Tenant-scoped: a non-platform
//! admin sees only its tenant's players, and another tenant's player is 404.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use ledger::PlayerId;
use persistence::PlayerAccount;
use persistence::records::TenantId;
use protection::KycStatus;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::{AdminPrincipal, Role};
use crate::body::{RawBody, parse_json};
use crate::idempotent::{Answer, completion, run_optional};
use crate::problem::ApiError;
use crate::request_context::RequestId;
use crate::routes::PageQuery;
use crate::routes::admin::scope_of;
use crate::routes::queries::PlayerListQuery;
use crate::state::AppState;
use crate::validate::text_field;
use crate::views::PageView;
use crate::views::{PlayerView, TransactionView, WalletView, cursor, page};

/// `GET /admin/players?email=` (email prefix, case-insensitive).
#[utoipa::path(get, path = "/api/v1/admin/players", operation_id = "listPlayers", tag = "admin", params(PlayerListQuery), security(("bearer" = [])), responses((status = 200, body = PageView<PlayerView>, description = "Page of players")))]
#[get("/admin/players")]
pub async fn players(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    query: web::Query<PlayerListQuery>,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .players(admin.tenant_filter(), query.email_prefix()?, query.page()?)
        .await?;
    // A page rarely spans more than one tenant: one lookup per distinct tenant.
    let mut slugs: HashMap<TenantId, String> = HashMap::new();
    let mut items = Vec::with_capacity(rows.items.len());
    for p in rows.items {
        let slug = match slugs.entry(p.tenant) {
            Entry::Occupied(known) => known.get().clone(),
            Entry::Vacant(slot) => {
                let tenant = state.db.tenant_by_id(p.tenant).await?.ok_or_else(|| {
                    tracing::error!(tenant_id = %p.tenant, "player of a missing tenant");
                    ApiError::Internal
                })?;
                slot.insert(tenant.slug).clone()
            }
        };
        items.push(PlayerView::of(p, slug));
    }
    Ok(HttpResponse::Ok().json(PageView {
        items,
        next_cursor: rows.next_cursor.map(cursor),
    }))
}

/// The player's id when `admin` may see them; `404` otherwise.
pub(crate) async fn visible_player(
    state: &AppState,
    admin: &AdminPrincipal,
    id: Uuid,
) -> Result<PlayerId, ApiError> {
    let player = state
        .db
        .player(PlayerId(id), admin.tenant_filter())
        .await?
        .ok_or(ApiError::NotFound("player"))?;
    Ok(player.id)
}

/// `GET /admin/players/{id}`: one player, as `GET /admin/players` lists it.
#[utoipa::path(get, path = "/api/v1/admin/players/{id}", operation_id = "getAdminPlayer", tag = "admin", params(("id" = Uuid, Path, description = "Id")), security(("bearer" = [])), responses((status = 200, body = PlayerView, description = "The player")))]
#[get("/admin/players/{id}")]
pub async fn player_by_id(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let player = state
        .db
        .player(PlayerId(id.into_inner()), admin.tenant_filter())
        .await?
        .ok_or(ApiError::NotFound("player"))?;
    let tenant = state.db.tenant_by_id(player.tenant).await?.ok_or_else(|| {
        tracing::error!(tenant_id = %player.tenant, "player of a missing tenant");
        ApiError::Internal
    })?;
    Ok(HttpResponse::Ok().json(PlayerView::of(player, tenant.slug)))
}

/// `GET /admin/players/{id}/wallet`.
#[utoipa::path(get, path = "/api/v1/admin/players/{id}/wallet", operation_id = "getPlayerWallet", tag = "admin", params(("id" = Uuid, Path, description = "Id")), security(("bearer" = [])), responses((status = 200, body = WalletView, description = "The player's wallet")))]
#[get("/admin/players/{id}/wallet")]
pub async fn player_wallet(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let player = visible_player(&state, &admin, id.into_inner()).await?;
    let wallet = state
        .db
        .wallet(player)
        .await?
        .ok_or(ApiError::NotFound("wallet"))?;
    Ok(HttpResponse::Ok().json(WalletView::of(wallet)))
}

/// `GET /admin/players/{id}/transactions`.
#[utoipa::path(get, path = "/api/v1/admin/players/{id}/transactions", operation_id = "listPlayerTransactions", tag = "admin", params(("id" = Uuid, Path, description = "Id"), PageQuery), security(("bearer" = [])), responses((status = 200, body = PageView<TransactionView>, description = "Page of the player's ledger transactions")))]
#[get("/admin/players/{id}/transactions")]
pub async fn player_transactions(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let player = visible_player(&state, &admin, id.into_inner()).await?;
    let rows = state
        .db
        .transactions_of_player(player, query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(page(rows, |t| Ok(TransactionView::of(t)))?))
}

/// Longest KYC decision reason kept.
const KYC_REASON_LEN_MAX: usize = 500;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SetKyc {
    #[schema(value_type = crate::openapi::enums::KycStatus)]
    status: String,
    /// Why (kept in the audit log).
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    reason: String,
}

/// `POST /admin/players/{id}/kyc`: sets the player's KYC status (finance
/// and tenant admins of the player's tenant, platform admins), audited with
/// the reason.
#[utoipa::path(post, path = "/api/v1/admin/players/{id}/kyc", operation_id = "setPlayerKyc", tag = "admin", params(("id" = Uuid, Path, description = "Id"), ("Idempotency-Key" = Option<String>, Header, description = "Optional idempotency key", pattern = "^[!-~][ -~]{0,254}$")), request_body = SetKyc, security(("bearer" = [])), responses((status = 200, body = PlayerView, description = "The player with the new status")))]
#[post("/admin/players/{id}/kyc")]
pub async fn set_kyc(
    req: HttpRequest,
    rid: RequestId,
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    body: RawBody,
) -> HttpResponse {
    let state = state.get_ref();
    let bytes = &body.0;
    let player = PlayerId(id.into_inner());
    let answer = Answer::new(StatusCode::OK, |p: &PlayerAccount| {
        Ok(PlayerView::of_account(p))
    });
    run_optional(
        state,
        &req,
        scope_of(&admin),
        bytes,
        answer,
        |lease| async move {
            admin.require(Role::Finance)?;
            let form: SetKyc = parse_json(bytes)?;
            let status = KycStatus::parse(&form.status)
                .map_err(|e| ApiError::Validation(format!("status: {e}")))?;
            let reason = text_field("reason", &form.reason, KYC_REASON_LEN_MAX)?;
            Ok(state
                .db
                .set_kyc_status(
                    player,
                    admin.tenant_filter(),
                    status,
                    reason,
                    &rid.admin(&admin),
                    completion(lease.as_ref()),
                )
                .await?)
        },
    )
    .await
}
