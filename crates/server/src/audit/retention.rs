//! Audit retention: each tenant's `audit_retention_days` (kept forever when unset). The
//! nightly retention job (`jobs::scheduled`) deletes older entries; nothing else deletes
//! entries, and the API cannot.

use domain::TenantId;
use storage::Store;

/// Deletes the tenant's entries older than its retention, oldest first; returns how many.
pub async fn prune(store: &Store, tenant: TenantId) -> Result<u64, storage::StoreError> {
    let Some(days) = store.audit_retention(tenant).await? else {
        return Ok(0);
    };
    let cutoff = crate::now_ms() - i64::from(days) * 86_400_000;
    let n = store.prune_audit(tenant, cutoff).await?;
    if n > 0 {
        tracing::info!(tenant = %tenant, deleted = n, days, "audit retention removed old entries");
    }
    Ok(n)
}
