//! What every handler shares.

use crate::tracking::Tracking;
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
}

impl Default for Config {
    fn default() -> Self {
        Self {
            session_ttl: Duration::from_secs(12 * 3600),
            max_json_bytes: 1024 * 1024,
            max_upload_bytes: 20 * 1024 * 1024,
            trust_forwarded_for: false,
            retention_days: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub tracking: Arc<Tracking>,
}

impl AppState {
    /// Builds the state and starts its background work (the fix writer, day summaries,
    /// retention); call it inside a Tokio runtime.
    pub fn new(store: Store, config: Config) -> Self {
        let tracking = Arc::new(Tracking::start(store.clone()));
        crate::tracking::days::spawn(
            store.clone(),
            tracking.schedules.clone(),
            config.retention_days,
        );
        Self {
            store,
            config: Arc::new(config),
            tracking,
        }
    }
}
