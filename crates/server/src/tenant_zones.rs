//! Each tenant's time zone, read once per server. A tenant's zone is set when the tenant
//! is created and no operation changes it, so the answer is kept for good and the many
//! places that need a local date (visits, punches, day jobs, verdicts) ask no query for it.

use chrono_tz::Tz;
use domain::TenantId;
use std::collections::HashMap;
use std::sync::Mutex;
use storage::{Store, StoreError};

#[derive(Default)]
pub struct TenantZones {
    zones: Mutex<HashMap<TenantId, Tz>>,
}

impl TenantZones {
    pub async fn get(&self, store: &Store, tenant: TenantId) -> Result<Tz, StoreError> {
        if let Some(tz) = self
            .zones
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&tenant)
        {
            return Ok(*tz);
        }
        let tz = crate::tracking::schedule_cache::parse_tz(&store.tenant(tenant).await?.timezone);
        self.zones
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(tenant, tz);
        Ok(tz)
    }
}
