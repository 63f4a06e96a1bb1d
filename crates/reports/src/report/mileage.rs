//! Mileage per day and per month: working-hours, outside-hours and total kilometres, the
//! stored summaries' own figures (the ones reimbursement pays). Days without a stored
//! summary are left out, not shown as 0 km.

use super::people::{group, km, person_cells, person_columns, total_cells};
use super::table::{Cell, ColumnType, Report, Unit, col};
use super::{ReportName, Scope, Sources};
use crate::period::{Grain, PeriodKey};
use crate::rollup::Totals;
use std::collections::BTreeMap;

fn km_columns() -> [super::Column; 3] {
    [
        col(
            "work_km",
            ColumnType::Number,
            Some(Unit::Km),
            "工作时段里程",
            "Working-hours km",
        ),
        col(
            "outside_km",
            ColumnType::Number,
            Some(Unit::Km),
            "非工作时段里程",
            "Outside-hours km",
        ),
        col(
            "total_km",
            ColumnType::Number,
            Some(Unit::Km),
            "总里程",
            "Total km",
        ),
    ]
}

fn km_cells(t: &Totals) -> [Cell; 3] {
    [km(t.work_m), km(t.outside_m()), km(t.total_m)]
}

/// One row per person-day with a summary, by date then person.
pub(crate) fn mileage_daily(sources: &Sources<'_>, scope: &Scope<'_>) -> Report {
    let mut columns = vec![col("date", ColumnType::Date, None, "日期", "Date")];
    columns.extend(person_columns());
    columns.extend(km_columns());
    let mut report = Report::new(ReportName::MileageDaily, columns);
    let dir = scope.directory;
    let mut days: Vec<_> = sources
        .facts
        .iter()
        .filter(|f| scope.fact(f) && f.total_m.is_some())
        .collect();
    days.sort_by_cached_key(|f| (f.date, dir.person_name(f.employee), f.employee));
    let mut all = Totals::default();
    for f in days {
        let t = Totals::of([f]);
        let mut row = vec![Cell::Date(f.date)];
        row.extend(person_cells(dir, f.employee, f.department));
        row.extend(km_cells(&t));
        report.rows.push(row);
        all.add(f);
    }
    let mut total = vec![Cell::Null];
    total.extend(total_cells());
    total.extend(km_cells(&all));
    report.total = Some(total);
    report
}

/// One row per person and month, with the days tracked and the working-hours km per
/// tracked day.
pub(crate) fn mileage_monthly(sources: &Sources<'_>, scope: &Scope<'_>) -> Report {
    let mut columns = vec![col("month", ColumnType::Text, None, "月份", "Month")];
    columns.extend(person_columns());
    columns.push(col(
        "tracked_days",
        ColumnType::Integer,
        Some(Unit::Days),
        "有轨迹天数",
        "Days tracked",
    ));
    columns.extend(km_columns());
    columns.push(col(
        "work_km_per_day",
        ColumnType::Number,
        Some(Unit::Km),
        "日均工作里程",
        "Working km per tracked day",
    ));
    let mut report = Report::new(ReportName::MileageMonthly, columns);
    let dir = scope.directory;
    let mut months: BTreeMap<PeriodKey, Vec<_>> = BTreeMap::new();
    for f in sources
        .facts
        .iter()
        .filter(|f| scope.fact(f) && f.total_m.is_some())
    {
        months
            .entry(PeriodKey::containing(Grain::Month, f.date))
            .or_default()
            .push(f);
    }
    let row = |t: &Totals| {
        let mut r = vec![Cell::int(t.track_days)];
        r.extend(km_cells(t));
        r.push(Cell::num(
            (t.track_days > 0).then(|| t.work_m / 1000.0 / t.track_days as f64),
        ));
        r
    };
    let mut all = Totals::default();
    for (month, facts) in months {
        for g in group(facts.into_iter(), dir) {
            let mut cells = vec![Cell::text(month.to_string())];
            cells.extend(person_cells(dir, g.employee, g.department));
            cells.extend(row(&g.totals));
            report.rows.push(cells);
            g.facts.iter().for_each(|f| all.add(f));
        }
    }
    let mut total = vec![Cell::Null];
    total.extend(total_cells());
    total.extend(row(&all));
    report.total = Some(total);
    report
}
