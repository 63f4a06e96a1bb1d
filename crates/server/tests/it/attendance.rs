//! Attendance over the API: rules with a geofence, clock-in/out judged with grace and the
//! fix's accuracy, idempotent retries, the work calendar, and daily records.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(clock_in_and_out_are_judged_and_summarised);

async fn clock_in_and_out_are_judged_and_summarised(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (_, fence) = app
        .post(
            &t.admin,
            "/api/v1/geofences",
            json!({"name": "HQ", "center": {"lat": 31.2304, "lon": 121.4737}, "radius_m": 150}),
        )
        .await;
    let rule = json!({"weekdays": [1, 2, 3, 4, 5], "shifts": [{"start": "09:00", "end": "18:00"}],
                      "late_grace_min": 5, "early_leave_grace_min": 0, "fence_ids": [fence["id"]]});
    let (_, default) = app.get(&t.admin, "/api/v1/attendance-rules/tenant").await;
    assert_eq!(default["weekdays"], json!([1, 2, 3, 4, 5]), "{default}");
    let (s, r) = app
        .put(&t.admin, "/api/v1/attendance-rules/tenant", rule.clone())
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, stored) = app.get(&t.admin, "/api/v1/attendance-rules/tenant").await;
    assert_eq!(stored["fence_ids"], rule["fence_ids"]);
    let (s, e) = app
        .put(&t.admin, "/api/v1/attendance-rules/tenant", json!({"weekdays": [1], "shifts": [{"start": "9", "end": "18:00"}], "fence_ids": [uuid::Uuid::now_v7()]}))
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(fields(&e).iter().any(|f| f.starts_with("shifts[0]")), "{e}");

    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    // Hired before the days below; without it they would be `not_started`.
    app.set_start_date(&t.admin, &rep, "2026-11-01").await;
    let token = app.token("acme", "rep1").await;
    // Wednesday 2026-11-25 in Shanghai.
    let punch = |path: &'static str, id: uuid::Uuid, t: &str, lat: f64, acc: f64| {
        let body = json!({"id": id, "t": t, "lat": lat, "lon": 121.4737, "accuracy_m": acc});
        let token = token.clone();
        async move { app.post(&token, path, body).await }
    };
    let in_id = uuid::Uuid::now_v7();
    let (s, a) = punch(
        "/api/v1/attendance/clock-in",
        in_id,
        "2026-11-25T09:03:00+08:00",
        31.2304,
        10.0,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(
        (
            a["judgement"]["status"].clone(),
            a["judgement"]["place"].clone()
        ),
        (json!("on_time"), json!("allowed"))
    );
    // The phone lost the answer and retries: same answer, nothing new stored.
    let (s, again) = punch(
        "/api/v1/attendance/clock-in",
        in_id,
        "2026-11-25T09:03:00+08:00",
        31.2304,
        10.0,
    )
    .await;
    assert_eq!(
        (s, again["judgement"].clone()),
        (StatusCode::OK, a["judgement"].clone())
    );

    // A second clock-in, late and from a poor fix at the fence edge: uncertain, not "inside".
    let m = 1.0 / 111_195.0;
    let (_, late) = punch(
        "/api/v1/attendance/clock-in",
        uuid::Uuid::now_v7(),
        "2026-11-26T09:20:00+08:00",
        31.2304 + 140.0 * m,
        60.0,
    )
    .await;
    assert_eq!(
        (
            late["judgement"]["status"].clone(),
            late["judgement"]["minutes"].clone()
        ),
        (json!("late"), json!(20)),
        "{late}"
    );
    assert_eq!(late["judgement"]["place"], "uncertain");
    let (_, far) = punch(
        "/api/v1/attendance/clock-out",
        uuid::Uuid::now_v7(),
        "2026-11-25T17:30:00+08:00",
        31.2304 + 900.0 * m,
        10.0,
    )
    .await;
    assert_eq!(
        (
            far["judgement"]["status"].clone(),
            far["judgement"]["minutes"].clone(),
            far["judgement"]["place"].clone()
        ),
        (json!("early_leave"), json!(30), json!("outside_allowed")),
        "{far}"
    );

    // A public holiday turns a weekday into a day off.
    let (s, c) = app
        .put(
            &t.admin,
            "/api/v1/calendar",
            json!({"days": [{"date": "2026-11-24", "kind": "holiday", "name": "test holiday"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let (_, h) = punch(
        "/api/v1/attendance/clock-in",
        uuid::Uuid::now_v7(),
        "2026-11-24T09:00:00+08:00",
        31.2304,
        10.0,
    )
    .await;
    assert_eq!(h["judgement"]["status"], "not_a_workday", "{h}");

    let (s, days) = app
        .get(
            &t.admin,
            &format!("/api/v1/attendance/days?employee_id={rep}&from=2026-11-23&to=2026-11-26"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{days}");
    let status: Vec<_> = days["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_str().unwrap().to_owned())
        .collect();
    // Mon: absent; Tue: holiday; Wed: in at 09:03, out at 17:30; Thu: late, no clock-out yet.
    assert_eq!(status[0], "absent", "{days}");
    assert_eq!(status[1], "day_off", "{days}");
    assert_eq!(status[2], "early_leave", "{days}");
    assert_eq!(days["items"][2]["early_leave_min"], 30);
    assert_eq!(status[3], "late", "{days}");

    let (s, e) = punch(
        "/api/v1/attendance/clock-in",
        uuid::Uuid::now_v7(),
        "2099-01-01T09:00:00+08:00",
        31.2304,
        10.0,
    )
    .await;
    assert_eq!(
        (s, fields(&e)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["t".to_owned()])
    );
    let other = app.tenant("beta").await;
    let (s, e) = app
        .get(
            &other.admin,
            &format!("/api/v1/attendance/days?employee_id={rep}&from=2026-11-23&to=2026-11-26"),
        )
        .await;
    assert_error(s, &e, StatusCode::NOT_FOUND, "not_found");
    let (s, e) = app
        .put(&token, "/api/v1/calendar", json!({"days": []}))
        .await;
    assert_error(s, &e, StatusCode::FORBIDDEN, "forbidden");
}

both_backends!(an_approved_correction_adds_the_missing_punch);

async fn an_approved_correction_adds_the_missing_punch(app: &TestApp) {
    let t = app.tenant("acme").await;
    app.put(
        &t.admin,
        "/api/v1/attendance-rules/tenant",
        json!({"weekdays": [1, 2, 3, 4, 5], "shifts": [{"start": "09:00", "end": "18:00"}]}),
    )
    .await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    // Wednesday 2026-11-25: clocked out on time, forgot to clock in.
    let (s, _) = app
        .post(
            &token,
            "/api/v1/attendance/clock-out",
            json!({"id": uuid::Uuid::now_v7(),
            "t": "2026-11-25T18:02:00+08:00", "lat": 31.2304, "lon": 121.4737, "accuracy_m": 10}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let days = format!("/api/v1/attendance/days?employee_id={rep}&from=2026-11-25&to=2026-11-25");
    let (_, before) = app.get(&t.admin, &days).await;
    assert_eq!(before["items"][0]["missing_clock_in"], true, "{before}");
    let (s, r) = app
        .post(
            &token,
            "/api/v1/attendance/corrections",
            json!({"id": uuid::Uuid::now_v7(),
            "kind": "clock_in", "t": "2026-11-25T08:55:00+08:00", "reason": "phone was flat"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let decision = format!(
        "/api/v1/attendance/requests/{}/decision",
        r["id"].as_str().unwrap()
    );
    let (s, d) = app
        .post(&t.admin, &decision, json!({"status": "approved"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let (_, after) = app.get(&t.admin, &days).await;
    assert_eq!(after["items"][0]["missing_clock_in"], false, "{after}");
    assert_eq!(after["items"][0]["status"], "present", "{after}");
    // A rejected correction adds nothing.
    let (_, r2) = app
        .post(
            &token,
            "/api/v1/attendance/corrections",
            json!({"id": uuid::Uuid::now_v7(),
            "kind": "clock_in", "t": "2026-11-26T08:55:00+08:00", "reason": "again"}),
        )
        .await;
    let decision = format!(
        "/api/v1/attendance/requests/{}/decision",
        r2["id"].as_str().unwrap()
    );
    app.post(&t.admin, &decision, json!({"status": "rejected"}))
        .await;
    let (_, next) = app
        .get(
            &t.admin,
            &format!("/api/v1/attendance/days?employee_id={rep}&from=2026-11-26&to=2026-11-26"),
        )
        .await;
    assert_eq!(next["items"][0]["status"], "absent", "{next}");
}
