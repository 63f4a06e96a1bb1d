//! Synthetic tracks: what route-simulator (mock-location) apps produce. A real phone's
//! error is correlated over minutes indoors, its drives halt at red lights, its speed
//! changes all the time and its stated accuracy follows the sky; a simulator moves along
//! the route's straight legs at a set speed, never halts between stops, and adds (if
//! anything) independent jitter with an accuracy it makes up. Each of these is an
//! indicator; the day is synthetic when several agree, so one odd trait of an honest day
//! (an expressway drive, a phone that rounds its accuracy) is never enough.

use crate::checks::{Finding, figure};
use crate::day::Day;
use crate::verdict::{Evidence, ReasonCode};

/// Stops shorter than this say too little about the noise.
const STOP_MIN_MS: i64 = 10 * 60_000;
/// Fixes stating worse accuracy are coarse (Wi-Fi/cell) and independent by nature.
const FINE_ACCURACY_M: f32 = 30.0;
/// Von Neumann ratio (mean squared successive difference over variance) at or above
/// which a stop's scatter is white: 2 for independent jitter, 0.1–0.6 for indoor drift
/// sampled every 30–60 s (correlated over 3–10 min).
const WHITE_RATIO: f64 = 1.2;
/// A stop scattering less than this (RMS) has no noise at all.
const QUIET_RMS_M: f64 = 1.0;
/// A trip this long and far should halt (red light, junction) at least once.
const TRIP_MIN_MS: i64 = 4 * 60_000;
const TRIP_MIN_M: f64 = 1500.0;
/// A halt: hops slower than this for at least this long in total, away from the ends.
const HALT_MPS: f64 = 2.0;
const HALT_MIN_S: f64 = 25.0;
const TRIP_EDGE_MS: i64 = 60_000;
/// Share of the driven distance in trips without a halt that is synthetic.
const SMOOTH_SHARE: f64 = 0.85;
/// Coefficient of variation of driving hop speeds below which the speed is "set".
const CONSTANT_SPEED_CV: f64 = 0.2;
/// A middle fix this close to the line through its neighbours is on a ruler-straight leg.
const STRAIGHT_M: f64 = 0.3;
const STRAIGHT_SHARE: f64 = 0.4;
/// Indicators: strong ones count 1, weak ones ½; two make the day synthetic.
const SYNTHETIC_SCORE: f64 = 2.0;

pub(crate) fn check(day: &Day, out: &mut Vec<Finding>) {
    let mut e = Evidence::default();
    let mut score = 0.0;
    let stops: Vec<(i64, i64)> = day
        .analysis
        .stops
        .iter()
        .filter(|s| s.end_ms - s.start_ms >= STOP_MIN_MS)
        .map(|s| (s.start_ms, s.end_ms))
        .collect();

    let (ratios, quiet) = stop_noise(day, &stops);
    if ratios.len() + quiet >= 3 {
        let share_quiet = quiet as f64 / (ratios.len() + quiet) as f64;
        figure(&mut e, "quiet_stop_share", share_quiet);
        if share_quiet >= 0.5 {
            score += 1.0;
        } else if ratios.len() >= 3 {
            let m = median(ratios);
            figure(&mut e, "stop_noise_ratio", m);
            if m >= WHITE_RATIO {
                score += 1.0;
            }
        }
    }

    let drives = drives(day);
    if drives.trips >= 3 {
        let share = drives.smooth_m / drives.total_m;
        figure(&mut e, "smooth_drive_share", share);
        if share >= SMOOTH_SHARE {
            score += 1.0;
        }
    }
    if drives.speeds.len() >= 30 {
        let cv = cv(&drives.speeds);
        figure(&mut e, "speed_cv", cv);
        if cv < CONSTANT_SPEED_CV {
            score += 1.0;
        }
    }
    if drives.triples >= 20 {
        let share = drives.straight as f64 / drives.triples as f64;
        figure(&mut e, "straight_share", share);
        if share >= STRAIGHT_SHARE {
            score += 1.0;
        }
    }

    score += 0.5 * accuracy_indicators(day, &stops, &mut e) as f64;
    figure(&mut e, "indicators", score);
    if score < SYNTHETIC_SCORE {
        return;
    }
    // The evidence drawn: a sample of the day's kept fixes, enough to show the pattern.
    let step = (day.kept.len() / 60).max(1);
    e.points = day
        .kept
        .iter()
        .step_by(step)
        .map(|&i| day.point(i))
        .collect();
    let strength = if score >= 3.0 { 1.5 } else { 1.0 };
    out.push(Finding::new(ReasonCode::SyntheticTrack, strength, e));
}

