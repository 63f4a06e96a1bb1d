//! Mileage and expense claims: one row per person and period with its computed figures,
//! the rep's adjustments and expenses. The money rules are the `claims` crate's; this
//! module stores what it answers and moves a claim through its statuses with
//! compare-and-set updates, so two deciders (or two submitters) never both win.

use crate::cursor::{self, MAX_LIMIT, Page};
use crate::events::{NewEvent, record_event};
use crate::pool::{on_pool, write_on_pool, write_tx};
use crate::reach;
use crate::sql::{Arg, Sql, bind_all};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::access::Reach;
use domain::{DepartmentId, EmployeeId, TenantId};
use uuid::Uuid;

/// A claim as stored.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredClaim {
    pub id: Uuid,
    pub employee_id: Uuid,
    pub period: String,
    /// `draft`, `submitted`, `approved`, `rejected` or `paid`.
    pub status: String,
    pub currency: String,
    pub mileage_minor: i64,
    pub expenses_minor: i64,
    pub total_minor: i64,
    pub paid_m: i64,
    /// JSON list of the rate versions the lines used.
    pub rate_refs: String,
    /// The latest computed `claims::Claim` (JSON).
    pub claim: String,
    /// The `claims::ClaimSnapshot` frozen at submission (JSON).
    pub snapshot: Option<String>,
    pub approval_id: Option<Uuid>,
    pub created_ms: i64,
    pub created_by: Option<Uuid>,
    pub computed_ms: i64,
    pub submitted_ms: Option<i64>,
    pub submitted_by: Option<Uuid>,
    pub decided_ms: Option<i64>,
    pub decided_by: Option<Uuid>,
    pub decision_comment: Option<String>,
    pub paid_ms: Option<i64>,
    pub paid_by: Option<Uuid>,
    pub payout_id: Option<Uuid>,
}

pub(crate) const COLUMNS: &str = "c.id, c.employee_id, c.period, c.status, c.currency, c.mileage_minor, c.expenses_minor, \
     c.total_minor, c.paid_m, c.rate_refs, c.claim, c.snapshot, c.approval_id, c.created_ms, c.created_by, \
     c.computed_ms, c.submitted_ms, c.submitted_by, c.decided_ms, c.decided_by, c.decision_comment, c.paid_ms, \
     c.paid_by, c.payout_id";

/// The figures of a freshly computed claim.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimFigures {
    pub currency: String,
    pub mileage_minor: i64,
    pub expenses_minor: i64,
    pub total_minor: i64,
    pub paid_m: i64,
    pub rate_refs: String,
    pub claim: String,
}

/// Statuses in which the rep still edits the claim and it follows the day data.
pub const EDITABLE: &str = "('draft', 'rejected')";

