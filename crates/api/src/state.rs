//! What every handler shares.

use std::sync::Arc;
use std::time::Duration;

use persistence::games::GameCalls;
use persistence::{Db, DepositEvents, Rounds, WithdrawalRequests};
use psp::PaymentProvider;
use rust_decimal::Decimal;
use secrecy::SecretString;

use crate::auth::TokenKeys;
use crate::game_keys::GameKeys;
use crate::throttle::Throttle;

/// Shared application state (one per server, cloned into each worker as `web::Data`).
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Settles deposit webhooks in rounds.
    pub deposits: Rounds<DepositEvents>,
    /// Settles withdrawal requests in rounds.
    pub withdrawals: Rounds<WithdrawalRequests>,
    /// Settles game providers' bets, wins and rollbacks in rounds.
    pub games: Rounds<GameCalls>,
    /// Game providers' signing keys, cached.
    pub game_keys: GameKeys,
    /// The PSP (`mock`).
    pub psp: Arc<dyn PaymentProvider>,
    /// Token keys.
    pub tokens: TokenKeys,
    /// Login and registration limits.
    pub throttle: Throttle,
    /// Secrets accepted on webhook signatures (current first, then previous).
    pub webhook_secrets: Vec<SecretString>,
    /// Accepted webhook clock skew, seconds.
    pub webhook_tolerance_s: i64,
    /// Largest amount of one operation.
    pub amount_max: Decimal,
    /// Largest request body.
    pub body_limit_bytes: usize,
    /// Admin token lifetime, seconds.
    pub admin_token_ttl_s: u64,
    /// Player token lifetime, seconds.
    pub player_token_ttl_s: u64,
    /// After how long an in-flight idempotency record may be taken over.
    pub idempotency_lease: Duration,
    /// Lifetime of a player's game session.
    pub game_session_ttl: chrono::Duration,
    /// The key sealing provider accounts' secrets (`None`: not configured,
    /// so no account can be created).
    pub secrets_key: Option<Arc<persistence::psp_accounts::SecretsKey>>,
    /// Timeout of one call to a tenant's provider account, ms.
    pub psp_timeout_ms: u64,
}
