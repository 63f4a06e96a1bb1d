//! Solves one instance file and prints the result as one line of JSON.
//!
//! `cargo run --release -p plan --example solve -- FILE [--time SECONDS] [--seed N]
//! [--objective distance|vehicles]`; the format is chosen by content (VRPLIB files have
//! `KEY : value` lines).

use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut file = None;
    let mut opts = plan::SolveOptions::default();
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).cloned().unwrap_or_else(|| usage());
        match args[i].as_str() {
            "--time" => {
                opts.time_limit =
                    Duration::from_secs_f64(value().parse().unwrap_or_else(|_| usage()));
                i += 1;
            }
            "--seed" => {
                opts.seed = value().parse().unwrap_or_else(|_| usage());
                i += 1;
            }
            "--iterations" => {
                opts.max_iterations = Some(value().parse().unwrap_or_else(|_| usage()));
                i += 1;
            }
            "--objective" => {
                opts.objective = match value().as_str() {
                    "distance" => plan::Objective::Distance,
                    "vehicles" => plan::Objective::VehiclesThenDistance,
                    _ => usage(),
                };
                i += 1;
            }
            f if file.is_none() && !f.starts_with("--") => file = Some(f.to_string()),
            _ => usage(),
        }
        i += 1;
    }
    let file = file.unwrap_or_else(|| usage());
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        eprintln!("{file}: {e}");
        std::process::exit(1)
    });
    let parsed = if text
        .lines()
        .any(|l| l.trim_start().starts_with("DIMENSION"))
    {
        plan::parse_vrplib(&text)
    } else {
        plan::parse_solomon(&text)
    };
    let instance = parsed.unwrap_or_else(|e| {
        eprintln!("{file}: {e}");
        std::process::exit(1)
    });
    let start = Instant::now();
    let sol = plan::solve(&instance, &opts);
    let elapsed = start.elapsed().as_millis();
    if let Err(e) = plan::check(&instance, &sol.routes)
        && sol.feasible
    {
        eprintln!("{file}: solution claimed feasible fails the check: {e}");
        std::process::exit(3);
    }
    let routes: Vec<String> = sol
        .routes
        .iter()
        .map(|r| {
            let v: Vec<String> = r.iter().map(|c| c.to_string()).collect();
            format!("[{}]", v.join(","))
        })
        .collect();
    println!(
        "{{\"instance\":\"{}\",\"vehicles\":{},\"distance\":{},\"routes\":[{}],\"feasible\":{},\"iterations\":{},\"elapsed_ms\":{}}}",
        instance.name,
        sol.vehicles,
        sol.distance,
        routes.join(","),
        sol.feasible,
        sol.iterations,
        elapsed
    );
}

fn usage() -> ! {
    eprintln!(
        "usage: solve FILE [--time SECONDS] [--seed N] [--iterations N] [--objective distance|vehicles]"
    );
    std::process::exit(2)
}
