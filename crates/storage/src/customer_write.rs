//! Creating, replacing and deleting customers. Tags live twice — as JSON on the row for
//! reading and as `customer_tags` rows for filtering — and are always written together here.

use crate::error::conflict_or;
use crate::events::{NewEvent, record_event};
use crate::pool::write_tx;
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::access::Reach;
use domain::customer::{Customer, CustomerDraft};
use domain::{CustomerId, EmployeeId, Problem, TenantId};

const UNIQUE: &[&str] = &["code", "external_id"];

/// Writes the tag rows of one customer inside an open transaction.
macro_rules! replace_tags {
    ($tx:expr, $tenant:expr, $id:expr, $tags:expr) => {{
        sqlx::query("DELETE FROM customer_tags WHERE tenant_id = $1 AND customer_id = $2")
            .bind($tenant.0)
            .bind($id.0)
            .execute(&mut *$tx)
            .await?;
        for tag in $tags {
            sqlx::query(
                "INSERT INTO customer_tags (tenant_id, customer_id, tag) VALUES ($1, $2, $3)",
            )
            .bind($tenant.0)
            .bind($id.0)
            .bind(tag)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use replace_tags;

pub(crate) fn json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

impl Store {
    /// Checks that `owner` may own customers created by a caller with `reach`: an active
    /// employee of the tenant whom the caller reaches.
    pub async fn check_owner(
        &self,
        tenant: TenantId,
        reach: &Reach,
        owner: EmployeeId,
    ) -> Result<(), StoreError> {
        match self.employee(tenant, owner, reach).await {
            Ok(e) if e.active => Ok(()),
            Ok(_) => Err(StoreError::invalid("owner_id", Problem::Deactivated)),
            Err(StoreError::NotFound) => Err(StoreError::invalid("owner_id", Problem::NotFound)),
            Err(e) => Err(e),
        }
    }

    /// Creates a customer with `digest` (of the request body) kept beside it; with a
    /// client-chosen id that exists, inserts nothing and returns `None` (the caller
    /// compares digests). The caller has checked the owner.
    pub async fn create_customer(
        &self,
        tenant: TenantId,
        id: Option<CustomerId>,
        digest: Option<&str>,
        d: &CustomerDraft,
    ) -> Result<Option<Customer>, StoreError> {
        let id = id.unwrap_or_default();
        let now = now_ms();
        let created = write_tx!(self, |tx| {
            let n = sqlx::query(
                "INSERT INTO customers (tenant_id, id, name, code, external_id, address, lat, lon, level,
                    tags, contacts, owner_id, checkin_radius_m, created_at, updated_at, body_digest)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15)
                 ON CONFLICT (tenant_id, id) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(&d.name)
            .bind(&d.code)
            .bind(&d.external_id)
            .bind(&d.address)
            .bind(d.location.map(|l| l.lat()))
            .bind(d.location.map(|l| l.lon()))
            .bind(d.level.as_str())
            .bind(json(&d.tags))
            .bind(json(&d.contacts))
            .bind(d.owner_id.map(|o| o.0))
            .bind(d.checkin_radius.map(|r| r.meters()))
            .bind(now)
            .bind(digest)
            .execute(&mut *tx)
            .await
            .map_err(|e| conflict_or(e, UNIQUE))?
            .rows_affected();
            if n > 0 {
                replace_tags!(tx, tenant, id, &d.tags);
                record_event!(tx, &customer_event(tenant, "customer.created", id));
            }
            n > 0
        });
        if !created {
            return Ok(None);
        }
        Ok(Some(self.customer(tenant, id, &Reach::Tenant).await?))
    }

    /// Replaces every field of a customer the caller reaches. A replacement equal to the
    /// stored customer changes nothing, not even `updated_at`, and records no event.
    pub async fn update_customer(
        &self,
        tenant: TenantId,
        reach: &Reach,
        id: CustomerId,
        d: &CustomerDraft,
    ) -> Result<Customer, StoreError> {
        self.customer(tenant, id, reach).await?;
        write_tx!(self, |tx| {
            let changed = sqlx::query(
                "UPDATE customers SET name = $3, code = $4, external_id = $5, address = $6, lat = $7, lon = $8,
                    level = $9, tags = $10, contacts = $11, owner_id = $12, checkin_radius_m = $13, updated_at = $14
                 WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
                   AND (name IS DISTINCT FROM $3 OR code IS DISTINCT FROM $4 OR external_id IS DISTINCT FROM $5
                     OR address IS DISTINCT FROM $6 OR lat IS DISTINCT FROM $7 OR lon IS DISTINCT FROM $8
                     OR level IS DISTINCT FROM $9 OR tags IS DISTINCT FROM $10 OR contacts IS DISTINCT FROM $11
                     OR owner_id IS DISTINCT FROM $12 OR checkin_radius_m IS DISTINCT FROM $13)",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(&d.name)
            .bind(&d.code)
            .bind(&d.external_id)
            .bind(&d.address)
            .bind(d.location.map(|l| l.lat()))
            .bind(d.location.map(|l| l.lon()))
            .bind(d.level.as_str())
            .bind(json(&d.tags))
            .bind(json(&d.contacts))
            .bind(d.owner_id.map(|o| o.0))
            .bind(d.checkin_radius.map(|r| r.meters()))
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(|e| conflict_or(e, UNIQUE))?
            .rows_affected()
                > 0;
            if changed {
                replace_tags!(tx, tenant, id, &d.tags);
                record_event!(tx, &customer_event(tenant, "customer.updated", id));
            }
        });
        self.customer(tenant, id, reach).await
    }

    /// Hides a customer from lists and lookups; the row stays so later history (visits)
    /// keeps its customer, and re-importing its code or external id brings it back.
    pub async fn delete_customer(
        &self,
        tenant: TenantId,
        reach: &Reach,
        id: CustomerId,
    ) -> Result<(), StoreError> {
        self.customer(tenant, id, reach).await?;
        write_tx!(self, |tx| {
            let deleted = sqlx::query(
                "UPDATE customers SET deleted_at = $3, updated_at = $3
                 WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if deleted {
                record_event!(tx, &customer_event(tenant, "customer.deleted", id));
            }
        });
        Ok(())
    }
}

/// A `customer.*` event: its payload is the customer's id alone (readers fetch the rest).
pub(crate) fn customer_event(tenant: TenantId, kind: &'static str, id: CustomerId) -> NewEvent {
    NewEvent::new(
        tenant,
        kind,
        id.0,
        serde_json::json!({ "customer_id": id.0 }),
    )
}
