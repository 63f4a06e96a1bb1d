//! Visits: the check-in creates the row (and, for a prospect, its pending customer in the
//! same transaction); check-out and report fill their parts. Each part keeps the client's
//! action id and body digest, so the caller can tell a replay from a conflicting reuse.

use crate::cursor::{self, MAX_LIMIT, Page};
use crate::events::{NewEvent, record_event};
use crate::pool::{on_pool, write_on_pool, write_tx};
use crate::reach;
use crate::sql::{Arg, Sql, bind_all};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::access::Reach;
use domain::{CustomerId, EmployeeId, Format, Problem, TenantId};
use uuid::Uuid;

/// A stored fix of an action: instant, device offset, WGS-84 position and accuracy. The
/// position is absent when the phone had no fix to give (the action is flagged `no_fix`).
#[derive(Clone, Debug, PartialEq)]
pub struct ActionFix {
    pub t_ms: i64,
    pub offset_min: Option<i16>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewCheckin {
    pub id: Uuid,
    pub employee: EmployeeId,
    pub customer: CustomerId,
    /// `planned`, `ad_hoc` or `prospect`.
    pub kind: String,
    pub fix: ActionFix,
    /// `within`, `outside` or `uncertain`.
    pub status: String,
    pub judgement_json: String,
    pub flags_json: String,
    pub device_json: Option<String>,
    pub digest: String,
}

/// A customer created at the rep's position, waiting for approval.
#[derive(Clone, Debug, PartialEq)]
pub struct NewProspect {
    pub id: CustomerId,
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// Where the rep stood; unknown when the check-in had no fix.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoredCheckout {
    pub id: Uuid,
    pub fix: ActionFix,
    /// The device facts the check-out came with (JSON).
    pub device_json: Option<String>,
    pub judgement_json: String,
    pub flags_json: String,
    pub digest: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoredReport {
    pub id: Uuid,
    pub form_id: Uuid,
    pub form_version: i32,
    pub answers_json: String,
    pub t_ms: i64,
    pub digest: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VisitRecord {
    pub checkin: NewCheckin,
    pub received_ms: i64,
    pub checkout: Option<StoredCheckout>,
    pub report: Option<StoredReport>,
    /// The visit's one flag set (JSON), as last computed; `None` before the first time.
    pub flags_json: Option<String>,
    /// When the visit last changed (check-in, check-out, report, a photo).
    pub updated_ms: i64,
}

/// The parts of a visit a flag set was computed from. A flag set is written only if the
/// visit still has exactly these parts, so a computation that raced another part's write
/// never overwrites the newer set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlagBasis {
    pub checkout_id: Option<Uuid>,
    pub report_id: Option<Uuid>,
    pub photos: i64,
}

/// A visit's flag set worked out before a write from the parts that write leaves, stored
/// by the write's own transaction when the visit still has those parts (else the flags
/// are left for the caller to compute again, as after any write).
#[derive(Clone, Debug, PartialEq)]
pub struct FlagWrite {
    pub json: String,
    pub basis: FlagBasis,
}

/// Inside a transaction: stores `$flags` (a [`FlagWrite`]) if the visit's parts are still
/// its basis; evaluates to whether it did.
macro_rules! write_flags {
    ($tx:expr, $tenant:expr, $visit:expr, $flags:expr) => {{
        let f: &$crate::visits::FlagWrite = $flags;
        sqlx::query($crate::visits::FLAGS_UPDATE)
            .bind($tenant.0)
            .bind($visit)
            .bind(&f.json)
            .bind(f.basis.checkout_id)
            .bind(f.basis.report_id)
            .bind(f.basis.photos)
            .execute(&mut *$tx)
            .await?
            .rows_affected()
            > 0
    }};
}
pub(crate) use write_flags;

/// The row a write returned, with `$flags` stored and put in it when they still apply.
macro_rules! with_flags {
    ($tx:expr, $tenant:expr, $visit:expr, $row:expr, $flags:expr) => {{
        let mut row: Option<Row> = $row;
        if let (Some(r), Some(f)) = (row.as_mut(), $flags) {
            if write_flags!($tx, $tenant, $visit, f) {
                r.flags = Some(f.json.clone());
            }
        }
        row
    }};
}

// No `updated_at` here: a flag set changes only with one of the visit's parts, and that
// part's write moved `updated_at` already.
pub(crate) const FLAGS_UPDATE: &str = "UPDATE visits SET flags = $3
     WHERE tenant_id = $1 AND id = $2 AND out_id IS NOT DISTINCT FROM $4
       AND report_id IS NOT DISTINCT FROM $5
       AND (SELECT COUNT(*) FROM photos ph WHERE ph.tenant_id = $1 AND ph.visit_id = $2) = $6";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    employee_id: Uuid,
    customer_id: Uuid,
    kind: String,
    in_t_ms: i64,
    in_offset_min: Option<i16>,
    in_lat: Option<f64>,
    in_lon: Option<f64>,
    in_accuracy_m: Option<f32>,
    in_status: String,
    in_judgement: String,
    in_flags: String,
    in_device: Option<String>,
    in_digest: String,
    in_received_ms: i64,
    out_id: Option<Uuid>,
    out_t_ms: Option<i64>,
    out_offset_min: Option<i16>,
    out_lat: Option<f64>,
    out_lon: Option<f64>,
    out_accuracy_m: Option<f32>,
    out_judgement: Option<String>,
    out_flags: Option<String>,
    out_digest: Option<String>,
    out_device: Option<String>,
    report_id: Option<Uuid>,
    report_form_id: Option<Uuid>,
    report_form_version: Option<i32>,
    report_answers: Option<String>,
    report_t_ms: Option<i64>,
    report_digest: Option<String>,
    flags: Option<String>,
    updated_at: i64,
}

const COLUMNS: &str = "v.id, v.employee_id, v.customer_id, v.kind, v.in_t_ms, v.in_offset_min, v.in_lat, v.in_lon, \
     v.in_accuracy_m, v.in_status, v.in_judgement, v.in_flags, v.in_device, v.in_digest, v.in_received_ms, \
     v.out_id, v.out_t_ms, v.out_offset_min, v.out_lat, v.out_lon, v.out_accuracy_m, v.out_judgement, v.out_flags, \
     v.out_digest, v.out_device, v.report_id, v.report_form_id, v.report_form_version, v.report_answers, v.report_t_ms, v.report_digest, v.flags, \
     v.updated_at";

/// [`COLUMNS`] as an `UPDATE … RETURNING` names them (no table alias there), so a write
/// answers with the row it leaves instead of reading it again.
fn returned_columns() -> String {
    COLUMNS.replace("v.", "")
}

impl From<Row> for VisitRecord {
    fn from(r: Row) -> Self {
        let checkout = match (r.out_id, r.out_t_ms) {
            (Some(id), Some(t_ms)) => Some(StoredCheckout {
                id,
                fix: ActionFix {
                    t_ms,
                    offset_min: r.out_offset_min,
                    lat: r.out_lat,
                    lon: r.out_lon,
                    accuracy_m: r.out_accuracy_m,
                },
                device_json: r.out_device,
                judgement_json: r.out_judgement.unwrap_or_default(),
                flags_json: r.out_flags.unwrap_or_else(|| "[]".into()),
                digest: r.out_digest.unwrap_or_default(),
            }),
            _ => None,
        };
        let report = match (r.report_id, r.report_form_id, r.report_form_version) {
            (Some(id), Some(form_id), Some(form_version)) => Some(StoredReport {
                id,
                form_id,
                form_version,
                answers_json: r.report_answers.unwrap_or_default(),
                t_ms: r.report_t_ms.unwrap_or_default(),
                digest: r.report_digest.unwrap_or_default(),
            }),
            _ => None,
        };
        VisitRecord {
            checkin: NewCheckin {
                id: r.id,
                employee: EmployeeId(r.employee_id),
                customer: CustomerId(r.customer_id),
                kind: r.kind,
                fix: ActionFix {
                    t_ms: r.in_t_ms,
                    offset_min: r.in_offset_min,
                    lat: r.in_lat,
                    lon: r.in_lon,
                    accuracy_m: r.in_accuracy_m,
                },
                status: r.in_status,
                judgement_json: r.in_judgement,
                flags_json: r.in_flags,
                device_json: r.in_device,
                digest: r.in_digest,
            },
            received_ms: r.in_received_ms,
            checkout,
            report,
            flags_json: r.flags,
            updated_ms: r.updated_at,
        }
    }
}

/// What managers filter visit lists by.
#[derive(Clone, Debug, Default)]
pub struct VisitFilter {
    pub employee_id: Option<EmployeeId>,
    pub customer_id: Option<CustomerId>,
    /// Check-in instant bounds, `from_ms <= t < to_ms`.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    /// Check-in status: `within`, `outside`, `uncertain`.
    pub status: Option<String>,
    /// A flag code of the visit's flag set.
    pub flag: Option<String>,
    /// Only visits changed at or after this instant (epoch ms); the page is then in
    /// (updated_at, id) order, oldest change first, instead of newest check-in first.
    pub updated_since: Option<i64>,
    pub cursor: Option<String>,
    pub limit: u32,
}

impl Store {
    /// Stores a check-in (and its prospect customer) unless the id exists; returns the
    /// stored visit and whether it is new. A new check-in enqueues the verdict of its
    /// local `day` (`YYYY-MM-DD`).
    pub async fn check_in(
        &self,
        tenant: TenantId,
        v: &NewCheckin,
        prospect: Option<&NewProspect>,
        day: &str,
        received_ms: i64,
        flags: Option<&FlagWrite>,
    ) -> Result<(VisitRecord, bool), StoreError> {
        let now = now_ms();
        let created = write_tx!(self, |tx| {
            if let Some(p) = prospect {
                let new_customer = sqlx::query(
                    "INSERT INTO customers (tenant_id, id, name, address, lat, lon, level, tags, contacts,
                        owner_id, status, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, 'C', '[]', $7, $8, 'pending', $9, $9)
                     ON CONFLICT (tenant_id, id) DO NOTHING",
                )
                .bind(tenant.0)
                .bind(p.id.0)
                .bind(&p.name)
                .bind(&p.address)
                .bind(p.lat)
                .bind(p.lon)
                .bind(match &p.phone {
                    Some(ph) => serde_json::json!([{"name": "", "phone": ph}]).to_string(),
                    None => "[]".into(),
                })
                .bind(v.employee.0)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                if new_customer {
                    let payload = serde_json::json!({ "customer_id": p.id.0 });
                    record_event!(
                        tx,
                        &NewEvent::new(tenant, "customer.created", p.id.0, payload)
                    );
                }
            }
            let created = sqlx::query(
                "INSERT INTO visits (tenant_id, id, employee_id, customer_id, kind, in_t_ms, in_offset_min, in_lat,
                    in_lon, in_accuracy_m, in_status, in_judgement, in_flags, in_device, in_digest, in_received_ms,
                    updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
                 ON CONFLICT (tenant_id, id) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(v.id)
            .bind(v.employee.0)
            .bind(v.customer.0)
            .bind(&v.kind)
            .bind(v.fix.t_ms)
            .bind(v.fix.offset_min)
            .bind(v.fix.lat)
            .bind(v.fix.lon)
            .bind(v.fix.accuracy_m)
            .bind(&v.status)
            .bind(&v.judgement_json)
            .bind(&v.flags_json)
            .bind(&v.device_json)
            .bind(&v.digest)
            .bind(received_ms)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if created {
                let payload = serde_json::json!({
                    "visit_id": v.id, "employee_id": v.employee.0, "customer_id": v.customer.0,
                    "kind": v.kind, "at": crate::time::from_ms(v.fix.t_ms), "status": v.status,
                });
                record_event!(
                    tx,
                    &NewEvent::new(tenant, "visit.checked_in", v.id, payload)
                );
                crate::integrity::integrity_side_writes!(
                    tx,
                    tenant,
                    v.employee,
                    v.id,
                    v.fix.t_ms,
                    v.device_json.as_deref(),
                    day
                );
                // A visit belongs to the local date of its check-in.
                crate::report_facts::enqueue_facts!(self, tx, tenant, v.employee, day);
                // Read back below with the visit, whether it applied or not.
                if let Some(f) = flags {
                    let _ = write_flags!(tx, tenant, v.id, f);
                }
            }
            created
        });
        Ok((self.visit(tenant, v.id).await?, created))
    }

