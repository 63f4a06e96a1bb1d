//! The rows of a payout batch, for XLSX, CSV and an ERP's JSON: one summary row per
//! claim, one row per day line and per expense. Every amount is a line's own rounded
//! amount, so the rows add up to the claims' totals to the fen.

use crate::claim::{Claim, LineFlag, ZeroReason};
use crate::day::{Coverage, DayKind};
use crate::expense::{ExpenseCategory, ExpenseId};
use crate::rate_book::RateRef;
use crate::{ClaimError, Currency, Money, Period, VehicleKind, WholeMeters};
use chrono::NaiveDate;
use domain::EmployeeId;
use domain::ids::PhotoId;
use integrity::Level;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub employee: EmployeeId,
    pub working_days: u32,
    pub paid_days: u32,
    pub excluded_days: u32,
    pub flagged_days: u32,
    pub recorded_m: WholeMeters,
    pub paid_m: WholeMeters,
    pub cut_by_caps: Money,
    pub mileage: Money,
    pub expenses: Money,
    pub total: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRow {
    pub employee: EmployeeId,
    pub date: NaiveDate,
    pub kind: DayKind,
    pub vehicle: VehicleKind,
    pub plate: Option<String>,
    pub recorded_m: WholeMeters,
    pub adjusted_m: Option<WholeMeters>,
    pub adjustment_reason: Option<String>,
    pub paid_m: WholeMeters,
    pub outside_m: WholeMeters,
    /// Stops and customers in visiting order, by name.
    pub visits: Vec<String>,
    pub start_place: Option<String>,
    pub end_place: Option<String>,
    pub trips: u32,
    pub coverage: Coverage,
    pub anti_cheat: Option<Level>,
    pub rate: Option<RateRef>,
    pub amount: Money,
    pub zero_reason: Option<ZeroReason>,
    pub flags: Vec<LineFlag>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpenseRow {
    pub employee: EmployeeId,
    pub expense: ExpenseId,
    pub date: NaiveDate,
    pub category: ExpenseCategory,
    pub amount: Money,
    pub receipt_photo: Option<PhotoId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutExport {
    pub reference: String,
    pub period: Period,
    pub currency: Currency,
    pub summary: Vec<SummaryRow>,
    pub lines: Vec<LineRow>,
    pub expenses: Vec<ExpenseRow>,
    pub mileage: Money,
    pub expenses_total: Money,
    pub total: Money,
}

pub const MAX_REFERENCE_CHARS: usize = 100;

/// The export of a payout batch: `claims` of one period and currency, one per rep.
pub fn payout_export(reference: &str, claims: &[Claim]) -> Result<PayoutExport, ClaimError> {
    let reference = reference.trim();
    if reference.is_empty() || reference.chars().count() > MAX_REFERENCE_CHARS {
        return Err(ClaimError::BadText {
            field: "reference",
            max_chars: MAX_REFERENCE_CHARS,
        });
    }
    let Some(first) = claims.first() else {
        return Err(ClaimError::EmptyBatch);
    };
    let (period, currency) = (first.period, first.currency);
    let mut seen = HashSet::new();
    for c in claims {
        if c.currency != currency {
            return Err(ClaimError::CurrencyMismatch {
                expected: currency,
                found: c.currency,
            });
        }
        if c.period != period {
            return Err(ClaimError::BatchMixesPeriods {
                first: period,
                other: c.period,
            });
        }
        if !seen.insert(c.employee) {
            return Err(ClaimError::RepTwiceInBatch {
                employee: c.employee,
            });
        }
    }
    let mut out = PayoutExport {
        reference: reference.to_string(),
        period,
        currency,
        summary: Vec::with_capacity(claims.len()),
        lines: Vec::new(),
        expenses: Vec::new(),
        mileage: Money::zero(currency),
        expenses_total: Money::zero(currency),
        total: Money::zero(currency),
    };
    for c in claims {
        let t = &c.totals;
        out.summary.push(SummaryRow {
            employee: c.employee,
            working_days: t.working_days,
            paid_days: t.paid_days,
            excluded_days: t.excluded_days,
            flagged_days: t.flagged_days,
            recorded_m: t.recorded_m,
            paid_m: t.paid_m,
            cut_by_caps: t.cut_by_daily_cap.checked_add(t.cut_by_period_cap)?,
            mileage: t.mileage,
            expenses: t.expenses,
            total: t.total,
        });
        out.lines.extend(c.lines.iter().map(|l| LineRow {
            employee: c.employee,
            date: l.date,
            kind: l.kind,
            vehicle: l.vehicle,
            plate: l.plate.clone(),
            recorded_m: l.recorded_m,
            adjusted_m: l.adjustment.as_ref().map(|a| a.meters),
            adjustment_reason: l.adjustment.as_ref().map(|a| a.reason.clone()),
            paid_m: l.paid_m,
            outside_m: l.outside_m,
            visits: l.visits.clone(),
            start_place: l.start_place.clone(),
            end_place: l.end_place.clone(),
            trips: l.trips,
            coverage: l.coverage,
            anti_cheat: l.anti_cheat,
            rate: l.rate,
            amount: l.amount,
            zero_reason: l.zero_reason,
            flags: l.flags.clone(),
        }));
        out.expenses.extend(c.expenses.iter().map(|e| ExpenseRow {
            employee: c.employee,
            expense: e.id,
            date: e.date,
            category: e.category,
            amount: e.amount,
            receipt_photo: e.receipt_photo,
        }));
        out.mileage = out.mileage.checked_add(t.mileage)?;
        out.expenses_total = out.expenses_total.checked_add(t.expenses)?;
        out.total = out.total.checked_add(t.total)?;
    }
    Ok(out)
}
