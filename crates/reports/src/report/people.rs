//! What the person reports share: facts grouped by person, the leading person columns,
//! one row order.

use super::table::{Cell, Column, ColumnType, col};
use super::{Scope, Sources};
use crate::directory::Directory;
use crate::facts::PersonDay;
use crate::rollup::Totals;
use domain::{CustomerId, DepartmentId, EmployeeId};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) struct PersonGroup<'a> {
    pub employee: EmployeeId,
    /// The department of the person's latest day in scope.
    pub department: DepartmentId,
    pub facts: Vec<&'a PersonDay>,
    pub totals: Totals,
    pub customers: BTreeSet<CustomerId>,
}

/// Facts in scope grouped by person, ordered by department name, person name and id.
pub(crate) fn by_person<'a>(sources: &Sources<'a>, scope: &Scope<'_>) -> Vec<PersonGroup<'a>> {
    group(
        sources.facts.iter().filter(|f| scope.fact(f)),
        scope.directory,
    )
}

pub(crate) fn group<'a>(
    facts: impl Iterator<Item = &'a PersonDay>,
    directory: &Directory,
) -> Vec<PersonGroup<'a>> {
    let mut map: BTreeMap<EmployeeId, PersonGroup<'a>> = BTreeMap::new();
    for f in facts {
        let g = map.entry(f.employee).or_insert_with(|| PersonGroup {
            employee: f.employee,
            department: f.department,
            facts: Vec::new(),
            totals: Totals::default(),
            customers: BTreeSet::new(),
        });
        if g.facts.last().is_none_or(|l| l.date <= f.date) {
            g.department = f.department;
        }
        g.facts.push(f);
        g.totals.add(f);
        g.customers.extend(f.customers.iter().copied());
    }
    let mut out: Vec<PersonGroup<'a>> = map.into_values().collect();
    for g in &mut out {
        g.facts.sort_by_key(|f| f.date);
        g.department = g.facts.last().map_or(g.department, |f| f.department);
    }
    out.sort_by_cached_key(|g| {
        (
            directory.department_name(g.department),
            directory.person_name(g.employee),
            g.employee,
        )
    });
    out
}

pub(crate) fn person_columns() -> Vec<Column> {
    vec![
        col("employee_id", ColumnType::Id, None, "员工ID", "Employee ID"),
        col("name", ColumnType::Text, None, "姓名", "Name"),
        col("department", ColumnType::Text, None, "部门", "Department"),
    ]
}

pub(crate) fn person_cells(
    directory: &Directory,
    employee: EmployeeId,
    department: DepartmentId,
) -> Vec<Cell> {
    vec![
        Cell::text(employee.to_string()),
        Cell::text(directory.person_name(employee)),
        Cell::text(directory.department_name(department)),
    ]
}

/// The first cells of a totals row under the person columns: empty, since the renderer
/// labels the totals row in the viewer's language.
pub(crate) fn total_cells() -> Vec<Cell> {
    vec![Cell::Null, Cell::Null, Cell::Null]
}

pub(crate) fn hours(s: i64) -> Cell {
    Cell::Num(s as f64 / 3600.0)
}

pub(crate) fn km(m: f64) -> Cell {
    Cell::Num(m / 1000.0)
}
