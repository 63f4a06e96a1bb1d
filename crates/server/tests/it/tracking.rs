//! Tracking over the API and the OsmAnd protocol: ingest, idempotency, privacy windows,
//! order-independent day summaries, replay formats, the live feed, isolation.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_backends!(
    ingest_is_idempotent_and_keeps_only_working_hours,
    day_summary_ignores_order_and_repetition,
    osmand_clients_feed_registered_devices,
    osmand_reads_traccars_published_requests,
    live_feed_streams_positions,
    tracks_respect_tenants_and_roles,
);

/// Wednesday 2026-11-25, 09:00 in Shanghai (01:00 UTC), in epoch ms.
const WED_0900: i64 = 1_795_568_400_000;

/// A working morning: parked 20 min with a few metres of wander (a fix every 10 s), a
/// 3.3 km drive east at 10 m/s (a fix every second), a 25-minute visit, then 1.1 km north.
pub(crate) fn morning() -> Vec<Value> {
    let mut out = Vec::new();
    let (lat0, lon0) = (31.2304, 121.4737);
    let m_lat = 1.0 / 111_195.0;
    let m_lon = 1.0 / (111_195.0 * (31.2304f64).to_radians().cos());
    let mut t = WED_0900;
    let mut push = |t: i64, x: f64, y: f64, speed: f64| {
        out.push(
            json!({"t": t, "lat": lat0 + y * m_lat, "lon": lon0 + x * m_lon, "accuracy_m": 8.0,
                        "speed_mps": speed, "provider": "gps"}),
        );
    };
    for i in 0..120 {
        // Parked: a few metres of wander.
        push(t, (i % 5) as f64 * 2.0, (i % 3) as f64 * 2.0, 0.0);
        t += 10_000;
    }
    for i in 0..=330 {
        push(t, i as f64 * 10.0, 0.0, 10.0);
        t += 1_000;
    }
    let x_end = 3300.0;
    for i in 0..150 {
        push(t, x_end + (i % 4) as f64 * 3.0, (i % 6) as f64 * 2.0, 0.0);
        t += 10_000;
    }
    for i in 0..=110 {
        push(t, x_end, i as f64 * 10.0, 10.0);
        t += 1_000;
    }
    out
}

async fn rep(app: &TestApp, t: &crate::harness::Tenant, name: &str) -> (String, String) {
    let id = app.employee(&t.admin, &t.root_dept, name, "field").await;
    (id, app.token("acme", name).await)
}

