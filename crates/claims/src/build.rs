//! Building a claim: validate the input, then walk the days in date order, carrying the
//! kilometres paid so far (for tiers) and the amount paid so far (for the period cap).

use crate::claim::{
    Adjustment, CapCut, CapKind, Claim, ClaimInput, ClaimLine, ClaimTotals, LineFlag,
    MAX_REASON_CHARS, ZeroReason,
};
use crate::day::{DayInput, DayKind};
use crate::distance::MAX_DAY_M;
use crate::expense::{MAX_EXPENSES, totals_by_category};
use crate::money::MilliMinor;
use crate::{ClaimError, Money, RateBook, VehicleKind, WholeMeters};
use chrono::NaiveDate;
use integrity::Level;
use std::collections::HashMap;

/// A period never has more days than this (a month); more input days is a caller's bug.
const MAX_DAYS: usize = 31;

/// The claim for `input` under `rates`. Deterministic: the same input and book always give
/// the same claim, whatever the order of days, adjustments and expenses in the input.
pub fn build_claim(input: &ClaimInput, rates: &RateBook) -> Result<Claim, ClaimError> {
    let currency = input.currency;
    let mut days: Vec<&DayInput> = input.days.iter().collect();
    days.sort_by_key(|d| d.date);
    validate_days(input, &days)?;
    let adjustments = validate_adjustments(input, &days)?;
    if input.expenses.len() > MAX_EXPENSES {
        return Err(ClaimError::TooMany {
            field: "expenses",
            max: MAX_EXPENSES,
        });
    }
    for e in &input.expenses {
        e.validate(currency, input.period)?;
    }

    let mut lines = Vec::with_capacity(days.len());
    let mut km_so_far = WholeMeters::ZERO;
    let mut paid_so_far = Money::zero(currency);
    for day in days {
        let vehicle = input.vehicles.on(day.date);
        let kind = vehicle.map_or(VehicleKind::None, |v| v.kind);
        let adjustment = adjustments.get(&day.date).map(|a| (*a).clone());
        let basis = adjustment.as_ref().map_or(day.working_m, |a| a.meters);
        let mut line = ClaimLine {
            date: day.date,
            kind: day.kind,
            vehicle: kind,
            plate: vehicle.and_then(|v| v.plate.clone()),
            recorded_m: day.working_m,
            adjustment,
            paid_m: WholeMeters::ZERO,
            outside_m: day.outside_m,
            visits: day.visits.clone(),
            start_place: day.start_place.clone(),
            end_place: day.end_place.clone(),
            trips: day.trips,
            coverage: day.coverage,
            anti_cheat: day.anti_cheat,
            cheat_confirmed: day.cheat_confirmed,
            rate: None,
            tiers: Vec::new(),
            exact: MilliMinor(0),
            rounded: Money::zero(currency),
            cuts: Vec::new(),
            amount: Money::zero(currency),
            zero_reason: None,
            flags: Vec::new(),
        };
        if line.adjustment.is_some() {
            line.flags.push(LineFlag::Adjusted);
        }
        if day.anti_cheat >= Some(Level::Review) && !day.cheat_confirmed {
            line.flags.push(LineFlag::AntiCheatReview);
        }

        let applied = match day.kind {
            DayKind::Leave => Err(ZeroReason::Leave),
            DayKind::Holiday => Err(ZeroReason::Holiday),
            DayKind::DayOff => Err(ZeroReason::DayOff),
            DayKind::WorkingDay if day.cheat_confirmed => Err(ZeroReason::ConfirmedCheat),
            DayKind::WorkingDay => match kind {
                VehicleKind::CompanyCar => Err(ZeroReason::CompanyCar),
                VehicleKind::None => Err(ZeroReason::NoVehicle),
                _ => rates
                    .rate_for(day.date, &input.departments, kind)
                    .ok_or(ZeroReason::NoRate),
            },
        };
        let applied = match applied {
            Ok(a) => a,
            Err(reason) => {
                line.zero_reason = Some(reason);
                lines.push(line);
                continue;
            }
        };
        if applied.table.currency != currency {
            return Err(ClaimError::CurrencyMismatch {
                expected: currency,
                found: applied.table.currency,
            });
        }
        let version = applied.version;
        let (exact, tiers) = version.split(km_so_far, basis);
        km_so_far = km_so_far + basis;
        let rounded = Money::new(version.rounding.apply(exact), currency);
        let mut amount = rounded;
        if let Some(cap) = version.daily_cap
            && amount.minor > cap.minor
        {
            line.cuts.push(CapCut {
                cap: CapKind::Daily,
                limit: cap,
                cut: amount.checked_sub(cap)?,
            });
            line.flags.push(LineFlag::DailyCap);
            amount = cap;
        }
        if let Some(cap) = version.period_cap {
            let room = Money::new(cap.checked_sub(paid_so_far)?.minor.max(0), currency);
            if amount.minor > room.minor {
                line.cuts.push(CapCut {
                    cap: CapKind::Period,
                    limit: cap,
                    cut: amount.checked_sub(room)?,
                });
                line.flags.push(LineFlag::PeriodCap);
                amount = room;
            }
        }
        paid_so_far = paid_so_far.checked_add(amount)?;
        line.rate = Some(applied.reference());
        line.paid_m = basis;
        line.tiers = tiers;
        line.exact = exact;
        line.rounded = rounded;
        line.amount = amount;
        lines.push(line);
    }

    let mut expenses = input.expenses.clone();
    expenses.sort_by_key(|e| (e.date, e.id));
    let totals = totals(input, &lines, &expenses)?;
    Ok(Claim {
        employee: input.employee,
        period: input.period,
        currency,
        lines,
        expenses,
        totals,
    })
}

