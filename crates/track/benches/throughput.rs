//! Throughput of prepare, clean and analyze over ~10 million synthetic fixes (1 Hz rep-days).
//! Run with `cargo bench -p track`; prints fixes per second for one core.

#[path = "../tests/common/sim.rs"]
mod sim;

use std::hint::black_box;
use std::time::Instant;
use track::{Config, Fix, analyze, clean, prepare};

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
}

fn report(what: &str, n: usize, t: Instant) {
    let s = t.elapsed().as_secs_f64();
    println!(
        "{what:<45} {:>8.1} M fixes/s  ({s:.3} s)",
        n as f64 / s / 1e6
    );
}
