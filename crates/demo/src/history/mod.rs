//! The demo company's past: who worked which day, which shops they visited in which
//! order, who came late or left early, who was on leave, what is waiting for approval,
//! the plans of the coming week and the few days somebody cheated. Deterministic from
//! the seed and the last day; [`trace`] turns one working day into its GPS fixes and
//! the instants and places of its field actions.

mod live;
mod routes;
mod schedule;
#[cfg(test)]
mod tests;
mod trace;

pub use live::live_lap;
pub use routes::RepRoutes;
pub use trace::{Act, DayTrace, VisitAct, trace_day};

use chrono::NaiveDate;

use crate::DemoCompany;

#[derive(Clone, Debug)]
pub struct HistoryOptions {
    pub seed: u64,
    /// The last day of history (tenant-local; yesterday when loading).
    pub last_day: NaiveDate,
    /// Calendar days of history ending at `last_day`.
    pub days: u32,
    /// How many field reps get a past (the first ones); all of them when larger.
    pub reps: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct History {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub reps: Vec<RepHistory>,
    /// The one approved leave: those working days have no work.
    pub leave: LeaveSpan,
    /// Requests still waiting for a manager.
    pub pending: Vec<PendingRequest>,
    /// Plans from the day after `last_day` (today) for a week: (rep, date, shops, published).
    pub upcoming: Vec<PlannedDay>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RepHistory {
    /// Index into `DemoCompany::employees`.
    pub employee: usize,
    pub routes: RepRoutes,
    pub days: Vec<WorkDay>,
}

/// One working day of one rep.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkDay {
    pub date: NaiveDate,
    /// Customer indices in visiting order.
    pub shops: Vec<usize>,
    /// Clocks in after the grace period.
    pub late: bool,
    /// Stops early and clocks out before the shift ends.
    pub early: bool,
    /// Never clocks out (a correction request follows).
    pub forgot_clock_out: bool,
    pub cheat: Option<Cheat>,
    /// The stream the day's trace is drawn from.
    pub seed: u64,
}

/// The ways a demo rep cheats, one day each, so every kind of flag has an example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cheat {
    /// A mock-location app is on: the device says so at a check-in.
    MockLocation,
    /// The photo of one visit is a photo from an earlier visit.
    ReusedPhoto,
    /// Checks in at this customer (an index) from wherever the rep really is.
    RemoteCheckin(usize),
    /// A burst of fixes kilometres away for a few minutes (a spoofed jump).
    Teleport,
    /// Stays at home all day and checks in at every shop on its stored map point (a
    /// location app set to each shop's pin, the phone's own track still at home).
    PinDropFromHome,
    /// Plays back the rep's own earlier day (`of_day`, an index into the rep's days)
    /// with a route-replay app: the same shops, every stop shifted by whole days and a
    /// few minutes.
    Replay { of_day: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaveSpan {
    pub employee: usize,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PendingRequest {
    /// The rep forgot to clock out on `date` and asks for `hour:minute` local.
    Correction {
        employee: usize,
        date: NaiveDate,
        hour: u32,
        minute: u32,
    },
    Leave {
        employee: usize,
        from: NaiveDate,
        to: NaiveDate,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedDay {
    pub employee: usize,
    pub date: NaiveDate,
    pub shops: Vec<usize>,
    pub published: bool,
}

/// The history of `company` as `opts` say.
pub fn history(company: &DemoCompany, opts: &HistoryOptions) -> History {
    schedule::build(company, opts)
}

impl History {
    pub fn working_days(&self) -> usize {
        self.reps.iter().map(|r| r.days.len()).sum()
    }
}
