//! Distances a claim pays for, in whole metres. The tracking engine measures
//! `domain::Meters` as floating point; a claim rounds once, at its edge, to whole metres so
//! that every amount computed from them is exact and reproducible.

use crate::ClaimError;
use domain::Meters;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A non-negative distance in whole metres.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct WholeMeters(pub i64);

/// No rep drives 2,000 km in a working day; above it the figure is a unit mistake.
pub const MAX_DAY_M: i64 = 2_000_000;

impl WholeMeters {
    pub const ZERO: WholeMeters = WholeMeters(0);

    pub const fn km(km: i64) -> Self {
        WholeMeters(km * 1000)
    }

    /// The tracking engine's metres, rounded half up to the metre. NaN, infinities and
    /// negatives are refused rather than clamped: they mean a broken summary.
    pub fn from_meters(m: Meters) -> Result<Self, ClaimError> {
        if !m.0.is_finite() || m.0 < 0.0 {
            return Err(ClaimError::BadDistance {
                field: "meters",
                date: None,
            });
        }
        if m.0 > MAX_DAY_M as f64 {
            return Err(ClaimError::AbsurdDistance {
                field: "meters",
                date: None,
                meters: MAX_DAY_M,
            });
        }
        // Bounded above, so the cast is exact.
        Ok(WholeMeters((m.0 + 0.5).floor() as i64))
    }

    pub fn saturating_sub(self, other: WholeMeters) -> WholeMeters {
        WholeMeters((self.0 - other.0).max(0))
    }
}

impl std::ops::Add for WholeMeters {
    type Output = WholeMeters;
    fn add(self, o: WholeMeters) -> WholeMeters {
        WholeMeters(self.0 + o.0)
    }
}

impl fmt::Display for WholeMeters {
    /// "12.345 km".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03} km", self.0 / 1000, self.0 % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_tracking_metres() {
        let cases = [
            (0.0, Ok(0)),
            (12_345.499_9, Ok(12_345)),
            (12_345.5, Ok(12_346)),
            (2_000_000.0, Ok(2_000_000)),
        ];
        for (m, want) in cases {
            assert_eq!(
                WholeMeters::from_meters(Meters(m)).map(|w| w.0),
                want,
                "{m}"
            );
        }
        for bad in [-0.1, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                WholeMeters::from_meters(Meters(bad)),
                Err(ClaimError::BadDistance { .. })
            ));
        }
        assert!(matches!(
            WholeMeters::from_meters(Meters(2_000_000.6)),
            Err(ClaimError::AbsurdDistance { .. })
        ));
    }

    #[test]
    fn display_in_km() {
        assert_eq!(WholeMeters(12_045).to_string(), "12.045 km");
        assert_eq!(WholeMeters(999).to_string(), "0.999 km");
    }
}
