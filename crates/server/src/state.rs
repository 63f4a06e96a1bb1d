//! What every handler shares.

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
}

impl Default for Config {
    fn default() -> Self {
        Self {
            session_ttl: Duration::from_secs(12 * 3600),
            max_json_bytes: 1024 * 1024,
            max_upload_bytes: 20 * 1024 * 1024,
            trust_forwarded_for: false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> Self {
        Self {
            store,
            config: Arc::new(config),
        }
    }
}
