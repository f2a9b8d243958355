//! Response bodies: money as decimal strings with the currency's digits,
//! timestamps as RFC 3339 UTC, pages as `{items, next_cursor}`.

use ::deposit::Deposit;
use chrono::{DateTime, SecondsFormat, Utc};
use persistence::records::{Anomaly, Player, RecordedTransaction, WalletSnapshot};
use persistence::{Page, PlayerAccount};
use serde::Serialize;
use uuid::Uuid;
use withdrawal::Withdrawal;

use crate::problem::ApiError;

/// RFC 3339 UTC with milliseconds.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Encodes a page cursor (opaque to clients).
pub fn cursor(id: Uuid) -> String {
    id.simple().to_string()
}

/// Decodes a page cursor.
pub fn parse_cursor(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::try_parse(raw).map_err(|_| {
        ApiError::Validation(
            "query parameter `cursor` must be the `next_cursor` of a previous page".into(),
        )
    })
}

/// A page of items.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PageView<T> {
    /// Items, newest first.
    pub items: Vec<T>,
    /// Cursor of the next page, `null` on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Converts a page, failing if any item fails.
pub fn page<M, T>(
    page: Page<M>,
    f: impl Fn(M) -> Result<T, ApiError>,
) -> Result<PageView<T>, ApiError> {
    Ok(PageView {
        items: page.items.into_iter().map(f).collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor.map(cursor),
    })
}

/// `GET /me/wallet`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WalletView {
    player_id: Uuid,
    #[schema(value_type = crate::openapi::enums::Currency, example = "EUR")]
    currency: String,
    #[schema(example = "70.00")]
    available: String,
    #[schema(example = "30.00")]
    held: String,
    #[schema(format = DateTime)]
    updated_at: String,
}

impl WalletView {
    /// From a stored wallet.
    pub fn of(w: WalletSnapshot) -> Self {
        Self {
            player_id: w.player.0,
            available: w.balance.available().to_string(),
            held: w.balance.held().to_string(),
            currency: w.balance.currency().code().to_owned(),
            updated_at: timestamp(w.updated_at),
        }
    }
}

/// A ledger movement on a wallet.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TransactionView {
    id: Uuid,
    #[schema(value_type = crate::openapi::enums::TransactionKind, example = "deposit")]
    kind: String,
    #[schema(example = "25.00")]
    amount: String,
    #[schema(value_type = crate::openapi::enums::Currency)]
    currency: String,
    #[schema(required = true)]
    available_after: Option<String>,
    #[schema(required = true)]
    held_after: Option<String>,
    reference_type: String,
    reference_id: Uuid,
    #[schema(format = DateTime)]
    created_at: String,
}

impl TransactionView {
    /// From a recorded ledger transaction.
    pub fn of(t: RecordedTransaction) -> Self {
        Self {
            id: t.id,
            kind: t.kind.as_str().to_owned(),
            amount: t.amount.to_string(),
            currency: t.amount.currency().code().to_owned(),
            available_after: t.available_after.map(|m| m.to_string()),
            held_after: t.held_after.map(|m| m.to_string()),
            reference_type: t.reference_type,
            reference_id: t.reference_id,
            created_at: timestamp(t.created_at),
        }
    }
}

/// A player, as admins list them and as `GET /me` shows the player.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PlayerView {
    player_id: Uuid,
    /// Slug of the player's tenant.
    tenant: String,
    email: String,
    #[schema(value_type = crate::openapi::enums::Currency, example = "EUR")]
    currency: String,
    /// Where the player's identity check stands.
    #[schema(value_type = crate::openapi::enums::KycStatus, example = "unverified")]
    kyc_status: String,
    #[schema(format = DateTime)]
    created_at: String,
}

impl PlayerView {
    /// From a player and the slug of its tenant.
    pub fn of(p: Player, tenant: String) -> Self {
        Self {
            player_id: p.id.0,
            tenant,
            email: p.email,
            currency: p.currency.code().to_owned(),
            kyc_status: p.kyc_status.as_str().to_owned(),
            created_at: timestamp(p.created_at),
        }
    }

    /// From a player as an admin's change answers it.
    pub fn of_account(p: &PlayerAccount) -> Self {
        Self {
            player_id: p.id.0,
            tenant: p.tenant_slug.clone(),
            email: p.email.clone(),
            currency: p.currency.code().to_owned(),
            kyc_status: p.kyc_status.as_str().to_owned(),
            created_at: timestamp(p.created_at),
        }
    }
}

