//! The fact of one person's local day: what they did, computed from everything stored
//! for it. A fact is a function of its inputs, never an increment: a visit that syncs
//! late is simply one more input the next computation sees, and the order inputs arrive
//! in does not matter (visits are sorted by instant and id, track days by date).

use crate::detour;
use crate::track_day::{Interval, TrackDay};
use chrono::NaiveDate;
use chrono_tz::Tz;
use domain::attendance::{DailyAttendance, DayStatus, ShiftStatus, local_date};
use domain::calendar::{DayKind as CalendarKind, WorkCalendar, WorkWeek, is_workday};
use domain::visit_rule::CheckinStatus;
use domain::{CustomerId, DepartmentId, EmployeeId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// What the calendar says the date is for this person (from the tenant's calendar and the
/// attendance rule's week: `domain::calendar::is_workday`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayType {
    Workday,
    /// A day of the week the rule does not work.
    DayOff,
    /// A public holiday in the tenant's calendar.
    Holiday,
}

impl DayType {
    /// The day type of `date` under the tenant's calendar and the rule's week.
    pub fn of(calendar: &WorkCalendar, week: &WorkWeek, date: NaiveDate) -> DayType {
        match calendar.days.get(&date).map(|d| d.kind) {
            Some(CalendarKind::Holiday) => DayType::Holiday,
            _ if is_workday(calendar, week, date) => DayType::Workday,
            _ => DayType::DayOff,
        }
    }
}

/// How the visit came about, as the check-in recorded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    Planned,
    /// 临时拜访: not in the day's plan.
    AdHoc,
    /// The visit that created a new prospect customer.
    Prospect,
}

/// One stored visit (`visits` row with its judgements).
#[derive(Clone, Debug, PartialEq)]
pub struct VisitInput {
    pub id: Uuid,
    pub customer: CustomerId,
    pub kind: VisitKind,
    /// When the check-in happened (device time judged trustworthy), UTC ms.
    pub checkin_ms: i64,
    pub checkout_ms: Option<i64>,
    pub checkin: CheckinStatus,
    /// The rule's minimum duration that applied at check-out (its judgement's
    /// `min_duration_s`); `None` before check-out.
    pub min_duration_s: Option<i64>,
    /// The customer's location (`(lat, lon)`, WGS-84), for the detour ratio.
    pub place: Option<(f64, f64)>,
    /// The value of the report field the tenant marks as the outcome (e.g. order amount);
    /// `None` when the visit has no report or the field is empty.
    pub outcome: Option<f64>,
}

/// Everything stored for one person and one local date.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonDayInput {
    pub employee: EmployeeId,
    /// The person's department on that date (a move mid-period keeps earlier days where
    /// they were).
    pub department: DepartmentId,
    pub date: NaiveDate,
    /// The tenant's time zone: a visit belongs to the local date of its check-in.
    pub tz: Tz,
    pub day_type: DayType,
    /// The attendance record of the date (`domain::attendance::daily_record`); `None` when
    /// no attendance rule applies to the person.
    pub attendance: Option<DailyAttendance>,
    /// Customers of the published plan of the date (drafts are not plans).
    pub planned: Vec<CustomerId>,
    /// Visits whose check-in is on or near the date; those of other local dates are
    /// ignored, so a caller may pass a wider window.
    pub visits: Vec<VisitInput>,
    /// Stored day summaries of the date and, for a shift across midnight, the next date.
    pub tracks: Vec<TrackDay>,
    /// The anti-cheat verdict's level, once the day has been assessed.
    pub integrity: Option<integrity::Level>,
}

/// The attendance part of a fact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttendanceFact {
    pub status: DayStatus,
    pub late_min: u32,
    pub early_leave_min: u32,
    pub leave_min: u32,
    pub worked_min: u32,
    /// First clock-in and last clock-out of the day's shifts, UTC ms (a night shift's
    /// clock-out is on the next date).
    pub clock_in_ms: Option<i64>,
    pub clock_out_ms: Option<i64>,
    pub missing_clock_in: bool,
    pub missing_clock_out: bool,
}

/// One visit as reports show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitFact {
    pub id: Uuid,
    pub customer: CustomerId,
    pub kind: VisitKind,
    pub checkin_ms: i64,
    pub checkout_ms: Option<i64>,
    /// `None` until checked out.
    pub duration_s: Option<i64>,
    pub checkin: CheckinStatus,
    pub short: bool,
    pub outcome: Option<f64>,
}

