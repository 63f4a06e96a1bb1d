//! The console's dashboard (`GET /api/v1/dashboard`): a day and its month (or week, or the
//! day alone) up to it for a department subtree, summed from the stored person-day facts
//! (never raw fixes) by the pure `reports::dashboard`, with the caller's reach applied as the report pack applies
//! it (a manager: their subtree; finance and admins: everyone; field reps: 403).

use super::report_pack::{Needs, ReportQuery, load, resolve};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use chrono::{Datelike, Days, NaiveDate};
use domain::access::Principal;
use domain::attendance::local_date;
use domain::{DepartmentId, Format, Problem};
use reports::DateRange;
use reports::dashboard::{DayPoint, Figures};
use serde::Serialize;
use utoipa::ToSchema;

/// Sums over the person-days of the day or of the period.
#[derive(Serialize, ToSchema)]
pub struct DashboardFigures {
    /// People with a clock-in (for the day: the headcount present).
    pub present: u32,
    /// Person-days with a clock-in.
    pub present_days: u32,
    /// Person-days due to work (working days not on leave).
    pub working_days: u32,
    pub planned_visits: u32,
    /// Planned customers that got their visit.
    pub planned_done: u32,
    /// Visits checked out, of any kind.
    pub completed_visits: u32,
    /// Kilometres of the day summaries, in all and inside working hours.
    pub km: f64,
    pub work_km: f64,
    /// Days the anti-cheat assessment flagged (under review or likely cheating).
    pub flagged_days: u32,
    pub likely_cheat_days: u32,
}

impl From<Figures> for DashboardFigures {
    fn from(f: Figures) -> Self {
        DashboardFigures {
            present: f.present,
            present_days: f.present_days,
            working_days: f.working_days,
            planned_visits: f.planned_visits,
            planned_done: f.planned_done,
            completed_visits: f.completed_visits,
            km: f.km,
            work_km: f.work_km,
            flagged_days: f.flagged_days,
            likely_cheat_days: f.likely_cheat_days,
        }
    }
}

/// One date of the period, for the charts.
#[derive(Serialize, ToSchema)]
pub struct DashboardDay {
    pub date: NaiveDate,
    pub present: u32,
    pub planned_visits: u32,
    pub planned_done: u32,
    pub completed_visits: u32,
    pub km: f64,
    pub flagged_days: u32,
}

impl From<DayPoint> for DashboardDay {
    fn from(d: DayPoint) -> Self {
        DashboardDay {
            date: d.date,
            present: d.present,
            planned_visits: d.planned_visits,
            planned_done: d.planned_done,
            completed_visits: d.completed_visits,
            km: d.km,
            flagged_days: d.flagged_days,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DashboardView {
    /// The day shown (the tenant's today unless asked).
    pub date: NaiveDate,
    /// The period's kind: `day`, `week` or `month`.
    #[schema(value_type = crate::openapi::values::DashboardSpan)]
    pub span: String,
    /// The period: the day alone, its Monday up to it, or the first of its month up to it.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The department subtree summed (`null`: everyone the caller reaches).
    pub department_id: Option<DepartmentId>,
    /// Active field reps whose department is now in the subtree: the team's headcount.
    pub people: u32,
    pub day: DashboardFigures,
    pub period: DashboardFigures,
    /// Every date of the period in order.
    pub days: Vec<DashboardDay>,
}

/// The dashboard of `date` (default: the tenant's today) over `department` (default:
/// the caller's reach).
pub async fn dashboard(
    s: &AppState,
    principal: &Principal,
    department: Option<DepartmentId>,
    date: Option<&str>,
    span: Option<&str>,
) -> ApiResult<DashboardView> {
    const SPANS: [&str; 3] = ["day", "week", "month"];
    let span = match span.map(str::trim) {
        None | Some("") => "month",
        Some(v) => SPANS
            .into_iter()
            .find(|s| *s == v)
            .ok_or_else(|| ApiError::bad_request("span", Problem::unknown_value(&SPANS)))?,
    };
    let tenant = principal.tenant();
    let day = match date.map(str::trim) {
        Some(d) => d
            .parse::<NaiveDate>()
            .map_err(|_| ApiError::bad_request("date", Problem::format(Format::Date)))?,
        None => local_date(
            super::report_facts::tz_of(s, tenant).await?,
            crate::now_ms(),
        ),
    };
    let first = match span {
        "day" => day,
        "week" => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
        _ => day.with_day(1).unwrap_or(day),
    };
    let (from, to) = (first.to_string(), day.to_string());
    let query = ReportQuery::parse((&from, &to), department, None, None, None)?;
    let resolved = resolve(s, principal, &query).await?;
    let loaded = load(s, &resolved, Needs::person_days()).await?;
    let subtree = resolved
        .filter
        .department
        .map(|d| loaded.directory.subtree(d));
    let reps = s.store.field_reps(tenant).await?;
    let people = reps
        .iter()
        .filter(|e| {
            let dept = loaded.directory.people.get(e).and_then(|p| p.department);
            match (&subtree, dept) {
                (None, _) => true,
                (Some(set), Some(d)) => set.contains(&d),
                (Some(_), None) => false,
            }
        })
        .count() as u32;
    let period = DateRange {
        from: first,
        to: day,
    };
    let dash = reports::dashboard::dashboard(&loaded.facts, day, period, subtree.as_ref());
    Ok(DashboardView {
        date: day,
        span: span.to_owned(),
        from: first,
        to: day,
        department_id: resolved.filter.department,
        people,
        day: dash.day.into(),
        period: dash.period.into(),
        days: dash.days.into_iter().map(Into::into).collect(),
    })
}
