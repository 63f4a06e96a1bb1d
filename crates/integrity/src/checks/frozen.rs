//! Frozen positions: the same coordinate to the last digit, fix after fix, while the
//! phone claims a sharp accuracy. A real receiver's position moves by metres between any
//! two fixes; a mock app holding a point does not. Coarse (Wi-Fi/cell) fixes are left out:
//! a network position can repeat exactly while the same access points are seen.

use crate::checks::{Finding, figure};
use crate::day::Day;
use crate::verdict::{Evidence, ReasonCode};

/// Fixes stating worse than this can honestly repeat (network positioning).
const SHARP_M: f32 = 30.0;
/// A run: this many consecutive identical fixes spanning at least this long.
const RUN_FIXES: usize = 4;
const RUN_MIN_MS: i64 = 2 * 60_000;

pub(crate) fn check(day: &Day, out: &mut Vec<Finding>) {
    let sharp: Vec<usize> = (0..day.fixes.len())
        .filter(|&i| {
            let f = &day.fixes[i];
            day.verdicts[i].is_none_or(|r| r != track::Rejection::Invalid)
                && f.accuracy_m <= SHARP_M
                && !f.accuracy_m.is_nan()
        })
        .collect();
    let same = |a: usize, b: usize| {
        day.fixes[a].lat.to_bits() == day.fixes[b].lat.to_bits()
            && day.fixes[a].lon.to_bits() == day.fixes[b].lon.to_bits()
    };
    let mut runs: Vec<(usize, usize)> = Vec::new(); // positions in `sharp`
    let mut start = 0;
    for k in 1..=sharp.len() {
        if k < sharp.len() && same(sharp[start], sharp[k]) {
            continue;
        }
        let (a, b) = (sharp[start], sharp[k - 1]);
        if k - start >= RUN_FIXES && day.fixes[b].t_ms - day.fixes[a].t_ms >= RUN_MIN_MS {
            runs.push((start, k - 1));
        }
        start = k;
    }
    if runs.is_empty() {
        return;
    }
    let mut e = Evidence::default();
    let mut fixes = 0;
    let mut frozen_ms = 0;
    for &(s, t) in &runs {
        fixes += t - s + 1;
        frozen_ms += day.fixes[sharp[t]].t_ms - day.fixes[sharp[s]].t_ms;
        e.points.push(day.point(sharp[s]));
        e.points.push(day.point(sharp[t]));
    }
    figure(&mut e, "runs", runs.len() as f64);
    figure(&mut e, "fixes", fixes as f64);
    figure(&mut e, "frozen_s", frozen_ms as f64 / 1000.0);
    let strength = if runs.len() >= 2 || frozen_ms >= 15 * 60_000 {
        1.5
    } else {
        1.0
    };
    out.push(Finding::new(ReasonCode::FrozenPosition, strength, e));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::day::Day;

    #[test]
    fn a_held_point_is_frozen_and_an_honest_stay_is_not() {
        let d = honest_day();
        assert!(findings(&d, check).is_empty());
        let mut d = honest_day();
        let (lat, lon) = ll(3012.0, -9.0);
        for f in d.fixes.iter_mut().skip(80).take(12) {
            (f.fix.lat, f.fix.lon) = (lat, lon);
        }
        let f = findings(&d, check);
        assert_eq!(codes(&f), vec![ReasonCode::FrozenPosition]);
        let held = Day::new(&d)
            .fixes
            .iter()
            .filter(|f| f.lat == lat && f.lon == lon)
            .count();
        assert!(held >= 10);
        assert_eq!(f[0].evidence.figures["fixes"], held as f64);
    }

    #[test]
    fn repeated_coarse_fixes_are_not_frozen() {
        let mut d = honest_day();
        let (lat, lon) = ll(3012.0, -9.0);
        for f in d.fixes.iter_mut().skip(80).take(12) {
            (f.fix.lat, f.fix.lon, f.fix.accuracy_m) = (lat, lon, 65.0);
        }
        assert!(findings(&d, check).is_empty());
    }

    #[test]
    fn a_short_repeat_is_not_a_run() {
        let mut d = honest_day();
        let (lat, lon) = ll(3012.0, -9.0);
        for f in d.fixes.iter_mut().skip(80).take(3) {
            (f.fix.lat, f.fix.lon) = (lat, lon);
        }
        assert!(findings(&d, check).is_empty());
    }
}
