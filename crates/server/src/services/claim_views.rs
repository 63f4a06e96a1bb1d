//! The shapes the claims API answers, and how a stored claim and the `claims` crate's
//! values become them. Money is integer minor units (`*_minor`, fen for CNY), distances
//! whole metres (`*_m`).

use crate::error::{ApiError, ApiResult};
use chrono::{DateTime, Utc};
use claims::{Claim, ClaimDiff, ClaimLine, Expense, ReceiptReuse};
use domain::{DepartmentId, EmployeeId};
use serde::Serialize;
use std::collections::BTreeMap;
use storage::{StoredAdjustment, StoredClaim};
use utoipa::ToSchema;
use uuid::Uuid;

/// A claim in a list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ClaimSummary {
    pub id: Uuid,
    pub employee_id: EmployeeId,
    pub employee_name: String,
    pub department_id: DepartmentId,
    /// `2026-11` (month), `2026-11-H1` (half month) or `2026-W47` (ISO week).
    pub period: String,
    /// The period's first and last local dates.
    #[schema(format = Date)]
    pub period_first: String,
    #[schema(format = Date)]
    pub period_last: String,
    /// `draft`, `submitted`, `approved`, `rejected` or `paid`.
    #[schema(value_type = crate::openapi::values::ClaimStatus)]
    pub status: String,
    /// ISO 4217, e.g. `CNY`.
    pub currency: String,
    pub mileage_minor: i64,
    pub expenses_minor: i64,
    /// What the rep is paid: mileage plus expenses.
    pub total_minor: i64,
    /// The distance the mileage is paid for.
    pub paid_m: i64,
    /// The distance recorded in working hours (before adjustments).
    pub recorded_m: i64,
    /// Days by their anti-cheat verdict, for the list.
    pub anti_cheat: AntiCheatCounts,
    pub created_at: DateTime<Utc>,
    /// When the figures were last computed (a draft follows the day data).
    pub computed_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<Uuid>,
    pub decision_comment: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
    pub paid_by: Option<Uuid>,
    pub payout_id: Option<Uuid>,
    /// The approval request deciding this claim, once the approval engine runs claims.
    pub approval_id: Option<Uuid>,
}

/// How many of a claim's days carry each anti-cheat verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct AntiCheatCounts {
    /// Days whose verdict says `review` (paid, flagged for a look).
    pub review: u32,
    /// Days whose verdict says `likely_cheat`.
    pub likely_cheat: u32,
    /// Days a reviewer confirmed as cheating: not paid.
    pub confirmed: u32,
}

pub(crate) fn anti_cheat_counts(c: &Claim) -> AntiCheatCounts {
    let mut n = AntiCheatCounts::default();
    for l in &c.lines {
        if l.cheat_confirmed {
            n.confirmed += 1;
        }
        match l.anti_cheat {
            Some(integrity::Level::Review) => n.review += 1,
            Some(integrity::Level::LikelyCheat) => n.likely_cheat += 1,
            _ => {}
        }
    }
    n
}

/// One claim with its day lines, expenses and totals; a submitted claim also shows how a
/// recomputation from today's data would differ (it never changes the claim).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ClaimView {
    #[serde(flatten)]
    pub summary: ClaimSummary,
    pub lines: Vec<LineView>,
    pub expenses: Vec<ExpenseView>,
    pub totals: TotalsView,
    /// The rate versions the lines were paid by.
    pub rates_used: Vec<RateRefView>,
    /// Submitted claims only: the frozen claim against one rebuilt from the current day
    /// data and rates, line by line (`lines[].changes[].field`: `added`, `removed`, `kind`,
    /// `recorded_km`, `paid_km`, `amount`, `level`, `cheat_confirmed`, `zero_reason`,
    /// `rate`), with `total_before` and `total_after`. Absent for drafts.
    #[schema(value_type = Option<Object>)]
    pub diff: Option<serde_json::Value>,
}

