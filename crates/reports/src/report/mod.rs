//! The standard report pack, built from facts.
//!
//! Every report takes the same [`Sources`], a [`Filter`] and the set of people the caller
//! reaches. Storage applies reach when it reads; the functions apply it again, so a fact of
//! someone outside it is ignored whatever was passed. Person-day facts count for the
//! department they were in on that day (a person who moved mid-period appears under each
//! department for the days spent there; their row shows the latest department in scope).
//! The customer level and tag filters apply to the reports whose rows are visits or
//! customers (visit detail, customer coverage, new prospects); the person reports count
//! all of a person's work.

mod approvals;
mod attendance;
pub(crate) mod coverage;
mod mileage;
pub(crate) mod people;
mod prospects;
mod ranking;
mod table;
mod visits;

pub use approvals::{ApprovalOutcome, ApprovalRecord};
pub use coverage::{CoverageGroup, customer_coverage_of_groups};
pub use ranking::{METRICS, Metric};
pub use table::{Cell, CodeLabel, Column, ColumnType, Report, Unit};

use crate::directory::Directory;
use crate::facts::{CustomerPeriod, PersonDay};
use crate::period::DateRange;
use domain::customer::Level;
use domain::{DepartmentId, EmployeeId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The standard reports, by the name `GET /api/v1/reports/{name}` uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportName {
    AttendanceMonthly,
    VisitDetail,
    PlanCompliance,
    CustomerCoverage,
    TimeAtCustomers,
    MileageDaily,
    MileageMonthly,
    TeamRanking,
    AntiCheat,
    ApprovalTurnaround,
    NewProspects,
}

impl ReportName {
    pub const ALL: [ReportName; 11] = [
        ReportName::AttendanceMonthly,
        ReportName::VisitDetail,
        ReportName::PlanCompliance,
        ReportName::CustomerCoverage,
        ReportName::TimeAtCustomers,
        ReportName::MileageDaily,
        ReportName::MileageMonthly,
        ReportName::TeamRanking,
        ReportName::AntiCheat,
        ReportName::ApprovalTurnaround,
        ReportName::NewProspects,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportName::AttendanceMonthly => "attendance_monthly",
            ReportName::VisitDetail => "visit_detail",
            ReportName::PlanCompliance => "plan_compliance",
            ReportName::CustomerCoverage => "customer_coverage",
            ReportName::TimeAtCustomers => "time_at_customers",
            ReportName::MileageDaily => "mileage_daily",
            ReportName::MileageMonthly => "mileage_monthly",
            ReportName::TeamRanking => "team_ranking",
            ReportName::AntiCheat => "anti_cheat",
            ReportName::ApprovalTurnaround => "approval_turnaround",
            ReportName::NewProspects => "new_prospects",
        }
    }

    pub fn parse(s: &str) -> Option<ReportName> {
        ReportName::ALL.into_iter().find(|n| n.as_str() == s)
    }

    pub fn title_zh(self) -> &'static str {
        match self {
            ReportName::AttendanceMonthly => "考勤月报",
            ReportName::VisitDetail => "拜访明细",
            ReportName::PlanCompliance => "计划达成率",
            ReportName::CustomerCoverage => "客户覆盖率",
            ReportName::TimeAtCustomers => "客户停留时长",
            ReportName::MileageDaily => "里程日报",
            ReportName::MileageMonthly => "里程月报",
            ReportName::TeamRanking => "团队排名",
            ReportName::AntiCheat => "防作弊汇总",
            ReportName::ApprovalTurnaround => "审批时效",
            ReportName::NewProspects => "新增潜在客户",
        }
    }

    pub fn title_en(self) -> &'static str {
        match self {
            ReportName::AttendanceMonthly => "Attendance (monthly)",
            ReportName::VisitDetail => "Visit detail",
            ReportName::PlanCompliance => "Plan compliance",
            ReportName::CustomerCoverage => "Customer coverage by level",
            ReportName::TimeAtCustomers => "Time at customers",
            ReportName::MileageDaily => "Mileage by day",
            ReportName::MileageMonthly => "Mileage by month",
            ReportName::TeamRanking => "Team ranking",
            ReportName::AntiCheat => "Anti-cheat summary",
            ReportName::ApprovalTurnaround => "Approval turnaround",
            ReportName::NewProspects => "New prospects",
        }
    }
}

/// What the caller asked to see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    pub period: DateRange,
    /// A department and everything below it.
    pub department: Option<DepartmentId>,
    pub employee: Option<EmployeeId>,
    pub customer_level: Option<Level>,
    pub customer_tag: Option<String>,
}

impl Filter {
    /// Checks a filter a client sent: the period ends on or after its start and spans at
    /// most `max_days` days (the error names `period.to`).
    pub fn validate(&self, max_days: u32) -> Result<(), domain::Invalid> {
        let p = self.period;
        if p.to < p.from || p.days() > i64::from(max_days) {
            return Err(domain::Invalid::one(
                "period.to",
                domain::Problem::BadRange {
                    other: "period.from".into(),
                    max_days,
                },
            ));
        }
        Ok(())
    }

    pub fn period(period: DateRange) -> Filter {
        Filter {
            period,
            department: None,
            employee: None,
            customer_level: None,
            customer_tag: None,
        }
    }
}

/// Everything reports are built from, as storage read it.
#[derive(Clone, Copy, Debug)]
pub struct Sources<'a> {
    /// Person-days of the period and, for the ranking's comparison, the previous one.
    pub facts: &'a [PersonDay],
    /// Customer facts of the filter's period.
    pub customers: &'a [CustomerPeriod],
    pub approvals: &'a [ApprovalRecord],
    pub directory: &'a Directory,
}

