//! The department tree.

use crate::error::conflict_or;
use crate::events::{NewEvent, record_event};
use crate::pool::{on_pool, write_tx};
use crate::time::{from_ms, now_ms};
use crate::upsert::{
    RowResults, RowWrite, UpsertTarget, Written, check_expected, lock_version, write_rows,
};
use crate::{Store, StoreError};
use domain::access::Reach;
pub use domain::department::Department;
use domain::department::{self, DepartmentDraft, DepartmentLink};

const UNIQUE: &[&str] = &["external_id"];

/// One department to write by [`Store::upsert_departments`].
#[derive(Clone, Debug)]
pub struct DepartmentUpsert {
    pub target: UpsertTarget,
    pub draft: DepartmentDraft,
}
use domain::{DepartmentId, Problem, TenantId};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    parent_id: Option<Uuid>,
    name: String,
    external_id: Option<String>,
    created_at: i64,
    updated_at: i64,
    row_version: i64,
}

impl From<Row> for Department {
    fn from(r: Row) -> Self {
        Department {
            id: DepartmentId(r.id),
            parent_id: r.parent_id.map(DepartmentId),
            name: r.name,
            external_id: r.external_id,
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
            version: r.row_version,
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
                "SELECT id, parent_id, name, external_id, created_at, updated_at, row_version FROM departments
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
        d: &DepartmentDraft,
    ) -> Result<Option<Department>, StoreError> {
        let (name, parent) = (&d.name, d.parent_id);
        let id = id.unwrap_or_default();
        if let Some(parent) = parent {
            self.department(tenant, parent, &Reach::Tenant)
                .await
                .map_err(|_| StoreError::invalid("parent_id", Problem::NotFound))?;
        }
        let now = now_ms();
        let n = write_tx!(self, |tx| {
            let n = sqlx::query(
                "INSERT INTO departments (tenant_id, id, parent_id, name, created_at, updated_at, body_digest, external_id)
                 VALUES ($1, $2, $3, $4, $5, $5, $6, $7) ON CONFLICT (tenant_id, id) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(parent.map(|d| d.0))
            .bind(name)
            .bind(now)
            .bind(digest)
            .bind(&d.external_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| conflict_or(e, UNIQUE))?
            .rows_affected();
            if n > 0 {
                record_event!(tx, &department_event(tenant, "department.created", id.0));
            }
            n
        });
        self.config.forget(tenant);
        if n == 0 {
            return Ok(None);
        }
        Ok(Some(self.department(tenant, id, &Reach::Tenant).await?))
    }

    /// Renames or moves a department; with `expected`, only while it is at that version.
    pub async fn update_department(
        &self,
        tenant: TenantId,
        id: DepartmentId,
        expected: Option<i64>,
        d: &DepartmentDraft,
    ) -> Result<Department, StoreError> {
        let row = DepartmentUpsert {
            target: UpsertTarget::Existing { id: id.0, expected },
            draft: d.clone(),
        };
        let mut out = self
            .upsert_departments(tenant, std::slice::from_ref(&row), true)
            .await?;
        if let Some(Some(Err(e))) = out.pop() {
            return Err(e);
        }
        self.department(tenant, id, &Reach::Tenant).await
    }

    /// Writes departments by target, atomically or row by row (see [`write_rows!`]). The
    /// parent must exist (an earlier row of the batch counts) and a move must not put a
    /// department below itself; both are checked inside the row's transaction.
    pub async fn upsert_departments(
        &self,
        tenant: TenantId,
        rows: &[DepartmentUpsert],
        atomic: bool,
    ) -> Result<RowResults, StoreError> {
        let now = now_ms();
        let out = write_rows!(self, atomic, rows, |tx, row| {
            async {
                let d = &row.draft;
                let stored: Vec<(Uuid, Option<Uuid>)> =
                    sqlx::query_as("SELECT id, parent_id FROM departments WHERE tenant_id = $1")
                        .bind(tenant.0)
                        .fetch_all(&mut *tx)
                        .await?;
                let links: Vec<DepartmentLink> = stored
                    .into_iter()
                    .map(|(id, parent)| DepartmentLink {
                        id: DepartmentId(id),
                        parent: parent.map(DepartmentId),
                    })
                    .collect();
                if let Some(parent) = d.parent_id
                    && !links.iter().any(|l| l.id == parent)
                {
                    return Err(StoreError::invalid("parent_id", Problem::NotFound));
                }
                match row.target {
                    UpsertTarget::New(id) => {
                        let n = sqlx::query(
                            "INSERT INTO departments (tenant_id, id, parent_id, name, created_at, updated_at, external_id)
                             VALUES ($1, $2, $3, $4, $5, $5, $6) ON CONFLICT (tenant_id, id) DO NOTHING",
                        )
                        .bind(tenant.0)
                        .bind(id)
                        .bind(d.parent_id.map(|p| p.0))
                        .bind(&d.name)
                        .bind(now)
                        .bind(&d.external_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| conflict_or(e, UNIQUE))?
                        .rows_affected();
                        if n == 0 {
                            return Err(StoreError::Conflict { field: "id" });
                        }
                        record_event!(tx, &department_event(tenant, "department.created", id));
                        Ok(RowWrite {
                            id,
                            written: Written::Created,
                            version: 1,
                        })
                    }
                    UpsertTarget::Existing { id, expected } => {
                        let version = lock_version!(tx, "departments", tenant.0, id);
                        check_expected(expected, version)?;
                        if let Some(parent) = d.parent_id
                            && department::would_cycle(&links, DepartmentId(id), parent)
                        {
                            return Err(StoreError::invalid("parent_id", Problem::Cycle));
                        }
                        let changed = sqlx::query(
                            "UPDATE departments SET name = $3, parent_id = $4, external_id = $5, updated_at = $6,
                                row_version = row_version + 1
                             WHERE tenant_id = $1 AND id = $2
                               AND (name IS DISTINCT FROM $3 OR parent_id IS DISTINCT FROM $4
                                 OR external_id IS DISTINCT FROM $5)",
                        )
                        .bind(tenant.0)
                        .bind(id)
                        .bind(&d.name)
                        .bind(d.parent_id.map(|p| p.0))
                        .bind(&d.external_id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| conflict_or(e, UNIQUE))?
                        .rows_affected()
                            > 0;
                        if changed {
                            record_event!(tx, &department_event(tenant, "department.updated", id));
                        }
                        Ok(if changed {
                            RowWrite {
                                id,
                                written: Written::Updated,
                                version: version + 1,
                            }
                        } else {
                            RowWrite {
                                id,
                                written: Written::Unchanged,
                                version,
                            }
                        })
                    }
                }
            }
            .await
        });
        // The in-memory tree (SQLite) is read again after any write.
        self.config.forget(tenant);
        Ok(out)
    }

    /// The stored department with this external id — `NotFound` when it exists outside
    /// the caller's reach (as if absent).
    pub async fn department_by_external_id(
        &self,
        tenant: TenantId,
        reach: &Reach,
        external_id: &str,
    ) -> Result<Option<Department>, StoreError> {
        let found: Option<(Uuid,)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT id FROM departments WHERE tenant_id = $1 AND external_id = $2")
                .bind(tenant.0)
                .bind(external_id)
                .fetch_optional(p)
                .await?
        });
        match found {
            None => Ok(None),
            Some((id,)) => self
                .department(tenant, DepartmentId(id), reach)
                .await
                .map(Some),
        }
    }