    /// One visit by id, whoever made it (the caller checks reach on its employee).
    pub async fn visit(&self, tenant: TenantId, id: Uuid) -> Result<VisitRecord, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM visits v WHERE v.tenant_id = $1 AND v.id = $2");
        let row: Option<Row> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        row.map(VisitRecord::from).ok_or(StoreError::NotFound)
    }

    /// Records the check-out unless the visit has one; returns the visit and whether this
    /// call wrote it. A new check-out enqueues the verdict of its local `day`.
    #[allow(clippy::too_many_arguments)]
    pub async fn check_out(
        &self,
        tenant: TenantId,
        visit: Uuid,
        c: &StoredCheckout,
        day: &str,
        visit_day: &str,
        received_ms: i64,
        flags: Option<&FlagWrite>,
    ) -> Result<(VisitRecord, bool), StoreError> {
        let sql = format!(
            "UPDATE visits SET out_id = $3, out_t_ms = $4, out_offset_min = $5, out_lat = $6, out_lon = $7,
                out_accuracy_m = $8, out_judgement = $9, out_flags = $10, out_digest = $11,
                out_device = $12, out_received_ms = $13, updated_at = $14
             WHERE tenant_id = $1 AND id = $2 AND out_id IS NULL
             RETURNING {}",
            returned_columns()
        );
        let written = write_tx!(self, |tx| {
            let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(visit)
                .bind(c.id)
                .bind(c.fix.t_ms)
                .bind(c.fix.offset_min)
                .bind(c.fix.lat)
                .bind(c.fix.lon)
                .bind(c.fix.accuracy_m)
                .bind(&c.judgement_json)
                .bind(&c.flags_json)
                .bind(&c.digest)
                .bind(&c.device_json)
                .bind(received_ms)
                .bind(now_ms())
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(Row {
                employee_id: employee,
                customer_id: customer,
                ..
            }) = &row
            {
                let (employee, customer) = (*employee, *customer);
                let payload = serde_json::json!({
                    "visit_id": visit, "employee_id": employee, "customer_id": customer,
                    "at": crate::time::from_ms(c.fix.t_ms),
                });
                record_event!(
                    tx,
                    &NewEvent::new(tenant, "visit.checked_out", visit, payload)
                );
                crate::integrity::integrity_side_writes!(
                    tx,
                    tenant,
                    EmployeeId(employee),
                    c.id,
                    c.fix.t_ms,
                    c.device_json.as_deref(),
                    day
                );
                crate::report_facts::enqueue_facts!(
                    self,
                    tx,
                    tenant,
                    EmployeeId(employee),
                    visit_day
                );
            }
            with_flags!(tx, tenant, visit, row, flags)
        });
        match written {
            Some(row) => Ok((VisitRecord::from(row), true)),
            None => Ok((self.visit(tenant, visit).await?, false)),
        }
    }

