//! `claims`: mileage reimbursement (开车报销) and expense claims, the money rules only.
//!
//! Pure and exact: no I/O, no floats for money. A storage layer assembles a
//! [`ClaimInput`] (the rep's days from the tracking summaries, calendar, leave and
//! anti-cheat verdicts; the vehicle history; adjustments; other expenses) and the tenant's
//! [`RateBook`], calls [`build_claim`], and stores the [`Claim`] it answers. Amounts are
//! [`Money`] in integer minor units (fen); a rate is fen per km, so rate × metres is an
//! exact amount in thousandths of a fen ([`money::MilliMinor`]) that each line rounds once
//! by its rate's rule. Distances are [`WholeMeters`].
//!
//! A day walks through, in date order: day kind (leave, holiday, day off pay nothing), a
//! confirmed cheat (nothing), the vehicle on that day (company car or none: nothing), the
//! most specific rate table with a version in force that day, the tiers by kilometres
//! already paid in the period, rounding, the daily cap, then the period cap. Each line
//! records the rate version it used; a submitted claim is a [`ClaimSnapshot`] that
//! recomputes exactly and [`diff`]s against a claim rebuilt from newer data.
//!
//! ```
//! use claims::*;
//! use domain::{EmployeeId, Meters};
//!
//! let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
//! // ¥0.80/km for the first 1,000 km of the month, ¥0.60 beyond, at most ¥150 a day.
//! let rates = RateBook::new(vec![RateTable {
//!     id: RateTableId(uuid::Uuid::nil()),
//!     scope: RateScope::default(),
//!     currency: Currency::CNY,
//!     versions: vec![RateVersion {
//!         version: 1,
//!         effective_from: d("2026-01-01"),
//!         tiers: vec![
//!             Tier { up_to: Some(WholeMeters::km(1000)), rate: MinorPerKm(80) },
//!             Tier { up_to: None, rate: MinorPerKm(60) },
//!         ],
//!         daily_cap: Some(Money::cny(15_000)),
//!         period_cap: None,
//!         rounding: Rounding::default(),
//!     }],
//! }])?;
//! // One row of `track_days`: working-hours mileage in floating-point metres.
//! let working_m = WholeMeters::from_meters(Meters(42_317.6))?;
//! let input = ClaimInput {
//!     employee: EmployeeId::new(),
//!     period: "2026-11".parse()?,
//!     currency: Currency::CNY,
//!     departments: vec![],
//!     vehicles: VehicleHistory::new(vec![VehicleAssignment {
//!         from: d("2026-01-01"),
//!         kind: VehicleKind::PrivateCar,
//!         plate: None,
//!     }])?,
//!     days: vec![DayInput::working(d("2026-11-02"), working_m)],
//!     adjustments: vec![],
//!     expenses: vec![],
//! };
//! let claim = build_claim(&input, &rates)?;
//! // 42.318 km × 80 fen = 3385.44 fen, rounded half up to the fen.
//! assert_eq!(claim.totals.total, Money::cny(3_385));
//! # Ok::<(), ClaimError>(())
//! ```

mod build;
mod claim;
mod day;
mod distance;
mod error;
mod expense;
mod export;
pub mod money;
mod period;
mod rate;
mod rate_book;
mod snapshot;
mod vehicle;

pub use build::build_claim;
pub use claim::{
    Adjustment, CapCut, CapKind, Claim, ClaimInput, ClaimLine, ClaimTotals, LineFlag,
    MAX_REASON_CHARS, ZeroReason,
};
pub use day::{Coverage, DayInput, DayKind};
pub use distance::{MAX_DAY_M, WholeMeters};
pub use error::ClaimError;
pub use expense::{
    EarlierReceipt, Expense, ExpenseCategory, ExpenseId, ReceiptHash, ReceiptReuse,
    reused_receipts, totals_by_category,
};
pub use export::{ExpenseRow, LineRow, PayoutExport, SummaryRow, payout_export};
pub use money::{Currency, Money, RoundMode, RoundTo, Rounding};
pub use period::{Period, PeriodKind};
pub use rate::{MAX_RATE, MinorPerKm, RateProblem, RateVersion, Tier, TierPart};
pub use rate_book::{AppliedRate, RateBook, RateRef, RateScope, RateTable, RateTableId};
pub use snapshot::{ClaimDiff, ClaimSnapshot, LineChange, LineDiff, diff};
pub use vehicle::{VehicleAssignment, VehicleHistory, VehicleKind};
