//! Reports for managers and finance: the team's attendance (people × days with totals)
//! and monthly mileage from the stored day summaries. Managers see their department
//! subtree, finance and admins everyone; field reps and integration keys are refused.

use super::attendance::{calendar, person_days, rule_for, start_date};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::access::{Action, Principal, Reach, Resource};
use domain::attendance::{AttendanceSchedule, DayStatus, StatusTotals};
use domain::employee::Employee;
use domain::{DepartmentId, EmployeeId, TenantId};
use serde::Serialize;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use storage::{EmployeeFilter, Page};
use utoipa::ToSchema;

/// The most people one page of a report holds.
pub(crate) const MAX_LIMIT: u32 = 200;

/// Whom a report covers: everyone the caller reaches, or one department subtree of it;
/// one page of people (`limit` 1–[`MAX_LIMIT`] from `cursor`) or all of them (`limit` 0).
pub struct Who {
    pub department_id: Option<DepartmentId>,
    pub cursor: Option<String>,
    pub limit: u32,
}

/// Who the report covers: the caller's reach over people's records, narrowed to a
/// department subtree when one is asked for. A department outside the caller's reach, or
/// of another tenant, is a 404; field reps (who reach only themselves) get 403.
async fn report_reach(
    s: &AppState,
    principal: &Principal,
    department: Option<DepartmentId>,
) -> ApiResult<Reach> {
    let reach = super::reach(principal, Resource::Tracks, Action::Read)?;
    if matches!(reach, Reach::Own(_)) {
        return Err(ApiError::forbidden());
    }
    let Some(dept) = department else {
        return Ok(reach);
    };
    let dept_reach = super::reach(principal, Resource::Departments, Action::Read)?;
    s.store
        .department(principal.tenant(), dept, &dept_reach)
        .await?;
    Ok(Reach::Subtree(dept))
}

/// Active people in `reach`, one page (`limit`, `cursor`) or all of them (`limit` 0).
async fn people(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    cursor: Option<String>,
    limit: u32,
) -> ApiResult<(Vec<Employee>, Option<String>)> {
    let mut f = EmployeeFilter {
        active: Some(true),
        cursor,
        limit: if limit == 0 { MAX_LIMIT } else { limit },
        ..Default::default()
    };
    let mut out = Vec::new();
    loop {
        let page = s.store.list_employees(tenant, reach, &f).await?;
        out.extend(page.items);
        match page.next_cursor {
            Some(c) if limit == 0 => f.cursor = Some(c),
            next => return Ok((out, next)),
        }
    }
}

async fn department_names(
    s: &AppState,
    tenant: TenantId,
) -> ApiResult<HashMap<DepartmentId, String>> {
    Ok(s.store
        .list_departments(tenant, &Reach::Tenant)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect())
}

#[derive(Serialize, ToSchema)]
pub struct ReportEmployee {
    pub id: EmployeeId,
    pub name: String,
    pub department_id: DepartmentId,
    pub department_name: String,
    /// The local date the person started (their record's creation); earlier days are
    /// `not_started`.
    pub start_date: NaiveDate,
}

#[derive(Serialize, ToSchema)]
pub struct TeamDay {
    pub date: NaiveDate,
    pub status: DayStatus,
    /// The day's first clock-in and last clock-out, if any.
    pub clock_in_t: Option<DateTime<Utc>>,
    pub clock_out_t: Option<DateTime<Utc>>,
    pub late_min: u32,
    pub early_min: u32,
}

#[derive(Serialize, ToSchema)]
pub struct TeamRow {
    pub employee: ReportEmployee,
    pub days: Vec<TeamDay>,
    pub totals: StatusTotals,
}

/// The team's attendance, with the tenant's zone its instants read in.
pub struct TeamReport {
    pub page: Page<TeamRow>,
    pub tz: Tz,
}

