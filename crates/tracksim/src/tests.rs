//! Properties of the simulator that the benchmark relies on.

use super::*;
use crate::fix::{parse_time, read_csv, write_csv};
use crate::geo::{haversine_m, path_length};

fn small() -> Config {
    Config {
        reps: 3,
        days: 4,
        ..Config::default()
    }
}

/// Every simulated rep-day of `cfg`, with its plan.
fn days(cfg: &Config) -> Vec<SimDay> {
    let city = City::new(cfg.seed);
    let mut out = Vec::new();
    for r in 0..cfg.reps {
        let rep = Rep::new(&city, r, &mut Dice::new(mix(cfg.seed, r as u64 + 1, 0)));
        let phone = phone_for(r, cfg);
        for d in 0..cfg.days {
            out.push(simulate_day(
                cfg,
                &city,
                &rep,
                &phone,
                r,
                working_day(cfg.start, d),
            ));
        }
    }
    out
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let a = generate(&small());
    let b = generate(&small());
    assert_eq!(a.fixes, b.fixes);
    assert_eq!(a.truth, b.truth);
    let c = generate(&Config { seed: 2, ..small() });
    assert_ne!(a.truth, c.truth);
}

#[test]
fn more_days_keep_the_earlier_days() {
    let a = generate(&small());
    let b = generate(&Config { days: 6, ..small() });
    assert_eq!(a.truth.devices[0].days[..4], b.truth.devices[0].days[..4]);
}

#[test]
fn truth_mileage_is_the_path_length() {
    for day in days(&small()) {
        let track = &day.plan.track;
        let legs: f64 = track.legs.iter().map(|l| path_length(l)).sum();
        let odo = track.last().odo_m;
        assert!(
            (legs - odo).abs() < 1e-6 * odo.max(1.0),
            "legs {legs} odometer {odo}"
        );
        assert!((day.truth.mileage_m - odo).abs() <= 0.05 + 1e-9);
        // The 1 Hz positions follow the path: they only cut corners a little.
        let hz: f64 = track
            .samples
            .windows(2)
            .map(|w| haversine_m(w[0].pos, w[1].pos))
            .sum();
        assert!(
            hz <= odo + 1e-6 && hz > 0.995 * odo,
            "1 Hz {hz} odometer {odo}"
        );
        assert!(
            day.truth.work_mileage_m > 3000.0 && day.truth.work_mileage_m < day.truth.mileage_m
        );
        assert!(day.truth.chord_work_mileage_m <= day.truth.work_mileage_m + 0.1);
    }
}

#[test]
fn stops_last_five_minutes_and_lights_under_two() {
    let cfg = Config {
        reps: 3,
        days: 10,
        ..Config::default()
    };
    for day in days(&cfg) {
        let stops = &day.plan.stops;
        let visits = stops
            .iter()
            .filter(|s| s.kind == plan::StopKind::Visit)
            .count();
        assert!((8..=15).contains(&visits), "{visits} visits");
        assert_eq!(
            stops
                .iter()
                .filter(|s| s.kind == plan::StopKind::Lunch)
                .count(),
            1
        );
        for s in stops {
            assert!(s.end_ms - s.start_ms >= 300_000, "{s:?}");
        }
        for w in stops.windows(2) {
            assert!(w[0].end_ms < w[1].start_ms);
        }
        for l in &day.plan.track.lights {
            let secs = (l.end_ms - l.start_ms) / 1000;
            assert!((30..120).contains(&secs), "light {secs} s");
            assert!(
                !stops
                    .iter()
                    .any(|s| s.start_ms < l.end_ms && l.start_ms < s.end_ms)
            );
        }
    }
}

#[test]
fn phones_sample_like_apps() {
    for day in days(&small()) {
        let t = &day.plan.track;
        let real: Vec<&Fix> = day.rows.iter().filter(|f| !f.mock).collect();
        let mut times: Vec<i64> = real.iter().map(|f| f.t_ms).collect();
        times.sort();
        times.dedup();
        for w in times.windows(2) {
            let gap = w[1] - w[0];
            let gap_in_signal = !t.samples[t.index_at(w[0])..t.index_at(w[1])]
                .iter()
                .any(|s| s.no_signal);
            if gap_in_signal {
                assert!((4_700..=60_300).contains(&gap), "gap {gap} ms");
            }
        }
        for f in &real {
            assert!(
                !t.samples[t.index_at(f.t_ms)].no_signal,
                "a fix inside a signal gap"
            );
            assert!(f.accuracy_m > 0.0 && f.accuracy_m <= 600.0);
        }
    }
}

#[test]
fn clean_fixes_are_the_truth() {
    let cfg = Config {
        knobs: Knobs::clean(),
        ..small()
    };
    for day in days(&cfg) {
        assert!(
            day.rows
                .iter()
                .all(|f| !f.mock && f.provider != Provider::Network)
        );
        for f in &day.rows {
            let p = day.plan.track.pos_at(f.t_ms);
            assert!(haversine_m(p, geo::LatLon::new(f.lat, f.lon)) < 1e-6);
        }
        // Sampling alone loses a little at corners and nothing else.
        let (w, c) = (day.truth.work_mileage_m, day.truth.chord_work_mileage_m);
        assert!(c > 0.9 * w, "chord {c} of {w}");
    }
}

#[test]
fn files_round_trip() {
    let data = generate(&Config {
        reps: 2,
        days: 2,
        ..Config::default()
    });
    let mut bytes = Vec::new();
    write_csv(&mut bytes, &data.fixes).unwrap();
    let back = read_csv(bytes.as_slice()).unwrap();
    assert_eq!(back.len(), data.fixes.len());
    for (a, b) in data.fixes.iter().zip(&back) {
        assert_eq!(
            (&a.device_id, a.t_ms, a.provider, a.mock),
            (&b.device_id, b.t_ms, b.provider, b.mock)
        );
        assert!((a.lat - b.lat).abs() < 1e-7 && (a.lon - b.lon).abs() < 1e-7);
        assert!((a.accuracy_m - b.accuracy_m).abs() < 0.051);
        assert_eq!(a.speed_mps.is_some(), b.speed_mps.is_some());
        assert_eq!(a.bearing_deg.is_some(), b.bearing_deg.is_some());
    }
    let mut again = Vec::new();
    write_csv(&mut again, &back).unwrap();
    assert_eq!(bytes, again);
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.lines().nth(1).unwrap().contains("+08:00,"));

    let json = serde_json::to_string(&data.truth).unwrap();
    let truth: Truth = serde_json::from_str(&json).unwrap();
    assert_eq!(truth, data.truth);
    let stop = &truth.devices[0].days[0].stops[0];
    assert!(parse_time(&stop.start).unwrap() < parse_time(&stop.end).unwrap());
}

#[test]
fn artefacts_are_present_but_rare() {
    let data = generate(&Config {
        reps: 3,
        days: 20,
        ..Config::default()
    });
    let rows = data.fixes.len() as f64;
    let mock = data.fixes.iter().filter(|f| f.mock).count();
    assert!(mock > 0 && (mock as f64) < 0.001 * rows, "{mock} mock rows");
    let out_of_order = data
        .fixes
        .windows(2)
        .filter(|w| w[0].device_id == w[1].device_id && w[1].t_ms < w[0].t_ms)
        .count();
    assert!(out_of_order > 0 && (out_of_order as f64) < 0.01 * rows);
    let network = data
        .fixes
        .iter()
        .filter(|f| f.provider == Provider::Network)
        .count();
    assert!(network as f64 > 0.03 * rows);
}
