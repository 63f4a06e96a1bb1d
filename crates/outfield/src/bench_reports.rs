//! `outfield bench reports`: the reports layer on a real database. Generates `reps` field
//! reps in ten departments with 60 customers each and `days` days of history ending
//! yesterday (weekday punches, 6–9 visits with check-outs, day summaries with trips,
//! published plans), written straight into the tables the facts are computed from. Then
//! times: the rebuild of every day but the last, each standard report and the insights
//! over the last 30 days through HTTP (`runs` times each, median and p95), and the
//! nightly refresh of the last day on its own.

use anyhow::{Context, anyhow};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use domain::attendance::local_instant;
use domain::{CustomerId, DepartmentId, EmployeeId, TenantId};
use std::time::Instant;
use storage::Store;
use uuid::Uuid;

pub struct Options {
    pub database_url: Option<String>,
    pub reps: usize,
    pub days: u32,
    pub runs: usize,
}

enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

struct Db {
    store: Store,
    raw: Raw,
    label: String,
    drop_schema: Option<(String, String)>,
    file: Option<std::path::PathBuf>,
}

async fn open(url: Option<&str>) -> anyhow::Result<Db> {
    let tag = uuid::Uuid::new_v4().simple().to_string();
    match url {
        Some(u) if u.starts_with("postgres") => {
            let schema = format!("bench_{tag}");
            let admin = sqlx::PgPool::connect(u)
                .await
                .context("connecting to PostgreSQL")?;
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(&admin)
                .await?;
            admin.close().await;
            let store = Store::connect_postgres_schema(u, &schema).await?;
            let opts: sqlx::postgres::PgConnectOptions = u.parse()?;
            let raw = sqlx::postgres::PgPoolOptions::new()
                .max_connections(2)
                .connect_with(opts.options([("search_path", schema.as_str())]))
                .await?;
            Ok(Db {
                store,
                raw: Raw::Postgres(raw),
                label: "PostgreSQL".into(),
                drop_schema: Some((u.to_owned(), schema)),
                file: None,
            })
        }
        Some(u) => Err(anyhow!(
            "{u}: give a PostgreSQL URL, or none for a fresh SQLite file"
        )),
        None => {
            let path = std::env::temp_dir().join(format!("outfield-bench-{tag}.db"));
            let url = format!("sqlite://{}", path.display());
            let store = Store::connect(&url).await?;
            let raw = sqlx::SqlitePool::connect(&url).await?;
            Ok(Db {
                store,
                raw: Raw::Sqlite(raw),
                label: "SQLite (temp file, WAL)".into(),
                drop_schema: None,
                file: Some(path),
            })
        }
    }
}

/// One value of a generated row.
#[derive(Clone)]
enum V {
    U(Uuid),
    T(String),
    I(i64),
    F(f64),
    NullF,
}

