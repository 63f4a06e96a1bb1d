//! What a claim is built from, read from storage: the rep's days (stored day summaries,
//! the visits of the day, attendance and leave, the calendar), the vehicle history, the
//! rep's adjustments and expenses, and the tenant's rate book. Everything that decides
//! money is the `claims` crate's; this module only turns rows into its input.

use super::attendance::{calendar, person_days, rule_for};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tracking::summary::DaySummary;
use chrono::{DateTime, NaiveDate, Utc};
use claims::{
    Adjustment, ClaimInput, Coverage, Currency, DayInput, DayKind, Expense, ExpenseCategory,
    ExpenseId, Money, Period, RateBook, RateScope, RateTable, RateTableId, RateVersion,
    ReceiptHash, VehicleAssignment, VehicleHistory, VehicleKind, WholeMeters,
};
use domain::attendance::{AttendanceSchedule, DayStatus, local_instant};
use domain::calendar::WorkCalendar;
use domain::department::DepartmentLink;
use domain::employee::Employee;
use domain::{DepartmentId, EmployeeId, Meters, TenantId};
use std::collections::HashMap;
use storage::{StoredAdjustment, StoredExpense, StoredRateTable, StoredVehicle};

/// What every claim of a tenant shares, loaded once per request or per generation run.
pub(crate) struct TenantBasis {
    pub tz: chrono_tz::Tz,
    pub today: NaiveDate,
    pub calendar: WorkCalendar,
    pub links: Vec<DepartmentLink>,
    pub rates: RateBook,
    pub currency: Currency,
    attendance: HashMap<DepartmentId, AttendanceSchedule>,
}

impl TenantBasis {
    pub async fn load(s: &AppState, tenant: TenantId) -> ApiResult<TenantBasis> {
        let tz = s.tenant_zone(tenant).await?;
        let (_, calendar) = calendar(s, tenant).await?;
        let links = s.store.department_links(tenant).await?;
        let rates = rate_book(&s.store.rate_tables(tenant).await?)?;
        Ok(TenantBasis {
            today: Utc::now().with_timezone(&tz).date_naive(),
            tz,
            calendar,
            links,
            rates,
            currency: Currency::CNY,
            attendance: HashMap::new(),
        })
    }

    /// The department and its ancestors, nearest first.
    pub fn departments_of(&self, dept: DepartmentId) -> Vec<DepartmentId> {
        let parent: HashMap<DepartmentId, Option<DepartmentId>> =
            self.links.iter().map(|l| (l.id, l.parent)).collect();
        let mut out = vec![dept];
        let mut at = dept;
        while let Some(Some(p)) = parent.get(&at) {
            if out.contains(p) {
                break;
            }
            out.push(*p);
            at = *p;
        }
        out
    }

    async fn attendance_rule(
        &mut self,
        s: &AppState,
        tenant: TenantId,
        dept: DepartmentId,
    ) -> ApiResult<AttendanceSchedule> {
        if let Some(r) = self.attendance.get(&dept) {
            return Ok(r.clone());
        }
        let r = rule_for(s, tenant, dept).await?.validate()?;
        self.attendance.insert(dept, r.clone());
        Ok(r)
    }
}

