//! The visit-frequency scheduler (a periodic VRP): which customers each rep visits on
//! which day of a horizon, in which order, and at what time.
//!
//! Customers are first given to reps (their fixed owner, else a balanced territory built
//! around the reps' homes, [`crate::territory`], corrected by a quick trial plan of each
//! rep's real load). Each rep is then planned on its own:
//! every customer's visits due in the horizon get a window of days around the due date
//! ([`due`]); a construction places the tightest visits first on the day where inserting
//! them costs least, a repair moves visits aside to make room for unplaced ones, and a
//! local search with ruin-and-recreate moves visits between days to shorten travel, keep
//! days even and stay near due dates. Each day is finally reordered, exactly by
//! [`crate::solve_single_route`] when it is small, and timed. The last fifth of the time
//! evens reps out: the busiest hands border customers to less busy neighbours, both
//! re-planned from their plans, while that lowers the busier one's load.
//!
//! Time goes: up to a fifth each to the territories, the trial plans and the corrected
//! territories (they usually need far less), then the reps' searches, then the evening.
//! Deterministic for a seed when `max_iterations` stops the search before the time limit.

mod assign;
mod day;
pub mod due;
mod order;
mod rebalance;
mod search;

use std::time::{Duration, Instant};

use crate::date::Date;
use crate::travel::Travel;

pub use due::{DueReason, min_gap, tolerance};

/// A field rep who plans visits.
#[derive(Clone, Debug)]
pub struct Rep {
    pub id: String,
    /// Where each day starts and ends: an index into the [`Travel`].
    pub home: usize,
    /// Monday first.
    pub working_days: [bool; 7],
    /// Leaves home at `.0`, back home by `.1`; minutes after midnight.
    pub shift: (f64, f64),
    /// At most this many visits a day.
    pub max_visits: Option<usize>,
    /// At most this many minutes a day (travel, waiting and service), within the shift.
    pub max_minutes: Option<f64>,
}

impl Rep {
    /// The latest return home.
    pub fn day_end(&self) -> f64 {
        self.max_minutes
            .map_or(self.shift.1, |m| self.shift.1.min(self.shift.0 + m))
    }
}

/// A customer to be visited every `interval_days`.
#[derive(Clone, Debug)]
pub struct Customer {
    pub id: String,
    /// An index into the [`Travel`].
    pub location: usize,
    pub interval_days: u32,
    pub service_min: f64,
    pub last_visit: Option<Date>,
    /// A rep index this customer must stay with.
    pub owner: Option<usize>,
    /// Opening hours, minutes after midnight: service starts no earlier than `.0` and
    /// ends by `.1`.
    pub hours: Option<(f64, f64)>,
}

/// A customer's visit interval for a level: A weekly, B every two weeks, C every four.
pub fn level_interval(level: &str) -> Option<u32> {
    match level.trim().to_ascii_uppercase().as_str() {
        "A" => Some(7),
        "B" => Some(14),
        "C" => Some(28),
        _ => None,
    }
}

#[derive(Clone, Debug)]
pub struct Problem {
    pub reps: Vec<Rep>,
    pub customers: Vec<Customer>,
    /// Nobody works on these days.
    pub holidays: Vec<Date>,
    /// Make-up working days (调休): everyone works on these whatever the weekday.
    pub workdays: Vec<Date>,
    pub start: Date,
    pub days: u32,
}

impl Problem {
    /// Whether `rep` works on horizon day `day` (0 = `start`).
    pub fn works(&self, rep: usize, day: u32) -> bool {
        let date = self.start.plus(day as i32);
        (self.reps[rep].working_days[date.weekday()] || self.workdays.contains(&date))
            && !self.holidays.contains(&date)
    }
}

#[derive(Clone, Debug)]
pub struct Options {
    /// Wall-clock budget for the whole plan; the best plan found by then is returned.
    pub time_limit: Duration,
    pub seed: u64,
    /// Ruin-and-recreate rounds per rep; with it the plan depends on the seed alone
    /// (unless the time limit comes first).
    pub max_iterations: Option<u64>,
}

/// Trade-offs of the objective (apart from [`Options`] so that options written out field
/// by field keep compiling as weights are added).
#[derive(Clone, Debug)]
pub struct Weights {
    /// How much even days matter against travel: the weight of a day's squared deviation
    /// from the rep's mean day, per minute of that mean. At 1, moving a 20-minute visit
    /// from a day 40 minutes above the mean to one 40 minutes below is worth about 10
    /// minutes of extra driving; 0 packs days for the least travel.
    pub day_balance: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { day_balance: 1.0 }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            time_limit: Duration::from_secs(10),
            seed: 1,
            max_iterations: None,
        }
    }
}

/// One visit in a day's route. Times are minutes after midnight.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    pub customer: usize,
    pub arrival_min: f64,
    /// Later than the arrival when the rep waits for opening time.
    pub start_min: f64,
    pub departure_min: f64,
}

