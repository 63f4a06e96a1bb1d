//! What claims are computed with besides the day data: each person's vehicles over time
//! and the tenant's mileage rate tables with their immutable, effective-dated versions.

use crate::pool::{on_pool, write_tx};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::{EmployeeId, TenantId};
use uuid::Uuid;

/// One vehicle assignment: from `from_date` on the person works with `kind`.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredVehicle {
    pub employee_id: Uuid,
    pub from_date: String,
    pub kind: String,
    pub plate: Option<String>,
    pub set_by: Option<Uuid>,
    pub set_ms: i64,
}

const VEHICLE_COLUMNS: &str = "employee_id, from_date, kind, plate, set_by, set_ms";

/// A rate table and its versions (`body` is a `claims::RateVersion` as JSON).
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRateTable {
    pub id: Uuid,
    pub department_id: Option<Uuid>,
    pub vehicle: Option<String>,
    pub currency: String,
    pub versions: Vec<StoredRateVersion>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoredRateVersion {
    pub version: i64,
    pub effective_from: String,
    pub body: String,
}

/// Why a rate book was not stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RatesRefused {
    /// A stored version (table, version) would change or disappear; versions are immutable
    /// because claims name them.
    VersionChanged { table: Uuid, version: i64 },
    /// A stored table's scope or currency would change.
    TableChanged { table: Uuid },
}

impl Store {
    /// A person's vehicle history, oldest first.
    pub async fn vehicle_history(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
    ) -> Result<Vec<StoredVehicle>, StoreError> {
        let sql = format!(
            "SELECT {VEHICLE_COLUMNS} FROM vehicle_assignments WHERE tenant_id = $1 AND employee_id = $2
             ORDER BY from_date"
        );
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(employee.0)
                .fetch_all(p)
                .await?
        }))
    }

    /// Every person's vehicle history in the tenant, by person then date (for generating
    /// every claim of a period at once).
    pub async fn vehicle_histories(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<StoredVehicle>, StoreError> {
        let sql = format!(
            "SELECT {VEHICLE_COLUMNS} FROM vehicle_assignments WHERE tenant_id = $1
             ORDER BY employee_id, from_date"
        );
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .fetch_all(p)
                .await?
        }))
    }

    /// Replaces a person's vehicle history; `true` when it changed.
    pub async fn replace_vehicle_history(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        items: &[StoredVehicle],
        by: Option<Uuid>,
    ) -> Result<bool, StoreError> {
        let before = self.vehicle_history(tenant, employee).await?;
        let same = before.len() == items.len()
            && before.iter().zip(items).all(|(a, b)| {
                (&a.from_date, &a.kind, &a.plate) == (&b.from_date, &b.kind, &b.plate)
            });
        if same {
            return Ok(false);
        }
        write_tx!(self, |tx| {
            sqlx::query(
                "DELETE FROM vehicle_assignments WHERE tenant_id = $1 AND employee_id = $2",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .execute(&mut *tx)
            .await?;
            let now = now_ms();
            for v in items {
                sqlx::query(
                    "INSERT INTO vehicle_assignments (tenant_id, employee_id, from_date, kind, plate, set_by, set_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(tenant.0)
                .bind(employee.0)
                .bind(&v.from_date)
                .bind(&v.kind)
                .bind(&v.plate)
                .bind(by)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        });
        Ok(true)
    }

    /// The tenant's rate tables with their versions, tables by id, versions ascending.
    pub async fn rate_tables(&self, tenant: TenantId) -> Result<Vec<StoredRateTable>, StoreError> {
        let tables: Vec<(Uuid, Option<Uuid>, Option<String>, String)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, department_id, vehicle, currency FROM mileage_rate_tables WHERE tenant_id = $1
                 ORDER BY id",
            )
            .bind(tenant.0)
            .fetch_all(p)
            .await?
        });
        let versions: Vec<(Uuid, i64, String, String)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT table_id, version, effective_from, body FROM mileage_rate_versions WHERE tenant_id = $1
                 ORDER BY table_id, version",
            )
            .bind(tenant.0)
            .fetch_all(p)
            .await?
        });
        Ok(tables
            .into_iter()
            .map(|(id, department_id, vehicle, currency)| StoredRateTable {
                id,
                department_id,
                vehicle,
                currency,
                versions: versions
                    .iter()
                    .filter(|v| v.0 == id)
                    .map(|(_, version, effective_from, body)| StoredRateVersion {
                        version: *version,
                        effective_from: effective_from.clone(),
                        body: body.clone(),
                    })
                    .collect(),
            })
            .collect())
    }

    /// Stores a rate book: new tables and new versions are added; stored ones must come
    /// back unchanged (claims name them), else nothing is written. `true` when anything
    /// was added.
    pub async fn put_rate_tables(
        &self,
        tenant: TenantId,
        tables: &[StoredRateTable],
        by: Option<Uuid>,
    ) -> Result<Result<bool, RatesRefused>, StoreError> {
        Ok(write_tx!(self, |tx| {
            let stored_tables: Vec<(Uuid, Option<Uuid>, Option<String>, String)> = sqlx::query_as(
                "SELECT id, department_id, vehicle, currency FROM mileage_rate_tables WHERE tenant_id = $1",
            )
            .bind(tenant.0)
            .fetch_all(&mut *tx)
            .await?;
            let stored_versions: Vec<(Uuid, i64, String)> = sqlx::query_as(
                "SELECT table_id, version, body FROM mileage_rate_versions WHERE tenant_id = $1",
            )
            .bind(tenant.0)
            .fetch_all(&mut *tx)
            .await?;
            for (id, dept, vehicle, currency) in &stored_tables {
                let Some(t) = tables.iter().find(|t| t.id == *id) else {
                    let version = stored_versions
                        .iter()
                        .find(|v| v.0 == *id)
                        .map_or(0, |v| v.1);
                    return Ok(Err(RatesRefused::VersionChanged {
                        table: *id,
                        version,
                    }));
                };
                if (&t.department_id, &t.vehicle, &t.currency) != (dept, vehicle, currency) {
                    return Ok(Err(RatesRefused::TableChanged { table: *id }));
                }
            }
            for (table, version, body) in &stored_versions {
                let same = tables
                    .iter()
                    .filter(|t| t.id == *table)
                    .flat_map(|t| &t.versions)
                    .any(|v| v.version == *version && v.body == *body);
                if !same {
                    return Ok(Err(RatesRefused::VersionChanged {
                        table: *table,
                        version: *version,
                    }));
                }
            }
            let now = now_ms();
            let mut added = false;
            for t in tables {
                added |= sqlx::query(
                    "INSERT INTO mileage_rate_tables (tenant_id, id, department_id, vehicle, currency, created_ms)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, id) DO NOTHING",
                )
                .bind(tenant.0)
                .bind(t.id)
                .bind(t.department_id)
                .bind(&t.vehicle)
                .bind(&t.currency)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                for v in &t.versions {
                    added |= sqlx::query(
                        "INSERT INTO mileage_rate_versions (tenant_id, table_id, version, effective_from, body,
                            created_by, created_ms)
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, table_id, version) DO NOTHING",
                    )
                    .bind(tenant.0)
                    .bind(t.id)
                    .bind(v.version)
                    .bind(&v.effective_from)
                    .bind(&v.body)
                    .bind(by)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        > 0;
                }
            }
            Ok(added)
        }))
    }
}
