//! Small hand-built tracks with known answers.

mod common;

use common::sim::Rng;
use track::{Analysis, Config, Fix, Provider, Rejection, analyze, clean, mileage_within, prepare};

/// 2026-06-01T08:00Z.
const T0: i64 = 1_780_300_800_000;
const LAT: f64 = 31.2;
const LON: f64 = 121.45;
const M_LAT: f64 = 1.0 / 111_195.08;
const NOW: i64 = T0 + 7 * 86_400_000;

fn m_lon() -> f64 {
    M_LAT / LAT.to_radians().cos()
}

/// Autocorrelated (Ornstein–Uhlenbeck) position error, stepped once per second.
struct Drift {
    rng: Rng,
    sigma: f64,
    tau: f64,
    e: (f64, f64),
}

impl Drift {
    fn new(seed: u64, sigma: f64, tau: f64) -> Drift {
        Drift {
            rng: Rng(seed),
            sigma,
            tau,
            e: (0.0, 0.0),
        }
    }
    fn step(&mut self, secs: i64) -> (f64, f64) {
        for _ in 0..secs.max(1) {
            let a = (-1.0 / self.tau).exp();
            let s = self.sigma * (1.0 - a * a).sqrt();
            self.e = (
                a * self.e.0 + s * self.rng.normal(),
                a * self.e.1 + s * self.rng.normal(),
            );
        }
        self.e
    }
}

/// A fix at local metres (east, north) from the origin.
fn at(t: i64, x: f64, y: f64, acc: f32) -> Fix {
    Fix::gps(t, LAT + y * M_LAT, LON + x * m_lon(), acc)
}

/// Appends a straight northward drive of `metres` at `speed`, sampled every `dt_s`,
/// starting at (x, y) at time t. Returns the end time and position.
fn drive(
    v: &mut Vec<Fix>,
    noise: &mut Drift,
    t: i64,
    (x, y): (f64, f64),
    metres: f64,
    speed: f64,
    dt_s: i64,
) -> (i64, (f64, f64)) {
    let secs = (metres / speed).round() as i64;
    let mut k = dt_s;
    while k <= secs {
        let e = noise.step(dt_s);
        v.push(at(t + k * 1000, x + e.0, y + speed * k as f64 + e.1, 6.0));
        k += dt_s;
    }
    (t + secs * 1000, (x, y + speed * secs as f64))
}

/// Appends `secs` of a phone lying still at (x, y), sampled every `dt_s`.
fn stay(
    v: &mut Vec<Fix>,
    noise: &mut Drift,
    t: i64,
    (x, y): (f64, f64),
    secs: i64,
    dt_s: i64,
    acc: f32,
) -> i64 {
    let mut k = dt_s;
    while k <= secs {
        let e = noise.step(dt_s);
        v.push(at(t + k * 1000, x + e.0, y + e.1, acc));
        k += dt_s;
    }
    t + secs * 1000
}

fn run(mut v: Vec<Fix>) -> (Vec<Fix>, Analysis) {
    prepare(&mut v);
    let a = analyze(&v, NOW, &Config::default());
    (v, a)
}

#[test]
fn parked_phone_drifting_for_an_hour() {
    let mut v = vec![];
    let mut indoor = Drift::new(1, 25.0, 60.0);
    stay(&mut v, &mut indoor, T0, (0.0, 0.0), 3600, 1, 30.0);
    let (_, a) = run(v);
    assert_eq!(a.stops.len(), 1, "{:?}", a.stops);
    assert_eq!(a.mileage_m, 0.0);
    assert!(a.trips.is_empty());
    let s = &a.stops[0];
    assert!(s.end_ms - s.start_ms > 3_500_000);
}

