//! The anti-cheat centre through the API: rep-days simulated by `cheatsim` (an honest day
//! and a day with teleported check-ins) posted as the field app sends them, the verdicts
//! the `integrity_day` jobs store, the queue and its filters, the day's evidence, review
//! once per version, appeal within the window, settings, scoping across tenants and
//! roles, and a late-synced action that changes a stored verdict.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use cheatsim::tricks::{self, Ctx, Trick};
use cheatsim::world::{HonestDay, World};
use chrono::{DateTime, FixedOffset, Utc};
use integrity::{ActionKind, RepDay};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;
use uuid::Uuid;

both_backends!(the_anti_cheat_centre);

/// Seed 11 makes world rep 0's first day a plain honest day.
const SEED: u64 = 11;

struct Days {
    honest: RepDay,
    teleport: RepDay,
    date: String,
}

/// The two simulated days, made once for both backends.
fn days() -> &'static Days {
    static DAYS: OnceLock<Days> = OnceLock::new();
    DAYS.get_or_init(|| {
        let world = World::new(SEED);
        assert_eq!(
            world.hard_case(0, 0),
            cheatsim::hard::HardCase::Plain,
            "seed"
        );
        let honest: Vec<Vec<HonestDay>> = vec![vec![world.honest(0, 0)], vec![world.honest(1, 0)]];
        let ctx = Ctx {
            world: &world,
            honest: &honest,
            rep: 1,
            day: 0,
            honest_reps: &[0],
            earlier_photos: &[],
            cheated: &|_, _| false,
        };
        let mut dice = world.dice(1, 0, 0x7121C);
        let teleport = tricks::play(Trick::Teleport, &ctx, &mut dice).day;
        Days {
            honest: honest[0][0].rep_day.clone(),
            teleport,
            date: world.dates[0].to_string(),
        }
    })
}

fn shanghai(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap()
        .with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap())
        .to_rfc3339()
}

/// Creates the day's customers for `owner`, at their stored pins.
async fn customers(app: &TestApp, admin: &str, owner: &str, day: &RepDay) {
    for (i, c) in day.customers.iter().enumerate() {
        let (s, b) = app
            .post(
                admin,
                "/api/v1/customers",
                json!({"id": c.id, "name": format!("Shop {i} of {owner}"),
                "owner_id": owner, "location": {"lat": c.lat, "lon": c.lon}}),
            )
            .await;
        assert!(s.is_success(), "{b}");
    }
}

fn device(a: &integrity::Action, now_ms: i64) -> Value {
    let mut d = json!({"id": a.device.id});
    if let Some(clock) = a.device.clock_ms {
        // Sent now: the phone's clock error is kept, its time moved to the sending.
        d["clock"] = json!(shanghai(now_ms + clock - a.received_ms));
    }
    if a.device.mock_location == Some(true) {
        d["mock_location"] = json!(true);
    }
    d
}

