//! Cleaning: one verdict per fix. A per-fix pass (validity, mock, future, duplicate,
//! accuracy) then a contextual pass over the survivors (spikes, teleports) that looks at
//! most a few fixes ahead, so the whole is O(n) with no per-fix allocation.

use crate::config::Config;
use crate::fix::{Fix, Rejection};
use crate::motion;
use crate::project::Projection;

/// One verdict per fix of a prepared slice: `None` = kept.
///
/// Unprepared input is tolerated: a fix not strictly later than the previous usable one is
/// a [`Rejection::Duplicate`], so kept fixes are always strictly increasing in time.
pub fn clean(fixes: &[Fix], now_ms: i64, cfg: &Config) -> Vec<Option<Rejection>> {
    let proj = origin(fixes);
    let xy: Vec<(f64, f64)> = fixes.iter().map(|f| proj.xy(f.lat, f.lon)).collect();
    let mut out = vec![None; fixes.len()];
    clean_into(fixes, &xy, &proj, now_ms, cfg, &mut out);
    out
}

/// The projection every stage shares: centred on the first valid fix.
pub(crate) fn origin(fixes: &[Fix]) -> Projection {
    fixes
        .iter()
        .find(|f| valid_position(f))
        .map_or(Projection::new(0.0, 0.0), |f| Projection::new(f.lat, f.lon))
}

fn valid_position(f: &Fix) -> bool {
    f.lat.is_finite()
        && f.lon.is_finite()
        && f.lat.abs() <= 90.0
        && f.lon.abs() <= 180.0
        && !(f.lat == 0.0 && f.lon == 0.0)
}

/// Accuracy used for arithmetic: unknown (NaN or 0) becomes the configured default.
#[inline]
pub(crate) fn accuracy(f: &Fix, cfg: &Config) -> f64 {
    if f.accuracy_m > 0.0 {
        f.accuracy_m as f64
    } else {
        cfg.unknown_accuracy_m as f64
    }
}

/// `xy` holds every fix projected with `proj`; `out` must be as long as `fixes`.
pub(crate) fn clean_into(
    fixes: &[Fix],
    xy: &[(f64, f64)],
    proj: &Projection,
    now_ms: i64,
    cfg: &Config,
    out: &mut [Option<Rejection>],
) {
    let future_limit = now_ms.saturating_add(cfg.future_tolerance_ms);
    let mut last_t = i64::MIN;
    let mut survivors = Vec::with_capacity(fixes.len());
    for (i, f) in fixes.iter().enumerate() {
        let verdict = if !valid_position(f) || f.t_ms < cfg.min_t_ms || f.accuracy_m < 0.0 {
            Some(Rejection::Invalid)
        } else if f.mock {
            Some(Rejection::Mock)
        } else if f.t_ms > future_limit {
            Some(Rejection::Future)
        } else if f.t_ms <= last_t {
            Some(Rejection::Duplicate)
        } else if f.accuracy_m > cfg.max_accuracy_m {
            Some(Rejection::Inaccurate)
        } else {
            None
        };
        if matches!(verdict, None | Some(Rejection::Inaccurate)) {
            last_t = f.t_ms;
        }
        if verdict.is_none() {
            survivors.push(i as u32);
        }
        out[i] = verdict;
    }
    context(fixes, xy, proj, cfg, &survivors, out);
}

