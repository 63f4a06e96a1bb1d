//! What one group commit of fix batches writes, worked out before any SQL: the rows
//! (each key once, so a re-sent fix inside the group is not counted twice), which
//! request a newly stored key counts for, each person's newest fix and the days to
//! summarise. The fix log's insert then runs as one statement per engine chunk instead of
//! one per request.

use crate::fixes::FixBatch;
use crate::jobs::NewJob;
use crate::track_days::day_job;
use domain::fix::FixRecord;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A fix's key in the log.
pub(crate) type FixKey = (Uuid, Uuid, i64);

/// One row to insert: the batch it came from and the fix.
pub(crate) struct GroupRow<'a> {
    pub batch: &'a FixBatch,
    pub index: usize,
    pub fix: &'a FixRecord,
}

pub(crate) struct Group<'a> {
    pub batches: &'a [FixBatch],
    pub rows: Vec<GroupRow<'a>>,
}

impl<'a> Group<'a> {
    /// Every key once, in the order the batches arrived: a key carried by two requests of
    /// the group belongs to the first one.
    pub fn new(batches: &'a [FixBatch]) -> Group<'a> {
        let mut seen: HashSet<FixKey> = HashSet::new();
        let mut rows = Vec::with_capacity(batches.iter().map(|b| b.fixes.len()).sum());
        for (index, batch) in batches.iter().enumerate() {
            for fix in &batch.fixes {
                if seen.insert((batch.tenant.0, batch.employee.0, fix.t_ms)) {
                    rows.push(GroupRow { batch, index, fix });
                }
            }
        }
        Group { batches, rows }
    }

    /// Newly stored fixes per batch, given the keys the insert reported as new.
    pub fn new_per_batch(&self, stored: &HashSet<FixKey>) -> Vec<u64> {
        let mut counts = vec![0u64; self.batches.len()];
        for r in &self.rows {
            if stored.contains(&(r.batch.tenant.0, r.batch.employee.0, r.fix.t_ms)) {
                counts[r.index] += 1;
            }
        }
        counts
    }
}

/// What a group writes besides the fixes, for the batches that stored something new.
pub(crate) struct SideWrites<'a> {
    /// Per person, the newest fix among their batches with new fixes.
    pub newest: Vec<(&'a FixBatch, &'a FixRecord)>,
    /// One summary job per person and day.
    pub day_jobs: Vec<NewJob>,
}

impl<'a> SideWrites<'a> {
    pub fn of(batches: &'a [FixBatch], new_per_batch: &[u64]) -> SideWrites<'a> {
        let mut newest: HashMap<(Uuid, Uuid), (&FixBatch, &FixRecord)> = HashMap::new();
        let mut days: HashSet<(Uuid, Uuid, &str)> = HashSet::new();
        let mut day_jobs = Vec::new();
        for (b, _) in batches.iter().zip(new_per_batch).filter(|(_, n)| **n > 0) {
            if let Some(last) = b.fixes.iter().max_by_key(|f| f.t_ms) {
                newest
                    .entry((b.tenant.0, b.employee.0))
                    .and_modify(|e| {
                        if last.t_ms > e.1.t_ms {
                            *e = (b, last);
                        }
                    })
                    .or_insert((b, last));
            }
            for day in &b.days {
                if days.insert((b.tenant.0, b.employee.0, day)) {
                    day_jobs.push(day_job(b.tenant, b.employee, day));
                }
            }
        }
        let mut newest: Vec<_> = newest.into_values().collect();
        // A stable order keeps concurrent groups from locking rows in opposite orders.
        newest.sort_by_key(|(b, _)| (b.tenant.0, b.employee.0));
        SideWrites { newest, day_jobs }
    }
}

/// Splits rows into chunks of a few fixed sizes (256, 64, 16, 4, 1), largest first, so
/// a multi-row statement built per chunk has one of five texts and stays in the driver's
/// statement cache instead of being prepared anew for every group's row count.
pub(crate) fn cacheable_chunks<T>(rows: &[T]) -> Vec<&[T]> {
    let mut chunks = Vec::new();
    let mut rest = rows;
    for size in [256, 64, 16, 4, 1] {
        while rest.len() >= size {
            let (chunk, tail) = rest.split_at(size);
            chunks.push(chunk);
            rest = tail;
        }
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::fix::{FixSource, Provider};
    use domain::{EmployeeId, TenantId};

    fn fix(t_ms: i64) -> FixRecord {
        FixRecord {
            t_ms,
            offset_min: Some(480),
            lat: 31.2,
            lon: 121.4,
            accuracy_m: Some(8.0),
            speed_mps: None,
            bearing_deg: None,
            altitude_m: None,
            provider: Provider::Gps,
            mock: false,
            battery: None,
        }
    }

    fn batch(tenant: TenantId, employee: EmployeeId, ts: &[i64], days: &[&str]) -> FixBatch {
        FixBatch {
            tenant,
            employee,
            device: None,
            source: FixSource::Api,
            fixes: ts.iter().map(|t| fix(*t)).collect(),
            days: days.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn a_stored_key_counts_for_the_first_request_that_carried_it() {
        let t = TenantId(Uuid::now_v7());
        let (a, b) = (EmployeeId(Uuid::now_v7()), EmployeeId(Uuid::now_v7()));
        let batches = vec![
            batch(t, a, &[1, 2, 3], &["2026-12-07"]),
            batch(t, a, &[3, 4], &["2026-12-07"]),
            batch(t, b, &[3], &["2026-12-07"]),
        ];
        let group = Group::new(&batches);
        assert_eq!(
            group.rows.len(),
            5,
            "a's second t=3 is left out, b's t=3 is not"
        );
        // t=1 was stored before (a retry): everything else is new.
        let stored: HashSet<FixKey> = [(t.0, a.0, 2), (t.0, a.0, 3), (t.0, a.0, 4), (t.0, b.0, 3)]
            .into_iter()
            .collect();
        assert_eq!(group.new_per_batch(&stored), vec![2, 1, 1]);
    }

    #[test]
    fn cacheable_chunks_cover_every_row_once_in_five_sizes() {
        for n in [0usize, 1, 3, 4, 17, 255, 256, 1000, 1337] {
            let rows: Vec<usize> = (0..n).collect();
            let chunks = cacheable_chunks(&rows);
            let flat: Vec<usize> = chunks.iter().flat_map(|c| c.iter().copied()).collect();
            assert_eq!(flat, rows);
            assert!(
                chunks
                    .iter()
                    .all(|c| [256, 64, 16, 4, 1].contains(&c.len()))
            );
        }
    }

    #[test]
    fn side_writes_keep_each_persons_newest_fix_and_each_day_once() {
        let t = TenantId(Uuid::now_v7());
        let (a, b) = (EmployeeId(Uuid::now_v7()), EmployeeId(Uuid::now_v7()));
        let batches = vec![
            batch(t, a, &[5, 9], &["2026-12-06", "2026-12-07"]),
            batch(t, a, &[7], &["2026-12-07"]),
            batch(t, b, &[1], &["2026-12-07"]),
        ];
        // b's batch was a pure retry: it moves neither the live map nor a summary.
        let side = SideWrites::of(&batches, &[2, 1, 0]);
        assert_eq!(side.newest.len(), 1);
        assert_eq!((side.newest[0].0.employee, side.newest[0].1.t_ms), (a, 9));
        let mut keys: Vec<_> = side
            .day_jobs
            .iter()
            .map(|j| j.unique_key.clone().unwrap())
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            vec![format!("{}/2026-12-06", a.0), format!("{}/2026-12-07", a.0)]
        );
    }
}
