//! Scheduled reports posted to a webhook endpoint: a receiver this test runs on 127.0.0.1
//! (the webhooks suite's, which checks every delivery with the Standard Webhooks reference
//! library) and the SMTP sink process side by side. The endpoint answers 500 first: the run
//! fails visibly with the receiver's status, its job is retried, and the retry posts again
//! (same `webhook-id`) without mailing twice. The report in the event is the one
//! `GET /reports/{name}` answers the schedule's owner. The endpoint is resolved in the
//! caller's tenant and named only by admins; a deleted endpoint fails the run at once.

use crate::harness::{Backend, TestApp, assert_error, fields};
use crate::report_delivery::{Sink, job_until, last_monday_run, make_due, run_until, smtp_config};
use crate::webhooks::{Receiver, Reply, create, local_receivers, log_of};
use chrono::Days;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::on_both;

on_both!(
    posts_the_report_signed_and_retries_only_what_failed,
    the_endpoint_is_the_tenants_and_admins_name_it
);

/// A rep of `dept` who checks in and out at a shop on `day`, 10:00–10:40 Shanghai time.
async fn visit(app: &TestApp, t: &crate::harness::Tenant, who: &str, dept: &str, day: &str) {
    let rep = app.employee(&t.admin, dept, who, "field").await;
    app.set_start_date(&t.admin, &rep, "2026-01-01").await;
    let c = app
        .customer(
            &t.admin,
            json!({"name": format!("Shop of {who}"), "owner_id": rep, "level": "A",
                "location": {"lat": 31.2304, "lon": 121.4737}}),
        )
        .await;
    let token = app.token("acme", who).await;
    let fix = json!({"lat": 31.2304, "lon": 121.4737, "accuracy_m": 10});
    let id = Uuid::now_v7();
    let mut body = fix.clone();
    body["id"] = json!(id);
    body["customer_id"] = c["id"].clone();
    body["t"] = json!(format!("{day}T10:00:00+08:00"));
    let (s, v) = app.post(&token, "/api/v1/visits", body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let mut out = fix;
    out["id"] = json!(Uuid::now_v7());
    out["t"] = json!(format!("{day}T10:40:00+08:00"));
    let (s, o) = app
        .post(&token, &format!("/api/v1/visits/{id}/check-out"), out)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
}

async fn posts_the_report_signed_and_retries_only_what_failed(backend: Backend) {
    let sink = Sink::start();
    let config = server::Config {
        smtp: smtp_config(&format!("smtp://127.0.0.1:{}", sink.port)).smtp,
        ..local_receivers()
    };
    let app = TestApp::spawn_with(backend, config).await;
    let (receiver, url) = Receiver::start(&[Reply::Status(500)]).await;
    let t = app.tenant("acme").await;
    let east = app.department(&t.admin, "East", Some(&t.root_dept)).await;
    let west = app.department(&t.admin, "West", Some(&t.root_dept)).await;
    let boss_id = app.employee(&t.admin, &east, "boss", "manager").await;
    let boss = app.token("acme", "boss").await;
    let (due, mon, sun) = last_monday_run();
    let tue = (mon + Days::new(1)).to_string();
    visit(&app, &t, "rep1", &east, &tue).await;
    visit(&app, &t, "rep3", &west, &tue).await;
    server::services::report_facts::rebuild(&app.state, t.id, (mon, sun))
        .await
        .unwrap();
    server::jobs::drain(&app.state, std::time::Duration::from_secs(3600))
        .await
        .unwrap();

    // The admin sends the boss's weekly visit detail to the ERP and to one address.
    let (hook, secret) = create(
        &app,
        &t.admin,
        json!({"url": url, "event_types": ["customer.created"]}),
    )
    .await;
    let id = Uuid::now_v7().to_string();
    let (s, created) = app
        .post(
            &t.admin,
            "/api/v1/report-schedules",
            json!({"id": id, "report": "visit_detail", "cadence": "weekly", "weekday": 1,
                "owner_id": boss_id, "language": "en", "recipients": ["ops@example.com"],
                "webhook_id": hook}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["webhook_id"], json!(hook));

    // First attempt: the mail goes, the endpoint answers 500; the run says so.
    make_due(&app, &id, due).await;
    let runs = run_until(&app, &boss, &id, |r| r["status"] != "queued").await;
    let run = runs["items"][0].clone();
    assert_eq!(
        (&run["status"], &run["error_code"], &run["webhook_status"]),
        (&json!("failed"), &json!("webhook_failed"), &json!(500)),
        "{run}"
    );
    assert_eq!(run["webhook_id"], json!(hook));
    assert!(
        run["mailed_at"].is_string() && run["posted_at"].is_null(),
        "{run}"
    );
    assert!(run["error"].as_str().unwrap().contains("500"), "{run}");
    let job = job_until(&app, &t.admin, |j| !j["last_error"].is_null()).await;
    assert!(
        job["last_error"]
            .as_str()
            .unwrap()
            .starts_with("webhook_failed"),
        "{job}"
    );

    // The job's retry posts again; the mail is not sent twice.
    let runs = run_until(&app, &boss, &id, |r| r["status"] == "sent").await;
    let run = &runs["items"][0];
    assert_eq!(run["attempts"], 2, "{run}");
    assert_eq!(run["webhook_status"], 200, "{run}");
    assert!(run["posted_at"].is_string(), "{run}");
    assert_eq!(sink.messages().len(), 1, "one e-mail");

    // Both attempts, signed with the endpoint's secret (checked by the reference
    // library), under the run's id; the endpoint's event types do not filter a
    // schedule's report.
    let got = receiver.at_least(2).await;
    assert_eq!(got.len(), 2);
    let run_id = run["id"].as_str().unwrap();
    for r in &got {
        assert!(r.verifies_with(&secret), "signature");
        assert_eq!(r.header("webhook-id"), run_id);
    }
    let event = got[1].json();
    assert_eq!(
        (&event["id"], &event["type"]),
        (&json!(run_id), &json!("report.delivered"))
    );
    let data = &event["data"];
    assert_eq!(data["schedule_id"], json!(id));
    assert_eq!(data["run_id"], json!(run_id));
    assert_eq!(data["report"], "visit_detail");
    assert_eq!(
        (&data["period_from"], &data["period_to"]),
        (&json!(mon.to_string()), &json!(sun.to_string()))
    );
    assert_eq!(data["language"], "en");
    assert_eq!(data["truncated"], false);

    // The table is what the API answers the boss (their reach: rep1, not rep3).
    let (s, api) = app
        .get(
            &boss,
            &format!("/api/v1/reports/visit_detail?from={mon}&to={sun}"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{api}");
    let table = &data["table"];
    assert_eq!(table["columns"], api["columns"]);
    assert_eq!(table["items"], api["items"]);
    assert_eq!(table["total"], api["total"]);
    assert!(table["next_cursor"].is_null());
    let items = table["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{table}");
    assert_eq!(data["rows_total"], 1);
    assert_eq!(run["rows"], 1);
    let text = serde_json::to_string(items).unwrap();
    assert!(text.contains("rep1") && !text.contains("rep3"), "{text}");

    // The endpoint's delivery log shows both attempts; a hand redelivery is refused
    // (the run retries its own).
    let log = log_of(&app, &t.admin, &hook, 2).await;
    assert!(
        log.iter().all(|d| d["event_type"] == "report.delivered"),
        "{log:?}"
    );
    let statuses: Vec<&Value> = log.iter().map(|d| &d["status"]).collect();
    assert_eq!(statuses, [&json!(200), &json!(500)]);
    let (s, b) = app
        .post(
            &t.admin,
            &format!(
                "/api/v1/webhooks/{hook}/deliveries/{}/redeliver",
                log[0]["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "redelivered_by_schedule");
    app.cleanup().await;
}

async fn the_endpoint_is_the_tenants_and_admins_name_it(backend: Backend) {
    let app = TestApp::spawn_with(backend, local_receivers()).await;
    let (receiver, url) = Receiver::start(&[]).await;
    let t = app.tenant("acme").await;
    let other = app.tenant("other").await;
    app.employee(&t.admin, &t.root_dept, "boss", "manager")
        .await;
    let boss = app.token("acme", "boss").await;
    let (hook, _) = create(&app, &t.admin, json!({"url": url})).await;
    let (theirs, _) = create(&app, &other.admin, json!({"url": url})).await;
    let schedule = |webhook: Value, recipients: Value| {
        json!({"report": "attendance_monthly", "cadence": "daily", "recipients": recipients,
            "webhook_id": webhook})
    };

    // Another tenant's endpoint, or none at all, is not found; a manager may not name one;
    // without an endpoint a schedule needs recipients.
    for (token, body, field, problem) in [
        (
            &t.admin,
            schedule(json!(theirs), json!([])),
            "webhook_id",
            "not_found",
        ),
        (
            &t.admin,
            schedule(json!(Uuid::now_v7()), json!([])),
            "webhook_id",
            "not_found",
        ),
        (
            &boss,
            schedule(json!(hook), json!([])),
            "webhook_id",
            // A manager sees no endpoints: for them this one does not exist.
            "not_found",
        ),
        (
            &t.admin,
            schedule(Value::Null, json!([])),
            "recipients",
            "count_out_of_range",
        ),
    ] {
        let (s, b) = app.post(token, "/api/v1/report-schedules", body).await;
        let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(fields(&b), [field], "{b}");
        assert_eq!(e["fields"][0]["code"], problem, "{b}");
    }

    // The endpoint alone is enough; a manager may keep it while changing the rest.
    let (s, created) = app
        .post(
            &t.admin,
            "/api/v1/report-schedules",
            schedule(json!(hook), json!([])),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["recipients"], json!([]));
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/report-schedules/{id}");
    let mut kept = schedule(json!(hook), json!([]));
    kept["hour"] = json!(8);
    kept["owner_id"] = created["owner_id"].clone();
    let (s, b) = app.put(&t.admin, &path, kept).await;
    assert_eq!(
        (s, &b["hour"], &b["webhook_id"]),
        (StatusCode::OK, &json!(8), &json!(hook))
    );

    // A run with no mail to send needs no SMTP server, and posts the report.
    let (due, _, _) = last_monday_run();
    make_due(&app, &id, due).await;
    let runs = run_until(&app, &t.admin, &id, |r| r["status"] != "queued").await;
    assert_eq!(runs["items"][0]["status"], "sent", "{runs}");
    assert!(runs["items"][0]["mailed_at"].is_null());
    let got = receiver.at_least(1).await;
    assert_eq!(got[0].json()["type"], "report.delivered");

    // The endpoint deleted: the next run fails at once, not retried.
    let (s, _) = app
        .delete(&t.admin, &format!("/api/v1/webhooks/{hook}"))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    make_due(&app, &id, due - 86_400_000).await;
    let runs = run_until(&app, &t.admin, &id, |r| r["status"] != "queued").await;
    let run = &runs["items"][0];
    assert_eq!(
        (&run["status"], &run["error_code"]),
        (&json!("failed"), &json!("webhook_not_found")),
        "{run}"
    );
    let job = job_until(&app, &t.admin, |j| {
        j["state"] != "running" && j["state"] != "queued"
    })
    .await;
    assert_eq!(
        (&job["state"], &job["attempts"]),
        (&json!("done"), &json!(1)),
        "{job}"
    );
    app.cleanup().await;
}
