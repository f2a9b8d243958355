//! `GET /admin/players/{id}`: one player in the list's item shape,
//! tenant-scoped, readable by every admin role.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::json;
use testkit::{TestDb, backend_tests};
use uuid::Uuid;

/// Creates an admin of `role` in `tenant` and logs it in.
async fn tenant_admin(kasa: &Kasa, root: &str, tenant: &str, role: &str) -> String {
    let email = format!("{role}@{tenant}.test");
    let password = "admin-password-123";
    let a = kasa
        .post(
            "/admin/users",
            Some(root),
            json!({"email": email, "password": password, "role": role, "tenant": tenant}),
        )
        .await;
    assert_eq!(
        a.status,
        StatusCode::CREATED,
        "create admin: {:?}",
        a.json()
    );
    kasa.login_admin(&email, password).await
}

async fn one_player_reads_as_the_list_shows_it(db: &TestDb) {
    let kasa = spawn(db).await;
    let (player, _, root) = kasa.tenant_with_player("acme").await;
    let one = kasa.get(&format!("/admin/players/{player}"), &root).await;
    assert_eq!(one.status, StatusCode::OK, "{:?}", one.json());
    let listed = kasa
        .get("/admin/players?email=p%40acme", &root)
        .await
        .json();
    assert_eq!(one.json(), listed["items"][0], "same shape as a list item");
    assert_eq!(one.json()["player_id"], player.to_string().as_str());
    assert_eq!(one.json()["tenant"], "acme");
    assert_eq!(one.json()["email"], "p@acme.test");
    assert_eq!(one.json()["currency"], "EUR");
}
backend_tests!(found, one_player_reads_as_the_list_shows_it);

async fn unknown_and_other_tenants_players_are_404(db: &TestDb) {
    let kasa = spawn(db).await;
    let (acme_player, _, root) = kasa.tenant_with_player("acme").await;
    kasa.create_tenant(&root, "beta").await;
    let (beta_player, _) = kasa.player("beta", "p@beta.test", "EUR").await;
    let unknown = kasa
        .get(&format!("/admin/players/{}", Uuid::now_v7()), &root)
        .await;
    assert_eq!(
        (unknown.status, unknown.code().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let acme_admin = tenant_admin(&kasa, &root, "acme", "tenant_admin").await;
    let other = kasa
        .get(&format!("/admin/players/{beta_player}"), &acme_admin)
        .await;
    assert_eq!(
        (other.status, other.code().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let own = kasa
        .get(&format!("/admin/players/{acme_player}"), &acme_admin)
        .await;
    assert_eq!(own.status, StatusCode::OK);
    // A platform admin sees every tenant's players.
    let beta = kasa
        .get(&format!("/admin/players/{beta_player}"), &root)
        .await;
    assert_eq!(beta.json()["tenant"], "beta");
    let malformed = kasa.get("/admin/players/not-a-uuid", &root).await;
    assert!(
        malformed.status.is_client_error(),
        "a malformed id is refused: {}",
        malformed.status
    );
}
backend_tests!(scoped, unknown_and_other_tenants_players_are_404);

async fn every_role_can_read_a_player(db: &TestDb) {
    let kasa = spawn(db).await;
    let (player, _, root) = kasa.tenant_with_player("acme").await;
    for role in ["support", "finance", "tenant_admin"] {
        let token = tenant_admin(&kasa, &root, "acme", role).await;
        let a = kasa.get(&format!("/admin/players/{player}"), &token).await;
        assert_eq!(a.status, StatusCode::OK, "{role}: {:?}", a.json());
        assert_eq!(a.json()["email"], "p@acme.test", "{role}");
    }
    let (_, player_token) = kasa.player("acme", "q@acme.test", "EUR").await;
    let a = kasa
        .get(&format!("/admin/players/{player}"), &player_token)
        .await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (StatusCode::FORBIDDEN, "forbidden"),
        "a player token is no admin's"
    );
}
backend_tests!(roles, every_role_can_read_a_player);
