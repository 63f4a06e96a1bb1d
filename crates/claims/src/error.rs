//! The one error type of the crate. Each variant names the field (and day) at fault, and
//! has a stable code a server can map to a 422 and a translated message.

use crate::rate::RateProblem;
use crate::{Currency, Period, RateTableId};
use chrono::NaiveDate;
use domain::EmployeeId;
use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ClaimError {
    #[error("currency {code:?} is not supported")]
    UnsupportedCurrency { code: String },
    #[error("expected an amount in {expected}, got {found}")]
    CurrencyMismatch { expected: Currency, found: Currency },
    #[error("amount out of range")]
    Overflow,
    #[error("{field} must be a non-negative number of metres (day {date:?})")]
    BadDistance {
        field: &'static str,
        date: Option<NaiveDate>,
    },
    #[error("{field} above {meters} m in a day is not plausible (day {date:?})")]
    AbsurdDistance {
        field: &'static str,
        date: Option<NaiveDate>,
        meters: i64,
    },
    #[error("tracking coverage must be 0-100 % (day {date:?})")]
    CoverageOutOfRange { date: Option<NaiveDate> },
    #[error("{field}: at most {max}")]
    TooMany { field: &'static str, max: usize },
    #[error("{field}: 1 to {max_chars} characters")]
    BadText {
        field: &'static str,
        max_chars: usize,
    },
    #[error("{text:?} is not a period (2026-11, 2026-11-H1, 2026-W47)")]
    BadPeriod { text: String },
    #[error("{field}: {date} appears twice")]
    DuplicateDate {
        field: &'static str,
        date: NaiveDate,
    },
    #[error("{field}: {date} is outside the period {period}")]
    DateOutsidePeriod {
        field: &'static str,
        date: NaiveDate,
        period: Period,
    },
    #[error("rate table {table:?}, version {version}: {problem:?}")]
    BadRate {
        /// `None` when a version is checked on its own.
        table: Option<RateTableId>,
        version: u32,
        problem: RateProblem,
    },
    #[error("adjustments: {date} is not a working day of the claim")]
    AdjustmentNotOnWorkingDay { date: NaiveDate },
    #[error("{field} must be more than zero")]
    AmountNotPositive { field: &'static str },
    #[error("{field} above {max_minor} minor units is not plausible")]
    AbsurdAmount { field: &'static str, max_minor: i64 },
    #[error("receipt_hash must be 64 lowercase hex digits (SHA-256)")]
    BadReceiptHash,
    #[error("a payout batch needs at least one claim")]
    EmptyBatch,
    #[error("a payout batch covers one period: {first} and {other}")]
    BatchMixesPeriods { first: Period, other: Period },
    #[error("employee {employee} has two claims in the batch")]
    RepTwiceInBatch { employee: EmployeeId },
}

impl ClaimError {
    /// The input field at fault (a path such as `days.working_m`), when one is.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ClaimError::BadDistance { field, .. }
            | ClaimError::AbsurdDistance { field, .. }
            | ClaimError::TooMany { field, .. }
            | ClaimError::BadText { field, .. }
            | ClaimError::DuplicateDate { field, .. }
            | ClaimError::DateOutsidePeriod { field, .. }
            | ClaimError::AmountNotPositive { field }
            | ClaimError::AbsurdAmount { field, .. } => Some(field),
            ClaimError::CoverageOutOfRange { .. } => Some("days.coverage"),
            ClaimError::AdjustmentNotOnWorkingDay { .. } => Some("adjustments.date"),
            ClaimError::BadReceiptHash => Some("expenses.receipt_hash"),
            ClaimError::BadPeriod { .. } => Some("period"),
            ClaimError::UnsupportedCurrency { .. } => Some("currency"),
            ClaimError::BadRate { .. } => Some("rates"),
            ClaimError::CurrencyMismatch { .. }
            | ClaimError::Overflow
            | ClaimError::EmptyBatch
            | ClaimError::BatchMixesPeriods { .. }
            | ClaimError::RepTwiceInBatch { .. } => None,
        }
    }

    /// The day at fault, when one is.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            ClaimError::BadDistance { date, .. }
            | ClaimError::AbsurdDistance { date, .. }
            | ClaimError::CoverageOutOfRange { date } => *date,
            ClaimError::DuplicateDate { date, .. }
            | ClaimError::DateOutsidePeriod { date, .. }
            | ClaimError::AdjustmentNotOnWorkingDay { date } => Some(*date),
            _ => None,
        }
    }

    /// Stable code for clients to translate.
    pub fn code(&self) -> &'static str {
        match self {
            ClaimError::UnsupportedCurrency { .. } => "unsupported_currency",
            ClaimError::CurrencyMismatch { .. } => "currency_mismatch",
            ClaimError::Overflow => "amount_overflow",
            ClaimError::BadDistance { .. } => "bad_distance",
            ClaimError::AbsurdDistance { .. } => "absurd_distance",
            ClaimError::CoverageOutOfRange { .. } => "coverage_out_of_range",
            ClaimError::TooMany { .. } => "too_many",
            ClaimError::BadText { .. } => "bad_text",
            ClaimError::BadPeriod { .. } => "bad_period",
            ClaimError::DuplicateDate { .. } => "duplicate_date",
            ClaimError::DateOutsidePeriod { .. } => "date_outside_period",
            ClaimError::BadRate { .. } => "bad_rate",
            ClaimError::AdjustmentNotOnWorkingDay { .. } => "adjustment_not_on_working_day",
            ClaimError::AmountNotPositive { .. } => "amount_not_positive",
            ClaimError::AbsurdAmount { .. } => "absurd_amount",
            ClaimError::BadReceiptHash => "bad_receipt_hash",
            ClaimError::EmptyBatch => "empty_batch",
            ClaimError::BatchMixesPeriods { .. } => "batch_mixes_periods",
            ClaimError::RepTwiceInBatch { .. } => "rep_twice_in_batch",
        }
    }
}