/// The von Neumann ratio of each noisy stop, and how many stops had no noise at all.
fn stop_noise(day: &Day, stops: &[(i64, i64)]) -> (Vec<f64>, usize) {
    let mut ratios = Vec::new();
    let mut quiet = 0;
    for &(s, t) in stops {
        let pts: Vec<(f64, f64)> = day
            .kept
            .iter()
            .filter(|&&i| {
                let f = &day.fixes[i];
                f.t_ms >= s && f.t_ms <= t && f.accuracy_m > 0.0 && f.accuracy_m <= FINE_ACCURACY_M
            })
            .map(|&i| day.xy[i])
            .collect();
        if pts.len() < 8 {
            continue;
        }
        let n = pts.len() as f64;
        let cx = pts.iter().map(|p| p.0).sum::<f64>() / n;
        let cy = pts.iter().map(|p| p.1).sum::<f64>() / n;
        let var = pts
            .iter()
            .map(|p| (p.0 - cx).powi(2) + (p.1 - cy).powi(2))
            .sum::<f64>()
            / n;
        if var.sqrt() < QUIET_RMS_M {
            quiet += 1;
            continue;
        }
        let succ = pts
            .windows(2)
            .map(|w| (w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2))
            .sum::<f64>()
            / (n - 1.0);
        ratios.push(succ / var);
    }
    (ratios, quiet)
}

#[derive(Default)]
struct Drives {
    trips: usize,
    total_m: f64,
    smooth_m: f64,
    speeds: Vec<f64>,
    triples: usize,
    straight: usize,
}

/// Halts, speeds and straightness of the movement between stops.
fn drives(day: &Day) -> Drives {
    let mut d = Drives::default();
    let stops = &day.analysis.stops;
    let inside = |t: i64| {
        let k = stops.partition_point(|s| s.end_ms < t);
        stops.get(k).is_some_and(|s| s.start_ms <= t)
    };
    // Kept fixes grouped into trips: maximal runs outside stops.
    let mut trip: Vec<usize> = Vec::new();
    let mut trips: Vec<Vec<usize>> = Vec::new();
    for &i in &day.kept {
        if inside(day.fixes[i].t_ms) {
            if !trip.is_empty() {
                trips.push(std::mem::take(&mut trip));
            }
        } else {
            trip.push(i);
        }
    }
    if !trip.is_empty() {
        trips.push(trip);
    }
    for trip in &trips {
        let (Some(&first), Some(&last)) = (trip.first(), trip.last()) else {
            continue;
        };
        let (t0, t1) = (day.fixes[first].t_ms, day.fixes[last].t_ms);
        let mut length = 0.0;
        let mut halt_s = 0.0;
        for w in trip.windows(2) {
            let (a, b) = (w[0], w[1]);
            let dt = (day.fixes[b].t_ms - day.fixes[a].t_ms) as f64 / 1000.0;
            let dist = day.dist(day.xy[a], day.xy[b]);
            length += dist;
            if dt <= 0.0 {
                continue;
            }
            let v = dist / dt;
            let interior =
                day.fixes[a].t_ms >= t0 + TRIP_EDGE_MS && day.fixes[b].t_ms <= t1 - TRIP_EDGE_MS;
            if interior && v < HALT_MPS {
                halt_s += dt;
            }
            if (3.0..=15.0).contains(&dt) && (3.0..45.0).contains(&v) {
                d.speeds.push(v);
            }
        }
        for w in trip.windows(3) {
            let (a, b, c) = (w[0], w[1], w[2]);
            let dt1 = day.fixes[b].t_ms - day.fixes[a].t_ms;
            let dt2 = day.fixes[c].t_ms - day.fixes[b].t_ms;
            if dt1 > 15_000 || dt2 > 15_000 {
                continue;
            }
            let (pa, pb, pc) = (day.xy[a], day.xy[b], day.xy[c]);
            let (ux, uy) = (pc.0 - pa.0, pc.1 - pa.1);
            let len = ux.hypot(uy);
            if len < 40.0 {
                continue;
            }
            let along = ((pb.0 - pa.0) * ux + (pb.1 - pa.1) * uy) / len;
            if along <= 0.0 || along >= len {
                continue;
            }
            let across = ((pb.0 - pa.0) * uy - (pb.1 - pa.1) * ux).abs() / len;
            d.triples += 1;
            if across < STRAIGHT_M {
                d.straight += 1;
            }
        }
        if t1 - t0 >= TRIP_MIN_MS && length >= TRIP_MIN_M {
            d.trips += 1;
            d.total_m += length;
            if halt_s < HALT_MIN_S {
                d.smooth_m += length;
            }
        }
    }
    d
}

