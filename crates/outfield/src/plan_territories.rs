//! `outfield plan territories`: split the customers of a planning file among N reps with
//! balanced workload and compact territories, printed as JSON.
//!
//! Input: the `outfield plan schedule` file (see `plan_schedule.rs`; `start` is required
//! but unused). A customer's `owner` fixes it to that rep's territory. When the file lists
//! exactly `--reps` reps, territories are named by rep id (else numbered from 1), and with
//! `--near-homes` each is kept near its rep's home (the commute then counts in the
//! balanced workload, though not in the printed one).
//!
//! Output: `stats` (workload per 28 days — visits × (service + the leg from the nearest
//! customer of the same territory) — its largest/smallest ratio and coefficient of
//! variation, the mean distance to the territory's medoid in km, and the travel share),
//! then `territories`: per territory its rep, centre customer, workload, and members.

use anyhow::bail;
use plan::territory::{self, Input};
use serde_json::{Value, json};
use std::path::Path;

use crate::plan_schedule::load;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TerritoryMethod {
    /// Balanced, compact territories (the balancer).
    Balanced,
    /// Baseline: customers in file order dealt to reps in turn.
    RoundRobin,
    /// Baseline: plain clustering around medoids, no balancing.
    Kmedoids,
}

fn round3(x: f64) -> Value {
    if x.is_finite() {
        json!((x * 1000.0).round() / 1000.0)
    } else {
        Value::Null
    }
}

pub struct Args<'a> {
    pub input: &'a Path,
    pub customers: Option<&'a Path>,
    pub reps: Option<usize>,
    pub seed: u64,
    pub time_limit: &'a str,
    pub method: TerritoryMethod,
    pub near_homes: bool,
    pub summary_only: bool,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let Args {
        input,
        customers,
        reps,
        seed,
        time_limit,
        method,
        near_homes,
        summary_only,
    } = *a;
    let loaded = load(input, customers)?;
    let p = &loaded.problem;
    let k = reps.unwrap_or(p.reps.len());
    if k == 0 {
        bail!("--reps: give a number of reps (the file lists none)");
    }
    let with_homes = p.reps.len() == k;
    if near_homes && !with_homes {
        bail!("--near-homes: the file must list exactly {k} reps");
    }
    for (i, c) in p.customers.iter().enumerate() {
        if let Some(o) = c.owner
            && o >= k
        {
            bail!("customers[{i}] ({}): owner is rep {} of {k}", c.id, o + 1);
        }
    }
    let inp = Input {
        locations: p.customers.iter().map(|c| c.location).collect(),
        interval_days: p.customers.iter().map(|c| c.interval_days).collect(),
        service_min: p.customers.iter().map(|c| c.service_min).collect(),
        fixed: p.customers.iter().map(|c| c.owner).collect(),
        k,
        homes: near_homes.then(|| p.reps.iter().map(|r| r.home).collect()),
        load_factor: None,
    };
    let started = std::time::Instant::now();
    let (assignment, passes) = match method {
        TerritoryMethod::Balanced => {
            let opts = territory::Options {
                seed,
                time_limit: crate::plan_solve::parse_duration(time_limit)?,
                ..territory::Options::default()
            };
            let t = territory::balance(&inp, &loaded.travel, &opts);
            (t.assignment, t.passes)
        }
        TerritoryMethod::RoundRobin => (territory::round_robin(&inp), 0),
        TerritoryMethod::Kmedoids => (
            territory::kmedoids_unbalanced(&inp, &loaded.travel, seed),
            0,
        ),
    };
    let elapsed_ms = started.elapsed().as_millis();
    let s = territory::stats(&inp, &loaded.travel, &assignment);
    let name = |t: usize| {
        if with_homes {
            p.reps[t].id.clone()
        } else {
            format!("T{}", t + 1)
        }
    };
    let mut out = json!({
        "method": match method {
            TerritoryMethod::Balanced => "balanced",
            TerritoryMethod::RoundRobin => "round-robin",
            TerritoryMethod::Kmedoids => "kmedoids",
        },
        "reps": k,
        "customers": p.customers.len(),
        "elapsed_ms": elapsed_ms,
        "passes": passes,
        "stats": {
            "workload_max_min": round3(s.max_min),
            "workload_cv": round3(s.cv),
            "mean_km_to_centre": round3(s.mean_km_to_centre),
            "travel_share": round3(s.travel_share),
            "workload_min_per_28_days": s.workload.iter().map(|&w| round3(w)).collect::<Vec<_>>(),
        },
    });
    if !summary_only {
        let territories: Vec<Value> = (0..k)
            .map(|t| {
                json!({
                    "rep": name(t),
                    "centre": s.centres[t].map(|c| p.customers[c].id.clone()),
                    "customers": s.customers[t],
                    "workload_min_per_28_days": round3(s.workload[t]),
                    "members": assignment.iter().enumerate()
                        .filter(|&(_, &a)| a == t)
                        .map(|(c, _)| p.customers[c].id.clone())
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        out["territories"] = Value::Array(territories);
    }
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}
