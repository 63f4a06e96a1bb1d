//! Geofences over the API: circles and GCJ-02 polygons, accuracy-aware judgements,
//! validation, roles and tenant isolation.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(geofences_judge_with_accuracy);

async fn geofences_judge_with_accuracy(app: &TestApp) {
    let t = app.tenant("acme").await;
    let other = app.tenant("beta").await;
    // A 100 m circle at People's Square.
    let (s, circle) = app
        .post(
            &t.admin,
            "/api/v1/geofences",
            json!({"name": "HQ", "center": {"lat": 31.2304, "lon": 121.4737}, "radius_m": 100}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{circle}");
    let cid = circle["id"].as_str().unwrap().to_owned();
    assert_eq!(circle["radius_m"], 100.0);

    let admin: &str = &t.admin;
    let judge = |lat: f64, acc: Option<f64>| {
        let body = json!({"lat": lat, "lon": 121.4737, "accuracy_m": acc});
        let path = format!("/api/v1/geofences/{cid}/judge");
        async move { app.post(admin, &path, body).await.1 }
    };
    // 1 m of latitude ≈ 1 / 111,195 degrees.
    let m = 1.0 / 111_195.0;
    assert_eq!(judge(31.2304, Some(10.0)).await["judgement"], "inside");
    assert_eq!(
        judge(31.2304 + 90.0 * m, Some(5.0)).await["judgement"],
        "inside"
    );
    assert_eq!(
        judge(31.2304 + 90.0 * m, Some(80.0)).await["judgement"],
        "uncertain",
        "a poor fix near the edge"
    );
    assert_eq!(
        judge(31.2304 + 300.0 * m, Some(80.0)).await["judgement"],
        "outside"
    );
    assert_eq!(
        judge(31.2304, None).await["judgement"],
        "uncertain",
        "no accuracy, no confident answer"
    );
    let d = judge(31.2304 + 150.0 * m, Some(5.0)).await["boundary_distance_m"]
        .as_f64()
        .unwrap();
    assert!((d - 50.0).abs() < 1.0, "{d}");

    // A square given in GCJ-02 (as an Amap drawing tool hands it over) is stored as WGS-84.
    let sq = [
        [121.470, 31.225],
        [121.480, 31.225],
        [121.480, 31.235],
        [121.470, 31.235],
    ];
    let (s, poly) = app
        .post(
            &t.admin,
            "/api/v1/geofences",
            json!({"name": "Block", "coord_system": "gcj02",
            "geojson": {"type": "Polygon", "coordinates": [sq.to_vec()]}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{poly}");
    let first = poly["geojson"]["coordinates"][0][0].clone();
    assert!(
        first[0].as_f64().unwrap() < 121.470,
        "WGS-84 lies west of GCJ-02 in Shanghai: {first}"
    );
    let pid = poly["id"].as_str().unwrap();
    let (_, j) = app
        .post(
            &t.admin,
            &format!("/api/v1/geofences/{pid}/judge"),
            json!({"lat": 31.230, "lon": 121.475, "coord_system": "gcj02", "accuracy_m": 20}),
        )
        .await;
    assert_eq!(j["judgement"], "inside", "{j}");

    let (s, e) = app
        .post(
            &t.admin,
            "/api/v1/geofences",
            json!({"name": "both", "center": {"lat": 31.0, "lon": 121.0}, "radius_m": 5}),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["radius_m"]);
    let (s, e) = app.post(&t.admin, "/api/v1/geofences", json!({"name": "line", "geojson": {"type": "Polygon", "coordinates": [[[121.0, 31.0], [121.1, 31.0]]]}})).await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // Field reps read fences (to know where clock-in counts) but cannot change them.
    app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let rep = app.token("acme", "rep1").await;
    let (s, list) = app.get(&rep, "/api/v1/geofences").await;
    assert_eq!(
        (s, list["items"].as_array().unwrap().len()),
        (StatusCode::OK, 2)
    );
    let (s, e) = app.delete(&rep, &format!("/api/v1/geofences/{cid}")).await;
    assert_error(s, &e, StatusCode::FORBIDDEN, "forbidden");
    // Another tenant's admin cannot see or touch them.
    for (s, e) in [
        app.get(&other.admin, &format!("/api/v1/geofences/{cid}"))
            .await,
        app.delete(&other.admin, &format!("/api/v1/geofences/{cid}"))
            .await,
        app.post(
            &other.admin,
            &format!("/api/v1/geofences/{cid}/judge"),
            json!({"lat": 31.2304, "lon": 121.4737, "accuracy_m": 5}),
        )
        .await,
    ] {
        assert_error(s, &e, StatusCode::NOT_FOUND, "not_found");
    }
    let (s, upd) = app.put(&t.admin, &format!("/api/v1/geofences/{cid}"), json!({"name": "HQ wide", "center": {"lat": 31.2304, "lon": 121.4737}, "radius_m": 500})).await;
    assert_eq!((s, upd["radius_m"].clone()), (StatusCode::OK, json!(500.0)));
    assert_eq!(
        app.delete(&t.admin, &format!("/api/v1/geofences/{cid}"))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let (s, e) = app.get(&t.admin, &format!("/api/v1/geofences/{cid}")).await;
    assert_error(s, &e, StatusCode::NOT_FOUND, "not_found");
}
