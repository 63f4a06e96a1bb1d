//! 考勤月报 and the anti-cheat summary: one row per person.

use super::people::{by_person, person_cells, person_columns, total_cells};
use super::table::{Cell, ColumnType, Report, Unit, col};
use super::{ReportName, Scope, Sources};
use crate::rollup::Totals;
use domain::attendance::DayStatus;

/// Days due, attended, late, early, absent, on leave, holidays and hours worked.
/// "Attended" is present, late or early-leave; a day both late and early counts in both.
/// "Missing punch" days lack a clock-in or a clock-out.
pub(crate) fn attendance_monthly(sources: &Sources<'_>, scope: &Scope<'_>) -> Report {
    let mut columns = person_columns();
    columns.extend([
        col(
            "working_days",
            ColumnType::Integer,
            Some(Unit::Days),
            "应出勤天数",
            "Working days",
        ),
        col(
            "attended_days",
            ColumnType::Integer,
            Some(Unit::Days),
            "实际出勤天数",
            "Days attended",
        ),
        col(
            "late_days",
            ColumnType::Integer,
            Some(Unit::Days),
            "迟到次数",
            "Late days",
        ),
        col(
            "late_min",
            ColumnType::Integer,
            Some(Unit::Minutes),
            "迟到分钟",
            "Minutes late",
        ),
        col(
            "early_leave_days",
            ColumnType::Integer,
            Some(Unit::Days),
            "早退次数",
            "Early-leave days",
        ),
        col(
            "early_leave_min",
            ColumnType::Integer,
            Some(Unit::Minutes),
            "早退分钟",
            "Minutes left early",
        ),
        col(
            "absent_days",
            ColumnType::Integer,
            Some(Unit::Days),
            "缺勤天数",
            "Absent days",
        ),
        col(
            "leave_days",
            ColumnType::Integer,
            Some(Unit::Days),
            "请假天数",
            "Leave days",
        ),
        col(
            "missing_punch_days",
            ColumnType::Integer,
            Some(Unit::Days),
            "缺卡天数",
            "Days missing a punch",
        ),
        col(
            "holidays",
            ColumnType::Integer,
            Some(Unit::Days),
            "节假日天数",
            "Holidays",
        ),
        col(
            "worked_hours",
            ColumnType::Number,
            Some(Unit::Hours),
            "工作时长",
            "Hours worked",
        ),
    ]);
    let mut report = Report::new(ReportName::AttendanceMonthly, columns);
    let row = |t: &Totals, attended: u32, missing: u32| {
        vec![
            Cell::int(t.working_days),
            Cell::int(attended),
            Cell::int(t.late_days),
            Cell::Int(t.late_min as i64),
            Cell::int(t.early_leave_days),
            Cell::Int(t.early_leave_min as i64),
            Cell::int(t.absent_days),
            Cell::int(t.leave_days),
            Cell::int(missing),
            Cell::int(t.holidays),
            Cell::Num(t.worked_min as f64 / 60.0),
        ]
    };
    let (mut all, mut all_attended, mut all_missing) = (Totals::default(), 0, 0);
    for g in by_person(sources, scope) {
        let attendance = || g.facts.iter().filter_map(|f| f.attendance.as_ref());
        let attended = attendance()
            .filter(|a| {
                matches!(
                    a.status,
                    DayStatus::Present | DayStatus::Late | DayStatus::EarlyLeave
                )
            })
            .count() as u32;
        let missing = attendance()
            .filter(|a| a.missing_clock_in || a.missing_clock_out)
            .count() as u32;
        let mut cells = person_cells(scope.directory, g.employee, g.department);
        cells.extend(row(&g.totals, attended, missing));
        report.rows.push(cells);
        for f in &g.facts {
            all.add(f);
        }
        all_attended += attended;
        all_missing += missing;
    }
    let mut total = total_cells();
    total.extend(row(&all, all_attended, all_missing));
    report.total = Some(total);
    report
}

/// Days assessed and their levels; flagged share = (review + likely cheat) ÷ assessed.
/// Working days without a verdict are "not assessed".
pub(crate) fn anti_cheat(sources: &Sources<'_>, scope: &Scope<'_>) -> Report {
    let mut columns = person_columns();
    columns.extend([
        col(
            "assessed_days",
            ColumnType::Integer,
            Some(Unit::Days),
            "已评估天数",
            "Days assessed",
        ),
        col(
            "clean_days",
            ColumnType::Integer,
            Some(Unit::Days),
            "正常天数",
            "Clean days",
        ),
        col(
            "review_days",
            ColumnType::Integer,
            Some(Unit::Days),
            "待复核天数",
            "Days to review",
        ),
        col(
            "likely_cheat_days",
            ColumnType::Integer,
            Some(Unit::Days),
            "疑似作弊天数",
            "Likely-cheat days",
        ),
        col(
            "not_assessed_days",
            ColumnType::Integer,
            Some(Unit::Days),
            "未评估工作日",
            "Working days not assessed",
        ),
        col(
            "flagged_share",
            ColumnType::Percent,
            None,
            "异常占比",
            "Flagged share",
        ),
    ]);
    let mut report = Report::new(ReportName::AntiCheat, columns);
    let row = |t: &Totals, not_assessed: u32| {
        vec![
            Cell::int(t.assessed_days),
            Cell::int(t.assessed_days - t.review_days - t.likely_cheat_days),
            Cell::int(t.review_days),
            Cell::int(t.likely_cheat_days),
            Cell::int(not_assessed),
            Cell::num(t.flagged_share()),
        ]
    };
    let (mut all, mut all_not) = (Totals::default(), 0);
    for g in by_person(sources, scope) {
        let not_assessed = g
            .facts
            .iter()
            .filter(|f| f.is_working_day() && f.integrity.is_none())
            .count() as u32;
        let mut cells = person_cells(scope.directory, g.employee, g.department);
        cells.extend(row(&g.totals, not_assessed));
        report.rows.push(cells);
        for f in &g.facts {
            all.add(f);
        }
        all_not += not_assessed;
    }
    let mut total = total_cells();
    total.extend(row(&all, all_not));
    report.total = Some(total);
    report
}
