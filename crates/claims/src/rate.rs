//! One version of a mileage rate: tiers by kilometres accumulated in the period, caps and
//! the rounding rule. Versions are immutable once used; a change is a new version.

use crate::money::{MilliMinor, Money, Rounding};
use crate::{ClaimError, Currency, WholeMeters};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A rate in minor units (fen) per kilometre. Times a distance in metres it gives an
/// exact amount in thousandths of a fen, so no amount is ever approximated.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct MinorPerKm(pub i64);

/// ¥100 per km: above it the figure is a unit mistake (yuan typed as fen per metre).
pub const MAX_RATE: MinorPerKm = MinorPerKm(10_000);

impl MinorPerKm {
    pub fn times(self, d: WholeMeters) -> MilliMinor {
        MilliMinor(self.0 * d.0)
    }
}

/// Kilometres accumulated in the period up to `up_to` are paid at `rate`; the last tier
/// has no bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    #[serde(default)]
    pub up_to: Option<WholeMeters>,
    pub rate: MinorPerKm,
}

/// The part of one day's distance paid in one tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierPart {
    /// 0 for the first tier.
    pub tier: usize,
    pub meters: WholeMeters,
    pub rate: MinorPerKm,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateVersion {
    /// Increases with every edit of the table; a claim records the one it used.
    pub version: u32,
    pub effective_from: NaiveDate,
    pub tiers: Vec<Tier>,
    /// At most this much for one day's mileage.
    #[serde(default)]
    pub daily_cap: Option<Money>,
    /// At most this much mileage in one period (a month unless the tenant says otherwise),
    /// counting what the period paid before the day under any table.
    #[serde(default)]
    pub period_cap: Option<Money>,
    #[serde(default)]
    pub rounding: Rounding,
}

impl RateVersion {
    pub(crate) fn validate(&self, currency: Currency) -> Result<(), ClaimError> {
        let bad = |problem| {
            Err(ClaimError::BadRate {
                table: None,
                version: self.version,
                problem,
            })
        };
        let Some(last) = self.tiers.last() else {
            return bad(RateProblem::NoTiers);
        };
        if last.up_to.is_some() {
            return bad(RateProblem::LastTierBounded);
        }
        let mut prev = WholeMeters::ZERO;
        for t in &self.tiers[..self.tiers.len() - 1] {
            match t.up_to {
                Some(b) if b > prev => prev = b,
                _ => return bad(RateProblem::TiersNotAscending),
            }
        }
        if self.tiers.iter().any(|t| t.rate.0 < 0 || t.rate > MAX_RATE) {
            return bad(RateProblem::RateOutOfRange);
        }
        for cap in [self.daily_cap, self.period_cap].into_iter().flatten() {
            if cap.currency != currency {
                return Err(ClaimError::CurrencyMismatch {
                    expected: currency,
                    found: cap.currency,
                });
            }
            if cap.minor < 0 {
                return bad(RateProblem::NegativeCap);
            }
            // Keeps every paid amount on the rounding grid: a line cut to the cap, and the
            // rest of a period cap, are multiples of the unit too.
            if cap.minor % self.rounding.to.minor_units() != 0 {
                return bad(RateProblem::CapOffRoundingGrid);
            }
        }
        Ok(())
    }

    /// The exact amount for driving `day` metres when `before` metres were already paid in
    /// the period, split by tier: a day that crosses a boundary pays each part at its rate.
    pub fn split(&self, before: WholeMeters, day: WholeMeters) -> (MilliMinor, Vec<TierPart>) {
        let mut parts = Vec::new();
        let mut total = 0i64;
        let (start, end) = (before, before + day);
        let mut lower = WholeMeters::ZERO;
        for (i, t) in self.tiers.iter().enumerate() {
            let upper = t.up_to.unwrap_or(WholeMeters(i64::MAX));
            let from = start.max(lower);
            let to = end.min(upper);
            if to > from {
                let meters = WholeMeters(to.0 - from.0);
                total += t.rate.times(meters).0;
                parts.push(TierPart {
                    tier: i,
                    meters,
                    rate: t.rate,
                });
            }
            lower = upper;
            if lower >= end {
                break;
            }
        }
        (MilliMinor(total), parts)
    }
}

