//! Devices (phones, GPS clients) registered to people. The identifier a client sends is
//! unique across tenants, because OsmAnd-protocol requests carry nothing else.

use crate::pool::{on_pool, write_tx};
use crate::reach;
use crate::sql::{Arg, Sql, bind_all};
use crate::time::{from_ms, now_ms};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use domain::access::Reach;
use domain::{DeviceId, EmployeeId, TenantId};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct Device {
    pub id: DeviceId,
    pub employee_id: EmployeeId,
    pub identifier: String,
    pub name: Option<String>,
    pub platform: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    employee_id: Uuid,
    identifier: String,
    name: Option<String>,
    platform: Option<String>,
    created_at: i64,
    revoked_at: Option<i64>,
}

impl From<Row> for Device {
    fn from(r: Row) -> Self {
        Device {
            id: DeviceId(r.id),
            employee_id: EmployeeId(r.employee_id),
            identifier: r.identifier,
            name: r.name,
            platform: r.platform,
            created_at: from_ms(r.created_at),
            revoked_at: r.revoked_at.map(from_ms),
        }
    }
}

const COLUMNS: &str =
    "d.id, d.employee_id, d.identifier, d.name, d.platform, d.created_at, d.revoked_at";

/// Who a live identifier belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceOwner {
    pub tenant: TenantId,
    pub device: DeviceId,
    pub employee: EmployeeId,
    pub department: domain::DepartmentId,
}

/// A device to register; `digest` is the request body's (see `idem`).
#[derive(Clone, Copy, Debug)]
pub struct NewDevice<'a> {
    pub id: Option<DeviceId>,
    pub digest: Option<&'a str>,
    pub employee: EmployeeId,
    pub identifier: &'a str,
    pub name: Option<&'a str>,
    pub platform: Option<&'a str>,
}

impl Store {
    pub async fn create_device(
        &self,
        tenant: TenantId,
        d: &NewDevice<'_>,
    ) -> Result<Option<Device>, StoreError> {
        let NewDevice {
            id,
            digest,
            employee,
            identifier,
            name,
            platform,
        } = *d;
        let id = id.unwrap_or_default();
        let now = now_ms();
        let created = write_tx!(self, |tx| {
            // Revoking frees an identifier but keeps its device row (who held it, when); a
            // new registration of the identifier renames that old row's copy out of the way
            // of the UNIQUE key, so history stays and the new holder gets a fresh device.
            sqlx::query(
                "UPDATE devices SET identifier = identifier || ' (revoked ' || $3 || ')'
                 WHERE tenant_id = $1 AND identifier = $2 AND revoked_at IS NOT NULL",
            )
            .bind(tenant.0)
            .bind(identifier)
            .bind(now.to_string())
            .execute(&mut *tx)
            .await?;
            // The row under the id first: a copy that finds it taken writes nothing.
            let n = sqlx::query(
                "INSERT INTO devices (tenant_id, id, employee_id, identifier, name, platform, created_at, body_digest)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tenant_id, id) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(employee.0)
            .bind(identifier)
            .bind(name)
            .bind(platform)
            .bind(now)
            .bind(digest)
            .execute(&mut *tx)
            .await
            .map_err(|e| match crate::error::conflict_or(e, &["identifier"]) {
                StoreError::Conflict { .. } => StoreError::Conflict { field: "identifier" },
                other => other,
            })?
            .rows_affected();
            if n == 0 {
                false
            } else {
                sqlx::query("INSERT INTO device_identifiers (identifier, tenant_id, device_id) VALUES ($1, $2, $3)")
                .bind(identifier)
                .bind(tenant.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(|e| match crate::error::conflict_or(e, &[]) {
                    StoreError::Conflict { .. } => StoreError::Conflict { field: "identifier" },
                    other => other,
                })?;
                true
            }
        });
        if !created {
            return Ok(None);
        }
        Ok(Some(self.device(tenant, id, &Reach::Tenant).await?))
    }

    pub async fn device(
        &self,
        tenant: TenantId,
        id: DeviceId,
        reach: &Reach,
    ) -> Result<Device, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM devices d JOIN employees e ON e.tenant_id = d.tenant_id AND e.id = d.employee_id
             WHERE d.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0))
            .push(" AND d.id = ")
            .bind(Arg::Uuid(id.0));
        reach::employees(&mut sql, tenant, reach);
        let Sql { text, args } = sql;
        let row: Option<Row> = on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_optional(p)
                .await?
        });
        row.map(Device::from).ok_or(StoreError::NotFound)
    }

    pub async fn list_devices(
        &self,
        tenant: TenantId,
        reach: &Reach,
    ) -> Result<Vec<Device>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM devices d JOIN employees e ON e.tenant_id = d.tenant_id AND e.id = d.employee_id
             WHERE d.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0));
        reach::employees(&mut sql, tenant, reach);
        sql.push(" ORDER BY d.created_at, d.id");
        let Sql { text, args } = sql;
        let rows: Vec<Row> = on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_all(p)
                .await?
        });
        Ok(rows.into_iter().map(Device::from).collect())
    }

    /// Revokes a device: its identifier stops being accepted at once (and is freed).
    pub async fn revoke_device(
        &self,
        tenant: TenantId,
        id: DeviceId,
        reach: &Reach,
    ) -> Result<Device, StoreError> {
        let d = self.device(tenant, id, reach).await?;
        write_tx!(self, |tx| {
            sqlx::query("UPDATE devices SET revoked_at = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL")
                .bind(tenant.0)
                .bind(id.0)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM device_identifiers WHERE identifier = $1 AND tenant_id = $2")
                .bind(&d.identifier)
                .bind(tenant.0)
                .execute(&mut *tx)
                .await?;
        });
        self.device(tenant, id, reach).await
    }

    /// The tenant, device and (active) employee behind a client identifier.
    pub async fn device_owner(&self, identifier: &str) -> Result<Option<DeviceOwner>, StoreError> {
        let row: Option<(Uuid, Uuid, Uuid, Uuid)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT d.tenant_id, d.id, d.employee_id, e.department_id
                 FROM device_identifiers i
                 JOIN devices d ON d.tenant_id = i.tenant_id AND d.id = i.device_id
                 JOIN employees e ON e.tenant_id = d.tenant_id AND e.id = d.employee_id
                 WHERE i.identifier = $1 AND d.revoked_at IS NULL AND e.active",
            )
            .bind(identifier)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(|(t, d, e, dept)| DeviceOwner {
            tenant: TenantId(t),
            device: DeviceId(d),
            employee: EmployeeId(e),
            department: domain::DepartmentId(dept),
        }))
    }
}
