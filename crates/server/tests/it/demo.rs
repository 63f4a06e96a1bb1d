//! The demo: loading it plays a (short) history through the API, the demo accounts are
//! listed only with `--demo`, the tenant tracks around the clock, and two servers loading
//! it at once on one database both succeed.

use crate::harness::{Backend, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use server::Config;
use server::demo::{DemoInfo, DemoOptions, load_demo};

const PASSWORD: &str = "demo-pass-123";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    demo_loads_a_living_company(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    demo_loads_a_living_company(Backend::Postgres).await;
}

fn small() -> DemoOptions {
    // Three calendar days always hold a working day; two reps keep a debug build quick.
    DemoOptions {
        history_days: 3,
        history_reps: 2,
        photo_size: (320, 240),
    }
}

async fn demo_loads_a_living_company(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        Config {
            demo: Some(DemoInfo {
                password_hint: Some(PASSWORD.into()),
            }),
            ..Config::default()
        },
    )
    .await;

    // Two servers starting with --demo at once: both succeed, one creates it.
    let opts = small();
    let (a, b) = tokio::join!(
        load_demo(&app.state, PASSWORD, &opts),
        load_demo(&app.state, PASSWORD, &opts)
    );
    let (a, b) = (a.expect("first load"), b.expect("second load"));
    assert_eq!(a.tenant, b.tenant);
    assert!(a.created ^ b.created, "exactly one created the demo");
    let history = a
        .history
        .or(b.history)
        .expect("the creator loaded a history");
    assert!(history.visits > 0 && history.fixes > 0, "{history:?}");
    // The history's report facts are built at load: every visit is in a day's fact, and
    // no facts job is left queued for them.
    let facts = app
        .store
        .person_days(
            a.tenant,
            &storage::PersonDayQuery {
                from: "2000-01-01".into(),
                to: "2999-12-31".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        facts.iter().map(|f| f.visits as u64).sum::<u64>(),
        history.visits as u64,
        "every visit of the history is in a fact"
    );
    let counts = app.store.job_counts(a.tenant).await.unwrap();
    assert!(
        !counts
            .iter()
            .any(|c| c.kind == "report_facts" && c.state == "queued" && c.count > 0),
        "{counts:?}"
    );

    // The accounts, without authentication: the four roles, all in tenant `demo`.
    let (status, accounts) = app
        .call(Method::GET, None, "/api/v1/demo/accounts", None)
        .await;
    assert_eq!(status, StatusCode::OK, "{accounts}");
    let items = accounts["items"].as_array().unwrap();
    for role in ["admin", "manager", "field", "finance"] {
        assert!(
            items
                .iter()
                .any(|i| i["role"] == role && i["tenant"] == "demo"),
            "{role} missing: {accounts}"
        );
    }
    assert_eq!(accounts["password_hint"], PASSWORD);
    // Every listed account logs in with the demo password.
    let mut tokens = std::collections::HashMap::new();
    for i in items {
        let (status, body) = app
            .login("demo", i["username"].as_str().unwrap(), PASSWORD)
            .await;
        assert_eq!(status, StatusCode::OK, "{i}: {body}");
        tokens.insert(
            i["role"].as_str().unwrap().to_owned(),
            body["token"].as_str().unwrap().to_owned(),
        );
    }
    let admin = &tokens["admin"];

    // Every working day of the history has its anti-cheat verdict once the demo loaded.
    let (status, verdicts) = app
        .get(admin, "/api/v1/integrity/days?level=all&limit=500")
        .await;
    assert_eq!(status, StatusCode::OK, "{verdicts}");
    assert_eq!(
        verdicts["items"].as_array().unwrap().len(),
        history.working_days,
        "{verdicts}"
    );

    // Visits with their photos and reports.
    let (status, visits) = app.get(admin, "/api/v1/visits?limit=200").await;
    assert_eq!(status, StatusCode::OK, "{visits}");
    let visits = visits["items"].as_array().unwrap().clone();
    assert_eq!(visits.len(), history.visits);
    let first = visits[0]["id"].as_str().unwrap();
    let (_, one) = app.get(admin, &format!("/api/v1/visits/{first}")).await;
    let photos = one["photos"].as_array().unwrap();
    assert!(!photos.is_empty(), "{one}");
    assert_eq!(photos[0]["capture"], "camera", "{one}");
    assert!(one["report"]["answers"]["facings"].is_number(), "{one}");
    assert!(
        one["check_out"]["duration_s"].as_i64().unwrap() > 0,
        "{one}"
    );
    let (status, jpeg) = app.bytes(admin, photos[0]["url"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);

    // Day summaries with mileage and attendance days for the reps who worked.
    let rep = visits[0]["employee_id"].as_str().unwrap().to_owned();
    let from = (chrono::Utc::now() - chrono::Duration::days(5)).date_naive();
    let to = chrono::Utc::now().date_naive();
    let (_, days) = app
        .get(
            admin,
            &format!("/api/v1/employees/{rep}/days?from={from}&to={to}"),
        )
        .await;
    let km: f64 = days["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{days}"))
        .iter()
        .map(|d| d["mileage_m"].as_f64().unwrap_or(0.0))
        .sum();
    assert!(km > 1_000.0, "{days}");
    let (_, att) = app
        .get(
            admin,
            &format!("/api/v1/attendance/days?employee_id={rep}&from={from}&to={to}"),
        )
        .await;
    assert!(
        att["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["missing_clock_in"] == false && d["status"] != "day_off"),
        "{att}"
    );

    // Requests waiting for a manager.
    let (_, pending) = app
        .get(
            admin,
            &format!(
                "/api/v1/attendance/requests?from={}&to={}&status=pending",
                from - chrono::Duration::days(30),
                to + chrono::Duration::days(30)
            ),
        )
        .await;
    let pending: Vec<Value> = pending["items"].as_array().cloned().unwrap_or_default();
    assert!(
        pending.iter().any(|r| r["kind"] == "correction")
            && pending.iter().any(|r| r["kind"] == "leave"),
        "{pending:?}"
    );

    // Mileage reimbursement: rates and every rep's vehicle from the start; last month's
    // claims generated and moved on (the first rep's paid in a batch, the second's
    // approved with a receipt), so finance finds a living claims screen.
    let fin = &tokens["finance"];
    let (status, rates) = app.get(fin, "/api/v1/mileage-rates").await;
    assert_eq!(status, StatusCode::OK, "{rates}");
    assert!(!rates["tables"].as_array().unwrap().is_empty(), "{rates}");
    let (_, vehicles) = app
        .get(admin, &format!("/api/v1/employees/{rep}/vehicles"))
        .await;
    assert_eq!(
        vehicles["items"].as_array().map(Vec::len),
        Some(1),
        "{vehicles}"
    );
    let last_month = {
        let d = chrono::Utc::now()
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
            .date_naive();
        let first = d - chrono::Duration::days(i64::from(chrono::Datelike::day(&d)));
        format!("{}", first.format("%Y-%m"))
    };
    let (status, claims) = app
        .get(
            fin,
            &format!("/api/v1/claims?period={last_month}&limit=500"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{claims}");
    let claims = claims["items"].as_array().unwrap().clone();
    let with = |st: &str| claims.iter().filter(|c| c["status"] == st).count();
    assert_eq!((with("paid"), with("approved")), (1, 1), "{claims:?}");
    let paid = claims.iter().find(|c| c["status"] == "paid").unwrap();
    let (status, payout) = app
        .get(
            fin,
            &format!("/api/v1/payouts/{}", paid["payout_id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{payout}");
    assert_eq!(payout["total_minor"], paid["total_minor"], "{payout}");
    let (_, payouts) = app.get(fin, "/api/v1/payouts").await;
    assert_eq!(
        payouts["items"].as_array().map(Vec::len),
        Some(1),
        "{payouts}"
    );
    let approved = claims.iter().find(|c| c["status"] == "approved").unwrap();
    let (_, one) = app
        .get(
            fin,
            &format!("/api/v1/claims/{}", approved["id"].as_str().unwrap()),
        )
        .await;
    assert!(one["expenses"][0]["photo_id"].is_string(), "{one}");

    // The tenant tracks around the clock: a fix at 03:00 Shanghai time is kept.
    let field = &tokens["field"];
    // The latest 03:00 that has passed: the test runs at any hour, also just after midnight.
    let now = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
    let day = if chrono::Timelike::hour(&now) >= 3 {
        now.date_naive()
    } else {
        now.date_naive() - chrono::Duration::days(1)
    };
    let three = format!("{day}T03:00:00+08:00");
    let (status, body) = app
        .call(
            Method::POST,
            Some(field),
            "/api/v1/locations",
            Some(&json!({"fixes": [{"t": three, "lat": 31.2304, "lon": 121.4737, "accuracy_m": 8.0}]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["accepted"], 1, "{body}");
    assert_eq!(body["outside_window"], 0, "{body}");

    // While the server runs, reps move on the live map at any hour: movers post fixes
    // through the ingest path and each one's newest position changes between posts.
    let tenant = a.tenant;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let movers = tokio::spawn(server::demo::live::run_movers(
        app.state.clone(),
        tenant,
        2,
        stop_rx,
    ));
    let started = server::now_ms();
    let mut seen: std::collections::HashMap<_, Vec<(f64, f64)>> = Default::default();
    let moving = |seen: &std::collections::HashMap<_, Vec<(f64, f64)>>| {
        seen.values().filter(|p: &&Vec<_>| p.len() >= 2).count()
    };
    for _ in 0..120 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        for f in app.state.store.last_fixes(tenant).await.unwrap() {
            if f.received_ms < started {
                continue;
            }
            let places: &mut Vec<(f64, f64)> = seen.entry(f.employee).or_default();
            if places.last() != Some(&(f.lat, f.lon)) {
                places.push((f.lat, f.lon));
            }
        }
        if moving(&seen) >= 2 {
            break;
        }
    }
    stop_tx.send(true).unwrap();
    movers.await.unwrap();
    assert_eq!(moving(&seen), 2, "two reps moved: {seen:?}");

    // Loading again finds it there and writes nothing.
    let again = load_demo(&app.state, PASSWORD, &small()).await.unwrap();
    assert!(!again.created);
    app.cleanup().await;

    // Without --demo the accounts are not there.
    let plain = TestApp::spawn(backend).await;
    let (status, _) = plain
        .call(Method::GET, None, "/api/v1/demo/accounts", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    plain.cleanup().await;
}