    /// Stores a report unless this action id already wrote it; a new action id replaces an
    /// earlier report (an edit). Returns the visit and whether this call wrote it.
    pub async fn put_report(
        &self,
        tenant: TenantId,
        visit: Uuid,
        r: &StoredReport,
        visit_day: &str,
        flags: Option<&FlagWrite>,
    ) -> Result<(VisitRecord, bool), StoreError> {
        let sql = format!(
            "UPDATE visits SET report_id = $3, report_form_id = $4, report_form_version = $5,
                report_answers = $6, report_t_ms = $7, report_digest = $8, updated_at = $9
             WHERE tenant_id = $1 AND id = $2 AND (report_id IS NULL OR report_id <> $3)
             RETURNING {}",
            returned_columns()
        );
        let written = write_tx!(self, |tx| {
            let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(visit)
                .bind(r.id)
                .bind(r.form_id)
                .bind(r.form_version)
                .bind(&r.answers_json)
                .bind(r.t_ms)
                .bind(&r.digest)
                .bind(now_ms())
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(employee) = row.as_ref().map(|r| r.employee_id) {
                let payload = serde_json::json!({
                    "visit_id": visit, "employee_id": employee,
                    "form_id": r.form_id, "form_version": r.form_version,
                });
                record_event!(tx, &NewEvent::new(tenant, "visit.reported", visit, payload));
                // The report's outcome is part of the visit's day and customer facts.
                crate::report_facts::enqueue_facts!(
                    self,
                    tx,
                    tenant,
                    EmployeeId(employee),
                    visit_day
                );
            }
            with_flags!(tx, tenant, visit, row, flags)
        });
        match written {
            Some(row) => Ok((VisitRecord::from(row), true)),
            None => Ok((self.visit(tenant, visit).await?, false)),
        }
    }

