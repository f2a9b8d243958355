//! Reading wallets, transaction history and anomalies.

use ledger::PlayerId;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::db::Db;
use crate::entities::{anomaly, ledger_transaction, wallet};
use crate::error::StoreResult;
use crate::mapping;
use crate::pagination::{Page, PageRequest, fetch_page};
use crate::records::{Anomaly, RecordedTransaction, WalletSnapshot};
use crate::scope::TenantScope;

impl Db {
    /// The player's wallet.
    pub async fn wallet(&self, player: PlayerId) -> StoreResult<Option<WalletSnapshot>> {
        wallet::Entity::find_by_id(player.0)
            .one(self.conn())
            .await?
            .map(mapping::wallet)
            .transpose()
    }

    /// A page of the ledger movements on the player's wallet, newest first.
    pub async fn transactions_of_player(
        &self,
        player: PlayerId,
        page: PageRequest,
    ) -> StoreResult<Page<RecordedTransaction>> {
        let select = ledger_transaction::Entity::find()
            .filter(ledger_transaction::Column::PlayerId.eq(player.0));
        fetch_page(
            select,
            ledger_transaction::Column::Id,
            page,
            |t| t.id,
            self.conn(),
        )
        .await?
        .try_map(mapping::transaction)
    }

    /// A page of anomalies in `scope`.
    pub async fn anomalies(
        &self,
        scope: TenantScope,
        page: PageRequest,
    ) -> StoreResult<Page<Anomaly>> {
        let select = scope.restrict(anomaly::Entity::find(), anomaly::Column::TenantId);
        Ok(
            fetch_page(select, anomaly::Column::Id, page, |a| a.id, self.conn())
                .await?
                .map(mapping::anomaly),
        )
    }
}
