//! Tracking switched off: the share of working time the track covers (a minute counts as
//! covered when fixes lie no further apart around it than an honest signal loss explains:
//! a basement, a tunnel, a lift), and check-ins with no fix anywhere near them. The latter
//! happens honestly in a long signal loss, so on its own it stays below review.

use crate::checks::{Finding, figure};
use crate::day::{Day, action_point};
use crate::input::ActionKind;
use crate::verdict::{Evidence, Point, ReasonCode};

/// Silences up to this long are signal losses, not tracking switched off ...
const GAP_FORGIVEN_MS: i64 = 10 * 60_000;
/// ... and up to this long when the phone is where it was when the signal went (a
/// basement shop, an underground car park: up to 20 min a visit, many visits a day).
const STAYED_FORGIVEN_MS: i64 = 25 * 60_000;
const STAYED_M: f64 = 250.0;
/// Tracking is off when this much working time is uncovered ...
const OFF_MIN_MS: i64 = 2 * 3_600_000;
/// ... or this much counting the silences at one place as uncovered too (however many
/// basements a day holds, they do not add up to this).
const OFF_RAW_MS: i64 = 150 * 60_000;
/// ... or when less than this share of it is covered (short working days).
const MIN_COVERAGE: f64 = 0.6;
/// A check-in with no fix within this (either side) has no track around it.
const AROUND_MS: i64 = 15 * 60_000;

pub(crate) fn check(day: &Day, out: &mut Vec<Finding>) {
    let seen: Vec<usize> = (0..day.fixes.len())
        .filter(|&i| {
            !matches!(
                day.verdicts[i],
                Some(
                    track::Rejection::Invalid
                        | track::Rejection::Duplicate
                        | track::Rejection::Future
                )
            )
        })
        .collect();
    let times: Vec<i64> = seen.iter().map(|&i| day.fixes[i].t_ms).collect();
    coverage(day, &seen, &times, out);
    no_track(day, &times, out);
}

fn coverage(day: &Day, seen: &[usize], times: &[i64], out: &mut Vec<Finding>) {
    // A silence between two fixes at the same place, short enough for a signal loss there.
    let stayed = |a: i64, b: i64| {
        if b.saturating_sub(a) > STAYED_FORGIVEN_MS {
            return false;
        }
        let (ka, kb) = (
            times.partition_point(|&x| x < a),
            times.partition_point(|&x| x < b),
        );
        let (Some(&i), Some(&j)) = (seen.get(ka), seen.get(kb)) else {
            return false;
        };
        day.dist(day.xy[i], day.xy[j]) - day.accuracy(i) - day.accuracy(j) <= STAYED_M
    };
    let mut work_ms = 0;
    let mut uncovered_ms = 0;
    let mut raw_ms = 0;
    let mut gaps: Vec<(i64, i64)> = Vec::new();
    for &(s, t) in &day.input.work_windows {
        if t <= s {
            continue;
        }
        work_ms += t - s;
        // Silences inside the window, the window's edges counting as fixes' absence.
        let k0 = times.partition_point(|&x| x < s);
        let k1 = times.partition_point(|&x| x < t);
        let mut prev = times.get(k0.wrapping_sub(1)).copied().filter(|_| k0 > 0);
        let mut edges: Vec<(i64, i64)> = Vec::new();
        for &x in &times[k0..k1] {
            edges.push((prev.unwrap_or(i64::MIN), x));
            prev = Some(x);
        }
        edges.push((
            prev.unwrap_or(i64::MIN),
            times.get(k1).copied().unwrap_or(i64::MAX),
        ));
        for (a, b) in edges {
            if b.saturating_sub(a) <= GAP_FORGIVEN_MS {
                continue;
            }
            let (ca, cb) = (a.max(s), b.min(t));
            if cb > ca {
                raw_ms += cb - ca;
            }
            if stayed(a, b) {
                continue;
            }
            if cb > ca {
                uncovered_ms += cb - ca;
                gaps.push((ca, cb));
            }
        }
    }
    if work_ms == 0 {
        return;
    }
    let cover = 1.0 - uncovered_ms as f64 / work_ms as f64;
    if uncovered_ms < OFF_MIN_MS && cover >= MIN_COVERAGE && raw_ms < OFF_RAW_MS {
        return;
    }
    let mut e = Evidence::default();
    figure(&mut e, "coverage", cover);
    figure(&mut e, "uncovered_s", (uncovered_ms / 1000) as f64);
    for (a, b) in gaps.iter().filter(|(a, b)| b - a >= GAP_FORGIVEN_MS) {
        // The gap's ends, drawn on the time line (positions of the fixes around it).
        for t in [*a, *b] {
            let (before, after) = day.kept_around(t);
            if let Some(i) = before.or(after) {
                e.points.push(Point {
                    t_ms: t,
                    ..day.point(i)
                });
            }
        }
    }
    let strength = if cover < 0.5 { 1.5 } else { 1.0 };
    out.push(Finding::new(ReasonCode::TrackingOff, strength, e));
}

