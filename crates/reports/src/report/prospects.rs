//! New prospects: customers a person created by a prospect visit in the period, how many
//! have been approved since, and the visits that followed.

use super::people::{person_cells, person_columns, total_cells};
use super::table::{Cell, ColumnType, Report, Unit, col};
use super::{ReportName, Scope, Sources};
use crate::facts::VisitKind;
use domain::customer::CustomerStatus;
use domain::{CustomerId, EmployeeId};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Default)]
struct Row {
    created: BTreeSet<CustomerId>,
    follow_ups: u32,
}

pub(crate) fn new_prospects(sources: &Sources<'_>, scope: &Scope<'_>) -> Report {
    let mut columns = person_columns();
    columns.extend([
        col(
            "prospects",
            ColumnType::Integer,
            Some(Unit::Count),
            "新增潜在客户",
            "New prospects",
        ),
        col(
            "approved",
            ColumnType::Integer,
            Some(Unit::Count),
            "已审核通过",
            "Approved",
        ),
        col(
            "pending",
            ColumnType::Integer,
            Some(Unit::Count),
            "待审核",
            "Pending",
        ),
        col(
            "approval_rate",
            ColumnType::Percent,
            None,
            "通过率",
            "Approval rate",
        ),
        col(
            "follow_up_visits",
            ColumnType::Integer,
            Some(Unit::Count),
            "跟进拜访数",
            "Follow-up visits",
        ),
    ]);
    let mut report = Report::new(ReportName::NewProspects, columns);
    let dir = scope.directory;
    let facts: Vec<_> = sources.facts.iter().filter(|f| scope.fact(f)).collect();
    let mut rows: BTreeMap<EmployeeId, (Row, domain::DepartmentId, chrono::NaiveDate)> =
        BTreeMap::new();
    // First the prospects, then the later visits to them (by anyone in scope, credited to
    // the person who found the prospect).
    let mut found_by: BTreeMap<CustomerId, (EmployeeId, i64)> = BTreeMap::new();
    for f in &facts {
        for v in f
            .visit_rows
            .iter()
            .filter(|v| v.kind == VisitKind::Prospect)
        {
            if !scope.customer_id_matches(v.customer) {
                continue;
            }
            let e = found_by
                .entry(v.customer)
                .or_insert((f.employee, v.checkin_ms));
            if v.checkin_ms < e.1 {
                *e = (f.employee, v.checkin_ms);
            }
        }
    }
    // Each finder's latest fact in scope (they have the prospect visit's, at least).
    let mut latest: BTreeMap<EmployeeId, &crate::facts::PersonDay> = BTreeMap::new();
    for f in &facts {
        let l = latest.entry(f.employee).or_insert(f);
        if f.date > l.date {
            *l = f;
        }
    }
    for (c, (e, _)) in &found_by {
        let Some(l) = latest.get(e) else { continue };
        rows.entry(*e)
            .or_insert_with(|| (Row::default(), l.department, l.date))
            .0
            .created
            .insert(*c);
    }
    for f in &facts {
        for v in f
            .visit_rows
            .iter()
            .filter(|v| v.kind != VisitKind::Prospect)
        {
            if let Some((e, t)) = found_by.get(&v.customer)
                && v.checkin_ms > *t
                && let Some(r) = rows.get_mut(e)
            {
                r.0.follow_ups += 1;
            }
        }
    }
    let status = |c: &CustomerId| dir.customers.get(c).map(|i| i.status);
    let cells = |created: &BTreeSet<CustomerId>, follow_ups: u32| {
        let approved = created
            .iter()
            .filter(|c| status(c) == Some(CustomerStatus::Active))
            .count();
        let pending = created
            .iter()
            .filter(|c| status(c) == Some(CustomerStatus::Pending))
            .count();
        vec![
            Cell::Int(created.len() as i64),
            Cell::Int(approved as i64),
            Cell::Int(pending as i64),
            Cell::num((!created.is_empty()).then(|| approved as f64 / created.len() as f64)),
            Cell::int(follow_ups),
        ]
    };
    let mut ordered: Vec<_> = rows.into_iter().collect();
    ordered.sort_by_cached_key(|(e, (_, d, _))| (dir.department_name(*d), dir.person_name(*e), *e));
    let (mut all, mut all_follow) = (BTreeSet::new(), 0);
    for (e, (row, dept, _)) in ordered {
        let mut r = person_cells(dir, e, dept);
        r.extend(cells(&row.created, row.follow_ups));
        report.rows.push(r);
        all.extend(row.created);
        all_follow += row.follow_ups;
    }
    let mut total = total_cells();
    total.extend(cells(&all, all_follow));
    report.total = Some(total);
    report
}
