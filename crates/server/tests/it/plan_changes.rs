//! Plan changes through the approval engine, on both engines: a rep's `plan_change`
//! request is checked when sent (dates, customers the rep reaches, at least one change);
//! nothing moves while it waits; the final approval queues, in its own transaction, the
//! job that applies it — stops removed, added and moved to another day on the rep's plan,
//! which the manager's plan view and the rep's day both show; a rejected or withdrawn
//! change queues nothing and changes nothing.

use crate::harness::{TestApp, assert_error, both_backends};
use crate::jobs::{jobs, until};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

both_backends!(an_approved_plan_change_changes_the_plan);

fn stop_ids(day: &Value) -> Vec<String> {
    day["stops"]
        .as_array()
        .unwrap_or_else(|| panic!("no stops in {day}"))
        .iter()
        .map(|s| s["customer_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn plan_change(app: &TestApp, token: &str, payload: Value) -> (StatusCode, Value) {
    app.post(
        token,
        "/api/v1/requests",
        json!({"id": Uuid::now_v7(), "type": "plan_change", "payload": payload}),
    )
    .await
}

async fn an_approved_plan_change_changes_the_plan(app: &TestApp) {
    let t = app.tenant("acme").await;
    let team = app.department(&t.admin, "Team", Some(&t.root_dept)).await;
    app.employee(&t.admin, &team, "mgr", "manager").await;
    let rep = app.employee(&t.admin, &team, "rep", "field").await;
    let mgr = app.token("acme", "mgr").await;
    let rep_t = app.token("acme", "rep").await;
    let other = app.tenant("other").await;
    let theirs = app
        .customer(
            &other.admin,
            json!({"name": "Theirs", "location": {"lat": 31.2, "lon": 121.4}}),
        )
        .await;
    let mut shops = Vec::new();
    for k in 0..5 {
        let c = app
            .customer(
                &t.admin,
                json!({"name": format!("Shop {k}"), "owner_id": rep,
                "location": {"lat": 31.20 + 0.004 * k as f64, "lon": 121.45}}),
            )
            .await;
        shops.push(c["id"].as_str().unwrap().to_owned());
    }
    let nowhere = app
        .customer(&t.admin, json!({"name": "No place", "owner_id": rep}))
        .await;
    let [a, b, c, d, e] = [0, 1, 2, 3, 4].map(|i| shops[i].clone());
    // The manager plans Monday 14 and Tuesday 15 December and publishes them.
    for (date, order) in [("2026-12-14", json!([a, b, c])), ("2026-12-15", json!([d]))] {
        let (s, b) = app
            .put(
                &mgr,
                &format!("/api/v1/plans/{rep}/{date}"),
                json!({"customer_ids": order}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    let (s, p) = app
        .post(
            &mgr,
            "/api/v1/plans/publish",
            json!({"department_id": team, "from": "2026-12-14", "to": "2026-12-15"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");

    // What is asked is checked when it is sent, each problem naming its field.
    for (payload, field) in [
        (json!({"date": "2026-12-14"}), "payload.add"),
        (json!({"date": "14/12", "add": [e]}), "payload.date"),
        (
            json!({"date": "2026-12-14", "add": [theirs["id"]]}),
            "payload.add[0]",
        ),
        (
            json!({"date": "2026-12-14", "add": [nowhere["id"]]}),
            "payload.add[0]",
        ),
        (
            json!({"date": "2026-12-14", "add": [e], "remove": [e]}),
            "payload.remove[0]",
        ),
        (
            json!({"date": "2026-12-14", "moves": [{"customer_id": c, "to_date": "2026-12-14"}]}),
            "payload.moves[0].to_date",
        ),
        (
            json!({"date": "2026-12-14", "add": [e], "shuffle": true}),
            "payload.shuffle",
        ),
    ] {
        let (s, b) = plan_change(app, &rep_t, payload).await;
        let err = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(err["fields"][0]["field"], field, "{b}");
    }

    // Take B off Monday, add E, move C to Tuesday.
    let (s, req) = plan_change(
        app,
        &rep_t,
        json!({"date": "2026-12-14", "remove": [b], "add": [e],
               "moves": [{"customer_id": c, "to_date": "2026-12-15"}], "reason": "B is closed"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{req}");
    assert_eq!(req["status"], "in_progress", "{req}");
    assert_eq!(
        req["figures"]["from"], "2026-12-14",
        "the day it changes, for lists: {req}"
    );
    let id = req["id"].as_str().unwrap().to_owned();
    // Nothing moves while it waits.
    let day = |date: &'static str| {
        let (mgr, rep) = (mgr.clone(), rep.clone());
        async move {
            let (s, b) = app.get(&mgr, &format!("/api/v1/plans/{rep}/{date}")).await;
            assert_eq!(s, StatusCode::OK, "{b}");
            stop_ids(&b)
        }
    };
    assert_eq!(day("2026-12-14").await, [a.as_str(), &b, &c]);
    assert!(jobs(app, &t.admin, "?kind=plan_change").await.is_empty());

    // The manager approves: the job queued with the decision applies it.
    let (s, b) = app
        .post(
            &mgr,
            &format!("/api/v1/requests/{id}/decision"),
            json!({"decision": "approved", "comment": "ok"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "approved", "{b}");
    let queued = jobs(app, &t.admin, "?kind=plan_change").await;
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0]["key"], id.as_str());
    until(app, &t.admin, queued[0]["id"].as_str().unwrap(), |j| {
        j["state"] == "done"
    })
    .await;
    assert_eq!(day("2026-12-14").await, [a.as_str(), &e]);
    assert_eq!(day("2026-12-15").await, [d.as_str(), &c]);
    // The rep's published day shows it too.
    let (s, mine) = app.get(&rep_t, "/api/v1/me/plan?date=2026-12-14").await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine["status"], "published", "{mine}");
    assert_eq!(stop_ids(&mine), [a.as_str(), &e]);

    // Applying again (a retried job) changes nothing more.
    app.store
        .enqueue(
            &storage::NewJob::new(
                t.id,
                storage::PLAN_CHANGE_JOB,
                json!({"request_id": id}).to_string(),
            )
            .keyed(format!("{id}-again")),
        )
        .await
        .unwrap();
    let again = jobs(app, &t.admin, "?kind=plan_change")
        .await
        .into_iter()
        .find(|j| j["key"] == format!("{id}-again"))
        .unwrap();
    until(app, &t.admin, again["id"].as_str().unwrap(), |j| {
        j["state"] == "done"
    })
    .await;
    assert_eq!(day("2026-12-14").await, [a.as_str(), &e]);
    assert_eq!(day("2026-12-15").await, [d.as_str(), &c]);

    // A rejected change and a withdrawn one queue nothing and change nothing.
    let (_, rejected) =
        plan_change(app, &rep_t, json!({"date": "2026-12-14", "remove": [a]})).await;
    let (s, b) = app
        .post(
            &mgr,
            &format!(
                "/api/v1/requests/{}/decision",
                rejected["id"].as_str().unwrap()
            ),
            json!({"decision": "rejected", "comment": "no"}),
        )
        .await;
    assert_eq!(
        (s, b["status"].clone()),
        (StatusCode::OK, json!("rejected")),
        "{b}"
    );
    let (_, withdrawn) =
        plan_change(app, &rep_t, json!({"date": "2026-12-15", "remove": [d]})).await;
    let (s, b) = app
        .post(
            &rep_t,
            &format!(
                "/api/v1/requests/{}/withdraw",
                withdrawn["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, b["status"].clone()),
        (StatusCode::OK, json!("withdrawn")),
        "{b}"
    );
    let all = jobs(app, &t.admin, "?kind=plan_change").await;
    assert_eq!(all.len(), 2, "only the approved change's jobs: {all:?}");
    assert_eq!(day("2026-12-14").await, [a.as_str(), &e]);
    assert_eq!(day("2026-12-15").await, [d.as_str(), &c]);
}
