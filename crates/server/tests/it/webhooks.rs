//! Webhooks end to end: a receiver this test runs on 127.0.0.1 checks every delivery with
//! the Standard Webhooks reference library (`standardwebhooks`, not our signing code),
//! answers what each test scripts (500, a hang past the timeout, 503 with Retry-After,
//! 410), and the delivery log, the endpoint's state and the outbox say what happened.

use crate::harness::{TestApp, assert_error, both_with, fields};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::response::{IntoResponse, Response};
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::Config;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Receivers on 127.0.0.1 are allowed; a receiver that hangs fails after a second.
pub fn local_receivers() -> Config {
    Config {
        webhooks_allow_private: true,
        webhook_timeout: Duration::from_secs(1),
        ..Config::default()
    }
}

both_with!(super::local_receivers() =>
    retries_after_a_500_and_a_timeout,
    retry_after_is_followed_and_410_or_five_failing_days_disable,
    rotation_test_send_and_redelivery,
    endpoints_are_the_tenants_and_admins_own,
);
both_with!(server::Config::default() => private_targets_are_refused);

#[derive(Clone, Copy)]
pub(crate) enum Reply {
    Status(u16),
    RetryAfter(u16, &'static str),
    /// Answers long after the server's timeout.
    Hang,
}

#[derive(Clone)]
pub(crate) struct Received {
    headers: HeaderMap,
    body: Bytes,
}

impl Received {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers[name].to_str().unwrap()
    }

    /// Checks the signature with the reference library, for `secret`.
    pub(crate) fn verifies_with(&self, secret: &str) -> bool {
        standardwebhooks::Webhook::new(secret)
            .unwrap()
            .verify(&self.body, &self.headers)
            .is_ok()
    }
}

#[derive(Clone, Default)]
pub(crate) struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<Reply>>>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    r.got.lock().unwrap().push(Received { headers, body });
    let reply = r.script.lock().unwrap().pop_front();
    match reply.unwrap_or(Reply::Status(200)) {
        Reply::Status(s) => AxumStatus::from_u16(s).unwrap().into_response(),
        Reply::RetryAfter(s, after) => (
            AxumStatus::from_u16(s).unwrap(),
            [("retry-after", after)],
            "later",
        )
            .into_response(),
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(120)).await;
            AxumStatus::OK.into_response()
        }
    }
}

