//! Tenants and their creation together with a root department and a first admin.

use crate::error::conflict_or;
use crate::pool::{on_pool, write_tx};
use crate::time::{from_ms, now_ms};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use domain::employee::Role;
use domain::tenant::Slug;
use domain::{DepartmentId, EmployeeId, TenantId};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub timezone: String,
    pub created_at: DateTime<Utc>,
}

pub struct NewTenant {
    pub slug: Slug,
    pub name: String,
    pub timezone: String,
    /// The top department everyone starts in (often the company's own name).
    pub root_department: String,
    pub admin_name: String,
    pub admin_username: String,
    pub admin_password_hash: String,
}

#[derive(sqlx::FromRow)]
struct TenantRow {
    id: Uuid,
    slug: String,
    name: String,
    timezone: String,
    created_at: i64,
}

impl From<TenantRow> for Tenant {
    fn from(r: TenantRow) -> Self {
        Tenant {
            id: TenantId(r.id),
            slug: r.slug,
            name: r.name,
            timezone: r.timezone,
            created_at: from_ms(r.created_at),
        }
    }
}

impl Store {
    /// Creates the tenant, its root department and its first
    /// admin in one transaction: a tenant never exists without someone who can log in.
    pub async fn create_tenant(
        &self,
        t: &NewTenant,
    ) -> Result<(TenantId, DepartmentId, EmployeeId), StoreError> {
        let (tenant, dept, admin) = (TenantId::new(), DepartmentId::new(), EmployeeId::new());
        let now = now_ms();
        write_tx!(self, |tx| {
            sqlx::query("INSERT INTO tenants (id, slug, name, timezone, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(tenant.0)
                .bind(t.slug.as_str())
                .bind(&t.name)
                .bind(&t.timezone)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(|e| match conflict_or(e, &["slug"]) {
                    StoreError::Conflict { .. } => StoreError::Conflict { field: "slug" },
                    other => other,
                })?;
            sqlx::query(
                "INSERT INTO departments (tenant_id, id, parent_id, name, created_at, updated_at)
                 VALUES ($1, $2, NULL, $3, $4, $4)",
            )
            .bind(tenant.0)
            .bind(dept.0)
            .bind(&t.root_department)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO employees (tenant_id, id, department_id, name, username, password_hash,
                    role, active, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $8)",
            )
            .bind(tenant.0)
            .bind(admin.0)
            .bind(dept.0)
            .bind(&t.admin_name)
            .bind(&t.admin_username)
            .bind(&t.admin_password_hash)
            .bind(Role::Admin.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let root = crate::departments::department_event(tenant, "department.created", dept.0);
            crate::events::record_event!(tx, &root);
            let created = crate::employees::employee_event(tenant, "employee.created", admin);
            crate::events::record_event!(tx, &created);
        });
        Ok((tenant, dept, admin))
    }

    pub async fn tenant_by_slug(&self, slug: &str) -> Result<Option<Tenant>, StoreError> {
        let row: Option<TenantRow> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, slug, name, timezone, created_at FROM tenants WHERE slug = $1",
            )
            .bind(slug)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(Tenant::from))
    }

    pub async fn tenant(&self, id: TenantId) -> Result<Tenant, StoreError> {
        let row: Option<TenantRow> = on_pool!(self, |p| {
            sqlx::query_as("SELECT id, slug, name, timezone, created_at FROM tenants WHERE id = $1")
                .bind(id.0)
                .fetch_optional(p)
                .await?
        });
        row.map(Tenant::from).ok_or(StoreError::NotFound)
    }
}
