//! Scheduled reports delivered by e-mail to a real SMTP server process (`tests/smtp/sink.js`,
//! npm `smtp-server`) on 127.0.0.1: the message read back (envelope, subject, the XLSX
//! attachment compared cell by cell with `GET /reports/{name}` for the same period and
//! reach), a mail server that refuses connections (the run fails visibly and its job is
//! retried), no SMTP configured (`smtp_not_configured`), validation naming each field,
//! reach and tenant isolation.

use crate::harness::{Backend, TestApp, assert_error, fields};
use chrono::{Datelike, Days, NaiveDate, TimeZone};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use uuid::Uuid;

/// The SMTP sink, stopped when dropped.
pub(crate) struct Sink {
    child: Child,
    pub(crate) port: u16,
    dir: PathBuf,
}

impl Sink {
    pub(crate) fn start() -> Sink {
        let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp");
        assert!(
            here.join("node_modules/smtp-server").is_dir(),
            "the SMTP sink's packages are missing: run `npm ci` in {} (scripts/test.sh does)",
            here.display()
        );
        let dir = std::env::temp_dir().join(format!("outfield-smtp-{}", Uuid::new_v4().simple()));
        let mut child = Command::new("node")
            .arg(here.join("sink.js"))
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("node runs the SMTP sink");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("listening ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the sink said {line:?}"));
        Sink { child, port, dir }
    }

    /// The messages received so far: (envelope, raw message), in order.
    pub(crate) fn messages(&self) -> Vec<(Value, Vec<u8>)> {
        (1..)
            .map_while(|n| {
                let raw = std::fs::read(self.dir.join(format!("{n}.eml"))).ok()?;
                let env = std::fs::read(self.dir.join(format!("{n}.json"))).ok()?;
                Some((serde_json::from_slice(&env).unwrap(), raw))
            })
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub(crate) fn smtp_config(url: &str) -> server::Config {
    server::Config {
        smtp: Some(
            server::mail::SmtpConfig::new(url, "Outfield 报表 <reports@example.com>").unwrap(),
        ),
        ..server::Config::default()
    }
}

/// The Monday 07:00 (Shanghai) that has most recently passed, and the week before it
/// (what a weekly Monday run then covers).
pub(crate) fn last_monday_run() -> (i64, NaiveDate, NaiveDate) {
    let sh = chrono_tz::Asia::Shanghai;
    let now = chrono::Utc::now().with_timezone(&sh);
    let mut monday = now.date_naive() - Days::new(u64::from(now.weekday().num_days_from_monday()));
    let at = |d: NaiveDate| {
        sh.from_local_datetime(&d.and_hms_opt(7, 0, 0).unwrap())
            .unwrap()
            .timestamp_millis()
    };
    if at(monday) > now.timestamp_millis() {
        monday = monday - Days::new(7);
    }
    let from = monday - Days::new(7);
    (at(monday), from, from + Days::new(6))
}

/// Makes the schedule due at `due_ms` (as if the clock had reached its run) and queues it.
pub(crate) async fn make_due(app: &TestApp, id: &str, due_ms: i64) {
    let hex = id.replace('-', "");
    let key = match app.store.backend() {
        storage::Backend::Sqlite => format!("X'{hex}'"),
        storage::Backend::Postgres => format!("'{id}'"),
    };
    assert_eq!(
        app.raw_sql(&format!(
            "UPDATE report_schedules SET next_run_ms = {due_ms} WHERE id = {key}"
        ))
        .await,
        1
    );
    server::services::report_schedules::queue_due(&app.store, server::now_ms())
        .await
        .unwrap();
}

/// Runs jobs until the schedule's newest run satisfies `done` (the background worker may
/// take a job first; this waits for whichever runs it).
pub(crate) async fn run_until(
    app: &TestApp,
    token: &str,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..600 {
        server::jobs::drain(&app.state, Duration::ZERO)
            .await
            .unwrap();
        let (s, runs) = app
            .get(token, &format!("/api/v1/report-schedules/{id}/runs"))
            .await;
        assert_eq!(s, StatusCode::OK, "{runs}");
        if runs["items"]
            .as_array()
            .and_then(|r| r.first())
            .is_some_and(&done)
        {
            return runs;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the run never got there")
}

/// Waits until the tenant's newest `report_delivery` job satisfies `done` (the run's record
/// is written before the job system records the job's own outcome).
pub(crate) async fn job_until(app: &TestApp, token: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..600 {
        let (s, jobs) = app
            .get(token, "/api/v1/admin/jobs?kind=report_delivery")
            .await;
        assert_eq!(s, StatusCode::OK, "{jobs}");
        if let Some(job) = jobs["items"].as_array().and_then(|j| j.first())
            && done(job)
        {
            return job.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the job never got there")
}

pub(crate) const SHOP: (f64, f64) = (31.2304, 121.4737);

use crate::harness::on_both;

on_both!(delivers_by_smtp);

async fn delivers_by_smtp(backend: Backend) {
    let sink = Sink::start();
    let app = TestApp::spawn_with(
        backend,
        smtp_config(&format!("smtp://127.0.0.1:{}", sink.port)),
    )
    .await;
    let t = app.tenant("acme").await;
    let east = app.department(&t.admin, "East", Some(&t.root_dept)).await;
    let west = app.department(&t.admin, "West", Some(&t.root_dept)).await;
    app.employee(&t.admin, &east, "boss", "manager").await;
    let rep1 = app.employee(&t.admin, &east, "rep1", "field").await;
    let rep3 = app.employee(&t.admin, &west, "rep3", "field").await;
    for r in [&rep1, &rep3] {
        app.set_start_date(&t.admin, r, "2026-01-01").await;
    }
    let boss = app.token("acme", "boss").await;

    // rep1 (East, the boss's) visits two shops on Tuesday of the covered week, rep3
    // (West, outside the boss's reach) one.
    let (due, mon, sun) = last_monday_run();
    let tue = mon + Days::new(1);
    let at = |hhmm: &str| format!("{tue}T{hhmm}:00+08:00");
    for (who, name, north, start, end) in [
        ("rep1", "Shop A", 0.0, "10:00", "10:30"),
        ("rep1", "Shop B", 0.01, "11:00", "11:45"),
        ("rep3", "Shop C", 0.02, "14:00", "14:20"),
    ] {
        let owner = if who == "rep1" { &rep1 } else { &rep3 };
        let c = app
            .customer(
                &t.admin,
                json!({"name": name, "owner_id": owner, "level": "A",
                    "location": {"lat": SHOP.0 + north, "lon": SHOP.1}}),
            )
            .await;
        let token = app.token("acme", who).await;
        let id = Uuid::now_v7();
        let fix = json!({"lat": SHOP.0 + north, "lon": SHOP.1, "accuracy_m": 10});
        let mut body = fix.clone();
        body["id"] = json!(id);
        body["customer_id"] = c["id"].clone();
        body["t"] = json!(at(start));
        let (s, v) = app.post(&token, "/api/v1/visits", body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let mut out = fix;
        out["id"] = json!(Uuid::now_v7());
        out["t"] = json!(at(end));
        let (s, o) = app
            .post(&token, &format!("/api/v1/visits/{id}/check-out"), out)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{o}");
    }
    server::services::report_facts::rebuild(&app.state, t.id, (mon, sun))
        .await
        .unwrap();
    server::jobs::drain(&app.state, Duration::from_secs(3600))
        .await
        .unwrap();

    // The boss schedules the weekly time-at-customers report for Monday 07:00.
    let id = Uuid::now_v7().to_string();
    let body = json!({"id": id, "report": "time_at_customers", "cadence": "weekly", "weekday": 1,
        "hour": 7, "format": "xlsx", "recipients": ["Ops@Example.com", "boss@example.com"]});
    let (s, created) = app
        .post(&boss, "/api/v1/report-schedules", body.clone())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["language"], "zh-CN");
    assert_eq!(
        created["recipients"],
        json!(["Ops@example.com", "boss@example.com"])
    );
    let next: chrono::DateTime<chrono::Utc> =
        created["next_run_at"].as_str().unwrap().parse().unwrap();
    let next_local = next.with_timezone(&chrono_tz::Asia::Shanghai);
    assert_eq!(
        (next_local.weekday(), next_local.format("%H:%M").to_string()),
        (chrono::Weekday::Mon, "07:00".to_owned())
    );
    // A retry with the same id and body answers the stored schedule.
    let (s, again) = app.post(&boss, "/api/v1/report-schedules", body).await;
    assert_eq!((s, &again["id"]), (StatusCode::OK, &created["id"]));

    make_due(&app, &id, due).await;
    let runs = run_until(&app, &boss, &id, |r| r["status"] != "queued").await;
    let run = &runs["items"][0];
    assert_eq!(run["status"], "sent", "{run}");
    assert_eq!(
        (run["period_from"].as_str(), run["period_to"].as_str()),
        (
            Some(mon.to_string().as_str()),
            Some(sun.to_string().as_str())
        )
    );
    assert_eq!(run["attempts"], 1);
    // The schedule moved on to its next Monday.
    let (_, after) = app
        .get(&boss, &format!("/api/v1/report-schedules/{id}"))
        .await;
    let next: chrono::DateTime<chrono::Utc> =
        after["next_run_at"].as_str().unwrap().parse().unwrap();
    assert!(next.timestamp_millis() > due, "{after}");

    // The message as the SMTP server received it.
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "one message");
    let (envelope, raw) = &messages[0];
    assert_eq!(
        envelope["to"],
        json!(["Ops@example.com", "boss@example.com"])
    );
    assert_eq!(envelope["from"], "reports@example.com");
    let msg = mail_parser::MessageParser::default().parse(raw).unwrap();
    assert_eq!(
        msg.subject(),
        Some(format!("【定时报表】客户停留时长（{mon} 至 {sun}）").as_str())
    );
    let to: Vec<&str> = msg
        .to()
        .unwrap()
        .iter()
        .filter_map(|a| a.address())
        .collect();
    assert_eq!(to, ["Ops@example.com", "boss@example.com"]);
    use mail_parser::MimeHeaders;
    let attachment = msg.attachments().next().expect("an attachment");
    assert_eq!(
        attachment.attachment_name(),
        Some(format!("time_at_customers-{mon}-{sun}.xlsx").as_str())
    );
    let text = msg.body_text(0).unwrap();
    assert!(text.contains(&format!("统计期间 {mon} 至 {sun}")), "{text}");

    // The spreadsheet holds what the API answers the boss for the same week.
    let (s, json) = app
        .get(
            &boss,
            &format!("/api/v1/reports/time_at_customers?from={mon}&to={sun}"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{json}");
    assert_eq!(run["rows"], json!(json["items"].as_array().unwrap().len()));
    use calamine::{Data, Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(attachment.contents().to_vec())).unwrap();
    assert_eq!(book.sheet_names(), ["客户停留时长"]);
    let sheet: Vec<Vec<Data>> = book
        .worksheet_range("客户停留时长")
        .unwrap()
        .rows()
        .map(|r| r.to_vec())
        .collect();
    let items = json["items"].as_array().unwrap();
    let has_total = !json["total"].is_null();
    assert_eq!(
        sheet.len(),
        1 + items.len() + usize::from(has_total),
        "{sheet:?}"
    );
    let columns = json["columns"].as_array().unwrap();
    let name_col = columns.iter().position(|c| c["name"] == "name").unwrap();
    let names: Vec<&str> = items
        .iter()
        .map(|r| r[name_col].as_str().unwrap())
        .collect();
    let of = |who: &str| names.iter().any(|n| n.starts_with(who));
    assert!(of("rep1") && !of("rep3"), "the boss's reach: {names:?}");
    let mut compared = 0;
    for (i, item) in items.iter().enumerate() {
        for (c, col) in columns.iter().enumerate() {
            let (want, got) = (&item[c], &sheet[i + 1][c]);
            match (col["type"].as_str().unwrap(), want) {
                (_, Value::Null) => assert_eq!(got, &Data::Empty, "{} of row {i}", col["name"]),
                ("integer" | "number" | "percent", v) => {
                    let Data::Float(x) = got else {
                        panic!("{} of row {i} is {got:?}", col["name"])
                    };
                    // The sheet shows the column's decimals: a fraction of 1 to four
                    // (0.1 %), ratios to two, ranks and integers to none, others to one.
                    let places = match (col["type"].as_str(), col["unit"].as_str()) {
                        (Some("integer"), _) | (_, Some("rank")) => 0,
                        (Some("percent"), _) => 4,
                        (_, Some("ratio")) => 2,
                        _ => 1,
                    };
                    let scale = 10f64.powi(places);
                    let v = v.as_f64().unwrap();
                    let shown = (v * scale).round() / scale;
                    assert!(
                        (x - shown).abs() < 1e-9,
                        "{} of row {i}: {x} vs {v}",
                        col["name"]
                    );
                    compared += usize::from(v != 0.0);
                }
                ("text" | "id", Value::String(s)) => {
                    assert_eq!(got, &Data::String(s.clone()), "{} of row {i}", col["name"])
                }
                _ => {}
            }
        }
    }
    assert!(compared >= 3, "the report had numbers to compare: {json}");
    app.cleanup().await;
}

on_both!(failures_are_retried_and_visible);

async fn failures_are_retried_and_visible(backend: Backend) {
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let app = TestApp::spawn_with(backend, smtp_config(&format!("smtp://127.0.0.1:{port}"))).await;
    let t = app.tenant("acme").await;
    let (due, _, _) = last_monday_run();
    let (s, created) = app
        .post(
            &t.admin,
            "/api/v1/report-schedules",
            json!({"report": "attendance_monthly", "cadence": "daily", "hour": 7,
                "recipients": ["a@example.com"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    make_due(&app, &id, due).await;
    let runs = run_until(&app, &t.admin, &id, |r| r["status"] == "failed").await;
    let run = &runs["items"][0];
    assert_eq!(run["error_code"], "smtp_failed", "{run}");
    assert!(run["attempts"].as_i64().unwrap() >= 1);
    assert!(!run["error"].as_str().unwrap().is_empty());
    // The job stays for another attempt, its error kept.
    let job = job_until(&app, &t.admin, |j| !j["last_error"].is_null()).await;
    assert!(
        ["queued", "running"].contains(&job["state"].as_str().unwrap()),
        "{job}"
    );
    assert!(
        job["last_error"]
            .as_str()
            .unwrap()
            .starts_with("smtp_failed"),
        "{job}"
    );
    assert_eq!(job["max_attempts"], 6);
    app.cleanup().await;
}

on_both!(without_smtp_runs_say_so);

async fn without_smtp_runs_say_so(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let t = app.tenant("acme").await;
    let (due, _, _) = last_monday_run();
    let (s, created) = app
        .post(
            &t.admin,
            "/api/v1/report-schedules",
            json!({"report": "mileage_monthly", "cadence": "monthly", "month_day": 1,
                "format": "csv", "language": "en", "recipients": ["a@example.com"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    make_due(&app, &id, due).await;
    let runs = run_until(&app, &t.admin, &id, |r| r["status"] != "queued").await;
    let run = &runs["items"][0];
    assert_eq!(
        (&run["status"], &run["error_code"]),
        (&json!("failed"), &json!("smtp_not_configured")),
        "{run}"
    );
    // Nothing to retry: the job is done, not waiting.
    let job = job_until(&app, &t.admin, |j| j["state"] != "running").await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["attempts"], 1, "{job}");
    app.cleanup().await;
}

on_both!(validation_reach_and_isolation);

async fn validation_reach_and_isolation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let t = app.tenant("acme").await;
    let east = app.department(&t.admin, "East", Some(&t.root_dept)).await;
    let west = app.department(&t.admin, "West", Some(&t.root_dept)).await;
    app.employee(&t.admin, &east, "east_boss", "manager").await;
    app.employee(&t.admin, &west, "west_boss", "manager").await;
    let rep = app.employee(&t.admin, &east, "rep", "field").await;
    let (east_boss, west_boss, rep_token) = (
        app.token("acme", "east_boss").await,
        app.token("acme", "west_boss").await,
        app.token("acme", "rep").await,
    );

    // Each bad field named.
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/report-schedules",
            json!({"report": "sales_league", "cadence": "hourly", "hour": 25, "format": "pdf",
                "recipients": ["ok@example.com", "not-an-address", "x@nowhere"],
                "filters": {"customer_level": "Z"}}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let mut f = fields(&b);
    f.sort();
    assert_eq!(
        f,
        [
            "cadence",
            "filters.customer_level",
            "format",
            "hour",
            "recipients[1]",
            "recipients[2]",
            "report"
        ]
    );
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/report-schedules",
            json!({"report": "visit_detail", "cadence": "weekly", "recipients": [],
                "owner_id": rep}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let mut f = fields(&b);
    f.sort();
    assert_eq!(f, ["owner_id", "recipients", "weekday"]);
    // A manager's filters stay within their subtree.
    let (s, b) = app
        .post(
            &east_boss,
            "/api/v1/report-schedules",
            json!({"report": "visit_detail", "cadence": "daily", "recipients": ["a@example.com"],
                "filters": {"department_id": west}}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["filters.department_id"]);

    // Field reps have no schedules.
    let (s, b) = app.get(&rep_token, "/api/v1/report-schedules").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");

    let (s, mine) = app
        .post(
            &east_boss,
            "/api/v1/report-schedules",
            json!({"report": "plan_compliance", "cadence": "daily", "recipients": ["a@example.com"],
                "filters": {"department_id": east}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{mine}");
    let id = mine["id"].as_str().unwrap();
    let path = format!("/api/v1/report-schedules/{id}");
    // The admin sees it; the other manager does not.
    let (_, list) = app.get(&t.admin, "/api/v1/report-schedules").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    assert!(list["next_cursor"].is_null());
    let (_, list) = app.get(&west_boss, "/api/v1/report-schedules").await;
    assert_eq!(list["items"], json!([]));
    let (s, b) = app.get(&west_boss, &path).await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");

    // Another tenant: 404 for every route of the id.
    let other = app.tenant("other").await;
    let body =
        json!({"report": "plan_compliance", "cadence": "daily", "recipients": ["b@example.com"]});
    for (s, b) in [
        app.get(&other.admin, &path).await,
        app.get(&other.admin, &format!("{path}/runs")).await,
        app.put(&other.admin, &path, body.clone()).await,
        app.delete(&other.admin, &path).await,
    ] {
        assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    }
    // The same client id in another tenant is its own schedule.
    let (s, b) = app
        .post(&other.admin, "/api/v1/report-schedules", {
            let mut b = body.clone();
            b["id"] = json!(id);
            b
        })
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");

    // Update: off, then deleted.
    let (s, b) = app
        .put(
            &east_boss,
            &path,
            json!({"report": "plan_compliance", "cadence": "monthly", "month_day": 28,
                "recipients": ["a@example.com"], "enabled": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        (&b["enabled"], &b["next_run_at"], &b["month_day"]),
        (&json!(false), &Value::Null, &json!(28))
    );
    let (s, _) = app.delete(&east_boss, &path).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b) = app.get(&t.admin, &path).await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    app.cleanup().await;
}
