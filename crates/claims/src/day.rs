//! What a claim is built from: one rep-day as the tracking summary, the calendar and the
//! anti-cheat verdict describe it.

use crate::distance::MAX_DAY_M;
use crate::{ClaimError, WholeMeters};
use chrono::NaiveDate;
use integrity::Level;
use serde::{Deserialize, Serialize};

/// Why a rep was or was not working that day (the calendar, attendance and leave decide;
/// the claim only reads the answer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    WorkingDay,
    Leave,
    Holiday,
    DayOff,
}

/// Tracking coverage as basis points: the share of working minutes with fixes, 0–10,000.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Coverage(pub u16);

impl Coverage {
    pub const FULL: Coverage = Coverage(10_000);

    /// From a fraction 0.0–1.0, rounded to the basis point.
    pub fn from_fraction(f: f64) -> Result<Coverage, ClaimError> {
        if f.is_finite() && (0.0..=1.0).contains(&f) {
            Ok(Coverage((f * 10_000.0).round() as u16))
        } else {
            Err(ClaimError::CoverageOutOfRange { date: None })
        }
    }

    /// "87.5 %"-style figure with one decimal, for display.
    pub fn percent_tenths(self) -> u16 {
        (self.0 + 5) / 10
    }
}

/// One rep-day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayInput {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// Mileage inside working hours: what is paid.
    pub working_m: WholeMeters,
    /// Mileage outside working hours: shown, never paid.
    #[serde(default)]
    pub outside_m: WholeMeters,
    /// The stops and customers visited, in order, by name.
    #[serde(default)]
    pub visits: Vec<String>,
    #[serde(default)]
    pub start_place: Option<String>,
    #[serde(default)]
    pub end_place: Option<String>,
    #[serde(default)]
    pub trips: u32,
    #[serde(default)]
    pub coverage: Coverage,
    /// The day's anti-cheat level, when a verdict exists.
    #[serde(default)]
    pub anti_cheat: Option<Level>,
    /// A manager reviewed the day and confirmed cheating: the day pays nothing.
    #[serde(default)]
    pub cheat_confirmed: bool,
}

pub const MAX_VISITS: usize = 200;
pub const MAX_TRIPS: u32 = 500;
pub const MAX_NAME_CHARS: usize = 200;

impl DayInput {
    /// A working day with nothing but its mileage, for tests and simple callers.
    pub fn working(date: NaiveDate, working_m: WholeMeters) -> DayInput {
        DayInput {
            date,
            kind: DayKind::WorkingDay,
            working_m,
            outside_m: WholeMeters::ZERO,
            visits: Vec::new(),
            start_place: None,
            end_place: None,
            trips: 0,
            coverage: Coverage::FULL,
            anti_cheat: None,
            cheat_confirmed: false,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), ClaimError> {
        let date = Some(self.date);
        for (field, m) in [
            ("days.working_m", self.working_m),
            ("days.outside_m", self.outside_m),
        ] {
            if m.0 < 0 {
                return Err(ClaimError::BadDistance { field, date });
            }
            if m.0 > MAX_DAY_M {
                return Err(ClaimError::AbsurdDistance {
                    field,
                    date,
                    meters: MAX_DAY_M,
                });
            }
        }
        if self.coverage > Coverage::FULL {
            return Err(ClaimError::CoverageOutOfRange { date });
        }
        if self.trips > MAX_TRIPS {
            return Err(ClaimError::TooMany {
                field: "days.trips",
                max: MAX_TRIPS as usize,
            });
        }
        if self.visits.len() > MAX_VISITS {
            return Err(ClaimError::TooMany {
                field: "days.visits",
                max: MAX_VISITS,
            });
        }
        let names = self
            .visits
            .iter()
            .map(|n| ("days.visits", n))
            .chain(self.start_place.iter().map(|n| ("days.start_place", n)))
            .chain(self.end_place.iter().map(|n| ("days.end_place", n)));
        for (field, name) in names {
            if name.chars().count() > MAX_NAME_CHARS {
                return Err(ClaimError::BadText {
                    field,
                    max_chars: MAX_NAME_CHARS,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_from_a_fraction() {
        let cases = [(0.0, 0), (0.875_04, 8_750), (1.0, 10_000), (0.000_05, 1)];
        for (f, want) in cases {
            assert_eq!(Coverage::from_fraction(f), Ok(Coverage(want)), "{f}");
        }
        for bad in [-0.01, 1.000_1, f64::NAN] {
            assert!(Coverage::from_fraction(bad).is_err(), "{bad}");
        }
        assert_eq!(Coverage(8_754).percent_tenths(), 875);
        assert_eq!(Coverage(8_755).percent_tenths(), 876);
    }
}
