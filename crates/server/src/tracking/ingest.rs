//! Accepting fixes for one person: drop what the tracking rule says not to keep, write
//! the rest through the group-committing writer, mark the touched days for summary, and
//! publish the newest position.

use super::live::{LiveHub, Position};
use super::schedule_cache::ScheduleCache;
use super::writer::{FixWriter, newest};
use crate::error::ApiError;
use domain::fix::{FixRecord, FixSource};
use domain::tracking::local_date;
use domain::{DepartmentId, DeviceId, EmployeeId, TenantId};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use storage::{FixBatch, Store};
use utoipa::ToSchema;

/// The tracking services one server runs.
pub struct Tracking {
    pub writer: FixWriter,
    pub live: LiveHub,
    pub schedules: std::sync::Arc<ScheduleCache>,
    /// OsmAnd requests refused because their identifier is not a registered device.
    pub unknown_devices: AtomicU64,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct IngestOutcome {
    /// Newly stored fixes.
    pub accepted: u64,
    /// Fixes already stored (a re-sent batch): ignored.
    pub duplicates: u64,
    /// Fixes outside the working windows, not kept (privacy).
    pub outside_window: u64,
}

impl Tracking {
    pub fn start(store: Store) -> Tracking {
        let live = LiveHub::default();
        super::relay::spawn(store.clone(), live.clone());
        Tracking {
            writer: FixWriter::start(store),
            live,
            schedules: Default::default(),
            unknown_devices: AtomicU64::new(0),
        }
    }

    pub fn count_unknown_device(&self) -> u64 {
        crate::metrics::osmand_unknown_device();
        self.unknown_devices.fetch_add(1, Ordering::Relaxed) + 1
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn ingest(
        &self,
        store: &Store,
        tenant: TenantId,
        employee: EmployeeId,
        department: DepartmentId,
        device: Option<DeviceId>,
        source: FixSource,
        fixes: Vec<FixRecord>,
    ) -> Result<IngestOutcome, ApiError> {
        let applied = self.schedules.get(store, tenant, department).await?;
        let total = fixes.len() as u64;
        let kept: Vec<FixRecord> = fixes
            .into_iter()
            .filter(|f| applied.schedule.keeps(applied.tz, f.t_ms))
            .collect();
        let outside_window = total - kept.len() as u64;
        if kept.is_empty() {
            return Ok(IngestOutcome {
                accepted: 0,
                duplicates: 0,
                outside_window,
            });
        }
        let mut days: Vec<String> = kept
            .iter()
            .map(|f| local_date(applied.tz, f.t_ms).to_string())
            .collect();
        days.sort_unstable();
        days.dedup();
        let newest = newest(&kept).cloned();
        let n = kept.len() as u64;
        let accepted = self
            .writer
            .write(FixBatch {
                tenant,
                employee,
                device,
                source,
                fixes: kept,
                days,
            })
            .await
            .map_err(ApiError::internal)?;
        if let (Some(f), true) = (newest, accepted > 0) {
            self.live.publish(Position {
                tenant,
                employee,
                t_ms: f.t_ms,
                lat: f.lat,
                lon: f.lon,
                accuracy_m: f.accuracy_m,
                speed_mps: f.speed_mps,
            });
        }
        Ok(IngestOutcome {
            accepted,
            duplicates: n - accepted,
            outside_window,
        })
    }
}
