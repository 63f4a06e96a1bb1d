//! Planned days: how stored plans look to managers (with leave and the visits that
//! fulfilled their stops) and to the rep, edits that re-time a day, and the rep's
//! reoptimisation of what is left of today from where they stand
//! (`plan::solve_single_route`).

use crate::actions::{from_json, to_json};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::http::StatusCode;
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use domain::access::{Action, Principal, Reach, Resource};
use domain::attendance::{AttendanceRule, local_date, local_instant};
use domain::calendar::WorkCalendar;
use domain::employee::{Employee, Role};
use domain::{CustomerId, DepartmentId, EmployeeId, Invalid, TenantId};
use domain::{Format, Problem as Bad};
use plan::travel::{GreatCircle, Mode, Travel};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use storage::{EmployeeFilter, StoredPlan};
use utoipa::ToSchema;
use uuid::Uuid;

const DEFAULT_SERVICE_MIN: f64 = 20.0;

/// Minutes at each customer: 1–480, 20 when not given.
pub(crate) fn service_minutes(v: Option<f64>) -> ApiResult<f64> {
    let service = v.unwrap_or(DEFAULT_SERVICE_MIN);
    if (1.0..=480.0).contains(&service) {
        Ok(service)
    } else {
        Err(ApiError::invalid_one(
            "service_min",
            Bad::range(1.0, 480.0, "min"),
        ))
    }
}
/// Why a customer is on a day.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DueInfo {
    /// `interval` (last visit + interval), `overdue`, `never_visited` or `repeat`.
    pub reason: String,
    pub interval_days: Option<u32>,
    pub last_visit: Option<String>,
    /// The due date and the days that count as on time.
    pub due: String,
    pub earliest: String,
    pub latest: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PlanStop {
    pub customer_id: CustomerId,
    /// Planned arrival, local time with offset.
    pub arrival: String,
    pub departure: String,
    pub service_min: f64,
    /// Absent for stops a manager added by hand.
    pub due: Option<DueInfo>,
}

/// A stop as the calendar shows it: the plan's stop and the visit that fulfilled it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlanStopView {
    #[serde(flatten)]
    pub stop: PlanStop,
    /// The rep's check-in at this customer on this local day; null while not visited.
    pub visit_id: Option<Uuid>,
}

/// Why a planned day cannot be worked as planned. The stops stay: a manager moves them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PlanConflict {
    /// `on_leave`: the rep's leave covering this day was approved.
    pub code: String,
    /// The approved leave request.
    pub request_id: Uuid,
}

#[derive(Serialize, ToSchema)]
pub struct PlanDay {
    pub employee_id: EmployeeId,
    pub date: String,
    /// `draft`, `published`, or `none` (no plan for the day).
    pub status: String,
    pub km: f64,
    pub stops: Vec<PlanStopView>,
    /// Stops on the day, and how many of them were visited.
    pub planned: usize,
    pub done: usize,
    /// Null, or why the day cannot be worked as planned (approved leave).
    pub conflict: Option<PlanConflict>,
}

/// What the calendar shows beside stored days: the approved leave of their reps and the
/// check-ins that fulfilled their stops.
#[derive(Default)]
struct DayContext {
    /// (rep, first day, last day, request) of approved leave.
    leaves: Vec<(EmployeeId, NaiveDate, NaiveDate, Uuid)>,
    /// The first check-in per (rep, customer, local day).
    visits: HashMap<(EmployeeId, CustomerId, NaiveDate), Uuid>,
}

impl DayContext {
    fn conflict(&self, rep: EmployeeId, date: NaiveDate) -> Option<PlanConflict> {
        self.leaves
            .iter()
            .find(|(e, from, to, _)| *e == rep && *from <= date && date <= *to)
            .map(|(_, _, _, id)| PlanConflict {
                code: "on_leave".into(),
                request_id: *id,
            })
    }

    fn visit(&self, rep: EmployeeId, customer: CustomerId, date: NaiveDate) -> Option<Uuid> {
        self.visits.get(&(rep, customer, date)).copied()
    }
}

