//! The change feed: events written with their changes, read in order from a cursor, by
//! admins and keys with `events:read` only, within their tenant.

use crate::harness::{TestApp, assert_error, both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

both_backends!(the_feed_follows_changes_in_order);

async fn feed(app: &TestApp, token: &str, query: &str) -> Value {
    let (s, b) = app.get(token, &format!("/api/v1/events{query}")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

async fn post_fixes(app: &TestApp, token: &str, hour: u32) {
    let fixes: Vec<Value> = (0..20)
        .map(|i| {
            json!({"t": format!("2026-11-25T{hour}:{i:02}:00+08:00"),
            "lat": 31.23 + f64::from(i) * 0.001, "lon": 121.47, "accuracy_m": 8})
        })
        .collect();
    let (s, b) = app
        .post(token, "/api/v1/locations", json!({"fixes": fixes}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

/// Waits until the feed after `after` holds a `track_day.updated`; answers the page.
async fn next_day_update(app: &TestApp, token: &str, after: &str) -> Value {
    for _ in 0..150 {
        let page = feed(
            app,
            token,
            &format!("?type=track_day.updated&after={after}"),
        )
        .await;
        if !page["items"].as_array().unwrap().is_empty() {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no track_day.updated event within 30 s");
}

async fn the_feed_follows_changes_in_order(app: &TestApp) {
    let t = app.tenant("acme").await;
    let other = app.tenant("other").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let rep_token = app.token("acme", "rep1").await;

    let start = feed(app, &t.admin, "").await;
    let cursor0 = start["next_cursor"].as_str().unwrap().to_owned();
    post_fixes(app, &rep_token, 10).await;
    let first = next_day_update(app, &t.admin, &cursor0).await;
    let e = &first["items"][0];
    assert_eq!(e["subject_id"], rep.as_str());
    assert_eq!(e["payload"]["day"], "2026-11-25");
    let km1 = e["payload"]["mileage_m"].as_f64().unwrap();
    assert!(km1 > 1000.0, "{e}");

    // More fixes later that day: a second event after the first one's cursor, with the
    // longer day; the first is not repeated.
    let cursor1 = first["next_cursor"].as_str().unwrap().to_owned();
    post_fixes(app, &rep_token, 11).await;
    let second = next_day_update(app, &t.admin, &cursor1).await;
    let items = second["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{second}");
    assert_ne!(items[0]["id"], e["id"]);
    assert!(items[0]["payload"]["mileage_m"].as_f64().unwrap() > km1);
    // Read from the start: both, in order.
    let all = feed(app, &t.admin, "?type=track_day.updated").await;
    let ids: Vec<&Value> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["id"])
        .collect();
    assert_eq!(ids, [&e["id"], &items[0]["id"]]);

    // Another tenant's feed holds none of it; reps and managers may not read feeds.
    assert!(
        feed(app, &other.admin, "").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let (s, b) = app.get(&rep_token, "/api/v1/events").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (s, b) = app.get(&t.admin, "/api/v1/events?after=nonsense").await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
    let (s, b) = app
        .get(&t.admin, "/api/v1/events?type=visit.teleported")
        .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");

    // An integration key with events:read follows the same feed.
    let (s, k) = app
        .post(
            &t.admin,
            "/api/v1/api-keys",
            json!({"name": "ERP", "scopes": ["events:read"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let key = k["key"].as_str().unwrap();
    let by_key = feed(app, key, "?type=track_day.updated").await;
    assert_eq!(by_key["items"], all["items"]);
    let (s, b) = app.get(key, "/api/v1/customers").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
}
