//! The tracking schedule and time zone that apply to a department, cached briefly so
//! ingest does not read rules and the department tree on every batch.

use crate::error::ApiError;
use chrono_tz::Tz;
use domain::tracking::{Schedule, TrackingRule};
use domain::{DepartmentId, TenantId};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use storage::Store;

/// A rule change reaches ingest within this long.
const TTL: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Applied {
    pub rule: TrackingRule,
    pub schedule: Schedule,
    pub tz: Tz,
}

#[derive(Default)]
pub struct ScheduleCache {
    entries: Mutex<HashMap<(TenantId, DepartmentId), (Instant, Applied)>>,
}

pub fn parse_tz(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

impl ScheduleCache {
    pub async fn get(
        &self,
        store: &Store,
        tenant: TenantId,
        dept: DepartmentId,
    ) -> Result<Applied, ApiError> {
        let cached = self
            .entries
            .lock()
            .expect("cache lock")
            .get(&(tenant, dept))
            .cloned();
        if let Some((at, a)) = cached
            && at.elapsed() < TTL
        {
            return Ok(a);
        }
        let rule = store.effective_tracking_rule(tenant, dept).await?;
        // Stored rules were validated on the way in; the default is valid by construction.
        let schedule = rule.validate().map_err(ApiError::internal)?;
        let tz = parse_tz(&store.tenant(tenant).await?.timezone);
        let applied = Applied { rule, schedule, tz };
        self.entries
            .lock()
            .expect("cache lock")
            .insert((tenant, dept), (Instant::now(), applied.clone()));
        Ok(applied)
    }

    /// Forgets a tenant's entries after its rules change.
    pub fn invalidate(&self, tenant: TenantId) {
        self.entries
            .lock()
            .expect("cache lock")
            .retain(|(t, _), _| *t != tenant);
    }
}
