//! Bad input, tenant isolation and history pages of deposits.

use super::*;

async fn bad_input_is_refused_and_changes_nothing(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, _) = kasa.tenant_with_player("acme").await;
    let cases = [
        json!({"amount": 10, "currency": "EUR"}),
        json!({"amount": "0", "currency": "EUR"}),
        json!({"amount": "0.00", "currency": "EUR"}),
        json!({"amount": "-1.00", "currency": "EUR"}),
        json!({"amount": "1.234", "currency": "EUR"}),
        json!({"amount": "1e3", "currency": "EUR"}),
        json!({"amount": "1000000.01", "currency": "EUR"}),
        json!({"amount": "10.00", "currency": "XXX"}),
        json!({"amount": "10.00"}),
        json!({"amount": "10.00", "currency": "EUR", "extra": true}),
    ];
    for (i, body) in cases.iter().enumerate() {
        let a = kasa
            .post_keyed("/me/deposits", &token, &format!("bad-{i}"), body.clone())
            .await;
        assert_eq!(
            (a.status, a.code().as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{body}"
        );
        assert_eq!(
            a.headers.get("content-type").unwrap(),
            "application/problem+json"
        );
    }
    let mismatch = kasa
        .post_keyed(
            "/me/deposits",
            &token,
            "usd",
            json!({"amount": "10.00", "currency": "USD"}),
        )
        .await;
    assert_eq!(
        (mismatch.status, mismatch.code().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "currency_mismatch")
    );
    let malformed = kasa
        .call_raw(
            Method::POST,
            "/me/deposits",
            Some(&token),
            Some("m"),
            Some(b"{\"amount\":".to_vec()),
        )
        .await;
    assert_eq!(
        (malformed.status, malformed.code().as_str()),
        (StatusCode::BAD_REQUEST, "validation_failed")
    );
    let huge = format!(
        "{{\"amount\":\"1.00\",\"currency\":\"EUR\",\"pad\":\"{}\"}}",
        "x".repeat(70 * 1024)
    );
    let too_large = kasa
        .call_raw(
            Method::POST,
            "/me/deposits",
            Some(&token),
            Some("big"),
            Some(huge.into_bytes()),
        )
        .await;
    assert_eq!(
        (too_large.status, too_large.code().as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    let page = kasa.get("/me/deposits?limit=0", &token).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = kasa.get("/me/deposits?limit=201", &token).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        kasa.get("/me/deposits", &token).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(kasa.wallet(&token).await.0, "0.00");
}
backend_tests!(bad_input, bad_input_is_refused_and_changes_nothing);

async fn other_tenants_and_players_see_404(db: &TestDb) {
    let kasa = spawn(db).await;
    let (player_a, token_a, admin) = kasa.tenant_with_player("alpha").await;
    kasa.create_tenant(&admin, "beta").await;
    let (_, token_b) = kasa.player("beta", "b@beta.test", "EUR").await;
    let (_, token_a2) = kasa.player("alpha", "a2@alpha.test", "EUR").await;
    let deposit = kasa.pending_deposit(&token_a, "3.00").await;
    for token in [&token_b, &token_a2] {
        let a = kasa.get(&format!("/me/deposits/{deposit}"), token).await;
        assert_eq!(
            (a.status, a.code().as_str()),
            (StatusCode::NOT_FOUND, "not_found")
        );
    }
    // A tenant admin of beta cannot see alpha's player.
    let body = json!({"email": "ops@beta.test", "password": "beta-admin-password", "role": "tenant_admin", "tenant": "beta"});
    assert_eq!(
        kasa.post("/admin/users", Some(&admin), body).await.status,
        StatusCode::CREATED
    );
    let beta_admin = kasa
        .login_admin("ops@beta.test", "beta-admin-password")
        .await;
    let a = kasa
        .get(&format!("/admin/players/{player_a}/wallet"), &beta_admin)
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let deposits = kasa.get("/admin/deposits", &beta_admin).await.json();
    assert_eq!(deposits["items"].as_array().unwrap().len(), 0);
    let all = kasa.get("/admin/deposits", &admin).await.json();
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        kasa.get("/no/such/route", &token_a).await.status,
        StatusCode::NOT_FOUND
    );
}
backend_tests!(tenant_isolation, other_tenants_and_players_see_404);

async fn history_pages_with_a_cursor(db: &TestDb) {
    let kasa = spawn(db).await;
    let (_, token, _) = kasa.tenant_with_player("acme").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let id = kasa.pending_deposit(&token, "1.00").await;
        let event = deposit_event(&format!("evt_{i}"), "deposit.succeeded", &id, "1.00");
        assert_eq!(kasa.webhook(&event).await.json()["status"], "processed");
        ids.push(id);
    }
    let first = kasa.get("/me/transactions?limit=2", &token).await.json();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(first["items"][0]["available_after"], "5.00", "newest first");
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let second = kasa
        .get(&format!("/me/transactions?limit=2&cursor={cursor}"), &token)
        .await
        .json();
    assert_eq!(second["items"][0]["available_after"], "3.00");
    let third = kasa
        .get(
            &format!(
                "/me/transactions?limit=2&cursor={}",
                second["next_cursor"].as_str().unwrap()
            ),
            &token,
        )
        .await
        .json();
    assert_eq!(third["items"].as_array().unwrap().len(), 1);
    assert!(third["next_cursor"].is_null());
    let deposits = kasa.get("/me/deposits?limit=5", &token).await.json();
    assert_eq!(deposits["items"][0]["id"], ids[4].as_str());
}
backend_tests!(history_pages, history_pages_with_a_cursor);