/// Posts a rep-day as the field app sends it after the day (fixes in batches, then every
/// action in time order); photos are left out.
async fn post_day(app: &TestApp, token: &str, day: &RepDay) {
    for chunk in day.fixes.chunks(1000) {
        let fixes: Vec<Value> = chunk
            .iter()
            .map(|f| {
                let mut v = json!({"t": shanghai(f.fix.t_ms), "lat": f.fix.lat, "lon": f.fix.lon});
                if f.fix.accuracy_m.is_finite() && f.fix.accuracy_m > 0.0 {
                    v["accuracy_m"] = json!(f.fix.accuracy_m);
                }
                if f.fix.speed_mps.is_finite() && f.fix.speed_mps >= 0.0 {
                    v["speed_mps"] = json!(f.fix.speed_mps);
                }
                v
            })
            .collect();
        let (s, b) = app
            .post(token, "/api/v1/locations", json!({"fixes": fixes}))
            .await;
        assert!(s.is_success(), "{b}");
    }
    let mut actions: Vec<&integrity::Action> = day.actions.iter().collect();
    actions.sort_by_key(|a| a.t_ms);
    let mut open: HashMap<Uuid, Uuid> = HashMap::new();
    let now = Utc::now().timestamp_millis();
    for a in actions {
        let mut body = json!({"id": a.id, "t": shanghai(a.t_ms), "device": device(a, now)});
        if let Some(p) = a.position {
            body["lat"] = json!(p.lat);
            body["lon"] = json!(p.lon);
            if let Some(acc) = p.accuracy_m {
                body["accuracy_m"] = json!(acc);
            }
        }
        let (path, ok) = match a.kind {
            ActionKind::ClockIn => ("/api/v1/attendance/clock-in".to_owned(), true),
            ActionKind::ClockOut => ("/api/v1/attendance/clock-out".to_owned(), true),
            ActionKind::CheckIn => {
                body["customer_id"] = json!(a.customer);
                open.insert(a.customer.unwrap(), a.id);
                ("/api/v1/visits".to_owned(), true)
            }
            ActionKind::CheckOut => {
                let visit = open[&a.customer.unwrap()];
                (format!("/api/v1/visits/{visit}/check-out"), false)
            }
        };
        let (s, b) = app.post(token, &path, body).await;
        // A check-out the visit rule refuses (photos left out) is no part of the test.
        assert!(
            s.is_success() || (!ok && s == StatusCode::UNPROCESSABLE_ENTITY),
            "{path}: {s} {b}"
        );
    }
}

/// Runs the queued jobs (summaries, then verdicts) until none is left.
async fn settle(app: &TestApp, tenant: domain::TenantId) {
    for _ in 0..200 {
        server::jobs::drain(&app.state, Duration::from_secs(3600))
            .await
            .unwrap();
        let pending = app
            .store
            .job_counts(tenant)
            .await
            .unwrap()
            .iter()
            .filter(|c| c.state == "queued" || c.state == "running")
            .map(|c| c.count)
            .sum::<i64>();
        if pending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("jobs did not settle");
}

fn day_path(employee: &str, date: &str) -> String {
    format!("/api/v1/integrity/days/{employee}/{date}")
}

fn item<'a>(page: &'a Value, employee: &str) -> Option<&'a Value> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["employee_id"] == json!(employee))
}

