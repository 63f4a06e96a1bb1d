//! The department tree.

use crate::error::conflict_or;
use crate::pool::{on_pool, write_on_pool, write_tx};
use crate::time::{from_ms, now_ms};
use crate::{Store, StoreError};
use domain::access::Reach;
pub use domain::department::Department;
use domain::department::{self, DepartmentLink};
use domain::{DepartmentId, Problem, TenantId};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    parent_id: Option<Uuid>,
    name: String,
    created_at: i64,
    updated_at: i64,
}

impl From<Row> for Department {
    fn from(r: Row) -> Self {
        Department {
            id: DepartmentId(r.id),
            parent_id: r.parent_id.map(DepartmentId),
            name: r.name,
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
        }
    }
}

impl Store {
    pub async fn department_links(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<DepartmentLink>, StoreError> {
        let cache = self.config_cache();
        if let Some(links) = cache.and_then(|c| c.links(tenant)) {
            return Ok(links);
        }
        let started = cache.map(|c| c.start());
        let rows: Vec<(Uuid, Option<Uuid>)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT id, parent_id FROM departments WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_all(p)
                .await?
        });
        let links: Vec<DepartmentLink> = rows
            .into_iter()
            .map(|(id, parent)| DepartmentLink {
                id: DepartmentId(id),
                parent: parent.map(DepartmentId),
            })
            .collect();
        if let (Some(c), Some(at)) = (cache, started) {
            c.keep_links(at, tenant, &links);
        }
        Ok(links)
    }

    /// The departments a caller reaches, parents before children where the tree allows.
    pub async fn list_departments(
        &self,
        tenant: TenantId,
        reach: &Reach,
    ) -> Result<Vec<Department>, StoreError> {
        let rows: Vec<Row> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, parent_id, name, created_at, updated_at FROM departments
                 WHERE tenant_id = $1 ORDER BY created_at, id",
            )
            .bind(tenant.0)
            .fetch_all(p)
            .await?
        });
        let all: Vec<Department> = rows.into_iter().map(Department::from).collect();
        Ok(match reach {
            Reach::Tenant => all,
            Reach::Subtree(root) => {
                let links: Vec<DepartmentLink> = all
                    .iter()
                    .map(|d| DepartmentLink {
                        id: d.id,
                        parent: d.parent_id,
                    })
                    .collect();
                let keep = department::subtree(&links, *root);
                all.into_iter().filter(|d| keep.contains(&d.id)).collect()
            }
            Reach::Own(_) | Reach::None => Vec::new(),
        })
    }

    pub async fn department(
        &self,
        tenant: TenantId,
        id: DepartmentId,
        reach: &Reach,
    ) -> Result<Department, StoreError> {
        self.list_departments(tenant, reach)
            .await?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or(StoreError::NotFound)
    }

    /// Creates a department; with a client-chosen id that already exists, returns the
    /// existing one and `false` so a retried request does not fail or duplicate.
    pub async fn create_department(
        &self,
        tenant: TenantId,
        id: Option<DepartmentId>,
        digest: Option<&str>,
        name: &str,
        parent: Option<DepartmentId>,
    ) -> Result<Option<Department>, StoreError> {
        let id = id.unwrap_or_default();
        if let Some(parent) = parent {
            self.department(tenant, parent, &Reach::Tenant)
                .await
                .map_err(|_| StoreError::invalid("parent_id", Problem::NotFound))?;
        }
        let now = now_ms();
        let n = write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO departments (tenant_id, id, parent_id, name, created_at, updated_at, body_digest)
                 VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (tenant_id, id) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(parent.map(|d| d.0))
            .bind(name)
            .bind(now)
            .bind(digest)
            .execute(p)
            .await
            .map_err(|e| conflict_or(e, &[]))?
            .rows_affected()
        });
        self.config.forget(tenant);
        if n == 0 {
            return Ok(None);
        }
        Ok(Some(self.department(tenant, id, &Reach::Tenant).await?))
    }

    pub async fn update_department(
        &self,
        tenant: TenantId,
        id: DepartmentId,
        name: &str,
        parent: Option<DepartmentId>,
    ) -> Result<Department, StoreError> {
        let links = self.department_links(tenant).await?;
        if !links.iter().any(|l| l.id == id) {
            return Err(StoreError::NotFound);
        }
        if let Some(parent) = parent {
            if !links.iter().any(|l| l.id == parent) {
                return Err(StoreError::invalid("parent_id", Problem::NotFound));
            }
            if department::would_cycle(&links, id, parent) {
                return Err(StoreError::invalid("parent_id", Problem::Cycle));
            }
        }
        write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE departments SET name = $3, parent_id = $4, updated_at = $5
                 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(name)
            .bind(parent.map(|d| d.0))
            .bind(now_ms())
            .execute(p)
            .await?;
        });
        self.config.forget(tenant);
        self.department(tenant, id, &Reach::Tenant).await
    }

    /// Only an empty department (no sub-departments, no people) can be deleted, so no
    /// history loses its department.
    pub async fn delete_department(
        &self,
        tenant: TenantId,
        id: DepartmentId,
    ) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            let (children, people): (i64, i64) = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM departments WHERE tenant_id = $1 AND parent_id = $2),
                        (SELECT COUNT(*) FROM employees WHERE tenant_id = $1 AND department_id = $2)",
            )
            .bind(tenant.0)
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?;
            if children > 0 || people > 0 {
                return Err(StoreError::InUse(
                    "the department still has sub-departments or people",
                ));
            }
            let done = sqlx::query("DELETE FROM departments WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
        });
        self.config.forget(tenant);
        Ok(())
    }
}
