//! Test harness: a real `kasa serve` on 127.0.0.1:0 over a fresh database,
//! driven through real HTTP.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod fake_psp;
pub mod faults;
pub mod games;
pub mod runs;

use std::time::Duration;

use kasa_api::server::{RunningServer, ServeOptions, start};
use kasa_api::settings::Settings;
use psp::mock::{Operation, Script};
use reqwest::{Method, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use testkit::TestDb;
use uuid::Uuid;

pub const ADMIN_EMAIL: &str = "root@kasa.test";
pub const ADMIN_PASSWORD: &str = "root-password-123";
pub const PASSWORD: &str = "player-password-123";
pub const WEBHOOK_SECRET: &str = "whsec_test_current_0123456789abcdef";
pub const PREVIOUS_WEBHOOK_SECRET: &str = "whsec_test_previous_0123456789abcdef";

/// A running server and a client for it.
pub struct Kasa {
    pub base: String,
    pub http: reqwest::Client,
    pub state: actix_web::web::Data<kasa_api::state::AppState>,
    pub mock: Option<psp::MockPsp>,
    pub handle: actix_web::dev::ServerHandle,
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }
}

/// Test settings on `db`; `tune` may change them before start.
pub fn settings(db: &TestDb) -> Settings {
    let mut s = Settings::load(None).expect("defaults load");
    s.server.bind = "127.0.0.1:0".into();
    s.database.url = Some(SecretString::from(db.url.clone()));
    s.database.max_connections = 40;
    s.auth.jwt_secret = Some(SecretString::from(
        "test-jwt-secret-0123456789-0123456789-abcdef",
    ));
    s.bootstrap.admin_email = Some(ADMIN_EMAIL.into());
    s.bootstrap.admin_password = Some(SecretString::from(ADMIN_PASSWORD));
    s.psp.mock.base_url = None;
    s.psp.mock.in_process = true;
    s.psp.mock.webhook_secret = Some(SecretString::from(WEBHOOK_SECRET));
    s.psp.mock.previous_webhook_secret = Some(SecretString::from(PREVIOUS_WEBHOOK_SECRET));
    s.limits.registrations_per_minute = 10_000;
    s.secrets.key = Some(SecretString::from(SECRETS_KEY));
    s
}

/// The test servers' `KASA__SECRETS__KEY` (32 bytes of 0x2a in base64).
pub const SECRETS_KEY: &str = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";

pub async fn spawn(db: &TestDb) -> Kasa {
    spawn_with(settings(db)).await
}

pub async fn spawn_with(settings: Settings) -> Kasa {
    let RunningServer {
        addr,
        handle,
        server,
        state,
        mock,
        ..
    } = start(&settings, ServeOptions::default())
        .await
        .expect("server starts");
    tokio::spawn(server);
    Kasa {
        base: format!("http://{addr}"),
        http: reqwest::Client::new(),
        state,
        mock,
        handle,
    }
}