async fn the_anti_cheat_centre(app: &TestApp) {
    let d = days();
    let t = app.tenant("acme").await;
    let east = app.department(&t.admin, "East", Some(&t.root_dept)).await;
    let west = app.department(&t.admin, "West", Some(&t.root_dept)).await;
    let honest_rep = app.employee(&t.admin, &east, "honest", "field").await;
    let cheat_rep = app.employee(&t.admin, &east, "cheat", "field").await;
    app.employee(&t.admin, &east, "eastmgr", "manager").await;
    app.employee(&t.admin, &west, "westmgr", "manager").await;
    let honest_tok = app.token("acme", "honest").await;
    let cheat_tok = app.token("acme", "cheat").await;
    let mgr = app.token("acme", "eastmgr").await;
    let west_mgr = app.token("acme", "westmgr").await;
    customers(app, &t.admin, &honest_rep, &d.honest).await;
    customers(app, &t.admin, &cheat_rep, &d.teleport).await;
    post_day(app, &honest_tok, &d.honest).await;
    post_day(app, &cheat_tok, &d.teleport).await;
    settle(app, t.id).await;

    // The queue: by default days at review or worse, newest first.
    let (s, all) = app.get(&t.admin, "/api/v1/integrity/days?level=all").await;
    assert_eq!(s, StatusCode::OK, "{all}");
    assert_eq!(all["items"].as_array().unwrap().len(), 2, "{all}");
    let honest = item(&all, &honest_rep).expect("honest day judged");
    assert_eq!(honest["level"], "clean", "{honest}");
    assert_eq!(honest["date"], json!(d.date));
    assert_eq!(honest["employee_name"], "honest name");
    let cheat = item(&all, &cheat_rep).expect("teleport day judged");
    assert_ne!(cheat["level"], "clean", "{cheat}");
    assert!(
        cheat["reasons"]
            .as_array()
            .unwrap()
            .contains(&json!("teleport")),
        "{cheat}"
    );
    assert_eq!(cheat["version"], 1);
    assert_eq!(cheat["status"], "open");
    let (_, queue) = app.get(&t.admin, "/api/v1/integrity/days").await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(queue["items"][0]["employee_id"], json!(cheat_rep));

    // Filters and cursor pages.
    let (_, p1) = app
        .get(&t.admin, "/api/v1/integrity/days?level=all&limit=1")
        .await;
    let cursor = p1["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_owned();
    let (_, p2) = app
        .get(
            &t.admin,
            &format!("/api/v1/integrity/days?level=all&limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(p2["next_cursor"], Value::Null, "{p2}");
    assert_ne!(p1["items"][0]["employee_id"], p2["items"][0]["employee_id"]);
    for (q, n) in [
        ("level=clean".to_owned(), 1),
        (format!("level=all&employee_id={honest_rep}"), 1),
        (format!("level=all&department_id={east}"), 2),
        (format!("level=all&department_id={west}"), 0),
        (format!("level=all&from={}&to={}", d.date, d.date), 2),
        ("level=all&from=2030-01-01".to_owned(), 0),
        ("level=all&status=confirmed".to_owned(), 0),
    ] {
        let (s, b) = app
            .get(&t.admin, &format!("/api/v1/integrity/days?{q}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{q}: {b}");
        assert_eq!(b["items"].as_array().unwrap().len(), n, "{q}: {b}");
    }
    let (s, b) = app
        .get(&t.admin, "/api/v1/integrity/days?level=suspicious")
        .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(fields(&b), vec!["level"]);

    // The day's verdict with what the console draws.
    let (s, v) = app.get(&mgr, &day_path(&cheat_rep, &d.date)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let teleport = v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "teleport")
        .expect("teleport reason");
    assert!(teleport["weight"].as_f64().unwrap() > 0.0);
    assert!(
        !teleport["evidence"]["points"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(!teleport["explanation"]["zh"].as_str().unwrap().is_empty());
    let action_ids: Vec<&Value> = v["day"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["id"])
        .collect();
    for a in teleport["evidence"]["action_ids"].as_array().unwrap() {
        assert!(action_ids.contains(&a), "{a} is one of the day's actions");
    }
    assert!(v["day"]["fixes"].as_array().unwrap().len() > 100);
    assert!(
        v["day"]["customers"][0]["name"]
            .as_str()
            .unwrap()
            .starts_with("Shop")
    );
    assert_eq!(
        v["day"]["track_url"],
        json!(format!(
            "/api/v1/employees/{cheat_rep}/track?date={}",
            d.date
        ))
    );
    assert_eq!(v["may_review"], true);
    assert_eq!(v["may_appeal"], false);
    let (_, g) = app
        .get(
            &mgr,
            &format!("{}?coord_system=gcj02", day_path(&cheat_rep, &d.date)),
        )
        .await;
    assert_eq!(g["coord_system"], "gcj02");
    assert_ne!(g["day"]["fixes"][0]["lat"], v["day"]["fixes"][0]["lat"]);

    // Scoping: another tenant, another department, another rep see nothing.
    let other = app.tenant("rival").await;
    for (who, token) in [
        ("other tenant", &other.admin),
        ("west manager", &west_mgr),
        ("another rep", &honest_tok),
    ] {
        let (s, b) = app.get(token, &day_path(&cheat_rep, &d.date)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{who}: {b}");
        let (s, b) = app
            .post(
                token,
                &format!("{}/review", day_path(&cheat_rep, &d.date)),
                json!({"decision": "confirmed"}),
            )
            .await;
        assert!(
            matches!(s, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{who}: {s} {b}"
        );
    }
    let (_, theirs) = app
        .get(&other.admin, "/api/v1/integrity/days?level=all")
        .await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 0, "{theirs}");
    let (_, mine) = app
        .get(&honest_tok, "/api/v1/integrity/days?level=all")
        .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine["items"][0]["employee_id"], json!(honest_rep));
    let (_, wm) = app.get(&west_mgr, "/api/v1/integrity/days?level=all").await;
    assert_eq!(wm["items"].as_array().unwrap().len(), 0, "{wm}");

    // Review: never by the rep; once per version.
    let review = format!("{}/review", day_path(&cheat_rep, &d.date));
    let appeal = format!("{}/appeal", day_path(&cheat_rep, &d.date));
    let (s, b) = app
        .post(&cheat_tok, &review, json!({"decision": "dismissed"}))
        .await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (s, b) = app.post(&mgr, &review, json!({"decision": "maybe"})).await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), vec!["decision"]);
    let (s, b) = app
        .post(
            &mgr,
            &review,
            json!({"decision": "confirmed", "note": "the shop was closed"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "confirmed");
    assert_eq!(b["review"]["version"], 1);
    assert_eq!(b["review"]["note"], "the shop was closed");
    assert_eq!(b["may_review"], false);
    let (s, b) = app
        .post(&t.admin, &review, json!({"decision": "dismissed"}))
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "already_reviewed");
    let (s, b) = app
        .post(
            &mgr,
            &format!("{}/review", day_path(&honest_rep, &d.date)),
            json!({"decision": "confirmed"}),
        )
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "verdict_clean");

    // Appeal: only the rep, within the window, with their own photos, once per version.
    let (s, b) = app.post(&mgr, &appeal, json!({"text": "not me"})).await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (s, b) = app
        .post(
            &cheat_tok,
            &appeal,
            json!({"text": "   ", "photo_ids": [Uuid::now_v7()]}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), vec!["text"]);
    let (s, b) = app
        .post(
            &cheat_tok,
            &appeal,
            json!({"text": "I was there", "photo_ids": [Uuid::now_v7()]}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), vec!["photo_ids[0]"]);
    let settings = json!({"review_at": 1.0, "likely_at": 3.0, "appeal_days": 0});
    let (s, b) = app
        .put(&t.admin, "/api/v1/integrity/settings", settings)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = app
        .post(&cheat_tok, &appeal, json!({"text": "I was there"}))
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "appeal_window_closed");
    let settings = json!({"review_at": 1.0, "likely_at": 3.0, "appeal_days": 7});
    app.put(&t.admin, "/api/v1/integrity/settings", settings)
        .await;
    let (s, b) = app
        .post(&cheat_tok, &appeal, json!({"text": "I was there"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "appealed");
    assert_eq!(b["appeal"]["text"], "I was there");
    assert_eq!(b["may_appeal"], false);
    let (s, b) = app
        .post(&cheat_tok, &appeal, json!({"text": "again"}))
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "already_appealed");
    // The appeal opens one more review of the same version.
    let (s, b) = app
        .post(&mgr, &review, json!({"decision": "dismissed"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "dismissed");
    let (s, b) = app
        .post(&mgr, &review, json!({"decision": "confirmed"}))
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "already_reviewed");
    let (_, b) = app
        .get(
            &t.admin,
            "/api/v1/integrity/days?level=all&status=dismissed",
        )
        .await;
    assert_eq!(b["items"].as_array().unwrap().len(), 1, "{b}");

    // Settings: everyone who reads verdicts reads them, admins write, bad fields named.
    let (s, b) = app.get(&mgr, "/api/v1/integrity/settings").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["default_weights"]["teleport"], 2.0);
    assert_eq!(b["appeal_days"], 7);
    let (s, b) = app
        .put(
            &mgr,
            "/api/v1/integrity/settings",
            json!({"review_at": 1.0, "likely_at": 3.0, "appeal_days": 7}),
        )
        .await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (s, b) = app
        .put(
            &t.admin,
            "/api/v1/integrity/settings",
            json!({"weights": {"teleport": 20, "nonsense": 1}, "review_at": 2.0, "likely_at": 1.0,
                   "notify": ["clean"], "appeal_days": 91, "shared_devices": ["t1", "t1"]}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let mut named = fields(&b);
    named.sort();
    assert_eq!(
        named,
        vec![
            "appeal_days",
            "likely_at",
            "notify[0]",
            "shared_devices[1]",
            "weights.nonsense",
            "weights.teleport"
        ]
    );

    // A late-synced action changes the stored verdict: the honest rep's phone sends a
    // check-in made that afternoon with a location-faking app running.
    let (_, before) = app.get(&t.admin, &day_path(&honest_rep, &d.date)).await;
    assert_eq!(before["version"], 1);
    let last = d.honest.actions.iter().map(|a| a.t_ms).max().unwrap();
    let pin = &d.honest.customers[0];
    let (s, b) = app
        .post(
            &honest_tok,
            "/api/v1/visits",
            json!({"id": Uuid::now_v7(), "customer_id": pin.id,
            "t": shanghai(last - 20 * 60_000), "lat": pin.lat, "lon": pin.lon, "accuracy_m": 3,
            "device": {"id": d.honest.actions[0].device.id, "mock_location": true,
                       "clock": Utc::now().to_rfc3339()}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    settle(app, t.id).await;
    let (_, after) = app.get(&t.admin, &day_path(&honest_rep, &d.date)).await;
    assert_eq!(after["version"], 2, "{after}");
    assert_ne!(after["level"], "clean");
    assert!(
        after["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "mock_location"),
        "{after}"
    );
    // Recomputing without new facts keeps the version.
    let job = storage::integrity_job(
        t.id,
        domain::EmployeeId(honest_rep.parse().unwrap()),
        &d.date,
    );
    app.store.enqueue(&job).await.unwrap();
    settle(app, t.id).await;
    let (_, again) = app.get(&t.admin, &day_path(&honest_rep, &d.date)).await;
    assert_eq!(again["version"], 2);
    let events = app
        .stored_events(t.id, "integrity.verdict_changed", 3)
        .await;
    assert_eq!(events.len(), 3, "two first verdicts and one change");
    // The first verdicts came under the default (likely cheating notifies); the change
    // came after the admin's settings named no level.
    for (k, e) in events.iter().enumerate() {
        let p: Value = serde_json::from_str(&e.payload).unwrap();
        let want = k < 2 && p["level"] == "likely_cheat";
        assert_eq!(p["notify"], json!(want), "{p}");
    }
    assert!(
        events[..2]
            .iter()
            .any(|e| e.payload.contains("\"notify\":true")),
        "the teleport day notifies"
    );
    let reviewed = app.stored_events(t.id, "integrity.reviewed", 2).await;
    assert_eq!(reviewed.len(), 2);

    // Newer checks: the days older checks judged are judged again. Where the answer is
    // the same the revision and its review stay; only the checks version moves on.
    let current = i32::try_from(integrity::CHECKS_VERSION).unwrap();
    let (_, cheat_before) = app.get(&t.admin, &day_path(&cheat_rep, &d.date)).await;
    assert_eq!(
        app.raw_sql(&format!(
            "UPDATE integrity_days SET checks_version = {}",
            current - 1
        ))
        .await,
        2
    );
    let queued = app
        .store
        .rejudge_outdated(current, "2000-01-01")
        .await
        .unwrap();
    assert_eq!(queued, 2);
    assert_eq!(
        app.store
            .rejudge_outdated(current, "2999-01-01")
            .await
            .unwrap(),
        0
    );
    settle(app, t.id).await;
    for (rep, before) in [(&honest_rep, &again), (&cheat_rep, &cheat_before)] {
        let (_, now) = app.get(&t.admin, &day_path(rep, &d.date)).await;
        assert_eq!(now["checks_version"], json!(current), "{now}");
        assert_eq!(now["version"], before["version"], "{now}");
        assert_eq!(now["status"], before["status"], "{now}");
    }
    assert_eq!(
        app.store
            .rejudge_outdated(current, "2000-01-01")
            .await
            .unwrap(),
        0
    );
}
