//! Throughput of prepare, clean and analyze over ~10 million synthetic fixes (1 Hz rep-days).
//! Run with `cargo bench -p track`; prints fixes per second for one core.

#[path = "../tests/common/sim.rs"]
mod sim;

use std::hint::black_box;
use std::time::Instant;
use track::{Config, Fix, Provider, analyze, clean, prepare};

fn main() {
    let target = std::env::var("TRACK_BENCH_FIXES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000usize);
    let t = Instant::now();
    let mut days: Vec<Vec<Fix>> = Vec::new();
    let mut total = 0;
    let mut i = 0;
    while total < target {
        let d = sim::day(&sim::Spec::new(i), i as i64 % 365).fixes;
        total += d.len();
        days.push(d);
        i += 1;
    }
    println!(
        "generated {total} fixes in {} rep-days ({:.1} s)",
        days.len(),
        t.elapsed().as_secs_f64()
    );
    let cfg = Config::default();
    let now = i64::MAX / 2;

    // prepare: as uploaded, every third block of 100 fixes with its halves swapped.
    let mut shuffled = days.clone();
    for d in &mut shuffled {
        for (k, c) in d.chunks_mut(100).enumerate() {
            if k % 3 == 0 && c.len() == 100 {
                c.rotate_left(50);
            }
        }
    }
    let t = Instant::now();
    for d in &mut shuffled {
        prepare(d);
    }
    report("prepare (batches out of order)", total, t);
    let t = Instant::now();
    for d in &mut days {
        prepare(d);
    }
    report("prepare (already sorted)", total, t);

    let t = Instant::now();
    let mut rejected = 0;
    for d in &days {
        rejected += black_box(clean(d, now, &cfg))
            .iter()
            .filter(|v| v.is_some())
            .count();
    }
    report("clean", total, t);

    let t = Instant::now();
    let (mut km, mut stops) = (0.0, 0);
    for d in &days {
        let a = black_box(analyze(d, now, &cfg));
        km += a.mileage_m / 1000.0;
        stops += a.stops.len();
    }
    report("analyze (clean + stops + trips + mileage)", total, t);
    println!("  ({rejected} rejected, {stops} stops, {km:.0} km)");

    // The same on tracksim rep-days (Doppler speed and bearing, 5-30 s sampling), which
    // exercise the speed-integrating mileage path; repeated up to the target count.
    if let Ok(dir) = std::env::var("TRACKSIM_DIR") {
        let days = tracksim_days(&dir);
        let per_pass: usize = days.iter().map(Vec::len).sum();
        let passes = target.div_ceil(per_pass.max(1));
        let t = Instant::now();
        let (mut km, mut stops) = (0.0, 0);
        for _ in 0..passes {
            for d in &days {
                let a = black_box(analyze(d, now, &cfg));
                km += a.mileage_m / 1000.0;
                stops += a.stops.len();
            }
        }
        report(
            &format!("analyze, tracksim ({} rep-days x {passes})", days.len()),
            per_pass * passes,
            t,
        );
        println!("  ({stops} stops, {km:.0} km)");
    }
}

/// `fixes.csv` of a tracksim data set, split by device and UTC day (close enough to local
/// days for a throughput measurement), prepared.
fn tracksim_days(dir: &str) -> Vec<Vec<Fix>> {
    let csv = std::fs::read_to_string(format!("{dir}/fixes.csv")).expect("fixes.csv");
    let mut by_day: std::collections::BTreeMap<(String, i64), Vec<Fix>> = Default::default();
    for line in csv.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let ts = c[1];
        let n = |a: usize, b: usize| ts[a..b].parse::<i64>().unwrap_or(0);
        // Days since the epoch of the local date, then local ms of the day (+08:00 files).
        let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
        let (yy, mm) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
        let era = yy.div_euclid(400);
        let yoe = yy - era * 400;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + (153 * mm + 2) / 5 + d - 1;
        let days = era * 146_097 + doe - 719_468;
        let ms = ((n(11, 13) * 60 + n(14, 16)) * 60 + n(17, 19)) * 1000 + n(20, 23);
        let t = days * 86_400_000 + ms - 8 * 3_600_000;
        let f32n = |s: &str| s.parse::<f32>().unwrap_or(f32::NAN);
        let f = Fix {
            t_ms: t,
            lat: c[2].parse().unwrap_or(f64::NAN),
            lon: c[3].parse().unwrap_or(f64::NAN),
            accuracy_m: f32n(c[4]),
            speed_mps: f32n(c[5]),
            bearing_deg: f32n(c[6]),
            altitude_m: f32n(c[7]),
            provider: match c[8] {
                "gps" => Provider::Gps,
                "network" => Provider::Network,
                "fused" => Provider::Fused,
                _ => Provider::Unknown,
            },
            mock: c[9] == "true",
        };
        by_day.entry((c[0].to_string(), days)).or_default().push(f);
    }
    let mut out: Vec<Vec<Fix>> = by_day.into_values().collect();
    for d in &mut out {
        prepare(d);
    }
    out
}

fn report(what: &str, n: usize, t: Instant) {
    let s = t.elapsed().as_secs_f64();
    println!(
        "{what:<45} {:>8.1} M fixes/s  ({s:.3} s)",
        n as f64 / s / 1e6
    );
}
