//! The server's clock, and replaying a past through the API: inside [`replaying`] the
//! clock reads what the replayer sets, so actions sent "as they happened" are received
//! when they happened (no late-sync or clock-offset evidence, true receive times). Only
//! the demo's history uses it; every other task reads the real clock.
//!
//! [`Clock`] is the time login throttling reads: the system clock, or a manual one a test
//! sets, so the back-off can be exercised over simulated hours without waiting.

use std::cell::Cell;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

tokio::task_local! {
    static REPLAY_NOW: Cell<i64>;
}

/// Milliseconds since the Unix epoch, UTC: the replayed instant inside [`replaying`],
/// else the real time.
pub fn now_ms() -> i64 {
    REPLAY_NOW
        .try_with(Cell::get)
        .unwrap_or_else(|_| chrono::Utc::now().timestamp_millis())
}

/// Whether the calling task replays a past (the demo's history).
pub fn in_replay() -> bool {
    REPLAY_NOW.try_with(|_| ()).is_ok()
}

/// Runs `f` with a replayed clock starting at `start_ms`.
pub async fn replaying<F: Future>(start_ms: i64, f: F) -> F::Output {
    REPLAY_NOW.scope(Cell::new(start_ms), f).await
}

/// Moves the replayed clock (no effect outside [`replaying`]).
pub fn set_replay_now(ms: i64) {
    let _ = REPLAY_NOW.try_with(|c| c.set(ms));
}

#[derive(Clone, Debug, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    /// A clock that stands at `now_ms` until set or advanced.
    pub fn manual(now_ms: i64) -> Self {
        Self(Some(Arc::new(AtomicI64::new(now_ms))))
    }

    /// Milliseconds since the Unix epoch, UTC.
    pub fn now_ms(&self) -> i64 {
        match &self.0 {
            Some(t) => t.load(Ordering::SeqCst),
            None => now_ms(),
        }
    }

    /// Moves a manual clock forward; the system clock ignores it.
    pub fn advance(&self, ms: i64) {
        if let Some(t) = &self.0 {
            t.fetch_add(ms, Ordering::SeqCst);
        }
    }
}
