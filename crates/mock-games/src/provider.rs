//! The provider's side: signed `POST /game-wallet/{tenant}/{provider}/{action}` calls.

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::answer::Answer;
use crate::error::PlayError;
use crate::signing;

/// A game-wallet action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `balance {session}`.
    Balance,
    /// `bet {session, transaction_id, round_id, game, amount, currency, round_closed?}`.
    Bet,
    /// `win {…same as bet}`.
    Win,
    /// `rollback {session, transaction_id, reference_transaction_id, round_id, game}`.
    Rollback,
}

impl Action {
    /// The action's path segment.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Balance => "balance",
            Action::Bet => "bet",
            Action::Win => "win",
            Action::Rollback => "rollback",
        }
    }
}

/// Which secret signs a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    /// The provider's secret.
    Valid,
    /// A secret Kasa does not know.
    Forged,
}

/// One provider's calls into one tenant's game wallet.
#[derive(Debug)]
pub struct ProviderApi {
    http: reqwest::Client,
    base: String,
    tenant: String,
    provider: String,
    secret: SecretString,
}

impl ProviderApi {
    /// Calls under API base `base` for `provider` of `tenant`, signed with `secret`.
    pub fn new(
        http: reqwest::Client,
        base: &str,
        tenant: &str,
        provider: &str,
        secret: SecretString,
    ) -> Self {
        Self {
            http,
            base: base.to_owned(),
            tenant: tenant.to_owned(),
            provider: provider.to_owned(),
            secret,
        }
    }

    /// Sends `body` to `action`, signed as `signed_as` says, and reads the answer
    /// whatever its status.
    pub async fn call(
        &self,
        action: Action,
        body: &Value,
        signed_as: Signing,
    ) -> Result<Answer, PlayError> {
        let path = format!(
            "/game-wallet/{}/{}/{}",
            self.tenant,
            self.provider,
            action.as_str()
        );
        let label = format!("POST {path}");
        let bytes =
            serde_json::to_vec(body).map_err(|error| PlayError::Setup(error.to_string()))?;
        let secret = self.secret.expose_secret().as_bytes();
        let header = match signed_as {
            Signing::Valid => signing::header_value(secret, signing::now_unix_s(), &bytes),
            Signing::Forged => signing::header_value(
                &signing::wrong_secret(secret),
                signing::now_unix_s(),
                &bytes,
            ),
        };
        let transport = |source| PlayError::Transport {
            request: label.clone(),
            source,
        };
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(signing::HEADER, header)
            .body(bytes)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(transport)?;
        Ok(Answer::read(status, &body))
    }
}
