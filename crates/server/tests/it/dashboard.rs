//! The console's dashboard: a day's and its month's sums over the facts for a small team
//! with answers known by hand, the same numbers the report pack gives for the same
//! filter, and reach (a manager sees their subtree, a department outside it is 404, a
//! field rep 403, a bad date names the field).

use crate::harness::{TestApp, assert_error, both_backends, fields};
use chrono::{Datelike, Days};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;

both_backends!(dashboard_sums_the_day_and_month_within_reach);

const SHOP: (f64, f64) = (31.2304, 121.4737);

fn column(report: &Value, name: &str) -> usize {
    report["columns"]
        .as_array()
        .unwrap()
        .iter()
        .position(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no column {name} in {report}"))
}

async fn dashboard_sums_the_day_and_month_within_reach(app: &TestApp) {
    let t = app.tenant("acme").await;
    let east = app.department(&t.admin, "East", Some(&t.root_dept)).await;
    let west = app.department(&t.admin, "West", Some(&t.root_dept)).await;
    app.employee(&t.admin, &east, "boss", "manager").await;
    app.employee(&t.admin, &t.root_dept, "money", "finance")
        .await;
    let reps = [
        app.employee(&t.admin, &east, "rep1", "field").await,
        app.employee(&t.admin, &east, "rep2", "field").await,
        app.employee(&t.admin, &west, "rep3", "field").await,
    ];
    for r in &reps {
        app.set_start_date(&t.admin, r, "2026-01-01").await;
    }
    let boss = app.token("acme", "boss").await;
    let money = app.token("acme", "money").await;
    let mut tokens = Vec::new();
    for n in ["rep1", "rep2", "rep3"] {
        tokens.push(app.token("acme", n).await);
    }
    let mut shops = Vec::new();
    for (i, r) in reps.iter().enumerate() {
        let body = json!({"name": format!("Shop {i}"), "owner_id": r, "level": "A",
            "location": {"lat": SHOP.0, "lon": SHOP.1}});
        shops.push(
            app.customer(&t.admin, body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }

    // Yesterday in Shanghai (whatever the UTC hour): everyone clocks in; rep1 makes two
    // visits and drives 20 km, rep2 and rep3 one visit each.
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let day = today - Days::new(1);
    let at = |hhmm: &str| format!("{day}T{hhmm}:00+08:00");
    let fix = |when: String| json!({"id": Uuid::now_v7(), "t": when, "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 10});
    for ((token, visits), shop) in tokens.iter().zip([2, 1, 1]).zip(&shops) {
        let (s, p) = app
            .post(token, "/api/v1/attendance/clock-in", fix(at("09:00")))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        for v in 0..visits {
            let id = Uuid::now_v7();
            let mut body = fix(at(&format!("1{v}:00")));
            body["id"] = json!(id);
            body["customer_id"] = json!(shop);
            let (s, b) = app.post(token, "/api/v1/visits", body).await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
            let (s, b) = app
                .post(
                    token,
                    &format!("/api/v1/visits/{id}/check-out"),
                    fix(at(&format!("1{v}:30"))),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{b}");
        }
    }
    let summary = json!({"date": day.to_string(), "mileage_m": 20000.0, "work_mileage_m": 15000.0,
        "stops": [], "trips": [], "gaps": [], "first_fix": at("08:50"), "last_fix": at("18:10")});
    app.store
        .save_day(
            t.id,
            domain::EmployeeId(reps[0].parse().unwrap()),
            &day.to_string(),
            &storage::StoredDay {
                summary_json: summary.to_string(),
                mileage_m: 20000.0,
                work_mileage_m: 15000.0,
                computed_ms: 0,
            },
        )
        .await
        .unwrap();
    server::services::report_facts::rebuild(&app.state, t.id, (day, day))
        .await
        .unwrap();
    server::jobs::drain(&app.state, Duration::from_secs(3600))
        .await
        .unwrap();

    let get = |token: &str, path: String| {
        let token = token.to_owned();
        async move {
            let (s, b) = app.get(&token, &path).await;
            assert_eq!(s, StatusCode::OK, "{path}: {b}");
            b
        }
    };
    let first = day.with_day(1).unwrap();

    // Everyone (finance reads the whole tenant).
    let all = get(&money, format!("/api/v1/dashboard?date={day}")).await;
    assert_eq!(all["date"], day.to_string());
    assert_eq!(all["from"], first.to_string());
    assert_eq!(all["people"], 3, "{all}");
    assert_eq!(all["day"]["present"], 3, "{all}");
    assert_eq!(all["day"]["completed_visits"], 4, "{all}");
    assert_eq!(all["day"]["km"].as_f64(), Some(20.0), "{all}");
    assert_eq!(all["day"]["work_km"].as_f64(), Some(15.0), "{all}");
    assert_eq!(
        all["period"]["completed_visits"], 4,
        "only the day has facts"
    );
    let days = all["days"].as_array().unwrap();
    assert_eq!(
        days.len() as u32,
        day.day(),
        "one point per date of the month so far"
    );
    assert_eq!(days.last().unwrap()["completed_visits"], 4);

    // The period can be the day's week (Monday on) or the day alone; the day's figures are
    // the same whichever.
    let monday = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
    let week = get(&money, format!("/api/v1/dashboard?date={day}&span=week")).await;
    assert_eq!(
        [&week["span"], &week["from"], &week["to"]],
        [
            &json!("week"),
            &json!(monday.to_string()),
            &json!(day.to_string())
        ],
        "{week}"
    );
    assert_eq!(
        week["days"].as_array().unwrap().len() as u32,
        day.weekday().num_days_from_monday() + 1
    );
    assert_eq!(week["period"]["completed_visits"], 4);
    assert_eq!(week["day"], all["day"]);
    let alone = get(&money, format!("/api/v1/dashboard?date={day}&span=day")).await;
    assert_eq!(
        [&alone["from"], &alone["to"]],
        [&json!(day.to_string()), &json!(day.to_string())]
    );
    assert_eq!(alone["period"], alone["day"], "{alone}");
    assert_eq!(all["span"], "month");
    let (s, b) = app
        .get(&money, &format!("/api/v1/dashboard?date={day}&span=year"))
        .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(fields(&b), ["span"], "{b}");

    // The report pack says the same for the same filter.
    let month = format!("from={first}&to={day}");
    let pc = get(&money, format!("/api/v1/reports/plan_compliance?{month}")).await;
    assert_eq!(
        pc["total"][column(&pc, "planned")],
        all["period"]["planned_visits"]
    );
    let tc = get(&money, format!("/api/v1/reports/time_at_customers?{month}")).await;
    assert_eq!(
        tc["total"][column(&tc, "completed_visits")],
        all["period"]["completed_visits"],
        "{tc}"
    );
    let mileage = get(&money, format!("/api/v1/reports/mileage_monthly?{month}")).await;
    let km = mileage["items"][0][column(&mileage, "total_km")]
        .as_f64()
        .unwrap();
    assert!(
        (km - all["period"]["km"].as_f64().unwrap()).abs() < 1e-9,
        "{mileage}"
    );

    // The manager of East: their subtree by default; an explicit East is the same; West
    // is not theirs.
    let mine = get(&boss, format!("/api/v1/dashboard?date={day}")).await;
    assert_eq!(mine["department_id"], east);
    assert_eq!(
        [
            &mine["people"],
            &mine["day"]["present"],
            &mine["day"]["completed_visits"]
        ],
        [&json!(2), &json!(2), &json!(3)],
        "{mine}"
    );
    let explicit = get(
        &boss,
        format!("/api/v1/dashboard?date={day}&department_id={east}"),
    )
    .await;
    assert_eq!(explicit["day"]["completed_visits"], 3);
    let (s, b) = app
        .get(&boss, &format!("/api/v1/dashboard?department_id={west}"))
        .await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    // An admin picks West: rep3 alone.
    let w = get(
        &t.admin,
        format!("/api/v1/dashboard?date={day}&department_id={west}"),
    )
    .await;
    assert_eq!(
        [&w["people"], &w["day"]["completed_visits"]],
        [&json!(1), &json!(1)]
    );

    // Field reps have no dashboard; a bad date is named; another tenant's department is
    // not there; no date means the tenant's today.
    let (s, b) = app.get(&tokens[0], "/api/v1/dashboard").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (s, b) = app.get(&money, "/api/v1/dashboard?date=yesterday").await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(fields(&b), ["date"], "{b}");
    let other = app.tenant("other").await;
    let (s, b) = app
        .get(
            &other.admin,
            &format!("/api/v1/dashboard?department_id={east}"),
        )
        .await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let now = get(&t.admin, "/api/v1/dashboard".into()).await;
    let today_str = now["date"].as_str().unwrap();
    assert!(
        today_str == today.to_string() || today_str == day.to_string(),
        "the tenant's today, not {today_str}"
    );
}
