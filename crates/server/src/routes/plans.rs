//! Visit plans (拜访计划): generate a department's draft days from visit frequencies
//! (`plan::schedule`), let managers edit and publish them, and give a rep the published
//! day in route order with planned arrival times — reordered from where they stand.

use crate::actions::{from_json, to_json};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::routes::{RuleBook, rule_book, rule_for};
use crate::state::AppState;
use crate::tracking::schedule_cache::parse_tz;
use axum::extract::State;
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use domain::access::{Action, Reach, Resource};
use domain::attendance::{AttendanceRule, local_date, local_instant};
use domain::calendar::{DayKind, WorkCalendar};
use domain::customer::{Customer, CustomerStatus};
use domain::employee::{Employee, Role};
use domain::{CustomerId, DepartmentId, EmployeeId, Invalid, TenantId};
use domain::{Format, Problem as Bad};
use plan::schedule::{DueReason, Options, Problem, Rep, Unplaced};
use plan::travel::{GreatCircle, Mode, Travel};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use storage::{EmployeeFilter, StoredPlan};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(generate))
        .routes(routes!(list_plans))
        .routes(routes!(get_day, put_day))
        .routes(routes!(publish))
        .routes(routes!(my_plan))
        .routes(routes!(reoptimize))
}

const DEFAULT_SERVICE_MIN: f64 = 20.0;

