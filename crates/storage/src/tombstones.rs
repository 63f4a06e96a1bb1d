//! Deletions for incremental sync (`GET /api/v1/tombstones`): what an ERP must remove on
//! its side since its last run. Customers are only hidden (`deleted_at`), so their
//! tombstones are the hidden rows; a department's row is gone, so its deletion was kept in
//! `department_tombstones` (migration 0022); people are never deleted, and a deactivated
//! person is reported as such.

use crate::cursor::{self, MAX_LIMIT, Page};
use crate::pool::on_pool;
use crate::reach;
use crate::sql::{Arg, Sql, bind_all};
use crate::{Store, StoreError};
use domain::access::Reach;
use domain::{Format, Problem, TenantId};
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TombstoneOf {
    Customers,
    Employees,
    Departments,
}

/// One removed row: its id, its external id, and when it went.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Tombstone {
    pub id: Uuid,
    pub external_id: Option<String>,
    pub at_ms: i64,
}

impl Store {
    /// The rows of `of` removed at or after `since_ms` that the caller reaches, oldest
    /// first, keyset-paginated by (instant, id).
    pub async fn tombstones(
        &self,
        tenant: TenantId,
        reach: &Reach,
        of: TombstoneOf,
        since_ms: i64,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Tombstone>, StoreError> {
        let (mut sql, at) = match of {
            TombstoneOf::Customers => {
                let mut sql = Sql::new(
                    "SELECT c.id, c.external_id, c.deleted_at AS at_ms FROM customers c WHERE c.tenant_id = ",
                );
                sql.bind(Arg::Uuid(tenant.0))
                    .push(" AND c.deleted_at IS NOT NULL");
                reach::customers(&mut sql, tenant, reach);
                (sql, "c.deleted_at")
            }
            TombstoneOf::Employees => {
                let mut sql = Sql::new(
                    "SELECT e.id, e.external_id, e.updated_at AS at_ms FROM employees e WHERE e.tenant_id = ",
                );
                sql.bind(Arg::Uuid(tenant.0)).push(" AND NOT e.active");
                reach::employees(&mut sql, tenant, reach);
                (sql, "e.updated_at")
            }
            TombstoneOf::Departments => {
                let mut sql = Sql::new(
                    "SELECT t.id, t.external_id, t.deleted_at AS at_ms FROM department_tombstones t WHERE t.tenant_id = ",
                );
                sql.bind(Arg::Uuid(tenant.0));
                match reach {
                    Reach::Tenant => {}
                    // A manager sees the deletions under their subtree (the parent is
                    // still there: only an empty department can go).
                    Reach::Subtree(root) => {
                        sql.push(" AND t.parent_id IN ");
                        reach::subtree(&mut sql, tenant, root.0);
                    }
                    Reach::Own(_) | Reach::None => {
                        sql.push(" AND 1 = 0");
                    }
                }
                (sql, "t.deleted_at")
            }
        };
        sql.push(&format!(" AND {at} >= ")).bind(Arg::I64(since_ms));
        if let Some(c) = cursor {
            let (v, id) = cursor::decode(c)?;
            let v = v
                .as_i64()
                .ok_or_else(|| StoreError::invalid("cursor", Problem::format(Format::Cursor)))?;
            let id_col = format!("{}.id", &at[..1]);
            sql.push(&format!(" AND ({at} > "))
                .bind(Arg::I64(v))
                .push(&format!(" OR ({at} = "))
                .bind(Arg::I64(v))
                .push(&format!(" AND {id_col} > "))
                .bind(Arg::Uuid(id))
                .push("))");
        }
        let limit = limit.clamp(1, MAX_LIMIT);
        let id_col = format!("{}.id", &at[..1]);
        sql.push(&format!(" ORDER BY {at}, {id_col} LIMIT {}", limit + 1));
        let Sql { text, args } = sql;
        let rows: Vec<Tombstone> = on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_all(p)
                .await?
        });
        Ok(Page::from_overfetch(rows, limit, |t| {
            cursor::encode(Value::from(t.at_ms), t.id)
        }))
    }
}