/// Kilometres driven between the day's visits against the best order of their places.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Detour {
    /// Distinct customer places visited.
    pub places: u32,
    /// Track distance from the first visit's check-out to the last visit's check-in.
    pub driven_m: f64,
    /// The shortest open path through the same places, in the planner's metric.
    pub best_m: f64,
    pub ratio: f64,
    /// The best path is proven optimal (false only beyond the exact method's reach).
    pub exact: bool,
}

/// The best path must be at least this long for a ratio to mean something: shops along
/// one street give a near-zero denominator and a meaningless ratio.
pub const MIN_BEST_PATH_M: f64 = 500.0;

/// A person-day. Counts are never null (nothing recorded is 0); fields that need an input
/// that may be missing are `None` when it is, never 0, so roll-ups leave them out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonDay {
    pub employee: EmployeeId,
    pub department: DepartmentId,
    pub date: NaiveDate,
    pub day_type: DayType,
    /// `None` when no attendance rule applies.
    pub attendance: Option<AttendanceFact>,
    /// Customers in the published plan.
    pub planned_visits: u32,
    /// Planned customers that got a visit that day (of any kind).
    pub planned_done: u32,
    /// Check-ins on the date.
    pub visits: u32,
    /// Visits checked out.
    pub completed_visits: u32,
    /// Completed visits whose check-in was within the customer's radius.
    pub within_radius: u32,
    pub ad_hoc_visits: u32,
    pub prospect_visits: u32,
    /// Completed visits shorter than the rule's minimum.
    pub short_visits: u32,
    /// Distinct customers checked in at, sorted.
    pub customers: Vec<CustomerId>,
    /// Time inside completed visits (overlapping visits counted once).
    pub time_at_customers_s: i64,
    /// Sum of completed visits' own durations, the numerator of the average.
    pub visit_duration_s: i64,
    /// `None` without a completed visit.
    pub avg_visit_s: Option<f64>,
    /// The working day: clock-in to clock-out of each shift worked (a missing punch is
    /// replaced by the shift's edge). `None` without attendance or without a punch.
    pub work_window_s: Option<i64>,
    /// Time in trips within the working day. `None` without a working day or a track.
    pub travel_s: Option<i64>,
    /// `travel_s / work_window_s`. `None` when either is.
    pub driving_share: Option<f64>,
    /// The date's working-hours and total kilometres, as metres (the stored summary's
    /// own figures, the ones reimbursement pays). `None` without a summary of the date.
    pub work_m: Option<f64>,
    pub total_m: Option<f64>,
    /// `None` without a track, with fewer than two distinct located places, or with a
    /// best path shorter than [`MIN_BEST_PATH_M`].
    pub detour: Option<Detour>,
    /// Time within the working day between first and last fix and outside gaps. `None`
    /// without a working day or a stored summary.
    pub tracked_s: Option<i64>,
    /// `tracked_s / work_window_s`.
    pub coverage: Option<f64>,
    /// `None` until the day is assessed.
    pub integrity: Option<integrity::Level>,
    /// The day's visits by check-in instant.
    pub visit_rows: Vec<VisitFact>,
}

impl PersonDay {
    /// The person worked (or was due to and did not): a working day not on leave.
    pub fn is_working_day(&self) -> bool {
        self.day_type == DayType::Workday
            && !matches!(
                self.attendance.as_ref().map(|a| a.status),
                Some(DayStatus::OnLeave | DayStatus::NotStarted)
            )
    }

    pub fn on_leave(&self) -> bool {
        matches!(
            self.attendance.as_ref().map(|a| a.status),
            Some(DayStatus::OnLeave)
        )
    }
}

