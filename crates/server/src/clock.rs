//! The server's clock, and replaying a past through the API: inside [`replaying`] the
//! clock reads what the replayer sets, so actions sent "as they happened" are received
//! when they happened (no late-sync or clock-offset evidence, true receive times). Only
//! the demo's history uses it; every other task reads the real clock.

use std::cell::Cell;
use std::future::Future;

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

/// Runs `f` with a replayed clock starting at `start_ms`.
pub async fn replaying<F: Future>(start_ms: i64, f: F) -> F::Output {
    REPLAY_NOW.scope(Cell::new(start_ms), f).await
}

/// Moves the replayed clock (no effect outside [`replaying`]).
pub fn set_replay_now(ms: i64) {
    let _ = REPLAY_NOW.try_with(|c| c.set(ms));
}
