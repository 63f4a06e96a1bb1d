//! The standard report pack and the insights (数据报表 → 优化), read from the stored
//! facts: the caller's reach resolved once (a manager sees the days spent in their
//! department subtree, finance and admins everything, field reps nothing), the facts,
//! customer months, names and requests read for the one report asked for, and the pure
//! `reports` crate's answer. Also the tenant's insight thresholds, and the spreadsheet
//! and CSV forms of a report.

use super::report_facts::read_fact;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tracking::schedule_cache::parse_tz;
use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::access::{Action, Principal, Reach, Resource};
use domain::attendance::{local_date, local_instant};
use domain::customer::{CustomerStatus, Level};
use domain::{CustomerId, DepartmentId, EmployeeId, Invalid, Problem, TenantId};
use reports::facts::{CustomerPeriod, PersonDay};
use reports::insights::{Insight, InsightSettings, Thresholds};
use reports::report::{
    ApprovalOutcome, ApprovalRecord, Cell, Column, ColumnType, CoverageGroup, Filter, Report,
    ReportName, Sources, Unit, customer_coverage_of_groups,
};
use reports::{CustomerInfo, DateRange, DepartmentInfo, Directory, Grain, PersonInfo};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use storage::PersonDayQuery;
use utoipa::ToSchema;

/// The longest period one report or insight run covers (a quarter).
pub const MAX_DAYS: u32 = 92;

/// What the caller asked to see, as typed values.
#[derive(Clone, Debug)]
pub struct ReportQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub department: Option<DepartmentId>,
    pub employee: Option<EmployeeId>,
    pub customer_level: Option<Level>,
    pub customer_tag: Option<String>,
}

impl ReportQuery {
    /// The filter as a client wrote it: dates `YYYY-MM-DD`, a level `A`/`B`/`C`, a tag.
    /// Each bad value is named.
    pub fn parse(
        (from, to): (&str, &str),
        department: Option<DepartmentId>,
        employee: Option<EmployeeId>,
        customer_level: Option<&str>,
        customer_tag: Option<&str>,
    ) -> ApiResult<ReportQuery> {
        let date = |field: &str, v: &str| {
            v.trim()
                .parse::<NaiveDate>()
                .map_err(|_| ApiError::bad_request(field, Problem::format(domain::Format::Date)))
        };
        let (from, to) = (date("from", from)?, date("to", to)?);
        let customer_level = customer_level
            .map(|l| Level::parse(l).map_err(|p| ApiError::bad_request("customer_level", p)))
            .transpose()?;
        Ok(ReportQuery {
            from,
            to,
            department,
            employee,
            customer_level,
            customer_tag: customer_tag
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
        })
    }
}

/// The filter resolved against the caller's reach.
pub(super) struct Resolved {
    pub tenant: TenantId,
    pub filter: Filter,
    pub tz: Tz,
}

pub(super) async fn resolve(
    s: &AppState,
    principal: &Principal,
    q: &ReportQuery,
) -> ApiResult<Resolved> {
    let reach = super::reach(principal, Resource::Tracks, Action::Read)?;
    if matches!(reach, Reach::Own(_)) {
        return Err(ApiError::forbidden());
    }
    let period = DateRange::new(q.from, q.to)
        .filter(|p| p.days() <= i64::from(MAX_DAYS))
        .ok_or_else(|| {
            ApiError::bad_request(
                "to",
                Problem::BadRange {
                    other: "from".into(),
                    max_days: MAX_DAYS,
                },
            )
        })?;
    let tenant = principal.tenant();
    // A department outside the caller's reach (or another tenant's) is not there; a
    // manager asking for none gets their own subtree.
    let department = match (q.department, &reach) {
        (Some(d), _) => {
            let dept_reach = super::reach(principal, Resource::Departments, Action::Read)?;
            s.store.department(tenant, d, &dept_reach).await?;
            Some(d)
        }
        (None, Reach::Subtree(root)) => Some(*root),
        (None, _) => None,
    };
    if let Some(e) = q.employee {
        s.store.employee(tenant, e, &reach).await?;
    }
    let tz = parse_tz(&s.store.tenant(tenant).await?.timezone);
    Ok(Resolved {
        tenant,
        filter: Filter {
            period,
            department,
            employee: q.employee,
            customer_level: q.customer_level,
            customer_tag: q.customer_tag.clone(),
        },
        tz,
    })
}

