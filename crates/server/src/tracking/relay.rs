//! Several servers, one live map: on PostgreSQL each server listens for the positions
//! every server stores (announced by a trigger on `last_fixes` at commit) and hands them
//! to its own live hub. A lost connection loses notifications, so after reconnecting the
//! relay reads back the positions received since shortly before the loss.
//!
//! The server that stored a position has already published it; hearing it again is
//! harmless, the live feed sends a person's state only when it changed.

use super::live::{LiveHub, Position};
use std::time::Duration;
use storage::{AnnouncedPosition, LIVE_CHANNEL, Store};

/// Catch-up reaches this far before the moment the connection was found lost: a
/// notification can be in flight for a while before the loss shows.
const CATCH_UP_SLACK_MS: i64 = 5_000;

pub fn spawn(store: Store, hub: LiveHub) {
    if store.backend() != storage::Backend::Postgres {
        return;
    }
    tokio::spawn(async move {
        let mut lost_at: Option<i64> = None;
        loop {
            if store.is_closed() {
                return;
            }
            let mut listener = match store.listen(LIVE_CHANNEL).await {
                Ok(Some(l)) => l,
                Ok(None) => return,
                Err(e) => {
                    if !store.is_closed() {
                        tracing::warn!(error = %e, "live relay cannot listen; retrying");
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if let Some(since) = lost_at.take() {
                match store
                    .positions_received_since(since - CATCH_UP_SLACK_MS)
                    .await
                {
                    Ok(missed) => missed.into_iter().for_each(|p| publish(&hub, p)),
                    Err(e) => tracing::warn!(error = %e, "live relay could not catch up"),
                }
            }
            loop {
                match listener.next().await {
                    Ok(Some(payload)) => match AnnouncedPosition::parse(&payload) {
                        Some(p) => publish(&hub, p),
                        None => tracing::warn!(%payload, "live relay got an unreadable position"),
                    },
                    Ok(None) | Err(_) => {
                        lost_at = Some(crate::now_ms());
                        break;
                    }
                }
            }
        }
    });
}

fn publish(hub: &LiveHub, p: AnnouncedPosition) {
    hub.publish(Position {
        tenant: p.tenant(),
        employee: p.employee(),
        t_ms: p.t_ms,
        lat: p.lat,
        lon: p.lon,
        accuracy_m: p.accuracy_m,
        speed_mps: p.speed_mps,
    });
}