impl Kasa {
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let raw = body.map(|b| serde_json::to_vec(b).unwrap());
        self.call_raw(method, path, token, key, raw).await
    }

    pub async fn call_raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Answer {
        let mut req = self
            .http
            .request(method, format!("{}/api/v1{path}", self.base));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(key) = key {
            req = req.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            req = req.header("content-type", "application/json").body(body);
        }
        let res = req.send().await.expect("request sent");
        Answer {
            status: res.status(),
            headers: res.headers().clone(),
            bytes: res.bytes().await.unwrap().to_vec(),
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.call(Method::GET, path, Some(token), None, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.call(Method::POST, path, token, None, Some(&body))
            .await
    }

    pub async fn post_keyed(&self, path: &str, token: &str, key: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(token), Some(key), Some(&body))
            .await
    }

    pub async fn admin_token(&self) -> String {
        self.login_admin(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    pub async fn login_admin(&self, email: &str, password: &str) -> String {
        let a = self
            .post(
                "/auth/admin/login",
                None,
                json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "admin login: {:?}", a.json());
        a.json()["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn create_tenant(&self, admin: &str, slug: &str) {
        let a = self
            .post(
                "/admin/tenants",
                Some(admin),
                json!({"slug": slug, "name": format!("Casino {slug}")}),
            )
            .await;
        assert_eq!(
            a.status,
            StatusCode::CREATED,
            "create tenant: {:?}",
            a.json()
        );
    }

    /// Registers and logs in a player; returns (player id, token).
    pub async fn player(&self, tenant: &str, email: &str, currency: &str) -> (Uuid, String) {
        let body =
            json!({"tenant": tenant, "email": email, "password": PASSWORD, "currency": currency});
        let a = self.post("/auth/player/register", None, body).await;
        assert_eq!(a.status, StatusCode::CREATED, "register: {:?}", a.json());
        let id = Uuid::parse_str(a.json()["player_id"].as_str().unwrap()).unwrap();
        let a = self
            .post(
                "/auth/player/login",
                None,
                json!({"tenant": tenant, "email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "player login: {:?}", a.json());
        (id, a.json()["access_token"].as_str().unwrap().to_owned())
    }

    /// A tenant with one EUR player: (player id, player token, admin token).
    pub async fn tenant_with_player(&self, slug: &str) -> (Uuid, String, String) {
        let admin = self.admin_token().await;
        self.create_tenant(&admin, slug).await;
        let (id, token) = self.player(slug, &format!("p@{slug}.test"), "EUR").await;
        (id, token, admin)
    }

    pub fn mock(&self) -> &psp::MockPsp {
        self.mock.as_ref().expect("in-process mock")
    }

    /// Makes the next deposit stay pending (its webhook is an hour away).
    pub fn hold_next_deposit_webhook(&self) {
        self.mock()
            .push_script(Operation::Deposit, Script::succeed().delay_ms(3_600_000));
    }

    /// Creates a deposit whose webhook never comes; returns its id.
    pub async fn pending_deposit(&self, token: &str, amount: &str) -> String {
        self.hold_next_deposit_webhook();
        self.create_deposit(token, amount).await
    }

    /// Creates a deposit of `amount` (EUR) with a fresh key; returns its id.
    /// What the PSP does with it is whatever is scripted, or the amount's scenario.
    pub async fn create_deposit(&self, token: &str, amount: &str) -> String {
        let a = self
            .post_keyed(
                "/me/deposits",
                token,
                &Uuid::new_v4().to_string(),
                json!({"amount": amount, "currency": "EUR"}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "deposit: {:?}", a.json());
        a.json()["id"].as_str().unwrap().to_owned()
    }

    /// Sends a webhook signed with `secret` at time `t`.
    pub async fn webhook_signed(&self, body: &[u8], secret: &str, t: i64) -> Answer {
        self.webhook_signed_to("/webhooks/mock", body, secret, t)
            .await
    }

    /// Posts `body` to the webhook route `path` (under `/api/v1`), signed
    /// with `secret` at `t`.
    pub async fn webhook_signed_to(&self, path: &str, body: &[u8], secret: &str, t: i64) -> Answer {
        let signature = psp::signature::sign(&[secret.as_bytes()], t, body);
        let res = self
            .http
            .post(format!("{}/api/v1{path}", self.base))
            .header("content-type", "application/json")
            .header("Kasa-Signature", signature)
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        Answer {
            status: res.status(),
            headers: res.headers().clone(),
            bytes: res.bytes().await.unwrap().to_vec(),
        }
    }

    pub async fn webhook(&self, event: &Value) -> Answer {
        let body = serde_json::to_vec(event).unwrap();
        self.webhook_signed(&body, WEBHOOK_SECRET, chrono::Utc::now().timestamp())
            .await
    }

    pub async fn wallet(&self, token: &str) -> (String, String) {
        let w = self.get("/me/wallet", token).await.json();
        (
            w["available"].as_str().unwrap().to_owned(),
            w["held"].as_str().unwrap().to_owned(),
        )
    }

    pub async fn verify(&self, admin: &str) -> Value {
        let a = self
            .post("/admin/ledger/verify", Some(admin), json!({}))
            .await;
        assert_eq!(a.status, StatusCode::OK, "verify: {:?}", a.json());
        a.json()
    }

    /// Polls a deposit until it leaves `pending`.
    pub async fn settled_deposit(&self, token: &str, id: &str) -> Value {
        for _ in 0..200 {
            let d = self.get(&format!("/me/deposits/{id}"), token).await.json();
            if d["status"] != "pending" {
                return d;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("deposit {id} stayed pending");
    }
}

pub fn deposit_event(event_id: &str, kind: &str, reference: &str, amount: &str) -> Value {
    json!({
        "id": event_id,
        "type": kind,
        "created": chrono::Utc::now().timestamp(),
        "data": {"reference": reference, "provider_ref": format!("psp_{reference}"), "amount": amount, "currency": "EUR", "failure_code": null}
    })
}

impl Kasa {
    /// A tenant with one EUR player holding `amount` (credited by a signed webhook).
    pub async fn funded_player(&self, slug: &str, amount: &str) -> (Uuid, String, String) {
        let (id, token, admin) = self.tenant_with_player(slug).await;
        let deposit = self.pending_deposit(&token, amount).await;
        let event = deposit_event(
            &format!("evt_fund_{deposit}"),
            "deposit.succeeded",
            &deposit,
            amount,
        );
        assert_eq!(self.webhook(&event).await.json()["status"], "processed");
        (id, token, admin)
    }

    /// Requests a withdrawal; returns its id.
    pub async fn withdraw(&self, token: &str, amount: &str) -> String {
        let body = json!({"amount": amount, "currency": "EUR", "destination": {"type": "bank_account", "account": "DE89370400440532013000"}});
        let a = self
            .post_keyed("/me/withdrawals", token, &Uuid::new_v4().to_string(), body)
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "withdraw: {:?}", a.json());
        a.json()["id"].as_str().unwrap().to_owned()
    }

    /// An admin action on a withdrawal with a fresh key.
    pub async fn act(&self, admin: &str, id: &str, action: &str, body: Value) -> Answer {
        self.post_keyed(
            &format!("/admin/withdrawals/{id}/{action}"),
            admin,
            &Uuid::new_v4().to_string(),
            body,
        )
        .await
    }

    /// Polls a withdrawal until it reaches `state`.
    pub async fn withdrawal_in_state(&self, token: &str, id: &str, state: &str) -> Value {
        for _ in 0..200 {
            let w = self
                .get(&format!("/me/withdrawals/{id}"), token)
                .await
                .json();
            if w["state"] == state {
                return w;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("withdrawal {id} never reached {state}");
    }

    /// Kinds of the player's ledger movements, oldest first.
    pub async fn movement_kinds(&self, token: &str) -> Vec<String> {
        let items = self.get("/me/transactions?limit=200", token).await.json()["items"]
            .as_array()
            .unwrap()
            .clone();
        items
            .iter()
            .rev()
            .map(|t| t["kind"].as_str().unwrap().to_owned())
            .collect()
    }
}

pub fn payout_event(event_id: &str, kind: &str, attempt: &str, amount: &str) -> Value {
    json!({
        "id": event_id,
        "type": kind,
        "created": chrono::Utc::now().timestamp(),
        "data": {"reference": attempt, "provider_ref": format!("po_{attempt}"), "amount": amount, "currency": "EUR", "failure_code": if kind == "payout.failed" { Value::from("account_closed") } else { Value::Null }}
    })
}
