//! The anti-cheat centre's rows: one verdict per rep-day with its review and appeal, the
//! tenant's settings, and the reads the `integrity_day` job makes in batches (the day's
//! fixes with receive times, actions with device facts, photos; the team's recent
//! signatures, device uses, earlier photos sharing a perceptual-hash band).

use crate::cursor::{self, MAX_LIMIT, Page};
use crate::events::{NewEvent, record_event};
use crate::jobs::NewJob;
use crate::pool::{on_pool, write_on_pool, write_tx};
use crate::reach;
use crate::sql::{Arg, Sql, bind_all};
use crate::time::now_ms;
use crate::{Store, StoreError, StoredPhoto};
use domain::access::Reach;
use domain::fix::{FixRecord, Provider};
use domain::{DepartmentId, EmployeeId, Format, Problem, TenantId};
use serde_json::Value;
use uuid::Uuid;

/// The job kind that recomputes one rep-day's verdict.
pub const INTEGRITY_DAY_JOB: &str = "integrity_day";

/// The `integrity_day` job of a rep's local day (`YYYY-MM-DD`) whose fixes, actions or
/// photos changed: keyed by person and day so a burst of changes waits once, run when the
/// day has been quiet for ten seconds or at the latest two minutes after it was first
/// queued (a rep syncing a day's actions one by one is judged once, not per action).
pub fn integrity_job(tenant: TenantId, employee: EmployeeId, day: &str) -> NewJob {
    let payload = serde_json::json!({ "employee_id": employee.0, "day": day }).to_string();
    NewJob::new(tenant, INTEGRITY_DAY_JOB, payload)
        .keyed(format!("{}/{day}", employee.0))
        .debounced(10_000, 120_000)
}

/// The trimmed device id in an action's stored device facts (JSON), if it names one.
pub(crate) fn device_key(device_json: Option<&str>) -> Option<String> {
    let v: Value = serde_json::from_str(device_json?).ok()?;
    let id = v.get("id")?.as_str()?.trim();
    (!id.is_empty()).then(|| id.to_owned())
}

/// Inside a field action's transaction: remembers which device the action came from (for
/// proxy punching, and for the next action's `device_shared` flag) and enqueues the
/// verdict of its day.
macro_rules! integrity_side_writes {
    ($tx:expr, $tenant:expr, $employee:expr, $action:expr, $t_ms:expr, $device:expr, $day:expr) => {{
        let tenant: domain::TenantId = $tenant;
        let employee: domain::EmployeeId = $employee;
        if let Some(key) = $crate::integrity::device_key($device) {
            sqlx::query(
                "INSERT INTO integrity_device_uses (tenant_id, action_id, device_key, employee_id, t_ms)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, action_id) DO NOTHING",
            )
            .bind(tenant.0)
            .bind($action)
            .bind(&key)
            .bind(employee.0)
            .bind($t_ms)
            .execute(&mut *$tx)
            .await?;
            $crate::photos::note_device_use!($tx, tenant, &key, employee, $t_ms);
        }
        let job = $crate::integrity::integrity_job(tenant, employee, $day);
        $crate::jobs::enqueue_job!($tx, &job);
    }};
}
pub(crate) use integrity_side_writes;

/// A fix as stored with when it arrived.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceivedFix {
    pub fix: FixRecord,
    pub received_ms: i64,
}

/// A field action of the day as the verdict reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct DayAction {
    pub id: Uuid,
    /// `clock_in`, `clock_out`, `check_in` or `check_out`.
    pub kind: &'static str,
    pub t_ms: i64,
    /// `None` for check-outs stored before the receive time was kept.
    pub received_ms: Option<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f32>,
    pub customer: Option<Uuid>,
    pub device_json: Option<String>,
    /// The attendance photo of a punch.
    pub photo_id: Option<Uuid>,
    /// The flags the action was stored with (JSON), for `fix_t` evidence.
    pub flags_json: String,
}

/// Everything stored for one rep between two instants.
#[derive(Clone, Debug, Default)]
pub struct DayRecords {
    pub fixes: Vec<ReceivedFix>,
    pub actions: Vec<DayAction>,
    pub photos: Vec<StoredPhoto>,
}

