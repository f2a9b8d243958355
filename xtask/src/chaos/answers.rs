//! Which answers are definitive: for a game-wallet call a `200` with a `status`,
//! for a withdrawal request a `200`/`201` or a `4xx` that the idempotency protocol
//! stores. Everything else (no answer, a timeout, a `5xx`, `409
//! idempotency_key_in_flight`, `429`) is retried with the identical request.

use serde_json::Value;

use super::journal::WithdrawalAnswer;

/// Why an attempt was not definitive, for the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryCause {
    /// No HTTP answer: connection refused or reset (the server restarting).
    Transport,
    /// The client's per-attempt timeout ran out.
    Timeout,
    /// A `5xx`.
    ServerError,
    /// `409 idempotency_key_in_flight`: the first attempt is still running (or
    /// its lease has not expired since the server died under it).
    InFlight,
    /// `429 rate_limited`.
    Throttled,
    /// An answer the contract does not allow here (e.g. a game call's `401`, a
    /// `200` without a `status`); retried, and counted so it shows.
    Unexpected,
}

impl RetryCause {
    /// Every cause, in the summary's order.
    pub const ALL: [RetryCause; 6] = [
        Self::Transport,
        Self::Timeout,
        Self::ServerError,
        Self::InFlight,
        Self::Throttled,
        Self::Unexpected,
    ];

    /// The summary's name of the cause.
    pub fn name(self) -> &'static str {
        match self {
            Self::Transport => "connection",
            Self::Timeout => "timeout",
            Self::ServerError => "5xx",
            Self::InFlight => "in-flight",
            Self::Throttled => "429",
            Self::Unexpected => "unexpected",
        }
    }

    /// The cause's position in [`RetryCause::ALL`].
    pub fn index(self) -> usize {
        match self {
            Self::Transport => 0,
            Self::Timeout => 1,
            Self::ServerError => 2,
            Self::InFlight => 3,
            Self::Throttled => 4,
            Self::Unexpected => 5,
        }
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict<T> {
    /// The call is answered for good.
    Definitive(T),
    /// Send the identical request again.
    Retry(RetryCause),
}

/// The definitive part of a game-wallet answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameAnswer {
    /// Its `status` (`ok`, `insufficient_funds`, ...).
    pub status: String,
    /// Its `kasa_transaction_id`, when present.
    pub kasa_transaction_id: Option<String>,
}

/// Judges a game-wallet answer: only a `200` whose JSON has a string `status` is
/// definitive.
pub fn game_verdict(http_status: u16, body: &[u8]) -> Verdict<GameAnswer> {
    match http_status {
        200 => {
            let answer = serde_json::from_slice::<Value>(body).ok();
            let field = |name: &str| {
                answer
                    .as_ref()
                    .and_then(|a| a.get(name))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            match field("status") {
                Some(status) => Verdict::Definitive(GameAnswer {
                    status,
                    kasa_transaction_id: field("kasa_transaction_id"),
                }),
                None => Verdict::Retry(RetryCause::Unexpected),
            }
        }
        500..=599 => Verdict::Retry(RetryCause::ServerError),
        429 => Verdict::Retry(RetryCause::Throttled),
        _ => Verdict::Retry(RetryCause::Unexpected),
    }
}

/// Judges a withdrawal answer: `200`/`201` with an `id`, or a stored `4xx`.
pub fn withdrawal_verdict(http_status: u16, body: &[u8]) -> Verdict<WithdrawalAnswer> {
    let answer = serde_json::from_slice::<Value>(body).ok();
    let field = |name: &str| {
        answer
            .as_ref()
            .and_then(|a| a.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match http_status {
        200 | 201 => match field("id") {
            Some(id) => Verdict::Definitive(WithdrawalAnswer::Created { id }),
            None => Verdict::Retry(RetryCause::Unexpected),
        },
        409 if field("code").as_deref() == Some("idempotency_key_in_flight") => {
            Verdict::Retry(RetryCause::InFlight)
        }
        429 => Verdict::Retry(RetryCause::Throttled),
        400..=499 => Verdict::Definitive(WithdrawalAnswer::Refused {
            status: http_status,
            code: field("code").unwrap_or_default(),
        }),
        500..=599 => Verdict::Retry(RetryCause::ServerError),
        _ => Verdict::Retry(RetryCause::Unexpected),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_game_call_is_answered_by_a_200_with_a_status() {
        let ok = br#"{"status":"ok","balance":"9.00","currency":"EUR","transaction_id":"t","kasa_transaction_id":"k"}"#;
        assert_eq!(
            game_verdict(200, ok),
            Verdict::Definitive(GameAnswer {
                status: "ok".into(),
                kasa_transaction_id: Some("k".into()),
            })
        );
        let refused = br#"{"status":"insufficient_funds","balance":"0.50"}"#;
        assert_eq!(
            game_verdict(200, refused),
            Verdict::Definitive(GameAnswer {
                status: "insufficient_funds".into(),
                kasa_transaction_id: None,
            })
        );
        assert_eq!(
            game_verdict(200, b"{}"),
            Verdict::Retry(RetryCause::Unexpected)
        );
        assert_eq!(
            game_verdict(503, b"{}"),
            Verdict::Retry(RetryCause::ServerError)
        );
        assert_eq!(
            game_verdict(401, br#"{"code":"invalid_signature"}"#),
            Verdict::Retry(RetryCause::Unexpected)
        );
    }

    #[test]
    fn a_withdrawal_is_answered_by_a_created_one_or_a_stored_refusal() {
        assert_eq!(
            withdrawal_verdict(201, br#"{"id":"w1","state":"requested"}"#),
            Verdict::Definitive(WithdrawalAnswer::Created { id: "w1".into() })
        );
        assert_eq!(
            withdrawal_verdict(200, br#"{"id":"w1"}"#),
            Verdict::Definitive(WithdrawalAnswer::Created { id: "w1".into() })
        );
        assert_eq!(
            withdrawal_verdict(422, br#"{"code":"insufficient_funds"}"#),
            Verdict::Definitive(WithdrawalAnswer::Refused {
                status: 422,
                code: "insufficient_funds".into(),
            })
        );
        assert_eq!(
            withdrawal_verdict(409, br#"{"code":"idempotency_key_in_flight"}"#),
            Verdict::Retry(RetryCause::InFlight)
        );
        assert_eq!(
            withdrawal_verdict(409, br#"{"code":"invalid_state_transition"}"#),
            Verdict::Definitive(WithdrawalAnswer::Refused {
                status: 409,
                code: "invalid_state_transition".into(),
            })
        );
        assert_eq!(
            withdrawal_verdict(429, b""),
            Verdict::Retry(RetryCause::Throttled)
        );
        assert_eq!(
            withdrawal_verdict(500, br#"{"code":"internal"}"#),
            Verdict::Retry(RetryCause::ServerError)
        );
        assert_eq!(
            withdrawal_verdict(201, b"not json"),
            Verdict::Retry(RetryCause::Unexpected)
        );
    }

    #[test]
    fn every_cause_sits_at_its_index() {
        for (i, cause) in RetryCause::ALL.iter().enumerate() {
            assert_eq!(cause.index(), i);
        }
    }
}