impl Receiver {
    /// Starts a receiver answering `script` in turn, then 200; answers it and its URL.
    pub(crate) async fn start(script: &[Reply]) -> (Receiver, String) {
        let r = Receiver::default();
        r.script.lock().unwrap().extend(script.iter().copied());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(r.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (r, format!("http://{addr}/hook"))
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// The requests received once there are at least `n`.
    pub(crate) async fn at_least(&self, n: usize) -> Vec<Received> {
        for _ in 0..150 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!(
            "fewer than {n} deliveries within 30 s: {}",
            self.received().len()
        );
    }
}

pub(crate) async fn create(app: &TestApp, token: &str, body: Value) -> (String, String) {
    let (s, b) = app.post(token, "/api/v1/webhooks", body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let secret = b["secret"].as_str().unwrap().to_owned();
    (b["webhook"]["id"].as_str().unwrap().to_owned(), secret)
}

/// The endpoint's delivery log once it holds at least `n` attempts (newest first).
pub(crate) async fn log_of(app: &TestApp, token: &str, id: &str, n: usize) -> Vec<Value> {
    let mut last = Value::Null;
    for _ in 0..150 {
        let (s, b) = app
            .get(token, &format!("/api/v1/webhooks/{id}/deliveries"))
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        if b["items"].as_array().unwrap().len() >= n {
            return b["items"].as_array().unwrap().clone();
        }
        last = b;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("fewer than {n} attempts logged within 30 s: {last}");
}

/// Runs every job due within four days now (the retries a test would otherwise wait for).
async fn run_retries(app: &TestApp) {
    server::jobs::drain(&app.state, Duration::from_secs(4 * 86_400))
        .await
        .unwrap();
}

fn instant_ms(v: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .timestamp_millis()
}

async fn retries_after_a_500_and_a_timeout(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (receiver, url) = Receiver::start(&[Reply::Status(500), Reply::Hang]).await;
    let (id, secret) = create(
        app,
        &t.admin,
        json!({"url": url, "event_types": ["customer.created"], "description": "ERP"}),
    )
    .await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert_eq!(secret.len(), "whsec_".len() + 32);

    let customer = app.customer(&t.admin, json!({"name": "联华超市"})).await;
    // Not subscribed: never sent.
    app.employee(&t.admin, &t.root_dept, "rep1", "field").await;

    // The first attempt answers 500 and a retry is scheduled.
    let first = log_of(app, &t.admin, &id, 1).await;
    assert_eq!(first[0]["status"], 500, "{first:?}");
    assert_eq!(first[0]["attempt"], 1);
    assert_eq!(first[0]["event_type"], "customer.created");
    assert!(first[0]["next_attempt_at"].is_string(), "{first:?}");
    let (_, w) = app.get(&t.admin, &format!("/api/v1/webhooks/{id}")).await;
    assert!(w["failing_since"].is_string(), "{w}");

    // The second times out (the receiver hangs), the third is delivered.
    run_retries(app).await;
    let log = log_of(app, &t.admin, &id, 3).await;
    let newest_first: Vec<(Value, Value)> = log
        .iter()
        .map(|d| (d["attempt"].clone(), d["status"].clone()))
        .collect();
    assert_eq!(
        newest_first,
        [
            (json!(3), json!(200)),
            (json!(2), Value::Null),
            (json!(1), json!(500))
        ]
    );
    assert_eq!(log[1]["error"], "timeout");
    assert!(log[0]["next_attempt_at"].is_null());
    let (_, w) = app.get(&t.admin, &format!("/api/v1/webhooks/{id}")).await;
    assert!(
        w["failing_since"].is_null(),
        "a success ends the streak: {w}"
    );

    // Every attempt carries the event's id, a verifiable signature and the event.
    let got = receiver.received();
    assert_eq!(got.len(), 3);
    let event_id = got[0].header("webhook-id").to_owned();
    for r in &got {
        assert_eq!(r.header("webhook-id"), event_id);
        assert!(r.verifies_with(&secret), "signature of {:?}", r.headers);
        assert!(!r.verifies_with(&format!("whsec_{}", "A".repeat(32))));
        let body = r.json();
        assert_eq!(body["type"], "customer.created");
        assert_eq!(body["id"], event_id.as_str());
        assert_eq!(body["data"]["customer_id"], customer["id"]);
    }
    let ts: i64 = got[0].header("webhook-timestamp").parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - ts).abs() < 600);
}

async fn retry_after_is_followed_and_410_or_five_failing_days_disable(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (receiver, url) = Receiver::start(&[
        Reply::RetryAfter(503, "7200"),
        Reply::Status(410),
        Reply::Status(500),
    ])
    .await;
    let (id, _) = create(app, &t.admin, json!({"url": url})).await;
    app.customer(&t.admin, json!({"name": "A"})).await;

    // The receiver asked for two hours: the next attempt is due then, not at the
    // back-off's minute.
    let first = log_of(app, &t.admin, &id, 1).await;
    assert_eq!(first[0]["status"], 503);
    let wait = instant_ms(&first[0]["next_attempt_at"]) - instant_ms(&first[0]["requested_at"]);
    assert!(
        (7_200_000..7_260_000).contains(&wait),
        "waited {wait} ms: {first:?}"
    );

    // 410 Gone disables the endpoint at once, and the admins are told by an event.
    run_retries(app).await;
    let log = log_of(app, &t.admin, &id, 2).await;
    assert_eq!(log[0]["status"], 410);
    let (_, w) = app.get(&t.admin, &format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(w["enabled"], false, "{w}");
    assert_eq!(w["disabled_reason"], "gone");
    let disabled = app.stored_events(t.id, "webhook.disabled", 1).await;
    let payload: Value = serde_json::from_str(&disabled[0].payload).unwrap();
    assert_eq!(payload["reason"], "gone");
    assert_eq!(payload["webhook_id"], id.as_str());

    // A disabled endpoint gets nothing, and redelivering to it is refused.
    let delivery = log[0]["id"].as_str().unwrap();
    let (s, b) = app
        .post(
            &t.admin,
            &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
            json!({}),
        )
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "webhook_disabled");

    // Enabled again, then failing for more than five days: disabled as `failing`.
    let (s, b) = app
        .put(
            &t.admin,
            &format!("/api/v1/webhooks/{id}"),
            json!({"url": url, "enabled": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b["disabled_reason"].is_null(), "{b}");
    let six_days_ago = chrono::Utc::now().timestamp_millis() - 6 * 86_400_000;
    app.raw_sql(&format!(
        "UPDATE webhook_endpoints SET failing_since_ms = {six_days_ago}"
    ))
    .await;
    app.customer(&t.admin, json!({"name": "B"})).await;
    let log = log_of(app, &t.admin, &id, 3).await;
    assert_eq!(log[0]["status"], 500);
    assert!(log[0]["next_attempt_at"].is_null(), "no retry: {log:?}");
    let (_, w) = app.get(&t.admin, &format!("/api/v1/webhooks/{id}")).await;
    assert_eq!(w["enabled"], false, "{w}");
    assert_eq!(w["disabled_reason"], "failing");
    let disabled = app.stored_events(t.id, "webhook.disabled", 2).await;
    let payload: Value = serde_json::from_str(&disabled[1].payload).unwrap();
    assert_eq!(payload["reason"], "failing");
    assert_eq!(receiver.received().len(), 3);
}

async fn rotation_test_send_and_redelivery(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (receiver, url) = Receiver::start(&[]).await;
    let client_id = uuid::Uuid::now_v7().to_string();
    let body = json!({"id": client_id, "url": url, "event_types": ["customer.created"]});
    let (id, old) = create(app, &t.admin, body.clone()).await;
    // The same create again: the same endpoint, without its secret.
    let (s, again) = app.post(&t.admin, "/api/v1/webhooks", body).await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again["webhook"]["id"], id.as_str());
    assert!(again["secret"].is_null());

    // After a rotation both secrets sign, for a day.
    let (s, rotated) = app
        .post(
            &t.admin,
            &format!("/api/v1/webhooks/{id}/rotate-secret"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{rotated}");
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    let until = instant_ms(&rotated["webhook"]["previous_secret_until"]);
    let day_ahead = chrono::Utc::now().timestamp_millis() + 86_400_000;
    assert!((until - day_ahead).abs() < 60_000, "{rotated}");

    // A test-send answers its attempt and is signed with both.
    let (s, sent) = app
        .post(&t.admin, &format!("/api/v1/webhooks/{id}/test"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{sent}");
    assert_eq!(sent["status"], 200);
    assert_eq!(sent["event_type"], "webhook.test");
    let got = receiver.at_least(1).await;
    assert_eq!(got[0].json()["type"], "webhook.test");
    assert_eq!(got[0].header("webhook-signature").split(' ').count(), 2);
    assert!(got[0].verifies_with(&old));
    assert!(got[0].verifies_with(&new));

    // Redelivering the test sends the same event again.
    let delivery = sent["id"].as_str().unwrap();
    let (s, b) = app
        .post(
            &t.admin,
            &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    assert_eq!(b["queued"], 1);
    let got = receiver.at_least(2).await;
    assert_eq!(got[1].header("webhook-id"), got[0].header("webhook-id"));
    assert_eq!(got[1].body, got[0].body);

    // An event delivered, then its time range redelivered: the same event twice.
    app.customer(&t.admin, json!({"name": "C"})).await;
    let got = receiver.at_least(3).await;
    let event_id = got[2].header("webhook-id").to_owned();
    let now = chrono::Utc::now();
    let (s, b) = app
        .post(
            &t.admin,
            &format!("/api/v1/webhooks/{id}/redeliver"),
            json!({"from": (now - chrono::Duration::hours(1)).to_rfc3339(),
                   "to": (now + chrono::Duration::minutes(1)).to_rfc3339()}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    assert_eq!(b["queued"], 1, "only the subscribed type: {b}");
    let got = receiver.at_least(4).await;
    assert_eq!(got[3].header("webhook-id"), event_id);
    assert!(got[3].verifies_with(&new));
    // A backwards range names `to`.
    let (s, b) = app
        .post(
            &t.admin,
            &format!("/api/v1/webhooks/{id}/redeliver"),
            json!({"from": now.to_rfc3339(), "to": (now - chrono::Duration::hours(1)).to_rfc3339()}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["to"]);

    // The log pages newest first.
    let log = log_of(app, &t.admin, &id, 4).await;
    let (s, page) = app
        .get(
            &t.admin,
            &format!("/api/v1/webhooks/{id}/deliveries?limit=3"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = app
        .get(
            &t.admin,
            &format!("/api/v1/webhooks/{id}/deliveries?limit=3&cursor={cursor}"),
        )
        .await;
    assert_eq!(rest["items"][0]["id"], log[3]["id"]);

    // Deleting the endpoint removes it and its log.
    let (s, _) = app
        .delete(&t.admin, &format!("/api/v1/webhooks/{id}"))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = app.get(&t.admin, &format!("/api/v1/webhooks/{id}")).await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
}

async fn endpoints_are_the_tenants_and_admins_own(app: &TestApp) {
    let t = app.tenant("acme").await;
    let other = app.tenant("other").await;
    let (_, url) = Receiver::start(&[]).await;
    let (id, _) = create(app, &t.admin, json!({"url": url, "enabled": false})).await;

    // Another tenant's admin finds nothing under this id.
    for (method, path) in [
        (reqwest::Method::GET, format!("/api/v1/webhooks/{id}")),
        (
            reqwest::Method::GET,
            format!("/api/v1/webhooks/{id}/deliveries"),
        ),
        (reqwest::Method::POST, format!("/api/v1/webhooks/{id}/test")),
        (
            reqwest::Method::POST,
            format!("/api/v1/webhooks/{id}/rotate-secret"),
        ),
        (reqwest::Method::DELETE, format!("/api/v1/webhooks/{id}")),
    ] {
        let (s, b) = app
            .call(method, Some(&other.admin), &path, Some(&json!({})))
            .await;
        assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    }
    let (s, b) = app
        .put(
            &other.admin,
            &format!("/api/v1/webhooks/{id}"),
            json!({"url": url, "enabled": true}),
        )
        .await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let (_, list) = app.get(&other.admin, "/api/v1/webhooks").await;
    assert_eq!(list["items"], json!([]));
    assert!(list["next_cursor"].is_null());

    // Managers have no say; keys need the webhooks scopes.
    app.employee(&t.admin, &t.root_dept, "boss", "manager")
        .await;
    let manager = app.token("acme", "boss").await;
    let (s, b) = app.get(&manager, "/api/v1/webhooks").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (s, key) = app
        .post(
            &t.admin,
            "/api/v1/api-keys",
            json!({"name": "reader", "scopes": ["webhooks:read"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{key}");
    let reader = key["key"].as_str().unwrap();
    let (s, list) = app.get(reader, "/api/v1/webhooks").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["items"][0]["id"], id.as_str());
    assert!(list["items"][0].get("secret").is_none());
    let (s, b) = app
        .post(reader, "/api/v1/webhooks", json!({"url": url}))
        .await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "missing_scope");

    // Bad input names its field.
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/webhooks",
            json!({"url": url, "event_types": ["customer.created", "nope"]}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["event_types[1]"]);
}

async fn private_targets_are_refused(app: &TestApp) {
    let t = app.tenant("acme").await;
    for (url, code) in [
        ("http://127.0.0.1:9/hook", "private_address"),
        ("http://localhost:9/hook", "private_address"),
        ("http://[::1]/hook", "private_address"),
        ("http://169.254.169.254/latest/meta-data", "private_address"),
        ("http://100.100.100.200/latest/meta-data", "private_address"),
        ("https://10.1.2.3/hook", "private_address"),
        ("http://192.168.1.10/hook", "private_address"),
        ("http://[fd00::1]/hook", "private_address"),
        ("ftp://93.184.216.34/hook", "unknown_value"),
        ("not a url", "invalid_format"),
    ] {
        let (s, b) = app
            .post(&t.admin, "/api/v1/webhooks", json!({"url": url}))
            .await;
        let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(fields(&b), ["url"], "{url}: {b}");
        assert_eq!(e["fields"][0]["code"], code, "{url}: {b}");
    }

    // A public address is taken; pointed inward later (as a DNS answer could be), the
    // delivery itself is refused and the receiver is never called.
    let (receiver, local) = Receiver::start(&[]).await;
    let (id, _) = create(
        app,
        &t.admin,
        json!({"url": "http://93.184.216.34/hook", "enabled": false}),
    )
    .await;
    let port = local.split(':').nth(2).unwrap().trim_end_matches("/hook");
    for inward in [
        format!("http://127.0.0.1:{port}/hook"),
        format!("http://localhost:{port}/hook"),
    ] {
        let sql = format!("UPDATE webhook_endpoints SET url = '{inward}'");
        app.raw_sql(&sql).await;
        let (s, sent) = app
            .post(&t.admin, &format!("/api/v1/webhooks/{id}/test"), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{sent}");
        assert_eq!(sent["error"], "private_address", "{inward}: {sent}");
        assert!(sent["status"].is_null());
    }
    assert!(receiver.received().is_empty());
}
