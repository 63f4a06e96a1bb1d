//! `outfield plan schedule`: a team's visit plan over a horizon from a JSON file (and
//! optionally a customer spreadsheet), printed as JSON.
//!
//! Input (`--input FILE.json`):
//!
//! ```json
//! {
//!   "start": "2026-12-28", "days": 28, "holidays": ["2027-01-01"], "workdays": [],
//!   "travel": {"mode": "drive", "detour": 1.3, "speed_kmh": 30},
//!   "reps": [{"id": "R01", "lat": 31.2, "lon": 121.4,
//!             "working_days": ["mon", "tue", "wed", "thu", "fri"],
//!             "shift": "09:00-17:00", "max_visits": 12, "max_minutes": 480}],
//!   "customers": [{"id": "C0001", "lat": 31.21, "lon": 121.45, "level": "A",
//!                  "frequency_days": 7, "service_min": 20, "last_visit": "2026-12-21",
//!                  "owner": "R01", "hours": "10:00-21:00"}]
//! }
//! ```
//!
//! `days` defaults to 28, `travel` to driving at 30 km/h with a 1.3 detour, a rep's
//! `working_days` to Monday–Friday and `shift` to 09:00–17:00 (travel included). A
//! customer needs `level` (A weekly, B every 14 days, C every 28) or `frequency_days`;
//! `service_min` defaults to 20; `last_visit`, `owner` (a rep id) and `hours` are optional.
//! `--customers FILE.csv|xlsx` replaces `customers` by a sheet with the columns id, lat,
//! lon, level, service_min, last_visit, owner (frequency_days and hours too, if present).
//!
//! Output: `summary` (the independent evaluation: due visits met, capacity and calendar
//! breaches, travel, balance), `days` (per rep and working day the ordered visits with
//! planned arrival times) and `customers` (per customer each due visit: its due date,
//! window, reason, planned date or why it could not be placed). `--summary` prints the
//! summary alone.

use anyhow::{Context, anyhow, bail};
use plan::date::Date;
use plan::evaluate::{ScheduleMetrics, schedule_metrics};
use plan::schedule::{self, Customer, DueReason, Problem, Rep, Schedule, Unplaced};
use plan::travel::{GreatCircle, Mode};
use serde::Deserialize;
use serde_json::{Value, json};
use std::path::Path;

use crate::plan_solve::parse_duration;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InputFile {
    start: String,
    #[serde(default = "default_days")]
    days: u32,
    #[serde(default)]
    holidays: Vec<String>,
    /// Make-up working days (调休), worked whatever the weekday.
    #[serde(default)]
    workdays: Vec<String>,
    #[serde(default)]
    travel: TravelIn,
    #[serde(default)]
    reps: Vec<RepIn>,
    #[serde(default)]
    customers: Vec<CustomerIn>,
}