/// Inserts rows of `columns` into `table`, 400 rows a statement, in one transaction.
async fn insert(raw: &Raw, table: &str, columns: &[&str], rows: &[Vec<V>]) -> anyhow::Result<()> {
    macro_rules! run {
        ($pool:expr) => {{
            let mut tx = $pool.begin().await?;
            for chunk in rows.chunks(400) {
                let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
                let mut n = 0;
                let groups: Vec<String> = chunk
                    .iter()
                    .map(|r| {
                        let cells: Vec<String> = r
                            .iter()
                            .map(|_| {
                                n += 1;
                                format!("${n}")
                            })
                            .collect();
                        format!("({})", cells.join(", "))
                    })
                    .collect();
                sql.push_str(&groups.join(", "));
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for r in chunk {
                    for v in r {
                        q = match v {
                            V::U(u) => q.bind(*u),
                            V::T(t) => q.bind(t.clone()),
                            V::I(i) => q.bind(*i),
                            V::F(f) => q.bind(*f),
                            V::NullF => q.bind(None::<f64>),
                        };
                    }
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
        }};
    }
    match raw {
        Raw::Sqlite(p) => run!(p),
        Raw::Postgres(p) => run!(p),
    }
    Ok(())
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn rfc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

struct Generated {
    visits: Vec<Vec<V>>,
    punches: Vec<Vec<V>>,
    tracks: Vec<Vec<V>>,
    plans: Vec<Vec<V>>,
}

/// One rep's days: punches, visits along a route through their customers, the day
/// summary with a trip between each pair of visits, the published plan.
fn rep_days(
    rng: &mut Rng,
    rep: EmployeeId,
    customers: &[(CustomerId, f64, f64)],
    days: &[NaiveDate],
    out: &mut Generated,
) {
    let tz = chrono_tz::Asia::Shanghai;
    for &day in days {
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) || rng.unit() < 0.03 {
            continue;
        }
        let at = |min: i64| local_instant(tz, day, min as u32);
        let clock_in = at(rng.range(8 * 60 + 40, 9 * 60 + 10));
        let clock_out = at(rng.range(18 * 60, 18 * 60 + 40));
        for (kind, t) in [("clock_in", clock_in), ("clock_out", clock_out)] {
            out.punches.push(vec![
                V::U(Uuid::now_v7()),
                V::U(rep.0),
                V::T(kind.into()),
                V::I(t),
                V::T("{}".into()),
                V::I(t),
            ]);
        }
        let n = rng.range(6, 9) as usize;
        let first = rng.range(0, customers.len() as i64 - 1) as usize;
        let today: Vec<&(CustomerId, f64, f64)> = (0..n)
            .map(|i| &customers[(first + i * 7) % customers.len()])
            .collect();
        let planned: Vec<serde_json::Value> = today
            .iter()
            .copied()
            .take(n.saturating_sub(1))
            .chain(customers.get((first + 3) % customers.len()))
            .map(|c| serde_json::json!({"customer_id": c.0}))
            .collect();
        out.plans.push(vec![
            V::U(rep.0),
            V::T(day.to_string()),
            V::T("published".into()),
            V::T(serde_json::Value::Array(planned).to_string()),
            V::F(today[0].1),
            V::F(today[0].2),
            V::F(20.0),
            V::I(clock_in),
            V::I(clock_in),
        ]);
        let mut t = at(9 * 60 + 30);
        let mut trips = Vec::new();
        let mut mileage = 0.0;
        for (i, c) in today.iter().enumerate() {
            let dur = rng.range(10, 40) * 60_000;
            let status = if rng.unit() < 0.9 {
                "within"
            } else {
                "outside"
            };
            out.visits.push(vec![
                V::U(Uuid::now_v7()),
                V::U(rep.0),
                V::U(c.0.0),
                V::T(if i == n - 1 { "ad_hoc" } else { "planned" }.into()),
                V::I(t),
                V::F(c.1),
                V::F(c.2),
                V::T(status.into()),
                V::T("{}".into()),
                V::T("[]".into()),
                V::T("bench".into()),
                V::I(t),
                V::I(t + dur),
                V::T(format!(
                    r#"{{"status":"ok","duration_s":{},"min_duration_s":900}}"#,
                    dur / 1000
                )),
            ]);
            let leave = t + dur;
            let drive = rng.range(10, 30) * 60_000;
            if i + 1 < n {
                let km = rng.range(1500, 6000) as f64;
                mileage += km;
                trips.push(serde_json::json!({"start": rfc(leave), "end": rfc(leave + drive), "distance_m": km}));
            }
            t = leave + drive;
        }
        let summary = serde_json::json!({
            "date": day.to_string(), "mileage_m": mileage + 8000.0, "work_mileage_m": mileage,
            "stops": [], "trips": trips, "gaps": [],
            "first_fix": rfc(clock_in - 600_000), "last_fix": rfc(clock_out + 600_000),
        });
        out.tracks.push(vec![
            V::U(rep.0),
            V::T(day.to_string()),
            V::T(summary.to_string()),
            V::F(mileage + 8000.0),
            V::F(mileage),
            V::I(clock_out),
        ]);
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).ceil() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    let db = open(o.database_url.as_deref()).await?;
    let store = db.store.clone();
    let result = measure(&db, &o).await;
    store.close().await;
    if let Raw::Sqlite(p) = &db.raw {
        p.close().await;
    }
    if let Raw::Postgres(p) = &db.raw {
        p.close().await;
    }
    // `OUTFIELD_BENCH_KEEP=1` leaves the database behind for a look at the query plans.
    if std::env::var_os("OUTFIELD_BENCH_KEEP").is_some() {
        match (&db.drop_schema, &db.file) {
            (Some((_, schema)), _) => println!("kept: schema {schema}"),
            (_, Some(f)) => println!("kept: {}", f.display()),
            _ => {}
        }
        return result;
    }
    if let Some((u, schema)) = &db.drop_schema {
        let admin = sqlx::PgPool::connect(u).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA {schema} CASCADE; DROP SCHEMA IF EXISTS {schema}_reporting CASCADE"
        )))
        .execute(&admin)
        .await?;
        admin.close().await;
    }
    if let Some(f) = &db.file {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
        }
    }
    result
}