/// Weak indicators from the stated accuracies: one value nearly always; sharp accuracy
/// claimed all through long indoor stays; not one coarse fix in hours of stops.
fn accuracy_indicators(day: &Day, stops: &[(i64, i64)], e: &mut Evidence) -> usize {
    let mut n = 0;
    let accs: Vec<u32> = day
        .kept
        .iter()
        .map(|&i| day.fixes[i].accuracy_m.to_bits())
        .collect();
    if accs.len() >= 50 {
        let mut sorted = accs.clone();
        sorted.sort_unstable();
        let mut best = 0;
        let mut run = 0;
        for k in 0..sorted.len() {
            run = if k > 0 && sorted[k] == sorted[k - 1] {
                run + 1
            } else {
                1
            };
            best = best.max(run);
        }
        let share = best as f64 / sorted.len() as f64;
        figure(e, "same_accuracy_share", share);
        if share >= 0.8 {
            n += 1;
        }
    }
    let stay_ms: i64 = stops.iter().map(|(s, t)| t - s).sum();
    let in_stops = |t: i64| stops.iter().any(|&(s, u)| t >= s && t <= u);
    let stop_fixes: Vec<f32> = (0..day.fixes.len())
        .filter(|&i| in_stops(day.fixes[i].t_ms) && day.verdicts[i].is_none())
        .map(|i| day.fixes[i].accuracy_m)
        .collect();
    if stop_fixes.len() >= 40 {
        let sharp = stop_fixes.iter().filter(|&&a| a > 0.0 && a <= 12.0).count();
        let share = sharp as f64 / stop_fixes.len() as f64;
        figure(e, "sharp_at_rest_share", share);
        if share >= 0.9 {
            n += 1;
        }
    }
    if stay_ms >= 3 * 3_600_000 {
        let coarse = day.fixes.iter().filter(|f| f.accuracy_m >= 40.0).count();
        figure(e, "coarse_fixes", coarse as f64);
        if coarse == 0 {
            n += 1;
        }
    }
    n
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

fn cv(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
    if m > 0.0 {
        var.sqrt() / m
    } else {
        f64::INFINITY
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::input::DayFix;

    #[test]
    fn honest_days_are_not_synthetic() {
        for seed in 1..20 {
            assert!(
                findings(&honest_day_seeded(seed), check).is_empty(),
                "seed {seed}"
            );
        }
    }

    /// A simulator's day: straight legs at a set speed, white jitter at rest, made-up
    /// accuracy, no halts.
    fn simulated(jitter_m: f64, seed: u64) -> crate::RepDay {
        let mut n = Noise::new(seed);
        let mut b = Builder::new(seed);
        let mut fixes = Vec::new();
        let mut t = T0;
        let (mut x, mut y) = (0.0, 0.0);
        let legs = [
            (3500.0, 0.0),
            (3500.0, 3500.0),
            (0.0, 3500.0),
            (0.0, 7000.0),
            (-3500.0, 7000.0),
        ];
        let mut push = |t: i64, x: f64, y: f64, n: &mut Noise| {
            let (lat, lon) = ll(x + jitter_m * n.normal(), y + jitter_m * n.normal());
            let acc = [3.0, 5.0, 8.0][(n.next() % 3) as usize];
            fixes.push(DayFix {
                fix: track::Fix::gps(t, lat, lon, acc),
                received_ms: t + 10_000,
            });
        };
        for (tx, ty) in legs {
            // Pause 20 min at the stop.
            for _ in 0..30 {
                push(t, x, y, &mut n);
                t += (n.range(30.0, 50.0) * 1000.0) as i64;
            }
            let len = (tx - x).hypot(ty - y);
            let v = 11.0;
            let mut s = 0.0;
            let (x0, y0) = (x, y);
            while s < len {
                let dt = n.range(5.0, 10.0);
                s = (s + v * n.range(0.9, 1.1) * dt).min(len);
                t += (dt * 1000.0) as i64;
                x = x0 + (tx - x0) * s / len;
                y = y0 + (ty - y0) * s / len;
                push(t, x, y, &mut n);
            }
        }
        b.day.fixes = fixes;
        b.t = t;
        b.build()
    }

    #[test]
    fn a_route_simulator_with_jitter_is_synthetic() {
        for seed in 1..6 {
            let f = findings(&simulated(3.0, seed), check);
            assert_eq!(codes(&f), vec![ReasonCode::SyntheticTrack], "seed {seed}");
            let figs = &f[0].evidence.figures;
            assert!(figs["stop_noise_ratio"] >= WHITE_RATIO, "{figs:?}");
            assert!(figs["smooth_drive_share"] >= SMOOTH_SHARE, "{figs:?}");
        }
    }

    #[test]
    fn a_route_simulator_without_jitter_is_synthetic() {
        let f = findings(&simulated(0.0, 3), check);
        assert_eq!(codes(&f), vec![ReasonCode::SyntheticTrack]);
        let figs = &f[0].evidence.figures;
        assert!(figs["straight_share"] >= STRAIGHT_SHARE, "{figs:?}");
        assert!(figs["quiet_stop_share"] >= 0.5, "{figs:?}");
    }
}