fn default_days() -> u32 {
    28
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TravelIn {
    mode: Option<String>,
    detour: Option<f64>,
    speed_kmh: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RepIn {
    id: String,
    lat: f64,
    lon: f64,
    working_days: Option<Vec<String>>,
    shift: Option<String>,
    max_visits: Option<usize>,
    max_minutes: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerIn {
    id: String,
    lat: f64,
    lon: f64,
    level: Option<String>,
    frequency_days: Option<u32>,
    service_min: Option<f64>,
    last_visit: Option<String>,
    owner: Option<String>,
    hours: Option<String>,
}

/// A planning problem as read: the problem, its travel model (reps' homes first, then the
/// customers) and the ids for printing.
pub struct Loaded {
    pub problem: Problem,
    pub travel: GreatCircle,
}

/// `HH:MM` to minutes after midnight.
fn clock(s: &str) -> Option<f64> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(f64::from(h * 60 + m))
}

/// `HH:MM-HH:MM`.
fn span(s: &str, what: &str) -> anyhow::Result<(f64, f64)> {
    let bad = || anyhow!("{what}: `{s}` is not a span like 09:00-17:00");
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let (a, b) = (clock(a).ok_or_else(bad)?, clock(b).ok_or_else(bad)?);
    if b <= a {
        return Err(bad());
    }
    Ok((a, b))
}

fn hhmm(min: f64) -> String {
    let m = min.round() as i64;
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn weekday(s: &str) -> Option<usize> {
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let t = s.trim().to_ascii_lowercase();
    days.iter().position(|d| t.starts_with(d)).or_else(|| {
        t.parse::<usize>()
            .ok()
            .filter(|n| (1..=7).contains(n))
            .map(|n| n - 1)
    })
}

fn date(s: &str, what: &str) -> anyhow::Result<Date> {
    Date::parse(s).map_err(|e| anyhow!("{what}: {e}"))
}

/// Customer rows from a CSV or XLSX sheet with named columns.
fn sheet_customers(path: &Path) -> anyhow::Result<Vec<CustomerIn>> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("reading {shown}"))?;
    let name = path.file_name().and_then(|n| n.to_str());
    let format = tabular::SheetFormat::detect(&bytes, name)
        .ok_or_else(|| anyhow!("{shown}: not a .csv or .xlsx file"))?;
    let sheet = tabular::read_sheet(&bytes, format, &tabular::ReadOptions::default())
        .map_err(|e| anyhow!("{shown}: {e}"))?;
    let col = |name: &str| {
        sheet
            .headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(id), Some(lat), Some(lon)) = (col("id"), col("lat"), col("lon")) else {
        bail!("{shown}: the columns id, lat and lon are required");
    };
    let cols = [
        col("level"),
        col("service_min"),
        col("last_visit"),
        col("owner"),
        col("frequency_days"),
        col("hours"),
    ];
    let mut out = Vec::new();
    for row in &sheet.rows {
        let cell = |i: Option<usize>| {
            i.and_then(|i| row.cells.get(i))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let num = |i: usize, what: &str| -> anyhow::Result<f64> {
            cell(Some(i))
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| anyhow!("{shown}: row {}: {what} is not a number", row.number))
        };
        let opt_num = |i: Option<usize>, what: &str| -> anyhow::Result<Option<f64>> {
            match cell(i) {
                None => Ok(None),
                Some(s) => s.parse().map(Some).map_err(|_| {
                    anyhow!("{shown}: row {}: {what} `{s}` is not a number", row.number)
                }),
            }
        };
        out.push(CustomerIn {
            id: cell(Some(id))
                .ok_or_else(|| anyhow!("{shown}: row {}: id is empty", row.number))?,
            lat: num(lat, "lat")?,
            lon: num(lon, "lon")?,
            level: cell(cols[0]),
            service_min: opt_num(cols[1], "service_min")?,
            last_visit: cell(cols[2]),
            owner: cell(cols[3]),
            frequency_days: opt_num(cols[4], "frequency_days")?.map(|f| f as u32),
            hours: cell(cols[5]),
        });
    }
    Ok(out)
}

/// Reads and checks the input; every problem names the rep or customer.
pub fn load(input: &Path, customers_sheet: Option<&Path>) -> anyhow::Result<Loaded> {
    let shown = input.display().to_string();
    let text = std::fs::read_to_string(input).with_context(|| format!("reading {shown}"))?;
    let mut file: InputFile = serde_json::from_str(&text).map_err(|e| anyhow!("{shown}: {e}"))?;
    if let Some(sheet) = customers_sheet {
        file.customers = sheet_customers(sheet)?;
    }
    let start = date(&file.start, "start")?;
    if file.days == 0 || file.days > 366 {
        bail!("days: {} is not within 1..=366", file.days);
    }
    let holidays = file
        .holidays
        .iter()
        .map(|h| date(h, "holidays"))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let workdays = file
        .workdays
        .iter()
        .map(|h| date(h, "workdays"))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mode = match &file.travel.mode {
        None => Mode::Drive,
        Some(m) => Mode::parse(m)
            .ok_or_else(|| anyhow!("travel.mode: `{m}` is not drive, ride or walk"))?,
    };
    let mut points = Vec::new();
    let mut reps = Vec::new();
    for (i, r) in file.reps.iter().enumerate() {
        let what = format!("reps[{i}] ({})", r.id);
        if !(-90.0..=90.0).contains(&r.lat) || !(-180.0..=180.0).contains(&r.lon) {
            bail!("{what}: lat/lon out of range");
        }
        let mut working_days = [true, true, true, true, true, false, false];
        if let Some(days) = &r.working_days {
            working_days = [false; 7];
            for d in days {
                let w = weekday(d).ok_or_else(|| anyhow!("{what}: `{d}` is not a weekday"))?;
                working_days[w] = true;
            }
        }
        let shift = match &r.shift {
            Some(s) => span(s, &format!("{what}.shift"))?,
            None => (540.0, 1020.0),
        };
        points.push((r.lat, r.lon));
        reps.push(Rep {
            id: r.id.clone(),
            home: i,
            working_days,
            shift,
            max_visits: r.max_visits,
            max_minutes: r.max_minutes,
        });
    }
    let mut customers = Vec::new();
    for (i, c) in file.customers.iter().enumerate() {
        let what = format!("customers[{i}] ({})", c.id);
        if !(-90.0..=90.0).contains(&c.lat) || !(-180.0..=180.0).contains(&c.lon) {
            bail!("{what}: lat/lon out of range");
        }
        let interval = match (c.frequency_days, &c.level) {
            (Some(f), _) if f > 0 => f,
            (Some(_), _) => bail!("{what}: frequency_days must be positive"),
            (None, Some(l)) => schedule::level_interval(l).ok_or_else(|| {
                anyhow!("{what}: level `{l}` is not A, B or C (or give frequency_days)")
            })?,
            (None, None) => bail!("{what}: give a level or frequency_days"),
        };
        let service_min = c.service_min.unwrap_or(20.0);
        if !(0.0..=24.0 * 60.0).contains(&service_min) {
            bail!("{what}: service_min {service_min} is out of range");
        }
        let owner = match &c.owner {
            None => None,
            Some(o) => Some(
                reps.iter()
                    .position(|r| &r.id == o)
                    .ok_or_else(|| anyhow!("{what}: owner `{o}` is not a rep id"))?,
            ),
        };
        let last_visit = c
            .last_visit
            .as_deref()
            .map(|d| date(d, &format!("{what}.last_visit")))
            .transpose()?;
        let hours = c
            .hours
            .as_deref()
            .map(|h| span(h, &format!("{what}.hours")))
            .transpose()?;
        points.push((c.lat, c.lon));
        customers.push(Customer {
            id: c.id.clone(),
            location: file.reps.len() + i,
            interval_days: interval,
            service_min,
            last_visit,
            owner,
            hours,
        });
    }
    let mut travel = GreatCircle::new(points, mode);
    if let Some(d) = file.travel.detour {
        if !(1.0..=5.0).contains(&d) {
            bail!("travel.detour: {d} is not within 1..=5");
        }
        travel.detour = d;
    }
    if let Some(s) = file.travel.speed_kmh {
        if !(s > 0.0 && s < 200.0) {
            bail!("travel.speed_kmh: {s} is not within 0..200");
        }
        travel.speed_kmh = s;
    }
    Ok(Loaded {
        problem: Problem {
            reps,
            customers,
            holidays,
            workdays,
            start,
            days: file.days,
        },
        travel,
    })
}

/// Infinite ratios (an empty territory or day) print as null.
fn finite(x: f64) -> Value {
    if x.is_finite() {
        json!((x * 1000.0).round() / 1000.0)
    } else {
        Value::Null
    }
}

fn summary(m: &ScheduleMetrics) -> Value {
    json!({
        "due_visits": m.due_visits,
        "met": m.met,
        "met_pct": finite(m.met_pct()),
        "visits": m.visits,
        "over_capacity_days": m.over_capacity_days,
        "off_day_visits": m.off_day_visits,
        "opening_violations": m.opening_violations,
        "spacing_violations": m.spacing_violations,
        "rep_days": m.rep_days,
        "empty_rep_days": m.empty_rep_days,
        "travel_km": finite(m.travel_km),
        "km_per_rep_day": finite(m.km_per_rep_day),
        "visits_per_rep_day": finite(m.visits_per_rep_day),
        "rep_load_max_min": finite(m.rep_load_max_min),
        "rep_load_cv": finite(m.rep_load_cv),
        "day_load_max_min": finite(m.day_load_max_min),
        "day_load_cv": finite(m.day_load_cv),
    })
}

fn reason(r: &DueReason) -> String {
    match r {
        DueReason::Interval { last, interval } => format!("last visit {last} + {interval} days"),
        DueReason::Overdue { due, interval } => {
            format!("overdue since {due} (every {interval} days)")
        }
        DueReason::NeverVisited => "never visited".to_string(),
        DueReason::Repeat { previous, interval } => {
            format!("{interval} days after the visit due {previous}")
        }
    }
}

fn unplaced(u: Unplaced) -> &'static str {
    match u {
        Unplaced::NoRep => "no_rep",
        Unplaced::NoWorkingDay => "no_working_day",
        Unplaced::DoesNotFitDay => "does_not_fit_day",
        Unplaced::NoRoom => "no_room",
    }
}

