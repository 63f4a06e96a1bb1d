//! Visit plans (拜访计划) for a department: generate draft days from visit frequencies
//! (`plan::schedule`) and publish them to the reps.

use super::plan_days::{
    DueInfo, PlanDay, PlanStop, centre, days_view, from_plan_date, local_text, parse_date, reps_of,
    service_minutes, to_plan_date, work_pattern,
};
use super::rules::{RuleBook, rule_book};
use crate::actions::to_json;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use chrono::NaiveDate;
use domain::Problem as Bad;
use domain::access::Reach;
use domain::attendance::{AttendanceRule, local_date};
use domain::calendar::DayKind;
use domain::customer::{Customer, CustomerStatus};
use domain::{CustomerId, DepartmentId, EmployeeId, Invalid, TenantId};
use plan::schedule::{DueReason, Options, Problem, Rep, Unplaced};
use plan::travel::{GreatCircle, Mode};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;
use storage::StoredPlan;
use utoipa::ToSchema;

const MAX_HORIZON_DAYS: i64 = 62;

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
///
/// `reach` is what the caller reaches when writing employees (the department must be in it).
pub async fn generate(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    input: GenerateInput,
) -> ApiResult<GenerateReport> {
    crate::refs::department(s, tenant, reach, "department_id", input.department_id).await?;
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
    let tz = s.tenant_zone(tenant).await?;
    let (_, cal) = super::attendance::calendar(s, tenant).await?;
    let attendance: RuleBook<AttendanceRule> =
        rule_book(s, tenant, super::attendance::RULE).await?;
    let reps = reps_of(s, tenant, input.department_id).await?;
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
    Ok(GenerateReport {
        days_written,
        due_visits,
        placed_visits,
        unplaced,
        skipped_customers: skipped,
        plans: days_view(s, tenant, tz, &stored).await?,
        elapsed_ms: result.elapsed.as_millis(),
    })
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
pub async fn publish(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    input: PublishInput,
) -> ApiResult<PublishReport> {
    crate::refs::department(s, tenant, reach, "department_id", input.department_id).await?;
    let (from, to) = (
        parse_date("from", &input.from)?,
        parse_date("to", &input.to)?,
    );
    let reps: Vec<EmployeeId> = reps_of(s, tenant, input.department_id)
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    let n = s
        .store
        .publish_plans(tenant, &reps, &from.to_string(), &to.to_string())
        .await?;
    Ok(PublishReport { days_published: n })
}
