//! The closed sets of the contract as OpenAPI string enums, so generated
//! clients get union types (a state badge can be typed). Each set is built from
//! the domain's own list where the domain has one, so the document cannot drift.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// A string schema allowing exactly `values`.
fn string_enum<I: IntoIterator<Item = &'static str>>(
    description: &str,
    values: I,
) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description.trim()))
        .enum_values(Some(values))
        .into()
}

/// Declares a schema-only type whose schema is a string enum.
macro_rules! closed_set {
    ($(#[doc = $doc:literal])+ $name:ident => $values:expr) => {
        $(#[doc = $doc])+
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                string_enum(concat!($($doc),+), $values)
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

closed_set! {
    /// State of a withdrawal.
    WithdrawalState => withdrawal::WithdrawalState::ALL.map(withdrawal::WithdrawalState::as_str)
}

closed_set! {
    /// Protocol of a provider account.
    ProviderKind => psp::account::ProviderKind::ALL.map(psp::account::ProviderKind::as_str)
}

closed_set! {
    /// Status of a payout attempt.
    AttemptStatus => payout::AttemptStatus::ALL.map(payout::AttemptStatus::as_str)
}

closed_set! {
    /// Status of a deposit.
    DepositStatus => ::deposit::DepositStatus::ALL.map(::deposit::DepositStatus::as_str)
}

closed_set! {
    /// Kind of a ledger transaction.
    TransactionKind => ledger::TransactionKind::ALL.map(ledger::TransactionKind::as_str)
}

closed_set! {
    /// Kind of a game transaction.
    GameTransactionKind => games::GameTxKind::ALL.map(games::GameTxKind::as_str)
}

closed_set! {
    /// Where a game transaction is in its life.
    GameTransactionState => games::GameTxState::ALL.map(games::GameTxState::as_str)
}

closed_set! {
    /// The status of a game-wallet answer.
    GameStatus => games::GameStatus::ALL.map(games::GameStatus::as_str)
}

closed_set! {
    /// What a game provider's call asks.
    GameAction => crate::metrics::catalog::GAME_ACTIONS
}

closed_set! {
    /// Where a player's identity check (KYC) stands.
    KycStatus => protection::KycStatus::ALL.map(protection::KycStatus::as_str)
}

closed_set! {
    /// What a player's exclusion is: a timeout (1 to 42 days) or a
    /// self-exclusion (180 to 1825 days).
    ExclusionKind => protection::ExclusionKind::ALL.map(protection::ExclusionKind::as_str)
}

closed_set! {
    /// An action a tenant may reserve for KYC-verified players.
    GatedAction => protection::GatedAction::ALL.map(protection::GatedAction::as_str)
}

closed_set! {
    /// Role of an admin user.
    Role => persistence::records::Role::ALL.map(persistence::records::Role::as_str)
}

closed_set! {
    /// ISO 4217 code of a currency Kasa keeps wallets in.
    Currency => ledger::Currency::ALL.map(ledger::Currency::code)
}

closed_set! {
    /// What a reconciliation finding is.
    FindingKind => persistence::records::FindingKind::ALL.map(persistence::records::FindingKind::as_str)
}

closed_set! {
    /// Status of a reconciliation run (its job's status).
    RunStatus => persistence::records::RunStatus::ALL.map(persistence::records::RunStatus::as_str)
}

closed_set! {
    /// What Kasa did with a webhook event.
    WebhookOutcome => {
        use persistence::EventOutcome as O;
        [O::Processed, O::Duplicate, O::Anomaly].map(O::as_str)
    }
}

closed_set! {
    /// Type of a PSP webhook event.
    EventType => {
        use psp::event::EventType as E;
        [E::DepositSucceeded, E::DepositFailed, E::PayoutSucceeded, E::PayoutFailed, E::PayoutReversed]
            .map(E::as_str)
    }
}

closed_set! {
    /// Stable error code of a problem document.
    ProblemCode => PROBLEM_CODES
}

/// Every `code` a problem document can carry (`ApiError::code`).
pub const PROBLEM_CODES: [&str; 23] = [
    "validation_failed",
    "unauthorized",
    "forbidden",
    "not_found",
    "insufficient_funds",
    "currency_mismatch",
    "player_blocked",
    "kyc_required",
    "limit_reached",
    "already_exists",
    "invalid_state_transition",
    "same_approver",
    "psp_unavailable",
    "idempotency_key_missing",
    "idempotency_key_reused",
    "idempotency_key_in_flight",
    "invalid_signature",
    "reference_not_found",
    "payload_too_large",
    "rate_limited",
    "unavailable",
    "method_not_allowed",
    "internal",
];

closed_set! {
    /// What a player's limit caps: deposits (gross, not failed), losses
    /// (bets − wins − rollbacks) or wagers (bets − rollbacks).
    LimitKind => protection::LimitKind::ALL.map(protection::LimitKind::as_str)
}

closed_set! {
    /// The rolling window of a player's limit: the last 24 hours, 7 days
    /// or 30 days.
    LimitPeriod => protection::LimitPeriod::ALL.map(protection::LimitPeriod::as_str)
}

#[cfg(test)]
mod tests {
    use super::PROBLEM_CODES;
    use crate::problem::ApiError;

    /// Lists one error of every variant; the match makes a new variant a
    /// compile error here until it is listed.
    fn every_error() -> Vec<ApiError> {
        let all = vec![
            ApiError::Validation(String::new()),
            ApiError::MalformedJson(String::new()),
            ApiError::Unauthorized,
            ApiError::Forbidden,
            ApiError::CorsRefused(String::new()),
            ApiError::NotFound("x"),
            ApiError::InsufficientFunds(String::new()),
            ApiError::CurrencyMismatch(String::new()),
            ApiError::PlayerBlocked(String::new()),
            ApiError::KycRequired(String::new()),
            ApiError::LimitReached(String::new()),
            ApiError::InvalidStateTransition(String::new()),
            ApiError::SameApprover(String::new()),
            ApiError::PspUnavailable,
            ApiError::AlreadyExists("x"),
            ApiError::IdempotencyKeyMissing(String::new()),
            ApiError::IdempotencyKeyReused,
            ApiError::IdempotencyKeyInFlight,
            ApiError::InvalidSignature(String::new()),
            ApiError::ReferenceNotFound("x"),
            ApiError::PayloadTooLarge(1),
            ApiError::RateLimited { retry_after_s: 1 },
            ApiError::Unavailable,
            ApiError::MethodNotAllowed,
            ApiError::Internal,
        ];
        for e in &all {
            match e {
                ApiError::Validation(_)
                | ApiError::MalformedJson(_)
                | ApiError::Unauthorized
                | ApiError::Forbidden
                | ApiError::CorsRefused(_)
                | ApiError::NotFound(_)
                | ApiError::InsufficientFunds(_)
                | ApiError::CurrencyMismatch(_)
                | ApiError::PlayerBlocked(_)
                | ApiError::KycRequired(_)
                | ApiError::LimitReached(_)
                | ApiError::InvalidStateTransition(_)
                | ApiError::SameApprover(_)
                | ApiError::PspUnavailable
                | ApiError::AlreadyExists(_)
                | ApiError::IdempotencyKeyMissing(_)
                | ApiError::IdempotencyKeyReused
                | ApiError::IdempotencyKeyInFlight
                | ApiError::InvalidSignature(_)
                | ApiError::ReferenceNotFound(_)
                | ApiError::PayloadTooLarge(_)
                | ApiError::RateLimited { .. }
                | ApiError::Unavailable
                | ApiError::MethodNotAllowed
                | ApiError::Internal => {}
            }
        }
        all
    }

    #[test]
    fn the_problem_code_enum_is_exactly_the_codes_of_api_error() {
        let mut codes: Vec<&str> = every_error().iter().map(ApiError::code).collect();
        codes.sort_unstable();
        codes.dedup();
        let mut listed = PROBLEM_CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(codes, listed);
    }
}
