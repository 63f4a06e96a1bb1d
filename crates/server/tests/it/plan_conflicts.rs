//! Approved leave and plans: the rep's planned days inside the leave (draft or published)
//! carry `conflict: {code: "on_leave", request_id}` in the calendar, the day view and the
//! rep's own plan; the stops stay for the manager to move. The calendar also shows which
//! stops a check-in fulfilled and how many of the day's stops are done.

use crate::harness::{TestApp, both_backends};
use crate::me_today::today_base;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const SHOP: (f64, f64) = (31.2304, 121.4737);

both_backends!(approved_leave_marks_the_planned_days_and_the_calendar_counts_visits);

async fn approved_leave_marks_the_planned_days_and_the_calendar_counts_visits(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    let mut shops = Vec::new();
    for i in 0..2 {
        let c = app
            .customer(&t.admin, json!({"name": format!("Shop {i}"), "owner_id": rep,
                                       "location": {"lat": SHOP.0 + i as f64 * 0.01, "lon": SHOP.1}}))
            .await;
        shops.push(c["id"].as_str().unwrap().to_owned());
    }
    let (now, base) = today_base();
    let day = |n: u64| (now.date_naive() + chrono::Days::new(n)).to_string();
    for n in 0..4 {
        let stops = if n == 0 {
            shops.clone()
        } else {
            vec![shops[0].clone()]
        };
        let (s, d) = app
            .put(
                &t.admin,
                &format!("/api/v1/plans/{rep}/{}", day(n)),
                json!({"customer_ids": stops}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{d}");
    }
    // Today and the next two days are published; the fourth stays a draft.
    let (s, p) = app
        .post(
            &t.admin,
            "/api/v1/plans/publish",
            json!({"department_id": t.root_dept, "from": day(0), "to": day(2)}),
        )
        .await;
    assert_eq!((s, p["days_published"].clone()), (StatusCode::OK, json!(3)));

    // A check-in at the first shop today fulfils its stop.
    let visit = Uuid::now_v7();
    let (s, v) = app
        .post(
            &token,
            "/api/v1/visits",
            json!({"id": visit, "customer_id": shops[0], "t": base.to_rfc3339(),
                     "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    // Leave over days 2–3, and a rejected one over day 1.
    let ask = |from: String, to: String| json!({"id": Uuid::now_v7(), "from": from, "to": to, "leave_type": "annual", "reason": "trip"});
    let (_, leave) = app
        .post(&token, "/api/v1/attendance/leave", ask(day(2), day(3)))
        .await;
    let (_, refused) = app
        .post(&token, "/api/v1/attendance/leave", ask(day(1), day(1)))
        .await;
    let calendar = format!(
        "/api/v1/plans?department_id={}&from={}&to={}",
        t.root_dept,
        day(0),
        day(3)
    );
    let (_, cal) = app.get(&t.admin, &calendar).await;
    assert!(
        cal["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["conflict"].is_null()),
        "pending leave: {cal}"
    );
    for (r, decision) in [(&leave, "approved"), (&refused, "rejected")] {
        let (s, _) = app
            .post(
                &t.admin,
                &format!(
                    "/api/v1/attendance/requests/{}/decision",
                    r["id"].as_str().unwrap()
                ),
                json!({"status": decision}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
    }

    let (s, cal) = app.get(&t.admin, &calendar).await;
    assert_eq!(s, StatusCode::OK, "{cal}");
    let days = cal["items"].as_array().unwrap();
    assert_eq!(days.len(), 4);
    let on_leave = json!({"code": "on_leave", "request_id": leave["id"]});
    let summary: Vec<(Value, Value, Value, Value)> = days
        .iter()
        .map(|d| {
            (
                d["status"].clone(),
                d["planned"].clone(),
                d["done"].clone(),
                d["conflict"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (json!("published"), json!(2), json!(1), Value::Null),
            (json!("published"), json!(1), json!(0), Value::Null),
            (json!("published"), json!(1), json!(0), on_leave.clone()),
            (json!("draft"), json!(1), json!(0), on_leave.clone()),
        ]
    );
    assert_eq!(days[0]["stops"][0]["visit_id"], json!(visit));
    assert_eq!(days[0]["stops"][1]["visit_id"], Value::Null);
    // The stops stay where they were; the same shop on another day is not "done".
    assert_eq!(days[2]["stops"][0]["customer_id"], json!(shops[0]));
    assert_eq!(days[2]["stops"][0]["visit_id"], Value::Null);

    // The day view and the rep's own plan say so too.
    let (_, d) = app
        .get(&t.admin, &format!("/api/v1/plans/{rep}/{}", day(2)))
        .await;
    assert_eq!(d["conflict"], on_leave, "{d}");
    let (_, mine) = app
        .get(&token, &format!("/api/v1/me/plan?date={}", day(2)))
        .await;
    assert_eq!(mine["conflict"], on_leave, "{mine}");
    assert_eq!(mine["stops"].as_array().unwrap().len(), 1);
    let (_, mine) = app
        .get(&token, &format!("/api/v1/me/plan?date={}", day(1)))
        .await;
    assert_eq!(mine["conflict"], Value::Null);
    let (_, mine) = app
        .get(&token, &format!("/api/v1/me/plan?date={}", day(0)))
        .await;
    assert_eq!(mine["stops"][0]["visit_id"], json!(visit));
}
