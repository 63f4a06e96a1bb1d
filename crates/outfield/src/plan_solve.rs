//! `outfield plan solve`: one instance file in, the best plan found within the time
//! limit out, re-checked by the independent checker before it is printed.

use crate::cli::{InstanceFormat, PlanObjective};
use anyhow::{Context, anyhow, bail};
use serde::Serialize;
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Serialize)]
struct Output {
    instance: String,
    vehicles: usize,
    distance: f64,
    routes: Vec<Vec<usize>>,
    feasible: bool,
    iterations: u64,
    elapsed_ms: u128,
    /// With `--format json` and client ids: the routes as ids.
    #[serde(skip_serializing_if = "Option::is_none")]
    route_ids: Option<Vec<Vec<Option<String>>>>,
}

/// `1s`, `500ms`, `2.5s` or a bare number of seconds.
pub fn parse_duration(s: &str) -> anyhow::Result<Duration> {
    let t = s.trim();
    let (num, scale) = if let Some(ms) = t.strip_suffix("ms") {
        (ms, 0.001)
    } else if let Some(sec) = t.strip_suffix('s') {
        (sec, 1.0)
    } else {
        (t, 1.0)
    };
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| anyhow!("--time-limit: `{s}` is not a duration like 1s or 500ms"))?;
    if !(v.is_finite() && v > 0.0) {
        bail!("--time-limit: `{s}` must be positive");
    }
    Ok(Duration::from_secs_f64(v * scale))
}

pub fn run(
    instance: &Path,
    format: Option<InstanceFormat>,
    time_limit: &str,
    seed: u64,
    iterations: Option<u64>,
    objective: PlanObjective,
) -> anyhow::Result<()> {
    let shown = instance.display().to_string();
    let text = std::fs::read_to_string(instance).with_context(|| format!("reading {shown}"))?;
    let format = format.unwrap_or(if text.trim_start().starts_with('{') {
        InstanceFormat::Json
    } else if text
        .lines()
        .any(|l| l.trim_start().starts_with("DIMENSION"))
    {
        InstanceFormat::Vrplib
    } else {
        InstanceFormat::Solomon
    });
    let (inst, ids) = match format {
        InstanceFormat::Solomon => (
            plan::parse_solomon(&text).map_err(|e| anyhow!("{shown}: {e}"))?,
            None,
        ),
        InstanceFormat::Vrplib => (
            plan::parse_vrplib(&text).map_err(|e| anyhow!("{shown}: {e}"))?,
            None,
        ),
        InstanceFormat::Json => {
            let j = crate::plan_json::parse(&text).map_err(|e| anyhow!("{shown}: {e}"))?;
            (j.instance, Some(j.ids))
        }
    };
    let opts = plan::SolveOptions {
        time_limit: parse_duration(time_limit)?,
        seed,
        objective: match objective {
            PlanObjective::Distance => plan::Objective::Distance,
            PlanObjective::VehiclesThenDistance => plan::Objective::VehiclesThenDistance,
        },
        max_iterations: iterations,
    };
    let start = Instant::now();
    let sol = plan::solve(&inst, &opts);
    let elapsed_ms = start.elapsed().as_millis();
    if sol.feasible {
        plan::check(&inst, &sol.routes)
            .map_err(|e| anyhow!("{shown}: the plan failed the independent check: {e}"))?;
    }
    let route_ids = ids
        .filter(|ids| ids.iter().any(Option::is_some))
        .map(|ids| {
            sol.routes
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|&c| ids.get(c - 1).cloned().flatten())
                        .collect()
                })
                .collect()
        });
    let out = Output {
        route_ids,
        instance: inst.name.clone(),
        vehicles: sol.vehicles,
        distance: sol.distance,
        routes: sol.routes,
        feasible: sol.feasible,
        iterations: sol.iterations,
        elapsed_ms,
    };
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1s").unwrap(), Duration::from_secs(1));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2.5").unwrap(), Duration::from_millis(2500));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("0s").is_err());
    }
}
