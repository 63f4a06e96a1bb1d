//! Field actions without a fresh fix are stored, judged and flagged, never refused: no
//! position → `no_fix` (place uncertain, no distance); a position older than two minutes
//! → `stale_fix` with its age. A latitude without a longitude is a mistake, though.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use crate::visits::codes;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const SHOP: (f64, f64) = (31.2304, 121.4737);

both_backends!(actions_without_a_fresh_fix_are_stored_and_flagged);

async fn actions_without_a_fresh_fix_are_stored_and_flagged(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (s, fence) = app
        .post(
            &t.admin,
            "/api/v1/geofences",
            json!({"name": "Office", "center": {"lat": SHOP.0, "lon": SHOP.1}, "radius_m": 300}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{fence}");
    let (s, r) = app
        .put(&t.admin, "/api/v1/attendance-rules/tenant",
             json!({"weekdays": [1, 2, 3, 4, 5, 6, 7], "shifts": [{"start": "00:00", "end": "23:59"}],
                    "fence_ids": [fence["id"]]}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    let shop = app
        .customer(
            &t.admin,
            json!({"name": "Shop", "owner_id": rep,
                                   "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .await;
    let now = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
    let at = |min_ago: i64| (now - chrono::Duration::minutes(min_ago)).to_rfc3339();

    // Clock-in with no position: stored, place uncertain, flagged; a retry is the same.
    let punch = json!({"id": Uuid::now_v7(), "t": at(20)});
    let (s, p) = app
        .post(&token, "/api/v1/attendance/clock-in", punch.clone())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["judgement"]["place"], "uncertain", "{p}");
    assert_eq!(codes(&p), ["no_fix"]);
    let (s, again) = app.post(&token, "/api/v1/attendance/clock-in", punch).await;
    assert_eq!((s, again["id"].clone()), (StatusCode::OK, p["id"].clone()));

    // One coordinate without the other names the missing one; a fix time needs a fix.
    let (s, e) = app
        .post(
            &token,
            "/api/v1/attendance/clock-out",
            json!({"id": Uuid::now_v7(), "t": at(1), "lat": SHOP.0}),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["lon"]);
    let (s, e) = app
        .post(
            &token,
            "/api/v1/visits",
            json!({"id": Uuid::now_v7(), "customer_id": shop["id"], "t": at(1), "lon": SHOP.1}),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["lat"]);
    let (s, e) = app
        .post(
            &token,
            "/api/v1/visits",
            json!({"id": Uuid::now_v7(), "customer_id": shop["id"], "t": at(1), "fix_t": at(3)}),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["fix_t"]);

    // Check-in with no position: uncertain, no distance, flagged no_fix only.
    let visit = Uuid::now_v7();
    let (s, v) = app
        .post(
            &token,
            "/api/v1/visits",
            json!({"id": visit, "customer_id": shop["id"], "t": at(15)}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["check_in"]["status"], "uncertain");
    assert_eq!(v["check_in"]["distance_m"], Value::Null);
    assert_eq!(
        (v["check_in"]["lat"].clone(), v["check_in"]["lon"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(codes(&v), ["no_fix"]);
    let (_, found) = app
        .get(&t.admin, "/api/v1/visits?judgement=uncertain&flag=no_fix")
        .await;
    assert_eq!(found["items"][0]["id"], json!(visit), "{found}");

    // Check-out with the last fix, five minutes old at the time: judged and stale.
    let (s, out) = app
        .post(&token, &format!("/api/v1/visits/{visit}/check-out"),
              json!({"id": Uuid::now_v7(), "t": at(5), "fix_t": at(10), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 10}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{out}");
    assert!(
        out["check_out"]["distance_m"].as_f64().unwrap() < 1.0,
        "{out}"
    );
    let stale = out["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "stale_fix")
        .unwrap();
    assert_eq!(stale["evidence"]["age_s"], 300);
    assert_eq!(codes(&out), ["no_fix", "stale_fix"]);

    // A check-out with no position at all: distance unknown.
    let second = Uuid::now_v7();
    let (s, _) = app
        .post(&token, "/api/v1/visits",
              json!({"id": second, "customer_id": shop["id"], "t": at(4), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, out) = app
        .post(
            &token,
            &format!("/api/v1/visits/{second}/check-out"),
            json!({"id": Uuid::now_v7(), "t": at(2)}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{out}");
    assert_eq!(out["check_out"]["distance_m"], Value::Null);
    assert_eq!(out["check_out"]["lat"], Value::Null);
    assert_eq!(codes(&out), ["no_fix"]);

    // Clock-out with a fresh enough fix (90 s old) inside the fence: allowed, no flag.
    let (s, p) = app
        .post(&token, "/api/v1/attendance/clock-out",
              json!({"id": Uuid::now_v7(), "t": at(0), "fix_t": (now - chrono::Duration::seconds(90)).to_rfc3339(),
                     "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 10}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["judgement"]["place"], "allowed", "{p}");
    assert_eq!(codes(&p), Vec::<String>::new());
}
