//! The durable job queue: keyed jobs wait once, failures back off and end dead with the
//! error kept, admins see and retry them (their tenant's only), a job whose server died
//! holding it is taken over, and a schedule's occurrence is enqueued once however many
//! servers move it.

use crate::harness::{TestApp, assert_error, both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use storage::NewJob;

both_backends!(
    a_keyed_job_waits_once,
    failed_jobs_back_off_die_and_are_retried_by_an_admin,
    a_job_whose_server_died_is_taken_over,
    a_scheduled_occurrence_is_enqueued_once,
    the_day_summary_is_a_job,
);

pub(crate) async fn jobs(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let (s, b) = app.get(token, &format!("/api/v1/admin/jobs{query}")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

/// Polls the admin list until `pred` holds for the job `id`, for up to 30 s.
pub(crate) async fn until(
    app: &TestApp,
    token: &str,
    id: &str,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..150 {
        if let Some(j) = jobs(app, token, "?limit=500")
            .await
            .into_iter()
            .find(|j| j["id"] == id)
            && pred(&j)
        {
            return j;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("job {id} never reached the expected state");
}

async fn a_keyed_job_waits_once(app: &TestApp) {
    let t = app.tenant("acme").await;
    let other = app.tenant("other").await;
    // Due in a minute, so no worker takes it while the test looks.
    let job = |tenant| {
        NewJob::new(tenant, "no_such_kind", "{}".into())
            .keyed("k1")
            .debounced(60_000, 120_000)
    };
    app.store.enqueue(&job(t.id)).await.unwrap();
    app.store.enqueue(&job(t.id)).await.unwrap();
    // The same key in another tenant is another job.
    app.store.enqueue(&job(other.id)).await.unwrap();
    let mine = jobs(app, &t.admin, "?kind=no_such_kind").await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0]["state"], "queued");
    assert_eq!(mine[0]["key"], "k1");
    assert_eq!(jobs(app, &other.admin, "?kind=no_such_kind").await.len(), 1);
    let (s, counts) = app.get(&t.admin, "/api/v1/admin/jobs/counts").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        counts["items"]
            .as_array()
            .unwrap()
            .contains(&json!({"kind": "no_such_kind", "state": "queued", "count": 1})),
        "{counts}"
    );
}

async fn failed_jobs_back_off_die_and_are_retried_by_an_admin(app: &TestApp) {
    let t = app.tenant("acme").await;
    let other = app.tenant("other").await;
    let manager = {
        app.employee(&t.admin, &t.root_dept, "boss", "manager")
            .await;
        app.token("acme", "boss").await
    };
    let mut job = NewJob::new(t.id, "no_such_kind", r#"{"n": 1}"#.into());
    job.max_attempts = 2;
    app.store.enqueue(&job).await.unwrap();
    let listed = jobs(app, &t.admin, "?kind=no_such_kind").await;
    let id = listed[0]["id"].as_str().unwrap().to_owned();
    // First failure: queued again, later, with the error kept.
    let once = until(app, &t.admin, &id, |j| {
        j["attempts"] == 1 && j["state"] == "queued"
    })
    .await;
    assert!(
        once["last_error"]
            .as_str()
            .unwrap()
            .contains("no_such_kind"),
        "{once}"
    );
    assert!(once["run_at"].as_str().unwrap() > once["created_at"].as_str().unwrap());
    // Second and last: dead.
    let dead = until(app, &t.admin, &id, |j| j["state"] == "dead").await;
    assert_eq!(dead["attempts"], 2);
    assert_eq!(dead["payload"], json!({"n": 1}));
    assert_eq!(jobs(app, &t.admin, "?state=dead").await.len(), 1);

    // Only admins of the tenant see or retry it.
    let (s, b) = app.get(&manager, "/api/v1/admin/jobs").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let retry = format!("/api/v1/admin/jobs/{id}/retry");
    let (s, b) = app.post(&manager, &retry, json!({})).await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (s, b) = app.post(&other.admin, &retry, json!({})).await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    assert!(
        jobs(app, &other.admin, "")
            .await
            .iter()
            .all(|j| j["id"] != id)
    );
    let (s, b) = app.get(&t.admin, "/api/v1/admin/jobs?state=stuck").await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");

    let (s, b) = app.post(&t.admin, &retry, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        (b["attempts"].clone(), b["finished_at"].clone()),
        (json!(0), Value::Null)
    );
    // Queued (or already running) again: not dead, so a second retry is refused. It
    // cannot have died again yet: that takes two attempts a second or more apart.
    let (s, b) = app.post(&t.admin, &retry, json!({})).await;
    assert_error(s, &b, StatusCode::CONFLICT, "job_not_dead");
}

async fn a_job_whose_server_died_is_taken_over(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let employee = domain::EmployeeId(rep.parse().unwrap());
    app.store
        .enqueue(&storage::day_job(t.id, employee, "2026-11-25"))
        .await
        .unwrap();
    // A server takes the job and dies holding it: its lease runs out unfinished.
    let ghost = app
        .store
        .claim_jobs("ghost", server::now_ms() + 120_000, 300, 16)
        .await
        .unwrap();
    assert_eq!(ghost.len(), 1);
    let id = ghost[0].id.to_string();
    let done = until(app, &t.admin, &id, |j| j["state"] == "done").await;
    assert_eq!(done["attempts"], 2, "{done}");
    // The ghost's late report does not overwrite the new holder's outcome.
    assert!(!app.store.finish_job(&ghost[0], "ghost").await.unwrap());
}

async fn a_scheduled_occurrence_is_enqueued_once(app: &TestApp) {
    let t = app.tenant("acme").await;
    server::jobs::enqueue_scheduled(&app.store).await.unwrap();
    // Its 03:00 is due: two servers move the schedule at once.
    app.raw_sql("UPDATE job_schedules SET next_run_ms = 1000")
        .await;
    let (a, b) = tokio::join!(
        server::jobs::enqueue_scheduled(&app.store),
        server::jobs::enqueue_scheduled(&app.store)
    );
    a.unwrap();
    b.unwrap();
    let all = jobs(app, &t.admin, "?kind=retention&limit=500").await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["key"], "1000");
    let done = until(app, &t.admin, all[0]["id"].as_str().unwrap(), |j| {
        j["state"] == "done"
    })
    .await;
    assert_eq!(done["attempts"], 1);
}

async fn the_day_summary_is_a_job(app: &TestApp) {
    let t = app.tenant("acme").await;
    let id = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    let fixes: Vec<Value> = (0..30)
        .map(|i| json!({"t": format!("2026-11-25T10:{i:02}:00+08:00"), "lat": 31.23 + f64::from(i) * 0.001, "lon": 121.47, "accuracy_m": 8}))
        .collect();
    let (s, b) = app
        .post(&token, "/api/v1/locations", json!({"fixes": fixes}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let queued = jobs(app, &t.admin, "?kind=track_day").await;
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0]["key"], format!("{id}/2026-11-25"));
    assert_eq!(queued[0]["payload"]["day"], "2026-11-25");
    let job = queued[0]["id"].as_str().unwrap().to_owned();
    until(app, &t.admin, &job, |j| j["state"] == "done").await;
    let (_, days) = app
        .get(
            &t.admin,
            &format!("/api/v1/employees/{id}/days?from=2026-11-25&to=2026-11-25"),
        )
        .await;
    assert_eq!(days["items"][0]["pending"], false, "{days}");
    assert!(
        days["items"][0]["mileage_m"].as_f64().unwrap() > 2000.0,
        "{days}"
    );
}

both_backends!(deferred_report_facts_queue_no_job_until_the_guard_drops);

/// A bulk load that rebuilds facts at its end (the demo) defers them: its punches queue no
/// facts job, and once the guard is gone a punch queues one again.
async fn deferred_report_facts_queue_no_job_until_the_guard_drops(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    app.set_start_date(&t.admin, &rep, "2026-11-01").await;
    let token = app.token("acme", "rep1").await;
    let facts_queued = || async {
        app.store
            .job_counts(t.id)
            .await
            .unwrap()
            .iter()
            .filter(|c| c.kind == storage::REPORT_FACTS_JOB && c.state == "queued")
            .map(|c| c.count)
            .sum::<i64>()
    };
    let punch = |path: &'static str, at: &str| {
        let body = json!({"id": uuid::Uuid::now_v7(), "t": at, "lat": 31.2304, "lon": 121.4737,
                          "accuracy_m": 10.0});
        let token = token.clone();
        async move { app.post(&token, path, body).await }
    };
    {
        let _deferred = app.store.defer_report_facts();
        let (s, a) = punch("/api/v1/attendance/clock-in", "2026-11-25T09:03:00+08:00").await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        assert_eq!(facts_queued().await, 0, "a deferred punch queued facts");
    }
    let (s, a) = punch("/api/v1/attendance/clock-out", "2026-11-25T18:05:00+08:00").await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    // The punch's day and the day before (a night shift's clock-out belongs to it).
    assert_eq!(facts_queued().await, 2);
}