/// Which claims to list.
#[derive(Clone, Debug, Default)]
pub struct ClaimFilter {
    pub period: Option<String>,
    pub employee_id: Option<EmployeeId>,
    /// This department and those below it.
    pub department_id: Option<DepartmentId>,
    pub status: Option<String>,
    pub cursor: Option<String>,
    pub limit: u32,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredAdjustment {
    pub day: String,
    pub meters: i64,
    pub reason: String,
    pub by_id: Option<Uuid>,
    pub at_ms: i64,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredExpense {
    pub id: Uuid,
    pub claim_id: Uuid,
    pub employee_id: Uuid,
    pub category: String,
    pub amount_minor: i64,
    pub currency: String,
    pub day: String,
    pub photo_id: Option<Uuid>,
    pub receipt_hash: Option<String>,
    pub note: Option<String>,
    pub digest: String,
    pub created_by: Option<Uuid>,
    pub created_ms: i64,
}

const EXPENSE_COLUMNS: &str = "id, claim_id, employee_id, category, amount_minor, currency, day, photo_id, \
     receipt_hash, note, digest, created_by, created_ms";

/// An earlier expense of the tenant with the same receipt.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ReceiptSeen {
    pub receipt_hash: String,
    pub id: Uuid,
    pub claim_id: Uuid,
    pub created_ms: i64,
}

impl Store {
    /// The person's claim for the period, creating it as a draft with `figures` when there
    /// is none; `true` when this call created it. Concurrent calls store one row.
    pub async fn create_draft_claim(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        period: &str,
        by: Option<Uuid>,
        figures: &ClaimFigures,
    ) -> Result<(StoredClaim, bool), StoreError> {
        let now = now_ms();
        let created = write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO claims (tenant_id, id, employee_id, period, status, currency, mileage_minor,
                    expenses_minor, total_minor, paid_m, rate_refs, claim, created_ms, created_by, computed_ms)
                 VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $9, $10, $11, $12, $13, $12)
                 ON CONFLICT DO NOTHING",
            )
            .bind(tenant.0)
            .bind(Uuid::now_v7())
            .bind(employee.0)
            .bind(period)
            .bind(&figures.currency)
            .bind(figures.mileage_minor)
            .bind(figures.expenses_minor)
            .bind(figures.total_minor)
            .bind(figures.paid_m)
            .bind(&figures.rate_refs)
            .bind(&figures.claim)
            .bind(now)
            .bind(by)
            .execute(p)
            .await?
            .rows_affected()
                > 0
        });
        let claim = self
            .claim_of(tenant, employee, period)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((claim, created))
    }

    /// The person's claim for the period, if any.
    pub async fn claim_of(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        period: &str,
    ) -> Result<Option<StoredClaim>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM claims c WHERE c.tenant_id = $1 AND c.employee_id = $2 AND c.period = $3"
        );
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(employee.0)
                .bind(period)
                .fetch_optional(p)
                .await?
        }))
    }

    /// Every claim of the person as (id, period, created), oldest first: what a new
    /// claim's days must not repeat when the tenant changed its claim period.
    pub async fn claim_periods(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
    ) -> Result<Vec<(Uuid, String, i64)>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, period, created_ms FROM claims WHERE tenant_id = $1 AND employee_id = $2
                 ORDER BY created_ms, id",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .fetch_all(p)
            .await?
        }))
    }

    /// One claim, if the caller reaches its person (else `NotFound`).
    pub async fn claim(
        &self,
        tenant: TenantId,
        id: Uuid,
        reach: &Reach,
    ) -> Result<StoredClaim, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM claims c JOIN employees e ON e.tenant_id = c.tenant_id AND e.id = c.employee_id
             WHERE c.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0))
            .push(" AND c.id = ")
            .bind(Arg::Uuid(id));
        reach::employees(&mut sql, tenant, reach);
        let Sql { text, args } = sql;
        let row: Option<StoredClaim> = on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_optional(p)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Claims the caller reaches, in creation order, a page at a time.
    pub async fn list_claims(
        &self,
        tenant: TenantId,
        reach: &Reach,
        f: &ClaimFilter,
    ) -> Result<Page<StoredClaim>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM claims c JOIN employees e ON e.tenant_id = c.tenant_id AND e.id = c.employee_id
             WHERE c.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0));
        reach::employees(&mut sql, tenant, reach);
        if let Some(d) = f.department_id {
            reach::employees(&mut sql, tenant, &Reach::Subtree(d));
        }
        if let Some(e) = f.employee_id {
            sql.push(" AND c.employee_id = ").bind(Arg::Uuid(e.0));
        }
        if let Some(p) = &f.period {
            sql.push(" AND c.period = ").bind(Arg::Text(p.clone()));
        }
        if let Some(s) = &f.status {
            sql.push(" AND c.status = ").bind(Arg::Text(s.clone()));
        }
        if let Some(c) = &f.cursor {
            let (_, id) = cursor::decode(c)?;
            sql.push(" AND c.id > ").bind(Arg::Uuid(id));
        }
        let limit = f.limit.clamp(1, MAX_LIMIT);
        sql.push(&format!(" ORDER BY c.id LIMIT {}", limit + 1));
        let Sql { text, args } = sql;
        let mut rows: Vec<StoredClaim> = on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_all(p)
                .await?
        });
        let next_cursor = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last()
                .map(|r| cursor::encode(serde_json::Value::Null, r.id))
        } else {
            None
        };
        Ok(Page {
            items: rows,
            next_cursor,
        })
    }

    /// Stores a recomputed draft (or rejected claim being reworked); `false` when the claim
    /// has moved on (submitted meanwhile) or nothing changed.
    pub async fn update_editable_claim(
        &self,
        tenant: TenantId,
        id: Uuid,
        figures: &ClaimFigures,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "UPDATE claims SET currency = $3, mileage_minor = $4, expenses_minor = $5, total_minor = $6,
                paid_m = $7, rate_refs = $8, claim = $9, computed_ms = $10
             WHERE tenant_id = $1 AND id = $2 AND status IN {EDITABLE} AND claim <> $9"
        );
        Ok(on_pool!(self, |p| {
            sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(id)
                .bind(&figures.currency)
                .bind(figures.mileage_minor)
                .bind(figures.expenses_minor)
                .bind(figures.total_minor)
                .bind(figures.paid_m)
                .bind(&figures.rate_refs)
                .bind(&figures.claim)
                .bind(now_ms())
                .execute(p)
                .await?
                .rows_affected()
                > 0
        }))
    }

    /// Freezes an editable claim as submitted with its snapshot; `false` when it was not
    /// editable any more (submitted twice, decided, paid).
    pub async fn submit_claim(
        &self,
        tenant: TenantId,
        id: Uuid,
        by: Option<Uuid>,
        figures: &ClaimFigures,
        snapshot: &str,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "UPDATE claims SET status = 'submitted', currency = $3, mileage_minor = $4, expenses_minor = $5,
                total_minor = $6, paid_m = $7, rate_refs = $8, claim = $9, snapshot = $10, computed_ms = $11,
                submitted_ms = $11, submitted_by = $12, decided_ms = NULL, decided_by = NULL, decision_comment = NULL
             WHERE tenant_id = $1 AND id = $2 AND status IN {EDITABLE}"
        );
        Ok(write_tx!(self, |tx| {
            let now = now_ms();
            let done = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(id)
                .bind(&figures.currency)
                .bind(figures.mileage_minor)
                .bind(figures.expenses_minor)
                .bind(figures.total_minor)
                .bind(figures.paid_m)
                .bind(&figures.rate_refs)
                .bind(&figures.claim)
                .bind(snapshot)
                .bind(now)
                .bind(by)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
            if done {
                let payload = serde_json::json!({
                    "claim_id": id, "total_minor": figures.total_minor, "currency": figures.currency,
                });
                record_event!(tx, &NewEvent::new(tenant, "claim.submitted", id, payload));
            }
            done
        }))
    }

    /// Decides a submitted claim (`approved` or `rejected`); `false` when it was not
    /// waiting for a decision.
    pub async fn decide_claim(
        &self,
        tenant: TenantId,
        id: Uuid,
        status: &str,
        by: Option<Uuid>,
        comment: Option<&str>,
    ) -> Result<bool, StoreError> {
        Ok(write_tx!(self, |tx| {
            let done = sqlx::query(
                "UPDATE claims SET status = $3, decided_ms = $4, decided_by = $5, decision_comment = $6
                 WHERE tenant_id = $1 AND id = $2 AND status = 'submitted'",
            )
            .bind(tenant.0)
            .bind(id)
            .bind(status)
            .bind(now_ms())
            .bind(by)
            .bind(comment)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if done {
                let payload = serde_json::json!({ "claim_id": id, "status": status });
                record_event!(tx, &NewEvent::new(tenant, "claim.decided", id, payload));
            }
            done
        }))
    }

    /// Records (or replaces) the rep's distance for one day of an editable claim; `false`
    /// when the claim is not editable.
    pub async fn put_adjustment(
        &self,
        tenant: TenantId,
        claim: Uuid,
        a: &StoredAdjustment,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "SELECT 1 FROM claims WHERE tenant_id = $1 AND id = $2 AND status IN {EDITABLE}"
        );
        Ok(write_tx!(self, |tx| {
            let editable: Option<(i32,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(claim)
                .fetch_optional(&mut *tx)
                .await?;
            if editable.is_some() {
                sqlx::query(
                    "INSERT INTO claim_adjustments (tenant_id, claim_id, day, meters, reason, by_id, at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (tenant_id, claim_id, day) DO UPDATE SET meters = excluded.meters,
                        reason = excluded.reason, by_id = excluded.by_id, at_ms = excluded.at_ms",
                )
                .bind(tenant.0)
                .bind(claim)
                .bind(&a.day)
                .bind(a.meters)
                .bind(&a.reason)
                .bind(a.by_id)
                .bind(a.at_ms)
                .execute(&mut *tx)
                .await?;
            }
            editable.is_some()
        }))
    }

    pub async fn claim_adjustments(
        &self,
        tenant: TenantId,
        claim: Uuid,
    ) -> Result<Vec<StoredAdjustment>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT day, meters, reason, by_id, at_ms FROM claim_adjustments
                 WHERE tenant_id = $1 AND claim_id = $2 ORDER BY day",
            )
            .bind(tenant.0)
            .bind(claim)
            .fetch_all(p)
            .await?
        }))
    }

    /// Stores an expense under its client id unless that id exists (on an editable claim
    /// only: `Ok(None)` otherwise); the stored row and whether this call stored it.
    pub async fn insert_expense(
        &self,
        tenant: TenantId,
        e: &StoredExpense,
    ) -> Result<Option<(StoredExpense, bool)>, StoreError> {
        let check = format!(
            "SELECT 1 FROM claims WHERE tenant_id = $1 AND id = $2 AND status IN {EDITABLE}"
        );
        let created = write_tx!(self, |tx| {
            let editable: Option<(i32,)> = sqlx::query_as(sqlx::AssertSqlSafe(check.as_str()))
                .bind(tenant.0)
                .bind(e.claim_id)
                .fetch_optional(&mut *tx)
                .await?;
            match editable {
                None => None,
                Some(_) => Some(
                    sqlx::query(
                        "INSERT INTO claim_expenses (tenant_id, id, claim_id, employee_id, category, amount_minor,
                            currency, day, photo_id, receipt_hash, note, digest, created_by, created_ms)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                         ON CONFLICT (tenant_id, id) DO NOTHING",
                    )
                    .bind(tenant.0)
                    .bind(e.id)
                    .bind(e.claim_id)
                    .bind(e.employee_id)
                    .bind(&e.category)
                    .bind(e.amount_minor)
                    .bind(&e.currency)
                    .bind(&e.day)
                    .bind(e.photo_id)
                    .bind(&e.receipt_hash)
                    .bind(&e.note)
                    .bind(&e.digest)
                    .bind(e.created_by)
                    .bind(now_ms())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        > 0,
                ),
            }
        });
        let stored = self.expense(tenant, e.id).await?;
        Ok(match (created, stored) {
            (Some(c), Some(s)) => Some((s, c)),
            // Not editable, but a retry of an expense stored before the submission.
            (None, Some(s)) => Some((s, false)),
            _ => None,
        })
    }

    pub async fn expense(
        &self,
        tenant: TenantId,
        id: Uuid,
    ) -> Result<Option<StoredExpense>, StoreError> {
        let sql = format!(
            "SELECT {EXPENSE_COLUMNS} FROM claim_expenses WHERE tenant_id = $1 AND id = $2"
        );
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(id)
                .fetch_optional(p)
                .await?
        }))
    }

    pub async fn claim_expenses(
        &self,
        tenant: TenantId,
        claim: Uuid,
    ) -> Result<Vec<StoredExpense>, StoreError> {
        let sql = format!(
            "SELECT {EXPENSE_COLUMNS} FROM claim_expenses WHERE tenant_id = $1 AND claim_id = $2
             ORDER BY day, created_ms, id"
        );
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(claim)
                .fetch_all(p)
                .await?
        }))
    }

    /// Expenses anywhere in the tenant carrying one of `hashes`, oldest first (through the
    /// receipt index, never a scan).
    pub async fn receipts_seen(
        &self,
        tenant: TenantId,
        hashes: &[String],
    ) -> Result<Vec<ReceiptSeen>, StoreError> {
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(
            "SELECT receipt_hash, id, claim_id, created_ms FROM claim_expenses WHERE tenant_id = ",
        );
        sql.bind(Arg::Uuid(tenant.0)).push(" AND receipt_hash IN (");
        for (i, h) in hashes.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Arg::Text(h.clone()));
        }
        sql.push(") ORDER BY created_ms, id");
        let Sql { text, args } = sql;
        Ok(on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_all(p)
                .await?
        }))
    }

    /// A person's visits with `from_ms <= in_t < to_ms`, in check-in order: the instant,
    /// the customer's name and location.
    pub async fn visits_with_customers(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<(i64, String, Option<f64>, Option<f64>)>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT v.in_t_ms, c.name, c.lat, c.lon FROM visits v
                 JOIN customers c ON c.tenant_id = v.tenant_id AND c.id = v.customer_id
                 WHERE v.tenant_id = $1 AND v.employee_id = $2 AND v.in_t_ms >= $3 AND v.in_t_ms < $4
                 ORDER BY v.in_t_ms, v.id",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(from_ms)
            .bind(to_ms)
            .fetch_all(p)
            .await?
        }))
    }
}
