//! The demo's last 30 days, played through the API as they would have happened: each
//! rep's phone posts its fixes, clocks in and out, checks in and out at shops with a
//! photo and a report; the rep on leave asks for it and their manager approves; a
//! forgotten clock-out becomes a correction request; managers plan and publish the
//! days. The replayed clock ([`crate::clock`]) makes the server receive each action at
//! the time it happened, so its judgements and evidence are the real ones.

use super::DemoOptions;
use super::client::Client;
use super::company::Created;
use crate::clock::{replaying, set_replay_now};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use ::demo::history::{DayTrace, History, HistoryOptions, PendingRequest, trace_day};
use ::demo::picture::{TakenAt, shop_front_jpeg};
use ::demo::{DemoCompany, DemoRole};
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, SecondsFormat, Timelike};
use domain::EmployeeId;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

/// What loading the history wrote.
#[derive(Clone, Debug, Default)]
pub struct HistoryCounts {
    pub working_days: usize,
    pub fixes: u64,
    pub visits: usize,
    pub photos: usize,
    pub punches: usize,
    pub requests: usize,
    pub plan_days: usize,
    /// Last month's mileage claims, and the seconds making them took.
    pub claims: usize,
    pub claims_seconds: f64,
    pub seconds: f64,
}

impl HistoryCounts {
    fn add(&mut self, o: &HistoryCounts) {
        self.working_days += o.working_days;
        self.fixes += o.fixes;
        self.visits += o.visits;
        self.photos += o.photos;
        self.punches += o.punches;
    }
}

/// Shanghai's offset; the demo tenant's zone has no daylight saving.
fn offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// An instant as the phone writes it: local time with its offset.
pub(super) fn text(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&offset())
        .to_rfc3339_opts(SecondsFormat::Millis, false)
}

fn taken(ms: i64) -> TakenAt {
    let t = DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&offset());
    TakenAt {
        year: t.year(),
        month: t.month(),
        day: t.day(),
        hour: t.hour(),
        minute: t.minute(),
        second: t.second(),
        offset_min: 480,
    }
}

/// A stable id per demo action, so the same history always has the same ids.
pub(super) fn id(what: &str) -> Uuid {
    let h = crate::actions::sha256_hex(format!("outfield-demo:{what}").as_bytes());
    let mut b = [0u8; 16];
    for (i, byte) in b.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&h[2 * i..2 * i + 2], 16).unwrap_or(0);
    }
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    Uuid::from_bytes(b)
}

/// The phone's self-description; its clock says it sent the action right away.
fn device(username: &str, sent_ms: i64, mock: bool) -> Value {
    let mut d = json!({"id": format!("demo-{username}"), "platform": "android",
                       "app_version": "1.4.2", "clock": text(sent_ms)});
    if mock {
        d["mock_location"] = json!(true);
    }
    d
}

struct Shared {
    state: AppState,
    company: DemoCompany,
    history: History,
    made: Created,
    photo_size: (u32, u32),
}

