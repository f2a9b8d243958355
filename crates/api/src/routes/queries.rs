//! Query strings of the list endpoints. Each struct names every parameter of
//! its endpoint (page window included: `serde(flatten)` would hand the numbers
//! to the page as strings) and refuses any other with `422 validation_failed`.

use ::deposit::DepositStatus;
use persistence::{DepositFilter, PageRequest, WithdrawalFilter};
use serde::Deserialize;
use uuid::Uuid;
use withdrawal::WithdrawalState;

use crate::problem::ApiError;
use crate::views::parse_cursor;

/// Validates a page window (limit 1..=200, cursor from `next_cursor`).
pub(crate) fn page_request(
    limit: Option<u64>,
    cursor: Option<&str>,
) -> Result<PageRequest, ApiError> {
    let after = cursor.map(parse_cursor).transpose()?;
    PageRequest::new(limit, after).ok_or_else(|| {
        ApiError::Validation("query parameter `limit` must be a whole number from 1 to 200".into())
    })
}

/// `?limit=&cursor=` of list endpoints without filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u64>,
    /// Opaque cursor from `next_cursor`.
    #[param(pattern = "^[0-9a-f]{32}$")]
    cursor: Option<String>,
}

impl PageQuery {
    /// The validated page window.
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        page_request(self.limit, self.cursor.as_deref())
    }
}

/// `?state=&player_id=&limit=&cursor=` of `GET /admin/withdrawals`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WithdrawalListQuery {
    /// Only this state (`requested`, `approved`, `rejected`, `cancelled`,
    /// `payout_pending`, `paid`, `payout_failed`, ...).
    #[param(value_type = Option<crate::openapi::enums::WithdrawalState>)]
    state: Option<String>,
    /// Only this player.
    player_id: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u64>,
    /// Opaque cursor from `next_cursor`.
    #[param(pattern = "^[0-9a-f]{32}$")]
    cursor: Option<String>,
}

impl WithdrawalListQuery {
    /// The validated filter.
    pub fn filter(&self) -> Result<WithdrawalFilter, ApiError> {
        let state = self
            .state
            .as_deref()
            .map(|s| {
                WithdrawalState::parse(s).map_err(|_| {
                    ApiError::Validation(format!(
                        "query parameter `state` must be one of {}",
                        WithdrawalState::ALL.map(WithdrawalState::as_str).join(", ")
                    ))
                })
            })
            .transpose()?;
        Ok(WithdrawalFilter {
            state,
            player: self.player_id.map(ledger::PlayerId),
        })
    }

    /// The validated page window.
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        page_request(self.limit, self.cursor.as_deref())
    }
}

/// `?status=&player_id=&limit=&cursor=` of `GET /admin/deposits`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DepositListQuery {
    /// Only this status (`pending`, `succeeded`, `failed`).
    #[param(value_type = Option<crate::openapi::enums::DepositStatus>)]
    status: Option<String>,
    /// Only this player.
    player_id: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u64>,
    /// Opaque cursor from `next_cursor`.
    #[param(pattern = "^[0-9a-f]{32}$")]
    cursor: Option<String>,
}

impl DepositListQuery {
    /// The validated filter.
    pub fn filter(&self) -> Result<DepositFilter, ApiError> {
        let status = self
            .status
            .as_deref()
            .map(|s| {
                DepositStatus::parse(s).ok_or_else(|| {
                    ApiError::Validation(
                        "query parameter `status` must be one of pending, succeeded, failed".into(),
                    )
                })
            })
            .transpose()?;
        Ok(DepositFilter {
            status,
            player_id: self.player_id,
        })
    }

    /// The validated page window.
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        page_request(self.limit, self.cursor.as_deref())
    }
}

/// Longest email prefix accepted.
const EMAIL_PREFIX_LEN_MAX: usize = 254;

/// `?email=&limit=&cursor=` of `GET /admin/players`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlayerListQuery {
    /// Only players whose email starts with this (case-insensitive).
    #[param(min_length = 1, max_length = 254)]
    email: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u64>,
    /// Opaque cursor from `next_cursor`.
    #[param(pattern = "^[0-9a-f]{32}$")]
    cursor: Option<String>,
}

impl PlayerListQuery {
    /// The validated email prefix.
    pub fn email_prefix(&self) -> Result<Option<&str>, ApiError> {
        match self.email.as_deref() {
            Some(e) if e.is_empty() || e.chars().count() > EMAIL_PREFIX_LEN_MAX => {
                Err(ApiError::Validation(format!(
                    "query parameter `email` must be 1 to {EMAIL_PREFIX_LEN_MAX} characters long"
                )))
            }
            other => Ok(other),
        }
    }

    /// The validated page window.
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        page_request(self.limit, self.cursor.as_deref())
    }
}
