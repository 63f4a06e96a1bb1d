//! `outfield bench ingest`: how many fixes per second the HTTP ingest path accepts and
//! commits, and how long requests take, measured against an in-process server on a real
//! database. Bodies are serialised before the clock starts, so the figures are the
//! server's (parsing, validation, group commit, summaries running alongside).

use anyhow::{Context, anyhow};
use server::auth::tokens::{self, TokenKind};
use std::sync::Arc;
use std::time::{Duration, Instant};
use storage::Store;
use tokio::sync::Semaphore;

pub struct Options {
    pub database_url: Option<String>,
    pub batch: usize,
    pub requests: usize,
    pub concurrency: usize,
    pub rate: Option<f64>,
    pub reps: usize,
    pub servers: usize,
}

/// A database to measure: a throwaway PostgreSQL schema, a given URL, or a temporary
/// SQLite file; [`Db::cleanup`] removes what was made for the run.
pub(crate) struct Db {
    pub store: Store,
    pub label: String,
    drop_schema: Option<(String, String)>,
    file: Option<std::path::PathBuf>,
}

impl Db {
    /// Drops the throwaway schema or deletes the temporary file. The store stays open:
    /// a server's background tasks may still hold it until exit.
    pub async fn cleanup(self) -> anyhow::Result<()> {
        if let Some((u, schema)) = self.drop_schema {
            let admin = sqlx::PgPool::connect(&u).await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA {schema} CASCADE; DROP SCHEMA IF EXISTS {schema}_reporting CASCADE"
            )))
            .execute(&admin)
            .await?;
        }
        if let Some(p) = self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
            }
        }
        Ok(())
    }
}

pub(crate) async fn open(url: Option<&str>) -> anyhow::Result<Db> {
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
            Ok(Db {
                store,
                label: "PostgreSQL".into(),
                drop_schema: Some((u.to_owned(), schema)),
                file: None,
            })
        }
        Some(u) => Ok(Db {
            store: Store::connect(u).await?,
            label: format!("SQLite ({u})"),
            drop_schema: None,
            file: None,
        }),
        None => {
            let path = std::env::temp_dir().join(format!("outfield-bench-{tag}.db"));
            let store = Store::connect(&format!("sqlite://{}", path.display())).await?;
            Ok(Db {
                store,
                label: "SQLite (temp file, WAL)".into(),
                drop_schema: None,
                file: Some(path),
            })
        }
    }
}