pub(super) async fn load(
    state: &AppState,
    company: &DemoCompany,
    made: &Created,
    opts: &DemoOptions,
) -> ApiResult<HistoryCounts> {
    let started = Instant::now();
    let _facts_later = state.jobs.hold(storage::REPORT_FACTS_JOB);
    // The history's actions queue no facts jobs: the pass at the end builds every day.
    let _no_facts_jobs = state.store.defer_report_facts();
    let tz = crate::tracking::schedule_cache::parse_tz(company.timezone);
    let today = domain::tracking::local_date(tz, crate::now_ms());
    let history = ::demo::history::history(
        company,
        &HistoryOptions {
            seed: ::demo::DEFAULT_SEED,
            last_day: today - Duration::days(1),
            days: opts.history_days,
            reps: opts.history_reps,
        },
    );
    let shared = Arc::new(Shared {
        state: state.clone(),
        company: company.clone(),
        history,
        made: Created {
            tenant: made.tenant,
            departments: made.departments.clone(),
            people: made.people.clone(),
            customers: made.customers.clone(),
        },
        photo_size: opts.photo_size,
    });

    // Reps work in parallel (their requests interleave as real phones' would); a day's
    // simulation and photos are drawn off the async threads.
    let mut counts = HistoryCounts::default();
    let mut tasks = tokio::task::JoinSet::new();
    // 4, 8 or 16 phones at once load equally fast: the one SQLite writer sets the pace.
    let permits = Arc::new(tokio::sync::Semaphore::new(8));
    for ri in 0..shared.history.reps.len() {
        let (s, permits) = (shared.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.map_err(ApiError::internal)?;
            rep_history(s, ri).await
        });
    }
    while let Some(done) = tasks.join_next().await {
        counts.add(&done.map_err(ApiError::internal)??);
    }
    let phase = |name: &str| {
        let writer = storage::writer_stats();
        tracing::info!(
            phase = name,
            writer_busy_s = writer.busy_s,
            writer_wait_s = writer.wait_s,
            writer_turns = writer.turns,
            seconds = started.elapsed().as_secs_f64(),
            "demo history phase done"
        )
    };
    phase("reps");
    // The replay wrote photo files without a sync each; one sync makes them all durable.
    let photos = state.photos.clone();
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(photos.root())?;
        crate::photo_files::sync_filesystem(photos.root())
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    counts.requests = requests(&shared).await?;
    counts.plan_days = plans(&shared).await?;
    phase("requests and plans");
    // The summaries of every day with fixes, now rather than when their jobs fall due,
    // so the demo is complete when the server starts answering. Report facts are left
    // for one pass at the end: a job per rep-day (several per day as its inputs arrived)
    // would recompute each day many times over.
    crate::jobs::drain_except(
        state,
        std::time::Duration::from_secs(120),
        Some(storage::REPORT_FACTS_JOB),
    )
    .await?;
    phase("jobs drained");
    // A replayed day is judged against the day it copies; its verdict may have been made
    // before that day's signature was stored, so it is made again now.
    for rep in &shared.history.reps {
        for day in &rep.days {
            if let Some(::demo::history::Cheat::Replay { .. }) = day.cheat {
                let who = shared.made.people[rep.employee];
                crate::services::integrity_day::recompute(state, made.tenant, who, day.date)
                    .await?;
            }
        }
    }
    let reps: Vec<usize> = shared.history.reps.iter().map(|r| r.employee).collect();
    let claims_started = Instant::now();
    counts.claims = super::claims::last_month(state, company, &shared.made, &reps, today).await?;
    counts.claims_seconds = claims_started.elapsed().as_secs_f64();
    phase("claims");
    // Every input is stored now: the report facts of the history in one pass, and the
    // jobs queued for them are done by it.
    let first = shared
        .history
        .reps
        .iter()
        .flat_map(|r| r.days.iter().map(|d| d.date))
        .min();
    if let Some(first) = first {
        let facts_started = std::time::Instant::now();
        let done =
            crate::services::report_facts::rebuild(state, made.tenant, (first, today)).await?;
        state
            .store
            .drop_queued_jobs(made.tenant, storage::REPORT_FACTS_JOB)
            .await?;
        tracing::info!(
            ?done,
            seconds = facts_started.elapsed().as_secs_f64(),
            "demo report facts built"
        );
    }
    counts.seconds = started.elapsed().as_secs_f64();
    tracing::info!(?counts, "demo history loaded");
    Ok(counts)
}

async fn rep_history(s: Arc<Shared>, ri: usize) -> ApiResult<HistoryCounts> {
    let rep = &s.history.reps[ri];
    let who = s.made.people[rep.employee];
    let username = s.company.employees[rep.employee].username.clone();
    let client = Client::new(&s.state, s.made.tenant, who).await?;
    let mut counts = HistoryCounts::default();
    for di in 0..rep.days.len() {
        let sim = s.clone();
        let (trace, photos) = tokio::task::spawn_blocking(move || {
            let rep = &sim.history.reps[ri];
            let trace = trace_day(&sim.company, rep, &rep.days[di]);
            let (w, h) = sim.photo_size;
            let photos: Vec<Vec<u8>> = trace
                .visits
                .iter()
                .map(|v| shop_front_jpeg(v.photo_seed, w, h, taken(v.photo.t_ms)))
                .collect();
            (trace, photos)
        })
        .await
        .map_err(ApiError::internal)?;
        let key = format!("{}:{}", rep.employee, rep.days[di].date);
        let day = replaying(
            trace.clock_in.t_ms,
            play_day(&client, &s, &username, &key, trace, photos),
        )
        .await?;
        counts.add(&day);
    }
    client.close().await?;
    Ok(counts)
}

/// A fix as the field app uploads it (typed rather than a JSON map per fix: the history
/// sends 700,000 of them).
#[derive(serde::Serialize)]
struct FixJson {
    t: i64,
    lat: f64,
    lon: f64,
    accuracy_m: f64,
    speed_mps: Option<f64>,
    bearing_deg: Option<f64>,
    altitude_m: Option<f64>,
    provider: &'static str,
    mock: bool,
}

#[derive(serde::Serialize)]
struct FixUpload<'a> {
    fixes: &'a [FixJson],
}

