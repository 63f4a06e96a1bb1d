//! Reports, the pure part: 500 reps × 90 days of in-memory inputs (visits, tracks,
//! attendance, anti-cheat levels, approvals) built into person-day facts, customer facts
//! of the last month, roll-ups by day, week and month, every standard report of the last
//! month (the ranking against the month before), and the insights. Prints the median of
//! several runs of each step. Generating the inputs is not timed; storage is not included.
//!
//!   cargo bench -p reports --bench reports              # 500 reps × 90 days, 5 runs
//!   REPORTS_BENCH_REPS=100 REPORTS_BENCH_DAYS=30 REPORTS_BENCH_RUNS=9 cargo bench -p reports

#[path = "../tests/common/team.rs"]
mod team;

use reports::facts::{CustomerPeriod, PersonDay, customer_period, person_day};
use reports::insights::{Thresholds, insights};
use reports::report::{Filter, ReportName, Sources, build};
use reports::{Grain, PeriodKey, rollup};
use std::collections::BTreeSet;
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
    format!("{:>9.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let reps = env("REPORTS_BENCH_REPS", 500);
    let days = env("REPORTS_BENCH_DAYS", 90) as u32;
    let runs = env("REPORTS_BENCH_RUNS", 5).max(1);
    let t0 = Instant::now();
    let t = team::team(reps, days, 2026);
    let visits: usize = t.inputs.iter().map(|i| i.visits.len()).sum();
    println!(
        "{reps} reps × {days} days: {} person-days, {visits} visits, {} customers, {} requests \
         (generated in {:.1} s), {runs} runs",
        t.inputs.len(),
        t.customers.len(),
        t.approvals.len(),
        t0.elapsed().as_secs_f64()
    );

    let month = PeriodKey::containing(Grain::Month, t.period.to).previous();
    let filter = Filter::period(month.range());
    let everyone: BTreeSet<_> = t.directory.people.keys().copied().collect();
    let customer_inputs = team::customer_inputs(&t, month.range());

    let mut timings: Vec<(String, Vec<Duration>)> = Vec::new();
    let mut time = |name: &str, d: Duration| match timings.iter_mut().find(|(n, _)| n == name) {
        Some((_, v)) => v.push(d),
        None => timings.push((name.to_owned(), vec![d])),
    };
    let mut rows = 0usize;
    for _ in 0..runs {
        let s = Instant::now();
        let facts: Vec<PersonDay> = t.inputs.iter().map(person_day).collect();
        time("person-day facts, all days", s.elapsed());

        // The part of the facts spent in plan's exact best path (the detour ratio).
        let s = Instant::now();
        for i in &t.inputs {
            let mut seen = BTreeSet::new();
            let places: Vec<(f64, f64)> = i
                .visits
                .iter()
                .filter(|v| seen.insert(v.customer))
                .filter_map(|v| v.place)
                .collect();
            black_box(reports::detour::best_open_path_km(&places));
        }
        time("  of which best visiting orders", s.elapsed());

        let s = Instant::now();
        let customers: Vec<CustomerPeriod> = customer_inputs.iter().map(customer_period).collect();
        time(&format!("customer facts, {month}"), s.elapsed());

        for grain in [Grain::Day, Grain::Week, Grain::Month] {
            let s = Instant::now();
            rows += black_box(rollup(&facts, &t.directory, grain)).len();
            time(&format!("roll-up by {grain:?}, all days"), s.elapsed());
        }

        let sources = Sources {
            facts: &facts,
            customers: &customers,
            approvals: &t.approvals,
            directory: &t.directory,
        };
        let all = Instant::now();
        for name in ReportName::ALL {
            let s = Instant::now();
            rows += black_box(build(name, &sources, &filter, &everyone))
                .rows
                .len();
            time(&format!("report {}, {month}", name.as_str()), s.elapsed());
        }
        time("all eleven reports", all.elapsed());

        let s = Instant::now();
        rows += black_box(insights(
            &sources,
            &filter,
            &everyone,
            &Thresholds::default(),
        ))
        .len();
        time(&format!("insights, {month}"), s.elapsed());
    }
    for (name, v) in timings {
        println!("{name:<40} median {}", ms(median(v)));
    }
    println!("({rows} rows and insights in all runs)");
}