async fn measure(db: &Db, o: &Options) -> anyhow::Result<()> {
    let store = &db.store;
    let slug = format!("bench-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let tenant: TenantId = server::tenants::create_tenant(
        store,
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
    let root = store.department_links(tenant).await?[0].id;
    let t0 = Instant::now();
    let mut depts: Vec<DepartmentId> = Vec::new();
    for d in 0..10 {
        let dept = store
            .create_department(
                tenant,
                None,
                None,
                &domain::department::DepartmentDraft {
                    name: format!("Team {d}"),
                    parent_id: Some(root),
                    external_id: None,
                },
            )
            .await?
            .ok_or_else(|| anyhow!("department id taken"))?;
        depts.push(dept.id);
    }
    let tz = chrono_tz::Asia::Shanghai;
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let first = today - Days::new(u64::from(o.days));
    let days: Vec<NaiveDate> = first.iter_days().take(o.days as usize).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut customer_rows = Vec::new();
    let mut g = Generated {
        visits: Vec::new(),
        punches: Vec::new(),
        tracks: Vec::new(),
        plans: Vec::new(),
    };
    let now = server::now_ms();
    for r in 0..o.reps {
        let draft = domain::employee::EmployeeDraft {
            name: format!("Rep {r}"),
            username: Some(format!("rep{r}")),
            password: None,
            phone: None,
            email: None,
            employee_no: None,
            department_id: depts[r % depts.len()],
            role: domain::employee::Role::Field,
            active: true,
            start_date: Some(first - Days::new(30)),
            external_id: None,
        };
        let e = store
            .create_employee(tenant, None, None, &draft, None)
            .await?
            .ok_or_else(|| anyhow!("employee id taken"))?;
        let (hlat, hlon) = (31.0 + rng.unit() * 0.4, 121.2 + rng.unit() * 0.5);
        let mut mine = Vec::new();
        for c in 0..60 {
            let id = CustomerId(Uuid::now_v7());
            let (lat, lon) = (
                hlat + (rng.unit() - 0.5) * 0.08,
                hlon + (rng.unit() - 0.5) * 0.08,
            );
            let level = ["A", "B", "B", "C", "C", "C"][c % 6];
            customer_rows.push(vec![
                V::U(tenant.0),
                V::U(id.0),
                V::T(format!("Shop {r}-{c}")),
                V::F(lat),
                V::F(lon),
                V::T(level.into()),
                V::T("[]".into()),
                V::T("[]".into()),
                V::U(e.id.0),
                V::I(now),
                V::I(now),
                V::T("active".into()),
            ]);
            mine.push((id, lat, lon));
        }
        rep_days(&mut rng, e.id, &mine, &days, &mut g);
    }
    let with_tenant = |rows: Vec<Vec<V>>| -> Vec<Vec<V>> {
        rows.into_iter()
            .map(|mut r| {
                r.insert(0, V::U(tenant.0));
                r
            })
            .collect()
    };
    let raw = &db.raw;
    insert(
        raw,
        "customers",
        &[
            "tenant_id",
            "id",
            "name",
            "lat",
            "lon",
            "level",
            "tags",
            "contacts",
            "owner_id",
            "created_at",
            "updated_at",
            "status",
        ],
        &customer_rows,
    )
    .await?;
    let visits = g.visits.len();
    insert(
        raw,
        "visits",
        &[
            "tenant_id",
            "id",
            "employee_id",
            "customer_id",
            "kind",
            "in_t_ms",
            "in_lat",
            "in_lon",
            "in_status",
            "in_judgement",
            "in_flags",
            "in_digest",
            "in_received_ms",
            "out_t_ms",
            "out_judgement",
        ],
        &with_tenant(g.visits),
    )
    .await?;
    insert(
        raw,
        "attendance_punches",
        &[
            "tenant_id",
            "id",
            "employee_id",
            "kind",
            "t_ms",
            "judgement",
            "received_ms",
        ],
        &with_tenant(g.punches),
    )
    .await?;
    let summaries = g.tracks.len();
    insert(
        raw,
        "track_days",
        &[
            "tenant_id",
            "employee_id",
            "day",
            "summary",
            "mileage_m",
            "work_mileage_m",
            "computed_ms",
        ],
        &with_tenant(g.tracks),
    )
    .await?;
    insert(
        raw,
        "plans",
        &[
            "tenant_id",
            "employee_id",
            "date",
            "status",
            "stops",
            "start_lat",
            "start_lon",
            "km",
            "updated_ms",
            "published_ms",
        ],
        &with_tenant(g.plans),
    )
    .await?;
    let _ = V::NullF;
    println!(
        "{}: {} reps × {} days ({}..{}), {} customers, {visits} visits, {summaries} day summaries (generated and written in {:.1} s)",
        db.label,
        o.reps,
        o.days,
        days[0],
        days[days.len() - 1],
        customer_rows.len(),
        t0.elapsed().as_secs_f64()
    );

    let state = server::AppState::new(store.clone(), server::Config::default());
    let last = days[days.len() - 1];
    let s = Instant::now();
    let rebuilt = server::services::report_facts::rebuild(
        &state,
        tenant,
        (days[0], last.pred_opt().unwrap_or(last)),
    )
    .await
    .map_err(|e| anyhow!(e.message))?;
    let rebuild_s = s.elapsed().as_secs_f64();
    let s = Instant::now();
    let refreshed = server::services::report_facts::refresh_day(&state, tenant, last)
        .await
        .map_err(|e| anyhow!(e.message))?;
    let refresh_s = s.elapsed().as_secs_f64();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(server::serve(
        listener,
        state.clone(),
        std::future::pending(),
    ));
    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(
            &serde_json::json!({"tenant": slug, "username": "admin", "password": "bench password"}),
        )
        .send()
        .await?
        .json()
        .await?;
    let token = login["token"]
        .as_str()
        .ok_or_else(|| anyhow!("login failed: {login}"))?
        .to_owned();
    let (from, to) = (last - Days::new(30), last - Days::new(1));
    let mut paths: Vec<(String, String)> = reports::report::ReportName::ALL
        .iter()
        .map(|n| {
            (
                n.as_str().to_owned(),
                format!(
                    "/api/v1/reports/{}?from={from}&to={to}&limit=5000",
                    n.as_str()
                ),
            )
        })
        .collect();
    paths.push((
        "insights".into(),
        format!("/api/v1/insights?from={from}&to={to}"),
    ));
    paths.push((
        "visit_detail (xlsx)".into(),
        format!("/api/v1/reports/visit_detail?from={from}&to={to}&format=xlsx"),
    ));
    println!(
        "rebuild {}..{}: {} reps, {} person-days, {} customer months: {rebuild_s:.1} s",
        days[0],
        last.pred_opt().unwrap_or(last),
        rebuilt.people,
        rebuilt.person_days,
        rebuilt.customer_months
    );
    println!(
        "refresh of one new day ({last}): {} reps, {} person-days, {} customer months: {refresh_s:.2} s",
        refreshed.people, refreshed.person_days, refreshed.customer_months
    );
    println!(
        "queries over {from}..{to}, {} runs each (HTTP, in-process server):",
        o.runs
    );
    println!(
        "{:<26} {:>8} {:>10} {:>10}",
        "report", "rows", "median ms", "p95 ms"
    );
    for (name, path) in paths {
        let mut times = Vec::with_capacity(o.runs);
        let mut rows = 0;
        for _ in 0..o.runs.max(1) {
            let s = Instant::now();
            let resp = client
                .get(format!("{base}{path}"))
                .bearer_auth(&token)
                .send()
                .await?;
            let status = resp.status();
            let bytes = resp.bytes().await?;
            times.push(s.elapsed().as_secs_f64() * 1000.0);
            if !status.is_success() {
                return Err(anyhow!(
                    "{path}: {status} {}",
                    String::from_utf8_lossy(&bytes)
                ));
            }
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                rows = v["items"].as_array().map_or(0, |a| a.len());
            }
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{name:<26} {rows:>8} {:>10.1} {:>10.1}",
            percentile(&times, 0.5),
            percentile(&times, 0.95)
        );
    }
    Ok(())
}
