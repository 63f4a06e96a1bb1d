//! The order statistics reports use, defined once.
//!
//! - **Median**: the middle value of the sorted values; with an even count, the mean of
//!   the two middle ones. `None` for no values. Values that are unknown (`None`, NaN) are
//!   left out before, never counted as 0.
//! - **Percentile rank** of a person's value within a team, oriented so that higher is
//!   better whatever the metric: 100 × (team members doing strictly worse + ½ × those
//!   with the same value, the person included) ÷ team members with a value (the
//!   "mid-rank" definition; a team of one ranks 50, the best of four 87.5, the worst
//!   12.5, and ties share a rank).
//! - **Quantile** (approval turnaround's p90): nearest rank, the smallest value with at
//!   least q of the values at or below it.

/// The median of `values` (NaN left out).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Nearest-rank quantile, `q` in `(0, 1]`.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let rank = (q * v.len() as f64).ceil().max(1.0) as usize;
    Some(v[rank.min(v.len()) - 1])
}

/// Which way a metric improves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

impl Better {
    /// How much better `now` is than `before` (negative when worse).
    pub fn improvement(self, before: f64, now: f64) -> f64 {
        match self {
            Better::Higher => now - before,
            Better::Lower => before - now,
        }
    }
}

/// Percentile rank (0–100) of `value` among `team` (which holds `value` itself).
pub fn percentile_rank(team: &[f64], value: f64, better: Better) -> Option<f64> {
    let team: Vec<f64> = team.iter().copied().filter(|x| !x.is_nan()).collect();
    if team.is_empty() || value.is_nan() {
        return None;
    }
    let worse = team
        .iter()
        .filter(|&&x| match better {
            Better::Higher => x < value,
            Better::Lower => x > value,
        })
        .count();
    let equal = team.iter().filter(|&&x| x == value).count();
    Some(100.0 * (worse as f64 + 0.5 * equal as f64) / team.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 10.0]), Some(3.5));
        assert_eq!(median(&[f64::NAN, 2.0]), Some(2.0));
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.9), Some(9.0));
        assert_eq!(quantile(&v, 0.91), Some(10.0));
        assert_eq!(quantile(&v, 0.5), Some(5.0));
        assert_eq!(quantile(&[7.0], 0.9), Some(7.0));
    }

    #[test]
    fn percentile_ranks_are_mid_ranks_oriented_to_better() {
        let team = [10.0, 20.0, 20.0, 40.0];
        assert_eq!(percentile_rank(&team, 40.0, Better::Higher), Some(87.5));
        assert_eq!(percentile_rank(&team, 10.0, Better::Higher), Some(12.5));
        // The two 20s share (1 worse + ½ × 2) / 4.
        assert_eq!(percentile_rank(&team, 20.0, Better::Higher), Some(50.0));
        // For a lower-is-better metric the order turns round.
        assert_eq!(percentile_rank(&team, 10.0, Better::Lower), Some(87.5));
        assert_eq!(percentile_rank(&[5.0], 5.0, Better::Lower), Some(50.0));
    }
}
