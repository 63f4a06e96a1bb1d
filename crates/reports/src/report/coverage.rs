//! Customer coverage by level (覆盖率): of the customers in scope, how many were visited
//! in the period, and how many of their due visits were met.

use super::table::{Cell, ColumnType, Report, Unit, col};
use super::{ReportName, Scope, Sources};
use crate::facts::CustomerPeriod;
use domain::customer::Level;

/// Customers in scope: owned by someone reached (an unowned customer belongs to no one's
/// reach), in the owner's current department subtree, passing the customer filters.
pub(crate) fn customers_in_scope<'a>(
    sources: &Sources<'a>,
    scope: &Scope<'_>,
) -> Vec<&'a CustomerPeriod> {
    sources
        .customers
        .iter()
        .filter(|c| {
            c.owner.is_some_and(|o| {
                scope.person(o)
                    && (scope.departments.is_none() || scope.person_department(o).is_some())
            }) && scope.customer_matches(c.level, &c.tags)
        })
        .collect()
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
    fn add(&mut self, c: &CustomerPeriod) {
        self.customers += 1;
        self.visited += u32::from(c.visits > 0);
        self.visits += c.visits;
        self.due += c.due_visits;
        self.met += c.due_met;
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
    let customers = customers_in_scope(sources, scope);
    let mut all = Sums::default();
    for level in [Level::A, Level::B, Level::C] {
        let mut s = Sums::default();
        for c in customers.iter().filter(|c| c.level == level) {
            s.add(c);
            all.add(c);
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
