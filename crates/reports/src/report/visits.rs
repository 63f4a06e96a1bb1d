//! Visit detail, plan compliance (计划达成率) and time at customers.

use super::people::{by_person, hours, person_cells, person_columns, total_cells};
use super::table::{Cell, CodeLabel, ColumnType, Report, Unit, col};
use super::{ReportName, Scope, Sources};
use crate::facts::{PersonDay, VisitFact, VisitKind};
use crate::rollup::Totals;
use domain::visit_rule::CheckinStatus;

pub(crate) fn kind_code(k: VisitKind) -> &'static str {
    match k {
        VisitKind::Planned => "planned",
        VisitKind::AdHoc => "ad_hoc",
        VisitKind::Prospect => "prospect",
    }
}

fn checkin_code(s: CheckinStatus) -> &'static str {
    match s {
        CheckinStatus::Within => "within",
        CheckinStatus::Outside => "outside",
        CheckinStatus::Uncertain => "uncertain",
    }
}

const VISIT_CODES: [CodeLabel; 6] = [
    CodeLabel {
        code: "planned",
        zh: "计划拜访",
        en: "Planned",
    },
    CodeLabel {
        code: "ad_hoc",
        zh: "临时拜访",
        en: "Ad hoc",
    },
    CodeLabel {
        code: "prospect",
        zh: "新客户拜访",
        en: "New prospect",
    },
    CodeLabel {
        code: "within",
        zh: "范围内",
        en: "Within radius",
    },
    CodeLabel {
        code: "outside",
        zh: "范围外",
        en: "Outside radius",
    },
    CodeLabel {
        code: "uncertain",
        zh: "不确定",
        en: "Uncertain",
    },
];

/// One row per visit, by check-in instant; the customer filters apply.
pub(crate) fn visit_detail(sources: &Sources<'_>, scope: &Scope<'_>) -> Report {
    visit_detail_rows(sources, scope, None).0
}

/// Visit detail with the cells of the rows in `window` alone (all rows when `None`), and
/// how many rows the whole report has: a page of 5,000 out of 50,000 visits makes 5,000
/// rows of cells, not 50,000.
pub(crate) fn visit_detail_rows(
    sources: &Sources<'_>,
    scope: &Scope<'_>,
    window: Option<std::ops::Range<usize>>,
) -> (Report, usize) {
    let columns = vec![
        col("visit_id", ColumnType::Id, None, "拜访ID", "Visit ID"),
        col("date", ColumnType::Date, None, "日期", "Date"),
        col("employee_id", ColumnType::Id, None, "员工ID", "Employee ID"),
        col("name", ColumnType::Text, None, "姓名", "Name"),
        col("department", ColumnType::Text, None, "部门", "Department"),
        col("customer_id", ColumnType::Id, None, "客户ID", "Customer ID"),
        col("customer", ColumnType::Text, None, "客户", "Customer"),
        col("level", ColumnType::Text, None, "客户等级", "Level"),
        col("kind", ColumnType::Code, None, "拜访类型", "Kind"),
        col("checkin", ColumnType::Instant, None, "签到时间", "Check-in"),
        col(
            "checkout",
            ColumnType::Instant,
            None,
            "签退时间",
            "Check-out",
        ),
        col(
            "duration_min",
            ColumnType::Number,
            Some(Unit::Minutes),
            "拜访时长",
            "Duration",
        ),
        col(
            "checkin_place",
            ColumnType::Code,
            None,
            "签到位置",
            "Check-in place",
        ),
        col("too_short", ColumnType::Bool, None, "时长不足", "Too short"),
        col("outcome", ColumnType::Number, None, "成果", "Outcome"),
    ];
    let mut report = Report::new(ReportName::VisitDetail, columns);
    report.codes = VISIT_CODES.to_vec();
    let dir = scope.directory;
    let visits = visits_in_order(sources, scope);
    let all = visits.len();
    let (from, to) = window.map_or((0, all), |w| (w.start.min(all), w.end.min(all)));
    report.rows = visits[from..to.max(from)]
        .iter()
        .map(|(f, v)| {
            let level = dir.customers.get(&v.customer).map(|c| c.level.as_str());
            vec![
                Cell::text(v.id.to_string()),
                Cell::Date(f.date),
                Cell::text(f.employee.to_string()),
                Cell::text(dir.person_name(f.employee)),
                Cell::text(dir.department_name(f.department)),
                Cell::text(v.customer.to_string()),
                Cell::text(dir.customer_name(v.customer)),
                level.map_or(Cell::Null, Cell::text),
                Cell::text(kind_code(v.kind)),
                Cell::instant_ms(Some(v.checkin_ms)),
                Cell::instant_ms(v.checkout_ms),
                Cell::num(v.duration_s.map(|s| s as f64 / 60.0)),
                Cell::text(checkin_code(v.checkin)),
                Cell::Bool(v.short),
                Cell::num(v.outcome),
            ]
        })
        .collect();
    (report, all)
}

