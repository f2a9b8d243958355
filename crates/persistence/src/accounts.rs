//! Tenants, admin users and players (with their wallets).

use chrono::{DateTime, Utc};
use ledger::{Currency, PlayerId};
use protection::KycStatus;
use sea_orm::sea_query::LikeExpr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::audit::{self, AuditContext, AuditRecord};
use crate::completion::{Completion, complete_optional};
use crate::db::Db;
use crate::entities::{admin_user, player, tenant, wallet};
use crate::error::{StoreError, StoreResult, is_unique_violation};
use crate::mapping;
use crate::pagination::{Page, PageRequest, fetch_page};
use crate::records::{AdminId, AdminUser, Player, Role, Tenant, TenantId};
use crate::scope::TenantScope;

/// An admin user as its creator is answered (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminAccount {
    /// Its id.
    pub id: AdminId,
    /// Its tenant; none for platform admins.
    pub tenant: Option<TenantId>,
    /// Lower-cased email.
    pub email: String,
    /// Its role.
    pub role: Role,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A new admin user.
#[derive(Debug, Clone)]
pub struct NewAdmin {
    /// Login email (stored lower-cased).
    pub email: String,
    /// Argon2 PHC hash of the password.
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// Tenant, or `None` for a platform admin.
    pub tenant: Option<TenantId>,
}

/// A new player.
#[derive(Debug, Clone)]
pub struct NewPlayer {
    /// Tenant of the player.
    pub tenant: TenantId,
    /// Login email (stored lower-cased).
    pub email: String,
    /// Argon2 PHC hash of the password.
    pub password_hash: String,
    /// Currency of the wallet.
    pub currency: Currency,
}

impl Db {
    /// Creates a tenant; `AlreadyExists` when the slug is taken.
    pub async fn create_tenant(
        &self,
        slug: &str,
        name: &str,
        audit: &AuditContext,
        completion: Option<Completion<'_>>,
    ) -> StoreResult<Tenant> {
        let txn = self.conn().begin().await?;
        let row = tenant::ActiveModel {
            id: Set(Uuid::now_v7()),
            slug: Set(slug.to_owned()),
            name: Set(name.to_owned()),
            created_at: Set(Utc::now()),
        };
        let created = mapping::tenant(row.insert(&txn).await.map_err(|e| unique_as("tenant", e))?);
        let record = AuditRecord {
            tenant_id: Some(created.id.0),
            action: "tenant.create",
            target_type: "tenant",
            target_id: created.id.to_string(),
            before: None,
            after: Some(serde_json::json!({"slug": created.slug, "name": created.name})),
        };
        audit::append(&txn, audit, record).await?;
        complete_optional(completion, &txn, &created).await?;
        txn.commit().await?;
        Ok(created)
    }

    /// Finds a tenant by slug.
    pub async fn tenant_by_slug(&self, slug: &str) -> StoreResult<Option<Tenant>> {
        let row = tenant::Entity::find()
            .filter(tenant::Column::Slug.eq(slug))
            .one(self.conn())
            .await?;
        Ok(row.map(mapping::tenant))
    }

    /// Finds a tenant by id.
    pub async fn tenant_by_id(&self, id: TenantId) -> StoreResult<Option<Tenant>> {
        let row = tenant::Entity::find_by_id(id.0).one(self.conn()).await?;
        Ok(row.map(mapping::tenant))
    }

