//! Login, logout, token expiry, API keys (throttling: throttle.rs).

use crate::harness::{PASSWORD, TestApp, assert_error, both_backends};
use reqwest::{Method, StatusCode};
use serde_json::json;

both_backends!(
    login_me_logout,
    bad_credentials_are_indistinguishable,
    expired_and_garbage_tokens,
    api_keys_scoped_shown_once_revocable
);

async fn login_me_logout(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (s, me) = app.get(&t.admin, "/api/v1/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["employee"]["username"], "admin");
    assert_eq!(me["employee"]["role"], "admin");
    assert_eq!(me["tenant"]["slug"], "acme");

    // Usernames are case-insensitive; the login answer carries an expiry in the future.
    let (s, b) = app.login("acme", "ADMIN", PASSWORD).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let exp = chrono::DateTime::parse_from_rfc3339(b["expires_at"].as_str().unwrap()).unwrap();
    assert!(exp > chrono::Utc::now());
    assert!(
        b["employee"].get("password").is_none() && b["employee"].get("password_hash").is_none()
    );
    let second = b["token"].as_str().unwrap().to_owned();

    let (s, _) = app
        .call(Method::POST, Some(&t.admin), "/api/v1/auth/logout", None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = app.get(&t.admin, "/api/v1/me").await;
    assert_error(s, &b, StatusCode::UNAUTHORIZED, "unauthorized");
    // Logging out one session leaves the other alive.
    assert_eq!(app.get(&second, "/api/v1/me").await.0, StatusCode::OK);
}

async fn bad_credentials_are_indistinguishable(app: &TestApp) {
    app.tenant("acme").await;
    let mut messages = Vec::new();
    for (tenant, user, pw) in [
        ("acme", "admin", "wrong password"),
        ("acme", "nobody", PASSWORD),
        ("nope", "admin", PASSWORD),
    ] {
        let (s, b) = app.login(tenant, user, pw).await;
        let e = assert_error(s, &b, StatusCode::UNAUTHORIZED, "wrong_credentials");
        messages.push(e["message"].clone());
    }
    assert!(messages.windows(2).all(|w| w[0] == w[1]), "{messages:?}");
    let (s, b) = app
        .call(
            Method::POST,
            None,
            "/api/v1/auth/login",
            Some(&json!({"tenant": "acme"})),
        )
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(e["message"].as_str().unwrap().contains("username"), "{e}");
}

async fn expired_and_garbage_tokens(app: &TestApp) {
    let t = app.tenant("acme").await;
    // A session whose expiry has passed, written straight to the store.
    let token = server::auth::tokens::new_token(server::auth::tokens::TokenKind::Session, t.id);
    let now = server::now_ms();
    let admin: domain::EmployeeId = t.admin_id.parse().unwrap();
    app.store
        .create_session(
            t.id,
            &server::auth::tokens::hash(&token),
            admin,
            now - 10_000,
            now - 1,
            None,
        )
        .await
        .unwrap();
    let (s, b) = app.get(&token, "/api/v1/me").await;
    assert_error(s, &b, StatusCode::UNAUTHORIZED, "unauthorized");
    for bad in [
        "",
        "garbage",
        "ofs_00000000000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let (s, b) = app.get(bad, "/api/v1/me").await;
        assert_error(s, &b, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let (s, b) = app.call(Method::GET, None, "/api/v1/customers", None).await;
    assert_error(s, &b, StatusCode::UNAUTHORIZED, "unauthorized");
}

async fn api_keys_scoped_shown_once_revocable(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/api-keys",
            json!({"name": "ERP sync", "scopes": ["customers:read"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let key = b["key"].as_str().unwrap().to_owned();
    let id = b["api_key"]["id"].as_str().unwrap().to_owned();
    assert!(key.starts_with("ofk_"));

    let (s, list) = app.get(&t.admin, "/api/v1/api-keys").await;
    assert_eq!(s, StatusCode::OK);
    let text = list.to_string();
    assert!(!text.contains(&key), "the key is never listed");
    assert_eq!(list["items"][0]["scopes"], json!(["customers:read"]));

    assert_eq!(app.get(&key, "/api/v1/customers").await.0, StatusCode::OK);
    let (s, b) = app
        .post(
            &key,
            "/api/v1/customers",
            json!({"name": "x", "code": "X1"}),
        )
        .await;
    let e = assert_error(s, &b, StatusCode::FORBIDDEN, "missing_scope");
    assert_eq!(e["fields"][0]["field"], "customers:write");
    let (s, b) = app.get(&key, "/api/v1/employees").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "missing_scope");
    let (s, b) = app.get(&key, "/api/v1/api-keys").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (_, list) = app.get(&t.admin, "/api/v1/api-keys").await;
    assert!(
        list["items"][0]["last_used_at"].is_string(),
        "use is stamped: {list}"
    );

    // Bad scope names and empty scope lists are refused with the field named.
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/api-keys",
            json!({"name": "x", "scopes": ["everything"]}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/api-keys",
            json!({"name": "x", "scopes": []}),
        )
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(e["fields"][0]["field"], "scopes");

    let (s, b) = app
        .delete(&t.admin, &format!("/api/v1/api-keys/{id}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(b["revoked_at"].is_string());
    let (s, b) = app.get(&key, "/api/v1/customers").await;
    assert_error(s, &b, StatusCode::UNAUTHORIZED, "unauthorized");
}
