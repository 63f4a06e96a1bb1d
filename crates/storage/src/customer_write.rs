//! Creating, replacing and deleting customers. Tags live twice — as JSON on the row for
//! reading and as `customer_tags` rows for filtering — and are always written together here.

use crate::error::conflict_or;
use crate::events::{NewEvent, record_event};
use crate::pool::{on_pool, write_tx};
use crate::time::now_ms;
use crate::upsert::{
    RowResults, RowWrite, UpsertTarget, Written, check_expected, lock_version, write_rows,
};
use crate::{Store, StoreError};
use domain::access::Reach;
use domain::customer::{Customer, CustomerDraft};
use domain::{CustomerId, EmployeeId, Problem, TenantId};

const UNIQUE: &[&str] = &["code", "external_id"];

/// One customer to write by [`Store::upsert_customers`].
#[derive(Clone, Debug)]
pub struct CustomerUpsert {
    pub target: UpsertTarget,
    pub draft: CustomerDraft,
}

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

    /// Replaces every field of a customer the caller reaches; with `expected`, only while
    /// it is at that version. A replacement equal to the stored customer changes nothing,
    /// not even `updated_at` or its version, and records no event.
    pub async fn update_customer(
        &self,
        tenant: TenantId,
        reach: &Reach,
        id: CustomerId,
        expected: Option<i64>,
        d: &CustomerDraft,
    ) -> Result<Customer, StoreError> {
        self.customer(tenant, id, reach).await?;
        let row = CustomerUpsert {
            target: UpsertTarget::Existing { id: id.0, expected },
            draft: d.clone(),
        };
        let mut out = self
            .upsert_customers(tenant, std::slice::from_ref(&row), true)
            .await?;
        match out.pop().flatten() {
            Some(Err(e)) => Err(e),
            _ => self.customer(tenant, id, reach).await,
        }
    }

    /// Writes customers by target (the caller has matched each to a stored row or chosen
    /// a new id, and checked owners and reach): atomically or row by row, see
    /// [`write_rows!`]. A write over a deleted customer brings it back.
    pub async fn upsert_customers(
        &self,
        tenant: TenantId,
        rows: &[CustomerUpsert],
        atomic: bool,
    ) -> Result<RowResults, StoreError> {
        let now = now_ms();
        Ok(write_rows!(self, atomic, rows, |tx, row| {
            async {
                let d = &row.draft;
                let (lat, lon) = (d.location.map(|l| l.lat()), d.location.map(|l| l.lon()));
                match row.target {
                    UpsertTarget::New(id) => {
                        let n = sqlx::query(
                            "INSERT INTO customers (tenant_id, id, name, code, external_id, address, lat, lon, level,
                                tags, contacts, owner_id, checkin_radius_m, created_at, updated_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
                             ON CONFLICT (tenant_id, id) DO NOTHING",
                        )
                        .bind(tenant.0)
                        .bind(id)
                        .bind(&d.name)
                        .bind(&d.code)
                        .bind(&d.external_id)
                        .bind(&d.address)
                        .bind(lat)
                        .bind(lon)
                        .bind(d.level.as_str())
                        .bind(json(&d.tags))
                        .bind(json(&d.contacts))
                        .bind(d.owner_id.map(|o| o.0))
                        .bind(d.checkin_radius.map(|r| r.meters()))
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| conflict_or(e, UNIQUE))?
                        .rows_affected();
                        if n == 0 {
                            return Err(StoreError::Conflict { field: "id" });
                        }
                        let cid = CustomerId(id);
                        replace_tags!(tx, tenant, cid, &d.tags);
                        record_event!(tx, &customer_event(tenant, "customer.created", cid));
                        Ok(RowWrite {
                            id,
                            written: Written::Created,
                            version: 1,
                        })
                    }
                    UpsertTarget::Existing { id, expected } => {
                        let version = lock_version!(tx, "customers", tenant.0, id);
                        check_expected(expected, version)?;
                        let changed = sqlx::query(
                            "UPDATE customers SET name = $3, code = $4, external_id = $5, address = $6, lat = $7, lon = $8,
                                level = $9, tags = $10, contacts = $11, owner_id = $12, checkin_radius_m = $13,
                                updated_at = $14, deleted_at = NULL, row_version = row_version + 1
                             WHERE tenant_id = $1 AND id = $2
                               AND (deleted_at IS NOT NULL
                                 OR name IS DISTINCT FROM $3 OR code IS DISTINCT FROM $4 OR external_id IS DISTINCT FROM $5
                                 OR address IS DISTINCT FROM $6 OR lat IS DISTINCT FROM $7 OR lon IS DISTINCT FROM $8
                                 OR level IS DISTINCT FROM $9 OR tags IS DISTINCT FROM $10 OR contacts IS DISTINCT FROM $11
                                 OR owner_id IS DISTINCT FROM $12 OR checkin_radius_m IS DISTINCT FROM $13)",
                        )
                        .bind(tenant.0)
                        .bind(id)
                        .bind(&d.name)
                        .bind(&d.code)
                        .bind(&d.external_id)
                        .bind(&d.address)
                        .bind(lat)
                        .bind(lon)
                        .bind(d.level.as_str())
                        .bind(json(&d.tags))
                        .bind(json(&d.contacts))
                        .bind(d.owner_id.map(|o| o.0))
                        .bind(d.checkin_radius.map(|r| r.meters()))
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| conflict_or(e, UNIQUE))?
                        .rows_affected()
                            > 0;
                        if !changed {
                            return Ok(RowWrite {
                                id,
                                written: Written::Unchanged,
                                version,
                            });
                        }
                        let cid = CustomerId(id);
                        replace_tags!(tx, tenant, cid, &d.tags);
                        record_event!(tx, &customer_event(tenant, "customer.updated", cid));
                        Ok(RowWrite {
                            id,
                            written: Written::Updated,
                            version: version + 1,
                        })
                    }
                }
            }
            .await
        }))
    }

    /// The stored customer with this external id, deleted or not — `(id, deleted)` — or
    /// `NotFound` when it exists but lies outside the caller's reach (as if absent).
    pub async fn customer_by_external_id(
        &self,
        tenant: TenantId,
        reach: &Reach,
        external_id: &str,
    ) -> Result<Option<(CustomerId, bool)>, StoreError> {
        let mut sql = crate::sql::Sql::new(
            "SELECT c.id, c.deleted_at IS NOT NULL AS deleted FROM customers c WHERE c.tenant_id = ",
        );
        sql.bind(crate::sql::Arg::Uuid(tenant.0))
            .push(" AND c.external_id = ")
            .bind(crate::sql::Arg::Text(external_id.to_owned()));
        let all = sql.clone();
        crate::reach::customers(&mut sql, tenant, reach);
        let mut found = Vec::new();
        for q in [all, sql] {
            let crate::sql::Sql { text, args } = q;
            let row: Option<(uuid::Uuid, bool)> = on_pool!(self, |p| {
                crate::sql::bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                    .fetch_optional(p)
                    .await?
            });
            found.push(row);
        }
        match (found[0], found[1]) {
            (None, _) => Ok(None),
            (Some(_), None) => Err(StoreError::NotFound),
            (Some(_), Some((id, deleted))) => Ok(Some((CustomerId(id), deleted))),
        }
    }

    /// Hides a customer from lists and lookups; the row stays so later history (visits)
    /// keeps its customer, and re-importing its code or external id brings it back.
    pub async fn delete_customer(
        &self,
        tenant: TenantId,
        reach: &Reach,
        id: CustomerId,
        expected: Option<i64>,
    ) -> Result<(), StoreError> {
        self.customer(tenant, id, reach).await?;
        write_tx!(self, |tx| {
            let version = sqlx::query_as::<_, (i64,)>(
                "UPDATE customers SET row_version = row_version WHERE tenant_id = $1 AND id = $2 RETURNING row_version",
            )
            .bind(tenant.0)
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?
            .0;
            check_expected(expected, version)?;
            let deleted = sqlx::query(
                "UPDATE customers SET deleted_at = $3, updated_at = $3, row_version = row_version + 1
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