/// Loads the leave and check-ins of these reps over the local days `[from, to]`.
async fn day_context(
    s: &AppState,
    tenant: TenantId,
    tz: Tz,
    reps: &[EmployeeId],
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<DayContext> {
    let wanted: HashSet<EmployeeId> = reps.iter().copied().collect();
    let mut approved = Vec::new();
    let mut cursor = None;
    loop {
        let page = s
            .store
            .requests_reached(
                tenant,
                &Reach::Tenant,
                &storage::RequestSpan {
                    employee: None,
                    from: &from.to_string(),
                    to: &to.to_string(),
                    status: Some("approved"),
                    cursor: cursor.as_deref(),
                    limit: 500,
                },
            )
            .await?;
        approved.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let leaves = approved
        .into_iter()
        .filter(|r| r.kind == "leave" && wanted.contains(&EmployeeId(r.employee_id)))
        .filter_map(|r| {
            Some((
                EmployeeId(r.employee_id),
                r.from_date.parse().ok()?,
                r.to_date.parse().ok()?,
                r.id,
            ))
        })
        .collect();
    let mut visits = HashMap::new();
    let (lo, hi) = (
        local_instant(tz, from, 0),
        local_instant(tz, to.succ_opt().unwrap_or(to), 0),
    );
    for (visit, rep, customer, t_ms) in s.store.checkins_between(tenant, lo, hi).await? {
        if wanted.contains(&rep) {
            visits
                .entry((rep, customer, local_date(tz, t_ms)))
                .or_insert(visit);
        }
    }
    Ok(DayContext { leaves, visits })
}

fn day_view(p: &StoredPlan, ctx: &DayContext) -> ApiResult<PlanDay> {
    let rep = EmployeeId(p.employee_id);
    let date = p.date.parse::<NaiveDate>().map_err(ApiError::internal)?;
    let stops: Vec<PlanStopView> = from_json::<Vec<PlanStop>>(&p.stops)?
        .into_iter()
        .map(|stop| PlanStopView {
            visit_id: ctx.visit(rep, stop.customer_id, date),
            stop,
        })
        .collect();
    Ok(PlanDay {
        employee_id: rep,
        date: p.date.clone(),
        status: p.status.clone(),
        km: (p.km * 100.0).round() / 100.0,
        planned: stops.len(),
        done: stops.iter().filter(|s| s.visit_id.is_some()).count(),
        stops,
        conflict: ctx.conflict(rep, date),
    })
}

/// Stored days as the plan views show them, with leave and fulfilled stops.
pub(crate) async fn days_view(
    s: &AppState,
    tenant: TenantId,
    tz: Tz,
    plans: &[StoredPlan],
) -> ApiResult<Vec<PlanDay>> {
    let dates: Vec<NaiveDate> = plans.iter().filter_map(|p| p.date.parse().ok()).collect();
    let (Some(from), Some(to)) = (dates.iter().min(), dates.iter().max()) else {
        return Ok(Vec::new());
    };
    let reps: Vec<EmployeeId> = plans.iter().map(|p| EmployeeId(p.employee_id)).collect();
    let ctx = day_context(s, tenant, tz, &reps, *from, *to).await?;
    plans.iter().map(|p| day_view(p, &ctx)).collect()
}

pub(crate) fn parse_date(field: &str, v: &str) -> ApiResult<NaiveDate> {
    v.parse::<NaiveDate>()
        .map_err(|_| ApiError::invalid(Invalid::one(field, Bad::format(Format::Date))))
}

pub(crate) fn to_plan_date(d: NaiveDate) -> plan::date::Date {
    use chrono::Datelike;
    plan::date::Date::from_ymd(d.year(), d.month(), d.day()).unwrap_or(plan::date::Date(0))
}

pub(crate) fn from_plan_date(d: plan::date::Date) -> NaiveDate {
    let (y, m, day) = d.ymd();
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

pub(crate) fn local_text(tz: Tz, date: NaiveDate, minutes: f64) -> String {
    let ms = local_instant(tz, date, 0) + (minutes * 60_000.0).round() as i64;
    tz.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.to_rfc3339())
        .unwrap_or_default()
}

/// The reps of a department subtree: active field employees.
pub(crate) async fn reps_of(
    s: &AppState,
    tenant: TenantId,
    dept: DepartmentId,
) -> ApiResult<Vec<Employee>> {
    field_reps(s, tenant, &Reach::Subtree(dept)).await
}

/// Active field employees within a reach.
pub(crate) async fn field_reps(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
) -> ApiResult<Vec<Employee>> {
    let mut out = Vec::new();
    let mut f = EmployeeFilter {
        role: Some(Role::Field),
        active: Some(true),
        limit: 500,
        ..Default::default()
    };
    loop {
        let page = s.store.list_employees(tenant, reach, &f).await?;
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => f.cursor = Some(c),
            None => return Ok(out),
        }
    }
}

/// A rep's working week (Monday first) and shift, in minutes after midnight, from the
/// attendance rule of their department; holidays come from the work calendar.
pub(crate) struct WorkPattern {
    pub(crate) days: [bool; 7],
    pub(crate) shift: (f64, f64),
}

pub(crate) fn work_pattern(rule: &AttendanceRule, tz: Tz) -> ApiResult<WorkPattern> {
    let schedule = rule.validate()?;
    // 2024-01-01 is a Monday; an empty calendar lets the week alone decide.
    let monday = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    let mut days = [false; 7];
    for (i, d) in days.iter_mut().enumerate() {
        *d = schedule.week.includes(monday + chrono::Days::new(i as u64));
    }
    let first = (0..7)
        .map(|i| monday + chrono::Days::new(i))
        .flat_map(|d| schedule.shifts_on(&WorkCalendar::default(), tz, d))
        .next();
    let shift = match first {
        Some(sh) => {
            let midnight = local_instant(tz, sh.date, 0);
            (
                (sh.start_ms - midnight) as f64 / 60_000.0,
                ((sh.end_ms - midnight) as f64 / 60_000.0).min(24.0 * 60.0),
            )
        }
        None => (9.0 * 60.0, 18.0 * 60.0),
    };
    Ok(WorkPattern { days, shift })
}

/// Where a rep's day starts: the centre of the customers they own (there is no home
/// address on record yet).
pub(crate) fn centre(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    (!points.is_empty()).then(|| {
        let n = points.len() as f64;
        (
            points.iter().map(|p| p.0).sum::<f64>() / n,
            points.iter().map(|p| p.1).sum::<f64>() / n,
        )
    })
}

/// The department's rep-by-day calendar of plans (drafts and published): per day how
/// many stops were planned and done, per stop the visit that fulfilled it, and a
/// `conflict` when the rep's leave covering the day was approved.
///
/// `reach` is what the caller reaches when reading tracks.
pub async fn list(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    department_id: DepartmentId,
    (from, to): (&str, &str),
) -> ApiResult<Vec<PlanDay>> {
    s.store
        .department(tenant, department_id, &Reach::Tenant)
        .await?;
    let (from, to) = (parse_date("from", from)?, parse_date("to", to)?);
    // The department's reps that the caller reaches: two lists, not a lookup per rep.
    let reached: HashSet<EmployeeId> = field_reps(s, tenant, reach)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    let visible: Vec<EmployeeId> = reps_of(s, tenant, department_id)
        .await?
        .into_iter()
        .map(|e| e.id)
        .filter(|id| reached.contains(id))
        .collect();
    let rows = s
        .store
        .plans_between(tenant, &visible, &from.to_string(), &to.to_string())
        .await?;
    let tz = s.tenant_zone(tenant).await?;
    days_view(s, tenant, tz, &rows).await
}

/// A rep the principal reaches: to edit their plan (employees, write) or to read it.
async fn reachable_rep(
    s: &AppState,
    principal: &Principal,
    action: Action,
    employee: EmployeeId,
) -> ApiResult<Employee> {
    let reach = super::reach(
        principal,
        if action == Action::Write {
            Resource::Employees
        } else {
            Resource::Tracks
        },
        action,
    )?;
    Ok(s.store
        .employee(principal.tenant(), employee, &reach)
        .await?)
}

/// One rep's day (draft or published), with its fulfilled stops and any conflict.
pub async fn get_day(
    s: &AppState,
    principal: &Principal,
    employee: EmployeeId,
    date: &str,
) -> ApiResult<PlanDay> {
    reachable_rep(s, principal, Action::Read, employee).await?;
    parse_date("date", date)?;
    let tenant = principal.tenant();
    let tz = s.tenant_zone(tenant).await?;
    let plan = s.store.plan(tenant, employee, date).await?;
    let mut days = days_view(s, tenant, tz, std::slice::from_ref(&plan)).await?;
    days.pop().ok_or_else(ApiError::not_found)
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayEdit {
    /// The day's customers in visiting order: add, remove, reorder, or move a customer
    /// here from another day or rep (remove it there with another edit).
    pub customer_ids: Vec<CustomerId>,
    #[serde(default)]
    #[schema(minimum = 1.0, maximum = 480.0)]
    pub service_min: Option<f64>,
}

/// A day to be timed: whose and which day, where and when it starts (the centre of its
/// customers when not given), the customers in visiting order with their positions, and
/// the day's earlier stops (whose due reasons carry over).
struct DayRoute<'a> {
    employee: EmployeeId,
    date: NaiveDate,
    tz: Tz,
    start: Option<(f64, f64)>,
    start_min: f64,
    stops: &'a [(CustomerId, (f64, f64))],
    previous: &'a [PlanStop],
    service: f64,
}

/// The customers of an edited day with their positions; each problem names its index.
/// Every id is resolved within what the caller reaches: a customer of another department
/// answers like a missing one, so it can never be published to a rep's day.
async fn locate(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    order: &[CustomerId],
) -> ApiResult<Vec<(CustomerId, (f64, f64))>> {
    let mut out = Vec::with_capacity(order.len());
    for (i, id) in order.iter().enumerate() {
        let field = format!("customer_ids[{i}]");
        let c = crate::refs::customer(s, tenant, reach, field.clone(), *id).await?;
        let loc = c
            .location
            .as_ref()
            .ok_or_else(|| ApiError::invalid(Invalid::one(field, Bad::NoLocation)))?;
        out.push((*id, (loc.lat, loc.lon)));
    }
    Ok(out)
}

/// Times a day's route along its order.
fn timed_day(day: DayRoute<'_>) -> ApiResult<StoredPlan> {
    let points: Vec<(f64, f64)> = day.stops.iter().map(|(_, p)| *p).collect();
    // An empty day has no route; its start only needs to be a valid place.
    let home = day.start.or_else(|| centre(&points)).unwrap_or((0.0, 0.0));
    let mut all = vec![home];
    all.extend(points.iter().copied());
    let travel = GreatCircle::new(all, Mode::Drive);
    let reasons: HashMap<CustomerId, Option<DueInfo>> = day
        .previous
        .iter()
        .map(|p| (p.customer_id, p.due.clone()))
        .collect();
    let (mut at, mut now, mut km) = (0usize, day.start_min, 0.0);
    let mut stops = Vec::new();
    for (i, (id, _)) in day.stops.iter().enumerate() {
        km += travel.km(at, i + 1);
        now += travel.minutes(at, i + 1);
        let arrival = now;
        now += day.service;
        stops.push(PlanStop {
            customer_id: *id,
            arrival: local_text(day.tz, day.date, arrival),
            departure: local_text(day.tz, day.date, now),
            service_min: day.service,
            due: reasons.get(id).cloned().flatten(),
        });
        at = i + 1;
    }
    if !day.stops.is_empty() {
        km += travel.km(at, 0);
    }
    Ok(StoredPlan {
        employee_id: day.employee.0,
        date: day.date.to_string(),
        status: "draft".into(),
        stops: to_json(&stops)?,
        start_lat: home.0,
        start_lon: home.1,
        km,
        updated_ms: 0,
        published_ms: None,
    })
}

/// When a rep's day starts: the first shift of their department's attendance rule.
async fn shift_start(s: &AppState, tenant: TenantId, rep: &Employee, tz: Tz) -> ApiResult<f64> {
    let rule: AttendanceRule =
        super::rules::rule_for(s, tenant, super::attendance::RULE, rep.department_id).await?;
    Ok(work_pattern(&rule, tz)?.shift.0)
}

/// Replaces a day's stops in the given order and re-times it. A published day stays
/// published (the rep sees the change); a day without a plan becomes a draft.
pub async fn put_day(
    s: &AppState,
    principal: &Principal,
    employee: EmployeeId,
    date: &str,
    edit: DayEdit,
) -> ApiResult<PlanDay> {
    let rep = reachable_rep(s, principal, Action::Write, employee).await?;
    let day = parse_date("date", date)?;
    let mut seen = HashSet::new();
    for (i, c) in edit.customer_ids.iter().enumerate() {
        if !seen.insert(*c) {
            return Err(ApiError::invalid(Invalid::one(
                format!("customer_ids[{i}]"),
                Bad::Duplicate,
            )));
        }
    }
    let tenant = principal.tenant();
    let customers = super::reach(principal, Resource::Customers, Action::Read)?;
    let service = service_minutes(edit.service_min)?;
    let stored = put_stops(
        s,
        tenant,
        &rep,
        day,
        &edit.customer_ids,
        &customers,
        service,
    )
    .await?;
    let tz = s.tenant_zone(tenant).await?;
    let mut days = days_view(s, tenant, tz, std::slice::from_ref(&stored)).await?;
    days.pop().ok_or_else(ApiError::not_found)
}

/// A rep's planned customers of a day, in visiting order (none when the day has no plan).
pub(crate) async fn day_order(
    s: &AppState,
    tenant: TenantId,
    rep: EmployeeId,
    day: NaiveDate,
) -> ApiResult<Vec<CustomerId>> {
    match s.store.plan(tenant, rep, &day.to_string()).await {
        Ok(p) => Ok(from_json::<Vec<PlanStop>>(&p.stops)?
            .into_iter()
            .map(|x| x.customer_id)
            .collect()),
        Err(storage::StoreError::NotFound) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// Replaces a rep's day with these customers in this order, re-timed (customers resolved
/// within `customers`); the day keeps its published state. The one write of a day's
/// stops: a manager's edit and an approved plan change both come here.
pub(crate) async fn put_stops(
    s: &AppState,
    tenant: TenantId,
    rep: &Employee,
    day: NaiveDate,
    order: &[CustomerId],
    customers: &Reach,
    service: f64,
) -> ApiResult<StoredPlan> {
    let existing = match s.store.plan(tenant, rep.id, &day.to_string()).await {
        Ok(p) => Some(p),
        Err(storage::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let previous: Vec<PlanStop> = match &existing {
        Some(p) => from_json(&p.stops)?,
        None => Vec::new(),
    };
    let stops = locate(s, tenant, customers, order).await?;
    let tz = s.tenant_zone(tenant).await?;
    let planned = timed_day(DayRoute {
        employee: rep.id,
        date: day,
        tz,
        start: existing.as_ref().map(|p| (p.start_lat, p.start_lon)),
        start_min: shift_start(s, tenant, rep, tz).await?,
        stops: &stops,
        previous: &previous,
        service,
    })?;
    Ok(s.store.put_plan(tenant, &planned).await?)
}

#[derive(Clone, Serialize, ToSchema)]
pub struct MyStop {
    #[serde(flatten)]
    pub stop: PlanStop,
    pub name: String,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// A visit to this customer was checked in on the day.
    pub visited: bool,
    /// That visit (the first of the day).
    pub visit_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct MyDay {
    pub date: String,
    /// `published` or `none`.
    pub status: String,
    pub km: f64,
    pub stops: Vec<MyStop>,
    /// Null, or `{code: "on_leave", request_id}` when the rep's approved leave covers
    /// the day (the stops stay until a manager moves them).
    pub conflict: Option<PlanConflict>,
}

/// The rep's published day as shown, with the stored day it came from (`None` when
/// nothing is published for the date).
pub(crate) async fn my_day(
    s: &AppState,
    tenant: TenantId,
    tz: Tz,
    me: EmployeeId,
    date: NaiveDate,
) -> ApiResult<(MyDay, Option<StoredPlan>)> {
    let plan = match s.store.plan(tenant, me, &date.to_string()).await {
        Ok(p) if p.status == "published" => p,
        Ok(_) | Err(storage::StoreError::NotFound) => {
            let none = MyDay {
                date: date.to_string(),
                status: "none".into(),
                km: 0.0,
                stops: Vec::new(),
                conflict: None,
            };
            return Ok((none, None));
        }
        Err(e) => return Err(e.into()),
    };
    let ctx = day_context(s, tenant, tz, &[me], date, date).await?;
    let mut stops = Vec::new();
    for stop in from_json::<Vec<PlanStop>>(&plan.stops)? {
        let c = s
            .store
            .customer(tenant, stop.customer_id, &Reach::Tenant)
            .await;
        let (name, address, loc) = match c {
            Ok(c) => (c.name, c.address, c.location.map(|l| (l.lat, l.lon))),
            Err(_) => (String::new(), None, None),
        };
        let visit_id = ctx.visit(me, stop.customer_id, date);
        stops.push(MyStop {
            visited: visit_id.is_some(),
            visit_id,
            stop,
            name,
            address,
            lat: loc.map(|l| l.0),
            lon: loc.map(|l| l.1),
        });
    }
    let day = MyDay {
        date: date.to_string(),
        status: plan.status.clone(),
        km: (plan.km * 100.0).round() / 100.0,
        stops,
        conflict: ctx.conflict(me, date),
    };
    Ok((day, Some(plan)))
}

/// The signed-in rep's published plan for a day, in route order with planned times.
///
/// `date` is the local day, `YYYY-MM-DD`; today when `None`.
pub async fn my_plan(
    s: &AppState,
    tenant: TenantId,
    me: EmployeeId,
    date: Option<&str>,
) -> ApiResult<MyDay> {
    let tz = s.tenant_zone(tenant).await?;
    let date = match date {
        Some(d) => parse_date("date", d)?,
        None => local_date(tz, crate::now_ms()),
    };
    Ok(my_day(s, tenant, tz, me, date).await?.0)
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReoptimizeInput {
    /// Where the rep is now (WGS-84).
    /// Degrees; `lat` = `lon` = 0 ("null island", what broken GPS stacks report for
    /// "unknown") is refused (`null_island`).
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: f64,
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: f64,
}

/// Reorders the rest of today's published plan (the customers not yet visited) into the
/// shortest route from where the rep stands now, and re-times it from now.
pub async fn reoptimize(
    s: &AppState,
    tenant: TenantId,
    me: EmployeeId,
    input: ReoptimizeInput,
) -> ApiResult<MyDay> {
    let here = domain::Wgs84::parse(input.lat, input.lon, domain::CoordSystem::Wgs84)
        .map_err(|b| ApiError::invalid(Invalid::one(b.field(), b.problem())))?;
    let tz = s.tenant_zone(tenant).await?;
    let now_ms = crate::now_ms();
    let date = local_date(tz, now_ms);
    let (today, Some(plan)) = my_day(s, tenant, tz, me, date).await? else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no published plan for today",
        ));
    };
    let (done, rest): (Vec<&MyStop>, Vec<&MyStop>) = today.stops.iter().partition(|s| s.visited);
    let rest: Vec<&MyStop> = rest.into_iter().filter(|s| s.lat.is_some()).collect();
    // A single-route TSP from here through the remaining stops (times in minutes).
    let mut places = vec![(here.lat(), here.lon())];
    places.extend(
        rest.iter()
            .map(|s| (s.lat.unwrap_or_default(), s.lon.unwrap_or_default())),
    );
    let travel = GreatCircle::new(places.clone(), Mode::Drive);
    let n = places.len();
    let mut dist = Vec::with_capacity(n * n);
    let mut time = Vec::with_capacity(n * n);
    // The day ends at the last customer, not back here: returning is free.
    for a in 0..n {
        for b in 0..n {
            let back = b == 0;
            dist.push(if back { 0.0 } else { travel.km(a, b) });
            time.push(if back { 0.0 } else { travel.minutes(a, b) });
        }
    }
    let nodes: Vec<plan::Node> = (0..n)
        .map(|i| plan::Node {
            coords: Some(places[i]),
            demand: 0.0,
            ready: 0.0,
            due: f64::MAX / 4.0,
            service: if i == 0 {
                0.0
            } else {
                rest[i - 1].stop.service_min
            },
        })
        .collect();
    let instance = plan::Instance::with_matrices("today", nodes, 1, f64::MAX, dist, Some(time));
    let stops: Vec<usize> = (1..n).collect();
    let route = tokio::task::spawn_blocking(move || {
        plan::solve_single_route(&instance, &stops, &plan::SolveOptions::default())
    })
    .await
    .map_err(ApiError::internal)?;
    let mut order: Vec<CustomerId> = done.iter().map(|s| s.stop.customer_id).collect();
    order.extend(route.order.iter().map(|&i| rest[i - 1].stop.customer_id));
    let previous: Vec<PlanStop> = today.stops.iter().map(|s| s.stop.clone()).collect();
    let rep = s.store.employee(tenant, me, &Reach::Tenant).await?;
    let midnight = local_instant(tz, date, 0);
    let service = previous
        .first()
        .map(|p| p.service_min)
        .unwrap_or(DEFAULT_SERVICE_MIN);
    let located = |stops: &[&MyStop]| -> Vec<(CustomerId, (f64, f64))> {
        stops
            .iter()
            .filter_map(|s| Some((s.stop.customer_id, (s.lat?, s.lon?))))
            .collect()
    };
    let rest_in_order: Vec<&MyStop> = route.order.iter().map(|&i| rest[i - 1]).collect();
    // The whole day's distance along the new order, from the day's start.
    let whole: Vec<&MyStop> = done.iter().chain(&rest_in_order).copied().collect();
    let mut timed = timed_day(DayRoute {
        employee: me,
        date,
        tz,
        start: Some((plan.start_lat, plan.start_lon)),
        start_min: shift_start(s, tenant, &rep, tz).await?,
        stops: &located(&whole),
        previous: &previous,
        service,
    })?;
    // The visited stops keep their times; the rest run from now and from here.
    let from_here = timed_day(DayRoute {
        employee: me,
        date,
        tz,
        start: Some((here.lat(), here.lon())),
        start_min: (now_ms - midnight) as f64 / 60_000.0,
        stops: &located(&rest_in_order),
        previous: &previous,
        service,
    })?;
    let mut stops: Vec<PlanStop> = done.iter().map(|d| d.stop.clone()).collect();
    let retimed: Vec<PlanStop> = from_json(&from_here.stops)?;
    stops.extend(retimed.iter().cloned());
    timed.stops = to_json(&stops)?;
    s.store.put_plan(tenant, &timed).await?;
    // The answer is today's view in the new order; names and visits have not changed.
    let shown: Vec<MyStop> = done
        .iter()
        .map(|d| (*d).clone())
        .chain(rest_in_order.iter().zip(retimed).map(|(r, stop)| MyStop {
            stop,
            ..(*r).clone()
        }))
        .collect();
    Ok(MyDay {
        date: today.date.clone(),
        status: today.status.clone(),
        km: (timed.km * 100.0).round() / 100.0,
        stops: shown,
        conflict: today.conflict,
    })
}
