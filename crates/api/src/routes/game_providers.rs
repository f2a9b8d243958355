//! The admin API of the game wallet: providers (registration, secret
//! rotation, listing without secrets) and the game transactions list.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use games::ProviderSlug;
use ledger::PlayerId;
use persistence::games::{GameTransactionFilter, ProviderWithSecret, ShownSecret};
use persistence::records::TenantId;
use secrecy::ExposeSecret;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::{AdminPrincipal, Role};
use crate::body::{RawBody, parse_json};
use crate::bootstrap::random_secret;
use crate::game_views::{
    CreatedGameProviderView, GameProviderView, GameTransactionView, RotatedSecretView,
};
use crate::idempotent::{Answer, completion, run_optional};
use crate::problem::ApiError;
use crate::request_context::RequestId;
use crate::routes::PageQuery;
use crate::routes::admin::scope_of;
use crate::routes::queries::page_request;
use crate::state::AppState;
use crate::validate::text_field;
use crate::views::{PageView, cursor};

/// The OpenAPI pattern of a provider slug (`games::ProviderSlug`'s rule).
pub const PROVIDER_SLUG_PATTERN: &str = "^[a-z0-9][a-z0-9_-]{0,63}$";

/// Length of a generated provider secret (alphanumeric, about 285 bits).
const SECRET_LEN: usize = 48;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CreateGameProvider {
    /// Lower-case letters, digits, `-` and `_`, starting with a letter or digit.
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = "^[a-z0-9][a-z0-9_-]{0,63}$"
    )]
    slug: String,
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    /// The tenant's slug: required for a platform admin, else the admin's own.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 64, pattern = "^[a-z0-9-]{1,64}$")]
    tenant: Option<String>,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RotateSecret {
    /// The tenant's slug: required for a platform admin, else the admin's own.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 64, pattern = "^[a-z0-9-]{1,64}$")]
    tenant: Option<String>,
}

/// The tenant an admin acts on: its own, or the one a platform admin names.
pub(crate) async fn acting_tenant(
    state: &AppState,
    admin: &AdminPrincipal,
    named: Option<&str>,
) -> Result<(TenantId, String), ApiError> {
    let tenant = match (named, admin.tenant_id()) {
        (Some(slug), _) => state.db.tenant_by_slug(slug).await?,
        (None, Some(own)) => state.db.tenant_by_id(TenantId(own)).await?,
        (None, None) => {
            return Err(ApiError::Validation(
                "tenant is required for a platform admin".into(),
            ));
        }
    };
    match tenant {
        Some(tenant) if admin.sees_tenant(tenant.id.0) => Ok((tenant.id, tenant.slug)),
        _ => Err(ApiError::NotFound("tenant")),
    }
}

fn provider_slug(raw: &str) -> Result<ProviderSlug, ApiError> {
    ProviderSlug::parse(raw).map_err(|e| ApiError::Validation(format!("slug: {e}")))
}

/// A new provider signing secret, shown once (registration, rotation, the
/// `--dev` demo provider).
pub(crate) fn new_provider_secret() -> ShownSecret {
    ShownSecret(random_secret(SECRET_LEN).expose_secret().to_owned())
}

/// `POST /admin/game-providers`: registers a provider for a tenant; the
/// signing secret appears only in this answer (and on rotation).
#[utoipa::path(post, path = "/api/v1/admin/game-providers", operation_id = "createGameProvider", tag = "games", params(("Idempotency-Key" = Option<String>, Header, description = "Optional idempotency key", pattern = "^[!-~][ -~]{0,254}$")), request_body = CreateGameProvider, security(("bearer" = [])), responses((status = 201, body = CreatedGameProviderView, description = "Provider registered, with its secret")))]
#[post("/admin/game-providers")]
pub async fn create(
    req: HttpRequest,
    rid: RequestId,
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    body: RawBody,
) -> HttpResponse {
    let state = state.get_ref();
    let bytes = &body.0;
    let answer = Answer::new(StatusCode::CREATED, |made: &ProviderWithSecret| {
        Ok(CreatedGameProviderView::of(
            &made.provider,
            made.tenant_slug.clone(),
            made.secret.0.clone(),
        ))
    });
    run_optional(
        state,
        &req,
        scope_of(&admin),
        bytes,
        answer,
        |lease| async move {
            admin.require(Role::TenantAdmin)?;
            let form: CreateGameProvider = parse_json(bytes)?;
            let slug = provider_slug(&form.slug)?;
            let name = text_field("name", &form.name, 200)?;
            let tenant = acting_tenant(state, &admin, form.tenant.as_deref()).await?;
            let secret = new_provider_secret();
            Ok(state
                .db
                .create_game_provider(
                    tenant,
                    &slug,
                    name,
                    secret,
                    &rid.admin(&admin),
                    completion(lease.as_ref()),
                )
                .await?)
        },
    )
    .await
}