/// Computes the fact of a person-day from its inputs.
pub fn person_day(input: &PersonDayInput) -> PersonDay {
    let mut visits: Vec<&VisitInput> = input
        .visits
        .iter()
        .filter(|v| local_date(input.tz, v.checkin_ms) == input.date)
        .collect();
    visits.sort_by_key(|v| (v.checkin_ms, v.id));
    visits.dedup_by_key(|v| v.id);

    let mut tracks: Vec<&TrackDay> = input.tracks.iter().collect();
    tracks.sort_by_key(|t| t.date);
    tracks.dedup_by_key(|t| t.date);

    let visit_rows: Vec<VisitFact> = visits.iter().map(|v| visit_fact(v)).collect();
    let completed: Vec<&VisitFact> = visit_rows
        .iter()
        .filter(|v| v.duration_s.is_some())
        .collect();
    let count = |f: &dyn Fn(&VisitFact) -> bool| visit_rows.iter().filter(|v| f(v)).count() as u32;
    let customers: BTreeSet<CustomerId> = visits.iter().map(|v| v.customer).collect();
    let planned: BTreeSet<CustomerId> = input.planned.iter().copied().collect();
    let visit_duration_s: i64 = completed.iter().filter_map(|v| v.duration_s).sum();
    let at_customers: Vec<Interval> = completed
        .iter()
        .map(|v| Interval {
            start_ms: v.checkin_ms,
            end_ms: v.checkout_ms.unwrap_or(v.checkin_ms),
        })
        .collect();

    let windows = input
        .attendance
        .as_ref()
        .map(working_windows)
        .unwrap_or_default();
    let window_ms: i64 = windows.iter().map(Interval::len_ms).sum();
    let has_window = window_ms > 0;
    let has_track = !tracks.is_empty();
    let travel_ms = (has_window && has_track).then(|| {
        tracks
            .iter()
            .flat_map(|t| &t.trips)
            .map(|trip| overlap_all(&trip.span, &windows))
            .sum::<i64>()
    });
    let tracked_ms = (has_window && has_track).then(|| {
        tracks
            .iter()
            .map(|t| tracked_within(t, &windows))
            .sum::<i64>()
    });
    let share = |ms: Option<i64>| ms.map(|ms| ms as f64 / window_ms as f64);
    let date_track = tracks.iter().find(|t| t.date == input.date);

    PersonDay {
        employee: input.employee,
        department: input.department,
        date: input.date,
        day_type: input.day_type,
        attendance: input.attendance.as_ref().map(attendance_fact),
        planned_visits: planned.len() as u32,
        planned_done: planned.intersection(&customers).count() as u32,
        visits: visit_rows.len() as u32,
        completed_visits: completed.len() as u32,
        within_radius: completed
            .iter()
            .filter(|v| v.checkin == CheckinStatus::Within)
            .count() as u32,
        ad_hoc_visits: count(&|v| v.kind == VisitKind::AdHoc),
        prospect_visits: count(&|v| v.kind == VisitKind::Prospect),
        short_visits: count(&|v| v.short),
        customers: customers.into_iter().collect(),
        time_at_customers_s: union_ms(at_customers) / 1000,
        visit_duration_s,
        avg_visit_s: (!completed.is_empty())
            .then(|| visit_duration_s as f64 / completed.len() as f64),
        work_window_s: has_window.then_some(window_ms / 1000),
        travel_s: travel_ms.map(|ms| ms / 1000),
        driving_share: share(travel_ms),
        work_m: date_track.map(|t| t.work_mileage_m),
        total_m: date_track.map(|t| t.mileage_m),
        detour: detour_of(&visits, &tracks),
        tracked_s: tracked_ms.map(|ms| ms / 1000),
        coverage: share(tracked_ms),
        integrity: input.integrity,
        visit_rows,
    }
}

fn visit_fact(v: &VisitInput) -> VisitFact {
    let duration_s = v
        .checkout_ms
        .map(|out| ((out - v.checkin_ms).max(0)) / 1000);
    VisitFact {
        id: v.id,
        customer: v.customer,
        kind: v.kind,
        checkin_ms: v.checkin_ms,
        checkout_ms: v.checkout_ms,
        duration_s,
        checkin: v.checkin,
        short: matches!((duration_s, v.min_duration_s), (Some(d), Some(min)) if d < min),
        outcome: v.outcome,
    }
}

fn attendance_fact(a: &DailyAttendance) -> AttendanceFact {
    AttendanceFact {
        status: a.status,
        late_min: a.late_min,
        early_leave_min: a.early_leave_min,
        leave_min: a.leave_min,
        worked_min: a.worked_min,
        clock_in_ms: a
            .shifts
            .iter()
            .filter_map(|s| s.clock_in)
            .map(|t| t.timestamp_millis())
            .min(),
        clock_out_ms: a
            .shifts
            .iter()
            .filter_map(|s| s.clock_out)
            .map(|t| t.timestamp_millis())
            .max(),
        missing_clock_in: a.missing_clock_in,
        missing_clock_out: a.missing_clock_out,
    }
}

/// Clock-in to clock-out of each shift the person punched for; a missing punch is the
/// shift's edge. Merged where shifts touch.
fn working_windows(a: &DailyAttendance) -> Vec<Interval> {
    let spans = a
        .shifts
        .iter()
        .filter(|s| s.status == ShiftStatus::Present)
        .filter(|s| s.clock_in.is_some() || s.clock_out.is_some())
        .map(|s| Interval {
            start_ms: s.clock_in.unwrap_or(s.start).timestamp_millis(),
            end_ms: s.clock_out.unwrap_or(s.end).timestamp_millis(),
        })
        .filter(|w| w.len_ms() > 0)
        .collect();
    merge(spans)
}

