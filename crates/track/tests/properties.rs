//! Properties over many seeded random inputs (hand-rolled generator, no extra dependencies).

mod common;

use common::sim::{self, Rng, Spec};
use track::{Config, Fix, Provider, analyze, clean, mileage_within, prepare, simplify};

const NOW: i64 = i64::MAX / 4;

/// A short synthetic day (5 s sampling keeps debug-mode tests quick).
fn day(seed: u64) -> Vec<Fix> {
    let spec = Spec {
        moving_ms: 5000,
        still_ms: 20_000,
        ..Spec::new(seed)
    };
    let mut v = sim::day(&spec, seed as i64).fixes;
    prepare(&mut v);
    v
}

fn shuffle<T>(v: &mut [T], rng: &mut Rng) {
    for i in (1..v.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
}

#[test]
fn duplicates_never_change_anything() {
    let cfg = Config::default();
    for seed in 0..4 {
        let v = day(seed);
        let base = analyze(&v, NOW, &cfg);
        let mut rng = Rng(seed + 100);
        let mut dup = v.clone();
        for _ in 0..v.len() / 10 {
            dup.push(v[(rng.next_u64() % v.len() as u64) as usize]);
        }
        // Straight after its original, unprepared: `clean` calls it a duplicate.
        let mut inline = v.clone();
        let at = (rng.next_u64() % v.len() as u64) as usize;
        inline.insert(at, v[at]);
        assert_eq!(analyze(&inline, NOW, &cfg).mileage_m, base.mileage_m);
        prepare(&mut dup);
        assert_eq!(analyze(&dup, NOW, &cfg), base);
    }
}

#[test]
fn order_does_not_matter_after_prepare() {
    let cfg = Config::default();
    for seed in 10..14 {
        let mut v = day(seed);
        let mut rng = Rng(seed);
        // Same-instant rivals with other accuracies, and repeats.
        for _ in 0..50 {
            let mut f = v[(rng.next_u64() % v.len() as u64) as usize];
            f.accuracy_m = [3.0, 50.0, f32::NAN][(rng.next_u64() % 3) as usize];
            f.lat += 1e-4;
            v.push(f);
        }
        let mut a = v.clone();
        let mut b = v.clone();
        b.extend_from_slice(&v[..100]);
        shuffle(&mut b, &mut rng);
        prepare(&mut a);
        prepare(&mut b);
        // Debug text compares NaN fields by their spelling, as the bits they are.
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_eq!(analyze(&a, NOW, &cfg), analyze(&b, NOW, &cfg));
    }
}

#[test]
fn one_window_over_everything_is_the_whole_mileage() {
    let cfg = Config::default();
    for seed in 20..24 {
        let v = day(seed);
        let a = analyze(&v, NOW, &cfg);
        assert!(a.mileage_m > 1000.0);
        let all = mileage_within(&a, &v, &[(i64::MIN, i64::MAX)], &cfg);
        assert!(
            (all - a.mileage_m).abs() <= 1e-6 * a.mileage_m,
            "{all} vs {}",
            a.mileage_m
        );
        // Windows that tile the day add up to the same.
        let (f, l) = (a.first_fix_ms.unwrap(), a.last_fix_ms.unwrap());
        let cuts: Vec<i64> = (0..=7).map(|k| f + (l - f) * k / 7).collect();
        let parts: f64 = cuts
            .windows(2)
            .map(|w| mileage_within(&a, &v, &[(w[0], w[1])], &cfg))
            .sum();
        assert!((parts - a.mileage_m).abs() <= 1e-6 * a.mileage_m);
        // Trips add up to the mileage.
        let trips: f64 = a.trips.iter().map(|t| t.distance_m).sum();
        assert!((trips - a.mileage_m).abs() <= 1e-6 * a.mileage_m);
    }
}

#[test]
fn simplification_error_within_tolerance() {
    let mut rng = Rng(7);
    for case in 0..200 {
        let n = (rng.next_u64() % 300) as usize;
        let (mut lat, mut lon) = (rng.range(-60.0, 60.0), rng.range(-179.0, 179.0));
        let mut pts = Vec::with_capacity(n);
        for _ in 0..n {
            lat += rng.normal() * 1e-4;
            lon += rng.normal() * 1e-4;
            pts.push((lat, lon));
        }
        let tol = rng.range(0.0, 50.0);
        let (idx, err) = simplify(&pts, tol);
        assert!(err <= tol, "case {case}: {err} > {tol}");
        if n > 0 {
            assert_eq!(idx[0], 0);
            assert_eq!(*idx.last().unwrap(), n - 1);
        }
        assert!(idx.windows(2).all(|w| w[0] < w[1]));
    }
}

/// Arbitrary fixes, including garbage: nothing may panic and the outputs stay sane.
fn garbage(rng: &mut Rng, n: usize) -> Vec<Fix> {
    let pick = |rng: &mut Rng, xs: &[f64]| xs[(rng.next_u64() % xs.len() as u64) as usize];
    let specials = [
        f64::NAN,
        f64::INFINITY,
        -f64::INFINITY,
        0.0,
        -0.0,
        1e308,
        -1e308,
        90.0,
        180.0,
        -180.0,
    ];
    (0..n)
        .map(|_| {
            let special = rng.chance(0.1);
            Fix {
                t_ms: if rng.chance(0.05) {
                    [i64::MIN, i64::MAX, 0, -1][(rng.next_u64() % 4) as usize]
                } else {
                    1_780_000_000_000 + (rng.next_u64() % 86_400_000) as i64
                },
                lat: if special {
                    pick(rng, &specials)
                } else {
                    31.2 + rng.normal() * 0.01
                },
                lon: if rng.chance(0.1) {
                    pick(rng, &specials)
                } else {
                    121.4 + rng.normal() * 0.01
                },
                accuracy_m: pick(rng, &[f64::NAN, 0.0, -5.0, 5.0, 30.0, 300.0, f64::INFINITY])
                    as f32,
                speed_mps: pick(rng, &[f64::NAN, 0.0, 10.0]) as f32,
                bearing_deg: f32::NAN,
                altitude_m: f32::NAN,
                provider: [
                    Provider::Gps,
                    Provider::Network,
                    Provider::Fused,
                    Provider::Unknown,
                ][(rng.next_u64() % 4) as usize],
                mock: rng.chance(0.05),
            }
        })
        .collect()
}

#[test]
fn never_panics_on_garbage() {
    let cfg = Config::default();
    let mut rng = Rng(99);
    for case in 0..300 {
        let n = (rng.next_u64() % 400) as usize;
        let mut v = garbage(&mut rng, n);
        // Unprepared first, then prepared.
        for round in 0..2 {
            let verdicts = clean(&v, 1_780_050_000_000, &cfg);
            assert_eq!(verdicts.len(), v.len());
            let a = analyze(&v, 1_780_050_000_000, &cfg);
            assert_eq!(a.kept + a.rejected, v.len(), "case {case} round {round}");
            assert!(
                a.mileage_m.is_finite() && a.mileage_m >= 0.0,
                "case {case}: {}",
                a.mileage_m
            );
            for s in &a.stops {
                assert!(s.start_ms <= s.end_ms && s.lat.is_finite() && s.lon.is_finite());
            }
            let w = mileage_within(&a, &v, &[(i64::MIN, i64::MAX), (5, 3)], &cfg);
            assert!(w.is_finite());
            let pts: Vec<(f64, f64)> = v.iter().map(|f| (f.lat, f.lon)).collect();
            simplify(&pts, f64::NAN);
            prepare(&mut v);
        }
        // Odd configurations must not panic either.
        let odd = Config {
            stop_radius_m: 0.0,
            min_stop_ms: 0,
            accel_psd: 0.0,
            min_step_m: f64::NAN,
            gap_detour_factor: f64::INFINITY,
            spike_max_fixes: 0,
            ..Config::default()
        };
        analyze(&v, 1_780_050_000_000, &odd);
    }
}

#[test]
fn kept_fixes_are_increasing_in_time() {
    let cfg = Config::default();
    let mut rng = Rng(5);
    for _ in 0..100 {
        let v = garbage(&mut rng, 200);
        let verdicts = clean(&v, 1_780_050_000_000, &cfg);
        let kept: Vec<i64> = v
            .iter()
            .zip(&verdicts)
            .filter(|(_, r)| r.is_none())
            .map(|(f, _)| f.t_ms)
            .collect();
        assert!(kept.windows(2).all(|w| w[0] < w[1]));
    }
}
