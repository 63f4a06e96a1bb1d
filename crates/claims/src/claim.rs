//! What a claim is made of and what it answers: the input a storage layer assembles and the
//! lines and totals it stores.

use crate::day::{Coverage, DayInput, DayKind};
use crate::expense::{Expense, ExpenseCategory};
use crate::money::MilliMinor;
use crate::rate::TierPart;
use crate::rate_book::RateRef;
use crate::{Currency, Money, Period, VehicleHistory, VehicleKind, WholeMeters};
use chrono::NaiveDate;
use domain::{DepartmentId, EmployeeId};
use integrity::Level;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A rep's correction of one day's working-hours distance. The recorded figure stays on
/// the line beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub date: NaiveDate,
    pub meters: WholeMeters,
    pub reason: String,
}

pub const MAX_REASON_CHARS: usize = 500;

/// Everything one rep's claim for one period is built from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimInput {
    pub employee: EmployeeId,
    pub period: Period,
    #[serde(default)]
    pub currency: Currency,
    /// The rep's department and its ancestors, nearest first (empty: none).
    #[serde(default)]
    pub departments: Vec<DepartmentId>,
    #[serde(default)]
    pub vehicles: VehicleHistory,
    pub days: Vec<DayInput>,
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
    #[serde(default)]
    pub expenses: Vec<Expense>,
}

/// Why a line pays nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZeroReason {
    Leave,
    Holiday,
    DayOff,
    /// A manager confirmed the day's anti-cheat verdict.
    ConfirmedCheat,
    CompanyCar,
    NoVehicle,
    /// No rate table covers the rep, vehicle and day.
    NoRate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineFlag {
    /// The anti-cheat verdict is review or worse and nobody has confirmed it: paid, but a
    /// reviewer should look.
    AntiCheatReview,
    Adjusted,
    DailyCap,
    PeriodCap,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapKind {
    Daily,
    Period,
}

/// How much a cap took off a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapCut {
    pub cap: CapKind,
    pub limit: Money,
    pub cut: Money,
}

/// One day of the claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimLine {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub vehicle: VehicleKind,
    pub plate: Option<String>,
    /// What tracking measured in working hours.
    pub recorded_m: WholeMeters,
    pub adjustment: Option<Adjustment>,
    /// The distance the amount was computed from (the adjusted one if any); zero when the
    /// day pays nothing.
    pub paid_m: WholeMeters,
    /// Outside working hours: shown, never paid.
    pub outside_m: WholeMeters,
    pub visits: Vec<String>,
    pub start_place: Option<String>,
    pub end_place: Option<String>,
    pub trips: u32,
    pub coverage: Coverage,
    pub anti_cheat: Option<Level>,
    pub cheat_confirmed: bool,
    pub rate: Option<RateRef>,
    pub tiers: Vec<TierPart>,
    /// Before rounding, in thousandths of a minor unit.
    pub exact: MilliMinor,
    /// After the rate's rounding, before caps.
    pub rounded: Money,
    pub cuts: Vec<CapCut>,
    pub amount: Money,
    pub zero_reason: Option<ZeroReason>,
    pub flags: Vec<LineFlag>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimTotals {
    pub working_days: u32,
    /// Working days that paid a positive amount.
    pub paid_days: u32,
    pub excluded_days: u32,
    pub flagged_days: u32,
    pub recorded_m: WholeMeters,
    pub paid_m: WholeMeters,
    pub outside_m: WholeMeters,
    /// Sum of line amounts.
    pub mileage: Money,
    pub cut_by_daily_cap: Money,
    pub cut_by_period_cap: Money,
    pub expenses: Money,
    pub expenses_by_category: BTreeMap<ExpenseCategory, Money>,
    /// Mileage plus expenses: what the rep is paid.
    pub total: Money,
}

/// A built claim: a pure function of its input and the rate book.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub employee: EmployeeId,
    pub period: Period,
    pub currency: Currency,
    pub lines: Vec<ClaimLine>,
    pub expenses: Vec<Expense>,
    pub totals: ClaimTotals,
}

impl Claim {
    /// Every rate version a line was paid by, each once.
    pub fn rates_used(&self) -> Vec<RateRef> {
        let mut v: Vec<RateRef> = self.lines.iter().filter_map(|l| l.rate).collect();
        v.sort();
        v.dedup();
        v
    }

    pub fn line(&self, date: NaiveDate) -> Option<&ClaimLine> {
        self.lines.iter().find(|l| l.date == date)
    }
}
