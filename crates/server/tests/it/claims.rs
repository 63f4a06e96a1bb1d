//! Mileage claims end to end on both engines: day summaries → draft → adjust → expense
//! (receipt reuse flagged) → submit (frozen) → approve → payout → export read back to the
//! fen; a rate change mid-month; a late fix that moves a draft but not a submitted claim;
//! role scoping and another tenant's ids; idempotent retries.

use crate::harness::{TestApp, assert_error, both_backends};
use crate::visits::camera_photo;
use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const SHOP: (f64, f64) = (31.2304, 121.4737);

/// Stores a day summary as the `track_day` job would: `work_km` inside working hours,
/// `total_km` in all.
pub(crate) async fn day(
    app: &TestApp,
    tenant: domain::TenantId,
    rep: &str,
    date: &str,
    work_km: f64,
    total_km: f64,
) {
    let summary = json!({
        "date": date, "mileage_m": total_km * 1000.0, "work_mileage_m": work_km * 1000.0,
        "stops": [{"start": format!("{date}T09:00:00+08:00"), "end": format!("{date}T09:30:00+08:00"),
                   "lat": SHOP.0, "lon": SHOP.1, "duration_s": 1800.0, "radius_m": 20.0}],
        "trips": [{"start": format!("{date}T09:30:00+08:00"), "end": format!("{date}T10:00:00+08:00"),
                   "distance_m": work_km * 1000.0}],
        "gaps": [], "first_fix": format!("{date}T09:00:00+08:00"), "last_fix": format!("{date}T18:00:00+08:00"),
        "fixes_kept": 100, "fixes_rejected": 0,
    });
    app.store
        .save_day(
            tenant,
            domain::EmployeeId(rep.parse().unwrap()),
            date,
            &storage::StoredDay {
                summary_json: summary.to_string(),
                mileage_m: total_km * 1000.0,
                work_mileage_m: work_km * 1000.0,
                computed_ms: 0,
            },
        )
        .await
        .unwrap();
}

fn line<'a>(claim: &'a Value, date: &str) -> &'a Value {
    claim["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["date"] == date)
        .unwrap_or_else(|| panic!("no line {date} in {claim}"))
}

fn rates_body(table: Uuid) -> Value {
    json!({"tables": [{"id": table, "versions": [
        {"version": 1, "effective_from": "2026-01-01", "tiers": [{"rate": 80}]},
        {"version": 2, "effective_from": "2026-09-02", "tiers": [{"rate": 100}]},
        {"version": 3, "effective_from": "2026-11-26", "tiers": [{"rate": 120}]},
    ]}]})
}

/// The 21 working days of November 2026 (Monday 2 – Monday 30) of one tracksim rep
/// (clean fixes: no noise or phone artefacts, so every row is accepted), as the phone
/// sends them.
fn tracksim_november() -> Vec<(String, Vec<Value>)> {
    let cfg = tracksim::Config {
        seed: 14,
        reps: 1,
        days: 21,
        start: "2026-11-02".parse().unwrap(),
        knobs: tracksim::Knobs::clean(),
        ..tracksim::Config::default()
    };
    let city = tracksim::city::City::new(cfg.seed);
    let rep = tracksim::plan::Rep::new(
        &city,
        0,
        &mut tracksim::rng::Dice::new(tracksim::rng::mix(cfg.seed, 1, 0)),
    );
    let phone = tracksim::phone_for(0, &cfg);
    (0..cfg.days)
        .map(|d| {
            let date = tracksim::working_day(cfg.start, d);
            let day = tracksim::simulate_day(&cfg, &city, &rep, &phone, 0, date);
            let fixes = day
                .rows
                .iter()
                .map(|f| {
                    json!({"t": f.t_ms, "lat": f.lat, "lon": f.lon, "accuracy_m": f.accuracy_m,
                           "speed_mps": f.speed_mps, "provider": f.provider.as_str()})
                })
                .collect();
            (date.to_string(), fixes)
        })
        .collect()
}

