//! Several servers on one PostgreSQL behave as one system: a position stored through one
//! reaches the live map on another, each day summary is computed once, and a job queued
//! through a server that then stops is run by another.

use crate::harness::{Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

async fn get(app: &TestApp, base: &str, token: &str, path: &str) -> Value {
    let resp = app
        .client
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

/// Keeps fixes at every hour, so the test does not depend on the wall clock.
async fn track_all_day(app: &TestApp, admin: &str) {
    let rule = json!({"weekdays": [1,2,3,4,5,6,7], "windows": [{"start": "00:00", "end": "00:00"}],
        "moving_interval_s": 5, "stationary_interval_s": 60, "min_distance_m": 5, "desired_accuracy_m": 10,
        "keep_outside_windows": false});
    let (s, r) = app.put(admin, "/api/v1/tracking-rules/tenant", rule).await;
    assert_eq!(s, StatusCode::OK, "{r}");
}

/// Reads the event stream into `seen` until it holds `needle` (15 s at most).
async fn read_until(stream: &mut reqwest::Response, seen: &mut String, needle: &str) {
    tokio::time::timeout(Duration::from_secs(15), async {
        while !seen.contains(needle) {
            let chunk = stream.chunk().await.unwrap().expect("stream stays open");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{needle} never streamed; got {seen}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_position_stored_through_one_server_streams_on_another() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let (b, _) = app.another_server().await;
    let t = app.tenant("acme").await;
    track_all_day(&app, &t.admin).await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    let mut stream = app
        .client
        .get(format!("{b}/api/v1/live"))
        .bearer_auth(&t.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let mut seen = String::new();
    read_until(&mut stream, &mut seen, &rep).await;
    let now = chrono::Utc::now().timestamp_millis();
    let (s, a) = app
        .post(
            &token,
            "/api/v1/locations",
            json!({"fixes": [{"t": now, "lat": 31.2345, "lon": 121.4567, "accuracy_m": 5, "speed_mps": 4.0}]}),
        )
        .await;
    assert_eq!(
        (s, a["accepted"].clone()),
        (StatusCode::OK, json!(1)),
        "{a}"
    );
    read_until(&mut stream, &mut seen, "31.2345").await;
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_day_summary_is_computed_once_across_servers() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let (b, _) = app.another_server().await;
    let t = app.tenant("acme").await;
    track_all_day(&app, &t.admin).await;
    let mut reps = Vec::new();
    for i in 0..4 {
        let name = format!("rep{i}");
        app.employee(&t.admin, &t.root_dept, &name, "field").await;
        reps.push(app.token("acme", &name).await);
    }
    // Four reps, ten days each, sent alternately through both servers.
    for (r, token) in reps.iter().enumerate() {
        for day in 1..=10 {
            let base = if (r + day) % 2 == 0 { &app.base } else { &b };
            let fixes: Vec<Value> = (0..10)
                .map(|i| {
                    json!({"t": format!("2026-11-{day:02}T10:{i:02}:00+08:00"),
                    "lat": 31.23 + f64::from(i) * 0.001, "lon": 121.47, "accuracy_m": 8})
                })
                .collect();
            let resp = app
                .client
                .post(format!("{base}/api/v1/locations"))
                .bearer_auth(token)
                .json(&json!({"fixes": fixes}))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), StatusCode::OK);
        }
    }
    let done = 'wait: {
        for _ in 0..150 {
            let page = get(
                &app,
                &app.base,
                &t.admin,
                "/api/v1/admin/jobs?kind=track_day&limit=500",
            )
            .await;
            let items = page["items"].as_array().unwrap().clone();
            if items.len() == 40 && items.iter().all(|j| j["state"] == "done") {
                break 'wait items;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("the 40 day summaries were not all done within 30 s");
    };
    // One job per day, each run once, and one summary event per day.
    assert!(done.iter().all(|j| j["attempts"] == 1), "{done:?}");
    let events = app
        .events_once(&t.admin, "?type=track_day.updated&limit=500", 40)
        .await;
    assert_eq!(events["items"].as_array().unwrap().len(), 40, "{events}");
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_queued_through_a_stopped_server_is_run_by_another() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let (a, a_state) = app.another_server().await;
    let (_, b_state) = app.another_server().await;
    let t = app.tenant("acme").await;
    track_all_day(&app, &t.admin).await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    // The harness's own server must not take the job either: stop its worker.
    app.state.store.close().await;
    let resp = app
        .client
        .post(format!("{a}/api/v1/locations"))
        .bearer_auth(&token)
        .json(&json!({"fixes": [{"t": "2026-11-25T10:00:00+08:00", "lat": 31.23, "lon": 121.47, "accuracy_m": 8}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    // Server A stops before the job falls due (a second after the fix).
    a_state.store.close().await;
    for _ in 0..150 {
        let page = b_state
            .store
            .list_jobs(t.id, Some("done"), Some("track_day"), None, 10)
            .await
            .unwrap();
        if let Some(job) = page.items.first() {
            assert_eq!(job.locked_by.as_deref(), Some(b_state.jobs.worker.as_str()));
            assert!(job.unique_key.as_deref().unwrap().starts_with(&rep));
            app.cleanup().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("server B never ran the job");
}
