//! People of a tenant.

use crate::cursor::{self, MAX_LIMIT, Page};
use crate::error::conflict_or;
use crate::events::{NewEvent, record_event};
use crate::pool::{on_pool, write_tx};
use crate::reach;
use crate::sql::{Arg, Sql, bind_all};
use crate::time::{from_ms, now_ms};
use crate::upsert::{
    RowResults, RowWrite, UpsertTarget, Written, check_expected, lock_version, write_rows,
};
use crate::{Store, StoreError};
use domain::access::Reach;
use domain::employee::{Employee, EmployeeDraft, Role};
use domain::{DepartmentId, EmployeeId, Format, Problem, TenantId};
use serde_json::Value;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    username: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    employee_no: Option<String>,
    department_id: Uuid,
    role: String,
    active: bool,
    start_date: Option<String>,
    external_id: Option<String>,
    created_at: i64,
    updated_at: i64,
    row_version: i64,
}

impl From<Row> for Employee {
    fn from(r: Row) -> Self {
        Employee {
            id: EmployeeId(r.id),
            name: r.name,
            username: r.username,
            phone: r.phone,
            email: r.email,
            employee_no: r.employee_no,
            department_id: DepartmentId(r.department_id),
            role: Role::parse(&r.role).unwrap_or(Role::Field),
            active: r.active,
            start_date: r.start_date.and_then(|d| d.parse().ok()),
            external_id: r.external_id,
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
            version: r.row_version,
        }
    }
}

const COLUMNS: &str = "e.id, e.name, e.username, e.phone, e.email, e.employee_no, e.department_id, e.role, \
                       e.active, e.start_date, e.external_id, e.created_at, e.updated_at, e.row_version";
const UNIQUE: &[&str] = &["username", "employee_no", "external_id"];

