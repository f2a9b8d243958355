//! What the gates read, in the use-case's transaction, and their refusals as
//! [`StoreError`]s. Each check runs after the request's key is claimed and
//! before anything is written, so a refusal creates nothing and is stored
//! as the key's answer.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use ledger::{Currency, LedgerError, Money, PlayerId};
use protection::{
    CheckError, Exclusion, Gate, GatedAction, KycRequired, LimitKind, LimitPeriod, PlayerLimits,
    PlayerProtection, TenantPolicy, Totals, deposit_gate, game_session_gate, kyc_gate,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect,
};
use uuid::Uuid;

use super::exclusions_not_ended;
use crate::entities::{deposit, player, tenant_policy};
use crate::error::{StoreError, StoreResult};
use crate::joined;
use crate::mapping;
use crate::records::{Player, TenantId};

/// Everything the gates know about one player, read once per request.
struct Protection {
    policy: TenantPolicy,
    player: Player,
    exclusions: Vec<Exclusion>,
    /// Limits are not stored yet: none, in the wallet's currency.
    limits: PlayerLimits,
}

impl Protection {
    fn view(&self) -> PlayerProtection<'_> {
        PlayerProtection {
            policy: &self.policy,
            kyc: self.player.kyc_status,
            exclusions: &self.exclusions,
            limits: &self.limits,
        }
    }
}

/// A deposit of `amount` by `player` at `now`: refused while an exclusion
/// is active, then by KYC (`kyc_required_for`, then the 30-day threshold).
/// The caller holds the wallet's lock, so the 30-day total cannot move
/// meanwhile.
pub(crate) async fn check_deposit(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    player: PlayerId,
    amount: Money,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let protection = read(txn, tenant, player, now).await?;
    let mut totals = Totals::zero(amount.currency());
    // Only the threshold rule reads the sum: no query when it cannot apply.
    let threshold_applies = !protection.player.kyc_status.is_verified()
        && protection
            .policy
            .kyc_deposit_threshold()
            .get(amount.currency())
            .is_some();
    if threshold_applies {
        let sum =
            deposits_in_window(txn, player, amount.currency(), LimitPeriod::Month, now).await?;
        totals = totals
            .with(LimitKind::Deposit, LimitPeriod::Month, sum)
            .map_err(checked)?;
    }
    refusal(deposit_gate(&protection.view(), amount, &totals, now).map_err(checked)?)
}

/// Opening a game session by `player` at `now`: refused while an exclusion
/// is active, then when the tenant reserves `game` for verified players.
pub(crate) async fn check_game_session(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    player: PlayerId,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let protection = read(txn, tenant, player, now).await?;
    refusal(game_session_gate(&protection.view(), now))
}

/// Of the withdrawal requests `(tenant, player)`, those that their tenant
/// reserves for verified players and whose player is not verified, with
/// the refusal. One read of the tenants' policies; the players are read
/// only when one of them gates withdrawals. (This is the whole of
/// [`protection::withdrawal_gate`]: exclusions never block a withdrawal.)
pub(crate) async fn withdrawal_refusals(
    txn: &DatabaseTransaction,
    requests: &[(TenantId, PlayerId)],
) -> StoreResult<HashMap<PlayerId, KycRequired>> {
    let tenants: BTreeSet<Uuid> = requests.iter().map(|(tenant, _)| tenant.0).collect();
    let mut gating = HashMap::new();
    for row in tenant_policy::Entity::find()
        .filter(tenant_policy::Column::TenantId.is_in(tenants))
        .all(txn)
        .await?
    {
        let policy = mapping::tenant_policy(&row)?;
        if policy.requires_kyc_for(GatedAction::Withdrawal) {
            gating.insert(row.tenant_id, policy);
        }
    }
    if gating.is_empty() {
        return Ok(HashMap::new());
    }
    let players: Vec<Uuid> = requests
        .iter()
        .filter(|(tenant, _)| gating.contains_key(&tenant.0))
        .map(|(_, player)| player.0)
        .collect();
    let mut refused = HashMap::new();
    for row in player::Entity::find()
        .filter(player::Column::Id.is_in(players))
        .all(txn)
        .await?
    {
        let player = mapping::player(row)?;
        let Some(policy) = gating.get(&player.tenant.0) else {
            continue;
        };
        if let Err(required) = kyc_gate(policy, player.kyc_status, GatedAction::Withdrawal) {
            refused.insert(player.id, required);
        }
    }
    Ok(refused)
}

