//! Driving the game wallet as a provider would: a registered provider with
//! its secret, signed calls, and players' sessions.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Answer, Kasa};

/// A provider registered for a tenant, and its secret.
pub struct Provider {
    pub tenant: String,
    pub slug: String,
    pub secret: String,
}

impl Kasa {
    /// Registers `slug` for `tenant` as `admin` (a platform admin names the tenant).
    pub async fn game_provider(&self, admin: &str, tenant: &str, slug: &str) -> Provider {
        let a = self
            .post(
                "/admin/game-providers",
                Some(admin),
                json!({"slug": slug, "name": format!("{slug} games"), "tenant": tenant}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "provider: {:?}", a.json());
        Provider {
            tenant: tenant.to_owned(),
            slug: slug.to_owned(),
            secret: a.json()["secret"].as_str().unwrap().to_owned(),
        }
    }

    /// Opens a session of the player for `provider`; (session id, token).
    pub async fn game_session(&self, player: &str, provider: &Provider) -> (String, String) {
        let a = self
            .post(
                "/me/game-sessions",
                Some(player),
                json!({"provider": provider.slug, "game": "slots-1"}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "session: {:?}", a.json());
        let body = a.json();
        (
            body["id"].as_str().unwrap().to_owned(),
            body["token"].as_str().unwrap().to_owned(),
        )
    }

    /// A call of `provider` signed with `secret`.
    pub async fn game_call_signed(
        &self,
        provider: &Provider,
        action: &str,
        body: &Value,
        secret: &str,
    ) -> Answer {
        let raw = serde_json::to_vec(body).unwrap();
        let signature =
            psp::signature::sign(&[secret.as_bytes()], chrono::Utc::now().timestamp(), &raw);
        let res = self
            .http
            .request(
                Method::POST,
                format!(
                    "{}/api/v1/game-wallet/{}/{}/{action}",
                    self.base, provider.tenant, provider.slug
                ),
            )
            .header("content-type", "application/json")
            .header("Kasa-Signature", signature)
            .body(raw)
            .send()
            .await
            .unwrap();
        Answer {
            status: res.status(),
            headers: res.headers().clone(),
            bytes: res.bytes().await.unwrap().to_vec(),
        }
    }

    /// A call of `provider`, signed with its secret; its JSON answer (200 asserted).
    pub async fn game_call(&self, provider: &Provider, action: &str, body: &Value) -> Value {
        let a = self
            .game_call_signed(provider, action, body, &provider.secret)
            .await;
        assert_eq!(a.status, StatusCode::OK, "{action}: {:?}", a.json());
        a.json()
    }
}

/// A bet (or win: `kind`) body.
pub fn money_call(session: &str, id: &str, round: &str, amount: &str) -> Value {
    json!({"session": session, "transaction_id": id, "round_id": round, "game": "slots-1", "amount": amount, "currency": "EUR"})
}

/// A rollback body.
pub fn rollback_call(session: &str, id: &str, reference: &str, round: &str) -> Value {
    json!({"session": session, "transaction_id": id, "reference_transaction_id": reference, "round_id": round, "game": "slots-1"})
}

/// A fresh id.
pub fn fresh(prefix: &str) -> String {
    format!("{prefix}-{}", Uuid::now_v7().simple())
}

/// `(status, balance)` of an answer.
pub fn status_balance(answer: &Value) -> (String, String) {
    (
        answer["status"].as_str().unwrap_or_default().to_owned(),
        answer["balance"].as_str().unwrap_or_default().to_owned(),
    )
}