/// What is wrong with a rate version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateProblem {
    NoTiers,
    LastTierBounded,
    TiersNotAscending,
    RateOutOfRange,
    NegativeCap,
    CapOffRoundingGrid,
    VersionsNotIncreasing,
    EffectiveDatesGoBack,
    DuplicateScope,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{RoundMode, RoundTo};

    fn version(tiers: Vec<Tier>) -> RateVersion {
        RateVersion {
            version: 1,
            effective_from: "2026-01-01".parse().unwrap(),
            tiers,
            daily_cap: None,
            period_cap: None,
            rounding: Rounding::default(),
        }
    }

    fn two_tiers() -> RateVersion {
        version(vec![
            Tier {
                up_to: Some(WholeMeters::km(1000)),
                rate: MinorPerKm(80),
            },
            Tier {
                up_to: None,
                rate: MinorPerKm(50),
            },
        ])
    }

    #[test]
    fn split_table() {
        let v = two_tiers();
        // (before m, day m, exact milli-fen, metres per tier)
        let cases: [(i64, i64, i64, &[i64]); 6] = [
            (0, 40_000, 80 * 40_000, &[40_000]),
            (990_000, 10_000, 80 * 10_000, &[10_000]),
            // crosses the boundary: 12.345 km below, 7.655 km above
            (987_655, 20_000, 80 * 12_345 + 50 * 7_655, &[12_345, 7_655]),
            (1_000_000, 5_000, 50 * 5_000, &[5_000]),
            (1_500_000, 123, 50 * 123, &[123]),
            (10, 0, 0, &[]),
        ];
        for (before, day, exact, metres) in cases {
            let (got, parts) = v.split(WholeMeters(before), WholeMeters(day));
            assert_eq!(got, MilliMinor(exact), "before {before} day {day}");
            let got_m: Vec<i64> = parts.iter().map(|p| p.meters.0).collect();
            assert_eq!(got_m, metres, "before {before} day {day}");
        }
    }

    #[test]
    fn three_tiers_in_one_day() {
        let v = version(vec![
            Tier {
                up_to: Some(WholeMeters::km(10)),
                rate: MinorPerKm(100),
            },
            Tier {
                up_to: Some(WholeMeters::km(20)),
                rate: MinorPerKm(70),
            },
            Tier {
                up_to: None,
                rate: MinorPerKm(40),
            },
        ]);
        let (got, parts) = v.split(WholeMeters(5_000), WholeMeters(30_000));
        assert_eq!(got, MilliMinor(100 * 5_000 + 70 * 10_000 + 40 * 15_000));
        assert_eq!(parts.iter().map(|p| p.tier).collect::<Vec<_>>(), [0, 1, 2]);
    }

    #[test]
    fn validation_table() {
        let cny = Currency::CNY;
        let t = |up: Option<i64>, rate: i64| Tier {
            up_to: up.map(WholeMeters),
            rate: MinorPerKm(rate),
        };
        let cases: Vec<(RateVersion, Option<RateProblem>)> = vec![
            (two_tiers(), None),
            (version(vec![]), Some(RateProblem::NoTiers)),
            (
                version(vec![t(Some(5), 80)]),
                Some(RateProblem::LastTierBounded),
            ),
            (
                version(vec![t(Some(5), 80), t(Some(5), 70), t(None, 60)]),
                Some(RateProblem::TiersNotAscending),
            ),
            (
                version(vec![t(Some(0), 80), t(None, 60)]),
                Some(RateProblem::TiersNotAscending),
            ),
            (
                version(vec![t(None, -1)]),
                Some(RateProblem::RateOutOfRange),
            ),
            (
                version(vec![t(None, 10_001)]),
                Some(RateProblem::RateOutOfRange),
            ),
            (
                RateVersion {
                    daily_cap: Some(Money::cny(-100)),
                    ..two_tiers()
                },
                Some(RateProblem::NegativeCap),
            ),
            (
                RateVersion {
                    daily_cap: Some(Money::cny(5_050)),
                    rounding: Rounding {
                        to: RoundTo::Yuan,
                        mode: RoundMode::HalfUp,
                    },
                    ..two_tiers()
                },
                Some(RateProblem::CapOffRoundingGrid),
            ),
        ];
        for (v, want) in cases {
            let got = v.validate(cny);
            match want {
                None => assert_eq!(got, Ok(()), "{v:?}"),
                Some(p) => assert_eq!(
                    got,
                    Err(ClaimError::BadRate {
                        table: None,
                        version: 1,
                        problem: p
                    }),
                    "{v:?}"
                ),
            }
        }
        let usd_cap = RateVersion {
            period_cap: Some(Money::new(100, "USD".parse().unwrap())),
            ..two_tiers()
        };
        assert!(matches!(
            usd_cap.validate(cny),
            Err(ClaimError::CurrencyMismatch { .. })
        ));
    }
}