/// One rep's batch: a random walk around Shanghai, one fix a second, from `t0`.
fn body(rep: usize, t0: i64, n: usize) -> Vec<u8> {
    let mut fixes = Vec::with_capacity(n);
    let (mut lat, mut lon) = (
        31.2 + (rep % 10) as f64 * 0.01,
        121.4 + (rep / 10 % 10) as f64 * 0.01,
    );
    let mut seed = (rep as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ t0 as u64;
    for i in 0..n {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        lat += ((seed % 21) as f64 - 10.0) * 1e-6;
        lon += ((seed / 21 % 21) as f64 - 10.0) * 1e-6;
        fixes.push(serde_json::json!({"t": t0 + i as i64 * 1000, "lat": lat, "lon": lon, "accuracy_m": 6.0 + (seed % 10) as f64,
            "speed_mps": (seed % 15) as f64, "provider": "gps"}));
    }
    serde_json::to_vec(&serde_json::json!({ "fixes": fixes })).unwrap_or_default()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    let db = open(o.database_url.as_deref()).await?;
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
    // Keep every fix whatever the wall clock says, so the figures do not depend on the hour.
    let rule = domain::tracking::TrackingRule {
        keep_outside_windows: true,
        ..Default::default()
    };
    store.put_tracking_rule(tenant, None, &rule).await?;
    let root = store.department_links(tenant).await?[0].id;
    let now = server::now_ms();
    let mut tokens_by_rep = Vec::new();
    let mut rep_ids = Vec::new();
    for r in 0..o.reps {
        let draft = domain::employee::EmployeeDraft {
            name: format!("Rep {r}"),
            username: Some(format!("rep{r}")),
            password: None,
            phone: None,
            email: None,
            employee_no: None,
            department_id: root,
            role: domain::employee::Role::Field,
            active: true,
            start_date: None,
            external_id: None,
        };
        let e = store
            .create_employee(tenant, None, None, &draft, None)
            .await?
            .expect("a new id is free");
        let token = tokens::new_token(TokenKind::Session, tenant);
        store
            .create_session(
                tenant,
                &tokens::hash(&token),
                e.id,
                now,
                now + 86_400_000,
                None,
            )
            .await?;
        tokens_by_rep.push(token);
        rep_ids.push(e.id);
    }
    // Each server has its own pool and job worker, as separate processes would.
    let mut urls = Vec::new();
    for i in 0..o.servers.max(1) {
        let own = match (&db.drop_schema, i) {
            (_, 0) => store.clone(),
            (Some((u, schema)), _) => Store::connect_postgres_schema(u, schema).await?,
            (None, _) => {
                return Err(anyhow!(
                    "several servers need PostgreSQL (SQLite serves one)"
                ));
            }
        };
        let state = server::AppState::new(own, server::Config::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        urls.push(format!(
            "http://{}/api/v1/locations",
            listener.local_addr()?
        ));
        tokio::spawn(server::serve(listener, state, std::future::pending()));
    }
    let outbox = OutboxLag::start(store.clone(), tenant);

    // Every request carries fresh instants (a day ago onwards), so nothing is a duplicate.
    let start_t = now - 86_400_000;
    let bodies: Vec<(String, String, Vec<u8>)> = (0..o.requests)
        .map(|i| {
            let rep = i % o.reps;
            let round = i / o.reps;
            (
                urls[i % urls.len()].clone(),
                tokens_by_rep[rep].clone(),
                body(rep, start_t + (round * o.batch) as i64 * 1000, o.batch),
            )
        })
        .collect();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let sent = Arc::new(std::sync::Mutex::new(Vec::<f64>::with_capacity(o.requests)));
    let accepted = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let failures = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let limit = Arc::new(Semaphore::new(if o.rate.is_some() {
        100_000
    } else {
        o.concurrency.max(1)
    }));
    let mut tasks = tokio::task::JoinSet::new();
    let t0 = Instant::now();
    let gap = o.rate.map(|r| Duration::from_secs_f64(o.batch as f64 / r));
    for (i, (url, token, b)) in bodies.into_iter().enumerate() {
        if let Some(gap) = gap {
            tokio::time::sleep_until(tokio::time::Instant::from_std(t0 + gap * i as u32)).await;
        }
        let permit = limit.clone().acquire_owned().await?;
        let (client, lat, acc, fail) = (
            client.clone(),
            sent.clone(),
            accepted.clone(),
            failures.clone(),
        );
        tasks.spawn(async move {
            let started = Instant::now();
            let resp = client
                .post(&url)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(b)
                .send()
                .await;
            let ok = match resp {
                Ok(r) if r.status().is_success() => r.json::<serde_json::Value>().await.ok(),
                _ => None,
            };
            match ok {
                Some(v) => {
                    acc.fetch_add(
                        v["accepted"].as_u64().unwrap_or(0),
                        std::sync::atomic::Ordering::Relaxed,
                    );
                }
                None => {
                    fail.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
            lat.lock()
                .expect("latency lock")
                .push(started.elapsed().as_secs_f64() * 1000.0);
            drop(permit);
        });
    }
    while tasks.join_next().await.is_some() {}
    let elapsed = t0.elapsed().as_secs_f64();
    let mut lat = sent.lock().expect("latency lock").clone();
    lat.sort_by(f64::total_cmp);
    let accepted = accepted.load(std::sync::atomic::Ordering::Relaxed);
    // Count what is really in the database, not what the server claimed.
    let mut stored = 0usize;
    for id in &rep_ids {
        stored += store
            .fixes_between(tenant, *id, start_t - 1, i64::MAX)
            .await?
            .len();
    }
    let mode = match o.rate {
        Some(r) => format!("open loop at {r:.0} fixes/s"),
        None => format!("{} requests in flight", o.concurrency),
    };
    let lag = outbox.finish().await;
    let servers = match urls.len() {
        1 => "one server".to_owned(),
        n => format!("{n} servers"),
    };
    println!("outfield bench ingest — {}, {servers}, {mode}", db.label);
    println!(
        "  requests: {} × {} fixes, {} reps, {} failed",
        o.requests,
        o.batch,
        o.reps,
        failures.load(std::sync::atomic::Ordering::Relaxed)
    );
    println!("  accepted: {accepted} fixes; stored (counted in the database): {stored}");
    println!(
        "  elapsed:  {elapsed:.2} s → {:.0} fixes/s accepted and committed",
        accepted as f64 / elapsed
    );
    println!(
        "  latency ms: p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
        percentile(&lat, 0.50),
        percentile(&lat, 0.90),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "  outbox: {} events (day summaries) during and after the load; lag from commit to a reader ms: p50 {:.0}  p99 {:.0}  max {:.0}",
        lag.len(),
        percentile(&lag, 0.50),
        percentile(&lag, 0.99),
        lag.last().copied().unwrap_or(f64::NAN)
    );
    db.cleanup().await
}

/// A reader of the tenant's change feed, as a consumer would follow it: polls every 20 ms
/// and notes, for each event, how long after its commit it became readable. Summaries
/// fall due a second after a day's last fix, so most events come after the load.
struct OutboxLag {
    done: Arc<std::sync::atomic::AtomicBool>,
    task: tokio::task::JoinHandle<anyhow::Result<Vec<f64>>>,
}

impl OutboxLag {
    fn start(store: Store, tenant: domain::TenantId) -> OutboxLag {
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop = done.clone();
        let task = tokio::spawn(async move {
            // Events of the set-up (the reps' employee.created) are not the load's.
            let mut at = storage::EventPosition::default();
            loop {
                let old = store.events_after(tenant, at, None, 500).await?;
                match old.last() {
                    Some(e) => at = e.position(),
                    None => break,
                }
            }
            let mut lags = Vec::new();
            let mut quiet_since: Option<Instant> = None;
            loop {
                let got = store.events_after(tenant, at, None, 500).await?;
                let now = server::now_ms();
                for e in &got {
                    lags.push((now - e.occurred_ms) as f64);
                    at = e.position();
                }
                let stopping = stop.load(std::sync::atomic::Ordering::Relaxed);
                // After the load: read on until two seconds pass without an event.
                match (stopping, got.is_empty(), quiet_since) {
                    (true, true, None) => quiet_since = Some(Instant::now()),
                    (true, true, Some(q)) if q.elapsed() > Duration::from_secs(2) => break,
                    (_, false, _) => quiet_since = None,
                    _ => {}
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            lags.sort_by(f64::total_cmp);
            Ok(lags)
        });
        OutboxLag { done, task }
    }

    async fn finish(self) -> Vec<f64> {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        match self.task.await {
            Ok(Ok(l)) => l,
            _ => Vec::new(),
        }
    }
}
