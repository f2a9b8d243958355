//! Admin login, player registration and login.

use actix_web::{HttpRequest, HttpResponse, post, web};
use ledger::Currency;
use persistence::NewPlayer;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;

use crate::auth::IssuedToken;
use crate::auth::{
    AdminPrincipal, PlayerPrincipal, check_password_policy, hash_password, verify_password,
};
use crate::body::{RawBody, parse_json};
use crate::problem::ApiError;
use crate::request_context::RequestId;
use crate::state::AppState;
use crate::validate::{email, text_field};
use persistence::audit::{AuditContext, AuditRecord};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AdminLogin {
    #[schema(
        max_length = 254,
        pattern = "^[!-?A-~]+@[-!-,/-?A-~][!-?A-~]*\\.[!-?A-~]*[-!-,/-?A-~]$"
    )]
    email: String,
    #[schema(value_type = String, min_length = 10, max_length = 128)]
    password: SecretString,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PlayerLogin {
    #[schema(min_length = 1, max_length = 64, pattern = "^[a-z0-9-]{1,64}$")]
    tenant: String,
    #[schema(
        max_length = 254,
        pattern = "^[!-?A-~]+@[-!-,/-?A-~][!-?A-~]*\\.[!-?A-~]*[-!-,/-?A-~]$"
    )]
    email: String,
    #[schema(value_type = String, min_length = 10, max_length = 128)]
    password: SecretString,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Register {
    #[schema(min_length = 1, max_length = 64, pattern = "^[a-z0-9-]{1,64}$")]
    tenant: String,
    #[schema(
        max_length = 254,
        pattern = "^[!-?A-~]+@[-!-,/-?A-~][!-?A-~]*\\.[!-?A-~]*[-!-,/-?A-~]$"
    )]
    email: String,
    #[schema(value_type = String, min_length = 10, max_length = 128)]
    password: SecretString,
    #[schema(value_type = crate::openapi::enums::Currency, example = "EUR")]
    currency: String,
}

fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr()
        .map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string())
}

/// `POST /auth/admin/login`.
#[utoipa::path(post, path = "/api/v1/auth/admin/login", operation_id = "loginAdmin", tag = "auth", request_body = AdminLogin, responses((status = 200, body = IssuedToken, description = "Bearer token of the admin")))]
#[post("/auth/admin/login")]
pub async fn admin_login(
    req: HttpRequest,
    rid: RequestId,
    state: web::Data<AppState>,
    body: RawBody,
) -> Result<HttpResponse, ApiError> {
    let login: AdminLogin = parse_json(&body.0)?;
    let email = login.email.trim().to_lowercase();
    let keys = [format!("ip:{}", client_ip(&req)), format!("admin:{email}")];
    state.throttle.check_login(&keys)?;
    let admin = state.db.admin_by_email(&email).await?;
    let hash = admin.as_ref().map(|a| a.password_hash.expose().to_owned());
    match (admin, verify_password(login.password, hash).await) {
        (Some(admin), true) => {
            let tenant_id = admin.tenant.map(|t| t.0);
            let principal = AdminPrincipal::new(admin.id.0, admin.role, tenant_id)?;
            let token = state
                .tokens
                .issue_admin(principal, state.admin_token_ttl_s)?;
            tracing::info!(admin_id = %admin.id, "admin login");
            state
                .db
                .audit(
                    &rid.admin(&principal),
                    login_record(tenant_id, "admin.login", admin.id.to_string()),
                )
                .await?;
            Ok(HttpResponse::Ok().json(token))
        }
        _ => {
            let ctx = AuditContext {
                actor: format!("login:{}", email.chars().take(254).collect::<String>()),
                role: "unknown".into(),
                request_id: rid.0.clone(),
            };
            state
                .db
                .audit(
                    &ctx,
                    login_record(None, "admin.login_failed", email.clone()),
                )
                .await?;
            state.throttle.record_failure(&keys)?;
            Err(ApiError::Unauthorized)
        }
    }
}

fn login_record(
    tenant_id: Option<uuid::Uuid>,
    action: &'static str,
    target_id: String,
) -> AuditRecord {
    AuditRecord {
        tenant_id,
        action,
        target_type: "admin_user",
        target_id,
        before: None,
        after: None,
    }
}

/// `POST /auth/player/register`.
#[utoipa::path(post, path = "/api/v1/auth/player/register", operation_id = "registerPlayer", tag = "auth", request_body = Register, responses((status = 201, body = crate::openapi::bodies::RegisteredPlayerView, description = "The player and its wallet were created")))]
#[post("/auth/player/register")]
pub async fn player_register(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: RawBody,
) -> Result<HttpResponse, ApiError> {
    state.throttle.check_registration(&client_ip(&req))?;
    let form: Register = parse_json(&body.0)?;
    let email = email(&form.email)?;
    let currency =
        Currency::parse(&form.currency).map_err(|e| ApiError::Validation(e.to_string()))?;
    check_password_policy(secrecy::ExposeSecret::expose_secret(&form.password))?;
    let slug = text_field("tenant", &form.tenant, 64)?;
    let tenant = state
        .db
        .tenant_by_slug(slug)
        .await?
        .ok_or(ApiError::NotFound("tenant"))?;
    let password_hash = hash_password(form.password).await?;
    let player = state
        .db
        .register_player(NewPlayer {
            tenant: tenant.id,
            email,
            password_hash,
            currency,
        })
        .await?;
    Ok(HttpResponse::Created().json(json!({
        "player_id": player.id,
        "tenant": tenant.slug,
        "email": player.email,
        "currency": player.currency.code(),
    })))
}

/// `POST /auth/player/login`.
#[utoipa::path(post, path = "/api/v1/auth/player/login", operation_id = "loginPlayer", tag = "auth", request_body = PlayerLogin, responses((status = 200, body = IssuedToken, description = "Bearer token of the player")))]
#[post("/auth/player/login")]
pub async fn player_login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: RawBody,
) -> Result<HttpResponse, ApiError> {
    let login: PlayerLogin = parse_json(&body.0)?;
    let email = login.email.trim().to_lowercase();
    let slug = text_field("tenant", &login.tenant, 64)?;
    let keys = [
        format!("ip:{}", client_ip(&req)),
        format!("player:{slug}:{email}"),
    ];
    state.throttle.check_login(&keys)?;
    let tenant = state.db.tenant_by_slug(slug).await?;
    let player = match &tenant {
        Some(t) => state.db.player_by_email(t.id, &email).await?,
        None => None,
    };
    let hash = player.as_ref().map(|p| p.password_hash.expose().to_owned());
    match (player, verify_password(login.password, hash).await) {
        (Some(player), true) => {
            let principal = PlayerPrincipal {
                player_id: player.id,
                tenant_id: player.tenant.0,
            };
            Ok(HttpResponse::Ok().json(
                state
                    .tokens
                    .issue_player(principal, state.player_token_ttl_s)?,
            ))
        }
        _ => {
            state.throttle.record_failure(&keys)?;
            Err(ApiError::Unauthorized)
        }
    }
}