/// The visits visit detail lists, in its order: by check-in instant, then id.
pub(crate) fn visits_in_order<'a>(
    sources: &Sources<'a>,
    scope: &Scope<'_>,
) -> Vec<(&'a PersonDay, &'a VisitFact)> {
    let mut visits: Vec<(&PersonDay, &VisitFact)> = sources
        .facts
        .iter()
        .filter(|f| scope.fact(f))
        .flat_map(|f| {
            f.visit_rows
                .iter()
                .filter(|v| scope.customer_id_matches(v.customer))
                .map(move |v| (f, v))
        })
        .collect();
    visits.sort_by_key(|(_, v)| (v.checkin_ms, v.id));
    visits
}

/// Planned customers, those visited, the rate (visited ÷ planned, from the sums) and the
/// unplanned visits beside them.
pub(crate) fn plan_compliance(sources: &Sources<'_>, scope: &Scope<'_>) -> Report {
    let mut columns = person_columns();
    columns.extend([
        col(
            "planned",
            ColumnType::Integer,
            Some(Unit::Count),
            "计划拜访数",
            "Planned visits",
        ),
        col(
            "planned_done",
            ColumnType::Integer,
            Some(Unit::Count),
            "完成计划数",
            "Planned visits done",
        ),
        col(
            "compliance",
            ColumnType::Percent,
            None,
            "计划达成率",
            "Plan compliance",
        ),
        col(
            "ad_hoc",
            ColumnType::Integer,
            Some(Unit::Count),
            "临时拜访数",
            "Ad-hoc visits",
        ),
        col(
            "prospect",
            ColumnType::Integer,
            Some(Unit::Count),
            "新客户拜访数",
            "Prospect visits",
        ),
        col(
            "visits",
            ColumnType::Integer,
            Some(Unit::Count),
            "拜访总数",
            "All visits",
        ),
    ]);
    let mut report = Report::new(ReportName::PlanCompliance, columns);
    let row = |t: &Totals| {
        vec![
            Cell::int(t.planned_visits),
            Cell::int(t.planned_done),
            Cell::num(t.plan_compliance()),
            Cell::int(t.ad_hoc_visits),
            Cell::int(t.prospect_visits),
            Cell::int(t.visits),
        ]
    };
    person_report(&mut report, sources, scope, row);
    report
}

/// Time at customers, the average visit, the share of the working day at customers and
/// travel time with the driving share, all from sums.
pub(crate) fn time_at_customers(sources: &Sources<'_>, scope: &Scope<'_>) -> Report {
    let mut columns = person_columns();
    columns.extend([
        col(
            "completed_visits",
            ColumnType::Integer,
            Some(Unit::Count),
            "完成拜访数",
            "Completed visits",
        ),
        col(
            "customers",
            ColumnType::Integer,
            Some(Unit::Count),
            "拜访客户数",
            "Customers visited",
        ),
        col(
            "at_customers_hours",
            ColumnType::Number,
            Some(Unit::Hours),
            "客户处时长",
            "Time at customers",
        ),
        col(
            "avg_visit_min",
            ColumnType::Number,
            Some(Unit::Minutes),
            "平均拜访时长",
            "Average visit",
        ),
        col(
            "at_customers_share",
            ColumnType::Percent,
            None,
            "客户处时间占比",
            "Share of working day at customers",
        ),
        col(
            "travel_hours",
            ColumnType::Number,
            Some(Unit::Hours),
            "在途时长",
            "Travel time",
        ),
        col(
            "driving_share",
            ColumnType::Percent,
            None,
            "在途时间占比",
            "Driving share",
        ),
        col(
            "short_visits",
            ColumnType::Integer,
            Some(Unit::Count),
            "时长不足拜访",
            "Visits too short",
        ),
    ]);
    let mut report = Report::new(ReportName::TimeAtCustomers, columns);
    let dir = scope.directory;
    let mut all = Totals::default();
    let mut all_customers = std::collections::BTreeSet::new();
    let row = |t: &Totals, customers: usize| {
        vec![
            Cell::int(t.completed_visits),
            Cell::Int(customers as i64),
            hours(t.time_at_customers_s),
            Cell::num(t.avg_visit_s().map(|s| s / 60.0)),
            Cell::num(t.at_customers_share()),
            hours(t.travel_s),
            Cell::num(t.driving_share()),
            Cell::int(t.short_visits),
        ]
    };
    for g in by_person(sources, scope) {
        let mut cells = person_cells(dir, g.employee, g.department);
        cells.extend(row(&g.totals, g.customers.len()));
        report.rows.push(cells);
        g.facts.iter().for_each(|f| all.add(f));
        all_customers.extend(g.customers.iter().copied());
    }
    let mut total = total_cells();
    total.extend(row(&all, all_customers.len()));
    report.total = Some(total);
    report
}

/// A report of one row per person from their totals, with a totals row.
pub(crate) fn person_report(
    report: &mut Report,
    sources: &Sources<'_>,
    scope: &Scope<'_>,
    row: impl Fn(&Totals) -> Vec<crate::report::Cell>,
) {
    let mut all = Totals::default();
    for g in by_person(sources, scope) {
        let mut cells = person_cells(scope.directory, g.employee, g.department);
        cells.extend(row(&g.totals));
        report.rows.push(cells);
        g.facts.iter().for_each(|f| all.add(f));
    }
    let mut total = total_cells();
    total.extend(row(&all));
    report.total = Some(total);
}
