//! Territory balancing: fixed customers stay, balance and compactness beat the baselines,
//! and a seed gives one answer.

use plan::fieldsales::{Params, generate};
use plan::territory::{self, Input, Options, kmedoids_unbalanced, round_robin, stats};
use std::time::Duration;

fn input(k: usize, seed: u64) -> (Input, plan::travel::GreatCircle) {
    let fs = generate(&Params {
        reps: k,
        customers: 400,
        districts: 6,
        seed,
    });
    let p = &fs.problem;
    let mut fixed = vec![None; p.customers.len()];
    // A few customers pinned far from each other to the same territory.
    for c in [0, 57, 133, 399] {
        fixed[c] = Some(2);
    }
    (
        Input {
            locations: p.customers.iter().map(|c| c.location).collect(),
            interval_days: p.customers.iter().map(|c| c.interval_days).collect(),
            service_min: p.customers.iter().map(|c| c.service_min).collect(),
            fixed,
            k,
            homes: None,
            load_factor: None,
        },
        fs.travel,
    )
}

fn opts(seed: u64) -> Options {
    Options {
        seed,
        time_limit: Duration::from_secs(20),
        ..Options::default()
    }
}

#[test]
fn fixed_customers_stay_and_balance_beats_the_baselines() {
    for seed in 1..=3 {
        let (inp, travel) = input(6, seed);
        let t = territory::balance(&inp, &travel, &opts(seed));
        for (c, f) in inp.fixed.iter().enumerate() {
            if let Some(f) = f {
                assert_eq!(t.assignment[c], *f);
            }
        }
        let ours = stats(&inp, &travel, &t.assignment);
        let rr = stats(&inp, &travel, &round_robin(&inp));
        let km = stats(&inp, &travel, &kmedoids_unbalanced(&inp, &travel, seed));
        assert!(
            ours.cv < rr.cv && ours.cv < km.cv,
            "seed {seed}: {ours:?} {rr:?} {km:?}"
        );
        assert!(ours.max_min < rr.max_min && ours.max_min < km.max_min);
        assert!(
            ours.mean_km_to_centre < rr.mean_km_to_centre / 2.0,
            "{ours:?} {rr:?}"
        );
        assert!(t.centres.iter().all(Option::is_some), "no empty territory");
    }
}

#[test]
fn baselines_keep_fixed_customers_too() {
    let (inp, travel) = input(5, 4);
    for a in [round_robin(&inp), kmedoids_unbalanced(&inp, &travel, 1)] {
        for c in [0, 57, 133, 399] {
            assert_eq!(a[c], 2);
        }
    }
}

#[test]
fn same_seed_same_territories() {
    let (inp, travel) = input(4, 5);
    let a = territory::balance(&inp, &travel, &opts(7));
    let b = territory::balance(&inp, &travel, &opts(7));
    assert_eq!(a.assignment, b.assignment);
    assert_eq!(a.centres, b.centres);
}
