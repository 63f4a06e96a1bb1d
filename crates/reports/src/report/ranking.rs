//! Team ranking: every metric of every person with the team median, the person's
//! percentile rank, the previous period's value, the change and the most improved.
//!
//! The team is everyone reached in the department filter with a fact in the period (the
//! person filter only picks which rows are shown, never who they are compared with).
//! Medians and ranks are over team members with a value ([`crate::stats`]); each value is
//! the person's ratio of sums over the period. "Most improved" is, per metric, the one
//! person whose value moved furthest in the better direction since the previous period
//! (ties to the lower employee id); nobody when no one improved. Kilometres and hours
//! worked are not ranked: more is neither better nor worse.

use super::people::{PersonGroup, group, person_cells, person_columns};
use super::table::{Cell, CodeLabel, ColumnType, Report, Unit, col};
use super::{ReportName, Scope, Sources};
use crate::rollup::Totals;
use crate::stats::{Better, median, percentile_rank};
use domain::EmployeeId;
use std::collections::BTreeMap;

/// One ranked metric.
#[derive(Clone, Copy, Debug)]
pub struct Metric {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    /// The unit code of its values (labelled in the report's codes).
    pub unit: &'static str,
    pub better: Better,
    /// The value from the person's period totals and distinct customers.
    pub value: fn(&Totals, usize) -> Option<f64>,
}

pub const METRICS: [Metric; 10] = [
    Metric {
        code: "completed_visits",
        zh: "完成拜访数",
        en: "Completed visits",
        unit: "count",
        better: Better::Higher,
        value: |t, _| Some(t.completed_visits as f64),
    },
    Metric {
        code: "customers",
        zh: "拜访客户数",
        en: "Customers visited",
        unit: "count",
        better: Better::Higher,
        value: |_, c| Some(c as f64),
    },
    Metric {
        code: "plan_compliance",
        zh: "计划达成率",
        en: "Plan compliance",
        unit: "percent",
        better: Better::Higher,
        value: |t, _| t.plan_compliance(),
    },
    Metric {
        code: "within_radius_share",
        zh: "范围内签到占比",
        en: "Check-ins within radius",
        unit: "percent",
        better: Better::Higher,
        value: |t, _| t.within_radius_share(),
    },
    Metric {
        code: "at_customers_hours",
        zh: "客户处时长",
        en: "Time at customers",
        unit: "hours",
        better: Better::Higher,
        value: |t, _| Some(t.time_at_customers_s as f64 / 3600.0),
    },
    Metric {
        code: "avg_visit_min",
        zh: "平均拜访时长",
        en: "Average visit",
        unit: "minutes",
        better: Better::Higher,
        value: |t, _| t.avg_visit_s().map(|s| s / 60.0),
    },
    Metric {
        code: "at_customers_share",
        zh: "客户处时间占比",
        en: "Share of day at customers",
        unit: "percent",
        better: Better::Higher,
        value: |t, _| t.at_customers_share(),
    },
    Metric {
        code: "driving_share",
        zh: "在途时间占比",
        en: "Driving share",
        unit: "percent",
        better: Better::Lower,
        value: |t, _| t.driving_share(),
    },
    Metric {
        code: "detour_ratio",
        zh: "绕路系数",
        en: "Detour ratio",
        unit: "ratio",
        better: Better::Lower,
        value: |t, _| t.detour_ratio(),
    },
    Metric {
        code: "tracking_coverage",
        zh: "轨迹完整率",
        en: "Tracking coverage",
        unit: "percent",
        better: Better::Higher,
        value: |t, _| t.coverage(),
    },
];

const UNIT_CODES: [CodeLabel; 5] = [
    CodeLabel {
        code: "count",
        zh: "次",
        en: "count",
    },
    CodeLabel {
        code: "percent",
        zh: "%",
        en: "%",
    },
    CodeLabel {
        code: "hours",
        zh: "小时",
        en: "hours",
    },
    CodeLabel {
        code: "minutes",
        zh: "分钟",
        en: "minutes",
    },
    CodeLabel {
        code: "ratio",
        zh: "倍",
        en: "×",
    },
];

fn value_of(m: &Metric, g: &PersonGroup<'_>) -> Option<f64> {
    (m.value)(&g.totals, g.customers.len()).filter(|v| v.is_finite())
}

pub(crate) fn team_ranking(sources: &Sources<'_>, scope: &Scope<'_>) -> Report {
    let mut columns = person_columns();
    columns.extend([
        col("metric", ColumnType::Code, None, "指标", "Metric"),
        col("unit", ColumnType::Code, None, "单位", "Unit"),
        col("value", ColumnType::Number, None, "数值", "Value"),
        col(
            "team_median",
            ColumnType::Number,
            None,
            "团队中位数",
            "Team median",
        ),
        col(
            "percentile_rank",
            ColumnType::Number,
            Some(Unit::Rank),
            "百分位排名",
            "Percentile rank",
        ),
        col(
            "previous",
            ColumnType::Number,
            None,
            "上期数值",
            "Previous period",
        ),
        col("change", ColumnType::Number, None, "变化", "Change"),
        col(
            "most_improved",
            ColumnType::Bool,
            None,
            "进步最大",
            "Most improved",
        ),
    ]);
    let mut report = Report::new(ReportName::TeamRanking, columns);
    report.codes = METRICS
        .iter()
        .map(|m| CodeLabel {
            code: m.code,
            zh: m.zh,
            en: m.en,
        })
        .chain(UNIT_CODES)
        .collect();

    let dir = scope.directory;
    let team_member = |e: EmployeeId| scope.reach.contains(&e);
    let period = scope.filter.period;
    let previous = period.previous();
    let in_team =
        |f: &&crate::facts::PersonDay| team_member(f.employee) && scope.department(f.department);
    let now = group(
        sources
            .facts
            .iter()
            .filter(in_team)
            .filter(|f| period.contains(f.date)),
        dir,
    );
    let before: BTreeMap<EmployeeId, PersonGroup<'_>> = group(
        sources
            .facts
            .iter()
            .filter(in_team)
            .filter(|f| previous.contains(f.date)),
        dir,
    )
    .into_iter()
    .map(|g| (g.employee, g))
    .collect();

    for m in &METRICS {
        let values: Vec<Option<f64>> = now.iter().map(|g| value_of(m, g)).collect();
        let team: Vec<f64> = values.iter().flatten().copied().collect();
        let team_median = median(&team);
        let prev: Vec<Option<f64>> = now
            .iter()
            .map(|g| before.get(&g.employee).and_then(|b| value_of(m, b)))
            .collect();
        let most_improved = now
            .iter()
            .zip(values.iter().zip(&prev))
            .filter_map(|(g, (v, p))| Some((g.employee, m.better.improvement((*p)?, (*v)?))))
            .filter(|(_, up)| *up > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(e, _)| e);
        for (i, g) in now.iter().enumerate() {
            if scope.filter.employee.is_some_and(|e| e != g.employee) {
                continue;
            }
            let (v, p) = (values[i], prev[i]);
            let mut row = person_cells(dir, g.employee, g.department);
            row.extend([
                Cell::text(m.code),
                Cell::text(m.unit),
                Cell::num(v),
                Cell::num(team_median),
                Cell::num(v.and_then(|v| percentile_rank(&team, v, m.better))),
                Cell::num(p),
                Cell::num(v.zip(p).map(|(v, p)| v - p)),
                Cell::Bool(most_improved == Some(g.employee)),
            ]);
            report.rows.push(row);
        }
    }
    report
}
