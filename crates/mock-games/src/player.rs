//! The player's side of Kasa's API that a game launch needs: log in, open and
//! revoke a game session, read the wallet.

use std::time::Duration;

use reqwest::{Method, RequestBuilder};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use crate::error::PlayError;

/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// Characters of an unexpected body kept for a message.
const EXCERPT: usize = 300;

/// The HTTP client every request of a run goes through.
pub fn http_client() -> Result<reqwest::Client, PlayError> {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .map_err(|source| PlayError::Transport {
            request: "building the HTTP client".to_owned(),
            source,
        })
}

/// The API base (`…/api/v1`) of a Kasa URL given with or without it.
pub fn api_base(kasa_url: &str) -> String {
    let trimmed = kasa_url.trim_end_matches('/');
    if trimmed.ends_with("/api/v1") {
        trimmed.to_owned()
    } else {
        format!("{trimmed}/api/v1")
    }
}

/// Sends `request` and returns its JSON body (`Null` when empty) if the status
/// is `expected`.
pub(crate) async fn expect_json(
    request: RequestBuilder,
    label: &str,
    expected: u16,
) -> Result<Value, PlayError> {
    let transport = |source| PlayError::Transport {
        request: label.to_owned(),
        source,
    };
    let response = request.send().await.map_err(transport)?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(transport)?;
    if status != expected {
        let text = String::from_utf8_lossy(&body);
        return Err(PlayError::PlayerApi {
            request: label.to_owned(),
            expected,
            status,
            body: text.chars().take(EXCERPT).collect(),
        });
    }
    if body.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&body).map_err(|error| PlayError::Unreadable {
        request: label.to_owned(),
        detail: error.to_string(),
    })
}

/// The string field `name` of `body`, or an error naming the request.
pub(crate) fn required(body: &Value, name: &str, label: &str) -> Result<String, PlayError> {
    body.get(name)
        .and_then(Value::as_str)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| PlayError::Unreadable {
            request: label.to_owned(),
            detail: format!("no `{name}` string"),
        })
}

/// A game session as `POST /me/game-sessions` opened it.
#[derive(Debug)]
pub struct GameSession {
    /// The session's id (for `DELETE /me/game-sessions/{id}`).
    pub id: String,
    /// The token the provider carries in every call.
    pub token: SecretString,
    /// The wallet's currency.
    pub currency: String,
    /// When the session expires.
    pub expires_at: String,
}

/// The player's wallet, as `GET /me/wallet` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wallet {
    /// `available`, a decimal string.
    pub available: String,
    /// `held`, a decimal string.
    pub held: String,
    /// The wallet's currency.
    pub currency: String,
}

/// A logged-in player.
#[derive(Debug)]
pub struct PlayerApi {
    http: reqwest::Client,
    base: String,
    token: SecretString,
}

impl PlayerApi {
    /// `POST /auth/player/login` as `email` in tenant `tenant`.
    pub async fn login(
        http: reqwest::Client,
        base: &str,
        tenant: &str,
        email: &str,
        password: &SecretString,
    ) -> Result<Self, PlayError> {
        let body = json!({"tenant": tenant, "email": email, "password": password.expose_secret()});
        let request = http.post(format!("{base}/auth/player/login")).json(&body);
        let answer = expect_json(request, "POST /auth/player/login", 200).await?;
        let token = required(&answer, "access_token", "POST /auth/player/login")?;
        Ok(Self {
            http,
            base: base.to_owned(),
            token: SecretString::from(token),
        })
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(self.token.expose_secret())
    }

    /// `POST /me/game-sessions {provider, game}` -> 201.
    pub async fn open_session(&self, provider: &str, game: &str) -> Result<GameSession, PlayError> {
        const LABEL: &str = "POST /me/game-sessions";
        let request = self
            .request(Method::POST, "/me/game-sessions")
            .json(&json!({"provider": provider, "game": game}));
        let answer = expect_json(request, LABEL, 201).await?;
        Ok(GameSession {
            id: required(&answer, "id", LABEL)?,
            token: SecretString::from(required(&answer, "token", LABEL)?),
            currency: required(&answer, "currency", LABEL)?,
            expires_at: required(&answer, "expires_at", LABEL)?,
        })
    }

    /// `DELETE /me/game-sessions/{id}` -> 204: the session ends.
    pub async fn revoke_session(&self, id: &str) -> Result<(), PlayError> {
        let path = format!("/me/game-sessions/{id}");
        let request = self.request(Method::DELETE, &path);
        expect_json(request, &format!("DELETE {path}"), 204).await?;
        Ok(())
    }

    /// `POST /me/deposits {amount, currency}` with a fresh `Idempotency-Key`,
    /// then `GET /me/deposits/{id}` until the PSP has settled it (at most
    /// about 15 s); an error unless it `succeeded`.
    pub async fn deposit(&self, amount: &str, currency: &str) -> Result<(), PlayError> {
        const LABEL: &str = "POST /me/deposits";
        let request = self
            .request(Method::POST, "/me/deposits")
            .header("Idempotency-Key", uuid::Uuid::now_v7().to_string())
            .json(&json!({"amount": amount, "currency": currency}));
        let answer = expect_json(request, LABEL, 201).await?;
        let id = required(&answer, "id", LABEL)?;
        let path = format!("/me/deposits/{id}");
        for _ in 0..150 {
            let label = format!("GET {path}");
            let deposit = expect_json(self.request(Method::GET, &path), &label, 200).await?;
            match deposit["status"].as_str() {
                Some("succeeded") => return Ok(()),
                Some("pending") => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
                other => {
                    return Err(PlayError::Setup(format!(
                        "the deposit of {amount} {currency} ended {other:?}, not succeeded"
                    )));
                }
            }
        }
        Err(PlayError::Setup(format!(
            "the deposit of {amount} {currency} is still pending: is the PSP settling deposits?"
        )))
    }

    /// `GET /me/wallet`.
    pub async fn wallet(&self) -> Result<Wallet, PlayError> {
        const LABEL: &str = "GET /me/wallet";
        let answer = expect_json(self.request(Method::GET, "/me/wallet"), LABEL, 200).await?;
        Ok(Wallet {
            available: required(&answer, "available", LABEL)?,
            held: required(&answer, "held", LABEL)?,
            currency: required(&answer, "currency", LABEL)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_base_is_found_with_or_without_the_path() {
        assert_eq!(api_base("http://k:8080"), "http://k:8080/api/v1");
        assert_eq!(api_base("http://k:8080/"), "http://k:8080/api/v1");
        assert_eq!(api_base("http://k:8080/api/v1"), "http://k:8080/api/v1");
        assert_eq!(api_base("http://k:8080/api/v1/"), "http://k:8080/api/v1");
    }

    #[test]
    fn required_fields_are_non_empty_strings() {
        let body = json!({"id": "s1", "token": "", "n": 3});
        assert_eq!(required(&body, "id", "x").ok().as_deref(), Some("s1"));
        assert!(required(&body, "token", "x").is_err());
        assert!(required(&body, "n", "x").is_err());
        assert!(required(&body, "missing", "x").is_err());
    }
}