async fn play_day(
    client: &Client,
    s: &Shared,
    username: &str,
    key: &str,
    trace: DayTrace,
    photos: Vec<Vec<u8>>,
) -> ApiResult<HistoryCounts> {
    let mut c = HistoryCounts {
        working_days: 1,
        ..Default::default()
    };
    // The phone uploads its fixes as it goes, a thousand at most per request.
    for chunk in trace.fixes.chunks(1000) {
        let last = chunk.last().map_or(0, |f| f.t_ms);
        set_replay_now(last + 5_000);
        let fixes: Vec<FixJson> = chunk
            .iter()
            .map(|f| FixJson {
                t: f.t_ms,
                lat: f.lat,
                lon: f.lon,
                accuracy_m: f.accuracy_m,
                speed_mps: f.speed_mps,
                bearing_deg: f.bearing_deg,
                altitude_m: f.altitude_m,
                provider: f.provider.as_str(),
                mock: f.mock,
            })
            .collect();
        let answer = client
            .post("/api/v1/locations", &FixUpload { fixes: &fixes })
            .await?;
        c.fixes += answer["accepted"].as_u64().unwrap_or(0);
    }

    // Clock in where the rep is.
    let ci = trace.clock_in;
    set_replay_now(ci.t_ms + 2_000);
    client
        .post(
            "/api/v1/attendance/clock-in",
            &json!({"id": id(&format!("{key}:clock-in")), "t": text(ci.t_ms), "lat": ci.lat,
                    "lon": ci.lon, "accuracy_m": ci.accuracy_m,
                    "device": device(username, ci.t_ms + 2_000, false)}),
        )
        .await?;
    c.punches += 1;

    for (k, (v, jpeg)) in trace.visits.iter().zip(photos).enumerate() {
        let visit = id(&format!("{key}:visit:{k}"));
        let act = |a: &demo::history::Act, mock: bool| {
            json!({"t": text(a.t_ms), "lat": a.lat, "lon": a.lon, "accuracy_m": a.accuracy_m,
                   "device": device(username, a.t_ms + 2_000, mock)})
        };
        set_replay_now(v.check_in.t_ms + 2_000);
        let mut body = act(&v.check_in, v.mock_device);
        body["id"] = json!(visit);
        body["customer_id"] = json!(s.made.customers[v.customer]);
        body["planned"] = json!(true);
        client.post("/api/v1/visits", &body).await?;

        set_replay_now(v.photo.t_ms + 2_000);
        let photo = id(&format!("{key}:visit:{k}:photo"));
        let mut meta = act(&v.photo, false);
        meta["id"] = json!(photo);
        meta["lang"] = json!("zh");
        // Taken with the app's camera, as the field app marks its live captures.
        meta["capture"] = json!("camera");
        client
            .upload(&format!("/api/v1/visits/{visit}/photos"), &meta, jpeg)
            .await?;
        c.photos += 1;

        set_replay_now(v.report_t_ms + 2_000);
        let mut answers = json!({"facings": v.facings, "out_of_stock": v.out_of_stock,
                                 "competitors": v.competitors, "shelf_photo": [photo]});
        if let Some(r) = v.remark {
            answers["remark"] = json!(r);
        }
        client
            .put(
                &format!("/api/v1/visits/{visit}/report"),
                &json!({"id": id(&format!("{key}:visit:{k}:report")), "answers": answers,
                        "t": text(v.report_t_ms),
                        "device": device(username, v.report_t_ms + 2_000, false)}),
            )
            .await?;

        set_replay_now(v.check_out.t_ms + 2_000);
        let mut body = act(&v.check_out, false);
        body["id"] = json!(id(&format!("{key}:visit:{k}:check-out")));
        client
            .post(&format!("/api/v1/visits/{visit}/check-out"), &body)
            .await?;
        c.visits += 1;
    }

    if let Some(co) = trace.clock_out {
        set_replay_now(co.t_ms + 2_000);
        client
            .post(
                "/api/v1/attendance/clock-out",
                &json!({"id": id(&format!("{key}:clock-out")), "t": text(co.t_ms), "lat": co.lat,
                        "lon": co.lon, "accuracy_m": co.accuracy_m,
                        "device": device(username, co.t_ms + 2_000, false)}),
            )
            .await?;
        c.punches += 1;
    }
    Ok(c)
}

/// The manager of a rep's department (the root department's for anyone else).
pub(super) fn manager_of(company: &DemoCompany, employee: usize) -> usize {
    let dept = company.employees[employee].department;
    company
        .employees
        .iter()
        .position(|e| e.role == DemoRole::Manager && e.department == dept)
        .or_else(|| {
            company
                .employees
                .iter()
                .position(|e| e.role == DemoRole::Manager)
        })
        .expect("the demo has managers")
}

fn local_ms(date: NaiveDate, h: u32, m: u32) -> i64 {
    date.and_hms_opt(h, m, 0)
        .expect("valid time")
        .and_utc()
        .timestamp_millis()
        - 8 * 3_600_000
}

