//! Route table of `/api/v1` and the operational endpoints.

use actix_web::web;

pub mod admin;
pub mod admin_players;
pub mod admin_withdrawals;
pub mod auth;
pub mod exclusions;
pub mod game_providers;
pub mod game_sessions;
pub mod game_wallet;
pub mod health;
pub mod limits;
pub mod me;
pub mod psp_accounts;
pub mod queries;
pub mod reconciliation;
pub mod tenant_policy;
pub mod webhooks;
pub mod withdrawals;

pub use queries::PageQuery;

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(
            web::scope("/api/v1")
                .service(crate::openapi::openapi_json)
                .service(auth::admin_login)
                .service(auth::player_register)
                .service(auth::player_login)
                .service(admin::create_tenant)
                .service(tenant_policy::get_policy)
                .service(tenant_policy::put_policy)
                .service(admin::create_user)
                .service(admin::verify_ledger)
                .service(admin::anomalies)
                .service(admin::verify_audit)
                .service(admin::audit_events)
                .service(admin::deposits)
                .service(admin_players::players)
                .service(admin_players::player_by_id)
                .service(admin_players::player_wallet)
                .service(admin_players::player_transactions)
                .service(admin_players::set_kyc)
                .service(limits::of_player)
                .service(me::profile)
                .service(me::wallet)
                .service(me::transactions)
                .service(me::create_deposit)
                .service(me::deposits)
                .service(me::deposit)
                .service(exclusions::create)
                .service(exclusions::list)
                .service(exclusions::of_player)
                .service(limits::mine)
                .service(limits::set)
                .service(withdrawals::create)
                .service(withdrawals::list)
                .service(withdrawals::get)
                .service(withdrawals::cancel)
                .service(admin_withdrawals::list)
                .service(admin_withdrawals::get)
                .service(admin_withdrawals::approve)
                .service(admin_withdrawals::reject)
                .service(admin_withdrawals::payouts)
                .service(admin_withdrawals::recheck)
                .service(reconciliation::create)
                .service(reconciliation::list)
                .service(reconciliation::get)
                .service(webhooks::receive)
                .service(webhooks::receive_for_account)
                .service(game_providers::create)
                .service(game_providers::list)
                .service(game_providers::rotate_secret)
                .service(game_providers::transactions)
                .service(psp_accounts::create)
                .service(psp_accounts::list)
                .service(psp_accounts::rotate)
                .service(game_sessions::open)
                .service(game_sessions::revoke)
                .service(game_wallet::call),
        );
}