/// The player (with KYC status) and the tenant's policy in one statement,
/// then the exclusions that have not ended.
async fn read(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    player: PlayerId,
    now: DateTime<Utc>,
) -> StoreResult<Protection> {
    let mut select = Query::select();
    select
        .from(player::Entity)
        .left_join(
            tenant_policy::Entity,
            Expr::col((tenant_policy::Entity, tenant_policy::Column::TenantId))
                .equals((player::Entity, player::Column::TenantId)),
        )
        .and_where(Expr::col((player::Entity, player::Column::Id)).eq(player.0))
        .and_where(Expr::col((player::Entity, player::Column::TenantId)).eq(tenant.0));
    joined::select_prefixed::<player::Entity>(&mut select, "p_");
    joined::select_prefixed::<tenant_policy::Entity>(&mut select, "t_");
    let row = txn
        .query_one(&select)
        .await?
        .ok_or(StoreError::NotFound("player"))?;
    let player_row = player::Model::from_query_result(&row, "p_")?;
    let policy = match row.try_get::<Option<Uuid>>("", "t_tenant_id")? {
        Some(_) => mapping::tenant_policy(&tenant_policy::Model::from_query_result(&row, "t_")?)?,
        None => TenantPolicy::default(),
    };
    let player = mapping::player(player_row)?;
    let exclusions = exclusions_not_ended(txn, player.id, now).await?;
    Ok(Protection {
        limits: PlayerLimits::new(player.currency),
        policy,
        player,
        exclusions,
    })
}

/// The gross amount of the player's deposits in `currency` that have not
/// failed (pending ones count) and were created in `period`'s window at `now`.
async fn deposits_in_window<C: ConnectionTrait>(
    conn: &C,
    player: PlayerId,
    currency: Currency,
    period: LimitPeriod,
    now: DateTime<Utc>,
) -> StoreResult<Money> {
    let mut select = deposit::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(SUM(amount_minor) AS BIGINT)"), "sum_minor")
        .filter(deposit::Column::PlayerId.eq(player.0))
        .filter(deposit::Column::Currency.eq(currency.code()))
        .filter(deposit::Column::Status.ne(::deposit::DepositStatus::Failed.as_str()));
    if let Some(start) = period.window_start(now) {
        select = select.filter(deposit::Column::CreatedAt.gte(start));
    }
    let sum: Option<Option<i64>> = select.into_tuple().one(conn).await?;
    Ok(Money::from_minor_units(
        sum.flatten().unwrap_or(0),
        currency,
    ))
}

/// A gate's refusal as the use-case's error.
fn refusal(gate: Gate) -> StoreResult<()> {
    match gate {
        Gate::Allowed => Ok(()),
        Gate::Blocked(exclusion) => Err(StoreError::PlayerBlocked(exclusion)),
        Gate::KycRequired(required) => Err(StoreError::KycRequired(required)),
        Gate::LimitReached(reached) => Err(StoreError::LimitReached(reached)),
    }
}

/// A check given values that do not fit: the ledger's error for the same.
fn checked(err: CheckError) -> StoreError {
    StoreError::Ledger(match err {
        CheckError::NotPositive => LedgerError::NotPositive,
        CheckError::CurrencyMismatch { expected, found } => {
            LedgerError::CurrencyMismatch { expected, found }
        }
        CheckError::OutOfRange => LedgerError::Overflow,
    })
}