pub(crate) async fn wait_settled(app: &TestApp, token: &str, id: &str) -> Value {
    for _ in 0..100 {
        let (s, days) = app
            .get(
                token,
                &format!("/api/v1/employees/{id}/days?from=2026-11-25&to=2026-11-25"),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{days}");
        if days["items"]
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|d| d["pending"] == false))
        {
            return days;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("the day summary was not computed within 20 s");
}

async fn ingest_is_idempotent_and_keeps_only_working_hours(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (_, token) = rep(app, &t, "rep1").await;
    let batch = json!({"fixes": [
        {"t": "2026-11-25T10:00:00+08:00", "lat": 31.23, "lon": 121.47, "accuracy_m": 8, "provider": "gps"},
        {"t": WED_0900 + 3_600_000 + 10_000, "lat": 31.2301, "lon": 121.4701, "accuracy_m": 9},
        {"t": "2026-11-25T10:00:20+08:00", "lat": 95, "lon": 121.47},
        {"t": "2026-11-21T10:00:00+08:00", "lat": 31.23, "lon": 121.47},
        {"t": "2026-11-25T07:00:00+08:00", "lat": 31.23, "lon": 121.47}
    ]});
    let (s, a) = app.post(&token, "/api/v1/locations", batch.clone()).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(
        (
            a["accepted"].clone(),
            a["duplicates"].clone(),
            a["outside_window"].clone()
        ),
        (json!(2), json!(0), json!(2)),
        "{a}"
    );
    assert_eq!(
        a["rejected"],
        json!([{"index": 2, "field": "fixes[2].lat", "code": "out_of_range",
            "problem": "must be between -90 and 90", "params": {"min": -90, "max": 90, "unit": ""}}])
    );
    // The phone never got the answer and sends the batch again: nothing is stored twice.
    let (_, b) = app.post(&token, "/api/v1/locations", batch).await;
    assert_eq!(
        (b["accepted"].clone(), b["duplicates"].clone()),
        (json!(0), json!(2)),
        "{b}"
    );

    let (s, e) = app
        .post(
            &token,
            "/api/v1/locations",
            json!({"fixes": vec![json!({"t": WED_0900, "lat": 31.0, "lon": 121.0}); 1001]}),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["fixes"]);
    let (s, e) = app
        .post(
            &token,
            "/api/v1/locations",
            json!({"fixes": [{"lat": 31.0, "lon": 121.0}]}),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // A rule that keeps fixes outside working hours (say, for a 24-hour service crew).
    let (s, p) = app.get(&token, "/api/v1/me/tracking-policy").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (p["timezone"].clone(), p["moving_interval_s"].clone()),
        (json!("Asia/Shanghai"), json!(10))
    );
    let rule = json!({"weekdays": [1,2,3,4,5,6,7], "windows": [{"start": "00:00", "end": "00:00"}],
                      "moving_interval_s": 5, "stationary_interval_s": 60, "min_distance_m": 5, "desired_accuracy_m": 10,
                      "keep_outside_windows": false});
    let rule_again = rule.clone();
    let (s, r) = app
        .put(&t.admin, "/api/v1/tracking-rules/tenant", rule)
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, c) = app
        .post(
            &token,
            "/api/v1/locations",
            json!({"fixes": [{"t": "2026-11-21T10:00:00+08:00", "lat": 31.23, "lon": 121.47}]}),
        )
        .await;
    assert_eq!(
        c["accepted"], 1,
        "a Saturday fix is kept under the all-week rule: {c}"
    );
    let (_, p) = app.get(&token, "/api/v1/me/tracking-policy").await;
    assert_eq!(
        (p["collect"].clone(), p["moving_interval_s"].clone()),
        (json!(true), json!(5))
    );

    let (s, e) = app.put(&t.admin, "/api/v1/tracking-rules/tenant", json!({"weekdays": [9], "windows": [{"start": "9am", "end": "18:00"}],
        "moving_interval_s": 0, "stationary_interval_s": 60, "min_distance_m": 5, "desired_accuracy_m": 10})).await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(
        fields(&e),
        ["weekdays", "windows[0].start", "moving_interval_s"]
    );
    let (s, e) = app
        .put(&token, "/api/v1/tracking-rules/tenant", rule_again)
        .await;
    assert_error(s, &e, StatusCode::FORBIDDEN, "forbidden");
}

fn shuffled(v: &[Value]) -> Vec<Value> {
    // A fixed permutation: interleave from both ends, then reverse blocks.
    let mut out: Vec<Value> = Vec::with_capacity(v.len());
    let (mut i, mut j) = (0, v.len());
    while i < j {
        j -= 1;
        out.push(v[j].clone());
        if i < j {
            out.push(v[i].clone());
        }
        i += 1;
    }
    out
}