/// A deposit.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DepositView {
    id: Uuid,
    player_id: Uuid,
    #[schema(value_type = crate::openapi::enums::DepositStatus, example = "pending")]
    status: String,
    #[schema(example = "25.00")]
    amount: String,
    #[schema(value_type = crate::openapi::enums::Currency, example = "EUR")]
    currency: String,
    provider: String,
    #[schema(required = true)]
    provider_ref: Option<String>,
    #[schema(required = true)]
    failure_code: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
}

impl DepositView {
    /// From a deposit.
    pub fn of(d: &Deposit) -> Result<Self, ApiError> {
        Ok(Self {
            id: d.id.0,
            player_id: d.player.0,
            amount: d.amount.to_string(),
            status: d.status.as_str().to_owned(),
            currency: d.amount.currency().code().to_owned(),
            provider: d.provider.clone(),
            provider_ref: d.provider_ref.clone(),
            failure_code: d.failure_code.clone(),
            created_at: timestamp(d.created_at),
            updated_at: timestamp(d.updated_at),
        })
    }
}

/// An anomaly.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AnomalyView {
    id: Uuid,
    #[schema(required = true)]
    tenant_id: Option<Uuid>,
    provider: String,
    event_id: String,
    kind: String,
    reference_type: String,
    #[schema(required = true)]
    reference_id: Option<Uuid>,
    detail: String,
    #[schema(format = DateTime)]
    created_at: String,
}

impl AnomalyView {
    /// From a stored anomaly.
    pub fn of(a: Anomaly) -> Self {
        Self {
            id: a.id,
            tenant_id: a.tenant.map(|t| t.0),
            provider: a.provider,
            event_id: a.event_id,
            kind: a.kind,
            reference_type: a.reference_type,
            reference_id: a.reference_id,
            detail: a.detail,
            created_at: timestamp(a.created_at),
        }
    }
}

/// A payout attempt.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AttemptView {
    id: Uuid,
    #[schema(value_type = crate::openapi::enums::AttemptStatus)]
    status: String,
    provider: String,
    #[schema(required = true)]
    provider_ref: Option<String>,
    #[schema(required = true)]
    failure_code: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
}

/// Who gave a withdrawal's first of two approvals, and when.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FirstApprovalView {
    admin_id: Uuid,
    /// The admin's email when they approved.
    email: String,
    #[schema(format = DateTime)]
    approved_at: String,
}

/// Where a withdrawal is paid to.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DestinationView {
    r#type: String,
    account: String,
}

/// A withdrawal with its attempts.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WithdrawalView {
    id: Uuid,
    player_id: Uuid,
    #[schema(example = "30.00")]
    amount: String,
    #[schema(value_type = crate::openapi::enums::Currency, example = "EUR")]
    currency: String,
    #[schema(value_type = crate::openapi::enums::WithdrawalState, example = "requested")]
    state: String,
    destination: DestinationView,
    #[schema(required = true)]
    reject_reason: Option<String>,
    /// The first of two approvals (withdrawals at or above the tenant's
    /// dual-approval threshold); always `null` in a player's view.
    #[schema(required = true)]
    first_approval: Option<FirstApprovalView>,
    attempts: Vec<AttemptView>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
}

impl WithdrawalView {
    /// From a withdrawal and its attempts.
    /// As its player sees it: without who approved it.
    pub fn for_player(w: &Withdrawal) -> Result<Self, ApiError> {
        let mut view = Self::of(w)?;
        view.first_approval = None;
        Ok(view)
    }

    pub fn of(w: &Withdrawal) -> Result<Self, ApiError> {
        let attempts = w
            .attempts
            .iter()
            .map(|a| AttemptView {
                id: a.id.0,
                status: a.status.as_str().to_owned(),
                provider: a.provider.clone(),
                provider_ref: a.provider_ref.clone(),
                failure_code: a.failure_code.clone(),
                created_at: timestamp(a.created_at),
                updated_at: timestamp(a.updated_at),
            })
            .collect();
        Ok(Self {
            id: w.id.0,
            player_id: w.player.0,
            amount: w.amount.to_string(),
            currency: w.amount.currency().code().to_owned(),
            state: w.state.as_str().to_owned(),
            destination: DestinationView {
                r#type: w.destination.kind().to_owned(),
                account: w.destination.account().to_owned(),
            },
            reject_reason: w.reject_reason.clone(),
            first_approval: w.first_approval.as_ref().map(|first| FirstApprovalView {
                admin_id: first.by.0,
                email: first.email.clone(),
                approved_at: timestamp(first.at),
            }),
            attempts,
            created_at: timestamp(w.created_at),
            updated_at: timestamp(w.updated_at),
        })
    }
}
