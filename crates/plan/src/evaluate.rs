//! Scoring a multi-day plan independently of whoever made it: the rep-days are re-timed
//! from the travel model, due visits are matched to the visits made, and the rules
//! (shift, visit cap, opening hours, working days, spacing) are counted when broken.

use crate::schedule::due::{self, Window};
use crate::schedule::{Problem, RepDay};
use crate::travel::Travel;

const EPS: f64 = 1e-6;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScheduleMetrics {
    /// Visits the frequencies require in the horizon.
    pub due_visits: usize,
    /// Due visits made within their window.
    pub met: usize,
    /// All visits made.
    pub visits: usize,
    /// Days past the shift end or the visit cap.
    pub over_capacity_days: usize,
    /// Visits starting after the customer's latest start.
    pub opening_violations: usize,
    /// Visits on a holiday or a rep's day off.
    pub off_day_visits: usize,
    /// Consecutive visits of a customer closer than [`due::min_gap`].
    pub spacing_violations: usize,
    /// Working rep-days in the horizon, empty ones included.
    pub rep_days: usize,
    pub empty_rep_days: usize,
    pub travel_km: f64,
    pub km_per_rep_day: f64,
    pub visits_per_rep_day: f64,
    /// Largest over smallest total minutes (travel, waiting, service) per rep.
    pub rep_load_max_min: f64,
    pub rep_load_cv: f64,
    /// Largest over smallest day length, over the days with visits.
    pub day_load_max_min: f64,
    /// Coefficient of variation of day lengths over all working rep-days.
    pub day_load_cv: f64,
}

impl ScheduleMetrics {
    pub fn met_pct(&self) -> f64 {
        if self.due_visits == 0 {
            100.0
        } else {
            100.0 * self.met as f64 / self.due_visits as f64
        }
    }
}

/// Matches visit days (sorted) to due windows in order; returns the day each window got.
pub(crate) fn match_visits(windows: &[Window], days: &[i32]) -> Vec<Option<i32>> {
    let mut next = 0;
    windows
        .iter()
        .map(|w| {
            while next < days.len() && days[next] < w.lo {
                next += 1;
            }
            if next < days.len() && days[next] <= w.hi {
                next += 1;
                Some(days[next - 1])
            } else {
                None
            }
        })
        .collect()
}

fn max_min_cv(xs: &[f64]) -> (f64, f64) {
    if xs.is_empty() {
        return (1.0, 0.0);
    }
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let ratio = if min > 0.0 { max / min } else { f64::INFINITY };
    (ratio, if mean > 0.0 { var.sqrt() / mean } else { 0.0 })
}

/// Scores `days` (only the rep, date and customer order of each are read) for customers
/// served by `assignment`.
pub fn schedule_metrics(
    problem: &Problem,
    travel: &dyn Travel,
    assignment: &[Option<usize>],
    days: &[RepDay],
) -> ScheduleMetrics {
    let mut m = ScheduleMetrics::default();
    let reps = problem.reps.len();
    // Day lengths per (rep, horizon day); None where the rep does not work.
    let mut length: Vec<Vec<Option<f64>>> = (0..reps)
        .map(|r| {
            (0..problem.days)
                .map(|d| problem.works(r, d).then_some(0.0))
                .collect()
        })
        .collect();
    let mut visit_days: Vec<Vec<i32>> = vec![Vec::new(); problem.customers.len()];
    for day in days {
        let rep = &problem.reps[day.rep];
        let d = day.date.0 - problem.start.0;
        let working = d >= 0 && (d as u32) < problem.days && problem.works(day.rep, d as u32);
        if day.stops.is_empty() {
            continue;
        }
        let mut time = rep.shift.0;
        let mut prev = rep.home;
        for s in &day.stops {
            let c = &problem.customers[s.customer];
            m.travel_km += travel.km(prev, c.location);
            time += travel.minutes(prev, c.location);
            if let Some((open, close)) = c.hours {
                time = time.max(open);
                if time > close - c.service_min + EPS {
                    m.opening_violations += 1;
                }
            }
            time += c.service_min;
            prev = c.location;
            visit_days[s.customer].push(d);
            m.visits += 1;
            if !working {
                m.off_day_visits += 1;
            }
        }
        m.travel_km += travel.km(prev, rep.home);
        time += travel.minutes(prev, rep.home);
        if time > rep.day_end() + EPS || day.stops.len() > rep.max_visits.unwrap_or(usize::MAX) {
            m.over_capacity_days += 1;
        }
        if working {
            length[day.rep][d as usize] = Some(time - rep.shift.0);
        }
    }
    for (c, cust) in problem.customers.iter().enumerate() {
        let windows = due::windows(problem, cust, assignment[c]);
        m.due_visits += windows.len();
        let v = &mut visit_days[c];
        v.sort_unstable();
        m.met += match_visits(&windows, v).iter().flatten().count();
        m.spacing_violations += v
            .windows(2)
            .filter(|p| p[1] - p[0] < due::min_gap(cust.interval_days))
            .count();
    }
    let all: Vec<f64> = length.iter().flatten().flatten().copied().collect();
    let busy: Vec<f64> = all.iter().copied().filter(|&l| l > 0.0).collect();
    let per_rep: Vec<f64> = length
        .iter()
        .filter(|r| r.iter().any(Option::is_some))
        .map(|r| r.iter().flatten().sum())
        .collect();
    m.rep_days = all.len();
    m.empty_rep_days = all.len() - busy.len();
    let rd = m.rep_days.max(1) as f64;
    m.km_per_rep_day = m.travel_km / rd;
    m.visits_per_rep_day = m.visits as f64 / rd;
    (m.rep_load_max_min, m.rep_load_cv) = max_min_cv(&per_rep);
    m.day_load_max_min = max_min_cv(&busy).0;
    m.day_load_cv = max_min_cv(&all).1;
    m
}
