//! The admin API's player reads: the list, one player, their wallet and
//! ledger history. Tenant-scoped: a non-platform admin sees only its tenant's
//! players, and another tenant's player is 404.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use actix_web::{HttpResponse, get, web};
use ledger::PlayerId;
use persistence::records::TenantId;
use uuid::Uuid;

use crate::auth::AdminPrincipal;
use crate::problem::ApiError;
use crate::routes::PageQuery;
use crate::routes::queries::PlayerListQuery;
use crate::state::AppState;
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

async fn visible_player(
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
