//! Ledger verification: every wallet equals the sum of its postings, and every
//! ledger transaction balances to zero per currency. Drift is reported, never
//! silently repaired. All reads of one run see one snapshot, so a movement
//! committing meanwhile is either wholly seen or not at all.

use std::collections::HashMap;

use ledger::Account;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::Db;
use crate::entities::{ledger_posting, wallet};
use crate::error::StoreResult;
use crate::scope::TenantScope;

/// One broken invariant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mismatch {
    /// A wallet projection differs from its postings.
    Wallet {
        /// The wallet's player.
        player_id: Uuid,
        /// `available` or `held`.
        balance: &'static str,
        /// What the wallet row says, in minor units.
        projection_minor: i64,
        /// What the postings add up to, in minor units.
        ledger_minor: i64,
    },
    /// A transaction whose postings do not sum to zero in one currency.
    UnbalancedTransaction {
        /// The transaction.
        transaction_id: Uuid,
        /// The currency that does not balance.
        currency: String,
        /// The non-zero sum, in minor units.
        sum_minor: i64,
    },
}

/// Result of a verification run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LedgerReport {
    /// True when nothing is broken.
    pub ok: bool,
    /// How many wallets were compared.
    pub wallets_checked: u64,
    /// Everything broken.
    pub mismatches: Vec<Mismatch>,
}

/// A mismatch read back from a stored outcome (an idempotent verification).
impl<'de> Deserialize<'de> for Mismatch {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        enum Stored {
            Wallet {
                player_id: Uuid,
                balance: String,
                projection_minor: i64,
                ledger_minor: i64,
            },
            UnbalancedTransaction {
                transaction_id: Uuid,
                currency: String,
                sum_minor: i64,
            },
        }
        Ok(match Stored::deserialize(d)? {
            Stored::Wallet {
                player_id,
                balance,
                projection_minor,
                ledger_minor,
            } => Mismatch::Wallet {
                player_id,
                balance: match balance.as_str() {
                    "available" => "available",
                    "held" => "held",
                    other => {
                        return Err(serde::de::Error::custom(format!(
                            "unknown balance {other:?}"
                        )));
                    }
                },
                projection_minor,
                ledger_minor,
            },
            Stored::UnbalancedTransaction {
                transaction_id,
                currency,
                sum_minor,
            } => Mismatch::UnbalancedTransaction {
                transaction_id,
                currency,
                sum_minor,
            },
        })
    }
}

const SUM_MINOR: &str = "CAST(SUM(amount_minor) AS BIGINT)";

impl Db {
    /// Verifies the ledger of the tenants in `scope`, reading one
    /// consistent snapshot.
    pub async fn verify_ledger(&self, scope: TenantScope) -> StoreResult<LedgerReport> {
        let txn = self.read_snapshot().await?;
        let report = ledger_report(&txn, scope.tenant_id()).await?;
        txn.commit().await?;
        Ok(report)
    }
}

async fn ledger_report<C: ConnectionTrait>(
    db: &C,
    tenant: Option<Uuid>,
) -> StoreResult<LedgerReport> {
    let mut mismatches = unbalanced_transactions(db, tenant).await?;
    let sums = player_account_sums(db, tenant).await?;
    let mut wallets = wallet::Entity::find();
    if let Some(tenant) = tenant {
        wallets = wallets.filter(wallet::Column::TenantId.eq(tenant));
    }
    let wallets = wallets.all(db).await?;
    for w in &wallets {
        let available = sums.get(&(w.player_id, "available")).copied().unwrap_or(0);
        let held = sums.get(&(w.player_id, "held")).copied().unwrap_or(0);
        for (balance, projection_minor, ledger_minor) in [
            ("available", w.available_minor, available),
            ("held", w.held_minor, held),
        ] {
            if projection_minor != ledger_minor {
                mismatches.push(Mismatch::Wallet {
                    player_id: w.player_id,
                    balance,
                    projection_minor,
                    ledger_minor,
                });
            }
        }
    }
    Ok(LedgerReport {
        ok: mismatches.is_empty(),
        wallets_checked: wallets.len() as u64,
        mismatches,
    })
}

async fn player_account_sums<C: ConnectionTrait>(
    db: &C,
    tenant: Option<Uuid>,
) -> StoreResult<HashMap<(Uuid, &'static str), i64>> {
    let mut query = ledger_posting::Entity::find()
        .select_only()
        .column(ledger_posting::Column::Account)
        .column_as(Expr::cust(SUM_MINOR), "sum_minor")
        .filter(ledger_posting::Column::PlayerId.is_not_null())
        .group_by(ledger_posting::Column::Account);
    if let Some(tenant) = tenant {
        query = query.filter(ledger_posting::Column::TenantId.eq(tenant));
    }
    let rows: Vec<(String, i64)> = query.into_tuple().all(db).await?;
    let mut sums = HashMap::with_capacity(rows.len());
    for (code, sum) in rows {
        match Account::parse(&code)? {
            Account::PlayerAvailable(p) => sums.insert((p.0, "available"), sum),
            Account::PlayerHeld(p) => sums.insert((p.0, "held"), sum),
            Account::PspClearing { .. } | Account::GamesHouse { .. } => None,
        };
    }
    Ok(sums)
}

async fn unbalanced_transactions<C: ConnectionTrait>(
    db: &C,
    tenant: Option<Uuid>,
) -> StoreResult<Vec<Mismatch>> {
    let mut query = ledger_posting::Entity::find()
        .select_only()
        .column(ledger_posting::Column::TransactionId)
        .column(ledger_posting::Column::Currency)
        .column_as(Expr::cust(SUM_MINOR), "sum_minor")
        .group_by(ledger_posting::Column::TransactionId)
        .group_by(ledger_posting::Column::Currency)
        .having(Expr::cust("SUM(amount_minor) <> 0"));
    if let Some(tenant) = tenant {
        query = query.filter(ledger_posting::Column::TenantId.eq(tenant));
    }
    let rows: Vec<(Uuid, String, i64)> = query.into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .map(
            |(transaction_id, currency, sum_minor)| Mismatch::UnbalancedTransaction {
                transaction_id,
                currency,
                sum_minor,
            },
        )
        .collect())
}
