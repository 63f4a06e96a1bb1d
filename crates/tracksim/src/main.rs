//! `tracksim`: writes `fixes.csv` and `truth.json` for the tracking benchmark.

use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::{NaiveDate, NaiveTime};
use clap::Parser;
use tracksim::{Config, Knobs, generate, write_dataset};

/// Simulate field reps' phone GPS traces with ground truth.
#[derive(Parser)]
#[command(name = "tracksim", version)]
struct Args {
    /// Working days (Mon–Fri) per rep.
    #[arg(long, default_value_t = 60)]
    days: usize,
    /// Number of reps (devices).
    #[arg(long, default_value_t = 3)]
    reps: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output folder for fixes.csv and truth.json.
    #[arg(long)]
    out: PathBuf,
    /// First date (YYYY-MM-DD); weekends are skipped.
    #[arg(long, default_value = "2026-03-02")]
    start: NaiveDate,
    /// Working window for the working-hours mileage truth, local time.
    #[arg(long, default_value = "09:00-18:00")]
    work_hours: String,
    /// Sample every N seconds on every device (default: a per-device mix).
    #[arg(long)]
    interval: Option<u32>,
    /// Fixes at the true positions (gaps, duplicates and mock rows remain).
    #[arg(long)]
    no_noise: bool,
    /// No errors and no artefacts at all: only the sampling remains.
    #[arg(long)]
    clean: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let Some((a, b)) = args.work_hours.split_once('-') else {
        bail!("--work-hours is HH:MM-HH:MM")
    };
    let time =
        |s: &str| NaiveTime::parse_from_str(s, "%H:%M").with_context(|| format!("bad time {s:?}"));
    let mut knobs = if args.clean {
        Knobs::clean()
    } else {
        Knobs::default()
    };
    if args.no_noise {
        knobs.noise = false;
        knobs.multipath_p = 0.0;
        knobs.network_scale = 0.0;
    }
    let cfg = Config {
        seed: args.seed,
        reps: args.reps,
        days: args.days,
        start: args.start,
        work_start: time(a)?,
        work_end: time(b)?,
        interval: args.interval,
        knobs,
    };
    if cfg.work_start >= cfg.work_end {
        bail!("--work-hours must start before it ends");
    }
    let data = generate(&cfg);
    write_dataset(&args.out, &data)
        .with_context(|| format!("writing to {}", args.out.display()))?;
    let stops: usize = data
        .truth
        .devices
        .iter()
        .flat_map(|d| &d.days)
        .map(|d| d.stops.len())
        .sum();
    eprintln!(
        "tracksim: {} rep-days, {} rows, {} true stops -> {}",
        cfg.reps * cfg.days,
        data.fixes.len(),
        stops,
        args.out.display()
    );
    Ok(())
}
