//! Attendance rules (考勤): work days, shifts, grace minutes, where clock-in is allowed
//! and whether a photo is needed; the judgement of one clock-in/out and the daily record
//! derived from a day's punches and approved leave.
//!
//! Shift times are local wall-clock times in the tenant's zone, turned into instants per
//! date, so a DST change lengthens or shortens the night's shift rather than moving it.
//! A shift that ends at or before its start crosses midnight and belongs to the day it
//! starts.

use crate::calendar::{WorkCalendar, WorkWeek, is_workday};
use crate::geofence::Judgement;
use crate::ids::GeofenceId;
use crate::tracking::Window;
use crate::{Format, Invalid, Problem};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttendanceRule {
    /// ISO weekdays that are work days (1 = Monday … 7 = Sunday); the work calendar's
    /// holidays and make-up days override them.
    pub weekdays: Vec<u8>,
    /// 1–4 non-overlapping shifts a day; `22:00`–`06:00` crosses midnight.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 4))]
    pub shifts: Vec<Window>,
    /// Minutes after a shift's start that still count as on time.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 240))]
    pub late_grace_min: u32,
    /// Minutes before a shift's end that still count as on time.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 240))]
    pub early_leave_grace_min: u32,
    /// How long before a shift's start a clock-in counts for that shift.
    #[serde(default = "default_window_min")]
    #[cfg_attr(feature = "openapi", schema(maximum = 720))]
    pub clock_in_opens_min: u32,
    /// How long after a shift's end a clock-out counts for that shift.
    #[serde(default = "default_window_min")]
    #[cfg_attr(feature = "openapi", schema(maximum = 720))]
    pub clock_out_closes_min: u32,
    /// Geofences inside which clocking in/out is allowed; empty means anywhere.
    #[serde(default)]
    pub fence_ids: Vec<GeofenceId>,
    #[serde(default)]
    pub photo_required: bool,
}

fn default_window_min() -> u32 {
    240
}

impl Default for AttendanceRule {
    fn default() -> Self {
        Self {
            weekdays: vec![1, 2, 3, 4, 5],
            shifts: vec![Window {
                start: "09:00".into(),
                end: "18:00".into(),
            }],
            late_grace_min: 0,
            early_leave_grace_min: 0,
            clock_in_opens_min: default_window_min(),
            clock_out_closes_min: default_window_min(),
            fence_ids: Vec::new(),
            photo_required: false,
        }
    }
}

pub const MAX_SHIFTS: usize = 4;
pub const MAX_GRACE_MIN: u32 = 240;
pub const MAX_WINDOW_MIN: u32 = 720;
pub const MAX_FENCES: usize = 50;

/// A rule checked and turned into minutes of the day.
#[derive(Clone, Debug, PartialEq)]
pub struct AttendanceSchedule {
    pub week: WorkWeek,
    /// (start minute of the day, length in minutes), in the rule's order.
    shifts: Vec<(u32, u32)>,
    pub late_grace_min: u32,
    pub early_leave_grace_min: u32,
    pub clock_in_opens_min: u32,
    pub clock_out_closes_min: u32,
    pub fence_ids: Vec<GeofenceId>,
    pub photo_required: bool,
}

fn parse_hhmm(s: &str) -> Result<u32, Problem> {
    let t =
        NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| Problem::format(Format::Time))?;
    Ok(t.hour() * 60 + t.minute())
}