/// One employee to write by [`Store::upsert_employees`]; `password_hash` is already
/// hashed, `None` keeps the stored one.
#[derive(Clone, Debug)]
pub struct EmployeeUpsert {
    pub target: UpsertTarget,
    pub draft: EmployeeDraft,
    pub password_hash: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct EmployeeFilter {
    pub department_id: Option<DepartmentId>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Matches name, username, employee number, phone or email (substring).
    pub q: Option<String>,
    /// Only people changed at or after this instant (epoch ms); the page is then in
    /// (updated_at, id) order instead of by name.
    pub updated_since: Option<i64>,
    pub cursor: Option<String>,
    pub limit: u32,
}

/// What a login needs to know about an account.
pub struct LoginCandidate {
    pub id: EmployeeId,
    pub password_hash: Option<String>,
    pub active: bool,
}

impl Store {
    pub async fn list_employees(
        &self,
        tenant: TenantId,
        reach: &Reach,
        f: &EmployeeFilter,
    ) -> Result<Page<Employee>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM employees e WHERE e.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0));
        reach::employees(&mut sql, tenant, reach);
        if let Some(d) = f.department_id {
            sql.push(" AND e.department_id = ").bind(Arg::Uuid(d.0));
        }
        if let Some(r) = f.role {
            sql.push(" AND e.role = ")
                .bind(Arg::Text(r.as_str().into()));
        }
        if let Some(a) = f.active {
            sql.push(if a {
                " AND e.active"
            } else {
                " AND NOT e.active"
            });
        }
        if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = like_pattern(q);
            sql.push(" AND (");
            for (i, col) in [
                "e.name",
                "e.username",
                "e.employee_no",
                "e.phone",
                "e.email",
            ]
            .iter()
            .enumerate()
            {
                if i > 0 {
                    sql.push(" OR ");
                }
                sql.push(&format!("lower({col}) LIKE "))
                    .bind(Arg::Text(pattern.clone()))
                    .push(" ESCAPE '\\'");
            }
            sql.push(")");
        }
        if let Some(since) = f.updated_since {
            sql.push(" AND e.updated_at >= ").bind(Arg::I64(since));
        }
        let bad_cursor = || StoreError::invalid("cursor", Problem::format(Format::Cursor));
        if let Some(c) = &f.cursor {
            let (v, id) = cursor::decode(c)?;
            let key = if f.updated_since.is_some() {
                Arg::I64(v.as_i64().ok_or_else(bad_cursor)?)
            } else {
                Arg::Text(v.as_str().ok_or_else(bad_cursor)?.into())
            };
            let col = if f.updated_since.is_some() {
                "e.updated_at"
            } else {
                "e.name"
            };
            sql.push(&format!(" AND ({col} > ")).bind(key.clone());
            sql.push(&format!(" OR ({col} = ")).bind(key);
            sql.push(" AND e.id > ").bind(Arg::Uuid(id)).push("))");
        }
        let limit = f.limit.clamp(1, MAX_LIMIT);
        let order = if f.updated_since.is_some() {
            "e.updated_at, e.id"
        } else {
            "e.name, e.id"
        };
        sql.push(&format!(" ORDER BY {order} LIMIT {}", limit + 1));
        let Sql { text, args } = sql;
        let mut rows: Vec<Row> = on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_all(p)
                .await?
        });
        let next_cursor = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|r| {
                let key = if f.updated_since.is_some() {
                    Value::from(r.updated_at)
                } else {
                    Value::String(r.name.clone())
                };
                cursor::encode(key, r.id)
            })
        } else {
            None
        };
        Ok(Page {
            items: rows.into_iter().map(Employee::from).collect(),
            next_cursor,
        })
    }

    /// One employee, if the caller reaches them; otherwise `NotFound` (never "forbidden",
    /// which would confirm the id exists).
    pub async fn employee(
        &self,
        tenant: TenantId,
        id: EmployeeId,
        reach: &Reach,
    ) -> Result<Employee, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM employees e WHERE e.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0))
            .push(" AND e.id = ")
            .bind(Arg::Uuid(id.0));
        reach::employees(&mut sql, tenant, reach);
        let Sql { text, args } = sql;
        let row: Option<Row> = on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_optional(p)
                .await?
        });
        row.map(Employee::from).ok_or(StoreError::NotFound)
    }

    pub async fn login_candidate(
        &self,
        tenant: TenantId,
        username: &str,
    ) -> Result<Option<LoginCandidate>, StoreError> {
        let row: Option<(Uuid, Option<String>, bool)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT id, password_hash, active FROM employees WHERE tenant_id = $1 AND username = $2")
                .bind(tenant.0)
                .bind(username)
                .fetch_optional(p)
                .await?
        });
        Ok(row.map(|(id, password_hash, active)| LoginCandidate {
            id: EmployeeId(id),
            password_hash,
            active,
        }))
    }

    /// Creates an employee. `password_hash` is already hashed by the caller. With a
    /// client-chosen id that exists, returns the existing row and `false`.
    pub async fn create_employee(
        &self,
        tenant: TenantId,
        id: Option<EmployeeId>,
        digest: Option<&str>,
        d: &EmployeeDraft,
        password_hash: Option<&str>,
    ) -> Result<Option<Employee>, StoreError> {
        let id = id.unwrap_or_default();
        self.check_department(tenant, d.department_id).await?;
        let now = now_ms();
        let created = write_tx!(self, |tx| {
            let created = sqlx::query(
                "INSERT INTO employees (tenant_id, id, department_id, name, username, password_hash, phone,
                    email, employee_no, role, active, created_at, updated_at, start_date, body_digest, external_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15)
                 ON CONFLICT (tenant_id, id) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(d.department_id.0)
            .bind(&d.name)
            .bind(&d.username)
            .bind(password_hash)
            .bind(&d.phone)
            .bind(&d.email)
            .bind(&d.employee_no)
            .bind(d.role.as_str())
            .bind(d.active)
            .bind(now)
            .bind(d.start_date.map(|x| x.to_string()))
            .bind(digest)
            .bind(&d.external_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| conflict_or(e, UNIQUE))?
            .rows_affected()
                > 0;
            if created {
                record_event!(tx, &employee_event(tenant, "employee.created", id));
            }
            created
        });
        if !created {
            return Ok(None);
        }
        Ok(Some(self.employee(tenant, id, &Reach::Tenant).await?))
    }

    /// Replaces an employee's fields; a new password hash replaces the old one, `None`
    /// keeps it; with `expected`, only while the row is at that version. Deactivating
    /// someone ends their sessions; their history stays. A replacement equal to the
    /// stored employee (and no new password) changes nothing, not even `updated_at`, and
    /// records no event.
    pub async fn update_employee(
        &self,
        tenant: TenantId,
        id: EmployeeId,
        expected: Option<i64>,
        d: &EmployeeDraft,
        password_hash: Option<&str>,
    ) -> Result<Employee, StoreError> {
        let row = EmployeeUpsert {
            target: UpsertTarget::Existing { id: id.0, expected },
            draft: d.clone(),
            password_hash: password_hash.map(str::to_owned),
        };
        let mut out = self
            .upsert_employees(tenant, std::slice::from_ref(&row), true)
            .await?;
        if let Some(Some(Err(e))) = out.pop() {
            return Err(e);
        }
        self.employee(tenant, id, &Reach::Tenant).await
    }

    /// Writes employees by target (the caller has matched each to a stored row or chosen
    /// a new id, and checked placement and reach): atomically or row by row, see
    /// [`write_rows!`]. An update does what [`Store::update_employee`] describes.
    pub async fn upsert_employees(
        &self,
        tenant: TenantId,
        rows: &[EmployeeUpsert],
        atomic: bool,
    ) -> Result<RowResults, StoreError> {
        let now = now_ms();
        Ok(write_rows!(self, atomic, rows, |tx, row| {
            async {
                let d = &row.draft;
                let password_hash = row.password_hash.as_deref();
                let dept: Option<(Uuid,)> =
                    sqlx::query_as("SELECT id FROM departments WHERE tenant_id = $1 AND id = $2")
                        .bind(tenant.0)
                        .bind(d.department_id.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                if dept.is_none() {
                    return Err(StoreError::invalid("department_id", Problem::NotFound));
                }
                let (id, version) = match row.target {
                    UpsertTarget::New(id) => {
                        let n = sqlx::query(
                            "INSERT INTO employees (tenant_id, id, department_id, name, username, password_hash, phone,
                                email, employee_no, role, active, created_at, updated_at, start_date, external_id)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14)
                             ON CONFLICT (tenant_id, id) DO NOTHING",
                        )
                        .bind(tenant.0)
                        .bind(id)
                        .bind(d.department_id.0)
                        .bind(&d.name)
                        .bind(&d.username)
                        .bind(password_hash)
                        .bind(&d.phone)
                        .bind(&d.email)
                        .bind(&d.employee_no)
                        .bind(d.role.as_str())
                        .bind(d.active)
                        .bind(now)
                        .bind(d.start_date.map(|x| x.to_string()))
                        .bind(&d.external_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| conflict_or(e, UNIQUE))?
                        .rows_affected();
                        if n == 0 {
                            return Err(StoreError::Conflict { field: "id" });
                        }
                        record_event!(tx, &employee_event(tenant, "employee.created", EmployeeId(id)));
                        return Ok(RowWrite {
                            id,
                            written: Written::Created,
                            version: 1,
                        });
                    }
                    UpsertTarget::Existing { id, expected } => {
                        let version = lock_version!(tx, "employees", tenant.0, id);
                        check_expected(expected, version)?;
                        (id, version)
                    }
                };
                let before: Option<(Uuid, String)> = sqlx::query_as(
                    "SELECT e.department_id, t.timezone FROM employees e JOIN tenants t ON t.id = e.tenant_id
                     WHERE e.tenant_id = $1 AND e.id = $2",
                )
                .bind(tenant.0)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let changed = sqlx::query(
                    "UPDATE employees SET department_id = $3, name = $4, username = $5,
                        password_hash = COALESCE($6, password_hash), phone = $7, email = $8, employee_no = $9,
                        role = $10, active = $11, updated_at = $12, start_date = $13, external_id = $14,
                        row_version = row_version + 1
                     WHERE tenant_id = $1 AND id = $2
                       AND ($6 IS NOT NULL OR department_id IS DISTINCT FROM $3 OR name IS DISTINCT FROM $4
                         OR username IS DISTINCT FROM $5 OR phone IS DISTINCT FROM $7 OR email IS DISTINCT FROM $8
                         OR employee_no IS DISTINCT FROM $9 OR role IS DISTINCT FROM $10
                         OR active IS DISTINCT FROM $11 OR start_date IS DISTINCT FROM $13
                         OR external_id IS DISTINCT FROM $14)",
                )
                .bind(tenant.0)
                .bind(id)
                .bind(d.department_id.0)
                .bind(&d.name)
                .bind(&d.username)
                .bind(password_hash)
                .bind(&d.phone)
                .bind(&d.email)
                .bind(&d.employee_no)
                .bind(d.role.as_str())
                .bind(d.active)
                .bind(now)
                .bind(d.start_date.map(|x| x.to_string()))
                .bind(&d.external_id)
                .execute(&mut *tx)
                .await
                .map_err(|e| conflict_or(e, UNIQUE))?
                .rows_affected()
                    > 0;
                if changed {
                    record_event!(tx, &employee_event(tenant, "employee.updated", EmployeeId(id)));
                    if !d.active {
                        // Their open approvals go to stand-ins: the sweep finds them.
                        let job = crate::jobs::NewJob::new(
                            tenant,
                            crate::approvals::APPROVALS_SWEEP_JOB,
                            "{}".into(),
                        )
                        .keyed("sweep");
                        crate::jobs::enqueue_job!(tx, &job);
                    }
                    // A move: the days before today stay with the old department (reports
                    // count each day where it was spent); today's facts follow the new one.
                    if let Some((old, tz)) = before.filter(|(old, _)| *old != d.department_id.0) {
                        let today = crate::report_facts::local_day(&tz, now);
                        sqlx::query(
                            "INSERT INTO employee_department_moves (tenant_id, employee_id, until_day, department_id, moved_ms)
                             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, employee_id, until_day) DO NOTHING",
                        )
                        .bind(tenant.0)
                        .bind(id)
                        .bind(&today)
                        .bind(old)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                        crate::report_facts::enqueue_facts!(self, tx, tenant, EmployeeId(id), &today);
                    }
                }
                if !d.active || password_hash.is_some() {
                    sqlx::query(
                        "UPDATE sessions SET revoked_at = $3 WHERE tenant_id = $1 AND employee_id = $2 AND revoked_at IS NULL",
                    )
                    .bind(tenant.0)
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
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
            .await
        }))
    }

    /// The stored employee with this external id — `NotFound` when they exist outside
    /// the caller's reach (as if absent).
    pub async fn employee_by_external_id(
        &self,
        tenant: TenantId,
        reach: &Reach,
        external_id: &str,
    ) -> Result<Option<Employee>, StoreError> {
        let found: Option<(Uuid,)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT id FROM employees WHERE tenant_id = $1 AND external_id = $2")
                .bind(tenant.0)
                .bind(external_id)
                .fetch_optional(p)
                .await?
        });
        match found {
            None => Ok(None),
            Some((id,)) => self.employee(tenant, EmployeeId(id), reach).await.map(Some),
        }
    }

    async fn check_department(&self, tenant: TenantId, id: DepartmentId) -> Result<(), StoreError> {
        let found: Option<(Uuid,)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT id FROM departments WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0)
                .bind(id.0)
                .fetch_optional(p)
                .await?
        });
        found
            .map(|_| ())
            .ok_or_else(|| StoreError::invalid("department_id", Problem::NotFound))
    }
}

/// A case-insensitive substring pattern with LIKE's wildcards escaped.
pub(crate) fn like_pattern(q: &str) -> String {
    let escaped = q
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// An `employee.*` event: its payload is the employee's id alone (readers fetch the rest).
pub(crate) fn employee_event(tenant: TenantId, kind: &'static str, id: EmployeeId) -> NewEvent {
    NewEvent::new(
        tenant,
        kind,
        id.0,
        serde_json::json!({ "employee_id": id.0 }),
    )
}
