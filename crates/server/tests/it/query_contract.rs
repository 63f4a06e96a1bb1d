//! What a handler reads from the query string is exactly what the document declares.
//!
//! Every operation of the document is called through the real router, in-process, as an
//! admin, with a `QueryProbe` in the request's extensions: `extract::Query<T>` records
//! there the names its `T` reads (serde's own field list). The names must equal the
//! operation's declared query parameters — a handler reading an undeclared name fails,
//! and so does a declared name no handler reads. The probe sees only what ran, so every
//! call must get past the extractors that come before `Query` (the caller's token, the
//! path parameters); a call stopped there fails the test rather than passing unseen.
//! Clippy's `disallowed-types`/`disallowed-methods` (clippy.toml) forbid every other
//! way of reading a query string.
//!
//! Also, each operation answers an undeclared parameter alike: 422 `unknown_field`
//! naming it.

use crate::harness::{TestApp, both_backends};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::Value;
use server::extract::QueryProbe;
use std::collections::BTreeSet;
use tower::ServiceExt;

both_backends!(handlers_read_exactly_the_declared_query_parameters);

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

fn resolve<'a>(doc: &'a Value, s: &'a Value) -> &'a Value {
    match s["$ref"].as_str() {
        Some(r) => &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")],
        None => s,
    }
}

/// A value the path parameter's extractor takes, from its declared schema.
fn path_value(doc: &Value, p: &Value) -> String {
    let schema = resolve(doc, &p["schema"]);
    match (schema["format"].as_str(), p["name"].as_str().unwrap()) {
        (Some("uuid"), _) => uuid::Uuid::now_v7().to_string(),
        (Some("date"), _) | (_, "date") => "2026-01-05".into(),
        (_, "scope") => "tenant".into(),
        (_, "type") => "leave".into(),
        (_, "name") => "attendance_monthly".into(),
        (_, "external_id") => "ERP-1".into(),
        (_, "tenant") => "acme".into(),
        (_, name) => panic!("give path parameter `{name}` a value in query_contract.rs"),
    }
}

struct Answer {
    status: StatusCode,
    body: Value,
    read: Option<Vec<String>>,
}

async fn call(app: &TestApp, token: &str, method: &str, uri: &str, has_body: bool) -> Answer {
    let probe = QueryProbe::default();
    let mut req = Request::builder()
        .method(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap())
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if has_body {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let mut req = req
        .body(if has_body {
            Body::from("{}")
        } else {
            Body::empty()
        })
        .unwrap();
    req.extensions_mut().insert(probe.clone());
    let resp = server::router(app.state.clone())
        .oneshot(req)
        .await
        .unwrap();
    let status = resp.status();
    // The live stream never ends; its headers are all this needs.
    let body = if resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"))
    {
        Value::Null
    } else {
        let bytes = axum::body::to_bytes(resp.into_body(), 64 << 20)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    };
    Answer {
        status,
        body,
        read: probe.read(),
    }
}

async fn handlers_read_exactly_the_declared_query_parameters(app: &TestApp) {
    let t = app.tenant("acme").await;
    let doc = serde_json::to_value(server::app::document()).unwrap();
    let mut checked = 0;
    let mut drift = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let mut path = template.clone();
            for p in params.iter().filter(|p| p["in"] == "path") {
                let name = p["name"].as_str().unwrap();
                path = path.replace(&format!("{{{name}}}"), &path_value(&doc, p));
            }
            let declared: BTreeSet<String> = params
                .iter()
                .filter(|p| p["in"] == "query")
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect();
            let has_body = !op["requestBody"].is_null();
            // Logging out ends the token it is called with: give it one of its own.
            let token = if template.ends_with("/auth/logout") {
                app.token("acme", "admin").await
            } else {
                t.admin.clone()
            };
            let what = format!("{method} {template}");

            let a = call(app, &token, method, &path, has_body).await;
            let stopped_early = a.status == StatusCode::UNAUTHORIZED
                || (a.status == StatusCode::BAD_REQUEST
                    && a.body["error"]["message"]
                        .as_str()
                        .is_some_and(|m| m.starts_with("id: is not a valid id")));
            assert!(
                !stopped_early,
                "{what}: stopped before its query extractor: {} {}",
                a.status, a.body
            );
            let read: BTreeSet<String> = a.read.unwrap_or_default().into_iter().collect();
            if read != declared {
                drift.push(format!(
                    "{what}: the handler reads {read:?}, the document declares {declared:?}"
                ));
            }

            // The sign-in callback takes what a provider appends (see OPEN_QUERIES).
            if server::openapi::query_params::OPEN_QUERIES.contains(&template.as_str()) {
                checked += 1;
                continue;
            }
            let a = call(
                app,
                &token,
                method,
                &format!("{path}?zz_undeclared=1"),
                has_body,
            )
            .await;
            let e = &a.body["error"];
            assert_eq!(
                a.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{what}: {}",
                a.body
            );
            assert_eq!(
                e["fields"][0]["field"], "zz_undeclared",
                "{what}: {}",
                a.body
            );
            assert_eq!(
                e["fields"][0]["code"], "unknown_field",
                "{what}: {}",
                a.body
            );

            // Each declared name on its own is taken as a parameter (its empty value may
            // well be refused, but not the name).
            for name in &declared {
                let a = call(app, &token, method, &format!("{path}?{name}="), has_body).await;
                let e = &a.body["error"]["fields"][0];
                assert!(
                    !(e["field"] == name.as_str() && e["code"] == "unknown_field"),
                    "{what}: the declared `{name}` is refused as unknown: {}",
                    a.body
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "every operation was called ({checked})");
    assert!(drift.is_empty(), "query parameters drift: {drift:#?}");
}