/// What one report needs besides the person-day facts of its period.
#[derive(Clone, Copy, Default)]
pub(super) struct Needs {
    /// The person-day facts of the period (every report but the customer and request
    /// ones).
    person_days: bool,
    visit_rows: bool,
    previous_period: bool,
    customers: bool,
    customer_months: bool,
    /// The customers summed by owner, level and tags (all the coverage report needs).
    coverage: bool,
    requests: bool,
}

impl Needs {
    /// The person-day facts alone (without their visits).
    pub(super) fn person_days() -> Needs {
        Needs {
            person_days: true,
            ..Needs::default()
        }
    }
}

fn needs(name: ReportName) -> Needs {
    let mut n = Needs::person_days();
    match name {
        ReportName::VisitDetail => {
            n.visit_rows = true;
            n.customers = true;
        }
        ReportName::NewProspects => {
            n.visit_rows = true;
            n.customers = true;
        }
        ReportName::TeamRanking => n.previous_period = true,
        ReportName::CustomerCoverage => {
            n.coverage = true;
            n.person_days = false;
        }
        ReportName::ApprovalTurnaround => {
            n.requests = true;
            n.person_days = false;
        }
        _ => {}
    }
    n
}

pub(super) struct Loaded {
    pub facts: Vec<PersonDay>,
    customers: Vec<CustomerPeriod>,
    coverage: Vec<CoverageGroup>,
    approvals: Vec<ApprovalRecord>,
    pub directory: Directory,
    reach: BTreeSet<EmployeeId>,
}

pub(super) async fn load(s: &AppState, r: &Resolved, n: Needs) -> ApiResult<Loaded> {
    let tenant = r.tenant;
    let mut directory = Directory::default();
    for d in s.store.list_departments(tenant, &Reach::Tenant).await? {
        directory.departments.insert(
            d.id,
            DepartmentInfo {
                name: d.name,
                parent: d.parent_id,
            },
        );
    }
    for (id, name, number, dept) in s.store.report_people(tenant).await? {
        directory.people.insert(
            EmployeeId(id),
            PersonInfo {
                name,
                number,
                department: Some(DepartmentId(dept)),
            },
        );
    }
    if n.customers {
        read_customers(s, tenant, None, &mut directory).await?;
    }
    // Reach is applied by department: a manager's filter is their subtree, which holds the
    // days spent there, so everyone may be named in the set of people reached.
    let reach: BTreeSet<EmployeeId> = directory.people.keys().copied().collect();
    let period = r.filter.period;
    let from = if n.previous_period {
        period.previous().from
    } else {
        period.from
    };
    let facts = if n.person_days {
        let rows = s
            .store
            .person_day_facts(
                tenant,
                &PersonDayQuery {
                    from: from.to_string(),
                    to: period.to.to_string(),
                    subtree: r.filter.department,
                    employee: r.filter.employee,
                    with_visits: n.visit_rows,
                },
            )
            .await?;
        let mut facts = rows.iter().map(read_fact).collect::<ApiResult<Vec<_>>>()?;
        facts.sort_unstable_by_key(|f| (f.employee, f.date));
        facts
    } else {
        Vec::new()
    };
    let customers = if n.customer_months {
        customer_facts(s, tenant, period).await?
    } else {
        Vec::new()
    };
    let coverage = if n.coverage {
        coverage_groups(s, tenant, period).await?
    } else {
        Vec::new()
    };
    let approvals = if n.requests {
        approvals(s, tenant, r.tz, period).await?
    } else {
        Vec::new()
    };
    Ok(Loaded {
        facts,
        customers,
        coverage,
        approvals,
        directory,
        reach,
    })
}