/// The filter resolved once: the department subtree, the people reached.
pub(crate) struct Scope<'a> {
    pub filter: &'a Filter,
    pub reach: &'a BTreeSet<EmployeeId>,
    pub departments: Option<BTreeSet<DepartmentId>>,
    pub directory: &'a Directory,
}

impl<'a> Scope<'a> {
    pub fn new(
        filter: &'a Filter,
        reach: &'a BTreeSet<EmployeeId>,
        directory: &'a Directory,
    ) -> Scope<'a> {
        Scope {
            filter,
            reach,
            departments: filter.department.map(|d| directory.subtree(d)),
            directory,
        }
    }

    /// The person is reached and matches the employee filter.
    pub fn person(&self, e: EmployeeId) -> bool {
        self.reach.contains(&e) && self.filter.employee.is_none_or(|f| f == e)
    }

    pub fn department(&self, d: DepartmentId) -> bool {
        self.departments.as_ref().is_none_or(|s| s.contains(&d))
    }

    /// A person-day in the period, reach, person and department filters.
    pub fn fact(&self, f: &PersonDay) -> bool {
        self.filter.period.contains(f.date) && self.fact_any_period(f)
    }

    pub fn fact_any_period(&self, f: &PersonDay) -> bool {
        self.person(f.employee) && self.department(f.department)
    }

    pub fn customer_matches(&self, level: Level, tags: &[String]) -> bool {
        self.filter.customer_level.is_none_or(|l| l == level)
            && self
                .filter
                .customer_tag
                .as_ref()
                .is_none_or(|t| tags.contains(t))
    }

    /// The customer with this id passes the level and tag filters (unknown ones pass
    /// only when no customer filter is set).
    pub fn customer_id_matches(&self, id: domain::CustomerId) -> bool {
        match self.directory.customers.get(&id) {
            Some(c) => self.customer_matches(c.level, &c.tags),
            None => self.filter.customer_level.is_none() && self.filter.customer_tag.is_none(),
        }
    }

    /// The department a person is shown under: the current one (directory), if in scope.
    pub fn person_department(&self, e: EmployeeId) -> Option<DepartmentId> {
        self.directory
            .people
            .get(&e)
            .and_then(|p| p.department)
            .filter(|d| self.department(*d))
    }
}

/// One page of the report `name`: the rows of `build`'s answer in `window` (cut to the
/// rows there are), and how many rows the whole report has. Visit detail, whose rows run
/// to tens of thousands, makes the cells of the page's rows alone.
pub fn build_page(
    name: ReportName,
    sources: &Sources<'_>,
    filter: &Filter,
    reach: &BTreeSet<EmployeeId>,
    window: std::ops::Range<usize>,
) -> (Report, usize) {
    if name == ReportName::VisitDetail {
        let scope = Scope::new(filter, reach, sources.directory);
        return visits::visit_detail_rows(sources, &scope, Some(window));
    }
    let mut report = build(name, sources, filter, reach);
    let all = report.rows.len();
    let (from, to) = (window.start.min(all), window.end.min(all));
    report.rows = report.rows.drain(from..to.max(from)).collect();
    (report, all)
}

/// The customers a page of the report `name` names or filters on, when that is fewer than
/// all of them (`None`: every customer may be needed): visit detail without a customer
/// filter names the customers of the page's rows alone, new prospects looks up only the
/// customers of prospect visits. Storage reads just those into the directory; the page
/// built from it is the one a full directory gives.
pub fn customers_needed(
    name: ReportName,
    sources: &Sources<'_>,
    filter: &Filter,
    reach: &BTreeSet<EmployeeId>,
    window: std::ops::Range<usize>,
) -> Option<BTreeSet<domain::CustomerId>> {
    let scope = Scope::new(filter, reach, sources.directory);
    let filtered = filter.customer_level.is_some() || filter.customer_tag.is_some();
    match name {
        ReportName::VisitDetail if !filtered => {
            let visits = visits::visits_in_order(sources, &scope);
            let all = visits.len();
            let (from, to) = (window.start.min(all), window.end.min(all));
            Some(
                visits[from..to.max(from)]
                    .iter()
                    .map(|(_, v)| v.customer)
                    .collect(),
            )
        }
        ReportName::NewProspects => Some(
            sources
                .facts
                .iter()
                .filter(|f| scope.fact(f))
                .flat_map(|f| &f.visit_rows)
                .filter(|v| v.kind == crate::facts::VisitKind::Prospect)
                .map(|v| v.customer)
                .collect(),
        ),
        _ => None,
    }
}

/// Builds the report `name`.
pub fn build(
    name: ReportName,
    sources: &Sources<'_>,
    filter: &Filter,
    reach: &BTreeSet<EmployeeId>,
) -> Report {
    let scope = Scope::new(filter, reach, sources.directory);
    match name {
        ReportName::AttendanceMonthly => attendance::attendance_monthly(sources, &scope),
        ReportName::VisitDetail => visits::visit_detail(sources, &scope),
        ReportName::PlanCompliance => visits::plan_compliance(sources, &scope),
        ReportName::CustomerCoverage => coverage::customer_coverage(sources, &scope),
        ReportName::TimeAtCustomers => visits::time_at_customers(sources, &scope),
        ReportName::MileageDaily => mileage::mileage_daily(sources, &scope),
        ReportName::MileageMonthly => mileage::mileage_monthly(sources, &scope),
        ReportName::TeamRanking => ranking::team_ranking(sources, &scope),
        ReportName::AntiCheat => attendance::anti_cheat(sources, &scope),
        ReportName::ApprovalTurnaround => approvals::approval_turnaround(sources, &scope),
        ReportName::NewProspects => prospects::new_prospects(sources, &scope),
    }
}
