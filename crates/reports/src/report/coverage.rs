//! Customer coverage by level (覆盖率): of the customers in scope, how many were visited
//! in the period, and how many of their due visits were met.
//!
//! The report needs only sums per owner, level and tag set ([`CoverageGroup`]), so storage
//! may hand those over instead of one fact per customer (tens of thousands of them); a
//! group made from each customer alone gives the same report.

use super::table::{Cell, ColumnType, Report, Unit, col};
use super::{Filter, ReportName, Scope, Sources};
use crate::directory::Directory;
use crate::facts::CustomerPeriod;
use domain::EmployeeId;
use domain::customer::Level;
use std::collections::BTreeSet;

/// The customers of one owner, level and tag set in a period, summed: how many, how many
/// were visited, their visits, due visits and due visits met.
#[derive(Clone, Debug, PartialEq)]
pub struct CoverageGroup {
    pub owner: Option<EmployeeId>,
    pub level: Level,
    pub tags: Vec<String>,
    pub customers: u32,
    pub visited: u32,
    pub visits: u32,
    pub due_visits: u32,
    pub due_met: u32,
}

impl CoverageGroup {
    /// A customer's period fact as a group of one.
    pub fn of(c: &CustomerPeriod) -> CoverageGroup {
        CoverageGroup {
            owner: c.owner,
            level: c.level,
            tags: c.tags.clone(),
            customers: 1,
            visited: u32::from(c.visits > 0),
            visits: c.visits,
            due_visits: c.due_visits,
            due_met: c.due_met,
        }
    }
}

/// Customers in scope: owned by someone reached (an unowned customer belongs to no one's
/// reach), in the owner's current department subtree, passing the customer filters.
pub(crate) fn customers_in_scope<'a>(
    sources: &Sources<'a>,
    scope: &Scope<'_>,
) -> Vec<&'a CustomerPeriod> {
    sources
        .customers
        .iter()
        .filter(|c| in_scope(scope, c.owner, c.level, &c.tags))
        .collect()
}

fn in_scope(scope: &Scope<'_>, owner: Option<EmployeeId>, level: Level, tags: &[String]) -> bool {
    owner.is_some_and(|o| {
        scope.person(o) && (scope.departments.is_none() || scope.person_department(o).is_some())
    }) && scope.customer_matches(level, tags)
}

#[derive(Default)]
struct Sums {
    customers: u32,
    visited: u32,
    visits: u32,
    due: u32,
    met: u32,
}

impl Sums {
    fn add(&mut self, g: &CoverageGroup) {
        self.customers += g.customers;
        self.visited += g.visited;
        self.visits += g.visits;
        self.due += g.due_visits;
        self.met += g.due_met;
    }

    fn cells(&self) -> Vec<Cell> {
        let share = |a: u32, b: u32| Cell::num((b > 0).then(|| a as f64 / b as f64));
        vec![
            Cell::int(self.customers),
            Cell::int(self.visited),
            share(self.visited, self.customers),
            Cell::int(self.visits),
            Cell::int(self.due),
            Cell::int(self.met),
            share(self.met, self.due),
        ]
    }
}

pub(crate) fn customer_coverage(sources: &Sources<'_>, scope: &Scope<'_>) -> Report {
    let groups: Vec<CoverageGroup> = sources.customers.iter().map(CoverageGroup::of).collect();
    from_groups(&groups, scope)
}

/// The coverage report from customers summed by owner, level and tag set: the report
/// [`customer_coverage`] builds from the same customers one by one.
pub fn customer_coverage_of_groups(
    groups: &[CoverageGroup],
    filter: &Filter,
    reach: &BTreeSet<EmployeeId>,
    directory: &Directory,
) -> Report {
    from_groups(groups, &Scope::new(filter, reach, directory))
}

fn from_groups(groups: &[CoverageGroup], scope: &Scope<'_>) -> Report {
    let columns = vec![
        col("level", ColumnType::Text, None, "客户等级", "Level"),
        col(
            "customers",
            ColumnType::Integer,
            Some(Unit::Count),
            "客户数",
            "Customers",
        ),
        col(
            "visited",
            ColumnType::Integer,
            Some(Unit::Count),
            "已拜访客户数",
            "Customers visited",
        ),
        col("coverage", ColumnType::Percent, None, "覆盖率", "Coverage"),
        col(
            "visits",
            ColumnType::Integer,
            Some(Unit::Count),
            "拜访次数",
            "Visits",
        ),
        col(
            "due_visits",
            ColumnType::Integer,
            Some(Unit::Count),
            "应拜访次数",
            "Visits due",
        ),
        col(
            "due_met",
            ColumnType::Integer,
            Some(Unit::Count),
            "按频次完成",
            "Due visits met",
        ),
        col(
            "frequency_compliance",
            ColumnType::Percent,
            None,
            "拜访频次达成率",
            "Frequency compliance",
        ),
    ];
    let mut report = Report::new(ReportName::CustomerCoverage, columns);
    let groups: Vec<&CoverageGroup> = groups
        .iter()
        .filter(|g| in_scope(scope, g.owner, g.level, &g.tags))
        .collect();
    let mut all = Sums::default();
    for level in [Level::A, Level::B, Level::C] {
        let mut s = Sums::default();
        for g in groups.iter().filter(|g| g.level == level) {
            s.add(g);
            all.add(g);
        }
        if s.customers > 0 {
            let mut row = vec![Cell::text(level.as_str())];
            row.extend(s.cells());
            report.rows.push(row);
        }
    }
    let mut total = vec![Cell::Null];
    total.extend(all.cells());
    report.total = Some(total);
    report
}