/// Reads customers (all of them, or these) into the directory.
async fn read_customers(
    s: &AppState,
    tenant: TenantId,
    ids: Option<&[uuid::Uuid]>,
    directory: &mut Directory,
) -> ApiResult<()> {
    for c in s.store.report_customers(tenant, ids).await? {
        let tags = if c.tags == "[]" {
            Vec::new()
        } else {
            serde_json::from_str(&c.tags).map_err(ApiError::internal)?
        };
        directory.customers.insert(
            CustomerId(c.id),
            CustomerInfo {
                name: c.name,
                level: Level::parse(&c.level).map_err(|p| ApiError::internal(p.code()))?,
                tags,
                owner: c.owner_id.map(EmployeeId),
                status: CustomerStatus::parse(&c.status)
                    .map_err(|p| ApiError::internal(p.code()))?,
            },
        );
    }
    Ok(())
}

/// Customer facts of the calendar months the period overlaps, one per customer: counts
/// summed over the months, the latest visit, the latest month's level, tags and owner
/// (merged by the database, `Store::customer_month_sums`).
async fn customer_facts(
    s: &AppState,
    tenant: TenantId,
    period: DateRange,
) -> ApiResult<Vec<CustomerPeriod>> {
    let months = period.periods(Grain::Month);
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return Ok(Vec::new());
    };
    s.store
        .customer_month_sums(tenant, &first.to_string(), &last.to_string())
        .await?
        .iter()
        .map(|row| super::report_facts::read_customer(row, period))
        .collect()
}

/// The customers of the calendar months the period overlaps, merged per customer as
/// [`customer_facts`] merges them and summed by owner, level and tags by the database.
async fn coverage_groups(
    s: &AppState,
    tenant: TenantId,
    period: DateRange,
) -> ApiResult<Vec<CoverageGroup>> {
    let months = period.periods(Grain::Month);
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return Ok(Vec::new());
    };
    let count = |n: i64| u32::try_from(n).map_err(ApiError::internal);
    s.store
        .customer_coverage_sums(tenant, &first.to_string(), &last.to_string())
        .await?
        .into_iter()
        .map(|g| {
            Ok(CoverageGroup {
                owner: g.owner_id.map(EmployeeId),
                level: Level::parse(&g.level).map_err(|p| ApiError::internal(p.code()))?,
                tags: if g.tags == "[]" {
                    Vec::new()
                } else {
                    serde_json::from_str(&g.tags).map_err(ApiError::internal)?
                },
                customers: count(g.customers)?,
                visited: count(g.visited)?,
                visits: count(g.visits)?,
                due_visits: count(g.due_visits)?,
                due_met: count(g.due_met)?,
            })
        })
        .collect()
}

/// The report `name` from what was loaded for it.
fn build(name: ReportName, l: &Loaded, filter: &Filter) -> Report {
    if name == ReportName::CustomerCoverage {
        return customer_coverage_of_groups(&l.coverage, filter, &l.reach, &l.directory);
    }
    let sources = Sources {
        facts: &l.facts,
        customers: &l.customers,
        approvals: &l.approvals,
        directory: &l.directory,
    };
    reports::report::build(name, &sources, filter, &l.reach)
}

/// Requests submitted in the period, with when they were decided.
async fn approvals(
    s: &AppState,
    tenant: TenantId,
    tz: Tz,
    period: DateRange,
) -> ApiResult<Vec<ApprovalRecord>> {
    let lo = local_instant(tz, period.from, 0);
    let hi = local_instant(tz, period.to + Days::new(1), 0);
    Ok(s.store
        .report_requests(tenant, lo, hi)
        .await?
        .into_iter()
        .map(|r| {
            let outcome = match r.status.as_str() {
                "approved" => ApprovalOutcome::Approved,
                "rejected" => ApprovalOutcome::Rejected,
                "withdrawn" => ApprovalOutcome::Withdrawn,
                _ => ApprovalOutcome::Pending,
            };
            ApprovalRecord {
                id: r.id,
                kind: r.kind,
                submitter: EmployeeId(r.employee_id),
                submitted_on: local_date(tz, r.created_ms),
                submitted_ms: r.created_ms,
                decided_ms: r.decided_ms.filter(|_| {
                    matches!(
                        outcome,
                        ApprovalOutcome::Approved | ApprovalOutcome::Rejected
                    )
                }),
                outcome,
            }
        })
        .collect())
}