/// Minutes at each customer: 1–480, 20 when not given.
fn service_minutes(v: Option<f64>) -> ApiResult<f64> {
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
const MAX_HORIZON_DAYS: i64 = 62;

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
    let leaves = s
        .store
        .requests_reached(
            tenant,
            &Reach::Tenant,
            &from.to_string(),
            &to.to_string(),
            Some("approved"),
        )
        .await?
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
async fn days_view(
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

fn parse_date(field: &str, v: &str) -> ApiResult<NaiveDate> {
    v.parse::<NaiveDate>()
        .map_err(|_| ApiError::invalid(Invalid::one(field, Bad::format(Format::Date))))
}

fn to_plan_date(d: NaiveDate) -> plan::date::Date {
    use chrono::Datelike;
    plan::date::Date::from_ymd(d.year(), d.month(), d.day()).unwrap_or(plan::date::Date(0))
}

fn from_plan_date(d: plan::date::Date) -> NaiveDate {
    let (y, m, day) = d.ymd();
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn local_text(tz: Tz, date: NaiveDate, minutes: f64) -> String {
    let ms = local_instant(tz, date, 0) + (minutes * 60_000.0).round() as i64;
    tz.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.to_rfc3339())
        .unwrap_or_default()
}

/// The reps of a department subtree: active field employees.
async fn reps_of(s: &AppState, tenant: TenantId, dept: DepartmentId) -> ApiResult<Vec<Employee>> {
    field_reps(s, tenant, &Reach::Subtree(dept)).await
}

/// Active field employees within a reach.
async fn field_reps(s: &AppState, tenant: TenantId, reach: &Reach) -> ApiResult<Vec<Employee>> {
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
struct WorkPattern {
    days: [bool; 7],
    shift: (f64, f64),
}

fn work_pattern(rule: &AttendanceRule, tz: Tz) -> ApiResult<WorkPattern> {
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
fn centre(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    (!points.is_empty()).then(|| {
        let n = points.len() as f64;
        (
            points.iter().map(|p| p.0).sum::<f64>() / n,
            points.iter().map(|p| p.1).sum::<f64>() / n,
        )
    })
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateInput {
    pub department_id: DepartmentId,
    /// First and last local day, `YYYY-MM-DD` (at most 62 days).
    #[schema(format = Date)]
    pub from: String,
    #[schema(format = Date)]
    pub to: String,
    /// `drive` (default), `ride` or `walk`.
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::values::TravelMode>)]
    pub mode: Option<String>,
    /// Minutes at each customer (default 20).
    #[serde(default)]
    #[schema(minimum = 1.0, maximum = 480.0)]
    pub service_min: Option<f64>,
    /// Seconds the planner may take (default 5, at most 60).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 60)]
    pub time_limit_s: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct UnplacedVisit {
    pub customer_id: CustomerId,
    pub due: String,
    /// `no_rep`, `no_working_day`, `does_not_fit_day` or `no_room`.
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct GenerateReport {
    /// Draft days written (published days are never replaced).
    pub days_written: u64,
    pub due_visits: usize,
    pub placed_visits: usize,
    pub unplaced: Vec<UnplacedVisit>,
    /// Customers left out: no location, or not owned by a rep of the department.
    pub skipped_customers: usize,
    pub plans: Vec<PlanDay>,
    pub elapsed_ms: u128,
}

fn due_info(
    reason: &DueReason,
    target: NaiveDate,
    earliest: NaiveDate,
    latest: NaiveDate,
) -> DueInfo {
    let (name, interval, last) = match reason {
        DueReason::Interval { last, interval } => ("interval", Some(*interval), Some(*last)),
        DueReason::Overdue { interval, .. } => ("overdue", Some(*interval), None),
        DueReason::NeverVisited => ("never_visited", None, None),
        DueReason::Repeat { previous, interval } => ("repeat", Some(*interval), Some(*previous)),
    };
    DueInfo {
        reason: name.into(),
        interval_days: interval,
        last_visit: last.map(|d| from_plan_date(d).to_string()),
        due: target.to_string(),
        earliest: earliest.to_string(),
        latest: latest.to_string(),
    }
}

/// Plans the department's reps over the dates from their customers' visit frequencies
/// (level A weekly, B every two weeks, C every four), last visits, working days, shifts
/// and holidays, and writes the days as drafts. The report says which visits were due,
/// which found a day and why the others did not.
#[utoipa::path(post, path = "/api/v1/plans/generate", tag = "plans", request_body = GenerateInput,
    responses((status = 200, body = GenerateReport), (status = 422, body = ErrorBody)))]
async fn generate(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<GenerateInput>,
) -> ApiResult<Json<GenerateReport>> {
    let reach = caller.reach(Resource::Employees, Action::Write)?;
    let tenant = caller.tenant();
    crate::refs::department(&s, tenant, &reach, "department_id", input.department_id).await?;
    let (from, to) = (
        parse_date("from", &input.from)?,
        parse_date("to", &input.to)?,
    );
    if to < from || (to - from).num_days() >= MAX_HORIZON_DAYS {
        return Err(ApiError::invalid(Invalid::one(
            "to",
            Bad::BadRange {
                other: "from".into(),
                max_days: MAX_HORIZON_DAYS as u32,
            },
        )));
    }
    let mode = match input.mode.as_deref() {
        None => Mode::Drive,
        Some(m) => Mode::parse(m).ok_or_else(|| {
            ApiError::invalid(Invalid::one(
                "mode",
                Bad::unknown_value(&["drive", "ride", "walk"]),
            ))
        })?,
    };
    let service = service_minutes(input.service_min)?;
    let time_limit_s = input.time_limit_s.unwrap_or(5);
    if !(1..=60).contains(&time_limit_s) {
        return Err(ApiError::invalid_one(
            "time_limit_s",
            Bad::range(1.0, 60.0, "s"),
        ));
    }
    let tz = parse_tz(&s.store.tenant(tenant).await?.timezone);
    let (_, cal) = crate::routes::attendance::calendar(&s, tenant).await?;
    let attendance: RuleBook<AttendanceRule> = rule_book(&s, tenant, "attendance").await?;
    let reps = reps_of(&s, tenant, input.department_id).await?;
    let customers: Vec<Customer> = s
        .store
        .all_customers(tenant, &Reach::Subtree(input.department_id))
        .await?;
    let last = s.store.last_visits(tenant).await?;

    // Places: rep starts first, then customers.
    let rep_index: HashMap<EmployeeId, usize> =
        reps.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut owned: Vec<Vec<(f64, f64)>> = vec![Vec::new(); reps.len()];
    let mut planned: Vec<&Customer> = Vec::new();
    for c in &customers {
        let (Some(loc), Some(owner)) = (&c.location, c.owner_id) else {
            continue;
        };
        if c.status != CustomerStatus::Active {
            continue;
        }
        if let Some(&r) = rep_index.get(&owner) {
            owned[r].push((loc.lat, loc.lon));
            planned.push(c);
        }
    }
    let skipped = customers.len() - planned.len();
    let mut points = Vec::new();
    let mut problem_reps = Vec::new();
    let mut rep_of_problem = Vec::new();
    for (i, r) in reps.iter().enumerate() {
        let Some(home) = centre(&owned[i]) else {
            continue;
        };
        let pattern = work_pattern(&attendance.for_dept(r.department_id), tz)?;
        problem_reps.push(Rep {
            id: r.id.to_string(),
            home: points.len(),
            working_days: pattern.days,
            shift: pattern.shift,
            max_visits: None,
            max_minutes: None,
        });
        rep_of_problem.push((i, home));
        points.push(home);
    }
    let problem_rep: HashMap<usize, usize> = rep_of_problem
        .iter()
        .enumerate()
        .map(|(p, (i, _))| (*i, p))
        .collect();
    let mut problem_customers = Vec::new();
    for c in &planned {
        let loc = c
            .location
            .as_ref()
            .map(|l| (l.lat, l.lon))
            .unwrap_or_default();
        let owner = c
            .owner_id
            .and_then(|o| rep_index.get(&o))
            .and_then(|i| problem_rep.get(i));
        problem_customers.push(plan::schedule::Customer {
            id: c.id.to_string(),
            location: points.len(),
            interval_days: plan::schedule::level_interval(c.level.as_str()).unwrap_or(28),
            service_min: service,
            last_visit: last
                .get(&c.id.0)
                .map(|&ms| to_plan_date(local_date(tz, ms))),
            owner: owner.copied(),
            hours: None,
        });
        points.push(loc);
    }
    let holidays = from
        .iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| matches!(cal.days.get(d).map(|x| x.kind), Some(DayKind::Holiday)))
        .map(to_plan_date)
        .collect();
    let workdays = from
        .iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| matches!(cal.days.get(d).map(|x| x.kind), Some(DayKind::Workday)))
        .map(to_plan_date)
        .collect();
    let problem = Problem {
        reps: problem_reps,
        customers: problem_customers,
        holidays,
        workdays,
        start: to_plan_date(from),
        days: (to - from).num_days() as u32 + 1,
    };
    let travel = GreatCircle::new(points.clone(), mode);
    let opts = Options {
        time_limit: Duration::from_secs(time_limit_s),
        seed: 1,
        max_iterations: None,
    };
    let (problem, travel) = (std::sync::Arc::new(problem), std::sync::Arc::new(travel));
    let (p2, t2) = (problem.clone(), travel.clone());
    let result =
        tokio::task::spawn_blocking(move || plan::schedule::schedule(&p2, t2.as_ref(), &opts))
            .await
            .map_err(ApiError::internal)?;

    // Why each placed visit is on its day.
    let mut why: HashMap<(usize, plan::date::Date), DueInfo> = HashMap::new();
    let (mut due_visits, mut placed_visits, mut unplaced) = (0, 0, Vec::new());
    for cp in &result.customers {
        for d in &cp.due {
            due_visits += 1;
            let info = due_info(
                &d.reason,
                from_plan_date(d.target),
                from_plan_date(d.earliest),
                from_plan_date(d.latest),
            );
            match d.placed {
                Some(day) => {
                    placed_visits += 1;
                    why.insert((cp.customer, day), info);
                }
                None => unplaced.push(UnplacedVisit {
                    customer_id: planned[cp.customer].id,
                    due: info.due,
                    reason: match d.unplaced {
                        Some(Unplaced::NoRep) => "no_rep",
                        Some(Unplaced::NoWorkingDay) => "no_working_day",
                        Some(Unplaced::DoesNotFitDay) => "does_not_fit_day",
                        Some(Unplaced::NoRoom) | None => "no_room",
                    }
                    .into(),
                }),
            }
        }
    }
    let mut rows = Vec::new();
    for day in &result.days {
        let (rep_i, home) = rep_of_problem[day.rep];
        let date = from_plan_date(day.date);
        let stops: Vec<PlanStop> = day
            .stops
            .iter()
            .map(|st| PlanStop {
                customer_id: planned[st.customer].id,
                arrival: local_text(tz, date, st.arrival_min),
                departure: local_text(tz, date, st.departure_min),
                service_min: service,
                due: why.get(&(st.customer, day.date)).cloned(),
            })
            .collect();
        rows.push(StoredPlan {
            employee_id: reps[rep_i].id.0,
            date: date.to_string(),
            status: "draft".into(),
            stops: to_json(&stops)?,
            start_lat: home.0,
            start_lon: home.1,
            km: day.km,
            updated_ms: 0,
            published_ms: None,
        });
    }
    let days_written = s.store.save_drafts(tenant, &rows).await?;
    let ids: Vec<EmployeeId> = reps.iter().map(|r| r.id).collect();
    let stored = s
        .store
        .plans_between(tenant, &ids, &from.to_string(), &to.to_string())
        .await?;
    Ok(Json(GenerateReport {
        days_written,
        due_visits,
        placed_visits,
        unplaced,
        skipped_customers: skipped,
        plans: days_view(&s, tenant, tz, &stored).await?,
        elapsed_ms: result.elapsed.as_millis(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlansQuery {
    pub department_id: DepartmentId,
    /// First and last local day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: String,
    #[param(format = Date)]
    pub to: String,
}

/// The department's rep-by-day calendar of plans (drafts and published): per day how
/// many stops were planned and done, per stop the visit that fulfilled it, and a
/// `conflict` when the rep's leave covering the day was approved.
#[utoipa::path(get, path = "/api/v1/plans", tag = "plans", params(PlansQuery),
    responses((status = 200, body = [PlanDay]), (status = 404, body = ErrorBody)))]
async fn list_plans(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<PlansQuery>,
) -> ApiResult<Json<Vec<PlanDay>>> {
    let reach = caller.reach(Resource::Tracks, Action::Read)?;
    let tenant = caller.tenant();
    s.store
        .department(tenant, q.department_id, &Reach::Tenant)
        .await?;
    let (from, to) = (parse_date("from", &q.from)?, parse_date("to", &q.to)?);
    // The department's reps that the caller reaches: two lists, not a lookup per rep.
    let reached: HashSet<EmployeeId> = field_reps(&s, tenant, &reach)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    let visible: Vec<EmployeeId> = reps_of(&s, tenant, q.department_id)
        .await?
        .into_iter()
        .map(|e| e.id)
        .filter(|id| reached.contains(id))
        .collect();
    let rows = s
        .store
        .plans_between(tenant, &visible, &from.to_string(), &to.to_string())
        .await?;
    let tz = parse_tz(&s.store.tenant(tenant).await?.timezone);
    Ok(Json(days_view(&s, tenant, tz, &rows).await?))
}

async fn reachable_rep(
    s: &AppState,
    caller: &Caller,
    action: Action,
    employee: EmployeeId,
) -> ApiResult<Employee> {
    let reach = caller.reach(
        if action == Action::Write {
            Resource::Employees
        } else {
            Resource::Tracks
        },
        action,
    )?;
    Ok(s.store.employee(caller.tenant(), employee, &reach).await?)
}

/// One rep's day (draft or published), with its fulfilled stops and any conflict.
#[utoipa::path(get, path = "/api/v1/plans/{employee_id}/{date}", tag = "plans",
    params(("employee_id" = EmployeeId, Path, description = "the rep"),
           ("date" = String, Path, format = Date, description = "local day, `YYYY-MM-DD`")),
    responses((status = 200, body = PlanDay), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_day(
    State(s): State<AppState>,
    caller: Caller,
    Path((employee, date)): Path<(EmployeeId, String)>,
) -> ApiResult<Json<PlanDay>> {
    reachable_rep(&s, &caller, Action::Read, employee).await?;
    parse_date("date", &date)?;
    let tenant = caller.tenant();
    let tz = parse_tz(&s.store.tenant(tenant).await?.timezone);
    let plan = s.store.plan(tenant, employee, &date).await?;
    let mut days = days_view(&s, tenant, tz, std::slice::from_ref(&plan)).await?;
    days.pop().map(Json).ok_or_else(ApiError::not_found)
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
    let rule: AttendanceRule = rule_for(s, tenant, "attendance", rep.department_id).await?;
    Ok(work_pattern(&rule, tz)?.shift.0)
}

/// Replaces a day's stops in the given order and re-times it. A published day stays
/// published (the rep sees the change); a day without a plan becomes a draft.
#[utoipa::path(put, path = "/api/v1/plans/{employee_id}/{date}", tag = "plans", request_body = DayEdit,
    params(("employee_id" = EmployeeId, Path, description = "the rep"),
           ("date" = String, Path, format = Date, description = "local day, `YYYY-MM-DD`")),
    responses((status = 200, body = PlanDay), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_day(
    State(s): State<AppState>,
    caller: Caller,
    Path((employee, date)): Path<(EmployeeId, String)>,
    Json(edit): Json<DayEdit>,
) -> ApiResult<Json<PlanDay>> {
    let rep = reachable_rep(&s, &caller, Action::Write, employee).await?;
    let day = parse_date("date", &date)?;
    let mut seen = HashSet::new();
    for (i, c) in edit.customer_ids.iter().enumerate() {
        if !seen.insert(*c) {
            return Err(ApiError::invalid(Invalid::one(
                format!("customer_ids[{i}]"),
                Bad::Duplicate,
            )));
        }
    }
    let tenant = caller.tenant();
    let existing = match s.store.plan(tenant, employee, &date).await {
        Ok(p) => Some(p),
        Err(storage::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let previous: Vec<PlanStop> = match &existing {
        Some(p) => from_json(&p.stops)?,
        None => Vec::new(),
    };
    let customers = caller.reach(Resource::Customers, Action::Read)?;
    let stops = locate(&s, tenant, &customers, &edit.customer_ids).await?;
    let tz = parse_tz(&s.store.tenant(tenant).await?.timezone);
    let planned = timed_day(DayRoute {
        employee,
        date: day,
        tz,
        start: existing.as_ref().map(|p| (p.start_lat, p.start_lon)),
        start_min: shift_start(&s, tenant, &rep, tz).await?,
        stops: &stops,
        previous: &previous,
        service: service_minutes(edit.service_min)?,
    })?;
    let stored = s.store.put_plan(tenant, &planned).await?;
    let mut days = days_view(&s, tenant, tz, std::slice::from_ref(&stored)).await?;
    days.pop().map(Json).ok_or_else(ApiError::not_found)
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishInput {
    pub department_id: DepartmentId,
    #[schema(format = Date)]
    pub from: String,
    #[schema(format = Date)]
    pub to: String,
}

#[derive(Serialize, ToSchema)]
pub struct PublishReport {
    pub days_published: u64,
}

/// Publishes the department's draft days in the range; reps see published days only.
#[utoipa::path(post, path = "/api/v1/plans/publish", tag = "plans", request_body = PublishInput,
    responses((status = 200, body = PublishReport), (status = 422, body = ErrorBody)))]
async fn publish(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<PublishInput>,
) -> ApiResult<Json<PublishReport>> {
    let reach = caller.reach(Resource::Employees, Action::Write)?;
    let tenant = caller.tenant();
    crate::refs::department(&s, tenant, &reach, "department_id", input.department_id).await?;
    let (from, to) = (
        parse_date("from", &input.from)?,
        parse_date("to", &input.to)?,
    );
    let reps: Vec<EmployeeId> = reps_of(&s, tenant, input.department_id)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    let n = s
        .store
        .publish_plans(tenant, &reps, &from.to_string(), &to.to_string())
        .await?;
    Ok(Json(PublishReport { days_published: n }))
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

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MyPlanQuery {
    /// Local day; today when left out.
    #[param(format = Date)]
    pub date: Option<String>,
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
#[utoipa::path(get, path = "/api/v1/me/plan", tag = "plans", params(MyPlanQuery),
    responses((status = 200, body = MyDay)))]
async fn my_plan(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<MyPlanQuery>,
) -> ApiResult<Json<MyDay>> {
    let (tenant, me) = (caller.tenant(), caller.person()?);
    let tz = parse_tz(&s.store.tenant(tenant).await?.timezone);
    let date = match q.date.as_deref() {
        Some(d) => parse_date("date", d)?,
        None => local_date(tz, crate::now_ms()),
    };
    Ok(Json(my_day(&s, tenant, tz, me, date).await?.0))
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
#[utoipa::path(post, path = "/api/v1/me/plan/reoptimize", tag = "plans", request_body = ReoptimizeInput,
    responses((status = 200, body = MyDay), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reoptimize(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<ReoptimizeInput>,
) -> ApiResult<Json<MyDay>> {
    let (tenant, me) = (caller.tenant(), caller.person()?);
    let here = domain::Wgs84::parse(input.lat, input.lon, domain::CoordSystem::Wgs84)
        .map_err(|b| ApiError::invalid(Invalid::one(b.field(), b.problem())))?;
    let tz = parse_tz(&s.store.tenant(tenant).await?.timezone);
    let now_ms = crate::now_ms();
    let date = local_date(tz, now_ms);
    let (today, Some(plan)) = my_day(&s, tenant, tz, me, date).await? else {
        return Err(ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
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
        start_min: shift_start(&s, tenant, &rep, tz).await?,
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
    Ok(Json(MyDay {
        date: today.date.clone(),
        status: today.status.clone(),
        km: (timed.km * 100.0).round() / 100.0,
        stops: shown,
        conflict: today.conflict,
    }))
}