#[test]
fn straight_ten_km_at_1_hz_and_30_s() {
    for dt in [1, 30] {
        let mut v = vec![];
        let mut gps = Drift::new(2, 4.0, 20.0);
        drive(&mut v, &mut gps, T0, (0.0, 0.0), 10_000.0, 12.0, dt);
        let (_, a) = run(v);
        // Truth between the first fix (one interval in) and the last.
        let n = (10_000.0_f64 / 12.0).round() as i64 / dt;
        let want = 12.0 * ((n - 1) * dt) as f64;
        let err = (a.mileage_m - want).abs() / want;
        assert!(err < 0.01, "dt {dt}: {} m", a.mileage_m);
        assert!(a.stops.is_empty());
    }
}

#[test]
fn tunnel_gap_is_bridged() {
    let mut v = vec![];
    let mut gps = Drift::new(3, 4.0, 20.0);
    let (t, p) = drive(&mut v, &mut gps, T0, (0.0, 0.0), 4_000.0, 15.0, 1);
    let tunnel_end = (p.0, p.1 + 15.0 * 300.0); // five minutes underground
    drive(&mut v, &mut gps, t + 300_000, tunnel_end, 4_000.0, 15.0, 1);
    let (_, a) = run(v);
    let want = 4_000.0 - 15.0 + 4_500.0 + 4_000.0;
    assert!((a.mileage_m - want).abs() / want < 0.01, "{}", a.mileage_m);
    assert_eq!(a.gaps.len(), 1);
    assert_eq!(a.trips.len(), 1);
}

/// A visit: drive 2 km, stay 20 minutes, drive on 2 km.
fn visit(jump: bool) -> Vec<Fix> {
    let mut v = vec![];
    let mut gps = Drift::new(4, 4.0, 20.0);
    let mut indoor = Drift::new(5, 20.0, 60.0);
    let (t, p) = drive(&mut v, &mut gps, T0, (0.0, 0.0), 2_000.0, 12.0, 1);
    let t2 = stay(&mut v, &mut indoor, t, p, 1200, 1, 25.0);
    drive(&mut v, &mut gps, t2, p, 2_000.0, 12.0, 1);
    if jump {
        // Multipath: 250 m east, claiming ±10 m, in the middle of the visit.
        let mid = v.iter().position(|f| f.t_ms == t + 600_000).unwrap();
        v[mid] = at(v[mid].t_ms, p.0 + 250.0, p.1, 10.0);
    }
    v
}

#[test]
fn multipath_jump_in_a_visit() {
    let (_, clean_visit) = run(visit(false));
    let (v, a) = run(visit(true));
    assert_eq!(a.stops.len(), 1, "{:?}", a.stops);
    assert!((a.mileage_m - clean_visit.mileage_m).abs() < 1.0);
    assert!(
        (a.mileage_m - 3_988.0).abs() / 3_988.0 < 0.01,
        "{}",
        a.mileage_m
    );
    let verdicts = clean(&v, NOW, &Config::default());
    assert_eq!(
        verdicts
            .iter()
            .filter(|r| **r == Some(Rejection::Spike))
            .count(),
        1
    );
}

#[test]
fn visit_with_twenty_minute_silence_is_one_stop() {
    let mut v = vec![];
    let mut gps = Drift::new(6, 4.0, 20.0);
    let mut indoor = Drift::new(7, 20.0, 60.0);
    let (t, p) = drive(&mut v, &mut gps, T0, (0.0, 0.0), 2_000.0, 12.0, 1);
    let t = stay(&mut v, &mut indoor, t, p, 120, 1, 25.0);
    indoor.step(1200);
    let t = stay(&mut v, &mut indoor, t + 1_200_000, p, 180, 1, 25.0);
    drive(&mut v, &mut gps, t, p, 2_000.0, 12.0, 1);
    let (_, a) = run(v);
    assert_eq!(a.stops.len(), 1, "{:?}", a.stops);
    assert!(a.stops[0].end_ms - a.stops[0].start_ms >= 1_500_000);
    assert!(
        (a.mileage_m - 3_988.0).abs() / 3_988.0 < 0.01,
        "{}",
        a.mileage_m
    );
}

