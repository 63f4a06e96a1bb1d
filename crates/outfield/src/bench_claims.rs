//! `outfield bench claims`: how long the period's end takes to generate mileage claims
//! from stored day summaries — what the `claims_generate` job and `outfield claims
//! generate` run — for a tenant of N reps, on a real database. Each run fills a month of
//! its own (one summary per rep and calendar day, as the `track_day` job stores them),
//! then times one generation creating every rep's draft; the median of the runs is the
//! figure. Filling is not timed.

use crate::bench_ingest::{Db, open};
use anyhow::anyhow;
use chrono::{Datelike, NaiveDate};
use claims::Period;
use domain::{EmployeeId, TenantId};
use std::time::Instant;
use storage::{StoredDay, StoredRateTable, StoredRateVersion, StoredVehicle};

pub struct Options {
    pub database_url: Option<String>,
    pub reps: usize,
    pub runs: usize,
}

/// A day summary as `tracking::summary` writes it: three stops and three trips in
/// working hours, `work_km` of them paid, `total_km` in all.
fn summary(date: NaiveDate, work_km: f64, total_km: f64, k: usize) -> String {
    let (lat, lon) = (
        31.2 + (k % 50) as f64 * 0.002,
        121.4 + (k / 50) as f64 * 0.002,
    );
    let at = |h: u32, m: u32| format!("{date}T{h:02}:{m:02}:00+08:00");
    serde_json::json!({
        "date": date.to_string(), "mileage_m": total_km * 1000.0, "work_mileage_m": work_km * 1000.0,
        "stops": [
            {"start": at(9, 30), "end": at(10, 10), "lat": lat, "lon": lon, "duration_s": 2400.0, "radius_m": 20.0},
            {"start": at(11, 0), "end": at(11, 45), "lat": lat + 0.01, "lon": lon, "duration_s": 2700.0, "radius_m": 25.0},
            {"start": at(14, 0), "end": at(14, 50), "lat": lat + 0.01, "lon": lon + 0.01, "duration_s": 3000.0, "radius_m": 18.0},
        ],
        "trips": [
            {"start": at(9, 0), "end": at(9, 30), "distance_m": work_km * 400.0},
            {"start": at(10, 10), "end": at(11, 0), "distance_m": work_km * 300.0},
            {"start": at(11, 45), "end": at(14, 0), "distance_m": work_km * 300.0},
        ],
        "gaps": [], "first_fix": at(8, 55), "last_fix": at(18, 5),
        "fixes_kept": 3000, "fixes_rejected": 12,
    })
    .to_string()
}