/// One rep's working day.
#[derive(Clone, Debug, PartialEq)]
pub struct RepDay {
    pub rep: usize,
    pub date: Date,
    pub stops: Vec<Stop>,
    pub km: f64,
    pub travel_min: f64,
    /// Leaves home.
    pub start_min: f64,
    /// Back home.
    pub end_min: f64,
}

/// Why a due visit got no day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unplaced {
    /// The customer's owner is not a rep, or no rep works in the horizon.
    NoRep,
    /// The rep has no working day in the visit's window (holidays, days off).
    NoWorkingDay,
    /// Even alone in a day the visit does not fit the rep's shift (distance, opening hours).
    DoesNotFitDay,
    /// Every day of the window is full.
    NoRoom,
}

/// A visit the customer's frequency requires in the horizon, and what became of it.
#[derive(Clone, Debug, PartialEq)]
pub struct DueVisit {
    /// The due date.
    pub target: Date,
    /// Days on which the visit counts as on time.
    pub earliest: Date,
    pub latest: Date,
    pub reason: DueReason,
    pub placed: Option<Date>,
    pub unplaced: Option<Unplaced>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CustomerPlan {
    pub customer: usize,
    pub rep: Option<usize>,
    pub due: Vec<DueVisit>,
}

#[derive(Clone, Debug)]
pub struct Schedule {
    /// The rep of each customer.
    pub assignment: Vec<Option<usize>>,
    /// Every working day of every rep, by rep then date (empty days included).
    pub days: Vec<RepDay>,
    pub customers: Vec<CustomerPlan>,
    pub iterations: u64,
    pub elapsed: Duration,
}

/// The rep of each customer as [`schedule`] decides it with the same seed and limit: its
/// owner, else a balanced territory around the homes (a fifth of the limit).
pub fn assign_reps(
    problem: &Problem,
    travel: &dyn Travel,
    seed: u64,
    time_limit: Duration,
) -> Vec<Option<usize>> {
    assign::assign(problem, travel, seed, Instant::now() + time_limit)
}

/// Plans `problem` within `opts.time_limit`. `travel` covers every `home` and `location`.
pub fn schedule(problem: &Problem, travel: &dyn Travel, opts: &Options) -> Schedule {
    schedule_weighted(problem, travel, opts, &Weights::default())
}

/// [`schedule`] with other [`Weights`].
pub fn schedule_weighted(
    problem: &Problem,
    travel: &dyn Travel,
    opts: &Options,
    weights: &Weights,
) -> Schedule {
    let started = Instant::now();
    let deadline = started + opts.time_limit;
    let mut assignment = assign::assign(problem, travel, opts.seed, deadline);
    let reps = problem.reps.len();
    // Most of the time goes to each rep's own search; the rest to evening reps out.
    let main_deadline = if reps > 1 {
        Instant::now() + deadline.saturating_duration_since(Instant::now()) * 4 / 5
    } else {
        deadline
    };
    let mut iterations = 0;
    let mut plans = Vec::with_capacity(reps);
    for r in 0..reps {
        let mine: Vec<usize> = (0..problem.customers.len())
            .filter(|&c| assignment[c] == Some(r))
            .collect();
        // Each rep gets an equal share of the time that is left.
        let share = main_deadline.saturating_duration_since(Instant::now()) / (reps - r) as u32;
        let seed = opts.seed.wrapping_mul(0x9E37_79B9).wrapping_add(r as u64);
        let planned = search::plan_rep(
            problem,
            travel,
            r,
            &mine,
            seed,
            Instant::now() + share,
            opts,
            weights,
            search::Start::default(),
        );
        iterations += planned.iterations;
        plans.push(planned);
    }
    if reps > 1 {
        rebalance::rebalance(
            problem,
            travel,
            &mut assignment,
            &mut plans,
            opts.seed,
            deadline,
            opts,
            weights,
        );
    }
    let mut days = Vec::new();
    let mut customers: Vec<CustomerPlan> = (0..problem.customers.len())
        .map(|c| CustomerPlan {
            customer: c,
            rep: assignment[c],
            due: Vec::new(),
        })
        .collect();
    for planned in plans {
        for (c, due) in planned.due {
            customers[c].due = due;
        }
        days.extend(planned.days);
    }
    // Customers nobody can take still get their due visits listed, as unplaced.
    for c in 0..problem.customers.len() {
        if assignment[c].is_none() {
            customers[c].due = due::windows(problem, &problem.customers[c], None)
                .into_iter()
                .map(|w| w.report(problem.start, None, Some(Unplaced::NoRep)))
                .collect();
        }
    }
    Schedule {
        assignment,
        days,
        customers,
        iterations,
        elapsed: started.elapsed(),
    }
}
