//! What an idempotent create needs from the database besides its own insert: the body
//! digest stored with a row created under a client id. Each create inserts with
//! `ON CONFLICT (tenant_id, id) DO NOTHING` and the digest in the same statement, so of
//! any number of concurrent copies exactly one inserts and the others find its row.

use crate::pool::on_pool;
use crate::{Store, StoreError};
use domain::TenantId;
use uuid::Uuid;

/// The tables whose creates take a client id and keep a body digest. The table names
/// come from here, never from input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreateKind {
    Customer,
    Department,
    Employee,
    Geofence,
    Form,
    Device,
    ApiKey,
    ReportSchedule,
    Webhook,
}

impl CreateKind {
    fn query(self) -> &'static str {
        match self {
            CreateKind::Customer => {
                "SELECT body_digest FROM customers WHERE tenant_id = $1 AND id = $2"
            }
            CreateKind::Department => {
                "SELECT body_digest FROM departments WHERE tenant_id = $1 AND id = $2"
            }
            CreateKind::Employee => {
                "SELECT body_digest FROM employees WHERE tenant_id = $1 AND id = $2"
            }
            CreateKind::Geofence => {
                "SELECT body_digest FROM geofences WHERE tenant_id = $1 AND id = $2"
            }
            // A form's create is its version 1; later versions are edits.
            CreateKind::Form => {
                "SELECT body_digest FROM forms WHERE tenant_id = $1 AND id = $2 AND version = 1"
            }
            CreateKind::Device => {
                "SELECT body_digest FROM devices WHERE tenant_id = $1 AND id = $2"
            }
            CreateKind::ApiKey => {
                "SELECT body_digest FROM api_keys WHERE tenant_id = $1 AND id = $2"
            }
            CreateKind::ReportSchedule => {
                "SELECT body_digest FROM report_schedules WHERE tenant_id = $1 AND id = $2"
            }
            CreateKind::Webhook => {
                "SELECT body_digest FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2"
            }
        }
    }
}

/// A row already stored under a client id: the digest of the body that created it
/// (`None` for rows from before digests were kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCreate {
    pub digest: Option<String>,
}

impl Store {
    /// The row this tenant already has under `id`, if any.
    pub async fn stored_create(
        &self,
        kind: CreateKind,
        tenant: TenantId,
        id: Uuid,
    ) -> Result<Option<StoredCreate>, StoreError> {
        let row: Option<(Option<String>,)> = on_pool!(self, |p| {
            sqlx::query_as(kind.query())
                .bind(tenant.0)
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        Ok(row.map(|(digest,)| StoredCreate { digest }))
    }
}