/// Waits until each of `dates` has a settled summary; answers each day's working-hours
/// metres as the summaries say.
async fn settled_days(app: &TestApp, token: &str, rep: &str, dates: &[String]) -> Vec<f64> {
    let (from, to) = (&dates[0], &dates[dates.len() - 1]);
    for _ in 0..600 {
        let (s, days) = app
            .get(
                token,
                &format!("/api/v1/employees/{rep}/days?from={from}&to={to}"),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{days}");
        let items = days["items"].as_array().unwrap();
        if items.len() == dates.len() && items.iter().all(|d| d["pending"] == false) {
            return dates
                .iter()
                .map(|date| {
                    items
                        .iter()
                        .find(|d| d["date"] == date.as_str())
                        .and_then(|d| d["work_mileage_m"].as_f64())
                        .unwrap_or_else(|| panic!("no summary of {date}: {days}"))
                })
                .collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("the day summaries were not computed within 120 s");
}

both_backends!(
    a_month_from_day_summaries_to_an_exported_payout,
    a_receipt_claimed_twice_shows_duplicate_of
);

async fn a_month_from_day_summaries_to_an_exported_payout(app: &TestApp) {
    let t = app.tenant("acme").await;
    let east = app.department(&t.admin, "East", Some(&t.root_dept)).await;
    let west = app.department(&t.admin, "West", Some(&t.root_dept)).await;
    let rep = app.employee(&t.admin, &east, "rep1", "field").await;
    let other_rep = app.employee(&t.admin, &west, "rep2", "field").await;
    app.employee(&t.admin, &east, "mgr", "manager").await;
    app.employee(&t.admin, &west, "wmgr", "manager").await;
    let fin_id = app.employee(&t.admin, &t.root_dept, "fin", "finance").await;
    app.set_start_date(&t.admin, &rep, "2026-01-01").await;
    let rep_t = app.token("acme", "rep1").await;
    let rep2_t = app.token("acme", "rep2").await;
    let mgr = app.token("acme", "mgr").await;
    let wmgr = app.token("acme", "wmgr").await;
    let fin = app.token("acme", "fin").await;

    // Vehicles and rates: a rep may not set either; a manager sets their rep's vehicle.
    let vehicles =
        json!({"items": [{"from": "2026-01-01", "kind": "private_car", "plate": "沪A·12345"}]});
    let path = format!("/api/v1/employees/{rep}/vehicles");
    let (s, _) = app.put(&rep_t, &path, vehicles.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.put(&wmgr, &path, vehicles.clone()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, b) = app.put(&mgr, &path, vehicles).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = app.get(&rep_t, &path).await;
    assert_eq!(
        (s, b["items"][0]["kind"].clone()),
        (StatusCode::OK, json!("private_car")),
        "{b}"
    );
    let table = Uuid::now_v7();
    let (s, _) = app
        .put(&mgr, "/api/v1/mileage-rates", rates_body(table))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let bad = json!({"tables": [{"id": table, "versions": [
        {"version": 1, "effective_from": "2026-01-01", "tiers": [{"up_to": 5000, "rate": 80}]}]}]});
    let (s, b) = app.put(&fin, "/api/v1/mileage-rates", bad).await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "bad_rate");
    assert_eq!(e["fields"][0]["field"], "tables[0].versions[0]", "{b}");
    let (s, b) = app
        .put(&fin, "/api/v1/mileage-rates", rates_body(table))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // Stored versions are immutable.
    let mut changed = rates_body(table);
    changed["tables"][0]["versions"][1]["tiers"][0]["rate"] = json!(90);
    let (s, b) = app.put(&fin, "/api/v1/mileage-rates", changed).await;
    let e = assert_error(s, &b, StatusCode::CONFLICT, "rate_version_immutable");
    assert_eq!(e["fields"][0]["field"], "tables[0].versions[1]", "{b}");

    // From the phone's fixes: every working day of November, simulated by tracksim and
    // sent to the API in the phone's batches, becomes the days' summaries (the
    // `track_day` job); November's draft pays each day's recorded
    // working-hours kilometres at the rate version in force that day: version 2 (¥1.00 a
    // km) until the 25th, version 3 (¥1.20) from the 26th.
    let month = tracksim_november();
    let mut sent = 0;
    for (_, fixes) in &month {
        for b in fixes.chunks(500) {
            let (s, a) = app
                .post(&rep_t, "/api/v1/locations", json!({"fixes": b}))
                .await;
            assert_eq!(s, StatusCode::OK, "{a}");
            sent += a["accepted"].as_u64().unwrap();
        }
    }
    assert!(sent > 1000, "{sent} fixes accepted");
    let dates: Vec<String> = month.iter().map(|(d, _)| d.clone()).collect();
    assert_eq!(dates.len(), 21);
    let recorded = settled_days(app, &t.admin, &rep, &dates).await;
    let (s, nov) = app
        .post(&rep_t, "/api/v1/claims", json!({"period": "2026-11"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{nov}");
    let mut month_total = 0;
    for (date, work_m) in dates.iter().zip(&recorded) {
        assert!(*work_m > 1000.0, "{date}: {work_m} m recorded");
        let l = line(&nov, date);
        let m = work_m.round() as i64;
        let (version, rate) = if date.as_str() < "2026-11-26" {
            (2, 100)
        } else {
            (3, 120)
        };
        assert_eq!(
            (l["working_m"].clone(), l["rate"]["version"].clone()),
            (json!(m), json!(version)),
            "{l}"
        );
        // Fen per km × metres / 1000, half up to the fen.
        let amount = (m * rate + 500) / 1000;
        assert_eq!(l["amount_minor"], json!(amount), "{date}: {l}");
        month_total += amount;
    }
    assert_eq!(nov["total_minor"], json!(month_total), "{nov}");

    // Three working days of September 2026 (Tue–Thu) and a Saturday with mileage.
    day(app, t.id, &rep, "2026-09-01", 10.0, 12.5).await;
    day(app, t.id, &rep, "2026-09-02", 20.0, 20.0).await;
    day(app, t.id, &rep, "2026-09-03", 5.0, 5.0).await;
    day(app, t.id, &rep, "2026-09-05", 40.0, 40.0).await;

    // The rep creates their own draft; asking again answers the same claim.
    let (s, draft) = app
        .post(&rep_t, "/api/v1/claims", json!({"period": "2026-09"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{draft}");
    let id = draft["id"].as_str().unwrap().to_owned();
    let (s, again) = app
        .post(&rep_t, "/api/v1/claims", json!({"period": "2026-09"}))
        .await;
    assert_eq!((s, again["id"].clone()), (StatusCode::OK, json!(id)));
    // Another rep cannot create one for them; a bad period names the field.
    let (s, b) = app
        .post(
            &rep2_t,
            "/api/v1/claims",
            json!({"employee_id": rep, "period": "2026-09"}),
        )
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(e["fields"][0]["field"], "employee_id");
    let (s, b) = app
        .post(&rep_t, "/api/v1/claims", json!({"period": "2026-13"}))
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "bad_period");
    assert_eq!(e["fields"][0]["field"], "period");

    // Each day at the version in force: 10 km × 0.80, 20 km × 1.00, 5 km × 1.00.
    assert_eq!(draft["lines"].as_array().unwrap().len(), 30, "{draft}");
    let l1 = line(&draft, "2026-09-01");
    assert_eq!(
        (l1["amount_minor"].clone(), l1["rate"]["version"].clone()),
        (json!(800), json!(1))
    );
    assert_eq!(
        (l1["working_m"].clone(), l1["outside_m"].clone()),
        (json!(10_000), json!(2_500))
    );
    assert_eq!(
        (l1["plate"].clone(), l1["trips"].clone()),
        (json!("沪A·12345"), json!(1))
    );
    assert_eq!(line(&draft, "2026-09-02")["rate"]["version"], 2);
    let sat = line(&draft, "2026-09-05");
    assert_eq!(
        (sat["kind"].clone(), sat["amount_minor"].clone()),
        (json!("day_off"), json!(0))
    );
    assert_eq!(draft["total_minor"], 800 + 2000 + 500, "{draft}");

    // A day's anti-cheat verdict shows on its line, and a confirmed one is not paid.
    let verdict = storage::NewVerdict {
        notify: false,
        checks_version: 1,
        level: "likely_cheat".into(),
        score: 5.0,
        reasons_json: "[]".into(),
        signature_json: serde_json::to_string(&integrity::signature(&[])).unwrap(),
    };
    let rep_id = domain::EmployeeId(rep.parse().unwrap());
    let (revision, _) = app
        .store
        .save_verdict(t.id, rep_id, "2026-09-21", &verdict)
        .await
        .unwrap();
    let reviewer = domain::EmployeeId(t.admin_id.parse().unwrap());
    app.store
        .review_verdict(
            t.id,
            rep_id,
            "2026-09-21",
            revision,
            "confirmed",
            None,
            reviewer,
        )
        .await
        .unwrap()
        .unwrap();
    let (s, flagged) = app
        .get(
            &rep_t,
            &format!("/api/v1/claims/{}", draft["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{flagged}");
    let l21 = line(&flagged, "2026-09-21");
    assert_eq!(
        (l21["anti_cheat"].clone(), l21["amount_minor"].clone()),
        (json!("likely_cheat"), json!(0)),
        "{l21}"
    );
    assert!(line(&flagged, "2026-09-01")["anti_cheat"].is_null());
    assert_eq!(flagged["total_minor"], draft["total_minor"]);

    // A late fix moves the draft.
    day(app, t.id, &rep, "2026-09-01", 12.0, 14.0).await;
    let (_, d) = app.get(&rep_t, &format!("/api/v1/claims/{id}")).await;
    assert_eq!(d["total_minor"], 960 + 2000 + 500, "{d}");

    // Adjust a day: the recorded figure stays beside the adjusted one.
    let adjust = format!("/api/v1/claims/{id}/lines/2026-09-03/adjust");
    let (s, b) = app
        .post(&rep_t, &adjust, json!({"meters": 7000, "reason": ""}))
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "bad_text");
    assert_eq!(e["fields"][0]["field"], "reason", "{b}");
    let (s, b) = app
        .post(
            &rep_t,
            &format!("/api/v1/claims/{id}/lines/2026-09-05/adjust"),
            json!({"meters": 1000, "reason": "x"}),
        )
        .await;
    assert_error(
        s,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "adjustment_not_on_working_day",
    );
    let (s, d) = app
        .post(
            &rep_t,
            &adjust,
            json!({"meters": 7000, "reason": "detour to the depot"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let l3 = line(&d, "2026-09-03");
    assert_eq!(
        (
            l3["working_m"].clone(),
            l3["adjusted_m"].clone(),
            l3["amount_minor"].clone()
        ),
        (json!(5000), json!(7000), json!(700)),
        "{l3}"
    );
    assert!(l3["flags"].as_array().unwrap().contains(&json!("adjusted")));

    // Expenses: the receipt photo's reuse is flagged; a retried id stores one row.
    let at = chrono::Utc::now() - chrono::Duration::minutes(5);
    let (s, photo) = app
        .upload(&rep_t, "/api/v1/photos",
            json!({"id": Uuid::now_v7(), "t": at.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1, "capture": "camera",
                   "purpose": "receipt"}),
            camera_photo(21, &at.format("%Y:%m:%d %H:%M:%S").to_string(), SHOP))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{photo}");
    let expenses = format!("/api/v1/claims/{id}/expenses");
    let first = json!({"id": Uuid::now_v7(), "category": "toll", "amount_minor": 1500, "date": "2026-09-02",
                       "photo_id": photo["id"]});
    let (a, b) = tokio::join!(
        app.post(&rep_t, &expenses, first.clone()),
        app.post(&rep_t, &expenses, first.clone())
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CREATED],
        "{} {}",
        a.1,
        b.1
    );
    assert_eq!(a.1["duplicate_of"], Value::Null);
    let mut changed = first.clone();
    changed["amount_minor"] = json!(1600);
    let (s, b) = app.post(&rep_t, &expenses, changed).await;
    assert_error(s, &b, StatusCode::CONFLICT, "id_reused");
    let second = json!({"id": Uuid::now_v7(), "category": "parking", "amount_minor": 1500, "date": "2026-09-03",
                        "photo_id": photo["id"]});
    let (s, dup) = app.post(&rep_t, &expenses, second).await;
    assert_eq!(s, StatusCode::CREATED, "{dup}");
    assert_eq!(dup["duplicate_of"], first["id"], "{dup}");
    let (s, b) = app
        .post(&rep_t, &expenses, json!({"id": Uuid::now_v7(), "category": "fuel", "amount_minor": 0, "date": "2026-09-02"}))
        .await;
    let e = assert_error(
        s,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "amount_not_positive",
    );
    assert_eq!(e["fields"][0]["field"], "amount_minor");

    // Scoping: the rep, their manager and finance read it; others answer 404.
    for token in [&rep2_t, &wmgr] {
        let (s, _) = app.get(token, &format!("/api/v1/claims/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    let (s, list) = app.get(&fin, "/api/v1/claims?period=2026-09").await;
    assert_eq!(
        (s, list["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(1)),
        "{list}"
    );
    // The list carries the recorded distance and the days' anti-cheat counts.
    let item = &list["items"][0];
    assert!(item["recorded_m"].as_i64() > Some(0), "{item}");
    assert!(item["anti_cheat"]["review"].is_u64(), "{item}");
    let (_, list) = app.get(&wmgr, "/api/v1/claims?period=2026-09").await;
    assert_eq!(list["items"], json!([]), "{list}");
    let (_, list) = app.get(&rep2_t, "/api/v1/claims").await;
    assert_eq!(list["items"], json!([]));
    let other = app.tenant("other").await;
    let (s, _) = app.get(&other.admin, &format!("/api/v1/claims/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .post(
            &other.admin,
            &format!("/api/v1/claims/{id}/submit"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, b) = app
        .post(&fin, &format!("/api/v1/claims/{id}/submit"), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let (s, b) = app
        .post(
            &mgr,
            &format!("/api/v1/claims/{id}/decision"),
            json!({"decision": "approved"}),
        )
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "claim_not_submitted");

    // Two steps: the rep's manager, then finance.
    let (s, b) = app
        .put(
            &t.admin,
            "/api/v1/approval-flows/mileage_claim",
            json!({"steps": [{"approvers": {"kind": "manager", "level": 1}, "mode": "any"},
                              {"approvers": {"kind": "people", "ids": [fin_id]}, "mode": "any"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // Submit: frozen. Mileage 960 + 2000 + 700, expenses 3000.
    let (s, sub) = app
        .post(&rep_t, &format!("/api/v1/claims/{id}/submit"), json!({}))
        .await;
    assert_eq!(
        (s, sub["status"].clone()),
        (StatusCode::OK, json!("submitted")),
        "{sub}"
    );
    assert_eq!(sub["total_minor"], 3660 + 3000, "{sub}");
    assert_eq!(sub["diff"]["lines"], json!([]), "{sub}");
    let (s, b) = app
        .post(&rep_t, &adjust, json!({"meters": 9000, "reason": "more"}))
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "claim_not_editable");
    // A late fix shows as a difference, never as a change.
    day(app, t.id, &rep, "2026-09-02", 30.0, 30.0).await;
    let (_, now) = app.get(&fin, &format!("/api/v1/claims/{id}")).await;
    assert_eq!(now["total_minor"], 6660, "{now}");
    assert_eq!(line(&now, "2026-09-02")["amount_minor"], 2000);
    assert_eq!(now["diff"]["lines"][0]["date"], "2026-09-02", "{now}");
    assert_eq!(now["diff"]["total_after"]["minor"], 6660 + 1000, "{now}");

    // Decision: not the rep, not finance, not another department's manager.
    let decision = format!("/api/v1/claims/{id}/decision");
    let (s, _) = app
        .post(&rep_t, &decision, json!({"decision": "approved"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = app
        .post(&fin, &decision, json!({"decision": "approved"}))
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "approval_not_your_turn");
    let (s, _) = app
        .post(&wmgr, &decision, json!({"decision": "approved"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, ok) = app
        .post(
            &mgr,
            &decision,
            json!({"decision": "approved", "comment": "fine"}),
        )
        .await;
    // The manager's approval passes the first step; the claim waits for finance.
    assert_eq!(
        (s, ok["status"].clone()),
        (StatusCode::OK, json!("submitted")),
        "{ok}"
    );
    let (s, b) = app
        .post(&mgr, &decision, json!({"decision": "rejected"}))
        .await;
    assert!(
        s.is_client_error(),
        "the manager decided their step: {s} {b}"
    );
    let (s, ok) = app
        .post(
            &fin,
            &decision,
            json!({"decision": "approved", "comment": "paid next week"}),
        )
        .await;
    assert_eq!(
        (s, ok["status"].clone()),
        (StatusCode::OK, json!("approved")),
        "{ok}"
    );
    let (s, b) = app
        .post(&fin, &decision, json!({"decision": "rejected"}))
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "already_decided");

    // A draft is not payable; the payout is finance's, idempotent, all or nothing.
    let (_, draft2) = app
        .post(
            &t.admin,
            "/api/v1/claims",
            json!({"employee_id": other_rep, "period": "2026-09"}),
        )
        .await;
    let pay = json!({"id": Uuid::now_v7(), "reference": "BANK-2026-09-001", "claim_ids": [id, draft2["id"]]});
    let (s, b) = app.post(&fin, "/api/v1/payouts", pay).await;
    let e = assert_error(s, &b, StatusCode::CONFLICT, "claim_not_approved");
    assert_eq!(e["fields"][0]["field"], "claim_ids[1]");
    let pay = json!({"id": Uuid::now_v7(), "reference": "BANK-2026-09-001", "claim_ids": [id]});
    let (s, _) = app.post(&mgr, "/api/v1/payouts", pay.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, p) = app.post(&fin, "/api/v1/payouts", pay.clone()).await;
    assert_eq!(
        (s, p["total_minor"].clone()),
        (StatusCode::CREATED, json!(6660)),
        "{p}"
    );
    let (s, _) = app.post(&fin, "/api/v1/payouts", pay).await;
    assert_eq!(s, StatusCode::OK);
    let (_, paid) = app.get(&rep_t, &format!("/api/v1/claims/{id}")).await;
    assert_eq!(paid["status"], "paid", "{paid}");
    // The rep is told: a `claim_paid` notification names the claim.
    let mut found = None;
    for _ in 0..100 {
        server::jobs::drain(&app.state, std::time::Duration::from_secs(3600))
            .await
            .unwrap();
        let (s, notes) = app.get(&rep_t, "/api/v1/me/notifications").await;
        assert_eq!(s, StatusCode::OK, "{notes}");
        found = notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == "claim_paid")
            .cloned();
        if found.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let notes = found.expect("a claim_paid notification within 20 s");
    let paid_note = &notes;
    assert_eq!(paid_note["claim_id"], json!(id), "{notes}");
    assert_eq!(paid_note["read_at"], Value::Null, "{notes}");

    // The export, read back: totals equal the claim's to the fen.
    let pid = p["id"].as_str().unwrap();
    let (s, bytes) = app
        .bytes(
            &fin,
            &format!("/api/v1/payouts/{pid}/export?format=xlsx&lang=zh-CN"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    // A summary, one sheet per claim (its rep's name and number), the expenses.
    assert_eq!(
        book.sheet_names(),
        ["汇总", "rep1 name NO-rep1", "费用明细"]
    );
    let fen = |d: &Data| match d {
        Data::Float(f) => (f * 100.0).round() as i64,
        Data::Int(i) => i * 100,
        other => panic!("not a number: {other:?}"),
    };
    let summary: Vec<Vec<Data>> = book
        .worksheet_range("汇总")
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    assert_eq!(summary[1][0], Data::String("rep1 name".into()));
    // Codes are written as words in the sheet's language, never as the API's codes.
    assert_eq!(summary[1][3], Data::String("已付款".into()));
    assert_eq!(fen(&summary[1][13]), 6660);
    assert_eq!(fen(&summary[2][13]), 6660, "the total row");
    let sheet: Vec<Vec<Data>> = book
        .worksheet_range("rep1 name NO-rep1")
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    assert_eq!(sheet[0][15], Data::String("金额".into()), "{:?}", sheet[0]);
    let (total, lines) = sheet[1..].split_last().unwrap();
    assert_eq!(lines.len(), 30, "a line per day of September");
    let mileage: i64 = lines.iter().map(|r| fen(&r[15])).sum();
    assert_eq!(mileage, 3660);
    // The claim sheet's total row, the summary's mileage and the claim agree to the fen.
    assert_eq!(total[0], Data::String("合计".into()));
    assert_eq!(fen(&total[15]), 3660);
    assert_eq!(fen(&summary[1][11]), 3660, "the summary's mileage");
    let kinds: std::collections::BTreeSet<String> =
        lines.iter().map(|r| r[1].to_string()).collect();
    assert!(kinds.contains("工作日"), "{kinds:?}");
    assert!(
        kinds
            .iter()
            .all(|k| ["工作日", "请假", "节假日", "休息日"].contains(&k.as_str())),
        "{kinds:?}"
    );
    assert!(lines.iter().all(|r| r[2] == Data::String("私家车".into())));
    let expenses: Vec<Vec<Data>> = book
        .worksheet_range("费用明细")
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    assert_eq!(expenses[1..].iter().map(|r| fen(&r[3])).sum::<i64>(), 3000);
    assert!(
        expenses[1..]
            .iter()
            .all(|r| ["过路费", "停车费", "油费", "其他"].contains(&r[2].to_string().as_str())),
        "{expenses:?}"
    );
    // Without `lang`, a caller who prefers Chinese gets Chinese.
    server::webhooks::install_tls();
    let res = reqwest::Client::new()
        .get(format!("{}/api/v1/payouts/{pid}/export", app.base))
        .bearer_auth(&fin)
        .header("accept-language", "zh-CN,zh;q=0.9,en;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let book = Xlsx::new(std::io::Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["汇总", "rep1 name NO-rep1", "费用明细"]
    );
    let (s, csv) = app
        .bytes(&fin, &format!("/api/v1/payouts/{pid}/export?format=csv"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8_lossy(&csv).contains("66.60"));
    let (s, j) = app
        .get(&fin, &format!("/api/v1/payouts/{pid}/export?format=json"))
        .await;
    assert_eq!(
        (s, j["total"]["minor"].clone()),
        (StatusCode::OK, json!(6660)),
        "{j}"
    );
    let (s, _) = app
        .get(&other.admin, &format!("/api/v1/payouts/{pid}/export"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The batches: finance lists its tenant's (by period too); managers and reps do not;
    // another tenant sees none of them.
    let (s, list) = app.get(&fin, "/api/v1/payouts").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["items"][0]["id"], json!(pid), "{list}");
    assert_eq!(list["items"][0]["total_minor"], json!(6660), "{list}");
    let (_, none) = app.get(&fin, "/api/v1/payouts?period=2026-10").await;
    assert_eq!(none["items"], json!([]), "{none}");
    let (s, b) = app.get(&fin, "/api/v1/payouts?period=november").await;
    let e = assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(e["fields"][0]["field"], "period", "{b}");
    for who in [&mgr, &rep_t] {
        let (s, _) = app.get(who, "/api/v1/payouts").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    let (_, theirs) = app.get(&other.admin, "/api/v1/payouts").await;
    assert_eq!(theirs["items"], json!([]), "{theirs}");
}

/// Receipts go through the photo pipeline with purpose `receipt`: no visit needed, hashed
/// and compared across the tenant, so the same receipt claimed again — the same file, or
/// another rep's re-encoded, half-size copy — shows `duplicate_of` the first expense.
async fn a_receipt_claimed_twice_shows_duplicate_of(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let rep2 = app.employee(&t.admin, &t.root_dept, "rep2", "field").await;
    app.employee(&t.admin, &t.root_dept, "fin", "finance").await;
    let (rep_t, rep2_t, fin) = (
        app.token("acme", "rep1").await,
        app.token("acme", "rep2").await,
        app.token("acme", "fin").await,
    );
    let (s, b) = app
        .put(&fin, "/api/v1/mileage-rates", rates_body(Uuid::now_v7()))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let mut claims = Vec::new();
    for (token, who) in [(&rep_t, &rep), (&rep2_t, &rep2)] {
        let (s, b) = app
            .put(
                &t.admin,
                &format!("/api/v1/employees/{who}/vehicles"),
                json!({"items": [{"from": "2026-01-01", "kind": "private_car"}]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (s, c) = app
            .post(token, "/api/v1/claims", json!({"period": "2026-09"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        claims.push(format!(
            "/api/v1/claims/{}/expenses",
            c["id"].as_str().unwrap()
        ));
    }
    let at = chrono::Utc::now() - chrono::Duration::minutes(5);
    let taken = at.format("%Y:%m:%d %H:%M:%S").to_string();
    let upload = |token: String, meta: Value, bytes: Vec<u8>| async move {
        let (s, p) = app.upload(&token, "/api/v1/photos", meta, bytes).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        p
    };
    let meta = |purpose: Option<&str>| {
        let mut m = json!({"id": Uuid::now_v7(), "t": at.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1,
                           "capture": "camera"});
        if let Some(p) = purpose {
            m["purpose"] = json!(p);
        }
        m
    };
    let expense = |photo: &Value, amount: i64| {
        json!({"id": Uuid::now_v7(), "category": "parking", "amount_minor": amount, "date": "2026-09-02",
               "photo_id": photo["id"]})
    };

    // A receipt needs no visit and is stored as one.
    let receipt = upload(
        rep_t.clone(),
        meta(Some("receipt")),
        camera_photo(31, &taken, SHOP),
    )
    .await;
    assert_eq!(receipt["purpose"], "receipt", "{receipt}");
    let (s, first) = app.post(&rep_t, &claims[0], expense(&receipt, 2500)).await;
    assert_eq!(
        (s, first["duplicate_of"].clone()),
        (StatusCode::CREATED, Value::Null),
        "{first}"
    );

    // A clock-in photo is not a receipt; a visit's photo cannot be declared one; an
    // unknown purpose names the field.
    let punch_photo = upload(rep_t.clone(), meta(None), camera_photo(32, &taken, SHOP)).await;
    assert_eq!(punch_photo["purpose"], "attendance");
    let (s, b) = app
        .post(&rep_t, &claims[0], expense(&punch_photo, 100))
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(e["fields"][0]["field"], "photo_id", "{b}");
    let (s, b) = app
        .upload(
            &rep_t,
            "/api/v1/photos",
            meta(Some("selfie")),
            camera_photo(33, &taken, SHOP),
        )
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(e["fields"][0]["field"], "meta.purpose", "{b}");
    let (s, b) = app
        .upload(
            &rep_t,
            &format!("/api/v1/visits/{}/photos", Uuid::now_v7()),
            meta(Some("receipt")),
            camera_photo(33, &taken, SHOP),
        )
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(e["fields"][0]["field"], "meta.purpose", "{b}");
    // Another rep cannot claim someone else's receipt photo.
    let (s, b) = app.post(&rep2_t, &claims[1], expense(&receipt, 2500)).await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(e["fields"][0]["field"], "photo_id", "{b}");

    // The same file uploaded again as a new receipt and claimed again.
    let again = upload(
        rep_t.clone(),
        meta(Some("receipt")),
        camera_photo(31, &taken, SHOP),
    )
    .await;
    let (s, dup) = app.post(&rep_t, &claims[0], expense(&again, 2500)).await;
    assert_eq!(
        (s, dup["duplicate_of"].clone()),
        (StatusCode::CREATED, first["id"].clone()),
        "{dup}"
    );

    // Another rep's photo of it: re-encoded at half size, without EXIF.
    use crate::photo_support::{half, jpeg, png, scene};
    let copy = png(&half(
        &image::load_from_memory(&jpeg(&scene(31, 640, 480), 70))
            .unwrap()
            .to_rgb8(),
    ));
    let theirs = upload(
        rep2_t.clone(),
        json!({"id": Uuid::now_v7(), "t": at.to_rfc3339(), "purpose": "receipt"}),
        copy,
    )
    .await;
    assert!(
        theirs["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "photo_reused"),
        "{theirs}"
    );
    let (s, dup2) = app.post(&rep2_t, &claims[1], expense(&theirs, 2500)).await;
    assert_eq!(
        (s, dup2["duplicate_of"].clone()),
        (StatusCode::CREATED, first["id"].clone()),
        "{dup2}"
    );
    // A different receipt is not a duplicate.
    let other = upload(
        rep2_t.clone(),
        meta(Some("receipt")),
        camera_photo(34, &taken, SHOP),
    )
    .await;
    let (s, fresh) = app.post(&rep2_t, &claims[1], expense(&other, 900)).await;
    assert_eq!(
        (s, fresh["duplicate_of"].clone()),
        (StatusCode::CREATED, Value::Null),
        "{fresh}"
    );
    // The claim's view shows them as its expenses do.
    let (_, claim) = app.get(&rep2_t, &claims[1].replace("/expenses", "")).await;
    let dups: Vec<Value> = claim["expenses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["duplicate_of"].clone())
        .collect();
    assert_eq!(dups, [first["id"].clone(), Value::Null], "{claim}");
}
