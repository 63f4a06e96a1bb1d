//! What every handler shares.

use crate::photo_files::PhotoFiles;
use crate::tracking::Tracking;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use storage::Store;

#[derive(Clone, Debug)]
pub struct Config {
    pub session_ttl: Duration,
    /// Limit for JSON bodies.
    pub max_json_bytes: usize,
    /// Limit for spreadsheet uploads.
    pub max_upload_bytes: usize,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Delete fixes older than this many days; `None` keeps them.
    pub retention_days: Option<u32>,
    /// Where uploaded files (photos) are kept.
    pub data_dir: PathBuf,
    /// The TrueType font (collection) watermarks are drawn with; it must cover Chinese.
    pub font_path: PathBuf,
    /// Limit for one photo upload.
    pub max_photo_bytes: usize,
    /// The built web console (`/`) and field app (`/app/`); `None` serves the API only.
    pub web_dir: Option<PathBuf>,
    /// Set when serving with `--demo`: the demo accounts are listed for login screens.
    pub demo: Option<crate::demo::DemoInfo>,
    /// The time login throttling reads (the system clock unless a test sets one).
    pub clock: crate::clock::Clock,
    /// How long an operation may take before it answers 503 `timed_out` (streams and
    /// uploads excepted, see `timeout`). Above plan generation's 60 s budget.
    pub request_timeout: Duration,
    /// How long a job stays with the server that claimed it before another server may
    /// take it over (a server killed mid-job is noticed after this).
    pub job_lease: Duration,
    /// The bearer token `GET /metrics` requires; `None` answers loopback clients only.
    pub metrics_token: Option<crate::routes::metrics::MetricsToken>,
    /// Where scheduled reports are mailed from; `None`: their runs fail with
    /// `smtp_not_configured`.
    pub smtp: Option<crate::mail::SmtpConfig>,
    /// Webhooks may reach loopback, private and link-local addresses (off: refused, SSRF).
    pub webhooks_allow_private: bool,
    /// How long a webhook receiver has to answer before the attempt counts as failed.
    pub webhook_timeout: Duration,
    /// Requests a minute an integration key may send when neither the key nor its
    /// tenant sets a limit (see `auth::rate_limit`).
    pub api_key_rate_limit: u32,
    /// The address browsers reach this server at (`https://outfield.example.com`), for the
    /// single sign-on redirect URI; `None`: taken from each request's `Host` (and, behind a
    /// trusted proxy, `X-Forwarded-Proto` / `X-Forwarded-Host`).
    pub public_url: Option<String>,
}

/// Debian's `fonts-wqy-microhei`, which the set-up installs.
pub const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

impl Default for Config {
    fn default() -> Self {
        Self {
            session_ttl: Duration::from_secs(12 * 3600),
            max_json_bytes: 1024 * 1024,
            max_upload_bytes: 20 * 1024 * 1024,
            trust_forwarded_for: false,
            retention_days: None,
            data_dir: PathBuf::from("outfield-data"),
            font_path: PathBuf::from(DEFAULT_FONT),
            max_photo_bytes: 10 * 1024 * 1024,
            web_dir: None,
            demo: None,
            clock: crate::clock::Clock::default(),
            request_timeout: Duration::from_secs(90),
            job_lease: Duration::from_secs(60),
            metrics_token: None,
            smtp: None,
            webhooks_allow_private: false,
            webhook_timeout: Duration::from_secs(15),
            api_key_rate_limit: 600,
            public_url: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub tracking: Arc<Tracking>,
    pub photos: Arc<PhotoFiles>,
    /// Perceptual hashes of stored photos, for near-duplicate search on upload.
    pub photo_index: Arc<crate::photo_index::PhotoIndex>,
    /// Login attempts on one account, one at a time.
    pub logins: Arc<crate::auth::login_queue::LoginQueue>,
    /// This server's job worker.
    pub jobs: Arc<crate::jobs::Jobs>,
    /// Sessions looked up in the last few seconds.
    pub sessions: Arc<crate::auth::session_cache::SessionCache>,
    /// Tenants' time zones (fixed at creation).
    pub zones: Arc<crate::tenant_zones::TenantZones>,
    /// The HTTP client webhook deliveries go out through.
    pub webhooks: Arc<crate::webhooks::Sender>,
    /// The HTTP client single sign-on reaches OpenID providers with (SSRF-guarded).
    pub sso: Arc<crate::sso::Http>,
    /// This server's per-key request counters.
    pub key_limits: Arc<crate::auth::rate_limit::KeyLimits>,
}

impl AppState {
    /// Builds the state and starts its background work (the fix writer, the job
    /// worker); call it inside a Tokio runtime.
    pub fn new(store: Store, config: Config) -> Self {
        crate::metrics::install();
        let tracking = Arc::new(Tracking::start(store.clone()));
        let photos = Arc::new(PhotoFiles::open(&config.data_dir, &config.font_path));
        let state = Self {
            store,
            photos,
            photo_index: Arc::default(),
            jobs: Arc::new(crate::jobs::Jobs::new(config.job_lease)),
            webhooks: Arc::new(crate::webhooks::Sender::new(&config)),
            sso: Arc::new(crate::sso::Http::new(&config)),
            config: Arc::new(config),
            tracking,
            logins: Arc::default(),
            sessions: Arc::default(),
            zones: Arc::default(),
            key_limits: Arc::default(),
        };
        crate::jobs::spawn(state.clone());
        state
    }

    /// The tenant's time zone.
    pub async fn tenant_zone(
        &self,
        tenant: domain::TenantId,
    ) -> Result<chrono_tz::Tz, storage::StoreError> {
        self.zones.get(&self.store, tenant).await
    }
}
