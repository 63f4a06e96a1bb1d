//! `GET /metrics` and request ids: the series a scrape shows after real requests, who may
//! scrape, and the `x-request-id` every answer carries.
//!
//! The recorder is one per process, shared by every test app running beside this one, so
//! counters are compared before and after, never against absolute values.

use crate::harness::{Backend, TestApp, assert_error, both_backends};
use crate::visits::camera_photo;
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::Config;
use server::routes::metrics::MetricsToken;

both_backends!(
    a_scrape_shows_requests_by_route_and_the_fixes_stored,
    requests_carry_an_id,
);

const SHOP: (f64, f64) = (31.2304, 121.4737);

/// Scrapes `/metrics` as a local client without a token.
async fn scrape(app: &TestApp) -> String {
    let resp = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let ct = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    resp.text().await.unwrap()
}

/// The value of the series `name` whose labels include all of `labels` (`key="value"`),
/// summed over the series that match (0 when none does).
fn value(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once(' '))
        .filter(|(series, _)| {
            let (n, rest) = series.split_once('{').unwrap_or((series, ""));
            n == name && labels.iter().all(|want| rest.contains(want))
        })
        .map(|(_, v)| v.parse::<f64>().unwrap())
        .sum()
}

async fn a_scrape_shows_requests_by_route_and_the_fixes_stored(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let rep_token = app.token("acme", "rep1").await;

    let before = scrape(app).await;
    let (s, _) = app.get(&t.admin, "/api/v1/customers").await;
    assert_eq!(s, StatusCode::OK);
    let missing = uuid::Uuid::new_v4();
    let (s, e) = app
        .get(&t.admin, &format!("/api/v1/customers/{missing}"))
        .await;
    assert_error(s, &e, StatusCode::NOT_FOUND, "not_found");
    let (s, _) = app.get(&t.admin, &format!("/no/such/{missing}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, a) = app
        .post(
            &rep_token,
            "/api/v1/locations",
            json!({"fixes": [
                {"t": "2026-11-25T10:00:00+08:00", "lat": 31.23, "lon": 121.47, "accuracy_m": 8},
                {"t": "2026-11-25T10:00:10+08:00", "lat": 31.2301, "lon": 121.4701, "accuracy_m": 8}
            ]}),
        )
        .await;
    assert_eq!(
        (s, a["accepted"].clone()),
        (StatusCode::OK, json!(2)),
        "{a}"
    );
    // A visit with a photo: the photo is processed (decoded, watermarked, thumbnailed).
    let shop = app
        .customer(
            &t.admin,
            json!({"name": "Shop", "owner_id": rep, "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .await;
    let at = chrono::Utc::now() - chrono::Duration::minutes(10);
    let visit = uuid::Uuid::now_v7();
    let (s, v) = app
        .post(&rep_token, "/api/v1/visits",
              json!({"id": visit, "customer_id": shop["id"], "t": at.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, photo) = app
        .upload(&rep_token, &format!("/api/v1/visits/{visit}/photos"),
                json!({"id": uuid::Uuid::now_v7(), "t": at.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1, "capture": "camera"}),
                camera_photo(3, &at.format("%Y:%m:%d %H:%M:%S").to_string(), SHOP))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{photo}");
    let unknown = app
        .client
        .get(format!(
            "{}/?id=000000000000&timestamp=1795572000&lat=31.2&lon=121.4",
            app.osmand
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let after = scrape(app).await;
    let grew =
        |name: &str, labels: &[&str]| value(&after, name, labels) - value(&before, name, labels);
    let requests = "outfield_http_requests_total";
    let get = r#"method="GET""#;
    assert!(
        grew(
            requests,
            &[get, r#"route="/api/v1/customers""#, r#"status="200""#]
        ) >= 1.0,
        "{after}"
    );
    assert!(
        grew(
            requests,
            &[get, r#"route="/api/v1/customers/{id}""#, r#"status="404""#]
        ) >= 1.0,
        "{after}"
    );
    // Unknown addresses share one series; the raw path never becomes a label.
    assert!(
        grew(requests, &[get, r#"route="unmatched""#, r#"status="404""#]) >= 1.0,
        "{after}"
    );
    assert!(!after.contains(&missing.to_string()), "{after}");
    assert!(
        grew(
            "outfield_http_request_duration_seconds_count",
            &[
                r#"route="/api/v1/locations""#,
                r#"method="POST""#,
                r#"status="200""#
            ]
        ) >= 1.0,
        "{after}"
    );
    assert!(
        after.contains(r#"outfield_http_request_duration_seconds_bucket{method="POST",route="/api/v1/locations",status="200",le="0.005"}"#),
        "{after}"
    );
    assert!(
        grew("outfield_fixes_ingested_total", &[r#"source="api""#]) >= 2.0,
        "{after}"
    );
    assert!(
        grew("outfield_osmand_unknown_devices_total", &[]) >= 1.0,
        "{after}"
    );
    assert!(
        grew("outfield_photo_processing_seconds_count", &[]) >= 1.0,
        "{after}"
    );
    for state in ["in_use", "idle"] {
        let series = format!(r#"outfield_db_pool_connections{{state="{state}"}}"#);
        assert!(after.contains(&series), "{after}");
    }
    assert!(after.contains("outfield_outbox_lag_seconds "), "{after}");
    // The job queue's gauges, per kind and unfinished state, zeros included.
    for state in ["queued", "running", "dead"] {
        let series = format!(r#"outfield_jobs{{kind="retention",state="{state}"}}"#);
        assert!(after.contains(&series), "{after}");
    }
    assert!(
        after.contains("# HELP outfield_http_requests_total"),
        "{after}"
    );

    // Through a reverse proxy on this host the connection is local, the client is not.
    let resp = app
        .client
        .get(format!("{}/metrics", app.base))
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
}

async fn requests_carry_an_id(app: &TestApp) {
    let fresh = app
        .client
        .get(format!("{}/api/v1/me", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), StatusCode::UNAUTHORIZED);
    let id = fresh.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    let other = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_ne!(other.headers()["x-request-id"].to_str().unwrap(), id);

    // A client's (or proxy's) own id follows the request through.
    let sent = app
        .client
        .get(format!("{}/healthz", app.base))
        .header("x-request-id", "phone-7f3a-42")
        .send()
        .await
        .unwrap();
    assert_eq!(sent.headers()["x-request-id"], "phone-7f3a-42");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metrics_token_is_required_once_configured_sqlite() {
    token_is_required(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metrics_token_is_required_once_configured_postgres() {
    token_is_required(Backend::Postgres).await;
}

async fn token_is_required(backend: Backend) {
    let config = Config {
        metrics_token: Some(MetricsToken::new("scrape-me".into())),
        ..Config::default()
    };
    let app = TestApp::spawn_with(backend, config).await;
    let metrics = format!("{}/metrics", app.base);
    for auth in [None, Some("Bearer wrong"), Some("scrape-me")] {
        let mut req = app.client.get(&metrics);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let body: Value = resp.json().await.unwrap();
        assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let resp = app
        .client
        .get(&metrics)
        .bearer_auth("scrape-me")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("outfield_http_requests_total")
    );
    app.cleanup().await;
}