impl AttendanceRule {
    pub fn validate(&self) -> Result<AttendanceSchedule, Invalid> {
        let mut bad = Invalid::default();
        let week = bad.check("weekdays", WorkWeek::parse(&self.weekdays));
        if self.shifts.is_empty() || self.shifts.len() > MAX_SHIFTS {
            bad.push(
                "shifts",
                Problem::CountOutOfRange {
                    min: 1,
                    max: MAX_SHIFTS,
                },
            );
        }
        let mut shifts = Vec::new();
        for (i, w) in self.shifts.iter().enumerate() {
            let s = bad.check(&format!("shifts[{i}].start"), parse_hhmm(&w.start));
            let e = bad.check(&format!("shifts[{i}].end"), parse_hhmm(&w.end));
            match (s, e) {
                (Some(s), Some(e)) if s == e => bad.push(
                    format!("shifts[{i}].end"),
                    Problem::EqualsOther {
                        other: format!("shifts[{i}].start"),
                    },
                ),
                (Some(s), Some(e)) => shifts.push((s, (e + 1440 - s) % 1440)),
                _ => {}
            }
        }
        if shifts.len() == self.shifts.len() && overlapping(&shifts) {
            bad.push("shifts", Problem::Overlap);
        }
        for (field, v, max) in [
            ("late_grace_min", self.late_grace_min, MAX_GRACE_MIN),
            (
                "early_leave_grace_min",
                self.early_leave_grace_min,
                MAX_GRACE_MIN,
            ),
            (
                "clock_in_opens_min",
                self.clock_in_opens_min,
                MAX_WINDOW_MIN,
            ),
            (
                "clock_out_closes_min",
                self.clock_out_closes_min,
                MAX_WINDOW_MIN,
            ),
        ] {
            if v > max {
                bad.push(field, Problem::range(0.0, f64::from(max), "min"));
            }
        }
        let mut fence_ids = self.fence_ids.clone();
        fence_ids.sort_unstable();
        fence_ids.dedup();
        if fence_ids.len() > MAX_FENCES {
            bad.push("fence_ids", Problem::TooMany { max: MAX_FENCES });
        }
        bad.into_result(|| AttendanceSchedule {
            week: week.unwrap_or_default(),
            shifts,
            late_grace_min: self.late_grace_min,
            early_leave_grace_min: self.early_leave_grace_min,
            clock_in_opens_min: self.clock_in_opens_min,
            clock_out_closes_min: self.clock_out_closes_min,
            fence_ids,
            photo_required: self.photo_required,
        })
    }
}

/// Whether any two shifts overlap, on a 24-hour cycle (a night shift wraps into the next
/// day's first shift).
fn overlapping(shifts: &[(u32, u32)]) -> bool {
    let mut sorted = shifts.to_vec();
    sorted.sort_unstable();
    sorted.iter().enumerate().any(|(i, &(s, len))| {
        let (next_start, wrap) = match sorted.get(i + 1) {
            Some(&(n, _)) => (n, 0),
            None => (sorted[0].0, 1440),
        };
        s + len > next_start + wrap
    })
}

/// The instant at which local `date` + `minutes` (may exceed a day) happens in `tz`. A
/// time in a DST gap moves to the first valid minute after it; a repeated time takes its
/// first occurrence.
pub fn local_instant(tz: Tz, date: NaiveDate, minutes: u32) -> i64 {
    let naive = date.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::minutes(minutes as i64);
    let mut probe = naive;
    // A gap is at most a couple of hours.
    for _ in 0..180 {
        if let Some(t) = tz.from_local_datetime(&probe).earliest() {
            return t.timestamp_millis();
        }
        probe += Duration::minutes(1);
    }
    Utc.from_utc_datetime(&naive).timestamp_millis()
}

pub fn local_date(tz: Tz, t_ms: i64) -> NaiveDate {
    crate::tracking::local_date(tz, t_ms)
}

/// One shift on one date, as instants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShiftInstance {
    /// The day the shift starts (a night shift belongs to it).
    pub date: NaiveDate,
    pub index: usize,
    pub start_ms: i64,
    pub end_ms: i64,
}

impl AttendanceSchedule {
    /// The shifts starting on local `date`; none on a day off.
    pub fn shifts_on(
        &self,
        calendar: &WorkCalendar,
        tz: Tz,
        date: NaiveDate,
    ) -> Vec<ShiftInstance> {
        if !is_workday(calendar, &self.week, date) {
            return Vec::new();
        }
        self.shifts
            .iter()
            .enumerate()
            .map(|(index, &(s, len))| ShiftInstance {
                date,
                index,
                start_ms: local_instant(tz, date, s),
                end_ms: local_instant(tz, date, s + len),
            })
            .collect()
    }