    /// Visits of the people the caller reaches, newest check-in first.
    pub async fn list_visits(
        &self,
        tenant: TenantId,
        reach: &Reach,
        f: &VisitFilter,
    ) -> Result<Page<VisitRecord>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM visits v JOIN employees e ON e.tenant_id = v.tenant_id AND e.id = v.employee_id
             WHERE v.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0));
        reach::employees(&mut sql, tenant, reach);
        if let Some(e) = f.employee_id {
            sql.push(" AND v.employee_id = ").bind(Arg::Uuid(e.0));
        }
        if let Some(c) = f.customer_id {
            sql.push(" AND v.customer_id = ").bind(Arg::Uuid(c.0));
        }
        if let Some(t) = f.from_ms {
            sql.push(" AND v.in_t_ms >= ").bind(Arg::I64(t));
        }
        if let Some(t) = f.to_ms {
            sql.push(" AND v.in_t_ms < ").bind(Arg::I64(t));
        }
        if let Some(s) = &f.status {
            sql.push(" AND v.in_status = ").bind(Arg::Text(s.clone()));
        }
        if let Some(code) = &f.flag {
            // Flags are JSON arrays of {"code": …}; codes are snake_case words, so the
            // quoted pattern cannot match inside another code. A row whose set was never
            // computed (written before it existed) falls back to its parts' flags.
            let pattern = format!("%\"code\":\"{code}\"%");
            sql.push(" AND (v.flags LIKE ")
                .bind(Arg::Text(pattern.clone()))
                .push(" OR (v.flags IS NULL AND (v.in_flags LIKE ")
                .bind(Arg::Text(pattern.clone()))
                .push(" OR v.out_flags LIKE ")
                .bind(Arg::Text(pattern))
                .push(")))");
        }
        if let Some(since) = f.updated_since {
            sql.push(" AND v.updated_at >= ").bind(Arg::I64(since));
        }
        if let Some(c) = &f.cursor {
            let (v, id) = cursor::decode(c)?;
            let t = v
                .as_i64()
                .ok_or_else(|| StoreError::invalid("cursor", Problem::format(Format::Cursor)))?;
            if f.updated_since.is_some() {
                sql.push(" AND (v.updated_at > ")
                    .bind(Arg::I64(t))
                    .push(" OR (v.updated_at = ")
                    .bind(Arg::I64(t))
                    .push(" AND v.id > ")
                    .bind(Arg::Uuid(id))
                    .push("))");
            } else {
                sql.push(" AND (v.in_t_ms < ")
                    .bind(Arg::I64(t))
                    .push(" OR (v.in_t_ms = ")
                    .bind(Arg::I64(t))
                    .push(" AND v.id < ")
                    .bind(Arg::Uuid(id))
                    .push("))");
            }
        }
        let limit = f.limit.clamp(1, MAX_LIMIT);
        let order = if f.updated_since.is_some() {
            "v.updated_at, v.id"
        } else {
            "v.in_t_ms DESC, v.id DESC"
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
                    r.updated_at
                } else {
                    r.in_t_ms
                };
                cursor::encode(serde_json::Value::from(key), r.id)
            })
        } else {
            None
        };
        Ok(Page {
            items: rows.into_iter().map(VisitRecord::from).collect(),
            next_cursor,
        })
    }

    /// Writes a visit's flag set if the visit still has the parts it was computed from;
    /// `false` when a part changed meanwhile (the caller computes again).
    pub async fn set_visit_flags(
        &self,
        tenant: TenantId,
        visit: Uuid,
        flags_json: &str,
        basis: &FlagBasis,
    ) -> Result<bool, StoreError> {
        let n = write_on_pool!(self, |p| {
            sqlx::query(FLAGS_UPDATE)
                .bind(tenant.0)
                .bind(visit)
                .bind(flags_json)
                .bind(basis.checkout_id)
                .bind(basis.report_id)
                .bind(basis.photos)
                .execute(p)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    /// The person's newest visit that is not checked out, whenever it began.
    pub async fn open_visit(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
    ) -> Result<Option<VisitRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM visits v WHERE v.tenant_id = $1 AND v.employee_id = $2 AND v.out_id IS NULL
             ORDER BY v.in_t_ms DESC, v.id DESC LIMIT 1"
        );
        let row: Option<Row> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(employee.0)
                .fetch_optional(p)
                .await?
        });
        Ok(row.map(VisitRecord::from))
    }

    /// Every check-in of the tenant with `from_ms <= t < to_ms` as (visit, person,
    /// customer, instant), oldest first: what fulfils plan stops.
    pub async fn checkins_between(
        &self,
        tenant: TenantId,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<(Uuid, EmployeeId, CustomerId, i64)>, StoreError> {
        let rows: Vec<(Uuid, Uuid, Uuid, i64)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, employee_id, customer_id, in_t_ms FROM visits
                 WHERE tenant_id = $1 AND in_t_ms >= $2 AND in_t_ms < $3 ORDER BY in_t_ms, id",
            )
            .bind(tenant.0)
            .bind(from_ms)
            .bind(to_ms)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(v, e, c, t)| (v, EmployeeId(e), CustomerId(c), t))
            .collect())
    }

    /// Marks a pending prospect active; `false` when it already was (nothing changed).
    pub async fn approve_customer(
        &self,
        tenant: TenantId,
        id: CustomerId,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        Ok(write_tx!(self, |tx| {
            let approved = sqlx::query(
                "UPDATE customers SET status = 'active', updated_at = $3, row_version = row_version + 1
                 WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL AND status = 'pending'",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if approved {
                let payload = serde_json::json!({ "customer_id": id.0 });
                record_event!(
                    tx,
                    &NewEvent::new(tenant, "customer.approved", id.0, payload)
                );
            } else {
                let exists: Option<(Uuid,)> = sqlx::query_as(
                    "SELECT id FROM customers WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL",
                )
                .bind(tenant.0)
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?;
                if exists.is_none() {
                    return Err(StoreError::NotFound);
                }
            }
            approved
        }))
    }
}
