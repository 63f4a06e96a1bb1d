//! The claim period as a tenant setting, on both engines: month by default, half-month or
//! ISO week when the tenant says so; period ids of another kind refused with a 422 naming
//! `period`; the scheduled generation at 01:00 tenant time on the first day of the next
//! period drafts the period that ended exactly once (a second occurrence or a re-run
//! updates, never duplicates; an occurrence on another day drafts nothing); a claim of the
//! old period keeps its days when the tenant switches, so no day is claimed twice.

use crate::claims::day;
use crate::harness::{TestApp, assert_error, both_backends};
use crate::jobs::{jobs, until};
use chrono::{NaiveDate, TimeZone};
use reqwest::StatusCode;
use serde_json::{Value, json};
use storage::NewJob;
use uuid::Uuid;

both_backends!(
    a_weekly_tenant_drafts_the_week_that_ended_once,
    a_day_in_a_claim_of_the_old_period_is_not_claimed_again,
);

/// 01:00 on `date` in Shanghai (the test tenants' zone), as the schedule's instant.
fn one_am_shanghai(date: &str) -> i64 {
    let d: NaiveDate = date.parse().unwrap();
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&d.and_hms_opt(1, 0, 0).unwrap())
        .unwrap()
        .timestamp_millis()
}

/// A rep who started long ago, drives a private car, paid 1.00 CNY per km.
async fn paid_rep(app: &TestApp, admin: &str, dept: &str, name: &str) -> String {
    let rep = app.employee(admin, dept, name, "field").await;
    app.set_start_date(admin, &rep, "2026-01-01").await;
    let (s, b) = app
        .put(
            admin,
            &format!("/api/v1/employees/{rep}/vehicles"),
            json!({"items": [{"from": "2026-01-01", "kind": "private_car"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    rep
}

async fn set_rates(app: &TestApp, admin: &str) {
    let body = json!({"tables": [{"id": Uuid::now_v7(), "versions": [
        {"version": 1, "effective_from": "2026-01-01", "tiers": [{"rate": 100}]},
    ]}]});
    let (s, b) = app.put(admin, "/api/v1/mileage-rates", body).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

async fn claims_of(app: &TestApp, token: &str, rep: &str) -> Vec<Value> {
    let (s, b) = app
        .get(
            token,
            &format!("/api/v1/claims?employee_id={rep}&limit=500"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

/// Moves the tenant's claims schedule to `at` and lets two servers enqueue it at once,
/// each on a clock just past it; answers the job's id once it has run.
async fn occurrence(app: &TestApp, admin: &str, at: i64) -> String {
    // Every tenant gets its schedules on the worker's first pass after it exists.
    server::jobs::enqueue_scheduled(&app.store).await.unwrap();
    let moved = app
        .raw_sql(&format!(
            "UPDATE job_schedules SET next_run_ms = {at} WHERE name = 'claims_generate'"
        ))
        .await;
    assert_eq!(moved, 1);
    let (a, b) = tokio::join!(
        server::clock::replaying(at + 60_000, server::jobs::enqueue_scheduled(&app.store)),
        server::clock::replaying(at + 60_000, server::jobs::enqueue_scheduled(&app.store)),
    );
    a.unwrap();
    b.unwrap();
    let key = at.to_string();
    let mine: Vec<Value> = jobs(app, admin, "?kind=claims_generate&limit=500")
        .await
        .into_iter()
        .filter(|j| j["key"] == key.as_str())
        .collect();
    assert_eq!(mine.len(), 1, "one job per occurrence: {mine:?}");
    let id = mine[0]["id"].as_str().unwrap().to_owned();
    let done = until(app, admin, &id, |j| j["state"] == "done").await;
    assert_eq!(done["attempts"], 1, "{done}");
    id
}

async fn a_weekly_tenant_drafts_the_week_that_ended_once(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = paid_rep(app, &t.admin, &t.root_dept, "rep1").await;
    app.employee(&t.admin, &t.root_dept, "fin", "finance").await;
    let fin = app.token("acme", "fin").await;
    let rep_t = app.token("acme", "rep1").await;
    set_rates(app, &t.admin).await;
    // ISO week 45 of 2026 runs Monday 2 November to Sunday 8 November.
    for (date, km) in [
        ("2026-11-02", 10.0),
        ("2026-11-03", 20.0),
        ("2026-11-04", 5.0),
        ("2026-11-06", 12.5),
        ("2026-11-09", 40.0),
    ] {
        day(app, t.id, &rep, date, km, km + 3.0).await;
    }

    // A month until the tenant says otherwise; everyone who sees claims reads the setting.
    let (s, b) = app.get(&rep_t, "/api/v1/claim-settings").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["period"], "month");
    assert!(
        b["current_period"]
            .as_str()
            .is_some_and(|p| p.len() == 7 && p.as_bytes()[4] == b'-'),
        "{b}"
    );
    // Only finance and admins change it; an unknown length names the field.
    let (s, _) = app
        .put(&rep_t, "/api/v1/claim-settings", json!({"period": "week"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = app
        .put(
            &fin,
            "/api/v1/claim-settings",
            json!({"period": "fortnight"}),
        )
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(
        (
            e["fields"][0]["field"].clone(),
            e["fields"][0]["code"].clone()
        ),
        (json!("period"), json!("unknown_value")),
        "{b}"
    );
    let (s, b) = app
        .put(&fin, "/api/v1/claim-settings", json!({"period": "week"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["period"], "week");
    let current = b["current_period"].as_str().unwrap().to_owned();
    assert!(current.contains("-W"), "{b}");

    // A new claim must be a week now: a month id is refused, naming the form expected.
    let (s, b) = app
        .post(&rep_t, "/api/v1/claims", json!({"period": "2026-11"}))
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "bad_period");
    assert_eq!(e["fields"][0]["field"], "period", "{b}");
    assert_eq!(e["fields"][0]["params"]["expected"], "iso_week", "{b}");
    let (s, b) = app
        .post(&rep_t, "/api/v1/claims", json!({"period": "2026-W54"}))
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "bad_period");
    // What `outfield claims generate` runs refuses another kind's period the same way.
    let refused = server::services::claims::generate(&app.state, t.id, "2026-11".parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        (refused.code, refused.fields[0].field.as_str()),
        ("bad_period", "period")
    );
    // Without a period the rep's draft is the week today is in.
    let (s, b) = app.post(&rep_t, "/api/v1/claims", json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["period"], current.as_str(), "{b}");

    // An occurrence at 01:00 on a Tuesday is not the first day of a week: nothing.
    occurrence(app, &t.admin, one_am_shanghai("2026-11-10")).await;
    let before: Vec<String> = claims_of(app, &fin, &rep)
        .await
        .iter()
        .map(|c| c["period"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !before.iter().any(|p| p == "2026-W45" || p == "2026-W46"),
        "{before:?}"
    );

    // 01:00 on Monday 9 November: the week that ended is drafted, once, whichever of two
    // servers moved the schedule.
    let monday = one_am_shanghai("2026-11-09");
    occurrence(app, &t.admin, monday).await;
    let week: Vec<Value> = claims_of(app, &fin, &rep)
        .await
        .into_iter()
        .filter(|c| c["period"] == "2026-W45")
        .collect();
    assert_eq!(week.len(), 1, "{week:?}");
    let id = week[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (
            week[0]["status"].clone(),
            week[0]["period_first"].clone(),
            week[0]["period_last"].clone()
        ),
        (json!("draft"), json!("2026-11-02"), json!("2026-11-08"))
    );
    let (_, claim) = app.get(&fin, &format!("/api/v1/claims/{id}")).await;
    let lines = claim["lines"].as_array().unwrap();
    let dates: Vec<&str> = lines.iter().map(|l| l["date"].as_str().unwrap()).collect();
    assert_eq!(
        dates,
        [
            "2026-11-02",
            "2026-11-03",
            "2026-11-04",
            "2026-11-05",
            "2026-11-06",
            "2026-11-07",
            "2026-11-08"
        ],
        "{claim}"
    );
    // 10 + 20 + 5 + 12.5 km at 1.00 per km; the 9th is next week's.
    assert_eq!(claim["mileage_minor"], 4_750, "{claim}");

    // The schedule has moved on: another pass at the same instant enqueues nothing more.
    // A re-run (another job of the same day) brings the draft up to date without a
    // second one.
    server::clock::replaying(monday + 60_000, server::jobs::enqueue_scheduled(&app.store))
        .await
        .unwrap();
    let monday_key = monday.to_string();
    let same: Vec<Value> = jobs(app, &t.admin, "?kind=claims_generate&limit=500")
        .await
        .into_iter()
        .filter(|j| j["key"] == monday_key.as_str())
        .collect();
    assert_eq!(same.len(), 1, "{same:?}");
    day(app, t.id, &rep, "2026-11-05", 7.5, 8.0).await;
    let again = monday + 1;
    app.store
        .enqueue(&NewJob::new(t.id, "claims_generate", "{}".into()).keyed(again.to_string()))
        .await
        .unwrap();
    let again_key = again.to_string();
    let rerun = jobs(app, &t.admin, "?kind=claims_generate&limit=500")
        .await
        .into_iter()
        .find(|j| j["key"] == again_key.as_str())
        .unwrap();
    until(app, &t.admin, rerun["id"].as_str().unwrap(), |j| {
        j["state"] == "done"
    })
    .await;
    let week: Vec<Value> = claims_of(app, &fin, &rep)
        .await
        .into_iter()
        .filter(|c| c["period"] == "2026-W45")
        .collect();
    assert_eq!(week.len(), 1, "{week:?}");
    assert_eq!(week[0]["id"], id.as_str());
    assert_eq!(
        week[0]["mileage_minor"], 5_500,
        "the re-run saw the 5th: {week:?}"
    );
}

async fn a_day_in_a_claim_of_the_old_period_is_not_claimed_again(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = paid_rep(app, &t.admin, &t.root_dept, "rep1").await;
    let rep_t = app.token("acme", "rep1").await;
    set_rates(app, &t.admin).await;
    for (date, km) in [
        ("2026-10-30", 1.0),
        ("2026-11-02", 2.0),
        ("2026-11-16", 4.0),
        ("2026-11-30", 8.0),
        ("2026-12-01", 16.0),
        ("2026-12-02", 32.0),
    ] {
        day(app, t.id, &rep, date, km, km).await;
    }
    // A month's claim, made while the tenant was monthly.
    let (s, month) = app
        .post(&rep_t, "/api/v1/claims", json!({"period": "2026-11"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{month}");
    assert_eq!(month["mileage_minor"], 1_400, "{month}");

    // Half-months from now on: the November halves are all inside the month's claim.
    let (s, b) = app
        .put(
            &t.admin,
            "/api/v1/claim-settings",
            json!({"period": "half_month"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = app
        .post(&rep_t, "/api/v1/claims", json!({"period": "2026-W48"}))
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "bad_period");
    assert_eq!(e["fields"][0]["params"]["expected"], "half_month", "{b}");
    let done = server::services::claims::generate(&app.state, t.id, "2026-11-H2".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        (done.reps, done.created, done.covered),
        (1, 0, 1),
        "{done:?}"
    );
    // The month's claim stays readable and keeps its period (asking for it again answers it).
    let (s, b) = app
        .post(&rep_t, "/api/v1/claims", json!({"period": "2026-11"}))
        .await;
    assert_eq!(
        (s, b["id"].clone()),
        (StatusCode::OK, month["id"].clone()),
        "{b}"
    );

    // Weeks: week 49 (30 Nov – 6 Dec) claims only its December days, week 44 (26 Oct –
    // 1 Nov) only its October ones.
    let (s, _) = app
        .put(
            &t.admin,
            "/api/v1/claim-settings",
            json!({"period": "week"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    for (period, first_line, paid) in [
        ("2026-W49", "2026-12-01", 4_800),
        ("2026-W44", "2026-10-26", 100),
    ] {
        let (s, w) = app
            .post(&rep_t, "/api/v1/claims", json!({"period": period}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{w}");
        assert_eq!(w["lines"][0]["date"], first_line, "{w}");
        assert_eq!(w["mileage_minor"], paid, "{w}");
    }
    // …and the month's claim still pays its 30 November and 2 November.
    let (_, again) = app
        .get(
            &rep_t,
            &format!("/api/v1/claims/{}", month["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(again["mileage_minor"], 1_400, "{again}");
}
