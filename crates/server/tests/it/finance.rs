//! The finance policy: finance reads people, attendance, tracks and mileage, visits and
//! their photos tenant-wide and read-only (verifying a claim needs the day's evidence), and
//! writes no master data.

use crate::harness::{TestApp, assert_error, both_backends};
use crate::visits::camera_photo;
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

const SHOP: (f64, f64) = (31.2304, 121.4737);

both_backends!(finance_reads_the_evidence_and_writes_no_master_data);

async fn finance_reads_the_evidence_and_writes_no_master_data(app: &TestApp) {
    let t = app.tenant("acme").await;
    let east = app.department(&t.admin, "East", Some(&t.root_dept)).await;
    let rep = app.employee(&t.admin, &east, "rep1", "field").await;
    app.employee(&t.admin, &t.root_dept, "fin", "finance").await;
    let fin = app.token("acme", "fin").await;
    let rep_token = app.token("acme", "rep1").await;
    let shop = app
        .customer(
            &t.admin,
            json!({"name": "Shop", "owner_id": rep,
                                    "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .await;
    // A visit in another department than finance's, with a photo.
    let at = chrono::Utc::now() - chrono::Duration::minutes(10);
    let visit = Uuid::now_v7();
    let (s, v) = app
        .post(&rep_token, "/api/v1/visits",
              json!({"id": visit, "customer_id": shop["id"], "t": at.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, photo) = app
        .upload(&rep_token, &format!("/api/v1/visits/{visit}/photos"),
                json!({"id": Uuid::now_v7(), "t": at.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1, "capture": "camera"}),
                camera_photo(3, &at.format("%Y:%m:%d %H:%M:%S").to_string(), SHOP))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{photo}");
    // The tenant's days are Shanghai days (the test runs at any hour, also after 16:00 UTC).
    let local = at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
    let today = local.format("%Y-%m-%d").to_string();
    let month = local.format("%Y-%m").to_string();

    // Reads, tenant-wide.
    let (s, list) = app
        .get(
            &fin,
            &format!("/api/v1/visits?employee_id={rep}&from={today}&to={today}"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["items"][0]["id"], json!(visit), "{list}");
    let (s, one) = app.get(&fin, &format!("/api/v1/visits/{visit}")).await;
    assert_eq!(
        (s, one["photos"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(1)),
        "{one}"
    );
    let (s, bytes) = app
        .bytes(
            &fin,
            &format!("/api/v1/photos/{}", photo["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(bytes.starts_with(&[0xFF, 0xD8]), "a JPEG");
    for path in [
        format!("/api/v1/employees/{rep}/track?date={today}"),
        format!("/api/v1/employees/{rep}/days?from={today}&to={today}"),
        format!("/api/v1/attendance/days?employee_id={rep}&from={today}&to={today}"),
        format!("/api/v1/attendance/team?from={today}&to={today}"),
        format!("/api/v1/mileage/monthly?month={month}"),
        "/api/v1/employees".to_owned(),
        "/api/v1/departments".to_owned(),
    ] {
        let (s, b) = app.get(&fin, &path).await;
        assert_eq!(s, StatusCode::OK, "{path}: {b}");
    }

    // No write of master data.
    let writes: Vec<(Method, String, serde_json::Value)> = vec![
        (
            Method::POST,
            "/api/v1/customers".into(),
            json!({"name": "x"}),
        ),
        (
            Method::PUT,
            format!("/api/v1/customers/{}", shop["id"].as_str().unwrap()),
            json!({"name": "x"}),
        ),
        (
            Method::DELETE,
            format!("/api/v1/customers/{}", shop["id"].as_str().unwrap()),
            json!(null),
        ),
        (
            Method::POST,
            "/api/v1/employees".into(),
            json!({"name": "x", "department_id": east, "role": "field"}),
        ),
        (
            Method::PUT,
            format!("/api/v1/employees/{rep}"),
            json!({"name": "x", "department_id": east, "role": "field"}),
        ),
        (
            Method::POST,
            "/api/v1/departments".into(),
            json!({"name": "x", "parent_id": t.root_dept}),
        ),
        (
            Method::PUT,
            format!("/api/v1/departments/{east}"),
            json!({"name": "x", "parent_id": t.root_dept}),
        ),
        (
            Method::DELETE,
            format!("/api/v1/departments/{east}"),
            json!(null),
        ),
        (
            Method::PUT,
            "/api/v1/attendance-rules/tenant".into(),
            json!({"weekdays": [1], "shifts": [{"start": "09:00", "end": "18:00"}]}),
        ),
        (Method::PUT, "/api/v1/visit-rules/tenant".into(), json!({})),
        (
            Method::PUT,
            "/api/v1/tracking-rules/tenant".into(),
            json!({"weekdays": [1], "windows": [{"start": "09:00", "end": "18:00"}],
            "moving_interval_s": 30, "stationary_interval_s": 300, "min_distance_m": 20, "desired_accuracy_m": 20}),
        ),
        (Method::PUT, "/api/v1/calendar".into(), json!({"days": []})),
        (
            Method::POST,
            "/api/v1/geofences".into(),
            json!({"name": "x", "center": {"lat": SHOP.0, "lon": SHOP.1}, "radius_m": 100}),
        ),
        (
            Method::POST,
            "/api/v1/forms".into(),
            json!({"name": "x", "fields": [{"key": "ok", "label": "OK", "type": "boolean"}]}),
        ),
        (
            Method::PUT,
            format!("/api/v1/plans/{rep}/{today}"),
            json!({"customer_ids": []}),
        ),
        (
            Method::POST,
            "/api/v1/plans/generate".into(),
            json!({"department_id": east, "from": today, "to": today}),
        ),
        (
            Method::POST,
            "/api/v1/plans/publish".into(),
            json!({"department_id": east, "from": today, "to": today}),
        ),
        (
            Method::POST,
            format!("/api/v1/customers/{}/approve", shop["id"].as_str().unwrap()),
            json!(null),
        ),
        (
            Method::POST,
            "/api/v1/devices".into(),
            json!({"employee_id": rep}),
        ),
        (
            Method::POST,
            "/api/v1/api-keys".into(),
            json!({"name": "x", "scopes": ["customers:read"]}),
        ),
    ];
    for (method, path, body) in writes {
        let body = (!body.is_null()).then_some(body);
        let (s, b) = app
            .call(method.clone(), Some(&fin), &path, body.as_ref())
            .await;
        assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    }
    // Nothing changed.
    let (_, c) = app
        .get(
            &t.admin,
            &format!("/api/v1/customers/{}", shop["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(c["name"], "Shop");
}
