//! Command-line shape. Every option that names a database or address also reads an
//! `OUTFIELD_*` environment variable.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "outfield",
    version,
    about = "Field-force management: people, customers, visits, tracks, plans"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Clone)]
pub struct Db {
    /// `sqlite://FILE` (created on first use) or `postgres://USER@HOST/DB`.
    #[arg(
        long,
        env = "OUTFIELD_DATABASE_URL",
        default_value = "sqlite://outfield.db"
    )]
    pub database_url: String,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrations run at start-up).
    Serve {
        #[arg(long, env = "OUTFIELD_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        #[command(flatten)]
        db: Db,
        /// Load the demo company first if it is not there yet.
        #[arg(long)]
        demo: bool,
        /// With --demo: calendar days of history to create when the demo is first loaded.
        #[arg(long, env = "OUTFIELD_DEMO_HISTORY_DAYS", default_value_t = 30)]
        demo_history_days: u32,
        /// With --demo: how many reps drive on the live map while serving (0 for none).
        #[arg(long, env = "OUTFIELD_DEMO_LIVE_REPS", default_value_t = 5)]
        demo_live_reps: usize,
        /// Take client addresses from X-Forwarded-For (only behind a trusted proxy).
        #[arg(long, env = "OUTFIELD_TRUST_FORWARDED_FOR")]
        trust_forwarded_for: bool,
        /// Hours a login session lasts.
        #[arg(long, env = "OUTFIELD_SESSION_TTL_HOURS", default_value_t = 12)]
        session_ttl_hours: u64,
        /// Where OsmAnd-protocol GPS clients (Traccar Client, OsmAnd, GPSLogger) send fixes;
        /// `off` disables the listener.
        #[arg(long, env = "OUTFIELD_OSMAND_LISTEN", default_value = "127.0.0.1:5055")]
        osmand_listen: String,
        /// Delete fixes older than this many days (kept forever when absent).
        #[arg(long, env = "OUTFIELD_RETENTION_DAYS")]
        retention_days: Option<u32>,
        /// Where uploaded photos are kept.
        #[arg(long, env = "OUTFIELD_DATA_DIR", default_value = "outfield-data")]
        data_dir: std::path::PathBuf,
        /// The font watermarks are drawn with (must cover Chinese).
        #[arg(long, env = "OUTFIELD_FONT", default_value = server::state::DEFAULT_FONT)]
        font: std::path::PathBuf,
        /// The built web console and field app (`npm run build` in `web/`).
        #[arg(long, env = "OUTFIELD_WEB_DIR", default_value = "web/dist")]
        web_dir: std::path::PathBuf,
        /// Seconds an API request may take before it answers 503 `timed_out` (the live
        /// stream and uploads excepted).
        #[arg(long, env = "OUTFIELD_REQUEST_TIMEOUT_S", default_value_t = 90)]
        request_timeout_s: u64,
        /// The bearer token `GET /metrics` requires; without one only loopback clients
        /// may scrape it.
        #[arg(long, env = "OUTFIELD_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        /// Seconds a claimed background job stays with this server; a server that dies
        /// holding jobs leaves them to another (or to itself restarted) after this.
        #[arg(long, env = "OUTFIELD_JOB_LEASE_S", default_value_t = 60)]
        job_lease_s: u64,
        /// Where scheduled reports are mailed through: `smtp://host:port` (plain, a local
        /// relay), `smtp://user:pass@host:587?tls=required` (STARTTLS) or
        /// `smtps://user:pass@host` (TLS). Without it, scheduled runs fail with
        /// `smtp_not_configured`.
        #[arg(long, env = "OUTFIELD_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// The sender of scheduled reports, e.g. `报表 <reports@example.com>`.
        #[arg(
            long,
            env = "OUTFIELD_SMTP_FROM",
            default_value = "Outfield <outfield@localhost.localdomain>"
        )]
        smtp_from: String,
        /// Let webhooks reach loopback, private and link-local addresses (a receiver on
        /// this machine or the office network); refused by default against SSRF.
        /// (`1`, `true`, `yes` or `on` in the environment.)
        #[arg(long, env = "OUTFIELD_WEBHOOKS_ALLOW_PRIVATE",
            value_parser = clap::builder::BoolishValueParser::new())]
        webhooks_allow_private: bool,
        /// The address browsers reach this server at, e.g. `https://outfield.example.com`:
        /// single sign-on builds its redirect URI from it. Unset: from each request's Host.
        #[arg(long, env = "OUTFIELD_PUBLIC_URL")]
        public_url: Option<String>,
        /// Requests a minute an integration key may send when neither the key nor its
        /// tenant sets a limit. Counted per server process.
        #[arg(long, env = "OUTFIELD_API_KEY_RATE_LIMIT", default_value_t = 600,
            value_parser = clap::value_parser!(u32).range(1..=100_000))]
        api_key_rate_limit: u32,
    },
    /// Print the OpenAPI document (JSON) the server serves at `/api/openapi.json`.
    Openapi,
    /// Measure Outfield on this machine.
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
    /// Plan routes.
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Analyse GPS tracks from files.
    Track {
        #[command(subcommand)]
        command: TrackCommand,
    },
    /// Load the demo company (tenant `demo`, Shanghai). The admin password is
    /// OUTFIELD_DEMO_PASSWORD, or a random one that is printed.
    Demo {
        #[command(flatten)]
        db: Db,
        /// Where the history's photos are kept (the server's data directory).
        #[arg(long, env = "OUTFIELD_DATA_DIR", default_value = "outfield-data")]
        data_dir: std::path::PathBuf,
        /// The font watermarks are drawn with (must cover Chinese).
        #[arg(long, env = "OUTFIELD_FONT", default_value = server::state::DEFAULT_FONT)]
        font: std::path::PathBuf,
        /// Calendar days of history to create, ending yesterday.
        #[arg(long, default_value_t = 30)]
        history_days: u32,
    },
    /// Manage tenants.
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Import data from a spreadsheet.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Export data to a spreadsheet.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Mileage claims (开车报销).
    Claims {
        #[command(subcommand)]
        command: ClaimsCommand,
    },
    /// Reports and insights (数据报表).
    Reports {
        #[command(subcommand)]
        command: ReportsCommand,
    },
}

