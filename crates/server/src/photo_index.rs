//! Near-duplicate photo search that does not read every photo of the tenant on each
//! upload. Each server keeps, per tenant, the perceptual hashes it has seen and before a
//! search reads only the photos stored since (`Store::photo_phashes_after`). Comparing a
//! hash with a hundred thousand others in memory takes well under a millisecond; reading
//! them from the database on every upload was the slowest step of storing a photo.
//!
//! Several servers share one database, so the index cannot be told about other servers'
//! inserts; it catches up from the database instead. On PostgreSQL two inserts may
//! commit out of order (a lower `seq` becoming visible after a higher one), so the
//! catch-up re-reads a margin behind the last position and skips what it already holds.

use domain::TenantId;
use photo::PHash;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use storage::{Backend, Store, StoreError};
use uuid::Uuid;

/// How far behind its last position a catch-up re-reads on PostgreSQL: more photo
/// inserts than this in flight at one moment, across all tenants, is far beyond any load
/// the server takes (each insert commits on its own, right after taking its position).
const POSTGRES_MARGIN: i64 = 256;

#[derive(Default)]
pub struct PhotoIndex {
    tenants: Mutex<HashMap<TenantId, Arc<tokio::sync::Mutex<Seen>>>>,
}

#[derive(Default)]
struct Seen {
    /// The highest position read.
    upto: i64,
    /// Positions read within the margin behind `upto`, so a re-read skips them.
    recent: BTreeSet<i64>,
    hashes: Vec<(Uuid, PHash)>,
}

impl PhotoIndex {
    /// The stored photo whose hash is nearest to `hash` if it is within `max_distance`
    /// (the oldest among equally near ones), with the distance.
    pub async fn nearest(
        &self,
        store: &Store,
        tenant: TenantId,
        hash: PHash,
        max_distance: u32,
    ) -> Result<Option<(Uuid, u32)>, StoreError> {
        let seen = self
            .tenants
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(tenant)
            .or_default()
            .clone();
        let mut seen = seen.lock().await;
        let margin = match store.backend() {
            Backend::Sqlite => 0,
            Backend::Postgres => POSTGRES_MARGIN,
        };
        let rows = store
            .photo_phashes_after(tenant, (seen.upto - margin).max(0))
            .await?;
        seen.take(rows, margin);
        Ok(seen
            .hashes
            .iter()
            .map(|(id, other)| (*id, hash.distance(*other)))
            .filter(|(_, d)| *d <= max_distance)
            .min_by_key(|(_, d)| *d))
    }
}

impl Seen {
    fn take(&mut self, rows: Vec<(i64, Uuid, i64)>, margin: i64) {
        for (position, id, hash) in rows {
            if position <= self.upto && !self.recent.insert(position) {
                continue;
            }
            if position > self.upto {
                self.recent.insert(position);
                self.upto = position;
            }
            // The 64 bits are stored as a signed integer.
            self.hashes.push((id, PHash(hash as u64)));
        }
        let keep_from = self.upto - margin;
        self.recent = self.recent.split_off(&keep_from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(seen: &Seen) -> Vec<u128> {
        seen.hashes.iter().map(|(id, _)| id.as_u128()).collect()
    }

    #[test]
    fn a_late_commit_inside_the_margin_is_taken_once() {
        let mut seen = Seen::default();
        let row = |p: i64| (p, Uuid::from_u128(p as u128), p);
        seen.take(vec![row(1), row(2), row(4)], 10);
        // Position 3 commits after 4 was read; the re-read from the margin brings 1..4
        // again and only 3 is new.
        seen.take(vec![row(1), row(2), row(3), row(4), row(5)], 10);
        assert_eq!(ids(&seen), vec![1, 2, 4, 3, 5]);
        assert_eq!(seen.upto, 5);
    }

    #[test]
    fn positions_behind_the_margin_are_forgotten() {
        let mut seen = Seen::default();
        let rows: Vec<_> = (1..=100)
            .map(|p| (p, Uuid::from_u128(p as u128), p))
            .collect();
        seen.take(rows, 8);
        assert_eq!(seen.recent.len(), 9);
        assert_eq!(seen.recent.first(), Some(&92));
    }
}