/// A report with the tenant's time zone (exports show instants in it).
pub struct Built {
    pub report: Report,
    pub tz: Tz,
}

/// Builds the report `name` for the caller.
pub async fn report(
    s: &AppState,
    principal: &Principal,
    name: ReportName,
    q: &ReportQuery,
) -> ApiResult<Built> {
    let r = resolve(s, principal, q).await?;
    let l = load(s, &r, needs(name)).await?;
    Ok(Built {
        report: build(name, &l, &r.filter),
        tz: r.tz,
    })
}

/// One page of the report `name` for the caller: `limit` rows from the opaque `cursor`
/// (an offset), built as such (`reports::report::build_page`).
pub async fn report_page(
    s: &AppState,
    principal: &Principal,
    name: ReportName,
    q: &ReportQuery,
    cursor: Option<&str>,
    limit: usize,
) -> ApiResult<ReportPage> {
    let start = offset(cursor)?;
    let window = start..start.saturating_add(limit);
    let r = resolve(s, principal, q).await?;
    let n = needs(name);
    // The facts first: a page of visit detail or new prospects names few customers.
    let mut l = load(
        s,
        &r,
        Needs {
            customers: false,
            ..n
        },
    )
    .await?;
    if n.customers {
        let sources = Sources {
            facts: &l.facts,
            customers: &l.customers,
            approvals: &l.approvals,
            directory: &l.directory,
        };
        let wanted =
            reports::report::customers_needed(name, &sources, &r.filter, &l.reach, window.clone())
                .map(|set| set.into_iter().map(|c| c.0).collect::<Vec<_>>());
        read_customers(s, r.tenant, wanted.as_deref(), &mut l.directory).await?;
    }
    let (report, all) = if name == ReportName::CustomerCoverage {
        let mut report = build(name, &l, &r.filter);
        let all = report.rows.len();
        let (from, to) = (window.start.min(all), window.end.min(all));
        report.rows = report.rows.drain(from..to.max(from)).collect();
        (report, all)
    } else {
        let sources = Sources {
            facts: &l.facts,
            customers: &l.customers,
            approvals: &l.approvals,
            directory: &l.directory,
        };
        reports::report::build_page(name, &sources, &r.filter, &l.reach, window)
    };
    Ok(page_view(report, start, limit, all))
}

// ---- insights ----

/// The tenant's thresholds as stored, or the published defaults.
async fn thresholds(s: &AppState, tenant: TenantId) -> ApiResult<Thresholds> {
    match s.store.report_settings(tenant).await? {
        Some((json, _)) => {
            let stored: InsightSettings =
                serde_json::from_str(&json).map_err(ApiError::internal)?;
            Ok(stored.validate()?)
        }
        None => Ok(Thresholds::default()),
    }
}

/// A person-day an insight rests on, with where to look at it.
#[derive(Serialize, ToSchema)]
pub struct PersonDayLink {
    pub employee_id: EmployeeId,
    pub employee_name: String,
    pub date: NaiveDate,
    /// The day's visits (`GET`).
    pub visits: String,
    /// The day's track replay (`GET`).
    pub track: String,
}

/// A customer an insight rests on.
#[derive(Serialize, ToSchema)]
pub struct CustomerLink {
    pub id: CustomerId,
    pub name: String,
    /// The customer (`GET`).
    pub customer: String,
    /// Its visits in the period (`GET`).
    pub visits: String,
}

/// A named number of an insight's evidence (the threshold among them).
#[derive(Serialize, ToSchema)]
pub struct InsightFigure {
    pub name: String,
    pub value: f64,
}