#[test]
fn traffic_light_is_not_a_stop() {
    let mut v = vec![];
    let mut gps = Drift::new(8, 4.0, 20.0);
    let (t, p) = drive(&mut v, &mut gps, T0, (0.0, 0.0), 1_500.0, 10.0, 1);
    let t = stay(&mut v, &mut gps, t, p, 60, 1, 6.0);
    drive(&mut v, &mut gps, t, p, 1_500.0, 10.0, 1);
    let (_, a) = run(v);
    assert!(a.stops.is_empty(), "{:?}", a.stops);
    assert!(
        (a.mileage_m - 2_990.0).abs() / 2_990.0 < 0.01,
        "{}",
        a.mileage_m
    );
}

#[test]
fn slow_crawl_is_not_a_stop() {
    let mut v = vec![];
    let mut gps = Drift::new(9, 4.0, 20.0);
    // Ten minutes of stop-and-go at 0.5 m/s on average.
    let mut t = T0;
    let mut p = (0.0, 0.0);
    for _ in 0..10 {
        t = stay(&mut v, &mut gps, t, p, 40, 1, 6.0);
        (t, p) = drive(&mut v, &mut gps, t, p, 30.0, 1.5, 1);
    }
    let (_, a) = run(v);
    assert!(a.stops.is_empty(), "{:?}", a.stops);
}

#[test]
fn wifi_fixes_at_a_stop_add_no_distance() {
    let mut v = vec![];
    let mut rng = Rng(10);
    for k in 0..1200 {
        let acc = if k % 7 == 0 { 500.0 } else { 60.0 };
        let mut f = at(
            T0 + k * 15_000,
            acc * 0.6 * rng.normal(),
            acc * 0.6 * rng.normal(),
            acc as f32,
        );
        f.provider = Provider::Network;
        v.push(f);
    }
    let (_, a) = run(v);
    assert_eq!(a.stops.len(), 1, "{:?}", a.stops);
    assert_eq!(a.mileage_m, 0.0);
}

#[test]
fn window_clips_a_drive_by_time() {
    // 08:30 → 09:30 at 10 m/s; window from 09:00.
    let mut v = vec![];
    let mut gps = Drift::new(11, 4.0, 20.0);
    let start = T0 + 1_800_000;
    drive(&mut v, &mut gps, start, (0.0, 0.0), 36_000.0, 10.0, 1);
    let (v, a) = run(v);
    let cfg = Config::default();
    let half = mileage_within(&a, &v, &[(T0 + 3_600_000, T0 + 10 * 3_600_000)], &cfg);
    assert!((half - 18_000.0).abs() < 180.0, "{half} of {}", a.mileage_m);
    let none = mileage_within(&a, &v, &[(T0, start)], &cfg);
    assert_eq!(none, 0.0);
    // Overlapping windows count once.
    let twice = mileage_within(
        &a,
        &v,
        &[(T0, T0 + 86_400_000), (start, start + 60_000)],
        &cfg,
    );
    assert!((twice - a.mileage_m).abs() < 1e-6);
}

#[test]
fn private_drive_outside_the_window_is_not_paid() {
    let mut v = vec![];
    let mut gps = Drift::new(12, 4.0, 20.0);
    let mut indoor = Drift::new(13, 20.0, 60.0);
    // 07:00 drive 5 km (private), customer 07:10–09:10, 09:10 drive 5 km (work).
    let t = T0 - 3_600_000;
    let (t, p) = drive(&mut v, &mut gps, t, (0.0, 0.0), 5_000.0, 10.0, 1);
    let t = stay(&mut v, &mut indoor, t, p, 7200, 1, 25.0);
    drive(&mut v, &mut gps, t, p, 5_000.0, 10.0, 1);
    let (v, a) = run(v);
    let paid = mileage_within(&a, &v, &[(T0, T0 + 9 * 3_600_000)], &Config::default());
    assert!((paid - 5_000.0).abs() < 50.0, "{paid}");
    assert!((a.mileage_m - 9_990.0).abs() < 100.0, "{}", a.mileage_m);
}