fn merge(mut spans: Vec<Interval>) -> Vec<Interval> {
    spans.sort_by_key(|s| (s.start_ms, s.end_ms));
    let mut out: Vec<Interval> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start_ms <= last.end_ms => last.end_ms = last.end_ms.max(s.end_ms),
            _ => out.push(s),
        }
    }
    out
}

fn union_ms(spans: Vec<Interval>) -> i64 {
    merge(spans).iter().map(Interval::len_ms).sum()
}

fn overlap_all(span: &Interval, windows: &[Interval]) -> i64 {
    windows.iter().map(|w| w.overlap_ms(span)).sum()
}

/// Time of the working windows between the day's first and last fix, less its gaps.
fn tracked_within(t: &TrackDay, windows: &[Interval]) -> i64 {
    let Some(tracked) = t.tracked else {
        return 0;
    };
    let covered = overlap_all(&tracked, windows);
    let gaps: i64 = merge(t.gaps.clone())
        .iter()
        .map(|g| {
            let inside = Interval {
                start_ms: g.start_ms.max(tracked.start_ms),
                end_ms: g.end_ms.min(tracked.end_ms),
            };
            overlap_all(&inside, windows)
        })
        .sum();
    (covered - gaps).max(0)
}

/// Track distance within `span`, a trip cut by it counted in proportion to its time.
fn distance_within(tracks: &[&TrackDay], span: &Interval) -> f64 {
    tracks
        .iter()
        .flat_map(|t| &t.trips)
        .map(|trip| {
            let len = trip.span.len_ms();
            let over = trip.span.overlap_ms(span);
            if len == 0 {
                let inside =
                    span.start_ms <= trip.span.start_ms && trip.span.start_ms < span.end_ms;
                if inside { trip.distance_m } else { 0.0 }
            } else {
                trip.distance_m * over as f64 / len as f64
            }
        })
        .sum()
}

fn detour_of(visits: &[&VisitInput], tracks: &[&TrackDay]) -> Option<Detour> {
    if tracks.is_empty() {
        return None;
    }
    let located: Vec<&&VisitInput> = visits.iter().filter(|v| v.place.is_some()).collect();
    let (first, last) = (located.first()?, located.last()?);
    let mut seen = BTreeSet::new();
    let places: Vec<(f64, f64)> = located
        .iter()
        .filter(|v| seen.insert(v.customer))
        .filter_map(|v| v.place)
        .collect();
    if places.len() < 2 {
        return None;
    }
    let span = Interval {
        start_ms: first.checkout_ms.unwrap_or(first.checkin_ms),
        end_ms: last.checkin_ms,
    };
    if span.len_ms() == 0 {
        return None;
    }
    let (best_km, exact) = detour::best_open_path_km(&places);
    // To the millimetre: the exact method keeps labels within 1e-9 of each other in the
    // order a hash map yields them, so the last digits are not reproducible.
    let best_m = (best_km * 1e6).round() / 1000.0;
    if best_m < MIN_BEST_PATH_M {
        return None;
    }
    let driven_m = distance_within(tracks, &span);
    Some(Detour {
        places: places.len() as u32,
        driven_m,
        best_m,
        ratio: driven_m / best_m,
        exact,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::calendar::{CalendarDayInput, WorkCalendarInput};

    #[test]
    fn day_types_from_the_calendar_and_the_week() {
        let cal = WorkCalendarInput {
            days: vec![
                CalendarDayInput {
                    date: "2026-10-01".into(),
                    kind: CalendarKind::Holiday,
                    name: None,
                },
                // A make-up working Sunday (调休).
                CalendarDayInput {
                    date: "2026-09-27".into(),
                    kind: CalendarKind::Workday,
                    name: None,
                },
            ],
        }
        .validate()
        .unwrap();
        let week = WorkWeek::parse(&[1, 2, 3, 4, 5]).unwrap();
        let of = |s: &str| DayType::of(&cal, &week, s.parse().unwrap());
        assert_eq!(of("2026-10-01"), DayType::Holiday);
        assert_eq!(of("2026-09-27"), DayType::Workday);
        assert_eq!(of("2026-09-26"), DayType::DayOff);
        assert_eq!(of("2026-09-28"), DayType::Workday);
    }
}