/// `POST /admin/game-providers/{slug}/rotate-secret`: a new secret; the
/// previous one stays valid for 24 h.
#[utoipa::path(post, path = "/api/v1/admin/game-providers/{slug}/rotate-secret", operation_id = "rotateGameProviderSecret", tag = "games", params(("slug" = String, Path, description = "Provider slug"), ("Idempotency-Key" = Option<String>, Header, description = "Optional idempotency key", pattern = "^[!-~][ -~]{0,254}$")), request_body(content = Option<RotateSecret>, description = "Only a platform admin names the tenant"), security(("bearer" = [])), responses((status = 200, body = RotatedSecretView, description = "The new secret")))]
#[post("/admin/game-providers/{slug}/rotate-secret")]
pub async fn rotate_secret(
    req: HttpRequest,
    rid: RequestId,
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    body: RawBody,
) -> HttpResponse {
    let state = state.get_ref();
    let bytes = &body.0;
    let slug = slug.into_inner();
    let answer = Answer::new(StatusCode::OK, |made: &ProviderWithSecret| {
        Ok(RotatedSecretView::of(&made.provider, made.secret.0.clone()))
    });
    run_optional(
        state,
        &req,
        scope_of(&admin),
        bytes,
        answer,
        |lease| async move {
            admin.require(Role::TenantAdmin)?;
            let form: RotateSecret = if bytes.is_empty() {
                RotateSecret::default()
            } else {
                parse_json(bytes)?
            };
            let slug =
                ProviderSlug::parse(&slug).map_err(|_| ApiError::NotFound("game provider"))?;
            let tenant = acting_tenant(state, &admin, form.tenant.as_deref()).await?;
            let secret = new_provider_secret();
            Ok(state
                .db
                .rotate_game_provider_secret(
                    tenant,
                    &slug,
                    secret,
                    &rid.admin(&admin),
                    completion(lease.as_ref()),
                )
                .await?)
        },
    )
    .await
}

/// `GET /admin/game-providers`: a page of providers, without secrets.
#[utoipa::path(get, path = "/api/v1/admin/game-providers", operation_id = "listGameProviders", tag = "games", params(PageQuery), security(("bearer" = [])), responses((status = 200, body = PageView<GameProviderView>, description = "Page of providers")))]
#[get("/admin/game-providers")]
pub async fn list(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .list_game_providers(admin.tenant_filter(), query.page()?)
        .await?;
    let mut items = Vec::with_capacity(rows.items.len());
    for provider in &rows.items {
        let tenant = state
            .db
            .tenant_by_id(provider.tenant)
            .await?
            .ok_or(ApiError::Internal)?;
        items.push(GameProviderView::of(provider, tenant.slug));
    }
    Ok(HttpResponse::Ok().json(PageView {
        items,
        next_cursor: rows.next_cursor.map(cursor),
    }))
}

/// `?player_id=&round_id=&limit=&cursor=` of `GET /admin/game-transactions`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GameTransactionQuery {
    /// Only this player's.
    player_id: Option<Uuid>,
    /// Only this round's.
    #[param(min_length = 1, max_length = 255)]
    round_id: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u64>,
    /// Opaque cursor from `next_cursor`.
    #[param(pattern = "^[0-9a-f]{32}$")]
    cursor: Option<String>,
}

/// `GET /admin/game-transactions`: the game transactions of the admin's
/// tenant, newest first.
#[utoipa::path(get, path = "/api/v1/admin/game-transactions", operation_id = "listGameTransactions", tag = "games", params(GameTransactionQuery), security(("bearer" = [])), responses((status = 200, body = PageView<GameTransactionView>, description = "Page of game transactions")))]
#[get("/admin/game-transactions")]
pub async fn transactions(
    admin: AdminPrincipal,
    state: web::Data<AppState>,
    query: web::Query<GameTransactionQuery>,
) -> Result<HttpResponse, ApiError> {
    if let Some(round) = &query.round_id
        && (round.is_empty() || round.len() > games::ROUND_ID_LEN_MAX)
    {
        return Err(ApiError::Validation(
            "query parameter `round_id` must be 1 to 255 characters long".into(),
        ));
    }
    let filter = GameTransactionFilter {
        player: query.player_id.map(PlayerId),
        round_id: query.round_id.clone(),
    };
    let page = page_request(query.limit, query.cursor.as_deref())?;
    let rows = state
        .db
        .list_game_transactions(admin.tenant_filter(), filter, page)
        .await?;
    Ok(HttpResponse::Ok().json(crate::views::page(rows, |t| {
        Ok(GameTransactionView::of(t))
    })?))
}