fn no_track(day: &Day, times: &[i64], out: &mut Vec<Finding>) {
    let mut e = Evidence::default();
    for a in &day.actions {
        if !matches!(a.kind, ActionKind::CheckIn | ActionKind::ClockIn) {
            continue;
        }
        let k = times.partition_point(|&x| x < a.t_ms);
        let before = k.checked_sub(1).map(|k| a.t_ms - times[k]);
        let after = times.get(k).map(|&x| x - a.t_ms);
        let near = [before, after]
            .into_iter()
            .flatten()
            .any(|d| d <= AROUND_MS);
        if !near {
            e.actions.push(a.id);
            e.points.extend(action_point(a));
        }
    }
    if e.actions.is_empty() {
        return;
    }
    let n = e.actions.len() as f64;
    figure(&mut e, "count", n);
    let strength = if e.actions.len() >= 2 { 1.5 } else { 1.0 };
    out.push(Finding::new(ReasonCode::CheckInWithoutTrack, strength, e));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::input::ActionKind;

    #[test]
    fn an_honest_day_with_a_basement_is_covered() {
        let mut d = honest_day();
        // 9 minutes without signal in the middle of a visit.
        let t = d.actions[3].t_ms;
        d.fixes
            .retain(|f| !(t..t + 9 * 60_000).contains(&f.fix.t_ms));
        assert!(findings(&d, check).is_empty());
    }

    #[test]
    fn basements_at_three_visits_are_signal_losses() {
        let mut d = honest_day();
        // 20 minutes without signal at each of the first three visits, in a working
        // window that is just those visits: more than half of it silent.
        let ins: Vec<i64> = d
            .actions
            .iter()
            .filter(|a| a.kind == ActionKind::CheckIn)
            .map(|a| a.t_ms)
            .collect();
        for &t in &ins[..3] {
            d.fixes
                .retain(|f| !(t..t + 20 * 60_000).contains(&f.fix.t_ms));
        }
        let out = d
            .actions
            .iter()
            .filter(|a| a.kind == ActionKind::CheckOut)
            .nth(2)
            .unwrap()
            .t_ms;
        d.work_windows = vec![(ins[0], out)];
        assert!(findings(&d, check).is_empty());
        // The same silences while the phone moved elsewhere are tracking off.
        let (lat, lon) = ll(20_000.0, 20_000.0);
        for &t in &ins[..3] {
            let after = d
                .fixes
                .iter_mut()
                .find(|f| f.fix.t_ms >= t + 20 * 60_000)
                .unwrap();
            (after.fix.lat, after.fix.lon) = (lat, lon);
        }
        let f = findings(&d, check);
        assert_eq!(codes(&f), vec![ReasonCode::TrackingOff]);
    }

    #[test]
    fn tracking_off_for_the_afternoon() {
        let mut d = honest_day();
        let (s, _) = d.work_windows[0];
        let cut = s + 60 * 60_000;
        d.fixes.retain(|f| f.fix.t_ms < cut);
        let f = findings(&d, check);
        assert!(codes(&f).contains(&ReasonCode::TrackingOff), "{f:?}");
        let off = &f
            .iter()
            .find(|f| f.code == ReasonCode::TrackingOff)
            .unwrap()
            .evidence;
        assert!(off.figures["coverage"] < 0.6, "{off:?}");
        // The check-ins after the cut have no track around them.
        let without = f
            .iter()
            .find(|f| f.code == ReasonCode::CheckInWithoutTrack)
            .unwrap();
        assert!(without.evidence.actions.len() >= 2);
    }

    #[test]
    fn a_day_without_working_windows_is_not_judged_for_coverage() {
        let mut d = honest_day();
        d.work_windows.clear();
        d.fixes.truncate(10);
        let f = findings(&d, check);
        assert!(!codes(&f).contains(&ReasonCode::TrackingOff));
    }
}
