//! Audit retention: each tenant's `audit_retention_days` (kept forever when unset). The
//! server deletes older entries hourly; nothing else deletes entries, and the API cannot.

use std::time::Duration;
use storage::Store;

/// Runs retention now and then hourly; ends quietly when the database closes.
pub fn spawn(store: Store) {
    tokio::spawn(async move {
        loop {
            if store.is_closed() {
                return;
            }
            if let Err(e) = prune_all(&store).await {
                if store.is_closed() {
                    return;
                }
                tracing::warn!(error = %e, "audit retention failed");
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    });
}

/// One pass over the tenants that keep entries for a limited time.
pub async fn prune_all(store: &Store) -> Result<u64, storage::StoreError> {
    let mut total = 0;
    for (tenant, days) in store.audit_retentions().await? {
        let cutoff = crate::now_ms() - i64::from(days) * 86_400_000;
        let n = store.prune_audit(tenant, cutoff).await?;
        if n > 0 {
            tracing::info!(tenant = %tenant, deleted = n, days, "audit retention removed old entries");
        }
        total += n;
    }
    Ok(total)
}