/// The team's attendance over local dates `from..=to`: per person, every day with its
/// status, first clock-in, last clock-out, late and early minutes, and the totals of each
/// status. Days before a person started are `not_started`, never `absent`.
pub async fn team_attendance(
    s: &AppState,
    principal: &Principal,
    who: Who,
    (from, to): (NaiveDate, NaiveDate),
) -> ApiResult<TeamReport> {
    let reach = report_reach(s, principal, who.department_id).await?;
    let tenant = principal.tenant();
    let (people, next_cursor) = people(s, tenant, &reach, who.cursor, who.limit).await?;
    let names = department_names(s, tenant).await?;
    let tz = s.tenant_zone(tenant).await?;
    let (_, cal) = calendar(s, tenant).await?;
    let mut schedules: HashMap<DepartmentId, AttendanceSchedule> = HashMap::new();
    let mut items = Vec::with_capacity(people.len());
    for p in people {
        let schedule = match schedules.entry(p.department_id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(rule_for(s, tenant, p.department_id).await?.validate()?),
        };
        let records = person_days(s, tenant, tz, schedule, &cal, &p, from, to).await?;
        let start_date = start_date(s, tenant, tz, &p).await?;
        let mut totals = StatusTotals::default();
        let days = records
            .into_iter()
            .map(|r| {
                totals.add(r.status);
                TeamDay {
                    date: r.date,
                    status: r.status,
                    clock_in_t: r.shifts.iter().filter_map(|x| x.clock_in).min(),
                    clock_out_t: r.shifts.iter().filter_map(|x| x.clock_out).max(),
                    late_min: r.late_min,
                    early_min: r.early_leave_min,
                }
            })
            .collect();
        items.push(TeamRow {
            employee: ReportEmployee {
                id: p.id,
                department_name: names.get(&p.department_id).cloned().unwrap_or_default(),
                department_id: p.department_id,
                start_date,
                name: p.name,
            },
            days,
            totals,
        });
    }
    Ok(TeamReport {
        page: Page { items, next_cursor },
        tz,
    })
}

#[derive(Serialize, ToSchema)]
pub struct MileageEmployee {
    pub id: EmployeeId,
    pub name: String,
    pub department_id: DepartmentId,
    pub department_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct MileageRow {
    pub employee: MileageEmployee,
    /// Days of the month with a stored track summary.
    pub days_tracked: u32,
    /// Kilometres inside working windows (what reimbursement pays).
    pub working_km: f64,
    pub total_km: f64,
    /// `total_km - working_km`: driven outside working hours.
    pub outside_km: f64,
}

/// Metres as kilometres to 10 m; `+ 0.0` turns the empty sum's `-0.0` into `0`.
fn km(m: f64) -> f64 {
    (m / 10.0).round() / 100.0 + 0.0
}

/// Monthly mileage per person from the stored day summaries of local dates
/// `first..=last`: days tracked, kilometres inside working windows, in all, and outside
/// working hours.
pub async fn monthly_mileage(
    s: &AppState,
    principal: &Principal,
    who: Who,
    (first, last): (NaiveDate, NaiveDate),
) -> ApiResult<Page<MileageRow>> {
    let reach = report_reach(s, principal, who.department_id).await?;
    let tenant = principal.tenant();
    let (people, next_cursor) = people(s, tenant, &reach, who.cursor, who.limit).await?;
    let names = department_names(s, tenant).await?;
    let (lo, hi) = (first.to_string(), last.to_string());
    let mut items = Vec::with_capacity(people.len());
    for p in people {
        let days = s.store.days_between(tenant, p.id, &lo, &hi).await?;
        let total_m: f64 = days.iter().map(|(_, d)| d.mileage_m).sum();
        let work_m: f64 = days.iter().map(|(_, d)| d.work_mileage_m).sum();
        items.push(MileageRow {
            employee: MileageEmployee {
                id: p.id,
                department_name: names.get(&p.department_id).cloned().unwrap_or_default(),
                department_id: p.department_id,
                name: p.name,
            },
            days_tracked: days.len() as u32,
            working_km: km(work_m),
            total_km: km(total_m),
            outside_km: km((total_m - work_m).max(0.0)),
        });
    }
    Ok(Page { items, next_cursor })
}