/// A customer's stored position and own check-in radius.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CustomerPinRow {
    pub id: Uuid,
    pub name: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub checkin_radius_m: Option<f64>,
}

/// Another rep-day's stored signature.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredSignature {
    pub employee_id: Uuid,
    pub day: String,
    pub signature: String,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredDeviceUse {
    pub device_key: String,
    pub employee_id: Uuid,
    pub t_ms: i64,
    pub action_id: Uuid,
}

/// An earlier photo found through the hash-band index or the file hash.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct BandPhoto {
    pub id: Uuid,
    pub employee_id: Uuid,
    pub t_ms: i64,
    pub sha256: String,
    pub phash: i64,
}

/// A verdict as the job computed it.
#[derive(Clone, Debug, PartialEq)]
pub struct NewVerdict {
    /// The level is one the tenant wants to hear about: the change event says so, for
    /// whoever delivers it (the console's alerts, webhooks).
    pub notify: bool,
    pub checks_version: i32,
    pub level: String,
    pub score: f64,
    pub reasons_json: String,
    pub signature_json: String,
}

/// A stored verdict with its review and appeal, and the rep's name.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredVerdict {
    pub employee_id: Uuid,
    pub employee_name: String,
    pub day: String,
    pub checks_version: i32,
    pub revision: i32,
    pub level: String,
    pub score: f64,
    pub reasons: String,
    pub computed_ms: i64,
    pub changed_ms: i64,
    pub status: String,
    pub review_decision: Option<String>,
    pub review_note: Option<String>,
    pub review_by: Option<Uuid>,
    pub review_ms: Option<i64>,
    pub review_revision: Option<i32>,
    pub appeal_text: Option<String>,
    pub appeal_photo_ids: Option<String>,
    pub appeal_ms: Option<i64>,
    pub appeal_revision: Option<i32>,
}

const VERDICT_COLUMNS: &str = "i.employee_id, e.name AS employee_name, i.day, i.checks_version, i.revision, \
    i.level, i.score, i.reasons, i.computed_ms, i.changed_ms, i.status, i.review_decision, i.review_note, \
    i.review_by, i.review_ms, i.review_revision, i.appeal_text, i.appeal_photo_ids, i.appeal_ms, i.appeal_revision";

/// What the review queue filters by.
#[derive(Clone, Debug, Default)]
pub struct VerdictFilter {
    /// Local days `from..=to` (`YYYY-MM-DD`).
    pub from: Option<String>,
    pub to: Option<String>,
    /// People of this department and those below it.
    pub department: Option<DepartmentId>,
    pub employee: Option<EmployeeId>,
    /// Exactly these levels.
    pub levels: Vec<String>,
    pub status: Option<String>,
    pub cursor: Option<String>,
    pub limit: u32,
}

/// A verdict's revision, the revision last reviewed and when, and when it was appealed.
type ReviewState = (i32, Option<i32>, Option<i64>, Option<i64>);

/// Why a review or an appeal was not written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The verdict changed since the caller read it.
    Changed,
    /// This revision was already reviewed (and no appeal came after).
    AlreadyReviewed,
    /// This revision was already appealed.
    AlreadyAppealed,
}

#[derive(sqlx::FromRow)]
struct FixRow {
    t_ms: i64,
    offset_min: Option<i16>,
    lat: f64,
    lon: f64,
    accuracy_m: Option<f32>,
    speed_mps: Option<f32>,
    bearing_deg: Option<f32>,
    altitude_m: Option<f32>,
    provider: String,
    mock: bool,
    battery: Option<f32>,
    received_ms: i64,
}

#[derive(sqlx::FromRow)]
struct ActionRow {
    id: Uuid,
    kind: String,
    t_ms: i64,
    received_ms: Option<i64>,
    lat: Option<f64>,
    lon: Option<f64>,
    accuracy_m: Option<f32>,
    customer_id: Option<Uuid>,
    device: Option<String>,
    photo_id: Option<Uuid>,
    flags: Option<String>,
}

fn action_kind(k: &str) -> &'static str {
    match k {
        "clock_in" => "clock_in",
        "clock_out" => "clock_out",
        "check_in" => "check_in",
        _ => "check_out",
    }
}