fn validate_days(input: &ClaimInput, days: &[&DayInput]) -> Result<(), ClaimError> {
    if days.len() > MAX_DAYS {
        return Err(ClaimError::TooMany {
            field: "days",
            max: MAX_DAYS,
        });
    }
    for (i, d) in days.iter().enumerate() {
        if !input.period.contains(d.date) {
            return Err(ClaimError::DateOutsidePeriod {
                field: "days.date",
                date: d.date,
                period: input.period,
            });
        }
        if i > 0 && days[i - 1].date == d.date {
            return Err(ClaimError::DuplicateDate {
                field: "days.date",
                date: d.date,
            });
        }
        d.validate()?;
    }
    Ok(())
}

fn validate_adjustments<'a>(
    input: &'a ClaimInput,
    days: &[&DayInput],
) -> Result<HashMap<NaiveDate, &'a Adjustment>, ClaimError> {
    let mut out = HashMap::new();
    for a in &input.adjustments {
        let working = days
            .binary_search_by_key(&a.date, |d| d.date)
            .is_ok_and(|i| days[i].kind == DayKind::WorkingDay);
        if !working {
            return Err(ClaimError::AdjustmentNotOnWorkingDay { date: a.date });
        }
        let date = Some(a.date);
        if a.meters.0 < 0 {
            return Err(ClaimError::BadDistance {
                field: "adjustments.meters",
                date,
            });
        }
        if a.meters.0 > MAX_DAY_M {
            return Err(ClaimError::AbsurdDistance {
                field: "adjustments.meters",
                date,
                meters: MAX_DAY_M,
            });
        }
        let reason = a.reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
            return Err(ClaimError::BadText {
                field: "adjustments.reason",
                max_chars: MAX_REASON_CHARS,
            });
        }
        if out.insert(a.date, a).is_some() {
            return Err(ClaimError::DuplicateDate {
                field: "adjustments.date",
                date: a.date,
            });
        }
    }
    Ok(out)
}

fn totals(
    input: &ClaimInput,
    lines: &[ClaimLine],
    expenses: &[crate::Expense],
) -> Result<ClaimTotals, ClaimError> {
    let currency = input.currency;
    let cut = |kind: CapKind| {
        Money::sum(
            currency,
            lines
                .iter()
                .flat_map(|l| &l.cuts)
                .filter(|c| c.cap == kind)
                .map(|c| c.cut),
        )
    };
    let count = |f: &dyn Fn(&ClaimLine) -> bool| lines.iter().filter(|l| f(l)).count() as u32;
    let metres = |f: &dyn Fn(&ClaimLine) -> WholeMeters| {
        lines.iter().fold(WholeMeters::ZERO, |acc, l| acc + f(l))
    };
    let mileage = Money::sum(currency, lines.iter().map(|l| l.amount))?;
    let expense_total = Money::sum(currency, expenses.iter().map(|e| e.amount))?;
    Ok(ClaimTotals {
        working_days: count(&|l| l.kind == DayKind::WorkingDay),
        paid_days: count(&|l| l.amount.minor > 0),
        excluded_days: count(&|l| l.zero_reason == Some(ZeroReason::ConfirmedCheat)),
        flagged_days: count(&|l| l.flags.contains(&LineFlag::AntiCheatReview)),
        recorded_m: metres(&|l| {
            if l.kind == DayKind::WorkingDay {
                l.recorded_m
            } else {
                WholeMeters::ZERO
            }
        }),
        paid_m: metres(&|l| l.paid_m),
        outside_m: metres(&|l| l.outside_m),
        mileage,
        cut_by_daily_cap: cut(CapKind::Daily)?,
        cut_by_period_cap: cut(CapKind::Period)?,
        expenses: expense_total,
        expenses_by_category: totals_by_category(currency, expenses)?,
        total: mileage.checked_add(expense_total)?,
    })
}
