//! Whole synthetic rep-days against their truth: working-hours mileage error and stop F1.

mod common;

use common::sim::{self, Day, Spec};
use track::{Analysis, Config, analyze, mileage_within, prepare};

struct Score {
    errors: Vec<f64>,
    tp: usize,
    found: usize,
    truth: usize,
}

fn score(days: impl Iterator<Item = Day>, cfg: &Config) -> Score {
    let mut s = Score {
        errors: vec![],
        tp: 0,
        found: 0,
        truth: 0,
    };
    for mut day in days {
        prepare(&mut day.fixes);
        let a = analyze(&day.fixes, i64::MAX / 2, cfg);
        let got = mileage_within(&a, &day.fixes, &[day.work], cfg);
        let want = day.true_mileage(day.work.0, day.work.1);
        s.errors.push((got - want) / want);
        let (tp, found) = match_stops(&a, &day);
        s.tp += tp;
        s.found += found;
        s.truth += day.stops.len();
    }
    s
}

/// Greedy one-to-one matching: centres within 150 m and overlapping times.
fn match_stops(a: &Analysis, day: &Day) -> (usize, usize) {
    let mut used = vec![false; day.stops.len()];
    let mut tp = 0;
    for s in &a.stops {
        let (x, y) = local(s.lat, s.lon);
        if let Some(k) = day.stops.iter().enumerate().position(|(k, t)| {
            !used[k]
                && ((t.x - x).powi(2) + (t.y - y).powi(2)).sqrt() <= 150.0
                && s.start_ms < t.end_ms
                && t.start_ms < s.end_ms
        }) {
            used[k] = true;
            tp += 1;
        }
    }
    (tp, a.stops.len())
}

fn local(lat: f64, lon: f64) -> (f64, f64) {
    let m = 6_371_008.8 * std::f64::consts::PI / 180.0;
    (
        (lon - sim::LON0) * m * sim::LAT0.to_radians().cos(),
        (lat - sim::LAT0) * m,
    )
}

fn check(name: &str, spec: impl Fn(u64) -> Spec, days: u64) {
    let (median, worst, f1) = measure(name, &spec, days, &Config::default());
    assert!(median <= 0.01 && worst <= 0.05, "{name}: mileage");
    assert!(f1 >= 0.97, "{name}: F1");
}

fn measure(name: &str, spec: &impl Fn(u64) -> Spec, days: u64, cfg: &Config) -> (f64, f64, f64) {
    let s = score((0..days).map(|i| sim::day(&spec(i), i as i64)), cfg);
    let mut abs: Vec<f64> = s.errors.iter().map(|e| e.abs()).collect();
    abs.sort_by(f64::total_cmp);
    let median = abs[abs.len() / 2];
    let worst = abs[abs.len() - 1];
    let bias = s.errors.iter().sum::<f64>() / s.errors.len() as f64;
    let precision = s.tp as f64 / s.found as f64;
    let recall = s.tp as f64 / s.truth as f64;
    let f1 = 2.0 * precision * recall / (precision + recall);
    eprintln!(
        "{name}: mileage median {:.2} % worst {:.2} % bias {:+.2} %; stops P {precision:.3} R {recall:.3} F1 {f1:.3}",
        median * 100.0,
        worst * 100.0,
        bias * 100.0
    );
    (median, worst, f1)
}

/// Parameter sweep for tuning: `cargo test --release -p track --test sim_days -- --ignored --nocapture`.
#[test]
#[ignore = "a tuning tool (parameter sweep), not a check; run with --ignored --nocapture"]
fn sweep() {
    let noise: f64 = std::env::var("NOISE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    for q in [0.5, 2.0, 1e6] {
        for step in [5.0, 10.0, 15.0] {
            let cfg = Config {
                accel_psd: q,
                min_step_m: step,
                ..Config::default()
            };
            let spec = |i| Spec {
                noise,
                ..Spec::new(i)
            };
            measure(&format!("q {q} step {step} 1Hz"), &spec, 30, &cfg);
            measure(
                &format!("q {q} step {step} 5s/30s"),
                &|i| Spec {
                    moving_ms: 5000,
                    still_ms: 30_000,
                    ..spec(i + 1000)
                },
                30,
                &cfg,
            );
        }
    }
}

#[test]
fn one_hertz_days() {
    check("1 Hz", Spec::new, 50);
}