fn full(p: &Problem, s: &Schedule) -> (Value, Value) {
    let days: Vec<Value> = s
        .days
        .iter()
        .map(|d| {
            json!({
                "rep": p.reps[d.rep].id,
                "date": d.date.to_string(),
                "leave": hhmm(d.start_min),
                "back": hhmm(d.end_min),
                "km": finite(d.km),
                "travel_min": finite(d.travel_min),
                "visits": d.stops.iter().map(|st| json!({
                    "customer": p.customers[st.customer].id,
                    "arrive": hhmm(st.arrival_min),
                    "start": hhmm(st.start_min),
                    "depart": hhmm(st.departure_min),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let customers: Vec<Value> = s
        .customers
        .iter()
        .map(|c| {
            json!({
                "id": p.customers[c.customer].id,
                "rep": c.rep.map(|r| p.reps[r].id.clone()),
                "due": c.due.iter().map(|v| json!({
                    "due": v.target.to_string(),
                    "window": [v.earliest.to_string(), v.latest.to_string()],
                    "reason": reason(&v.reason),
                    "planned": v.placed.map(|d| d.to_string()),
                    "unplaced": v.unplaced.map(unplaced),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    (Value::Array(days), Value::Array(customers))
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScheduleMethod {
    /// The visit-frequency planner.
    Outfield,
    /// Baseline: each day from home to the nearest due customer until the day is full.
    NearestNeighbour,
}

pub struct Args<'a> {
    pub input: &'a Path,
    pub customers: Option<&'a Path>,
    pub time_limit: &'a str,
    pub seed: u64,
    pub iterations: Option<u64>,
    pub day_balance: f64,
    pub method: ScheduleMethod,
    pub summary_only: bool,
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    let loaded = load(a.input, a.customers)?;
    let p = &loaded.problem;
    if p.reps.is_empty() {
        bail!("reps: at least one rep is needed");
    }
    let time_limit = parse_duration(a.time_limit)?;
    let started = std::time::Instant::now();
    let opts = schedule::Options {
        time_limit,
        seed: a.seed,
        max_iterations: a.iterations,
    };
    let weights = schedule::Weights {
        day_balance: a.day_balance,
    };
    let s = match a.method {
        ScheduleMethod::Outfield => schedule::schedule_weighted(p, &loaded.travel, &opts, &weights),
        ScheduleMethod::NearestNeighbour => {
            // The same customer-to-rep split as the planner, so only the days differ.
            let assignment = schedule::assign_reps(p, &loaded.travel, a.seed, time_limit);
            plan::baseline::nearest_neighbour_days(p, &loaded.travel, &assignment)
        }
    };
    let elapsed_ms = started.elapsed().as_millis();
    let m = schedule_metrics(p, &loaded.travel, &s.assignment, &s.days);
    let mut out = json!({
        "method": match a.method { ScheduleMethod::Outfield => "outfield", ScheduleMethod::NearestNeighbour => "nearest-neighbour" },
        "reps": p.reps.len(),
        "customers": p.customers.len(),
        "elapsed_ms": elapsed_ms,
        "iterations": s.iterations,
        "summary": summary(&m),
    });
    if !a.summary_only {
        let (days, customers) = full(p, &s);
        out["days"] = days;
        out["customers"] = customers;
    }
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_spans_weekdays() {
        assert_eq!(clock("09:30"), Some(570.0));
        assert_eq!(span("09:00-17:00", "x").unwrap(), (540.0, 1020.0));
        assert!(span("17:00-09:00", "x").is_err());
        assert_eq!(weekday("Friday"), Some(4));
        assert_eq!(weekday("7"), Some(6));
        assert_eq!(hhmm(545.4), "09:05");
    }
}

#[cfg(test)]
mod load_tests {
    use super::load;

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("outfield-plan-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn reads_a_minimal_file_and_names_bad_customers() {
        let ok = write(
            "ok.json",
            r#"{"start":"2026-12-28","holidays":["2027-01-01"],
               "reps":[{"id":"R1","lat":31.2,"lon":121.4,"working_days":["mon","wed"]}],
               "customers":[{"id":"C1","lat":31.21,"lon":121.41,"level":"b","owner":"R1",
                             "hours":"10:00-12:00","last_visit":"2026-12-20"}]}"#,
        );
        let l = load(&ok, None).unwrap();
        assert_eq!(l.problem.days, 28);
        assert_eq!(l.problem.customers[0].interval_days, 14);
        assert_eq!(l.problem.customers[0].owner, Some(0));
        assert_eq!(
            l.problem.reps[0].working_days,
            [true, false, true, false, false, false, false]
        );
        assert_eq!(l.problem.customers[0].location, 1, "homes come first");
        let bad = write(
            "bad.json",
            r#"{"start":"2026-12-28","reps":[],
               "customers":[{"id":"C9","lat":31.2,"lon":121.4,"level":"Z"}]}"#,
        );
        let e = load(&bad, None).err().unwrap().to_string();
        assert!(e.contains("C9") && e.contains("level"), "{e}");
        let _ = std::fs::remove_file(ok);
        let _ = std::fs::remove_file(bad);
    }
}
