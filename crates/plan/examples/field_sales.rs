//! Runs the scheduler and the territory balancer against their baselines on a generated
//! field-sales team, in process, and prints the figures (a quick look while tuning; the
//! benchmark proper goes through the CLI, `bench/plan/run.sh`).
//!
//! `cargo run --release -p plan --example field_sales -- [SEED] [SECONDS] [CUSTOMERS]`

use plan::evaluate::schedule_metrics;
use plan::fieldsales::{Params, generate};
use plan::{baseline, schedule, territory};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seed = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let secs: f64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10.0);
    let customers = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let fs = generate(&Params {
        seed,
        customers,
        ..Params::default()
    });
    let p = &fs.problem;
    let opts = schedule::Options {
        time_limit: Duration::from_secs_f64(secs),
        seed,
        ..schedule::Options::default()
    };
    let t = Instant::now();
    let ours = schedule::schedule(p, &fs.travel, &opts);
    let ours_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let nn = baseline::nearest_neighbour_days(p, &fs.travel, &ours.assignment);
    let nn_s = t.elapsed().as_secs_f64();
    for (name, s, secs) in [("outfield", &ours, ours_s), ("nn-days", &nn, nn_s)] {
        let m = schedule_metrics(p, &fs.travel, &s.assignment, &s.days);
        println!(
            "{name}: met {}/{} ({:.1}%), visits {}, over-cap {}, off-day {}, spacing {}, km/rep-day {:.1}, visits/rep-day {:.2}, rep max/min {:.3} cv {:.3}, day max/min {:.2} cv {:.3}, empty {}, {:.2}s, iters {}",
            m.met,
            m.due_visits,
            m.met_pct(),
            m.visits,
            m.over_capacity_days,
            m.off_day_visits,
            m.spacing_violations,
            m.km_per_rep_day,
            m.visits_per_rep_day,
            m.rep_load_max_min,
            m.rep_load_cv,
            m.day_load_max_min,
            m.day_load_cv,
            m.empty_rep_days,
            secs,
            s.iterations
        );
    }
    let input = territory::Input {
        locations: p.customers.iter().map(|c| c.location).collect(),
        interval_days: p.customers.iter().map(|c| c.interval_days).collect(),
        service_min: p.customers.iter().map(|c| c.service_min).collect(),
        fixed: vec![None; p.customers.len()],
        k: p.reps.len(),
        homes: None,
        load_factor: None,
    };
    let t = Instant::now();
    let bal = territory::balance(
        &input,
        &fs.travel,
        &territory::Options {
            seed,
            ..Default::default()
        },
    );
    let bal_s = t.elapsed().as_secs_f64();
    let rr = territory::round_robin(&input);
    let km = territory::kmedoids_unbalanced(&input, &fs.travel, seed);
    for (name, a) in [
        ("balanced", &bal.assignment),
        ("round-robin", &rr),
        ("kmedoids", &km),
    ] {
        let s = territory::stats(&input, &fs.travel, a);
        println!(
            "{name}: max/min {:.3} cv {:.3} km-to-centre {:.2} travel-share {:.3}",
            s.max_min, s.cv, s.mean_km_to_centre, s.travel_share
        );
    }
    println!("balance took {bal_s:.2}s, {} passes", bal.passes);
}