    /// Only an empty department (no sub-departments, no people) can be deleted, so no
    /// history loses its department.
    pub async fn delete_department(
        &self,
        tenant: TenantId,
        id: DepartmentId,
        expected: Option<i64>,
    ) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            let stored: Option<(i64, Option<String>, Option<Uuid>)> = sqlx::query_as(
                "UPDATE departments SET row_version = row_version WHERE tenant_id = $1 AND id = $2
                 RETURNING row_version, external_id, parent_id",
            )
            .bind(tenant.0)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((version, external_id, parent)) = stored else {
                return Err(StoreError::NotFound);
            };
            check_expected(expected, version)?;
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
            record_event!(tx, &department_event(tenant, "department.deleted", id.0));
            // What `GET /tombstones` reports: the row itself is gone.
            sqlx::query(
                "INSERT INTO department_tombstones (tenant_id, id, external_id, parent_id, deleted_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (tenant_id, id) DO UPDATE SET external_id = $3, parent_id = $4, deleted_at = $5",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(external_id)
            .bind(parent)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        });
        self.config.forget(tenant);
        Ok(())
    }
}

/// A department's event: its id (a deleted one's too; `GET /tombstones` has its external id).
pub(crate) fn department_event(tenant: TenantId, kind: &'static str, id: Uuid) -> NewEvent {
    NewEvent::new(tenant, kind, id, serde_json::json!({ "department_id": id }))
}
