//! Where does the working-hours mileage error come from? Simulates tracksim rep-days in
//! process (so the true odometer is known at every instant) and splits the error by
//! where it arises: true movement inside detected stops (lost), and trip distance by the
//! length of the interval between odometer knots.
//! `SEED=1 DAYS=20 cargo test --release -p track --test tracksim_diag -- --ignored --nocapture`

use std::collections::BTreeMap;
mod common;

use common::from_tracksim::to_fix;
use track::{Config, Fix, Provider, analyze, mileage_within, prepare};
use tracksim::{
    Config as SimConfig, city::City, local_ms, phone_for, plan::Rep, rng::Dice, rng::mix,
    simulate_day, working_day,
};

/// One day's figures: label, then the error shares printed per source.
type DayRow = (String, f64, f64, f64, f64, f64);

#[test]
#[ignore = "a diagnosis tool (error by interval kind), not a check; run with --ignored --nocapture"]
fn diagnose() {
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(d)
    };
    let sim = SimConfig {
        seed: env("SEED", 1),
        days: env("DAYS", 20) as usize,
        reps: env("REPS", 3) as usize,
        ..SimConfig::default()
    };
    let cfg = Config::default();
    let city = City::new(sim.seed);
    // bucket -> (estimated, true)
    let mut buckets: BTreeMap<(String, &str, &str), (f64, f64, usize)> = BTreeMap::new();
    let mut per_day: Vec<(String, f64, f64, f64, f64, f64)> = Vec::new();
    let mut raw: BTreeMap<bool, (f64, f64, usize)> = BTreeMap::new();
    let (mut lost_in_stops, mut total_true, mut total_est) = (0.0, 0.0, 0.0);
    for r in 0..sim.reps {
        let rep = Rep::new(&city, r, &mut Dice::new(mix(sim.seed, r as u64 + 1, 0)));
        let phone = phone_for(r, &sim);
        for d in 0..sim.days {
            let date = working_day(sim.start, d);
            let day = simulate_day(&sim, &city, &rep, &phone, r, date);
            let track = &day.plan.track;
            let (w0, w1) = (local_ms(date, sim.work_start), local_ms(date, sim.work_end));
            let mut fixes: Vec<Fix> = day.rows.iter().map(to_fix).collect();
            prepare(&mut fixes);
            let a = analyze(&fixes, i64::MAX / 2, &cfg);
            let est = mileage_within(&a, &fixes, &[(w0, w1)], &cfg);
            let truth = track.odo_at(w1) - track.odo_at(w0);
            total_true += track.last().odo_m;
            total_est += a.mileage_m;
            // Whole day (not just the window): knots inside trips sit at fix times; the
            // ones at stop edges are padded guesses, so an interval touching a stop edge
            // is booked with the stop it touches ("stop + its approach/departure legs").
            let edges: std::collections::HashSet<i64> = a
                .stops
                .iter()
                .flat_map(|s| [s.start_ms, s.end_ms])
                .collect();
            let (mut de_edge, mut de_trip, mut de_stop, mut de_mm) = (0.0, 0.0, 0.0, 0.0);
            for w in a.odometer.windows(2) {
                let (k0, k1) = (w[0], w[1]);
                let dt = k1.t_ms - k0.t_ms;
                if dt <= 0 || k0.t_ms < w0 || k1.t_ms > w1 {
                    continue;
                }
                let e = k1.odometer_m - k0.odometer_m;
                let t = track.odo_at(k1.t_ms) - track.odo_at(k0.t_ms);
                // SHOW=min_metres prints every interval off by more than that.
                if let Ok(m) = std::env::var("SHOW")
                    && (e - t).abs() > m.parse::<f64>().unwrap_or(100.0)
                {
                    eprintln!(
                        "    {} {date} {:.1} min after 9:00, {} s: est {e:.0} true {t:.0}",
                        phone.device_id,
                        (k0.t_ms - w0) as f64 / 60e3,
                        dt / 1000
                    );
                }
                let spd =
                    |t: i64| {
                        let i = fixes.partition_point(|f| f.t_ms < t);
                        match fixes.get(i) {
                            Some(f) if f.t_ms == t && f.speed_mps.is_finite() => {
                                if f.speed_mps >= 0.5 { 'm' } else { '0' }
                            }
                            _ => '?',
                        }
                    };
                let mut cls = [spd(k0.t_ms), spd(k1.t_ms)];
                cls.sort();
                let cls: &'static str = match cls {
                    ['0', '0'] => " 00",
                    ['0', 'm'] => " 0m",
                    ['m', 'm'] => " mm",
                    _ => " ??",
                };
                let b = if edges.contains(&k0.t_ms) || edges.contains(&k1.t_ms) {
                    "f: stop edge legs + stops"
                } else {
                    match dt {
                        ..=12_000 => "a: <=12 s",
                        12_001..=25_000 => "b: 12-25 s",
                        25_001..=45_000 => "c: 25-45 s",
                        45_001..=300_000 => "d: 45 s-5 min",
                        _ => "e: >5 min",
                    }
                };
                if b.starts_with('f') {
                    if e == 0.0 {
                        de_stop += e - t
                    } else {
                        de_edge += e - t
                    }
                } else {
                    de_trip += e - t;
                    if cls == " mm" {
                        de_mm += e - t;
                    }
                }
                let x = buckets
                    .entry((phone.sampling.describe(), b, cls))
                    .or_default();
                x.0 += e;
                x.1 += t;
                x.2 += 1;
            }
            for w in fixes.windows(2) {
                let (fa, fb) = (&w[0], &w[1]);
                let dt = fb.t_ms - fa.t_ms;
                if fa.provider == Provider::Network
                    || fb.provider == Provider::Network
                    || dt > 12_000
                    || !(fa.speed_mps >= 1.0 && fb.speed_mps >= 1.0)
                {
                    continue;
                }
                let sp = 0.5 * (fa.speed_mps + fb.speed_mps) as f64 * dt as f64 / 1000.0;
                let t = track.odo_at(fb.t_ms) - track.odo_at(fa.t_ms);
                let straight = (fa.bearing_deg - fb.bearing_deg).abs() < 20.0;
                let x = raw.entry(straight).or_default();
                x.0 += sp;
                x.1 += t;
                x.2 += 1;
            }
            per_day.push((
                phone.sampling.describe(),
                (est - truth) / truth * 100.0,
                de_trip / truth * 100.0,
                de_edge / truth * 100.0,
                de_stop / truth * 100.0,
                de_mm / truth * 100.0,
            ));
            let mut day_lost = 0.0;
            for s in &a.stops {
                day_lost += track.odo_at(s.end_ms) - track.odo_at(s.start_ms);
            }
            lost_in_stops += day_lost;
            // Before the first knot and after the last (no trip there).
            if let (Some(f), Some(l)) = (a.odometer.first(), a.odometer.last()) {
                let x = buckets
                    .entry((String::new(), "g: outside trips", ""))
                    .or_default();
                x.1 += track.odo_at(f.t_ms) - track.odo_at(track.t0_ms)
                    + track.odo_at(track.now_ms())
                    - track.odo_at(l.t_ms);
            }
            if std::env::var("VERBOSE").is_ok() {
                let e0 = mileage_within(&a, &fixes, &[(i64::MIN / 4, w0)], &cfg);
                let e1 = mileage_within(&a, &fixes, &[(w1, i64::MAX / 4)], &cfg);
                let t0 = track.odo_at(w0);
                let t1 = track.last().odo_m - track.odo_at(w1);
                eprintln!(
                    "   before window est {e0:.0} true {t0:.0}; after est {e1:.0} true {t1:.0}"
                );
                for s in a.stops.iter().filter(|s| {
                    (s.start_ms - w0).abs() < 3_600_000 || (s.end_ms - w1).abs() < 3_600_000
                }) {
                    eprintln!(
                        "   stop {:.1}..{:.1} min from 9:00",
                        (s.start_ms - w0) as f64 / 60e3,
                        (s.end_ms - w0) as f64 / 60e3
                    );
                }
                for s in day.plan.stops.iter().filter(|s| {
                    (s.start_ms - w0).abs() < 3_600_000 || (s.end_ms - w1).abs() < 3_600_000
                }) {
                    eprintln!(
                        "   true stop {:.1}..{:.1} min from 9:00",
                        (s.start_ms - w0) as f64 / 60e3,
                        (s.end_ms - w0) as f64 / 60e3
                    );
                }
                eprintln!(
                    "{} {date}: window est {est:.0} true {truth:.0} ({:+.2} %), day {:+.2} %, lost in stops {day_lost:.0}",
                    phone.device_id,
                    (est - truth) / truth * 100.0,
                    (a.mileage_m - track.last().odo_m) / track.last().odo_m * 100.0,
                );
            }
        }
    }
    eprintln!(
        "whole days: est {total_est:.0} true {total_true:.0} ({:+.2} %); true movement inside found stops {lost_in_stops:.0} m ({:.2} %)",
        (total_est - total_true) / total_true * 100.0,
        lost_in_stops / total_true * 100.0
    );
    {
        let sd = |f: &dyn Fn(&DayRow) -> f64| {
            let n = per_day.len() as f64;
            let m = per_day.iter().map(f).sum::<f64>() / n;
            let v = per_day.iter().map(|d| (f(d) - m).powi(2)).sum::<f64>() / n;
            (m, v.sqrt())
        };
        let show = |name: &str, (m, s): (f64, f64)| {
            eprintln!("  per-day {name}: mean {m:+.2} % sd {s:.2} %")
        };
        show("total", sd(&|d| d.1));
        show("trip intervals", sd(&|d| d.2));
        show("trip intervals, speed at both ends", sd(&|d| d.5));
        show("trip intervals, other", sd(&|d| d.2 - d.5));
        show("stop edge legs", sd(&|d| d.3));
        show("stop edge legs + inside stops", sd(&|d| d.3 + d.4));
        show("inside stops", sd(&|d| d.4));
        show("rest (window ends)", sd(&|d| d.1 - d.2 - d.3 - d.4));
    }
    for (straight, (e, t, n)) in raw {
        eprintln!(
            "  raw trapezoid, dense, straight {straight}: {n} intervals, {e:.0} vs {t:.0} ({:+.2} %)",
            (e - t) / t * 100.0
        );
    }
    for ((kind, b, cls), (e, t, n)) in buckets {
        eprintln!(
            "  {}: knots {}{cls}: {n} intervals, est {e:.0} true {t:.0} ({:+.2} % of bucket, {:+.2} % of total)",
            kind,
            b,
            (e - t) / t * 100.0,
            (e - t) / total_true * 100.0
        );
    }
}