/// The stored rate tables as the crate's book (they were validated when stored).
pub(crate) fn rate_book(tables: &[StoredRateTable]) -> ApiResult<RateBook> {
    let tables = tables
        .iter()
        .map(|t| {
            Ok(RateTable {
                id: RateTableId(t.id),
                scope: RateScope {
                    department: t.department_id.map(DepartmentId),
                    vehicle: match t.vehicle.as_deref() {
                        None => None,
                        Some(v) => Some(vehicle_kind(v).ok_or_else(|| {
                            ApiError::internal(format!("stored vehicle kind {v:?}"))
                        })?),
                    },
                },
                currency: t.currency.parse().map_err(ApiError::internal)?,
                versions: t
                    .versions
                    .iter()
                    .map(|v| serde_json::from_str::<RateVersion>(&v.body))
                    .collect::<Result<_, _>>()
                    .map_err(ApiError::internal)?,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    RateBook::new(tables).map_err(ApiError::internal)
}

/// `None` for a word that names no kind (the caller says whose fault that is: an
/// internal error made here would be logged even when it becomes a 422).
pub(crate) fn vehicle_kind(s: &str) -> Option<VehicleKind> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

pub(crate) fn vehicle_word(k: VehicleKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub(crate) fn vehicle_history(rows: &[StoredVehicle]) -> ApiResult<VehicleHistory> {
    let items = rows
        .iter()
        .map(|v| {
            Ok(VehicleAssignment {
                from: v.from_date.parse().map_err(ApiError::internal)?,
                kind: vehicle_kind(&v.kind).ok_or_else(|| {
                    ApiError::internal(format!("stored vehicle kind {:?}", v.kind))
                })?,
                plate: v.plate.clone(),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    VehicleHistory::new(items).map_err(ApiError::internal)
}

pub(crate) fn adjustment(a: &StoredAdjustment) -> ApiResult<Adjustment> {
    Ok(Adjustment {
        date: a.day.parse().map_err(ApiError::internal)?,
        meters: WholeMeters(a.meters),
        reason: a.reason.clone(),
    })
}

pub(crate) fn expense(e: &StoredExpense) -> ApiResult<Expense> {
    Ok(Expense {
        id: ExpenseId(e.id),
        category: serde_json::from_value::<ExpenseCategory>(serde_json::Value::String(
            e.category.clone(),
        ))
        .map_err(ApiError::internal)?,
        amount: Money::new(
            e.amount_minor,
            e.currency.parse().map_err(ApiError::internal)?,
        ),
        date: e.day.parse().map_err(ApiError::internal)?,
        receipt_photo: e.photo_id.map(domain::ids::PhotoId),
        receipt_hash: e
            .receipt_hash
            .as_deref()
            .map(ReceiptHash::parse)
            .transpose()
            .map_err(ApiError::internal)?,
        note: e.note.clone(),
    })
}

/// The rep's days of `period` up to today, from the stored summaries, visits, attendance
/// and calendar. Days before the rep started and days still to come have no line.
pub(crate) async fn days(
    s: &AppState,
    basis: &mut TenantBasis,
    tenant: TenantId,
    person: &Employee,
    period: Period,
) -> ApiResult<Vec<DayInput>> {
    let last = period.last().min(basis.today);
    let first = period.first();
    if last < first {
        return Ok(Vec::new());
    }
    let tz = basis.tz;
    let rule = basis
        .attendance_rule(s, tenant, person.department_id)
        .await?;
    let records = person_days(s, tenant, tz, &rule, &basis.calendar, person, first, last).await?;
    let summaries: HashMap<String, DaySummary> = s
        .store
        .days_between(tenant, person.id, &first.to_string(), &last.to_string())
        .await?
        .into_iter()
        .filter_map(|(day, d)| Some((day, serde_json::from_str(&d.summary_json).ok()?)))
        .collect();
    let from_ms = local_instant(tz, first, 0);
    let to_ms = local_instant(tz, last.succ_opt().unwrap_or(last), 0);
    let mut visits: HashMap<NaiveDate, Vec<Visited>> = HashMap::new();
    for (t_ms, name, lat, lon) in s
        .store
        .visits_with_customers(tenant, person.id, from_ms, to_ms)
        .await?
    {
        let date = local_date(tz, t_ms);
        visits
            .entry(date)
            .or_default()
            .push(Visited { name, lat, lon });
    }
    let tracking = s
        .tracking
        .schedules
        .get(&s.store, tenant, person.department_id)
        .await?;
    let verdicts = verdicts(s, tenant, person.id, first, last).await?;
    let mut out = Vec::with_capacity(records.len());
    for r in records {
        let kind = match r.status {
            DayStatus::NotStarted => continue,
            DayStatus::OnLeave => DayKind::Leave,
            DayStatus::DayOff => match basis.calendar.days.get(&r.date).map(|d| d.kind) {
                Some(domain::calendar::DayKind::Holiday) => DayKind::Holiday,
                _ => DayKind::DayOff,
            },
            _ => DayKind::WorkingDay,
        };
        let day_visits = visits.remove(&r.date).unwrap_or_default();
        let summary = summaries.get(&r.date.to_string());
        let windows = tracking.schedule.windows_touching(tz, r.date);
        let mut day = day_input(r.date, kind, summary, day_visits, &windows)?;
        if let Some(&(level, confirmed)) = verdicts.get(&r.date) {
            day.anti_cheat = Some(level);
            day.cheat_confirmed = confirmed;
        }
        out.push(day);
    }
    Ok(out)
}

/// The anti-cheat verdict of each of the rep's days that has one: its level, and whether a
/// reviewer confirmed it (a confirmed day is not paid).
async fn verdicts(
    s: &AppState,
    tenant: TenantId,
    employee: domain::EmployeeId,
    first: NaiveDate,
    last: NaiveDate,
) -> ApiResult<HashMap<NaiveDate, (integrity::Level, bool)>> {
    let mut found = HashMap::new();
    let mut cursor = None;
    loop {
        let filter = storage::VerdictFilter {
            from: Some(first.to_string()),
            to: Some(last.to_string()),
            department: None,
            employee: Some(employee),
            levels: Vec::new(),
            status: None,
            cursor: cursor.take(),
            limit: 100,
        };
        let page = s
            .store
            .list_verdicts(tenant, &domain::access::Reach::Tenant, &filter)
            .await?;
        for v in page.items {
            let (Ok(date), Ok(level)) = (
                v.day.parse::<NaiveDate>(),
                serde_json::from_value::<integrity::Level>(serde_json::json!(v.level)),
            ) else {
                continue;
            };
            found.insert(date, (level, v.status == "confirmed"));
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(found),
        }
    }
}

struct Visited {
    name: String,
    lat: Option<f64>,
    lon: Option<f64>,
}

fn local_date(tz: chrono_tz::Tz, ms: i64) -> NaiveDate {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&tz)
        .date_naive()
}

fn ms_of(rfc3339: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.timestamp_millis())
}

fn day_input(
    date: NaiveDate,
    kind: DayKind,
    summary: Option<&DaySummary>,
    visits: Vec<Visited>,
    windows: &[(i64, i64)],
) -> ApiResult<DayInput> {
    let mut day = DayInput::working(date, WholeMeters::ZERO);
    day.kind = kind;
    day.coverage = Coverage(0);
    if let Some(sm) = summary {
        let metres =
            |m: f64| WholeMeters::from_meters(Meters(m.max(0.0))).map_err(ApiError::internal);
        day.working_m = metres(sm.work_mileage_m)?;
        day.outside_m = metres((sm.mileage_m - sm.work_mileage_m).max(0.0))?;
        day.trips = u32::try_from(sm.trips.len()).unwrap_or(u32::MAX);
        day.coverage = coverage(sm, windows);
        let place = |stop: Option<&crate::tracking::summary::StopOut>| {
            stop.map(|p| place_name(p.lat, p.lon, &visits))
        };
        day.start_place = place(sm.stops.first());
        day.end_place = place(sm.stops.last());
    }
    day.visits = visits.into_iter().map(|v| v.name).collect();
    Ok(day)
}

/// A stop's place: the customer visited that day within 300 m of it, else its coordinates.
fn place_name(lat: f64, lon: f64, visits: &[Visited]) -> String {
    let near = visits
        .iter()
        .filter_map(|v| Some((v, approx_distance_m(lat, lon, v.lat?, v.lon?))))
        .filter(|(_, d)| *d <= 300.0)
        .min_by(|a, b| a.1.total_cmp(&b.1));
    match near {
        Some((v, _)) => v.name.clone(),
        None => format!("{lat:.4}, {lon:.4}"),
    }
}

/// Equirectangular distance: exact enough within a few kilometres.
fn approx_distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let k = std::f64::consts::PI / 180.0;
    let x = (lon2 - lon1) * k * ((lat1 + lat2) / 2.0 * k).cos();
    let y = (lat2 - lat1) * k;
    6_371_000.0 * (x * x + y * y).sqrt()
}

/// Share of the working windows' time between the first and last fix and outside gaps.
fn coverage(sm: &DaySummary, windows: &[(i64, i64)]) -> Coverage {
    let total: i64 = windows.iter().map(|(a, b)| (b - a).max(0)).sum();
    let (Some(first), Some(last)) = (
        sm.first_fix.as_deref().and_then(ms_of),
        sm.last_fix.as_deref().and_then(ms_of),
    ) else {
        return Coverage(0);
    };
    if total == 0 {
        return Coverage(0);
    }
    let overlap = |a: i64, b: i64, c: i64, d: i64| (b.min(d) - a.max(c)).max(0);
    let mut covered: i64 = windows
        .iter()
        .map(|&(a, b)| overlap(a, b, first, last))
        .sum();
    for g in &sm.gaps {
        if let (Some(a), Some(b)) = (ms_of(&g.start), ms_of(&g.end)) {
            covered -= windows
                .iter()
                .map(|&(wa, wb)| overlap(wa, wb, a.max(first), b.min(last)))
                .sum::<i64>();
        }
    }
    let bp = (covered.max(0) as f64 / total as f64 * 10_000.0).round() as i64;
    Coverage(bp.clamp(0, 10_000) as u16)
}

/// The periods of the rep's older claims that share days with `period` (the tenant changed
/// its claim period while a claim of the old one existed): those days stay the older
/// claim's and are left out of this one, so no day is paid twice and none is skipped.
/// `claim` is this claim's id; a claim not yet stored is newer than every one.
async fn claimed_elsewhere(
    s: &AppState,
    tenant: TenantId,
    person: &Employee,
    period: Period,
    claim: Option<uuid::Uuid>,
) -> ApiResult<Vec<Period>> {
    let mine = period.to_string();
    let mut out = Vec::new();
    for (id, text, _) in s.store.claim_periods(tenant, person.id).await? {
        if Some(id) == claim {
            break;
        }
        if text == mine {
            continue;
        }
        if let Ok(p) = text.parse::<Period>()
            && p.first() <= period.last()
            && period.first() <= p.last()
        {
            out.push(p);
        }
    }
    Ok(out)
}

/// Whether every day of `period` is in an older claim of the rep with another period: a
/// new claim for it would have no day.
pub(crate) async fn covered_elsewhere(
    s: &AppState,
    tenant: TenantId,
    person: &Employee,
    period: Period,
) -> ApiResult<bool> {
    let elsewhere = claimed_elsewhere(s, tenant, person, period, None).await?;
    Ok(!elsewhere.is_empty()
        && period
            .days()
            .all(|d| elsewhere.iter().any(|p| p.contains(d))))
}

/// The whole input of one rep's claim: days from storage, the vehicle history, and the
/// adjustments and expenses stored on the claim (`claim` absent: none yet). Adjustments
/// of days that are no longer working days (leave approved later) are left out.
pub(crate) async fn claim_input(
    s: &AppState,
    basis: &mut TenantBasis,
    tenant: TenantId,
    person: &Employee,
    period: Period,
    claim: Option<uuid::Uuid>,
) -> ApiResult<ClaimInput> {
    let mut days = days(s, basis, tenant, person, period).await?;
    let elsewhere = claimed_elsewhere(s, tenant, person, period, claim).await?;
    days.retain(|d| !elsewhere.iter().any(|p| p.contains(d.date)));
    let vehicles = vehicle_history(&s.store.vehicle_history(tenant, person.id).await?)?;
    let (adjustments, expenses) = match claim {
        None => (Vec::new(), Vec::new()),
        Some(id) => (
            s.store
                .claim_adjustments(tenant, id)
                .await?
                .iter()
                .map(adjustment)
                .collect::<ApiResult<Vec<_>>>()?,
            s.store
                .claim_expenses(tenant, id)
                .await?
                .iter()
                .map(expense)
                .collect::<ApiResult<Vec<_>>>()?,
        ),
    };
    let adjustments = adjustments
        .into_iter()
        .filter(|a| {
            days.iter()
                .any(|d| d.date == a.date && d.kind == DayKind::WorkingDay)
        })
        .collect();
    Ok(ClaimInput {
        employee: EmployeeId(person.id.0),
        period,
        currency: basis.currency,
        departments: basis.departments_of(person.department_id),
        vehicles,
        days,
        adjustments,
        expenses,
    })
}