/// The approved leave (asked a week ahead, approved the next morning) and the requests
/// still waiting.
async fn requests(s: &Shared) -> ApiResult<usize> {
    let (state, tenant) = (&s.state, s.made.tenant);
    let person = |e: usize| -> EmployeeId { s.made.people[e] };
    let leave = &s.history.leave;
    let asked = local_ms(leave.from - Duration::days(7), 20, 15);
    let rep = Client::new(state, tenant, person(leave.employee)).await?;
    let request = id(&format!("leave:{}:{}", leave.employee, leave.from));
    replaying(asked, async {
        rep.post(
            "/api/v1/attendance/leave",
            &json!({"id": request, "from": leave.from.to_string(), "to": leave.to.to_string(),
                    "leave_type": "annual", "reason": "回老家办事"}),
        )
        .await
    })
    .await?;
    rep.close().await?;
    let boss = Client::new(
        state,
        tenant,
        person(manager_of(&s.company, leave.employee)),
    )
    .await?;
    replaying(asked + 13 * 3_600_000, async {
        boss.post(
            &format!("/api/v1/attendance/requests/{request}/decision"),
            &json!({"status": "approved"}),
        )
        .await
    })
    .await?;
    boss.close().await?;
    let mut n = 1;
    for p in &s.history.pending {
        let (who, path, body, at) = match p {
            PendingRequest::Correction {
                employee,
                date,
                hour,
                minute,
            } => (
                *employee,
                "/api/v1/attendance/corrections",
                json!({"id": id(&format!("correction:{employee}:{date}")), "kind": "clock_out",
                       "t": text(local_ms(*date, *hour, *minute)), "reason": "忘记下班打卡，18点后离开门店"}),
                local_ms(*date, 21, 30),
            ),
            PendingRequest::Leave { employee, from, to } => (
                *employee,
                "/api/v1/attendance/leave",
                json!({"id": id(&format!("leave:{employee}:{from}")), "from": from.to_string(),
                       "to": to.to_string(), "leave_type": "personal", "reason": "孩子开家长会"}),
                crate::now_ms() - 3_600_000,
            ),
        };
        let client = Client::new(state, tenant, person(who)).await?;
        replaying(at, client.post(path, &body)).await?;
        client.close().await?;
        n += 1;
    }
    Ok(n)
}

/// The plans: every past working day as it was visited, published; the coming week's
/// days drafted, published for 浦东 and left as drafts for 浦西 to show both.
async fn plans(s: &Shared) -> ApiResult<usize> {
    let admin = s
        .company
        .employees
        .iter()
        .position(|e| e.role == DemoRole::Admin)
        .expect("the demo has an admin");
    let client = Arc::new(Client::new(&s.state, s.made.tenant, s.made.people[admin]).await?);
    let put = |rep: usize, date: NaiveDate, shops: &[usize]| {
        let ids: Vec<_> = shops.iter().map(|&i| s.made.customers[i]).collect();
        let path = format!("/api/v1/plans/{}/{date}", s.made.people[rep]);
        (path, json!({"customer_ids": ids}))
    };
    let h = &s.history;
    // The managers plan their reps' days side by side, a rep's days in order.
    let mut tasks = tokio::task::JoinSet::new();
    for r in &h.reps {
        let days: Vec<(i64, String, Value)> = r
            .days
            .iter()
            .map(|d| {
                let (path, body) = put(r.employee, d.date, &d.shops);
                (local_ms(d.date, 7, 30) - 86_400_000, path, body)
            })
            .collect();
        let client = client.clone();
        tasks.spawn(async move {
            for (at, path, body) in &days {
                replaying(*at, client.put(path, body)).await?;
            }
            ApiResult::Ok(days.len())
        });
    }
    let mut n = 0;
    while let Some(done) = tasks.join_next().await {
        n += done.map_err(ApiError::internal)??;
    }
    for dept in &s.made.departments[1..] {
        client
            .post(
                "/api/v1/plans/publish",
                &json!({"department_id": dept, "from": h.first_day.to_string(),
                        "to": h.last_day.to_string()}),
            )
            .await?;
    }
    for p in &h.upcoming {
        let (path, body) = put(p.employee, p.date, &p.shops);
        client.put(&path, &body).await?;
        n += 1;
    }
    let from = h.last_day + Duration::days(1);
    for (i, dept) in s.made.departments.iter().enumerate() {
        let published = h
            .upcoming
            .iter()
            .any(|p| p.published && s.company.employees[p.employee].department == i);
        if published {
            client
                .post(
                    "/api/v1/plans/publish",
                    &json!({"department_id": dept, "from": from.to_string(),
                            "to": (from + Duration::days(7)).to_string()}),
                )
                .await?;
        }
    }
    Arc::into_inner(client)
        .ok_or_else(|| ApiError::internal("a plan task still holds the client"))?
        .close()
        .await?;
    Ok(n)
}