#[derive(Subcommand)]
pub enum ReportsCommand {
    /// Recompute the report facts of a tenant from scratch: every active field rep's
    /// person-days and every customer's month facts over the range (default: the last 90
    /// days up to today). Gives the same rows as the facts kept current by jobs.
    Rebuild {
        #[arg(long)]
        tenant: String,
        /// First local date, `YYYY-MM-DD`.
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Last local date, `YYYY-MM-DD` (default today).
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        #[command(flatten)]
        db: Db,
    },
    /// PostgreSQL only: let a login role (created if missing) read the `reporting` schema's
    /// views of the report facts, for Metabase, Superset or FineBI; it is granted nothing
    /// else, so the application's tables stay closed to it.
    Grant {
        /// The role BI tools log in as, e.g. `bi_reader`.
        #[arg(long)]
        role: String,
        /// Its password (set or changed); leave it out to keep the current one or to
        /// authenticate otherwise (pg_hba.conf).
        #[arg(long, env = "OUTFIELD_BI_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Subcommand)]
pub enum ClaimsCommand {
    /// Draft (or bring up to date) the claim of every active rep for a period, as the
    /// scheduled job does on the first day of the next one; submitted claims are left as
    /// they are.
    Generate {
        #[arg(long)]
        tenant: String,
        /// In the tenant's claim period: `2026-11` for months, `2026-11-H1` / `2026-11-H2`
        /// for half-months, `2026-W48` for ISO weeks.
        #[arg(long)]
        period: String,
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Report queries, one day's facts refresh and a rebuild over generated data (reps ×
    /// days of visits, punches, day summaries, plans and verdicts) on a throwaway database.
    Reports {
        /// Database to measure; default a fresh SQLite file in the temp folder. A
        /// PostgreSQL URL gets a throwaway schema, dropped afterwards.
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 500)]
        reps: usize,
        /// Days of history (the last of them is the "new day" refreshed on its own).
        #[arg(long, default_value_t = 90)]
        days: u32,
        /// Runs of each report query (the p95 is over them).
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// Fixes per second accepted and stored through HTTP (`POST /api/v1/locations`) by an
    /// in-process server, and request latency percentiles.
    Ingest {
        /// Database to measure; default a fresh SQLite file in the temp folder. A
        /// PostgreSQL URL gets a throwaway schema, dropped afterwards.
        #[arg(long)]
        database_url: Option<String>,
        /// Fixes per request.
        #[arg(long, default_value_t = 1000)]
        batch: usize,
        /// Requests to send in total.
        #[arg(long, default_value_t = 400)]
        requests: usize,
        /// Requests in flight at once (throughput mode).
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Offered load in fixes per second (open loop); as fast as possible when absent.
        #[arg(long)]
        rate: Option<f64>,
        /// Field reps sending (each request is one rep's batch).
        #[arg(long, default_value_t = 100)]
        reps: usize,
        /// Servers on the one database, each with its own connection pool and job
        /// worker, taking requests in turn as behind a load balancer (PostgreSQL only).
        #[arg(long, default_value_t = 1)]
        servers: usize,
    },
    /// Seconds to generate a month's mileage claims from stored day summaries (what the
    /// period's end runs), for N reps; the median of several runs, each on a month of its
    /// own.
    Claims {
        /// Database to measure; default a fresh SQLite file in the temp folder. A
        /// PostgreSQL URL gets a throwaway schema, dropped afterwards.
        #[arg(long)]
        database_url: Option<String>,
        #[arg(long, default_value_t = 500)]
        reps: usize,
        /// Runs (months of 2026), 1 to 11.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum InstanceFormat {
    Solomon,
    Vrplib,
    /// Outfield's JSON: places in x/y or lat/lon, windows, service, demand (see `plan_json`).
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PlanObjective {
    /// Least total distance, any number of vehicles.
    Distance,
    /// Fewest vehicles first, then least distance (the literature's objective).
    VehiclesThenDistance,
}

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Solve a vehicle-routing instance with time windows (Solomon or VRPLIB text, read
    /// unchanged) and print JSON: vehicles, distance, routes (customer numbers as in the
    /// file), feasible, elapsed_ms.
    Solve {
        #[arg(long)]
        instance: PathBuf,
        /// From the content when absent (VRPLIB files have `KEY : value` lines).
        #[arg(long, value_enum)]
        format: Option<InstanceFormat>,
        /// Wall-clock budget, e.g. 1s, 500ms, 10s.
        #[arg(long, default_value = "1s")]
        time_limit: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Stop after this many iterations too (for runs that do not depend on the machine).
        #[arg(long)]
        iterations: Option<u64>,
        #[arg(long, value_enum, default_value = "vehicles-then-distance")]
        objective: PlanObjective,
    },
    /// Plan each rep's visits over a horizon from visit frequencies and print JSON.
    ///
    /// Input JSON: {"start":"2026-12-28","days":28,"holidays":["2027-01-01"],
    /// "travel":{"mode":"drive","detour":1.3,"speed_kmh":30},
    /// "reps":[{"id","lat","lon","working_days":["mon",..],"shift":"09:00-17:00",
    /// "max_visits","max_minutes"}], "customers":[{"id","lat","lon","level":"A|B|C" or
    /// "frequency_days":7,"service_min":20,"last_visit":"2026-12-21","owner":"R01",
    /// "hours":"10:00-21:00"}]}. Output JSON: "summary" (due visits met, breaches, travel,
    /// balance), "days" (per rep and working day the ordered visits with planned times),
    /// "customers" (each due visit: due date, window, reason, planned date or why not).
    Schedule {
        #[arg(long)]
        input: PathBuf,
        /// Customers from a CSV/XLSX sheet instead (columns id, lat, lon, level,
        /// service_min, last_visit, owner).
        #[arg(long)]
        customers: Option<PathBuf>,
        /// Wall-clock budget, e.g. 10s.
        #[arg(long, default_value = "10s")]
        time_limit: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Improvement rounds per rep (for runs that do not depend on the machine).
        #[arg(long)]
        iterations: Option<u64>,
        /// Weight of even days against travel (0 packs days for the least travel).
        #[arg(long, default_value_t = 1.0)]
        day_balance: f64,
        #[arg(long, value_enum, default_value = "outfield")]
        method: crate::plan_schedule::ScheduleMethod,
        /// Print only the summary.
        #[arg(long)]
        summary: bool,
    },
    /// Split customers among reps into balanced, compact territories and print JSON.
    ///
    /// Input: the `plan schedule` file (owners are fixed; --near-homes keeps territories
    /// near the reps' homes). Output JSON: "stats" (workload per 28 days: max/min, CV;
    /// mean km to the territory centre) and "territories" (rep, centre, workload, members).
    Territories {
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        customers: Option<PathBuf>,
        /// Number of territories; the file's reps when absent.
        #[arg(long)]
        reps: Option<usize>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value = "2s")]
        time_limit: String,
        #[arg(long, value_enum, default_value = "balanced")]
        method: crate::plan_territories::TerritoryMethod,
        /// Keep each territory near its rep's home (the file must list --reps reps).
        #[arg(long)]
        near_homes: bool,
        /// Print only the statistics.
        #[arg(long)]
        summary: bool,
    },
}

#[derive(Subcommand)]
pub enum TrackCommand {
    /// Clean fixes, find stops and trips, and measure mileage per device and local day;
    /// prints JSON. Bad rows are reported on stderr with their line; the rest is analysed.
    Analyze {
        #[arg(long)]
        input: PathBuf,
        /// `csv`, `gpx` or `geojson`; from the file extension when absent.
        #[arg(long)]
        format: Option<String>,
        /// UTC offset that local days and working hours are in, e.g. +08:00.
        #[arg(long, default_value = "+00:00", allow_hyphen_values = true)]
        tz: String,
        /// Working hours, local, e.g. 09:00-18:00; `work_mileage_m` counts only these.
        #[arg(long, default_value = "09:00-18:00")]
        work_hours: String,
    },
}

#[derive(Subcommand)]
pub enum TenantCommand {
    /// Create a tenant with its first admin.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_username: String,
        #[arg(long, env = "OUTFIELD_ADMIN_PASSWORD")]
        admin_password: String,
        /// IANA time zone of the tenant's working days.
        #[arg(long, default_value = "Asia/Shanghai")]
        timezone: String,
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Upsert customers from a CSV (UTF-8 or GBK) or XLSX file, matched by external_id or code.
    Customers {
        #[arg(long)]
        tenant: String,
        file: PathBuf,
        /// Check and report without writing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Xlsx,
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// Write every customer of the tenant as CSV or XLSX.
    Customers {
        #[arg(long)]
        tenant: String,
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        /// File to write; standard output when absent.
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walk the tenant's audit chain from its oldest kept entry to the newest and report
    /// the first broken link (exit status 1), or the number of entries and the newest
    /// hash (keep it elsewhere: a later run must still end at or after it).
    Verify {
        #[arg(long)]
        tenant: String,
        #[command(flatten)]
        db: Db,
    },
}