#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
pub struct RateRefView {
    pub table_id: Uuid,
    pub version: u32,
}

/// One day of a claim.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LineView {
    #[schema(format = Date)]
    pub date: String,
    /// `working_day`, `leave`, `holiday` or `day_off` (the last three pay nothing).
    pub kind: String,
    /// `private_car`, `company_car`, `motorbike` or `none`.
    pub vehicle: String,
    pub plate: Option<String>,
    /// Distance recorded inside working hours.
    pub working_m: i64,
    /// Distance recorded outside working hours: shown, never paid.
    pub outside_m: i64,
    /// The rep's adjusted distance, when they adjusted the day (`working_m` stays the
    /// recorded one).
    pub adjusted_m: Option<i64>,
    pub adjustment_reason: Option<String>,
    pub adjusted_by: Option<Uuid>,
    pub adjusted_at: Option<DateTime<Utc>>,
    /// The distance the amount was computed from.
    pub paid_m: i64,
    /// Customers visited, in check-in order, by name.
    pub visits: Vec<String>,
    pub start_place: Option<String>,
    pub end_place: Option<String>,
    pub trips: u32,
    /// Share of working time with fixes, percent with one decimal.
    pub coverage_pct: f64,
    /// The day's anti-cheat level (`clean`, `review`, `likely_cheat`) when a verdict exists.
    pub anti_cheat: Option<String>,
    pub rate: Option<RateRefView>,
    pub amount_minor: i64,
    /// Why the day pays nothing: `leave`, `holiday`, `day_off`, `confirmed_cheat`,
    /// `company_car`, `no_vehicle`, `no_rate`.
    pub zero_reason: Option<String>,
    /// `anti_cheat_review`, `adjusted`, `daily_cap`, `period_cap`.
    pub flags: Vec<String>,
    /// Taken off by the daily and period caps.
    pub capped_minor: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ExpenseView {
    pub id: Uuid,
    /// `toll`, `parking`, `fuel` or `other`.
    pub category: String,
    pub amount_minor: i64,
    pub currency: String,
    #[schema(format = Date)]
    pub date: String,
    pub photo_id: Option<Uuid>,
    pub note: Option<String>,
    /// The receipt was already claimed: the earlier expense (this claim or another of the
    /// tenant) with the same receipt photo.
    pub duplicate_of: Option<Uuid>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TotalsView {
    pub working_days: u32,
    pub paid_days: u32,
    pub excluded_days: u32,
    pub flagged_days: u32,
    pub recorded_m: i64,
    pub paid_m: i64,
    pub outside_m: i64,
    pub mileage_minor: i64,
    pub cut_by_daily_cap_minor: i64,
    pub cut_by_period_cap_minor: i64,
    pub expenses_minor: i64,
    /// Per category: `toll`, `parking`, `fuel`, `other`.
    pub expenses_by_category: BTreeMap<String, i64>,
    pub total_minor: i64,
}

/// The serde word of a `claims` enum (`private_car`, `day_off`…).
pub(crate) fn word<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub(crate) fn instant(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

pub(crate) fn summary(
    c: &StoredClaim,
    claim: &Claim,
    name: String,
    dept: DepartmentId,
) -> ClaimSummary {
    ClaimSummary {
        id: c.id,
        employee_id: EmployeeId(c.employee_id),
        employee_name: name,
        department_id: dept,
        period: c.period.clone(),
        period_first: claim.period.first().to_string(),
        period_last: claim.period.last().to_string(),
        status: c.status.clone(),
        currency: c.currency.clone(),
        mileage_minor: c.mileage_minor,
        expenses_minor: c.expenses_minor,
        total_minor: c.total_minor,
        paid_m: c.paid_m,
        recorded_m: claim.totals.recorded_m.0,
        anti_cheat: anti_cheat_counts(claim),
        created_at: instant(c.created_ms),
        computed_at: instant(c.computed_ms),
        submitted_at: c.submitted_ms.map(instant),
        submitted_by: c.submitted_by,
        decided_at: c.decided_ms.map(instant),
        decided_by: c.decided_by,
        decision_comment: c.decision_comment.clone(),
        paid_at: c.paid_ms.map(instant),
        paid_by: c.paid_by,
        payout_id: c.payout_id,
        approval_id: c.approval_id,
    }
}

fn line(l: &ClaimLine, adjustments: &[StoredAdjustment]) -> LineView {
    let date = l.date.to_string();
    let stored = adjustments.iter().find(|a| a.day == date);
    LineView {
        kind: word(&l.kind),
        vehicle: word(&l.vehicle),
        plate: l.plate.clone(),
        working_m: l.recorded_m.0,
        outside_m: l.outside_m.0,
        adjusted_m: l.adjustment.as_ref().map(|a| a.meters.0),
        adjustment_reason: l.adjustment.as_ref().map(|a| a.reason.clone()),
        adjusted_by: l.adjustment.as_ref().and(stored).and_then(|a| a.by_id),
        adjusted_at: l.adjustment.as_ref().and(stored).map(|a| instant(a.at_ms)),
        paid_m: l.paid_m.0,
        visits: l.visits.clone(),
        start_place: l.start_place.clone(),
        end_place: l.end_place.clone(),
        trips: l.trips,
        coverage_pct: f64::from(l.coverage.percent_tenths()) / 10.0,
        anti_cheat: l.anti_cheat.map(|v| v.as_str().to_owned()),
        rate: l.rate.map(|r| RateRefView {
            table_id: r.table.0,
            version: r.version,
        }),
        amount_minor: l.amount.minor,
        zero_reason: l.zero_reason.as_ref().map(word),
        flags: l.flags.iter().map(word).collect(),
        capped_minor: l.cuts.iter().map(|c| c.cut.minor).sum(),
        date,
    }
}

pub(crate) fn expense(e: &Expense, reuse: &[ReceiptReuse]) -> ExpenseView {
    ExpenseView {
        id: e.id.0,
        category: word(&e.category),
        amount_minor: e.amount.minor,
        currency: e.amount.currency.to_string(),
        date: e.date.to_string(),
        photo_id: e.receipt_photo.map(|p| p.0),
        note: e.note.clone(),
        duplicate_of: reuse
            .iter()
            .find(|r| r.expense == e.id)
            .map(|r| r.earlier.0),
    }
}

pub(crate) fn view(
    summary: ClaimSummary,
    claim: &Claim,
    adjustments: &[StoredAdjustment],
    reuse: &[ReceiptReuse],
    diff: Option<&ClaimDiff>,
) -> ApiResult<ClaimView> {
    let t = &claim.totals;
    Ok(ClaimView {
        summary,
        lines: claim.lines.iter().map(|l| line(l, adjustments)).collect(),
        expenses: claim.expenses.iter().map(|e| expense(e, reuse)).collect(),
        totals: TotalsView {
            working_days: t.working_days,
            paid_days: t.paid_days,
            excluded_days: t.excluded_days,
            flagged_days: t.flagged_days,
            recorded_m: t.recorded_m.0,
            paid_m: t.paid_m.0,
            outside_m: t.outside_m.0,
            mileage_minor: t.mileage.minor,
            cut_by_daily_cap_minor: t.cut_by_daily_cap.minor,
            cut_by_period_cap_minor: t.cut_by_period_cap.minor,
            expenses_minor: t.expenses.minor,
            expenses_by_category: t
                .expenses_by_category
                .iter()
                .map(|(k, v)| (word(k), v.minor))
                .collect(),
            total_minor: t.total.minor,
        },
        rates_used: claim
            .rates_used()
            .into_iter()
            .map(|r| RateRefView {
                table_id: r.table.0,
                version: r.version,
            })
            .collect(),
        diff: diff
            .map(serde_json::to_value)
            .transpose()
            .map_err(ApiError::internal)?,
    })
}
