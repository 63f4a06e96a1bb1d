//! Reports for managers and finance: team attendance and monthly mileage, their reach,
//! days before a person started, totals, and the XLSX downloads read back.

use crate::harness::{TestApp, assert_error, both_backends};
use chrono::{Duration, Timelike, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use storage::StoredDay;

both_backends!(
    team_attendance_reach_and_not_started,
    monthly_mileage_from_track_days
);

fn names(b: &Value) -> Vec<String> {
    let mut v: Vec<String> = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["employee"]["name"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

async fn bytes(app: &TestApp, token: &str, path: &str) -> (StatusCode, Vec<u8>) {
    let r = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status(), r.bytes().await.unwrap().to_vec())
}

fn sheet(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let s = tabular::read_sheet(
        bytes,
        tabular::SheetFormat::Xlsx,
        &tabular::ReadOptions::default(),
    )
    .expect("the download is a readable XLSX");
    (s.headers, s.rows.into_iter().map(|r| r.cells).collect())
}

async fn team_attendance_reach_and_not_started(app: &TestApp) {
    let t = app.tenant("acme").await;
    let east = app.department(&t.admin, "East", Some(&t.root_dept)).await;
    let west = app.department(&t.admin, "West", Some(&t.root_dept)).await;
    app.employee(&t.admin, &east, "boss", "manager").await;
    app.employee(&t.admin, &east, "rep1", "field").await;
    app.employee(&t.admin, &west, "rep2", "field").await;
    app.employee(&t.admin, &t.root_dept, "money", "finance")
        .await;
    let boss = app.token("acme", "boss").await;
    let rep = app.token("acme", "rep1").await;
    let money = app.token("acme", "money").await;

    // Everyone was created today (Asia/Shanghai has no DST: UTC+8), so a range ending
    // today has days before their start: not_started, never absent.
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let from = today - Duration::days(4);
    let q = format!("/api/v1/attendance/team?from={from}&to={today}");
    let (s, b) = app.get(&money, &q).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // Finance sees everyone: the admin and the four people added.
    let all = names(&b);
    assert_eq!(all.len(), 5, "{b}");
    for n in ["boss name", "money name", "rep1 name", "rep2 name"] {
        assert!(all.contains(&n.to_owned()), "{n} in {all:?}");
    }
    assert!(b["next_cursor"].is_null());
    let row = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["employee"]["name"] == "rep1 name")
        .unwrap()
        .clone();
    assert_eq!(row["employee"]["department_name"], "East");
    assert_eq!(row["employee"]["start_date"], json!(today.to_string()));
    let days = row["days"].as_array().unwrap();
    assert_eq!(days.len(), 5);
    for d in &days[..4] {
        assert_eq!(d["status"], "not_started", "{d}");
        assert!(d["clock_in_t"].is_null());
    }
    assert_ne!(days[4]["status"], "not_started");
    // Before the default shift ends today is still open (or a day off); after it, a day
    // without a punch is absent — the test may run at any hour.
    let local = Utc::now() + Duration::hours(8);
    if local.hour() < 17 {
        assert_ne!(
            days[4]["status"], "absent",
            "today is still open or a day off"
        );
    }
    let totals = &row["totals"];
    assert_eq!(totals["not_started"], 4);
    let absent_today = u64::from(days[4]["status"] == "absent");
    assert_eq!(totals["absent"], json!(absent_today), "{totals}");
    let sum: u64 = totals
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(sum, 5, "every day is counted once: {totals}");

    // The per-person endpoint agrees.
    let rep1_id = row["employee"]["id"].as_str().unwrap();
    let (s, one) = app
        .get(
            &t.admin,
            &format!("/api/v1/attendance/days?employee_id={rep1_id}&from={from}&to={today}"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{one}");
    assert_eq!(one["items"][0]["status"], "not_started");

    // A manager sees their subtree only, and may narrow to it; another department is 404.
    let (s, b) = app.get(&boss, &q).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(names(&b), ["boss name", "rep1 name"]);
    let (s, b) = app.get(&boss, &format!("{q}&department_id={west}")).await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    // Finance narrows to any department.
    let (s, b) = app.get(&money, &format!("{q}&department_id={west}")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(names(&b), ["rep2 name"]);
    // A field rep gets 403.
    let (s, b) = app.get(&rep, &q).await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    // Another tenant's department is 404 even for its admin.
    let other = app.tenant("other").await;
    let (s, b) = app
        .get(&other.admin, &format!("{q}&department_id={east}"))
        .await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    // Bad ranges name the field with a code.
    let (s, b) = app
        .get(
            &money,
            &format!("/api/v1/attendance/team?from={today}&to={from}"),
        )
        .await;
    let e = assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(e["fields"][0]["code"], "bad_range");
    // Pages of people.
    let (s, b) = app.get(&money, &format!("{q}&limit=2")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["items"].as_array().unwrap().len(), 2);
    let next = b["next_cursor"].as_str().expect("more people").to_owned();
    let (_, b2) = app.get(&money, &format!("{q}&limit=2&cursor={next}")).await;
    assert_eq!(b2["items"].as_array().unwrap().len(), 2);

    // The spreadsheet: one row per person and day, Chinese headings on request.
    let (s, x) = bytes(app, &boss, &format!("{q}&format=xlsx&lang=zh-CN")).await;
    assert_eq!(s, StatusCode::OK);
    let (headers, rows) = sheet(&x);
    assert_eq!(headers[..4], ["姓名", "部门", "日期", "状态"]);
    assert_eq!(rows.len(), 2 * 5);
    let rep1: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "rep1 name").collect();
    assert_eq!(rep1.len(), 5);
    assert_eq!(
        (
            rep1[0][1].as_str(),
            rep1[0][2].as_str(),
            rep1[0][3].as_str()
        ),
        ("East", from.to_string().as_str(), "未入职")
    );
    let (_, x) = bytes(app, &boss, &format!("{q}&format=xlsx")).await;
    assert_eq!(sheet(&x).0[3], "Status");
}

async fn monthly_mileage_from_track_days(app: &TestApp) {
    let t = app.tenant("acme").await;
    let east = app.department(&t.admin, "East", Some(&t.root_dept)).await;
    let west = app.department(&t.admin, "West", Some(&t.root_dept)).await;
    app.employee(&t.admin, &east, "boss", "manager").await;
    let rep1 = app.employee(&t.admin, &east, "rep1", "field").await;
    let rep2 = app.employee(&t.admin, &west, "rep2", "field").await;
    app.employee(&t.admin, &t.root_dept, "money", "finance")
        .await;
    let boss = app.token("acme", "boss").await;
    let rep = app.token("acme", "rep1").await;
    let money = app.token("acme", "money").await;
    // Day summaries as the summary loop stores them (metres): two October days for
    // rep1, one for rep2, and one in November that October must not count.
    for (who, day, total, work) in [
        (&rep1, "2026-10-05", 10_000.0, 8_000.0),
        (&rep1, "2026-10-31", 12_345.0, 9_000.0),
        (&rep2, "2026-10-12", 3_000.0, 3_000.0),
        (&rep1, "2026-11-01", 50_000.0, 0.0),
    ] {
        app.store
            .save_day(
                t.id,
                domain::EmployeeId(who.parse().unwrap()),
                day,
                &StoredDay {
                    summary_json: "{}".into(),
                    mileage_m: total,
                    work_mileage_m: work,
                    computed_ms: 1,
                },
            )
            .await
            .unwrap();
    }
    let q = "/api/v1/mileage/monthly?month=2026-10";
    let (s, b) = app.get(&money, q).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let row = |b: &Value, name: &str| {
        b["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["employee"]["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} in {b}"))
    };
    let r1 = row(&b, "rep1 name");
    assert_eq!(
        (
            &r1["days_tracked"],
            &r1["working_km"],
            &r1["total_km"],
            &r1["outside_km"]
        ),
        (&json!(2), &json!(17.0), &json!(22.35), &json!(5.35))
    );
    assert_eq!(r1["employee"]["department_name"], "East");
    let r2 = row(&b, "rep2 name");
    assert_eq!(
        (&r2["total_km"], &r2["outside_km"]),
        (&json!(3.0), &json!(0.0))
    );
    assert_eq!(row(&b, "boss name")["days_tracked"], 0);

    // Reach: the manager sees East only; a rep is refused; bad months name the field.
    let (s, b) = app.get(&boss, q).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(names(&b), ["boss name", "rep1 name"]);
    let (s, b) = app.get(&rep, q).await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (s, b) = app.get(&boss, &format!("{q}&department_id={west}")).await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let (s, b) = app
        .get(&money, "/api/v1/mileage/monthly?month=2026-13")
        .await;
    let e = assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(
        (&e["fields"][0]["field"], &e["fields"][0]["params"]),
        (&json!("month"), &json!({"expected": "month"}))
    );

    let (s, x) = bytes(
        app,
        &money,
        &format!("{q}&department_id={east}&format=xlsx"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (headers, rows) = sheet(&x);
    assert_eq!(
        headers,
        [
            "Name",
            "Department",
            "Days tracked",
            "Working km",
            "Total km",
            "Outside working hours km"
        ]
    );
    let mut rows = rows;
    rows.sort();
    assert_eq!(
        rows,
        [
            vec!["boss name", "East", "0", "0", "0", "0"],
            vec!["rep1 name", "East", "2", "17", "22.35", "5.35"],
        ]
        .map(|r| r.into_iter().map(String::from).collect::<Vec<_>>())
    );
}
