//! Claims for a tenant month: 500 reps × 22 working days from in-memory day inputs, built,
//! frozen as snapshots, serialised as JSON (what storage would write) and exported as one
//! payout batch. Prints the median of several runs of each step.
//!
//!   cargo bench -p claims --bench build            # 500 reps, 9 runs
//!   CLAIMS_BENCH_REPS=5000 CLAIMS_BENCH_RUNS=5 cargo bench -p claims --bench build

#[path = "../tests/common/team.rs"]
mod team;

use claims::{Claim, ClaimSnapshot, Period, build_claim, payout_export};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let reps = env("CLAIMS_BENCH_REPS", 500);
    let runs = env("CLAIMS_BENCH_RUNS", 9).max(1);
    let period: Period = "2026-12".parse().expect("period");
    let t = team::team(reps, period, 1, 0);
    let working: usize = t.inputs[0]
        .days
        .iter()
        .filter(|d| d.kind == claims::DayKind::WorkingDay)
        .count();
    let day_inputs: usize = t.inputs.iter().map(|i| i.days.len()).sum();
    println!(
        "{reps} reps × {period} ({working} working days each, {day_inputs} day inputs), {runs} runs"
    );

    let (mut build, mut freeze, mut json, mut export) = (vec![], vec![], vec![], vec![]);
    let mut bytes = 0;
    let mut total = 0;
    for _ in 0..runs {
        let s = Instant::now();
        let claims: Vec<Claim> = t
            .inputs
            .iter()
            .map(|i| build_claim(i, &t.rates).expect("claim"))
            .collect();
        build.push(s.elapsed());

        let s = Instant::now();
        let snaps: Vec<ClaimSnapshot> = t
            .inputs
            .iter()
            .map(|i| ClaimSnapshot::freeze(i.clone(), &t.rates).expect("snapshot"))
            .collect();
        freeze.push(s.elapsed());

        let s = Instant::now();
        bytes = snaps
            .iter()
            .map(|s| serde_json::to_vec(s).expect("json").len())
            .sum();
        json.push(s.elapsed());

        let s = Instant::now();
        let batch = payout_export("BENCH-1", &claims).expect("export");
        export.push(s.elapsed());
        total = black_box(batch.total.minor);
    }
    println!(
        "build_claim, all reps:          median {}",
        ms(median(build))
    );
    println!(
        "freeze as snapshots:            median {}",
        ms(median(freeze))
    );
    println!(
        "snapshots to JSON ({:.1} MB):   median {}",
        bytes as f64 / 1e6,
        ms(median(json))
    );
    println!(
        "payout export rows:             median {}",
        ms(median(export))
    );
    println!("(batch total ¥{}.{:02})", total / 100, total % 100);
}