/// Who or what an insight is about.
#[derive(Serialize, ToSchema)]
pub struct InsightSubject {
    /// `person` or `customer`.
    #[schema(value_type = crate::openapi::values::InsightSubjectKind)]
    pub kind: String,
    pub id: uuid::Uuid,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct InsightView {
    #[schema(value_type = crate::openapi::values::InsightCode)]
    pub code: String,
    /// What the rule suggests doing about it.
    #[schema(value_type = crate::openapi::values::InsightAction)]
    pub action: String,
    pub subject: InsightSubject,
    pub figures: Vec<InsightFigure>,
    pub person_days: Vec<PersonDayLink>,
    pub customers: Vec<CustomerLink>,
}

fn code_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn view(i: &Insight, dir: &Directory, period: DateRange) -> InsightView {
    let (kind, id, name) = match i.subject {
        reports::insights::Subject::Person(e) => ("person", e.0, dir.person_name(e)),
        reports::insights::Subject::Customer(c) => ("customer", c.0, dir.customer_name(c)),
    };
    InsightView {
        code: code_of(&i.code),
        action: code_of(&i.action),
        subject: InsightSubject {
            kind: kind.into(),
            id,
            name,
        },
        figures: i
            .figures
            .iter()
            .map(|f| InsightFigure {
                name: f.name.into(),
                value: f.value,
            })
            .collect(),
        person_days: i
            .person_days
            .iter()
            .map(|d| PersonDayLink {
                employee_id: d.employee,
                employee_name: dir.person_name(d.employee),
                date: d.date,
                visits: format!(
                    "/api/v1/visits?employee_id={}&from={}&to={}",
                    d.employee, d.date, d.date
                ),
                track: format!("/api/v1/employees/{}/track?date={}", d.employee, d.date),
            })
            .collect(),
        customers: i
            .customers
            .iter()
            .map(|c| CustomerLink {
                id: *c,
                name: dir.customer_name(*c),
                customer: format!("/api/v1/customers/{c}"),
                visits: format!(
                    "/api/v1/visits?customer_id={c}&from={}&to={}",
                    period.from, period.to
                ),
            })
            .collect(),
    }
}

/// The insights over the caller's reach and filter, with the evidence they rest on.
pub async fn insights(
    s: &AppState,
    principal: &Principal,
    q: &ReportQuery,
) -> ApiResult<Vec<InsightView>> {
    let r = resolve(s, principal, q).await?;
    let n = Needs {
        person_days: true,
        visit_rows: true,
        customers: true,
        customer_months: true,
        ..Needs::default()
    };
    let l = load(s, &r, n).await?;
    let sources = Sources {
        facts: &l.facts,
        customers: &l.customers,
        approvals: &l.approvals,
        directory: &l.directory,
    };
    let th = thresholds(s, r.tenant).await?;
    Ok(
        reports::insights::insights(&sources, &r.filter, &l.reach, &th)
            .iter()
            .map(|i| view(i, &l.directory, r.filter.period))
            .collect(),
    )
}

/// The tenant's insight thresholds and the report-form field counted as a visit's
/// outcome. Every threshold is optional in a PUT (left out: its published default).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InsightSettingsBody {
    /// Weekly completed visits below this % of the team median… (1–100, default 60)
    pub low_visits_pct: Option<f64>,
    /// …for this many consecutive weeks (1–12, default 2).
    pub low_visits_weeks: Option<u32>,
    /// A-level customers visited in the period below this % per owner (1–100, default 90).
    pub a_coverage_min_pct: Option<f64>,
    /// Km driven between visits ÷ the best order above this (1–5, default 1.3)…
    pub detour_ratio_max: Option<f64>,
    /// …judged over at least this many days (1–31, default 3).
    pub detour_min_days: Option<u32>,
    /// Time in trips above this % of the working day (1–100, default 50)…
    pub driving_share_max_pct: Option<f64>,
    /// …judged over at least this many days (1–31, default 3).
    pub driving_min_days: Option<u32>,
    /// At least this many visits shorter than the rule's minimum (1–100, default 3).
    pub short_visits_min: Option<u32>,
    /// Visits a rep can make in a working day (1–50, default 8).
    pub daily_visit_capacity: Option<f64>,
    /// Due visits of a rep's customers above this % of their capacity (50–500, default 100).
    pub territory_load_max_pct: Option<f64>,
    /// At least this many visits to a customer in the period and no outcome (1–100,
    /// default 4).
    pub no_outcome_min_visits: Option<u32>,
    /// The report-form field key whose number is a visit's outcome (e.g. an order
    /// amount); `null`: no outcome is tracked.
    pub outcome_field: Option<String>,
}