#[test]
fn sparse_days() {
    check(
        "5 s moving / 30 s still",
        |i| Spec {
            moving_ms: 5000,
            still_ms: 30_000,
            ..Spec::new(i + 1000)
        },
        50,
    );
}

/// Per-day detail for tuning: `... -- --ignored --nocapture per_day`.
#[test]
#[ignore = "a tuning tool (per-day detail), not a check; run with --ignored --nocapture"]
fn per_day() {
    let q: f64 = std::env::var("Q")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let cfg = Config {
        accel_psd: q,
        ..Config::default()
    };
    let noise: f64 = std::env::var("NOISE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    for i in 0..30u64 {
        let sparse = std::env::var("SPARSE").is_ok();
        let spec = if sparse {
            Spec {
                moving_ms: 5000,
                still_ms: 30_000,
                noise,
                ..Spec::new(i + 1000)
            }
        } else {
            Spec {
                noise,
                ..Spec::new(i)
            }
        };
        let mut day = sim::day(&spec, i as i64);
        prepare(&mut day.fixes);
        let a = analyze(&day.fixes, i64::MAX / 2, &cfg);
        let got = mileage_within(&a, &day.fixes, &[day.work], &cfg);
        let want = day.true_mileage(day.work.0, day.work.1);
        let all = day.true_mileage(i64::MIN, i64::MAX);
        let (tp, found) = match_stops(&a, &day);
        eprintln!(
            "day {i}: work {:.0} m vs {:.0} m ({:+.2} %), all {:.0} vs {:.0}; stops tp {tp} found {found} true {}",
            got,
            want,
            (got - want) / want * 100.0,
            a.mileage_m,
            all,
            day.stops.len()
        );
        if std::env::var("FP").is_ok() {
            for st in &a.stops {
                let (x, y) = local(st.lat, st.lon);
                let ok = day.stops.iter().any(|t| {
                    ((t.x - x).powi(2) + (t.y - y).powi(2)).sqrt() <= 150.0
                        && st.start_ms < t.end_ms
                        && t.start_ms < st.end_ms
                });
                if !ok {
                    let moved = day.true_mileage(st.start_ms, st.end_ms);
                    eprintln!(
                        "   FP stop {} s radius {:.0} fixes {} truth moved {:.0} m",
                        (st.end_ms - st.start_ms) / 1000,
                        st.radius_m,
                        st.fixes,
                        moved
                    );
                }
            }
        }
        if std::env::var("FN").is_ok() {
            for t in &day.stops {
                let ok = a.stops.iter().any(|st| {
                    let (x, y) = local(st.lat, st.lon);
                    ((t.x - x).powi(2) + (t.y - y).powi(2)).sqrt() <= 150.0
                        && st.start_ms < t.end_ms
                        && t.start_ms < st.end_ms
                });
                if !ok {
                    let near: Vec<_> = a
                        .stops
                        .iter()
                        .filter(|st| st.start_ms < t.end_ms && t.start_ms < st.end_ms)
                        .map(|st| {
                            let (x, y) = local(st.lat, st.lon);
                            (
                                ((t.x - x).powi(2) + (t.y - y).powi(2)).sqrt() as i64,
                                st.start_ms - t.start_ms,
                                st.end_ms - t.end_ms,
                            )
                        })
                        .collect();
                    eprintln!(
                        "   FN true stop {} s; overlapping found (dist, dstart, dend): {near:?}",
                        (t.end_ms - t.start_ms) / 1000
                    );
                }
            }
        }
        if std::env::var("TRIPS").is_ok() {
            for t in &a.trips {
                let truth = day.true_mileage(t.start_ms, t.end_ms);
                eprintln!(
                    "   trip {}..{} ({} s): {:.0} vs {:.0}",
                    t.start_ms,
                    t.end_ms,
                    (t.end_ms - t.start_ms) / 1000,
                    t.distance_m,
                    truth
                );
            }
            for s in &day.stops {
                eprintln!("   true stop {}..{}", s.start_ms, s.end_ms);
            }
            for s in &a.stops {
                eprintln!(
                    "   stop {}..{} truth inside {:.0} m",
                    s.start_ms,
                    s.end_ms,
                    day.true_mileage(s.start_ms, s.end_ms)
                );
            }
        }
    }
}