/// Spikes and teleports among the survivors of the per-fix pass.
fn context(
    fixes: &[Fix],
    xy: &[(f64, f64)],
    proj: &Projection,
    cfg: &Config,
    cand: &[u32],
    out: &mut [Option<Rejection>],
) {
    // Distance beyond what both fixes' accuracies explain.
    let excess = |a: usize, b: usize| {
        proj.dist(xy[a], xy[b]) - accuracy(&fixes[a], cfg) - accuracy(&fixes[b], cfg)
    };
    let plausible = |a: usize, b: usize| {
        let dt = fixes[b].t_ms - fixes[a].t_ms;
        dt > cfg.teleport_window_ms || excess(a, b) <= cfg.max_speed_mps * dt as f64 / 1000.0
    };

    let m = cand.len();
    let mut last: Option<usize> = None; // last accepted fix
    let mut before_last: Option<usize> = None;
    let mut p = 0;
    'outer: while p < m {
        let b = cand[p] as usize;
        let Some(a) = last else {
            last = Some(b);
            p += 1;
            continue;
        };
        let ta = fixes[a].t_ms;

        // Spike: leave by more than spike_min_m, come back within a few fixes to where
        // the track would have been without the excursion. "Where it would have been" is
        // where it left plus the displacement dead-reckoned from the Doppler velocities
        // (zero at rest), so a jump is caught while moving too; velocity is computed only
        // for hops long enough to be one.
        let speed =
            |i: usize| motion::trusted_speed(&fixes[i], cfg).map_or(0.0, |v| f64::from(v).max(0.0));
        let hop = |a: usize, b: usize| {
            0.5 * (speed(a) + speed(b)) * (fixes[b].t_ms - fixes[a].t_ms) as f64 / 1000.0
        };
        // Distance from `to` to where dead reckoning along `path` from `from` puts it.
        let off = |from: usize, to: usize, path: &mut dyn Iterator<Item = usize>| {
            let (dx, dy) = motion::dead_reckon(fixes, cfg, path);
            (xy[to].0 - xy[from].0 - dx).hypot(xy[to].1 - xy[from].1 - dy)
        };
        let accs = |a: usize, b: usize| accuracy(&fixes[a], cfg) + accuracy(&fixes[b], cfg);
        if fixes[b].t_ms - ta <= cfg.spike_max_span_ms
            && excess(a, b) + hop(a, b) >= cfg.spike_min_m
        {
            let leave = off(a, b, &mut [a, b].into_iter()) - accs(a, b);
            let end = (p + cfg.spike_max_fixes).min(m - 1);
            for q in p + 1..=end {
                if leave < cfg.spike_min_m {
                    break;
                }
                let c = cand[q] as usize;
                if fixes[c].t_ms - ta > cfg.spike_max_span_ms {
                    break;
                }
                let prev = cand[q - 1] as usize;
                let back = off(prev, c, &mut [prev, c].into_iter()) - accs(prev, c);
                // Back where it would be: relative to the jump, or within the two fixes'
                // accuracies (drift moves a phone at rest between fixes too).
                let mut path = std::iter::once(a).chain(cand[p..=q].iter().map(|&k| k as usize));
                let ret = off(a, c, &mut path);
                let home = (cfg.spike_return_ratio * leave.min(back)).max(accs(a, c));
                if back >= cfg.spike_min_m && ret <= home {
                    for &s in &cand[p..q] {
                        out[s as usize] = Some(Rejection::Spike);
                    }
                    p = q;
                    continue 'outer;
                }
            }
        }

        // Teleport: impossible speed over a short hop. Decide who is wrong by the next fix.
        if !plausible(a, b) {
            let next = cand.get(p + 1).map(|&c| c as usize);
            let a_confirmed = next.is_some_and(|c| plausible(a, c));
            let b_confirmed = next.is_some_and(|c| plausible(b, c));
            if a_confirmed || !b_confirmed {
                out[b] = Some(Rejection::Teleport);
                p += 1;
                continue;
            }
            // The track carries on from `b`: `a` was the odd one out if nothing before it
            // vouches for it.
            if before_last.is_none_or(|z| plausible(z, b)) {
                out[a] = Some(Rejection::Teleport);
                last = before_last;
            }
        }
        before_last = last;
        last = Some(b);
        p += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_780_000_000_000;

    fn line(n: usize, step_deg: f64, dt_ms: i64) -> Vec<Fix> {
        (0..n)
            .map(|i| {
                Fix::gps(
                    T0 + i as i64 * dt_ms,
                    31.2,
                    121.4 + i as f64 * step_deg,
                    8.0,
                )
            })
            .collect()
    }

    #[test]
    fn per_fix_rules() {
        let mut v = line(8, 0.0001, 1000);
        v[1].lat = f64::NAN;
        v[2].mock = true;
        v[3].accuracy_m = 300.0;
        v[4].t_ms = v[3].t_ms; // same time as an Inaccurate fix: duplicate
        v[7].t_ms = T0 + 3_600_000;
        let r = clean(&v, T0 + 10_000, &Config::default());
        use Rejection::*;
        assert_eq!(
            r,
            vec![
                None,
                Some(Invalid),
                Some(Mock),
                Some(Inaccurate),
                Some(Duplicate),
                None,
                None,
                Some(Future)
            ]
        );
    }

    #[test]
    fn multipath_spike_with_good_accuracy() {
        let mut v = line(10, 0.0, 10_000);
        v[5].lat += 0.002; // ~220 m north, claims ±8 m
        let r = clean(&v, T0 + 1_000_000, &Config::default());
        assert_eq!(r[5], Some(Rejection::Spike));
        assert_eq!(r.iter().filter(|x| x.is_some()).count(), 1);
    }

    #[test]
    fn multipath_spike_while_moving() {
        // Driving east at 10 m/s, a fix every 5 s reporting speed and bearing; one fix
        // 150 m north claiming ±8 m. The track does not come back to where it left, but
        // to where the Doppler velocity says it would be by then.
        let mut v: Vec<Fix> = line(12, 0.0005, 5000)
            .into_iter()
            .map(|f| Fix {
                speed_mps: 10.0,
                bearing_deg: 90.0,
                ..f
            })
            .collect();
        v[6].lat += 0.00135;
        let r = clean(&v, T0 + 1_000_000, &Config::default());
        assert_eq!(r[6], Some(Rejection::Spike));
        assert_eq!(r.iter().filter(|x| x.is_some()).count(), 1, "{r:?}");
    }

    #[test]
    fn steady_driving_is_no_spike() {
        // 15 m/s with fixes 10 s apart: every hop is 150 m, all of it explained by speed.
        let v: Vec<Fix> = line(20, 0.0015, 10_000)
            .into_iter()
            .map(|f| Fix {
                speed_mps: 15.0,
                bearing_deg: 90.0,
                ..f
            })
            .collect();
        let r = clean(&v, T0 + 1_000_000, &Config::default());
        assert!(r.iter().all(|x| x.is_none()), "{r:?}");
    }

    #[test]
    fn teleport_does_not_cascade() {
        let mut v = line(10, 0.0001, 1000);
        v[0].lat += 0.05; // first fix 5 km off
        let r = clean(&v, T0 + 1_000_000, &Config::default());
        assert_eq!(r[0], Some(Rejection::Teleport));
        assert!(r[1..].iter().all(|x| x.is_none()), "{r:?}");
    }
}
