//! Registration limits, CORS, and tokens that are foreign, expired or misaddressed.

use super::*;

async fn registrations_are_rate_limited_per_ip(db: &TestDb) {
    let mut settings = settings(db);
    settings.limits.registrations_per_minute = 3;
    let kasa = spawn_with(settings).await;
    let admin = kasa.admin_token().await;
    kasa.create_tenant(&admin, "acme").await;
    let mut codes = Vec::new();
    for i in 0..4 {
        let body = json!({"tenant": "acme", "email": format!("r{i}@acme.test"), "password": PASSWORD, "currency": "EUR"});
        codes.push(kasa.post("/auth/player/register", None, body).await.status);
    }
    assert_eq!(codes[..3], [StatusCode::CREATED; 3]);
    assert_eq!(codes[3], StatusCode::TOO_MANY_REQUESTS);
}
backend_tests!(
    registration_rate_limit,
    registrations_are_rate_limited_per_ip
);

async fn configured_browser_origins_get_cors_answers(db: &TestDb) {
    let mut settings = settings(db);
    settings.server.cors_origins = "https://admin.casino.test, https://play.casino.test".into();
    let kasa = spawn_with(settings).await;
    let preflight = |origin: &'static str| {
        kasa.http
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/api/v1/me/deposits", kasa.base),
            )
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type, idempotency-key",
            )
            .send()
    };
    let allowed = preflight("https://play.casino.test").await.unwrap();
    assert!(allowed.status().is_success());
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        "https://play.casino.test"
    );
    let refused = preflight("https://evil.test").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}
backend_tests!(cors, configured_browser_origins_get_cors_answers);

async fn foreign_expired_and_misaddressed_tokens_are_refused(db: &TestDb) {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
    let kasa = spawn(db).await;
    let (player, token, _) = kasa.tenant_with_player("acme").await;
    assert_eq!(kasa.get("/me/wallet", &token).await.status, StatusCode::OK);
    let tenant = kasa.get("/me/wallet", &token).await.json();
    assert!(tenant["player_id"].is_string());
    let claims = |aud: &str, iss: &str, exp_offset: i64| {
        let now = chrono::Utc::now().timestamp();
        json!({"sub": player, "kind": "player", "tenant": uuid::Uuid::now_v7(), "iss": iss, "aud": aud, "iat": now, "exp": now + exp_offset})
    };
    let sign = |secret: &str, body: serde_json::Value, alg: Algorithm| {
        encode(
            &Header::new(alg),
            &body,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    };
    let right_secret = "test-jwt-secret-0123456789-0123456789-abcdef";
    let cases = [
        (
            "another key",
            sign(
                "some-other-secret-0123456789-0123456789",
                claims("kasa-api", "kasa", 600),
                Algorithm::HS256,
            ),
        ),
        (
            "wrong audience",
            sign(
                right_secret,
                claims("other-api", "kasa", 600),
                Algorithm::HS256,
            ),
        ),
        (
            "wrong issuer",
            sign(
                right_secret,
                claims("kasa-api", "someone", 600),
                Algorithm::HS256,
            ),
        ),
        (
            "expired",
            sign(
                right_secret,
                claims("kasa-api", "kasa", -600),
                Algorithm::HS256,
            ),
        ),
        (
            "other algorithm",
            sign(
                right_secret,
                claims("kasa-api", "kasa", 600),
                Algorithm::HS512,
            ),
        ),
    ];
    for (what, forged) in cases {
        assert_eq!(
            kasa.get("/me/wallet", &forged).await.status,
            StatusCode::UNAUTHORIZED,
            "{what}"
        );
    }
}
backend_tests!(
    forged_tokens,
    foreign_expired_and_misaddressed_tokens_are_refused
);