/// The day's actions: punches, check-ins and check-outs, in one statement.
const ACTIONS_SQL: &str = "
    SELECT id, kind, t_ms, received_ms, lat, lon, accuracy_m, NULL AS customer_id, device, photo_id, flags
      FROM attendance_punches WHERE tenant_id = $1 AND employee_id = $2 AND t_ms >= $3 AND t_ms < $4
    UNION ALL
    SELECT id, 'check_in', in_t_ms, in_received_ms, in_lat, in_lon, in_accuracy_m, customer_id, in_device, NULL, in_flags
      FROM visits WHERE tenant_id = $1 AND employee_id = $2 AND in_t_ms >= $3 AND in_t_ms < $4
    UNION ALL
    SELECT out_id, 'check_out', out_t_ms, out_received_ms, out_lat, out_lon, out_accuracy_m, customer_id, out_device, NULL, out_flags
      FROM visits WHERE tenant_id = $1 AND employee_id = $2 AND out_id IS NOT NULL AND out_t_ms >= $3 AND out_t_ms < $4";

fn in_list(sql: &mut Sql, args: impl IntoIterator<Item = Arg>) {
    sql.push("(");
    for (i, a) in args.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(a);
    }
    sql.push(")");
}

impl Store {
    /// Everything stored for a rep with `from_ms <= t < to_ms`: fixes (rejected ones are
    /// stored too; `track::clean` judges them later) with their receive times, actions
    /// with their device facts, and photos. Three statements.
    pub async fn integrity_records(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<DayRecords, StoreError> {
        let photo_sql = format!(
            "SELECT {} FROM photos WHERE tenant_id = $1 AND employee_id = $2 AND t_ms >= $3 AND t_ms < $4
                AND purpose <> 'receipt'
             ORDER BY t_ms, id",
            crate::photos::COLUMNS
        );
        let (fixes, actions, photos): (Vec<FixRow>, Vec<ActionRow>, Vec<StoredPhoto>) = on_pool!(
            self,
            |p| {
                let fixes = sqlx::query_as(
                    "SELECT t_ms, offset_min, lat, lon, accuracy_m, speed_mps, bearing_deg, altitude_m, provider,
                        mock, battery, received_ms
                     FROM fixes WHERE tenant_id = $1 AND employee_id = $2 AND t_ms >= $3 AND t_ms < $4 ORDER BY t_ms",
                )
                .bind(tenant.0)
                .bind(employee.0)
                .bind(from_ms)
                .bind(to_ms)
                .fetch_all(p)
                .await?;
                let actions = sqlx::query_as(ACTIONS_SQL)
                    .bind(tenant.0)
                    .bind(employee.0)
                    .bind(from_ms)
                    .bind(to_ms)
                    .fetch_all(p)
                    .await?;
                let photos = sqlx::query_as(sqlx::AssertSqlSafe(photo_sql.as_str()))
                    .bind(tenant.0)
                    .bind(employee.0)
                    .bind(from_ms)
                    .bind(to_ms)
                    .fetch_all(p)
                    .await?;
                (fixes, actions, photos)
            }
        );
        let mut actions: Vec<DayAction> = actions
            .into_iter()
            .map(|r| DayAction {
                id: r.id,
                kind: action_kind(&r.kind),
                t_ms: r.t_ms,
                received_ms: r.received_ms,
                lat: r.lat,
                lon: r.lon,
                accuracy_m: r.accuracy_m,
                customer: r.customer_id,
                device_json: r.device,
                photo_id: r.photo_id,
                flags_json: r.flags.unwrap_or_else(|| "[]".into()),
            })
            .collect();
        actions.sort_by_key(|a| (a.t_ms, a.id));
        Ok(DayRecords {
            fixes: fixes
                .into_iter()
                .map(|r| ReceivedFix {
                    fix: FixRecord {
                        t_ms: r.t_ms,
                        offset_min: r.offset_min,
                        lat: r.lat,
                        lon: r.lon,
                        accuracy_m: r.accuracy_m,
                        speed_mps: r.speed_mps,
                        bearing_deg: r.bearing_deg,
                        altitude_m: r.altitude_m,
                        provider: Provider::parse(&r.provider).unwrap_or(Provider::Unknown),
                        mock: r.mock,
                        battery: r.battery,
                    },
                    received_ms: r.received_ms,
                })
                .collect(),
            actions,
            photos,
        })
    }

    /// The stored positions, names and radii of some customers, in one statement.
    pub async fn customer_pins(
        &self,
        tenant: TenantId,
        ids: &[Uuid],
    ) -> Result<Vec<CustomerPinRow>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(
            "SELECT id, name, lat, lon, checkin_radius_m FROM customers WHERE tenant_id = ",
        );
        sql.bind(Arg::Uuid(tenant.0)).push(" AND id IN ");
        in_list(&mut sql, ids.iter().map(|&i| Arg::Uuid(i)));
        Ok(on_pool!(self, |p| {
            bind_all(
                sqlx::query_as(sqlx::AssertSqlSafe(sql.text.as_str())),
                sql.args,
            )
            .fetch_all(p)
            .await?
        }))
    }

