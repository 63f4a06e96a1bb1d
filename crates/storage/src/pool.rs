//! Connecting to the chosen engine, running migrations, and the two macros that let one
//! body of query code run on either engine.

use crate::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A snapshot of the connection pool, for monitoring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open, idle or in use.
    pub open: u32,
    /// Open connections no query holds.
    pub idle: u32,
}

impl PoolStats {
    /// Connections a query holds right now.
    pub fn in_use(self) -> u32 {
        self.open.saturating_sub(self.idle)
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database, shared by every request handler (cheap to clone).
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: Pool,
    /// SQLite lets one writer in at a time. Writers of this process queue here, in order,
    /// before `BEGIN IMMEDIATE`: left to SQLite's busy handler, a waiting writer sleeps in
    /// growing steps (up to 100 ms) and often sleeps on while the database stands free,
    /// so under a steady stream of small writes most of the wait is idle time. Another
    /// process sharing the file still meets the busy handler.
    ///
    /// The turn holds the connection pool writes use: one connection of its own for a
    /// database file, so a writer never holds the turn while it waits for a connection
    /// behind the readers (`None`: an in-memory database, whose connections must share
    /// the one pool).
    pub(crate) sqlite_writer: std::sync::Arc<tokio::sync::Mutex<Option<SqlitePool>>>,
    /// Rules and department trees read on SQLite (see [`crate::config_cache`]).
    pub(crate) config: std::sync::Arc<crate::config_cache::ConfigCache>,
    /// Set while a bulk load defers report facts (see [`Store::defer_report_facts`]).
    pub(crate) facts_deferred: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// Runs `$body` with `$p` bound to the pool of whichever engine is in use. The body is
/// compiled once per engine, so the same query text and binds serve both.
macro_rules! on_pool {
    ($store:expr, |$p:ident| $body:expr) => {
        match &$store.pool {
            $crate::pool::Pool::Sqlite($p) => $body,
            $crate::pool::Pool::Postgres($p) => $body,
        }
    };
}

/// Runs `$body` inside a write transaction `$tx` and commits it when the body returns
/// `Ok`; an early `?` return drops the transaction, which rolls it back. On SQLite the
/// transaction is `BEGIN IMMEDIATE`, taking the write lock up front: a deferred transaction
/// that reads and then writes fails at once (SQLITE_BUSY, no retry) when another writer won.
macro_rules! write_tx {
    ($store:expr, |$tx:ident| $body:expr) => {
        match &$store.pool {
            $crate::pool::Pool::Sqlite(p) => {
                let writer = $crate::pool::turn(&$store.sqlite_writer, p).await;
                let mut $tx = writer.pool().begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::pool::Pool::Postgres(p) => {
                let mut $tx = p.begin().await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}

/// [`on_pool`] for a statement that writes outside a transaction: on SQLite it waits
/// its turn behind the process's other writers (see [`Store::sqlite_writer`]).
macro_rules! write_on_pool {
    ($store:expr, |$p:ident| $body:expr) => {
        match &$store.pool {
            $crate::pool::Pool::Sqlite(shared) => {
                let writer = $crate::pool::turn(&$store.sqlite_writer, shared).await;
                let $p = writer.pool();
                $body
            }
            $crate::pool::Pool::Postgres($p) => $body,
        }
    };
}

pub(crate) use {on_pool, write_on_pool, write_tx};

/// How much the process's SQLite writers queued and held their turn, since start: what
/// bounds a write-heavy load on SQLite (the demo's replay logs it per phase).
static WRITER_BUSY_NS: AtomicU64 = AtomicU64::new(0);
static WRITER_WAIT_NS: AtomicU64 = AtomicU64::new(0);
static WRITER_TURNS: AtomicU64 = AtomicU64::new(0);

/// One writer's turn at the SQLite file; its time is counted when it ends.
pub(crate) struct Turn<'a> {
    writes: tokio::sync::MutexGuard<'a, Option<SqlitePool>>,
    shared: &'a SqlitePool,
    since: std::time::Instant,
}

impl Turn<'_> {
    /// The pool this turn writes through.
    pub(crate) fn pool(&self) -> &SqlitePool {
        self.writes.as_ref().unwrap_or(self.shared)
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        WRITER_BUSY_NS.fetch_add(nanos(self.since.elapsed()), Ordering::Relaxed);
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Waits for the writer's turn (see [`Store::sqlite_writer`]).
pub(crate) async fn turn<'a>(
    writer: &'a tokio::sync::Mutex<Option<SqlitePool>>,
    shared: &'a SqlitePool,
) -> Turn<'a> {
    let asked = std::time::Instant::now();
    let writes = writer.lock().await;
    WRITER_WAIT_NS.fetch_add(nanos(asked.elapsed()), Ordering::Relaxed);
    WRITER_TURNS.fetch_add(1, Ordering::Relaxed);
    Turn {
        writes,
        shared,
        since: std::time::Instant::now(),
    }
}

/// The SQLite writers' totals since start.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WriterStats {
    /// Seconds some writer held the turn.
    pub busy_s: f64,
    /// Seconds writers spent queueing for it, summed over writers.
    pub wait_s: f64,
    pub turns: u64,
}

pub fn writer_stats() -> WriterStats {
    WriterStats {
        busy_s: WRITER_BUSY_NS.load(Ordering::Relaxed) as f64 / 1e9,
        wait_s: WRITER_WAIT_NS.load(Ordering::Relaxed) as f64 / 1e9,
        turns: WRITER_TURNS.load(Ordering::Relaxed),
    }
}

impl Store {
    /// The in-memory copies of rules and department trees, on SQLite only.
    pub(crate) fn config_cache(&self) -> Option<&crate::config_cache::ConfigCache> {
        matches!(self.pool, Pool::Sqlite(_)).then_some(&*self.config)
    }

    fn with_pool(pool: Pool, sqlite_writes: Option<SqlitePool>) -> Store {
        Store {
            pool,
            sqlite_writer: std::sync::Arc::new(tokio::sync::Mutex::new(sqlite_writes)),
            config: Default::default(),
            facts_deferred: Default::default(),
        }
    }

    /// Opens `sqlite://path` (created if missing) or `postgres://…`, then migrates.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let store = Self::open(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens without migrating, e.g. for a readiness check.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let mut writer = None;
        let pool = if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                // Reports read tens of thousands of rows: the driver's worker thread hands
                // them over in a bounded channel (50 by default), and on a busy machine
                // every refill costs a wake-up of each side.
                .row_buffer_size(1024);
            // No memory map (`mmap_size`): while the database grows under a stream of writes
            // (the demo's load), every connection's map is remapped again and again: the demo's
            // replay took 40.9 / 40.6 s with a 256 MB map and 33.7 / 35.7 s without (2026-12-07).
            let in_memory = opts.get_filename() == std::path::Path::new(":memory:")
                || url.contains("mode=memory");
            if !in_memory {
                let writes = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(opts.clone().statement_cache_capacity(400))
                    .await?;
                writer = Some(writes);
            }
            Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(opts)
                    .await?,
            )
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let opts = PgConnectOptions::from_str(url)?;
            Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await?,
            )
        } else {
            return Err(StoreError::invalid(
                "database_url",
                domain::Problem::unknown_value(&["sqlite://", "postgres://"]),
            ));
        };
        Ok(Store::with_pool(pool, writer))
    }

    /// For tests: a PostgreSQL store whose every connection works in `schema`.
    pub async fn connect_postgres_schema(url: &str, schema: &str) -> Result<Store, StoreError> {
        let opts = PgConnectOptions::from_str(url)?.options([("search_path", schema)]);
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        let store = Store::with_pool(Pool::Postgres(pool), None);
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::migrate!("migrations/sqlite").run(p).await?,
            Pool::Postgres(p) => sqlx::migrate!("migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        on_pool!(self, |p| sqlx::query("SELECT 1").execute(p).await.is_ok())
    }

    /// The pool's connections now: how many are open and how many of those wait idle.
    pub fn pool_stats(&self) -> PoolStats {
        on_pool!(self, |p| PoolStats {
            open: p.size(),
            idle: u32::try_from(p.num_idle()).unwrap_or(u32::MAX),
        })
    }

    pub fn is_closed(&self) -> bool {
        match &self.pool {
            Pool::Sqlite(p) => p.is_closed(),
            Pool::Postgres(p) => p.is_closed(),
        }
    }

    pub async fn close(&self) {
        on_pool!(self, |p| p.close().await)
    }
}