    /// Creates an admin user (audited); `AlreadyExists` when the email is taken.
    pub async fn create_admin(
        &self,
        admin: NewAdmin,
        audit: &AuditContext,
        completion: Option<Completion<'_>>,
    ) -> StoreResult<AdminAccount> {
        let txn = self.conn().begin().await?;
        let row = admin_user::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(admin.tenant.map(|t| t.0)),
            email: Set(admin.email.to_lowercase()),
            password_hash: Set(admin.password_hash),
            role: Set(admin.role.as_str().to_owned()),
            created_at: Set(Utc::now()),
        };
        let created = row
            .insert(&txn)
            .await
            .map_err(|e| unique_as("admin user", e))?;
        let created = mapping::admin_user(created)?;
        let tenant_id = created.tenant.map(|t| t.0);
        let record = AuditRecord {
            tenant_id,
            action: "admin_user.create",
            target_type: "admin_user",
            target_id: created.id.to_string(),
            before: None,
            after: Some(
                serde_json::json!({"email": created.email, "role": created.role.as_str(), "tenant_id": tenant_id}),
            ),
        };
        audit::append(&txn, audit, record).await?;
        let account = AdminAccount {
            id: created.id,
            tenant: created.tenant,
            email: created.email,
            role: created.role,
            created_at: created.created_at,
        };
        complete_optional(completion, &txn, &account).await?;
        txn.commit().await?;
        Ok(account)
    }

    /// Finds an admin by email (case-insensitive).
    pub async fn admin_by_email(&self, email: &str) -> StoreResult<Option<AdminUser>> {
        admin_row_by_email(self, email)
            .await?
            .map(mapping::admin_user)
            .transpose()
    }

    /// Registers a player and creates the wallet in one transaction.
    pub async fn register_player(&self, new: NewPlayer) -> StoreResult<Player> {
        let txn = self.conn().begin().await?;
        let now = Utc::now();
        let id = Uuid::now_v7();
        let player = player::ActiveModel {
            id: Set(id),
            tenant_id: Set(new.tenant.0),
            email: Set(new.email.to_lowercase()),
            password_hash: Set(new.password_hash),
            currency: Set(new.currency.code().to_owned()),
            kyc_status: Set(KycStatus::default().as_str().to_owned()),
            created_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| unique_as("player", e))?;
        wallet::ActiveModel {
            player_id: Set(id),
            tenant_id: Set(new.tenant.0),
            currency: Set(new.currency.code().to_owned()),
            available_minor: Set(0),
            held_minor: Set(0),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        mapping::player(player)
    }

    /// Finds a player of `tenant` by email (case-insensitive).
    pub async fn player_by_email(
        &self,
        tenant: TenantId,
        email: &str,
    ) -> StoreResult<Option<Player>> {
        player::Entity::find()
            .filter(player::Column::TenantId.eq(tenant.0))
            .filter(player::Column::Email.eq(email.to_lowercase()))
            .one(self.conn())
            .await?
            .map(mapping::player)
            .transpose()
    }

    /// A page of the players in `scope`, newest first; with `email_prefix`
    /// only those whose email starts with it (case-insensitively).
    pub async fn players(
        &self,
        scope: TenantScope,
        email_prefix: Option<&str>,
        page: PageRequest,
    ) -> StoreResult<Page<Player>> {
        let mut select = scope.restrict(player::Entity::find(), player::Column::TenantId);
        if let Some(prefix) = email_prefix {
            // Emails are stored lower-cased; LIKE wildcards in the input are literal.
            let mut pattern = String::with_capacity(prefix.len() + 1);
            for c in prefix.to_lowercase().chars() {
                if matches!(c, '%' | '_' | '\\') {
                    pattern.push('\\');
                }
                pattern.push(c);
            }
            pattern.push('%');
            let pattern = LikeExpr::new(pattern).escape('\\');
            select = select.filter(player::Column::Email.like(pattern));
        }
        fetch_page(select, player::Column::Id, page, |p| p.id, self.conn())
            .await?
            .try_map(mapping::player)
    }

    /// Finds a player by id within `scope`: another tenant's player is `None`.
    pub async fn player(
        &self,
        player: PlayerId,
        scope: TenantScope,
    ) -> StoreResult<Option<Player>> {
        let select = scope.restrict(
            player::Entity::find_by_id(player.0),
            player::Column::TenantId,
        );
        select
            .one(self.conn())
            .await?
            .map(mapping::player)
            .transpose()
    }
}

/// The `admin_users` row of `email` (case-insensitive).
async fn admin_row_by_email(db: &Db, email: &str) -> StoreResult<Option<admin_user::Model>> {
    Ok(admin_user::Entity::find()
        .filter(admin_user::Column::Email.eq(email.to_lowercase()))
        .one(db.conn())
        .await?)
}

fn unique_as(what: &'static str, err: sea_orm::DbErr) -> StoreError {
    if is_unique_violation(&err) {
        StoreError::AlreadyExists(what)
    } else {
        StoreError::Database(err)
    }
}

impl Db {
    /// Creates an admin, or sets the password and role of the existing one
    /// (used by `--dev`, whose demo password changes at every start).
    pub async fn upsert_admin_password(
        &self,
        admin: NewAdmin,
        audit: &AuditContext,
    ) -> StoreResult<()> {
        match admin_row_by_email(self, &admin.email).await? {
            Some(existing) => {
                let mut update: admin_user::ActiveModel = existing.into();
                update.password_hash = Set(admin.password_hash);
                update.role = Set(admin.role.as_str().to_owned());
                update.update(self.conn()).await?;
            }
            None => {
                self.create_admin(admin, audit, None).await?;
            }
        }
        Ok(())
    }

    /// Replaces a player's password hash.
    pub async fn set_player_password(
        &self,
        id: PlayerId,
        password_hash: String,
    ) -> StoreResult<()> {
        let row = player::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("player"))?;
        let mut update: player::ActiveModel = row.into();
        update.password_hash = Set(password_hash);
        update.update(self.conn()).await?;
        Ok(())
    }
}
