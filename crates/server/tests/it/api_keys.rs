//! Integration keys over the API: every operation of the served OpenAPI document walked
//! with keys (the one scope it states lets a key in, a key without it gets 403
//! `missing_scope`, an operation stating none refuses every key), expiry and last use,
//! per-key rate limits and their headers.

use crate::harness::{TestApp, assert_error, both_backends};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;

both_backends!(
    every_operation_requires_its_scope,
    expired_keys_answer_401,
    rate_limits_count_per_key,
);

async fn new_key(app: &TestApp, admin: &str, scopes: &[&str], extra: Value) -> (String, String) {
    let mut body = json!({"name": format!("key {}", scopes.len()), "scopes": scopes});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let (s, b) = app.post(admin, "/api/v1/api-keys", body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    (
        b["key"].as_str().unwrap().to_owned(),
        b["api_key"]["id"].as_str().unwrap().to_owned(),
    )
}

/// The one scope an operation states for keys, if any.
fn stated_scope(op: &Value) -> Option<String> {
    let reqs = op["security"].as_array()?;
    let scopes: Vec<&str> = reqs
        .iter()
        .filter_map(|r| r["api_key"].as_array())
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert!(scopes.len() <= 1, "one scope per operation: {op}");
    scopes.first().map(|s| (*s).to_owned())
}

fn public(op: &Value) -> bool {
    op["security"].as_array().is_some_and(|r| {
        r.iter()
            .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
    })
}

/// A path with every parameter filled by a well-formed value that names nothing stored.
fn concrete(path: &str) -> String {
    let none = "0190a000-0000-7000-8000-000000000000";
    path.replace("{id}", none)
        .replace("{employee_id}", none)
        .replace("{delivery_id}", none)
        .replace("{date}", "2026-12-01")
        .replace("{scope}", "tenant")
        .replace("{name}", "visit_detail")
        .replace("{type}", "leave")
        .replace("{external_id}", "NO-SUCH-1")
}

/// Sends one request and answers the status and, unless it is a stream, the JSON body
/// (the live map's stream is never read).
async fn send(app: &TestApp, key: &str, method: &Method, path: &str) -> (StatusCode, Value) {
    let mut req = app
        .client
        .request(method.clone(), format!("{}{}", app.base, concrete(path)))
        .bearer_auth(key);
    if *method != Method::GET && *method != Method::DELETE {
        req = req.json(&json!({}));
    }
    let resp = req.send().await.expect("request is sent");
    let status = resp.status();
    let stream = resp
        .headers()
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    if stream {
        return (status, Value::Null);
    }
    let bytes = resp.bytes().await.unwrap_or_default();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// The walk: for every operation of the document, a key holding only its stated scope is
/// let in (any answer but 403), a key holding every other scope (for a read, without its
/// family's write either) gets 403 `missing_scope` naming it, and an operation stating
/// no scope refuses a key holding every scope with 403 `forbidden`.
async fn every_operation_requires_its_scope(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (_, doc) = app.call(Method::GET, None, "/api/openapi.json", None).await;
    let all: Vec<String> = doc["components"]["schemas"]["ApiScope"]["enum"]
        .as_array()
        .expect("the scopes are listed")
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    assert!(all.len() >= 29, "{all:?}");
    let every: Vec<&str> = all.iter().map(String::as_str).collect();
    let (master, _) = new_key(app, &t.admin, &every, json!({})).await;

    let mut only: BTreeMap<String, String> = BTreeMap::new();
    let mut without: BTreeMap<String, String> = BTreeMap::new();
    let mut walked = (0, 0);
    // Every operation let in but refused by its handler, reported together.
    let mut refused: Vec<String> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (m, op) in item.as_object().unwrap() {
            let Ok(method) = m.to_uppercase().parse::<Method>() else {
                continue;
            };
            if public(op) {
                continue;
            }
            let what = format!("{method} {path}");
            let Some(scope) = stated_scope(op) else {
                let (s, b) = send(app, &master, &method, path).await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{what} refuses keys: {b}");
                assert_eq!(b["error"]["code"], "forbidden", "{what}: {b}");
                walked.1 += 1;
                continue;
            };
            assert!(
                all.contains(&scope),
                "{what} states an unknown scope {scope}"
            );
            assert!(
                op["responses"]["429"].is_object(),
                "{what} declares the rate limit's 429"
            );
            if !only.contains_key(&scope) {
                let (k, _) = new_key(app, &t.admin, &[scope.as_str()], json!({})).await;
                only.insert(scope.clone(), k);
                let (family, access) = scope.split_once(':').unwrap();
                let rest: Vec<&str> = every
                    .iter()
                    .copied()
                    .filter(|s| {
                        *s != scope && !(access == "read" && *s == format!("{family}:write"))
                    })
                    .collect();
                let (k, _) = new_key(app, &t.admin, &rest, json!({})).await;
                without.insert(scope.clone(), k);
            }
            let (s, b) = send(app, &only[&scope], &method, path).await;
            if s == StatusCode::FORBIDDEN || s == StatusCode::UNAUTHORIZED {
                refused.push(format!("{what} with {scope}: {s} {b}"));
            }
            let (s, b) = send(app, &without[&scope], &method, path).await;
            let e = assert_error(s, &b, StatusCode::FORBIDDEN, "missing_scope");
            assert_eq!(e["fields"][0]["field"], scope.as_str(), "{what}");
            walked.0 += 1;
        }
    }
    assert!(refused.is_empty(), "{}", refused.join("\n"));
    // Every family's scopes are used by some operation.
    for s in &all {
        assert!(only.contains_key(s), "no operation requires {s}");
    }
    assert!(walked.0 > 100 && walked.1 > 20, "{walked:?}");
}

async fn expired_keys_answer_401(app: &TestApp) {
    let t = app.tenant("acme").await;
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let soon = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let (old, _) = new_key(
        app,
        &t.admin,
        &["customers:read"],
        json!({"expires_at": past}),
    )
    .await;
    let (s, b) = app.get(&old, "/api/v1/customers").await;
    assert_error(s, &b, StatusCode::UNAUTHORIZED, "api_key_expired");

    let (key, id) = new_key(
        app,
        &t.admin,
        &["customers:read"],
        json!({"expires_at": soon}),
    )
    .await;
    let (_, list) = app.get(&t.admin, "/api/v1/api-keys").await;
    let listed = |list: &Value| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["id"] == id.as_str())
            .cloned()
            .unwrap()
    };
    assert!(listed(&list)["last_used_at"].is_null(), "{list}");
    assert_eq!(app.get(&key, "/api/v1/customers").await.0, StatusCode::OK);
    let (_, list) = app.get(&t.admin, "/api/v1/api-keys").await;
    let first = listed(&list)["last_used_at"].clone();
    assert!(first.is_string(), "use is stamped: {list}");
    // A second use within the minute writes nothing.
    assert_eq!(app.get(&key, "/api/v1/customers").await.0, StatusCode::OK);
    let (_, list) = app.get(&t.admin, "/api/v1/api-keys").await;
    assert_eq!(listed(&list)["last_used_at"], first);

    // Moving the expiry into the past stops the key at once; clearing it revives it.
    let (s, b) = app
        .put(
            &t.admin,
            &format!("/api/v1/api-keys/{id}/limits"),
            json!({"expires_at": past, "rate_limit_per_minute": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b["expires_at"].as_str().is_some());
    let (s, b) = app.get(&key, "/api/v1/customers").await;
    assert_error(s, &b, StatusCode::UNAUTHORIZED, "api_key_expired");
    let (s, _) = app
        .put(
            &t.admin,
            &format!("/api/v1/api-keys/{id}/limits"),
            json!({"expires_at": null, "rate_limit_per_minute": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.get(&key, "/api/v1/customers").await.0, StatusCode::OK);
}

fn header(resp: &reqwest::Response, name: &str) -> Option<u64> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

async fn rate_limits_count_per_key(app: &TestApp) {
    let t = app.tenant("acme").await;
    // The tenant's default applies to keys without their own limit.
    let (s, b) = app
        .put(
            &t.admin,
            "/api/v1/api-keys/settings",
            json!({"default_rate_limit_per_minute": 2}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["server_default_rate_limit"], 600);
    let (s, b) = app
        .put(
            &t.admin,
            "/api/v1/api-keys/settings",
            json!({"default_rate_limit_per_minute": 0}),
        )
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(e["fields"][0]["field"], "default_rate_limit_per_minute");

    let (tenant_default, _) = new_key(app, &t.admin, &["customers:read"], json!({})).await;
    let (own, own_id) = new_key(
        app,
        &t.admin,
        &["customers:read"],
        json!({"rate_limit_per_minute": 1}),
    )
    .await;
    let get = |key: &str| {
        app.client
            .get(format!("{}/api/v1/customers", app.base))
            .bearer_auth(key)
            .send()
    };
    // A limit of 2 a minute: two pass (remaining 1, then 0), the third is refused.
    let r = get(&tenant_default).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "ratelimit-limit"), Some(2));
    assert_eq!(header(&r, "ratelimit-remaining"), Some(1));
    let reset = header(&r, "ratelimit-reset").unwrap();
    assert!((1..=30).contains(&reset), "{reset}");
    let r = get(&tenant_default).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "ratelimit-remaining"), Some(0));
    let r = get(&tenant_default).await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&r, "ratelimit-limit"), Some(2));
    assert_eq!(header(&r, "ratelimit-remaining"), Some(0));
    let wait = header(&r, "retry-after").expect("Retry-After");
    assert!((1..=30).contains(&wait), "{wait}");
    let b: Value = r.json().await.unwrap();
    assert_error(
        StatusCode::TOO_MANY_REQUESTS,
        &b,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    );

    // The key's own limit wins over the tenant's, and keys are counted apart.
    let r = get(&own).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "ratelimit-limit"), Some(1));
    assert_eq!(
        get(&own).await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Raising it takes effect on the next request.
    let (s, _) = app
        .put(
            &t.admin,
            &format!("/api/v1/api-keys/{own_id}/limits"),
            json!({"expires_at": null, "rate_limit_per_minute": 50}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let r = get(&own).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "ratelimit-limit"), Some(50));
    // People signed in are not rate-limited by this (their answers carry no headers).
    let r = get(&t.admin).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().get("ratelimit-limit").is_none());
}
