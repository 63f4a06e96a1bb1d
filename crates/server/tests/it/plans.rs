//! Visit plans over the API: generation from visit frequencies, manager edits, publishing,
//! the rep's day in route order, and reordering the rest of today from where the rep is.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn stop_ids(day: &Value) -> Vec<String> {
    day["stops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["customer_id"].as_str().unwrap().to_owned())
        .collect()
}

both_backends!(a_week_is_generated_edited_published_and_fetched_in_order);

async fn a_week_is_generated_edited_published_and_fetched_in_order(app: &TestApp) {
    let t = app.tenant("acme").await;
    let team = app.department(&t.admin, "Team", Some(&t.root_dept)).await;
    let r1 = app.employee(&t.admin, &team, "rep1", "field").await;
    let r2 = app.employee(&t.admin, &team, "rep2", "field").await;
    app.put(
        &t.admin,
        "/api/v1/attendance-rules/tenant",
        json!({"weekdays": [1, 2, 3, 4, 5], "shifts": [{"start": "09:00", "end": "18:00"}]}),
    )
    .await;
    // Wednesday 2026-12-02 is a holiday.
    let (s, c) = app
        .put(
            &t.admin,
            "/api/v1/calendar",
            json!({"days": [{"date": "2026-12-02", "kind": "holiday", "name": "Test day"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let mut mine = std::collections::HashMap::new();
    for (i, (rep, lat0)) in [(&r1, 31.20), (&r2, 31.30)].into_iter().enumerate() {
        for k in 0..6 {
            let level = ["A", "B", "C"][k % 3];
            let c = app
                .customer(&t.admin, json!({"name": format!("Shop {i}-{k}"), "level": level, "owner_id": rep,
                    "location": {"lat": lat0 + 0.004 * k as f64, "lon": 121.45 + 0.003 * (k % 2) as f64}}))
                .await;
            mine.insert(c["id"].as_str().unwrap().to_owned(), rep.to_string());
        }
    }
    let week =
        json!({"department_id": team, "from": "2026-11-30", "to": "2026-12-04", "time_limit_s": 2});
    let (s, e) = app
        .post(
            &t.admin,
            "/api/v1/plans/generate",
            json!({"department_id": team, "from": "2026-12-04", "to": "2026-11-30"}),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["to"]);
    let (s, g) = app
        .post(&t.admin, "/api/v1/plans/generate", week.clone())
        .await;
    assert_eq!(s, StatusCode::OK, "{g}");
    // Never visited: each of the 12 customers is due once this week, and all fit.
    assert_eq!(
        (g["due_visits"].clone(), g["placed_visits"].clone()),
        (json!(12), json!(12)),
        "{g}"
    );
    let plans = g["plans"].as_array().unwrap();
    assert!(
        plans.iter().all(|p| p["date"] != "2026-12-02"),
        "nothing on the holiday"
    );
    let mut seen = std::collections::HashMap::new();
    for p in plans {
        assert_eq!(p["status"], "draft");
        for s in p["stops"].as_array().unwrap() {
            let c = s["customer_id"].as_str().unwrap();
            assert_eq!(
                mine[c],
                p["employee_id"].as_str().unwrap(),
                "a customer stays with its owner"
            );
            assert_eq!(s["due"]["reason"], "never_visited");
            *seen.entry(c.to_owned()).or_insert(0) += 1;
        }
        // Arrivals increase along the route.
        let arrivals: Vec<&str> = p["stops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["arrival"].as_str().unwrap())
            .collect();
        assert!(arrivals.windows(2).all(|w| w[0] < w[1]), "{arrivals:?}");
    }
    assert_eq!(seen.len(), 12);
    assert!(seen.values().all(|&n| n == 1));

    // The rep sees nothing until it is published.
    let token = app.token("acme", "rep1").await;
    let busy = plans
        .iter()
        .find(|p| p["employee_id"] == json!(r1) && p["stops"].as_array().unwrap().len() >= 2)
        .unwrap();
    let date = busy["date"].as_str().unwrap().to_owned();
    let (_, none) = app
        .get(&token, &format!("/api/v1/me/plan?date={date}"))
        .await;
    assert_eq!(none["status"], "none");

    // The manager reverses the day and adds a customer moved from another day.
    let mut order = stop_ids(busy);
    order.reverse();
    let other = plans
        .iter()
        .find(|p| {
            p["employee_id"] == json!(r1)
                && p["date"] != busy["date"]
                && !p["stops"].as_array().unwrap().is_empty()
        })
        .unwrap();
    let moved = stop_ids(other)[0].clone();
    let mut rest = stop_ids(other);
    rest.remove(0);
    let (s, o) = app
        .put(
            &t.admin,
            &format!("/api/v1/plans/{r1}/{}", other["date"].as_str().unwrap()),
            json!({"customer_ids": rest}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{o}");
    order.push(moved.clone());
    let (s, edited) = app
        .put(
            &t.admin,
            &format!("/api/v1/plans/{r1}/{date}"),
            json!({"customer_ids": order}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{edited}");
    assert_eq!(stop_ids(&edited), order);
    let (s, e) = app
        .put(
            &t.admin,
            &format!("/api/v1/plans/{r1}/{date}"),
            json!({"customer_ids": [moved, moved]}),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["customer_ids[1]"]);

    let range = json!({"department_id": team, "from": "2026-11-30", "to": "2026-12-04"});
    let (s, p) = app.post(&t.admin, "/api/v1/plans/publish", range).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["days_published"].as_u64().unwrap() as usize, plans.len());
    let (_, day) = app
        .get(&token, &format!("/api/v1/me/plan?date={date}"))
        .await;
    assert_eq!(day["status"], "published");
    assert_eq!(stop_ids(&day), order);
    assert!(
        day["stops"][0]["name"]
            .as_str()
            .unwrap()
            .starts_with("Shop 0-")
    );
    // Regenerating leaves published days alone.
    let (_, again) = app.post(&t.admin, "/api/v1/plans/generate", week).await;
    assert_eq!(again["days_written"], 0);
    let (_, still) = app
        .get(&token, &format!("/api/v1/me/plan?date={date}"))
        .await;
    assert_eq!(stop_ids(&still), order);
    // Another rep cannot open rep1's day; the list is the rep-by-day calendar.
    let other_rep = app.token("acme", "rep2").await;
    let (s, _) = app
        .get(&other_rep, &format!("/api/v1/plans/{r1}/{date}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, cal) = app
        .get(
            &t.admin,
            &format!("/api/v1/plans?department_id={team}&from=2026-11-30&to=2026-12-04"),
        )
        .await;
    assert_eq!(cal["items"].as_array().unwrap().len(), plans.len());
    assert_eq!(cal["next_cursor"], serde_json::Value::Null);
}

both_backends!(the_rest_of_today_is_reordered_from_where_the_rep_is);

async fn the_rest_of_today_is_reordered_from_where_the_rep_is(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    // Four shops on a north-south line, planned in a zig-zag.
    let mut ids = Vec::new();
    for k in 0..4 {
        let c = app
            .customer(
                &t.admin,
                json!({"name": format!("S{k}"), "owner_id": rep,
                "location": {"lat": 31.20 + 0.01 * k as f64, "lon": 121.45}}),
            )
            .await;
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive()
        .to_string();
    let zigzag = vec![
        ids[0].clone(),
        ids[3].clone(),
        ids[1].clone(),
        ids[2].clone(),
    ];
    let (s, d) = app
        .put(
            &t.admin,
            &format!("/api/v1/plans/{rep}/{today}"),
            json!({"customer_ids": zigzag}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let (s, e) = app
        .post(
            &token,
            "/api/v1/me/plan/reoptimize",
            json!({"lat": 31.2, "lon": 121.45}),
        )
        .await;
    assert_error(s, &e, StatusCode::NOT_FOUND, "not_found");
    let (_, p) = app
        .post(
            &t.admin,
            "/api/v1/plans/publish",
            json!({"department_id": t.root_dept, "from": today, "to": today}),
        )
        .await;
    assert_eq!(p["days_published"], 1);
    // S0 is visited; the rep stands at S0 and the rest goes north in order.
    let (s, v) = app
        .post(
            &token,
            "/api/v1/visits",
            json!({"id": uuid::Uuid::now_v7(), "customer_id": ids[0],
            "t": chrono::Utc::now().to_rfc3339(), "lat": 31.20, "lon": 121.45, "accuracy_m": 5}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, day) = app
        .post(
            &token,
            "/api/v1/me/plan/reoptimize",
            json!({"lat": 31.20, "lon": 121.45}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{day}");
    let got = stop_ids(&day);
    assert_eq!(got[0], ids[0], "the visited stop stays first");
    assert_eq!(day["stops"][0]["visited"], true);
    // From S0 the shortest way on through S1..S3 goes north in order.
    assert_eq!(got[1..], ids[1..], "{got:?} vs {ids:?}");
}