    /// Queues a fresh verdict for every rep-day from `since` (`YYYY-MM-DD`) on that
    /// checks older than `version` judged: after an upgrade changes the checks, the days a
    /// manager still reviews are judged again (the job keeps a review made of an unchanged
    /// verdict). Answers how many days were queued.
    pub async fn rejudge_outdated(&self, version: i32, since: &str) -> Result<usize, StoreError> {
        let rows: Vec<(Uuid, Uuid, String)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT tenant_id, employee_id, day FROM integrity_days
                 WHERE checks_version < $1 AND day >= $2",
            )
            .bind(version)
            .bind(since)
            .fetch_all(p)
            .await?
        });
        let jobs: Vec<NewJob> = rows
            .iter()
            .map(|(t, e, day)| integrity_job(TenantId(*t), EmployeeId(*e), day))
            .collect();
        for chunk in jobs.chunks(1000) {
            match &self.pool {
                crate::pool::Pool::Sqlite(p) => {
                    let writer = crate::pool::turn(&self.sqlite_writer, p).await;
                    let mut tx = writer.pool().begin_with("BEGIN IMMEDIATE").await?;
                    crate::job_batch::sqlite(&mut tx, chunk).await?;
                    tx.commit().await?;
                }
                crate::pool::Pool::Postgres(p) => {
                    let mut tx = p.begin().await?;
                    crate::job_batch::postgres(&mut tx, chunk).await?;
                    tx.commit().await?;
                }
            }
        }
        Ok(jobs.len())
    }

    /// The stored signatures of the department's people on days `from..=to`.
    pub async fn team_signatures(
        &self,
        tenant: TenantId,
        department: DepartmentId,
        from: &str,
        to: &str,
    ) -> Result<Vec<StoredSignature>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT i.employee_id, i.day, i.signature FROM integrity_days i
                 JOIN employees e ON e.tenant_id = i.tenant_id AND e.id = i.employee_id
                 WHERE i.tenant_id = $1 AND i.day >= $2 AND i.day <= $3 AND e.department_id = $4",
            )
            .bind(tenant.0)
            .bind(from)
            .bind(to)
            .bind(department.0)
            .fetch_all(p)
            .await?
        }))
    }

    /// Every use of these devices, by anyone, with `from_ms <= t < to_ms`.
    pub async fn device_uses(
        &self,
        tenant: TenantId,
        keys: &[String],
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<StoredDeviceUse>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(
            "SELECT device_key, employee_id, t_ms, action_id FROM integrity_device_uses WHERE tenant_id = ",
        );
        sql.bind(Arg::Uuid(tenant.0)).push(" AND t_ms >= ");
        sql.bind(Arg::I64(from_ms)).push(" AND t_ms < ");
        sql.bind(Arg::I64(to_ms)).push(" AND device_key IN ");
        in_list(&mut sql, keys.iter().map(|k| Arg::Text(k.clone())));
        sql.push(" ORDER BY t_ms");
        Ok(on_pool!(self, |p| {
            bind_all(
                sqlx::query_as(sqlx::AssertSqlSafe(sql.text.as_str())),
                sql.args,
            )
            .fetch_all(p)
            .await?
        }))
    }

    /// The tenant's field photos (other than `except`; receipts are not field photos) that
    /// share one of the four 16-bit bands of one of `phashes`, or the file hash of one of
    /// `shas`: index lookups, no scan.
    pub async fn photos_sharing_band(
        &self,
        tenant: TenantId,
        phashes: &[u64],
        shas: &[String],
        except: &[Uuid],
    ) -> Result<Vec<BandPhoto>, StoreError> {
        if phashes.is_empty() && shas.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql =
            Sql::new("SELECT id, employee_id, t_ms, sha256, phash FROM photos WHERE tenant_id = ");
        sql.bind(Arg::Uuid(tenant.0)).push(" AND (1 = 0");
        if !phashes.is_empty() {
            for band in 0..4 {
                sql.push(&format!(" OR band{band} IN "));
                in_list(
                    &mut sql,
                    phashes
                        .iter()
                        .map(|&h| Arg::I64(i64::from(band_of(h, band)))),
                );
            }
        }
        if !shas.is_empty() {
            sql.push(" OR sha256 IN ");
            in_list(&mut sql, shas.iter().map(|s| Arg::Text(s.clone())));
        }
        // Receipts are compared among expenses (`duplicate_of`), not as field photos.
        sql.push(") AND purpose <> 'receipt'");
        if !except.is_empty() {
            sql.push(" AND id NOT IN ");
            in_list(&mut sql, except.iter().map(|&i| Arg::Uuid(i)));
        }
        sql.push(" ORDER BY t_ms, id LIMIT 500");
        Ok(on_pool!(self, |p| {
            bind_all(
                sqlx::query_as(sqlx::AssertSqlSafe(sql.text.as_str())),
                sql.args,
            )
            .fetch_all(p)
            .await?
        }))
    }

    /// The tenant's integrity settings as stored (JSON), if it set any.
    pub async fn integrity_settings(&self, tenant: TenantId) -> Result<Option<String>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar("SELECT body FROM integrity_settings WHERE tenant_id = $1")
                .bind(tenant.0)
                .fetch_optional(p)
                .await?
        }))
    }

    pub async fn put_integrity_settings(
        &self,
        tenant: TenantId,
        body: &str,
    ) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO integrity_settings (tenant_id, body, updated_ms) VALUES ($1, $2, $3)
                 ON CONFLICT (tenant_id) DO UPDATE SET body = excluded.body, updated_ms = excluded.updated_ms",
            )
            .bind(tenant.0)
            .bind(body)
            .bind(now_ms())
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Stores a recomputed verdict. The same level, score and reasons as stored only
    /// refresh the signature, the computation time and the checks version; anything else
    /// is a new revision that reopens the day and records `integrity.verdict_changed`.
    /// Returns the stored revision and whether this call made it.
    pub async fn save_verdict(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        day: &str,
        v: &NewVerdict,
    ) -> Result<(i32, bool), StoreError> {
        let now = now_ms();
        Ok(write_tx!(self, |tx| {
            let old: Option<(i32, String, f64, String)> = sqlx::query_as(
                "SELECT revision, level, score, reasons FROM integrity_days
                 WHERE tenant_id = $1 AND employee_id = $2 AND day = $3",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(day)
            .fetch_optional(&mut *tx)
            .await?;
            // Newer checks reaching the same answer keep the revision and its review.
            let same = old.as_ref().is_some_and(|(_, level, score, reasons)| {
                *level == v.level && (*score - v.score).abs() < 1e-6 && *reasons == v.reasons_json
            });
            if same {
                sqlx::query(
                    "UPDATE integrity_days SET signature = $4, computed_ms = $5, checks_version = $6
                     WHERE tenant_id = $1 AND employee_id = $2 AND day = $3",
                )
                .bind(tenant.0)
                .bind(employee.0)
                .bind(day)
                .bind(&v.signature_json)
                .bind(now)
                .bind(v.checks_version)
                .execute(&mut *tx)
                .await?;
                (old.map(|o| o.0).unwrap_or(1), false)
            } else {
                let revision = old.as_ref().map(|o| o.0 + 1).unwrap_or(1);
                sqlx::query(
                    "INSERT INTO integrity_days (tenant_id, employee_id, day, checks_version, revision, level, score,
                        reasons, signature, computed_ms, changed_ms, status)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 'open')
                     ON CONFLICT (tenant_id, employee_id, day) DO UPDATE SET
                        checks_version = excluded.checks_version, revision = excluded.revision,
                        level = excluded.level, score = excluded.score, reasons = excluded.reasons,
                        signature = excluded.signature, computed_ms = excluded.computed_ms,
                        changed_ms = excluded.changed_ms, status = 'open'",
                )
                .bind(tenant.0)
                .bind(employee.0)
                .bind(day)
                .bind(v.checks_version)
                .bind(revision)
                .bind(&v.level)
                .bind(v.score)
                .bind(&v.reasons_json)
                .bind(&v.signature_json)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let payload = serde_json::json!({
                    "employee_id": employee.0, "day": day, "version": revision,
                    "level": v.level, "score": v.score, "notify": v.notify,
                });
                record_event!(
                    tx,
                    &NewEvent::new(tenant, "integrity.verdict_changed", employee.0, payload)
                );
                // The day's fact carries its anti-cheat level.
                if old
                    .as_ref()
                    .is_none_or(|(_, level, _, _)| *level != v.level)
                {
                    crate::report_facts::enqueue_facts!(self, tx, tenant, employee, day);
                }
                (revision, true)
            }
        }))
    }

    /// One rep-day's verdict, if the rep is within the caller's reach and it exists.
    pub async fn verdict(
        &self,
        tenant: TenantId,
        reach: &Reach,
        employee: EmployeeId,
        day: &str,
    ) -> Result<StoredVerdict, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {VERDICT_COLUMNS} FROM integrity_days i
             JOIN employees e ON e.tenant_id = i.tenant_id AND e.id = i.employee_id
             WHERE i.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0)).push(" AND i.employee_id = ");
        sql.bind(Arg::Uuid(employee.0)).push(" AND i.day = ");
        sql.bind(Arg::Text(day.to_owned()));
        reach::employees(&mut sql, tenant, reach);
        let row: Option<StoredVerdict> = on_pool!(self, |p| {
            bind_all(
                sqlx::query_as(sqlx::AssertSqlSafe(sql.text.as_str())),
                sql.args,
            )
            .fetch_optional(p)
            .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The review queue: verdicts of the people the caller reaches, newest day first
    /// (then by person), in keyset pages.
    pub async fn list_verdicts(
        &self,
        tenant: TenantId,
        reach: &Reach,
        f: &VerdictFilter,
    ) -> Result<Page<StoredVerdict>, StoreError> {
        let limit = f.limit.clamp(1, MAX_LIMIT);
        let mut sql = Sql::new(&format!(
            "SELECT {VERDICT_COLUMNS} FROM integrity_days i
             JOIN employees e ON e.tenant_id = i.tenant_id AND e.id = i.employee_id
             WHERE i.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0));
        reach::employees(&mut sql, tenant, reach);
        if let Some(d) = f.department {
            sql.push(" AND e.department_id IN ");
            reach::subtree(&mut sql, tenant, d.0);
        }
        if let Some(e) = f.employee {
            sql.push(" AND i.employee_id = ").bind(Arg::Uuid(e.0));
        }
        if let Some(from) = &f.from {
            sql.push(" AND i.day >= ").bind(Arg::Text(from.clone()));
        }
        if let Some(to) = &f.to {
            sql.push(" AND i.day <= ").bind(Arg::Text(to.clone()));
        }
        if !f.levels.is_empty() {
            sql.push(" AND i.level IN ");
            in_list(&mut sql, f.levels.iter().map(|l| Arg::Text(l.clone())));
        }
        if let Some(st) = &f.status {
            sql.push(" AND i.status = ").bind(Arg::Text(st.clone()));
        }
        if let Some(c) = &f.cursor {
            let (day, id) = cursor::decode(c)?;
            let day = day
                .as_str()
                .ok_or_else(|| StoreError::invalid("cursor", Problem::format(Format::Cursor)))?
                .to_owned();
            sql.push(" AND (i.day < ").bind(Arg::Text(day.clone()));
            sql.push(" OR (i.day = ").bind(Arg::Text(day));
            sql.push(" AND i.employee_id < ").bind(Arg::Uuid(id));
            sql.push("))");
        }
        sql.push(" ORDER BY i.day DESC, i.employee_id DESC LIMIT ")
            .bind(Arg::I64(i64::from(limit) + 1));
        let mut rows: Vec<StoredVerdict> = on_pool!(self, |p| {
            bind_all(
                sqlx::query_as(sqlx::AssertSqlSafe(sql.text.as_str())),
                sql.args,
            )
            .fetch_all(p)
            .await?
        });
        let next_cursor = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last()
                .map(|r| cursor::encode(Value::String(r.day.clone()), r.employee_id))
        } else {
            None
        };
        Ok(Page {
            items: rows,
            next_cursor,
        })
    }

    /// Records a review of revision `revision` unless the verdict moved on or that
    /// revision was reviewed already (an appeal after the review opens a second one);
    /// records `integrity.reviewed` with it.
    #[allow(clippy::too_many_arguments)]
    pub async fn review_verdict(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        day: &str,
        revision: i32,
        decision: &str,
        note: Option<&str>,
        by: EmployeeId,
    ) -> Result<Result<(), Refusal>, StoreError> {
        let now = now_ms();
        Ok(write_tx!(self, |tx| {
            let row: Option<ReviewState> = sqlx::query_as(
                "SELECT revision, review_revision, review_ms, appeal_ms FROM integrity_days
                 WHERE tenant_id = $1 AND employee_id = $2 AND day = $3",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(day)
            .fetch_optional(&mut *tx)
            .await?;
            match row {
                None => return Err(StoreError::NotFound),
                Some((r, _, _, _)) if r != revision => Err(Refusal::Changed),
                Some((_, Some(rr), Some(rm), appeal))
                    if rr == revision && appeal.is_none_or(|a| a <= rm) =>
                {
                    Err(Refusal::AlreadyReviewed)
                }
                Some(_) => {
                    sqlx::query(
                        "UPDATE integrity_days SET review_decision = $4, review_note = $5, review_by = $6,
                            review_ms = $7, review_revision = revision, status = $4
                         WHERE tenant_id = $1 AND employee_id = $2 AND day = $3",
                    )
                    .bind(tenant.0)
                    .bind(employee.0)
                    .bind(day)
                    .bind(decision)
                    .bind(note)
                    .bind(by.0)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    let payload = serde_json::json!({
                        "employee_id": employee.0, "day": day, "version": revision,
                        "decision": decision, "reviewed_by": by.0,
                    });
                    record_event!(
                        tx,
                        &NewEvent::new(tenant, "integrity.reviewed", employee.0, payload)
                    );
                    Ok(())
                }
            }
        }))
    }

    /// Records the rep's appeal of revision `revision` unless the verdict moved on or
    /// that revision was appealed already.
    pub async fn appeal_verdict(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        day: &str,
        revision: i32,
        text: &str,
        photo_ids_json: &str,
    ) -> Result<Result<(), Refusal>, StoreError> {
        let now = now_ms();
        Ok(write_tx!(self, |tx| {
            let row: Option<(i32, Option<i32>)> = sqlx::query_as(
                "SELECT revision, appeal_revision FROM integrity_days
                 WHERE tenant_id = $1 AND employee_id = $2 AND day = $3",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(day)
            .fetch_optional(&mut *tx)
            .await?;
            match row {
                None => return Err(StoreError::NotFound),
                Some((r, _)) if r != revision => Err(Refusal::Changed),
                Some((_, Some(ar))) if ar == revision => Err(Refusal::AlreadyAppealed),
                Some(_) => {
                    sqlx::query(
                        "UPDATE integrity_days SET appeal_text = $4, appeal_photo_ids = $5, appeal_ms = $6,
                            appeal_revision = revision, status = 'appealed'
                         WHERE tenant_id = $1 AND employee_id = $2 AND day = $3",
                    )
                    .bind(tenant.0)
                    .bind(employee.0)
                    .bind(day)
                    .bind(text)
                    .bind(photo_ids_json)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    let payload = serde_json::json!({
                        "employee_id": employee.0, "day": day, "version": revision,
                    });
                    record_event!(
                        tx,
                        &NewEvent::new(tenant, "integrity.appealed", employee.0, payload)
                    );
                    Ok(())
                }
            }
        }))
    }
}

/// Band `i` (0–3) of a perceptual hash, as `integrity::phash_bands` cuts it.
pub(crate) fn band_of(phash: u64, i: u32) -> u16 {
    (phash >> (16 * i)) as u16
}