fn body_of(st: &InsightSettings, outcome_field: Option<String>) -> InsightSettingsBody {
    InsightSettingsBody {
        low_visits_pct: Some(st.low_visits_pct),
        low_visits_weeks: Some(st.low_visits_weeks),
        a_coverage_min_pct: Some(st.a_coverage_min_pct),
        detour_ratio_max: Some(st.detour_ratio_max),
        detour_min_days: Some(st.detour_min_days),
        driving_share_max_pct: Some(st.driving_share_max_pct),
        driving_min_days: Some(st.driving_min_days),
        short_visits_min: Some(st.short_visits_min),
        daily_visit_capacity: Some(st.daily_visit_capacity),
        territory_load_max_pct: Some(st.territory_load_max_pct),
        no_outcome_min_visits: Some(st.no_outcome_min_visits),
        outcome_field,
    }
}

/// The settings in force (the defaults until an admin sets them).
pub async fn get_settings(s: &AppState, principal: &Principal) -> ApiResult<InsightSettingsBody> {
    let reach = super::reach(principal, Resource::Tracks, Action::Read)?;
    if matches!(reach, Reach::Own(_)) {
        return Err(ApiError::forbidden());
    }
    let tenant = principal.tenant();
    let field = s.store.report_settings(tenant).await?.and_then(|(_, f)| f);
    Ok(body_of(thresholds(s, tenant).await?.settings(), field))
}

/// Replaces the tenant's settings (admins only); every value is checked and each one out
/// of range named, nothing stored unless all are valid. Insights use them from the next
/// request; outcomes count in facts computed from then on (a rebuild applies them to the
/// past).
pub async fn put_settings(
    s: &AppState,
    principal: &Principal,
    body: InsightSettingsBody,
) -> ApiResult<InsightSettingsBody> {
    if super::reach(principal, Resource::Departments, Action::Write)? != Reach::Tenant {
        return Err(ApiError::forbidden());
    }
    let d = InsightSettings::default();
    let st = InsightSettings {
        low_visits_pct: body.low_visits_pct.unwrap_or(d.low_visits_pct),
        low_visits_weeks: body.low_visits_weeks.unwrap_or(d.low_visits_weeks),
        a_coverage_min_pct: body.a_coverage_min_pct.unwrap_or(d.a_coverage_min_pct),
        detour_ratio_max: body.detour_ratio_max.unwrap_or(d.detour_ratio_max),
        detour_min_days: body.detour_min_days.unwrap_or(d.detour_min_days),
        driving_share_max_pct: body
            .driving_share_max_pct
            .unwrap_or(d.driving_share_max_pct),
        driving_min_days: body.driving_min_days.unwrap_or(d.driving_min_days),
        short_visits_min: body.short_visits_min.unwrap_or(d.short_visits_min),
        daily_visit_capacity: body.daily_visit_capacity.unwrap_or(d.daily_visit_capacity),
        territory_load_max_pct: body
            .territory_load_max_pct
            .unwrap_or(d.territory_load_max_pct),
        no_outcome_min_visits: body
            .no_outcome_min_visits
            .unwrap_or(d.no_outcome_min_visits),
    };
    let mut bad = match st.validate() {
        Ok(_) => Invalid::default(),
        Err(e) => e,
    };
    let field = body
        .outcome_field
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(str::to_owned);
    if field.as_ref().is_some_and(|f| f.chars().count() > 64) {
        bad.push("outcome_field", Problem::TooLong { max: 64 });
    }
    bad.into_result(|| ())?;
    let json = serde_json::to_string(&st).map_err(ApiError::internal)?;
    s.store
        .put_report_settings(principal.tenant(), &json, field.as_deref())
        .await?;
    Ok(body_of(&st, field))
}

// ---- the answer's shape, and exports ----

