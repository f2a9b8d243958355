//! What the gates read, in the use-case's transaction, and their refusals as
//! [`StoreError`]s. Each check runs after the request's key is claimed and
//! before anything is written, so a refusal creates nothing and is stored
//! as the key's answer.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use ledger::{LedgerError, Money, PlayerId};
use protection::{
    CheckError, Exclusion, Gate, GatedAction, KycRequired, LimitKind, LimitPeriod, PlayerLimits,
    PlayerProtection, TenantPolicy, Totals, deposit_gate, game_session_gate, kyc_gate,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult, QueryFilter,
};
use uuid::Uuid;

use super::exclusions_not_ended;
use super::window_sums::{deposit_totals, deposit_window_sum};
use crate::entities::{player, player_limit, tenant_policy};
use crate::error::{StoreError, StoreResult};
use crate::joined;
use crate::mapping;
use crate::records::{Player, TenantId};

/// Everything the gates know about one player, read once per request.
struct Protection {
    policy: TenantPolicy,
    player: Player,
    exclusions: Vec<Exclusion>,
    /// The stored limits and pending changes, in the wallet's currency.
    limits: PlayerLimits,
    /// Per period of a stored deposit limit, the window's deposits (minor
    /// units), read with the limits.
    deposit_sums: HashMap<LimitPeriod, i64>,
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
/// is active, then by KYC (`kyc_required_for`, then the 30-day threshold),
/// then by the player's deposit limits. The caller holds the wallet's lock,
/// so no window total can move meanwhile. The windows of the player's
/// deposit limits are summed in the statement that reads the player (no
/// statement more); the 30-day threshold reads its own sum only when it
/// applies and no monthly deposit limit gives it.
pub(crate) async fn check_deposit(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    player: PlayerId,
    amount: Money,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let protection = read(txn, tenant, player, now).await?;
    let currency = amount.currency();
    let mut totals = Totals::zero(currency);
    for (&period, &units) in &protection.deposit_sums {
        let sum = Money::from_minor_units(units, currency);
        totals = totals
            .with(LimitKind::Deposit, period, sum)
            .map_err(checked)?;
    }
    let threshold_applies = !protection.player.kyc_status.is_verified()
        && protection
            .policy
            .kyc_deposit_threshold()
            .get(amount.currency())
            .is_some();
    // Without a monthly deposit limit, the 30-day threshold reads its own sum.
    if threshold_applies && !protection.deposit_sums.contains_key(&LimitPeriod::Month) {
        let month = BTreeSet::from([LimitPeriod::Month]);
        let sum = deposit_totals(txn, player, currency, &month, now)
            .await?
            .get(LimitKind::Deposit, LimitPeriod::Month);
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

/// The player (with KYC status), the tenant's policy and the player's
/// limit rows with each deposit limit's window sum, in one statement (one
/// row per limit, or one with none), then the exclusions that have not
/// ended.
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
        .left_join(
            player_limit::Entity,
            Expr::col((player_limit::Entity, player_limit::Column::PlayerId))
                .equals((player::Entity, player::Column::Id)),
        )
        .and_where(Expr::col((player::Entity, player::Column::Id)).eq(player.0))
        .and_where(Expr::col((player::Entity, player::Column::TenantId)).eq(tenant.0));
    joined::select_prefixed::<player::Entity>(&mut select, "p_");
    joined::select_prefixed::<tenant_policy::Entity>(&mut select, "t_");
    joined::select_prefixed::<player_limit::Entity>(&mut select, "l_");
    select.expr_as(deposit_window_sum(now), Alias::new("l_window_sum"));
    let rows = txn.query_all(&select).await?;
    let row = rows.first().ok_or(StoreError::NotFound("player"))?;
    let mut limit_rows = Vec::with_capacity(rows.len());
    let mut deposit_sums = HashMap::new();
    for found in &rows {
        if found.try_get::<Option<Uuid>>("", "l_player_id")?.is_some() {
            let limit = player_limit::Model::from_query_result(found, "l_")?;
            if let (Some(units), Ok(period)) = (
                found.try_get::<Option<i64>>("", "l_window_sum")?,
                LimitPeriod::parse(&limit.period),
            ) {
                deposit_sums.insert(period, units);
            }
            limit_rows.push(limit);
        }
    }
    let player_row = player::Model::from_query_result(row, "p_")?;
    let policy = match row.try_get::<Option<Uuid>>("", "t_tenant_id")? {
        Some(_) => mapping::tenant_policy(&tenant_policy::Model::from_query_result(row, "t_")?)?,
        None => TenantPolicy::default(),
    };
    let player = mapping::player(player_row)?;
    let exclusions = exclusions_not_ended(txn, player.id, now).await?;
    Ok(Protection {
        limits: mapping::player_limits(player.currency, &limit_rows)?,
        deposit_sums,
        policy,
        player,
        exclusions,
    })
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
pub(crate) fn checked(err: CheckError) -> StoreError {
    StoreError::Ledger(match err {
        CheckError::NotPositive => LedgerError::NotPositive,
        CheckError::CurrencyMismatch { expected, found } => {
            LedgerError::CurrencyMismatch { expected, found }
        }
        CheckError::OutOfRange => LedgerError::Overflow,
    })
}
