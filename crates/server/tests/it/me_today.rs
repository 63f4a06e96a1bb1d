//! The server is the truth of the rep's day: `GET /me/today` restores the field app after
//! a re-login or on another phone, and a visit opened in one session is photographed and
//! checked out from another.

use crate::harness::{TestApp, both_backends};
use crate::photo_support::{jpeg, scene};
use chrono::{DateTime, FixedOffset, Timelike};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const SHOP: (f64, f64) = (31.2304, 121.4737);

/// Now in Shanghai, and a base instant for today's actions: half an hour ago, or local
/// midnight when the day is younger than that (every action stays on today's date).
pub fn today_base() -> (DateTime<FixedOffset>, DateTime<FixedOffset>) {
    let now = chrono::Utc::now().with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap());
    let midnight = now
        .with_hour(0)
        .and_then(|t| t.with_minute(0))
        .and_then(|t| t.with_second(0))
        .unwrap();
    (now, (now - chrono::Duration::minutes(30)).max(midnight))
}

both_backends!(a_second_session_restores_the_day_and_finishes_the_visit);

async fn a_second_session_restores_the_day_and_finishes_the_visit(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (s, _) = app
        .put(
            &t.admin,
            "/api/v1/tracking-rules/tenant",
            json!({"weekdays": [1,2,3,4,5,6,7], "windows": [{"start": "00:00", "end": "00:00"}],
                    "moving_interval_s": 5, "stationary_interval_s": 60, "min_distance_m": 5,
                    "desired_accuracy_m": 10}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let mut shops = Vec::new();
    for (i, name) in ["North Shop", "South Shop"].iter().enumerate() {
        let c = app
            .customer(&t.admin, json!({"name": name, "owner_id": rep,
                                       "location": {"lat": SHOP.0 + i as f64 * 0.01, "lon": SHOP.1}}))
            .await;
        shops.push(c["id"].as_str().unwrap().to_owned());
    }
    let (now, base) = today_base();
    let today = now.date_naive().to_string();
    let at = |min: i64| (base + chrono::Duration::minutes(min)).to_rfc3339();
    let (s, day) = app
        .put(
            &t.admin,
            &format!("/api/v1/plans/{rep}/{today}"),
            json!({"customer_ids": shops}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{day}");
    let (s, _) = app
        .post(
            &t.admin,
            "/api/v1/plans/publish",
            json!({"department_id": t.root_dept, "from": today, "to": today}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // Phone A: clock in, a fix, check in at the first shop, ask for leave tomorrow.
    let phone_a = app.token("acme", "rep1").await;
    let punch = Uuid::now_v7();
    let (s, _) = app
        .post(
            &phone_a,
            "/api/v1/attendance/clock-in",
            json!({"id": punch, "t": at(0), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 10}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, f) = app
        .post(
            &phone_a,
            "/api/v1/locations",
            json!({"fixes": [{"t": at(1), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 12}]}),
        )
        .await;
    assert_eq!(
        (s, f["accepted"].clone()),
        (StatusCode::OK, json!(1)),
        "{f}"
    );
    let visit = Uuid::now_v7();
    let (s, v) = app
        .post(
            &phone_a,
            "/api/v1/visits",
            json!({"id": visit, "customer_id": shops[0], "planned": true, "t": at(2),
                     "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 8, "device": {"id": "phone-a"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let tomorrow = (now.date_naive() + chrono::Days::new(1)).to_string();
    let leave = Uuid::now_v7();
    let (s, _) = app
        .post(&phone_a, "/api/v1/attendance/leave",
              json!({"id": leave, "from": tomorrow, "to": tomorrow, "leave_type": "annual", "reason": "family"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);

    // Phone B, a second login of the same rep, gets the whole day from the server.
    let phone_b = app.token("acme", "rep1").await;
    let (s, d) = app.get(&phone_b, "/api/v1/me/today").await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(
        (d["date"].clone(), d["timezone"].clone()),
        (json!(today), json!("Asia/Shanghai"))
    );
    let punches = d["punches"].as_array().unwrap();
    assert_eq!(punches.len(), 1, "{d}");
    assert_eq!(
        (punches[0]["id"].clone(), punches[0]["kind"].clone()),
        (json!(punch), json!("clock_in"))
    );
    assert_eq!(d["open_visit"]["id"], json!(visit));
    assert_eq!(d["open_visit"]["photos"], json!([]), "the full form: {d}");
    assert_eq!(d["open_visit"]["required_photos"], 0);
    let visits: Vec<&Value> = d["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["id"])
        .collect();
    assert_eq!(visits, [&json!(visit)]);
    assert_eq!(d["plan"]["status"], "published");
    let stops = d["plan"]["stops"].as_array().unwrap();
    assert_eq!(
        (stops[0]["visit_id"].clone(), stops[0]["visited"].clone()),
        (json!(visit), json!(true))
    );
    assert_eq!(stops[1]["visit_id"], Value::Null);
    assert_eq!(d["plan"]["conflict"], Value::Null);
    let pending: Vec<&Value> = d["pending_requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["id"])
        .collect();
    assert_eq!(pending, [&json!(leave)]);
    assert!(
        (d["last_fix"]["lat"].as_f64().unwrap() - SHOP.0).abs() < 1e-9,
        "{d}"
    );
    assert_eq!(d["last_fix"]["accuracy_m"], 12.0);

    // Phone B photographs and checks out the visit phone A opened.
    let (s, p) = app
        .upload(&phone_b, &format!("/api/v1/visits/{visit}/photos"),
                json!({"id": Uuid::now_v7(), "t": at(3), "capture": "camera", "device": {"id": "phone-b"}}),
                jpeg(&scene(9, 320, 240), 80))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, out) = app
        .post(
            &phone_b,
            &format!("/api/v1/visits/{visit}/check-out"),
            json!({"id": Uuid::now_v7(), "t": at(4), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 8,
                     "device": {"id": "phone-b"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{out}");
    assert_eq!(out["photos"].as_array().unwrap().len(), 1);

    // Phone A logs out and in again: the day is as phone B left it.
    let (s, _) = app
        .call(
            reqwest::Method::POST,
            Some(&phone_a),
            "/api/v1/auth/logout",
            None,
        )
        .await;
    assert!(s.is_success(), "{s}");
    let (s, _) = app.get(&phone_a, "/api/v1/me/today").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let phone_a = app.token("acme", "rep1").await;
    let (_, d) = app.get(&phone_a, "/api/v1/me/today").await;
    assert_eq!(d["open_visit"], Value::Null, "{d}");
    assert_eq!(d["punches"].as_array().unwrap().len(), 1);
    assert!(d["visits"][0]["check_out"]["t"].is_string(), "{d}");

    // The manager's calendar shows the day half done.
    let (s, cal) = app
        .get(
            &t.admin,
            &format!(
                "/api/v1/plans?department_id={}&from={today}&to={today}",
                t.root_dept
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{cal}");
    assert_eq!(
        (
            cal["items"][0]["planned"].clone(),
            cal["items"][0]["done"].clone()
        ),
        (json!(2), json!(1)),
        "{cal}"
    );
    assert_eq!(cal["items"][0]["stops"][0]["visit_id"], json!(visit));

    // Someone else's session does not reach this visit.
    app.employee(&t.admin, &t.root_dept, "rep2", "field").await;
    let other = app.token("acme", "rep2").await;
    let (_, d) = app.get(&other, "/api/v1/me/today").await;
    assert_eq!(
        (d["open_visit"].clone(), d["visits"].clone()),
        (Value::Null, json!([]))
    );
}

both_backends!(the_new_operations_are_declared_with_their_parameters);

async fn the_new_operations_are_declared_with_their_parameters(app: &TestApp) {
    let doc: Value = app
        .client
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let params = |path: &str, method: &str| -> Vec<(String, String)> {
        doc["paths"][path][method]["parameters"]
            .as_array()
            .unwrap_or(&Vec::new())
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_owned(),
                    p["in"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert!(doc["paths"]["/api/v1/me/today"]["get"]["responses"]["200"].is_object());
    let q = |n: &str| (n.to_owned(), "query".to_owned());
    let p = |n: &str| (n.to_owned(), "path".to_owned());
    assert_eq!(
        params("/api/v1/plans", "get"),
        [q("department_id"), q("from"), q("to")]
    );
    assert_eq!(
        params("/api/v1/plans/{employee_id}/{date}", "get"),
        [p("employee_id"), p("date")]
    );
    assert_eq!(
        params("/api/v1/plans/{employee_id}/{date}", "put"),
        [p("employee_id"), p("date")]
    );
    assert!(
        params("/api/v1/visits", "get").contains(&q("flag")),
        "{:?}",
        params("/api/v1/visits", "get")
    );
    assert_eq!(params("/api/v1/visits/{id}/check-out", "post"), [p("id")]);
    let rule = &doc["components"]["schemas"]["CheckoutRequires"];
    assert!(rule["properties"]["photos"].is_object(), "{rule}");
}