/// A report column: its name, what it holds, its unit and its labels.
#[derive(Serialize, ToSchema)]
pub struct ReportColumn {
    pub name: String,
    #[serde(rename = "type")]
    #[schema(value_type = crate::openapi::values::ReportColumnType)]
    pub kind: String,
    #[schema(value_type = Option<crate::openapi::values::ReportUnit>)]
    pub unit: Option<String>,
    pub label_zh: String,
    pub label_en: String,
}

/// The label of a code that `code` columns hold.
#[derive(Serialize, ToSchema)]
pub struct ReportCode {
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// A report as JSON: its columns, one page of rows (each a list of cells in column
/// order: null, a boolean, a number, or a string — dates `YYYY-MM-DD`, instants RFC 3339
/// UTC), the totals row, and the labels of the codes its code columns hold.
#[derive(Serialize, ToSchema)]
pub struct ReportPage {
    #[schema(value_type = crate::openapi::values::ReportName)]
    pub name: String,
    pub title_zh: String,
    pub title_en: String,
    pub columns: Vec<ReportColumn>,
    #[schema(value_type = Vec<Vec<ReportCell>>)]
    pub items: Vec<Vec<Cell>>,
    /// The totals row (ratios recomputed from sums), for reports that have one.
    #[schema(value_type = Option<Vec<ReportCell>>)]
    pub total: Option<Vec<Cell>>,
    pub codes: Vec<ReportCode>,
    pub next_cursor: Option<String>,
}

/// One cell of a report row as the API writes it: text (dates and instants as ISO-8601
/// text), a number, a boolean, or null where a row has no value (the totals row's name
/// cells, a ratio of nothing).
pub struct ReportCell;

impl utoipa::PartialSchema for ReportCell {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([
                Type::String,
                Type::Number,
                Type::Boolean,
                Type::Null,
            ]))
            .description(Some(
                "Text (dates and instants as ISO-8601), a number, a boolean, or null.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for ReportCell {}

fn offset(cursor: Option<&str>) -> ApiResult<usize> {
    match cursor {
        None => Ok(0),
        Some(c) => c
            .parse::<usize>()
            .map_err(|_| ApiError::bad_request("cursor", Problem::format(domain::Format::Cursor))),
    }
}

/// The answer of a page whose `report.rows` are rows `start..` of `all`.
pub(crate) fn page_view(report: Report, start: usize, limit: usize, all: usize) -> ReportPage {
    let end = start.saturating_add(limit).min(all);
    ReportPage {
        name: report.name.as_str().into(),
        title_zh: report.title_zh.into(),
        title_en: report.title_en.into(),
        columns: report
            .columns
            .iter()
            .map(|c| ReportColumn {
                name: c.name.into(),
                kind: code_of(&c.kind),
                unit: c.unit.map(|u| code_of(&u)),
                label_zh: c.label_zh.into(),
                label_en: c.label_en.into(),
            })
            .collect(),
        items: report.rows,
        total: report.total,
        codes: report
            .codes
            .iter()
            .map(|c| ReportCode {
                code: c.code.into(),
                zh: c.zh.into(),
                en: c.en.into(),
            })
            .collect(),
        next_cursor: (end < all).then(|| end.to_string()),
    }
}

fn unit_word(u: Unit, zh: bool) -> Option<&'static str> {
    Some(match (u, zh) {
        (Unit::Days, true) => "天",
        (Unit::Days, false) => "days",
        (Unit::Hours, true) => "小时",
        (Unit::Hours, false) => "h",
        (Unit::Minutes, true) => "分钟",
        (Unit::Minutes, false) => "min",
        (Unit::Km, true) => "公里",
        (Unit::Km, false) => "km",
        (Unit::Count | Unit::Rank | Unit::Ratio, _) => return None,
    })
}

/// A column's heading in a spreadsheet: its label with the unit.
fn heading(c: &Column, zh: bool) -> String {
    let label = if zh { c.label_zh } else { c.label_en };
    match c.unit.and_then(|u| unit_word(u, zh)) {
        Some(u) if zh => format!("{label}({u})"),
        Some(u) => format!("{label} ({u})"),
        None => label.to_owned(),
    }
}

/// Decimals shown for a number column.
fn decimals(c: &Column) -> u8 {
    match (c.kind, c.unit) {
        (ColumnType::Integer, _) => 0,
        (_, Some(Unit::Ratio)) => 2,
        (_, Some(Unit::Rank)) => 0,
        _ => 1,
    }
}

fn code_label(report: &Report, code: &str, zh: bool) -> String {
    report.codes.iter().find(|c| c.code == code).map_or_else(
        || code.to_owned(),
        |c| (if zh { c.zh } else { c.en }).to_owned(),
    )
}

fn local(t: &DateTime<Utc>, tz: Tz) -> chrono::NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

/// The report as one formatted sheet (and its totals row at the end): numbers, dates and
/// percentages as such, instants in the tenant's zone, codes as words.
pub fn sheet(report: &Report, zh: bool, tz: Tz) -> tabular::SheetData {
    use tabular::{Cell as X, ColumnKind as K};
    let columns: Vec<tabular::Column> = report
        .columns
        .iter()
        .map(|c| tabular::Column {
            header: heading(c, zh),
            kind: match c.kind {
                ColumnType::Integer | ColumnType::Number => K::Number(decimals(c)),
                ColumnType::Percent => K::Percent(1),
                ColumnType::Date => K::Date,
                ColumnType::Instant => K::DateTime,
                ColumnType::Id | ColumnType::Text | ColumnType::Code | ColumnType::Bool => K::Text,
            },
        })
        .collect();
    let cell = |c: &Column, v: &Cell| -> X {
        match v {
            Cell::Null => X::Empty,
            Cell::Bool(b) => X::Text(bool_word(*b, zh).into()),
            Cell::Text(t) if c.kind == ColumnType::Code => X::Text(code_label(report, t, zh)),
            Cell::Text(t) => X::Text(t.clone()),
            Cell::Int(i) => X::Decimal(*i, 0),
            Cell::Num(x) if c.kind == ColumnType::Percent => {
                X::Decimal((x * 10_000.0).round() as i64, 4)
            }
            Cell::Num(x) => {
                let d = decimals(c);
                X::Decimal((x * 10f64.powi(i32::from(d))).round() as i64, d)
            }
            Cell::Date(d) => X::Date(*d),
            Cell::Instant(t) => X::DateTime(local(t, tz)),
        }
    };
    let mut rows: Vec<Vec<X>> = report
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .zip(&report.columns)
                .map(|(v, c)| cell(c, v))
                .collect()
        })
        .collect();
    if let Some(total) = &report.total {
        let mut t: Vec<X> = total
            .iter()
            .zip(&report.columns)
            .map(|(v, c)| cell(c, v))
            .collect();
        if let Some(first) = t.first_mut().filter(|f| matches!(f, X::Empty)) {
            *first = X::Text(if zh { "合计" } else { "Total" }.into());
        }
        rows.push(t);
    }
    tabular::SheetData {
        name: (if zh { report.title_zh } else { report.title_en }).to_owned(),
        columns,
        rows,
    }
}

fn bool_word(b: bool, zh: bool) -> &'static str {
    match (b, zh) {
        (true, true) => "是",
        (false, true) => "否",
        (true, false) => "Yes",
        (false, false) => "No",
    }
}

/// The report as CSV (UTF-8 with BOM, as Excel in China opens it): the same cells as the
/// spreadsheet, as text.
pub fn csv(report: &Report, zh: bool, tz: Tz) -> Vec<u8> {
    let data = sheet(report, zh, tz);
    let headers: Vec<&str> = data.columns.iter().map(|c| c.header.as_str()).collect();
    let rows: Vec<Vec<String>> = data
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .zip(&data.columns)
                .map(|(c, col)| c.text(col.kind))
                .collect()
        })
        .collect();
    tabular::write_csv(&headers, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_carry_units() {
        let c = Column {
            name: "x",
            kind: ColumnType::Number,
            unit: Some(Unit::Km),
            label_zh: "里程",
            label_en: "Distance",
        };
        assert_eq!(heading(&c, true), "里程(公里)");
        assert_eq!(heading(&c, false), "Distance (km)");
    }
}
