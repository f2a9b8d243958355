//! Scripted outcomes: what the mock PSP does with the next create call.

use serde::{Deserialize, Serialize};

/// Which create call a [`Script`] applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    /// `create_deposit`.
    Deposit,
    /// `create_payout`.
    Payout,
}

/// What happens to a scripted transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Accepted as pending, then succeeds (`*.succeeded` webhook).
    #[default]
    Succeed,
    /// Accepted as pending, then fails (`*.failed` webhook).
    Fail,
    /// Refused at once (422), nothing recorded.
    Decline,
    /// Carried out (succeeded, or failed when a failure code is given) but the caller
    /// gets no answer and no webhook is sent; only a later `GET` or the report tells.
    Timeout,
}

/// One scripted outcome, consumed by the next create call of its [`Operation`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Script {
    /// What happens.
    pub outcome: Outcome,
    /// Delay before the outcome and its webhook, ms; the mock's default when `None`.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Deliver the webhook twice (same event id, same body).
    #[serde(default)]
    pub duplicate: bool,
    /// Failure code for `Fail`, `Decline` and a failing `Timeout`.
    #[serde(default)]
    pub failure_code: Option<String>,
    /// After the outcome's webhook, send a contradicting one (a fresh event id,
    /// after the same delay): `*.failed` after a success, `*.succeeded` after a
    /// failure. The mock's own record keeps the first outcome.
    #[serde(default)]
    pub contradict: bool,
}

impl Script {
    /// Accept, then succeed.
    pub fn succeed() -> Self {
        Self::with(Outcome::Succeed, None)
    }

    /// Accept, then fail with `failure_code`.
    pub fn fail(failure_code: impl Into<String>) -> Self {
        Self::with(Outcome::Fail, Some(failure_code.into()))
    }

    /// Refuse at once with `code`.
    pub fn decline(code: impl Into<String>) -> Self {
        Self::with(Outcome::Decline, Some(code.into()))
    }

    /// Carry out successfully but give the caller no answer and send no webhook.
    pub fn timeout() -> Self {
        Self::with(Outcome::Timeout, None)
    }

    /// This script with an outcome delay of `delay_ms`.
    pub fn delay_ms(mut self, delay_ms: u64) -> Self {
        self.delay_ms = Some(delay_ms);
        self
    }

    /// This script with its webhook delivered twice.
    pub fn duplicated(mut self) -> Self {
        self.duplicate = true;
        self
    }

    /// This script with a contradicting webhook after its outcome's one.
    pub fn contradicted(mut self) -> Self {
        self.contradict = true;
        self
    }

    fn with(outcome: Outcome, failure_code: Option<String>) -> Self {
        Self {
            outcome,
            delay_ms: None,
            duplicate: false,
            failure_code,
            contradict: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_parses_with_only_an_outcome() {
        let script: Result<Script, _> = serde_json::from_str(r#"{"outcome":"timeout"}"#);
        assert_eq!(script.ok(), Some(Script::timeout()));
    }

    #[test]
    fn outcome_names_are_lowercase() {
        for (outcome, name) in [
            (Outcome::Succeed, "succeed"),
            (Outcome::Fail, "fail"),
            (Outcome::Decline, "decline"),
            (Outcome::Timeout, "timeout"),
        ] {
            assert_eq!(
                serde_json::to_value(outcome).ok(),
                Some(serde_json::Value::String(name.to_owned()))
            );
        }
    }
}
