//! The request time-out: an operation over the limit answers 503 `timed_out` in the error
//! shape, listed in the document; the live stream and uploads are not cut off.
//!
//! No race against a clock: the limit is zero, so an operation answers 503 as soon as it
//! first waits for anything (every operation reads the caller's session from the
//! database), while an exempt one runs to its normal answer however long it takes.

use crate::harness::{TestApp, assert_error, both_backends};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

both_backends!(over_the_limit_is_503_but_streams_and_uploads_run_on);

async fn send(app: &TestApp, req: Request<Body>) -> (StatusCode, header::HeaderMap, Value) {
    // The running app's state (same database, same background work) with no time at all.
    let mut state = app.state.clone();
    state.config = Arc::new(server::Config {
        request_timeout: Duration::ZERO,
        ..(*state.config).clone()
    });
    let resp = server::router(state).oneshot(req).await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    if headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"))
    {
        return (status, headers, Value::Null);
    }
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn get(token: &str, path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

async fn over_the_limit_is_503_but_streams_and_uploads_run_on(app: &TestApp) {
    let t = app.tenant("acme").await;

    let (s, h, b) = send(app, get(&t.admin, "/api/v1/customers")).await;
    let e = assert_error(s, &b, StatusCode::SERVICE_UNAVAILABLE, "timed_out");
    assert_eq!(e["fields"], serde_json::json!([]), "{b}");
    assert!(h.contains_key(header::RETRY_AFTER), "{h:?}");

    // The live stream starts (and would run on); it is not cut off.
    let (s, h, _) = send(app, get(&t.admin, "/api/v1/live")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        h[header::CONTENT_TYPE]
            .as_bytes()
            .starts_with(b"text/event-stream")
    );

    // An upload gets its real answer: here the refusal of a form without its parts.
    let boundary = "x-outfield-test";
    let form = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--{boundary}--\r\n"
    );
    let req = Request::post("/api/v1/photos")
        .header(header::AUTHORIZATION, format!("Bearer {}", t.admin))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(form))
        .unwrap();
    let (s, _, b) = send(app, req).await;
    assert!(s.is_client_error(), "{s} {b}");
    assert!(b["error"]["fields"].is_array(), "{b}");

    // The document says the same: 503 where the limit applies, not on the exempt ones.
    let doc = serde_json::to_value(server::app::document()).unwrap();
    let lists_503 =
        |path: &str, method: &str| doc["paths"][path][method]["responses"].get("503").is_some();
    assert!(lists_503("/api/v1/customers", "get"));
    assert!(!lists_503("/api/v1/live", "get"));
    assert!(!lists_503("/api/v1/photos", "post"));
    assert!(!lists_503("/api/v1/customers/import", "post"));
}