    /// The shift a punch counts for: among the shifts whose clock-in window
    /// `[start − opens, end)` (or clock-out window `(start, end + closes]`) holds the
    /// instant, the one whose start (end) is nearest.
    pub fn shift_for(
        &self,
        calendar: &WorkCalendar,
        tz: Tz,
        kind: PunchKind,
        t_ms: i64,
    ) -> Option<ShiftInstance> {
        let today = local_date(tz, t_ms);
        let opens = self.clock_in_opens_min as i64 * 60_000;
        let closes = self.clock_out_closes_min as i64 * 60_000;
        // A night shift from yesterday, or an early clock-in for a shift starting just
        // after midnight, can own the punch.
        [today.pred_opt(), Some(today), today.succ_opt()]
            .into_iter()
            .flatten()
            .flat_map(|d| self.shifts_on(calendar, tz, d))
            .filter_map(|s| {
                let (holds, anchor) = match kind {
                    PunchKind::ClockIn => {
                        (s.start_ms - opens <= t_ms && t_ms < s.end_ms, s.start_ms)
                    }
                    PunchKind::ClockOut => {
                        (s.start_ms < t_ms && t_ms <= s.end_ms + closes, s.end_ms)
                    }
                };
                holds.then_some(((t_ms - anchor).abs(), s))
            })
            .min_by_key(|&(gap, s)| (gap, s.start_ms))
            .map(|(_, s)| s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PunchKind {
    ClockIn,
    ClockOut,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PunchStatus {
    OnTime,
    Late,
    EarlyLeave,
    /// A day off (weekend or holiday) with no shift reaching into it.
    NotAWorkday,
    /// A work day, but no shift's clock-in (clock-out) window holds the instant.
    OutsideShifts,
}

/// Where the punch was, against the rule's allowed geofences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// Inside at least one allowed fence.
    Allowed,
    /// Outside every allowed fence.
    OutsideAllowed,
    /// Not confidently inside any fence and not confidently outside all (or no fix).
    Uncertain,
    /// The rule allows clocking in anywhere.
    NotRequired,
}

/// The judgement of one clock-in or clock-out (stored with the punch and read back).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PunchJudgement {
    pub status: PunchStatus,
    /// Minutes late or left early, counted from the shift's start (end); 0 when on time.
    pub minutes: u32,
    /// The local date of the shift the punch counts for (a night shift's start day).
    pub shift_date: Option<NaiveDate>,
    pub shift_index: Option<usize>,
    pub shift_start: Option<DateTime<Utc>>,
    pub shift_end: Option<DateTime<Utc>>,
    pub place: Place,
    pub photo_missing: bool,
}

/// Whole minutes from `a` to `b`, rounded down: 09:00:59 is not yet a minute late.
fn whole_minutes(a: i64, b: i64) -> u32 {
    ((b - a).max(0) / 60_000).try_into().unwrap_or(u32::MAX)
}

/// Judges the place from the fix's judgements against fences. Judgements of fences the
/// rule does not allow are ignored; an allowed fence without a judgement (no fix) counts
/// as uncertain.
pub fn judge_place(fence_ids: &[GeofenceId], judgements: &[(GeofenceId, Judgement)]) -> Place {
    if fence_ids.is_empty() {
        return Place::NotRequired;
    }
    let mut all_outside = true;
    for id in fence_ids {
        match judgements.iter().find(|(f, _)| f == id).map(|&(_, j)| j) {
            Some(Judgement::Inside) => return Place::Allowed,
            Some(Judgement::Outside) => {}
            Some(Judgement::Uncertain) | None => all_outside = false,
        }
    }
    if all_outside {
        Place::OutsideAllowed
    } else {
        Place::Uncertain
    }
}

/// Judges a clock-in or clock-out made at `t_ms`.
pub fn judge_punch(
    schedule: &AttendanceSchedule,
    calendar: &WorkCalendar,
    tz: Tz,
    kind: PunchKind,
    t_ms: i64,
    fences: &[(GeofenceId, Judgement)],
    has_photo: bool,
) -> PunchJudgement {
    let shift = schedule.shift_for(calendar, tz, kind, t_ms);
    let (status, minutes) = match (shift, kind) {
        (None, _) if is_workday(calendar, &schedule.week, local_date(tz, t_ms)) => {
            (PunchStatus::OutsideShifts, 0)
        }
        (None, _) => (PunchStatus::NotAWorkday, 0),
        (Some(s), PunchKind::ClockIn) => {
            let late = whole_minutes(s.start_ms, t_ms);
            if late > schedule.late_grace_min {
                (PunchStatus::Late, late)
            } else {
                (PunchStatus::OnTime, 0)
            }
        }
        (Some(s), PunchKind::ClockOut) => {
            let early = whole_minutes(t_ms, s.end_ms);
            if early > schedule.early_leave_grace_min {
                (PunchStatus::EarlyLeave, early)
            } else {
                (PunchStatus::OnTime, 0)
            }
        }
    };
    PunchJudgement {
        status,
        minutes,
        shift_date: shift.map(|s| s.date),
        shift_index: shift.map(|s| s.index),
        shift_start: shift.and_then(|s| DateTime::from_timestamp_millis(s.start_ms)),
        shift_end: shift.and_then(|s| DateTime::from_timestamp_millis(s.end_ms)),
        place: judge_place(&schedule.fence_ids, fences),
        photo_missing: schedule.photo_required && !has_photo,
    }
}

/// A stored clock-in or clock-out, as the daily record needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Punch {
    pub kind: PunchKind,
    pub t_ms: i64,
}

/// An approved leave, `[start_ms, end_ms)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leave {
    pub start_ms: i64,
    pub end_ms: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ShiftStatus {
    /// Clocked in or out (see the minutes and missing flags).
    Present,
    Absent,
    /// Approved leave covers the whole shift.
    OnLeave,
    /// No punch yet, and the clock-out window has not closed.
    Pending,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayStatus {
    Present,
    /// Present, but late for at least one shift (early leave may be reported too).
    Late,
    EarlyLeave,
    Absent,
    OnLeave,
    DayOff,
    /// Nothing decided yet: no punch and a shift still open.
    Pending,
    /// Before the person's start date: never counted as absent.
    NotStarted,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShiftAttendance {
    pub index: usize,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub clock_in: Option<DateTime<Utc>>,
    pub clock_out: Option<DateTime<Utc>>,
    pub status: ShiftStatus,
    pub late_min: u32,
    pub early_leave_min: u32,
    pub leave_min: u32,
    pub worked_min: u32,
    pub missing_clock_in: bool,
    pub missing_clock_out: bool,
}

/// One employee's attendance on one local date.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyAttendance {
    pub date: NaiveDate,
    pub status: DayStatus,
    pub late_min: u32,
    pub early_leave_min: u32,
    pub leave_min: u32,
    pub worked_min: u32,
    pub missing_clock_in: bool,
    pub missing_clock_out: bool,
    /// Every shift's clock-out window has closed, so the record will not change unless
    /// punches or leave are added (a late sync, an approved correction).
    pub settled: bool,
    pub shifts: Vec<ShiftAttendance>,
}

/// Derives the record of local `date` from the punches around it (the day before and
/// after may be included; each is matched to its shift as [`judge_punch`] does) and the
/// approved leave. Late and early minutes count from the shift's edges moved by leave
/// covering them (leave 09:00–12:00, arrival 12:10: 10 minutes late).
pub fn daily_record(
    schedule: &AttendanceSchedule,
    calendar: &WorkCalendar,
    tz: Tz,
    date: NaiveDate,
    punches: &[Punch],
    leaves: &[Leave],
    now_ms: i64,
) -> DailyAttendance {
    let matched: Vec<(Punch, ShiftInstance)> = punches
        .iter()
        .filter_map(|&p| {
            schedule
                .shift_for(calendar, tz, p.kind, p.t_ms)
                .map(|s| (p, s))
        })
        .filter(|(_, s)| s.date == date)
        .collect();
    let closes = schedule.clock_out_closes_min as i64 * 60_000;
    let shifts: Vec<ShiftAttendance> = schedule
        .shifts_on(calendar, tz, date)
        .into_iter()
        .map(|s| {
            let mine = |kind| {
                matched
                    .iter()
                    .filter(move |(p, m)| p.kind == kind && m.index == s.index)
                    .map(|(p, _)| p.t_ms)
            };
            let clock_in = mine(PunchKind::ClockIn).min();
            let clock_out = mine(PunchKind::ClockOut).max();
            shift_attendance(
                schedule,
                s,
                clock_in,
                clock_out,
                leaves,
                now_ms >= s.end_ms + closes,
            )
        })
        .collect();
    let settled = shifts.iter().all(|s| s.status != ShiftStatus::Pending)
        && schedule
            .shifts_on(calendar, tz, date)
            .iter()
            .all(|s| now_ms >= s.end_ms + closes);
    let sum = |f: fn(&ShiftAttendance) -> u32| shifts.iter().map(f).sum::<u32>();
    let (late_min, early_leave_min) = (sum(|s| s.late_min), sum(|s| s.early_leave_min));
    let working: Vec<&ShiftAttendance> = shifts
        .iter()
        .filter(|s| s.status != ShiftStatus::OnLeave)
        .collect();
    let status = if shifts.is_empty() {
        DayStatus::DayOff
    } else if working.is_empty() {
        DayStatus::OnLeave
    } else if working.iter().all(|s| s.status == ShiftStatus::Absent) {
        DayStatus::Absent
    } else if !working.iter().any(|s| s.status == ShiftStatus::Present) {
        DayStatus::Pending
    } else if late_min > 0 {
        DayStatus::Late
    } else if early_leave_min > 0 {
        DayStatus::EarlyLeave
    } else {
        DayStatus::Present
    };
    DailyAttendance {
        date,
        status,
        late_min,
        early_leave_min,
        leave_min: sum(|s| s.leave_min),
        worked_min: sum(|s| s.worked_min),
        missing_clock_in: shifts.iter().any(|s| s.missing_clock_in),
        missing_clock_out: shifts.iter().any(|s| s.missing_clock_out),
        settled,
        shifts,
    }
}

/// The record of a day before the person started: nothing expected, nothing missed.
pub fn not_started(date: NaiveDate) -> DailyAttendance {
    DailyAttendance {
        date,
        status: DayStatus::NotStarted,
        late_min: 0,
        early_leave_min: 0,
        leave_min: 0,
        worked_min: 0,
        missing_clock_in: false,
        missing_clock_out: false,
        settled: true,
        shifts: Vec::new(),
    }
}

/// The record of `date` for a person who started on `start`: [`not_started`] before it,
/// else [`daily_record`].
#[allow(clippy::too_many_arguments)]
pub fn person_record(
    schedule: &AttendanceSchedule,
    calendar: &WorkCalendar,
    tz: Tz,
    start: NaiveDate,
    date: NaiveDate,
    punches: &[Punch],
    leaves: &[Leave],
    now_ms: i64,
) -> DailyAttendance {
    if date < start {
        not_started(date)
    } else {
        daily_record(schedule, calendar, tz, date, punches, leaves, now_ms)
    }
}

/// Counts of each status over some days (a row of the team report).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusTotals {
    pub present: u32,
    pub late: u32,
    pub early_leave: u32,
    pub absent: u32,
    pub on_leave: u32,
    pub day_off: u32,
    pub not_started: u32,
    pub pending: u32,
}

impl StatusTotals {
    pub fn add(&mut self, s: DayStatus) {
        let n = match s {
            DayStatus::Present => &mut self.present,
            DayStatus::Late => &mut self.late,
            DayStatus::EarlyLeave => &mut self.early_leave,
            DayStatus::Absent => &mut self.absent,
            DayStatus::OnLeave => &mut self.on_leave,
            DayStatus::DayOff => &mut self.day_off,
            DayStatus::NotStarted => &mut self.not_started,
            DayStatus::Pending => &mut self.pending,
        };
        *n += 1;
    }
}

fn shift_attendance(
    schedule: &AttendanceSchedule,
    s: ShiftInstance,
    clock_in: Option<i64>,
    clock_out: Option<i64>,
    leaves: &[Leave],
    window_closed: bool,
) -> ShiftAttendance {
    let (due_start, due_end) = trim_by_leave(s.start_ms, s.end_ms, leaves);
    let on_leave = due_start >= due_end;
    let leave_min = whole_minutes(0, covered_ms(s.start_ms, s.end_ms, leaves));
    let punched = clock_in.is_some() || clock_out.is_some();
    let status = match () {
        _ if on_leave => ShiftStatus::OnLeave,
        _ if punched => ShiftStatus::Present,
        _ if window_closed => ShiftStatus::Absent,
        _ => ShiftStatus::Pending,
    };
    let present = status == ShiftStatus::Present;
    let late_min = match clock_in {
        Some(t) if present && whole_minutes(due_start, t) > schedule.late_grace_min => {
            whole_minutes(due_start, t)
        }
        _ => 0,
    };
    let early_leave_min = match clock_out {
        Some(t) if present && whole_minutes(t, due_end) > schedule.early_leave_grace_min => {
            whole_minutes(t, due_end)
        }
        _ => 0,
    };
    let worked_min = match (clock_in, clock_out) {
        (Some(a), Some(b)) if present => whole_minutes(a.max(s.start_ms), b.min(s.end_ms)),
        _ => 0,
    };
    ShiftAttendance {
        index: s.index,
        start: DateTime::from_timestamp_millis(s.start_ms).unwrap_or_default(),
        end: DateTime::from_timestamp_millis(s.end_ms).unwrap_or_default(),
        clock_in: clock_in.and_then(DateTime::from_timestamp_millis),
        clock_out: clock_out.and_then(DateTime::from_timestamp_millis),
        status,
        late_min,
        early_leave_min,
        leave_min,
        worked_min,
        missing_clock_in: present && clock_in.is_none(),
        // A clock-out may still come until its window closes.
        missing_clock_out: present && clock_out.is_none() && window_closed,
    }
}

/// The part of `[start, end)` still due after leave covering its beginning or end.
fn trim_by_leave(mut start: i64, mut end: i64, leaves: &[Leave]) -> (i64, i64) {
    // Repeat so back-to-back leaves (morning + noon) both move the edge.
    for _ in 0..=leaves.len() {
        for l in leaves {
            if l.start_ms <= start && start < l.end_ms {
                start = l.end_ms;
            }
            if l.start_ms < end && end <= l.end_ms {
                end = l.start_ms;
            }
        }
    }
    (start, end)
}

/// Milliseconds of `[start, end)` covered by the union of the leaves.
fn covered_ms(start: i64, end: i64, leaves: &[Leave]) -> i64 {
    let mut parts: Vec<(i64, i64)> = leaves
        .iter()
        .map(|l| (l.start_ms.max(start), l.end_ms.min(end)))
        .filter(|(a, b)| a < b)
        .collect();
    parts.sort_unstable();
    let mut total = 0;
    let mut reached = start;
    for (a, b) in parts {
        let a = a.max(reached);
        if b > a {
            total += b - a;
            reached = b;
        }
    }
    total
}

#[cfg(test)]
mod tests;
