//! Approval turnaround: per request kind, how many were submitted and decided, and how
//! long a decision took (median and p90 by nearest rank, in hours). The period filter
//! applies to the submission date, the department filter to the submitter's current
//! department.

use super::table::{Cell, CodeLabel, ColumnType, Report, Unit, col};
use super::{ReportName, Scope, Sources};
use crate::stats::{median, quantile};
use chrono::NaiveDate;
use domain::EmployeeId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalOutcome {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
}

/// One request as the approval engine's log ends it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApprovalRecord {
    pub id: Uuid,
    /// The request type's code (`leave`, `correction`, `mileage_claim`, …), shown as is:
    /// the renderer labels it like any request type.
    pub kind: String,
    pub submitter: EmployeeId,
    /// Local date of submission (the period filter applies to it).
    pub submitted_on: NaiveDate,
    pub submitted_ms: i64,
    /// When the final decision was made (approved or rejected); `None` while pending or
    /// when withdrawn.
    pub decided_ms: Option<i64>,
    pub outcome: ApprovalOutcome,
}

/// The labels of the request types the approval engine ships with (a type a tenant adds
/// shows as its code).
const REQUEST_TYPES: [CodeLabel; 5] = [
    CodeLabel {
        code: "mileage_claim",
        zh: "里程报销",
        en: "Mileage claim",
    },
    CodeLabel {
        code: "expense",
        zh: "费用报销",
        en: "Expense",
    },
    CodeLabel {
        code: "leave",
        zh: "请假",
        en: "Leave",
    },
    CodeLabel {
        code: "attendance_correction",
        zh: "补卡",
        en: "Punch correction",
    },
    CodeLabel {
        code: "plan_change",
        zh: "计划变更",
        en: "Plan change",
    },
];

pub(crate) fn approval_turnaround(sources: &Sources<'_>, scope: &Scope<'_>) -> Report {
    let columns = vec![
        col("kind", ColumnType::Code, None, "申请类型", "Request type"),
        col(
            "submitted",
            ColumnType::Integer,
            Some(Unit::Count),
            "提交数",
            "Submitted",
        ),
        col(
            "approved",
            ColumnType::Integer,
            Some(Unit::Count),
            "通过数",
            "Approved",
        ),
        col(
            "rejected",
            ColumnType::Integer,
            Some(Unit::Count),
            "驳回数",
            "Rejected",
        ),
        col(
            "withdrawn",
            ColumnType::Integer,
            Some(Unit::Count),
            "撤回数",
            "Withdrawn",
        ),
        col(
            "pending",
            ColumnType::Integer,
            Some(Unit::Count),
            "待审批数",
            "Pending",
        ),
        col(
            "median_hours",
            ColumnType::Number,
            Some(Unit::Hours),
            "审批时长中位数",
            "Median time to decision",
        ),
        col(
            "p90_hours",
            ColumnType::Number,
            Some(Unit::Hours),
            "审批时长P90",
            "90th percentile time to decision",
        ),
    ];
    let mut report = Report::new(ReportName::ApprovalTurnaround, columns);
    report.codes = REQUEST_TYPES.to_vec();
    let in_scope = |r: &&ApprovalRecord| {
        scope.filter.period.contains(r.submitted_on)
            && scope.person(r.submitter)
            && (scope.departments.is_none() || scope.person_department(r.submitter).is_some())
    };
    let mut by_kind: BTreeMap<&str, Vec<&ApprovalRecord>> = BTreeMap::new();
    let records: Vec<&ApprovalRecord> = sources.approvals.iter().filter(in_scope).collect();
    for r in &records {
        by_kind.entry(r.kind.as_str()).or_default().push(r);
    }
    let cells = |rs: &[&ApprovalRecord]| {
        let count = |o| Cell::Int(rs.iter().filter(|r| r.outcome == o).count() as i64);
        let hours: Vec<f64> = rs
            .iter()
            .filter_map(|r| {
                r.decided_ms
                    .map(|d| (d - r.submitted_ms).max(0) as f64 / 3.6e6)
            })
            .collect();
        vec![
            Cell::Int(rs.len() as i64),
            count(ApprovalOutcome::Approved),
            count(ApprovalOutcome::Rejected),
            count(ApprovalOutcome::Withdrawn),
            count(ApprovalOutcome::Pending),
            Cell::num(median(&hours)),
            Cell::num(quantile(&hours, 0.9)),
        ]
    };
    for (kind, rs) in &by_kind {
        let mut row = vec![Cell::text(*kind)];
        row.extend(cells(rs));
        report.rows.push(row);
    }
    let mut total = vec![Cell::Null];
    total.extend(cells(&records));
    report.total = Some(total);
    report
}