/// One summary per rep and calendar day of `period`, written eight at a time.
async fn fill(
    store: &storage::Store,
    tenant: TenantId,
    reps: &[EmployeeId],
    period: Period,
) -> anyhow::Result<usize> {
    let mut work = Vec::new();
    for (k, rep) in reps.iter().enumerate() {
        for date in period.days() {
            let work_km = 20.0 + ((k * 31 + date.day() as usize * 7) % 60) as f64 + 0.123;
            work.push((*rep, date, work_km, work_km + 6.5, k));
        }
    }
    let n = work.len();
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in work.chunks(n.div_ceil(8).max(1)) {
        let (store, chunk) = (store.clone(), chunk.to_vec());
        tasks.spawn(async move {
            for (rep, date, work_km, total_km, k) in chunk {
                store
                    .save_day(
                        tenant,
                        rep,
                        &date.to_string(),
                        &StoredDay {
                            summary_json: summary(date, work_km, total_km, k),
                            mileage_m: total_km * 1000.0,
                            work_mileage_m: work_km * 1000.0,
                            computed_ms: 0,
                        },
                    )
                    .await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(n)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    if !(1..=11).contains(&o.runs) {
        return Err(anyhow!("--runs is 1 to 11 (one month of 2026 each)"));
    }
    let db: Db = open(o.database_url.as_deref()).await?;
    let store = db.store.clone();
    let slug = format!("bench-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let tenant = server::tenants::create_tenant(
        &store,
        &server::tenants::TenantRequest {
            slug: &slug,
            name: "Bench",
            timezone: "Asia/Shanghai",
            admin_username: "admin",
            admin_password: "bench password",
        },
    )
    .await
    .map_err(|e| anyhow!(e.message))?;
    store
        .put_rule(
            tenant,
            "attendance",
            None,
            r#"{"weekdays": [1, 2, 3, 4, 5], "shifts": [{"start": "09:00", "end": "18:00"}]}"#,
        )
        .await?;
    // ¥0.80/km up to 1,000 km in the month, ¥0.60 beyond, ¥80 a day at most.
    let version = serde_json::json!({"version": 1, "effective_from": "2025-01-01",
        "tiers": [{"up_to": 1_000_000, "rate": 80}, {"rate": 60}],
        "daily_cap": {"minor": 8000, "currency": "CNY"}});
    store
        .put_rate_tables(
            tenant,
            &[StoredRateTable {
                id: uuid::Uuid::now_v7(),
                department_id: None,
                vehicle: None,
                currency: "CNY".into(),
                versions: vec![StoredRateVersion {
                    version: 1,
                    effective_from: "2025-01-01".into(),
                    body: version.to_string(),
                }],
            }],
            None,
        )
        .await?
        .map_err(|e| anyhow!("rates refused: {e:?}"))?;
    let root = store.department_links(tenant).await?[0].id;
    let mut reps = Vec::with_capacity(o.reps);
    for r in 0..o.reps {
        let draft = domain::employee::EmployeeDraft {
            name: format!("Rep {r}"),
            username: Some(format!("rep{r}")),
            password: None,
            phone: None,
            email: None,
            employee_no: Some(format!("E{r:05}")),
            department_id: root,
            role: domain::employee::Role::Field,
            active: true,
            start_date: NaiveDate::from_ymd_opt(2025, 1, 1),
            external_id: None,
        };
        let e = store
            .create_employee(tenant, None, None, &draft, None)
            .await?
            .expect("a new id is free");
        store
            .replace_vehicle_history(
                tenant,
                e.id,
                &[StoredVehicle {
                    employee_id: e.id.0,
                    from_date: "2025-01-01".into(),
                    kind: "private_car".into(),
                    plate: None,
                    set_by: None,
                    set_ms: 0,
                }],
                None,
            )
            .await?;
        reps.push(e.id);
    }
    let state = server::AppState::new(store.clone(), server::Config::default());
    println!(
        "outfield bench claims — {}, {} reps × one month of day summaries",
        db.label, o.reps
    );
    let mut seconds = Vec::new();
    for run in 0..o.runs {
        let period: Period = format!("2026-{:02}", run + 1).parse()?;
        let filled = fill(&store, tenant, &reps, period).await?;
        let t0 = Instant::now();
        let made = server::services::claims::generate(&state, tenant, period)
            .await
            .map_err(|e| anyhow!(e.message))?;
        let s = t0.elapsed().as_secs_f64();
        if made.created != o.reps || made.failed != 0 {
            return Err(anyhow!(
                "{period}: {} drafts created, {} failed, of {} reps",
                made.created,
                made.failed,
                o.reps
            ));
        }
        println!(
            "  {period}: {filled} day summaries → {} drafts in {s:.2} s",
            made.created
        );
        seconds.push(s);
    }
    // A second pass over the last month: every draft recomputed, nothing changed.
    let last: Period = format!("2026-{:02}", o.runs).parse()?;
    let t0 = Instant::now();
    let again = server::services::claims::generate(&state, tenant, last)
        .await
        .map_err(|e| anyhow!(e.message))?;
    let rerun = t0.elapsed().as_secs_f64();
    println!(
        "  median of {} runs: {:.2} s ({:.1} ms a rep); re-run over {last}'s {} drafts: {rerun:.2} s",
        o.runs,
        median(seconds.clone()),
        median(seconds) * 1000.0 / o.reps as f64,
        again.updated,
    );
    db.cleanup().await
}