async fn day_summary_ignores_order_and_repetition(app: &TestApp) {
    let t = app.tenant("acme").await;
    let fixes = morning();
    let mut summaries = Vec::new();
    let mut ids = Vec::new();
    for (name, batches) in [
        (
            "inorder",
            fixes.chunks(200).map(|c| c.to_vec()).collect::<Vec<_>>(),
        ),
        (
            "shuffled",
            shuffled(&fixes).chunks(97).map(|c| c.to_vec()).collect(),
        ),
        (
            "twice",
            fixes
                .chunks(300)
                .chain(fixes.chunks(150))
                .map(|c| c.to_vec())
                .collect(),
        ),
    ] {
        let (id, token) = rep(app, &t, name).await;
        for b in batches {
            let (s, a) = app
                .post(&token, "/api/v1/locations", json!({"fixes": b}))
                .await;
            assert_eq!(s, StatusCode::OK, "{a}");
        }
        let (s, day) = app
            .get(
                &t.admin,
                &format!("/api/v1/employees/{id}/track?date=2026-11-25"),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{day}");
        let stored = wait_settled(app, &t.admin, &id).await;
        assert_eq!(
            stored["items"][0]["summary"]["mileage_m"], day["mileage_m"],
            "stored summary equals the fresh one"
        );
        summaries.push(day);
        ids.push(id);
    }
    let core = |d: &Value| {
        json!([
            d["mileage_m"],
            d["work_mileage_m"],
            d["stops"],
            d["trips"],
            d["gaps"],
            d["first_fix"],
            d["last_fix"],
            d["polyline"]
        ])
    };
    assert_eq!(
        core(&summaries[0]),
        core(&summaries[1]),
        "shuffled arrival gives the same day"
    );
    assert_eq!(
        core(&summaries[0]),
        core(&summaries[2]),
        "repeated arrival gives the same day"
    );

    let d = &summaries[0];
    let mileage = d["mileage_m"].as_f64().unwrap();
    assert!(
        (4300.0..4500.0).contains(&mileage),
        "3.3 km + 1.1 km: {mileage}"
    );
    assert_eq!(d["stops"].as_array().unwrap().len(), 2, "{}", d["stops"]);
    assert!(
        d["polyline"].as_array().unwrap().len() < fixes.len() / 4,
        "the polyline is simplified"
    );
    assert!(d["polyline_error_m"].as_f64().unwrap() <= 5.0);

    // Replay formats.
    let gpx = app
        .client
        .get(format!(
            "{}/api/v1/employees/{}/track?date=2026-11-25&format=gpx",
            app.base, ids[0]
        ))
        .bearer_auth(&t.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(gpx.headers()["content-type"], "application/gpx+xml");
    let doc = gpx::read(std::io::Cursor::new(gpx.bytes().await.unwrap())).expect("valid GPX");
    assert_eq!(doc.tracks[0].segments[0].points.len(), fixes.len());
    assert_eq!(doc.waypoints.len(), 2);
    let (_, geo) = app
        .get(
            &t.admin,
            &format!(
                "/api/v1/employees/{}/track?date=2026-11-25&format=geojson",
                ids[0]
            ),
        )
        .await;
    assert_eq!(geo["type"], "FeatureCollection");
    assert_eq!(geo["features"][0]["geometry"]["type"], "LineString");
    let first = &geo["features"][0]["geometry"]["coordinates"][0];
    assert!(
        first[0].as_f64().unwrap() > 121.0,
        "GeoJSON is longitude first"
    );
    let (_, gcj) = app
        .get(
            &t.admin,
            &format!(
                "/api/v1/employees/{}/track?date=2026-11-25&coord_system=gcj02",
                ids[0]
            ),
        )
        .await;
    assert!(
        gcj["polyline"][0][1].as_f64().unwrap() > d["polyline"][0][1].as_f64().unwrap(),
        "GCJ-02 is east of WGS-84 here"
    );
    let (s, e) = app
        .get(
            &t.admin,
            &format!("/api/v1/employees/{}/track?date=25-11-2026", ids[0]),
        )
        .await;
    assert_eq!(
        (s, fields(&e)),
        (StatusCode::BAD_REQUEST, vec!["date".to_owned()])
    );
    let (_, empty) = app
        .get(
            &t.admin,
            &format!("/api/v1/employees/{}/track?date=2026-11-20", ids[0]),
        )
        .await;
    assert_eq!(
        (empty["mileage_m"].clone(), empty["polyline"].clone()),
        (json!(0.0), json!([]))
    );
}

async fn osmand_clients_feed_registered_devices(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (id, token) = rep(app, &t, "rep1").await;
    let (s, dev) = app
        .post(
            &token,
            "/api/v1/devices",
            json!({"name": "Traccar Client", "platform": "android"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{dev}");
    let ident = dev["identifier"].as_str().unwrap().to_owned();
    assert_eq!(ident.len(), 12);
    assert_eq!(dev["employee_id"], json!(id));
    let (s, e) = app
        .post(
            &t.admin,
            "/api/v1/devices",
            json!({"employee_id": id, "identifier": ident}),
        )
        .await;
    assert_error(s, &e, StatusCode::CONFLICT, "conflict");

    let get = |q: String| {
        let url = format!("{}/?{q}", app.osmand);
        async move { app.client.get(url).send().await.unwrap().status() }
    };
    // Traccar Client's query form: epoch seconds, speed in knots.
    assert_eq!(
        get(format!(
            "id={ident}&timestamp={}&lat=31.2304&lon=121.4737&speed=10&accuracy=6&batt=80",
            (WED_0900 + 3_600_000) / 1000
        ))
        .await,
        StatusCode::OK
    );
    assert_eq!(
        get(format!(
            "id=999999999999&timestamp={}&lat=31.2&lon=121.4",
            WED_0900 / 1000
        ))
        .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(format!("id={ident}&lat=abc&lon=121.4")).await,
        StatusCode::BAD_REQUEST
    );
    // Form body, and the JSON body form of newer clients.
    let form = app
        .client
        .post(format!("{}/", app.osmand))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "id={ident}&timestamp=2026-11-25T10:01:00%2B08:00&lat=31.2305&lon=121.4738&accuracy=7"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let body = json!({"device_id": ident, "location": {"timestamp": "2026-11-25T10:02:00+08:00",
        "coords": {"latitude": 31.2306, "longitude": 121.4739, "accuracy": 5, "speed": 0.5, "heading": 90, "altitude": 4},
        "battery": {"level": 0.7}, "mock": true}});
    let j = app
        .client
        .post(format!("{}/", app.osmand))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(j.status(), StatusCode::OK);

    let (_, day) = app
        .get(
            &t.admin,
            &format!("/api/v1/employees/{id}/track?date=2026-11-25&tolerance_m=0"),
        )
        .await;
    assert_eq!(day["polyline"].as_array().unwrap().len(), 3, "{day}");

    // A revoked device is refused at once.
    let dev_id = dev["id"].as_str().unwrap();
    assert_eq!(
        app.delete(&t.admin, &format!("/api/v1/devices/{dev_id}"))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        get(format!(
            "id={ident}&timestamp={}&lat=31.2&lon=121.4",
            (WED_0900 + 7_200_000) / 1000
        ))
        .await,
        StatusCode::NOT_FOUND
    );

    // Its identifier may be registered again (it was a 500): a new device, while the
    // revoked one keeps its history.
    let (s, again) = app
        .post(
            &t.admin,
            "/api/v1/devices",
            json!({"employee_id": id, "identifier": ident, "name": "reinstalled"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{again}");
    assert_eq!(again["identifier"], json!(ident));
    assert_eq!(again["name"], "reinstalled");
    assert_eq!(again["revoked_at"], Value::Null, "{again}");
    assert_ne!(again["id"], dev["id"], "{again}");
    let (_, old) = app.get(&t.admin, "/api/v1/devices").await;
    let old = old["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == dev["id"])
        .cloned()
        .unwrap_or_else(|| panic!("the revoked device is still listed: {old}"));
    assert!(old["revoked_at"].is_string(), "{old}");
    assert_eq!(
        get(format!(
            "id={ident}&timestamp={}&lat=31.2&lon=121.4",
            (WED_0900 + 7_300_000) / 1000
        ))
        .await,
        StatusCode::OK
    );
}

/// Traccar's own OsmAnd decoder test requests, sent verbatim to the listener for devices
/// registered under their identifiers: the ones with a position are stored (200), the
/// one without an id and the cell/Wi-Fi-only one are refused naming field and problem.
async fn osmand_reads_traccars_published_requests(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (id, _) = rep(app, &t, "rep1").await;
    for ident in [
        "123456",
        "902064",
        "353861053849681",
        "861001000719969",
        "123456789012345",
    ] {
        let (s, d) = app
            .post(
                &t.admin,
                "/api/v1/devices",
                json!({"employee_id": id, "identifier": ident}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
    }
    let send = |path_and_query: &str| {
        let url = format!("{}{path_and_query}", app.osmand);
        async move {
            let r = app.client.get(url).send().await.unwrap();
            let status = r.status();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            (status, body)
        }
    };
    let requests = include_str!("../fixtures/traccar_osmand_queries.txt");
    let mut refused = Vec::new();
    for q in requests.lines() {
        let (s, body) = send(q).await;
        match s {
            StatusCode::OK => {}
            StatusCode::BAD_REQUEST => {
                assert_eq!(body["error"]["code"], "bad_request", "{q}: {body}");
                let f = &body["error"]["fields"][0];
                refused.push((f["field"].clone(), f["code"].clone()));
            }
            other => panic!("{q}: {other} {body}"),
        }
    }
    assert_eq!(
        refused,
        [
            (json!("lat"), json!("no_position")),
            (json!("id"), json!("required"))
        ],
        "only the cell/Wi-Fi-only request and the one without an id are refused"
    );

    // Traccar's offset-less form on a working morning: 02:10:11 is UTC (10:10:11 in
    // Shanghai, inside working hours, so kept); read as Shanghai time it would fall
    // outside the window and be dropped.
    let (s, body) = send(
        "/?lat=31.2304&lon=121.4737&timestamp=2026-11-25+02%3A10%3A11&altitude=4&speed=0.0&id=353861053849681",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, day) = app
        .get(
            &t.admin,
            &format!("/api/v1/employees/{id}/track?date=2026-11-25&tolerance_m=0"),
        )
        .await;
    let at: Vec<i64> = day["polyline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[2].as_f64().unwrap() as i64)
        .collect();
    assert_eq!(at, [WED_0900 + 3_600_000 + 611_000], "{day}");
}

async fn live_feed_streams_positions(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (id, token) = rep(app, &t, "rep1").await;
    let mut resp = app
        .client
        .get(format!("{}/api/v1/live", app.base))
        .bearer_auth(&t.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut seen = String::new();
    // The snapshot names the rep (no fix yet).
    let deadline = std::time::Duration::from_secs(10);
    tokio::time::timeout(deadline, async {
        while !seen.contains(&id) {
            let chunk = resp.chunk().await.unwrap().expect("stream stays open");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .expect("snapshot arrives");
    assert!(seen.contains("event: position"));
    let now = chrono::Utc::now().timestamp_millis();
    let (_, a) = app.post(&token, "/api/v1/locations", json!({"fixes": [{"t": now, "lat": 31.2345, "lon": 121.4567, "accuracy_m": 5, "speed_mps": 4.0}]})).await;
    // Whether it is kept depends on the wall clock (working hours); a kept one must stream.
    if a["accepted"] == 1 {
        tokio::time::timeout(deadline, async {
            while !seen.contains("31.2345") {
                let chunk = resp.chunk().await.unwrap().expect("stream stays open");
                seen.push_str(&String::from_utf8_lossy(&chunk));
            }
        })
        .await
        .expect("the new position streams");
        assert!(seen.contains("\"status\":\"moving\""), "{seen}");
    } else {
        assert_eq!(a["outside_window"], 1, "{a}");
        assert!(
            seen.contains("off_shift") || seen.contains("offline"),
            "{seen}"
        );
    }
    let (s, e) = app.get(&token, "/api/v1/tracking-rules").await;
    assert_error(s, &e, StatusCode::FORBIDDEN, "forbidden");
}

async fn tracks_respect_tenants_and_roles(app: &TestApp) {
    let a = app.tenant("acme").await;
    let b = app.tenant("beta").await;
    let (a1, a1_token) = rep(app, &a, "rep1").await;
    let (a2, _) = rep(app, &a, "rep2").await;
    let b1 = app.employee(&b.admin, &b.root_dept, "brep", "field").await;
    app.employee(&a.admin, &a.root_dept, "fin", "finance").await;
    let fin = app.token("acme", "fin").await;
    for path in [
        format!("/api/v1/employees/{b1}/track?date=2026-11-25"),
        format!("/api/v1/employees/{b1}/days?from=2026-11-25&to=2026-11-25"),
    ] {
        let (s, e) = app.get(&a.admin, &path).await;
        assert_error(s, &e, StatusCode::NOT_FOUND, "not_found");
    }
    assert_eq!(
        app.get(
            &a1_token,
            &format!("/api/v1/employees/{a1}/track?date=2026-11-25")
        )
        .await
        .0,
        StatusCode::OK
    );
    let (s, e) = app
        .get(
            &a1_token,
            &format!("/api/v1/employees/{a2}/track?date=2026-11-25"),
        )
        .await;
    assert_error(s, &e, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(
        app.get(
            &fin,
            &format!("/api/v1/employees/{a2}/days?from=2026-11-01&to=2026-11-30")
        )
        .await
        .0,
        StatusCode::OK
    );
    let (s, e) = app
        .get(
            &a.admin,
            &format!("/api/v1/employees/{a1}/days?from=2026-11-01&to=2027-11-30"),
        )
        .await;
    assert_eq!(
        (s, fields(&e)),
        (StatusCode::BAD_REQUEST, vec!["to".to_owned()])
    );
    // A device cannot be registered to another tenant's person, nor an API key send fixes.
    let (s, e) = app
        .post(&a.admin, "/api/v1/devices", json!({"employee_id": b1}))
        .await;
    assert_eq!(
        (s, fields(&e)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["employee_id".to_owned()]
        )
    );
    let (_, key) = app
        .post(
            &a.admin,
            "/api/v1/api-keys",
            json!({"name": "k", "scopes": ["customers:read"]}),
        )
        .await;
    let key = key["key"].as_str().unwrap();
    let (s, e) = app
        .post(key, "/api/v1/locations", json!({"fixes": []}))
        .await;
    assert_error(s, &e, StatusCode::FORBIDDEN, "forbidden");
    let (s, e) = app.get(key, "/api/v1/live").await;
    assert_error(s, &e, StatusCode::FORBIDDEN, "missing_scope");
}
