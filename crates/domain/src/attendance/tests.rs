use super::*;
use crate::calendar::{CalendarDayInput, DayKind, WorkCalendarInput};
use chrono_tz::America::New_York;
use chrono_tz::Asia::Shanghai;

fn at(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> i64 {
    tz.with_ymd_and_hms(y, m, d, h, min, s)
        .earliest()
        .unwrap()
        .timestamp_millis()
}

fn sh(d: u32, h: u32, min: u32, s: u32) -> i64 {
    // November 2026: the 23rd is a Monday, the 27th a Friday.
    at(Shanghai, 2026, 11, d, h, min, s)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn window(start: &str, end: &str) -> Window {
    Window {
        start: start.into(),
        end: end.into(),
    }
}

fn office() -> AttendanceSchedule {
    AttendanceRule {
        late_grace_min: 5,
        early_leave_grace_min: 5,
        ..Default::default()
    }
    .validate()
    .unwrap()
}

fn night() -> AttendanceSchedule {
    AttendanceRule {
        weekdays: vec![5],
        shifts: vec![window("22:00", "06:00")],
        ..Default::default()
    }
    .validate()
    .unwrap()
}

fn no_cal() -> WorkCalendar {
    WorkCalendar::default()
}

fn punch(
    s: &AttendanceSchedule,
    cal: &WorkCalendar,
    tz: Tz,
    kind: PunchKind,
    t: i64,
) -> (PunchStatus, u32) {
    let j = judge_punch(s, cal, tz, kind, t, &[], true);
    (j.status, j.minutes)
}

#[test]
fn late_grace_edges() {
    let s = office();
    let cal = no_cal();
    let ci = |h, m, sec| punch(&s, &cal, Shanghai, PunchKind::ClockIn, sh(23, h, m, sec));
    assert_eq!(ci(8, 30, 0), (PunchStatus::OnTime, 0));
    assert_eq!(ci(9, 0, 0), (PunchStatus::OnTime, 0));
    assert_eq!(
        ci(9, 5, 59),
        (PunchStatus::OnTime, 0),
        "5 whole minutes is within grace"
    );
    assert_eq!(
        ci(9, 6, 0),
        (PunchStatus::Late, 6),
        "late counts from the shift start"
    );
    assert_eq!(ci(12, 0, 0), (PunchStatus::Late, 180));
    assert_eq!(
        ci(4, 59, 0),
        (PunchStatus::OutsideShifts, 0),
        "before the clock-in window opens"
    );
}

#[test]
fn early_leave_grace_edges() {
    let s = office();
    let cal = no_cal();
    let co = |h, m, sec| punch(&s, &cal, Shanghai, PunchKind::ClockOut, sh(23, h, m, sec));
    assert_eq!(co(18, 30, 0), (PunchStatus::OnTime, 0));
    assert_eq!(co(17, 55, 0), (PunchStatus::OnTime, 0));
    assert_eq!(
        co(17, 54, 1),
        (PunchStatus::OnTime, 0),
        "5 whole minutes early"
    );
    assert_eq!(co(17, 54, 0), (PunchStatus::EarlyLeave, 6));
    assert_eq!(
        co(23, 0, 0),
        (PunchStatus::OutsideShifts, 0),
        "after the clock-out window"
    );
}

#[test]
fn zero_grace_is_minute_precise() {
    let s = AttendanceRule::default().validate().unwrap();
    let cal = no_cal();
    assert_eq!(
        punch(&s, &cal, Shanghai, PunchKind::ClockIn, sh(23, 9, 0, 59)),
        (PunchStatus::OnTime, 0)
    );
    assert_eq!(
        punch(&s, &cal, Shanghai, PunchKind::ClockIn, sh(23, 9, 1, 0)),
        (PunchStatus::Late, 1)
    );
}

#[test]
fn night_shift_belongs_to_the_day_it_starts() {
    let s = night();
    let cal = no_cal();
    let j = judge_punch(
        &s,
        &cal,
        Shanghai,
        PunchKind::ClockIn,
        sh(27, 21, 50, 0),
        &[],
        false,
    );
    assert_eq!(
        (j.status, j.shift_date),
        (PunchStatus::OnTime, Some(date(2026, 11, 27)))
    );
    // Saturday 05:30 is not a work day, but Friday's shift reaches into it.
    let j = judge_punch(
        &s,
        &cal,
        Shanghai,
        PunchKind::ClockOut,
        sh(28, 5, 30, 0),
        &[],
        false,
    );
    assert_eq!((j.status, j.minutes), (PunchStatus::EarlyLeave, 30));
    assert_eq!(j.shift_date, Some(date(2026, 11, 27)));
    assert_eq!(j.shift_end.unwrap().timestamp_millis(), sh(28, 6, 0, 0));
    let late = punch(&s, &cal, Shanghai, PunchKind::ClockIn, sh(28, 0, 30, 0));
    assert_eq!(late, (PunchStatus::Late, 150));
    assert_eq!(
        punch(&s, &cal, Shanghai, PunchKind::ClockIn, sh(28, 10, 0, 0)),
        (PunchStatus::NotAWorkday, 0)
    );

    let rec = daily_record(
        &s,
        &cal,
        Shanghai,
        date(2026, 11, 27),
        &[
            Punch {
                kind: PunchKind::ClockIn,
                t_ms: sh(27, 21, 55, 0),
            },
            Punch {
                kind: PunchKind::ClockOut,
                t_ms: sh(28, 6, 10, 0),
            },
        ],
        &[],
        sh(30, 0, 0, 0),
    );
    assert_eq!(rec.status, DayStatus::Present);
    assert_eq!(rec.worked_min, 480);
    assert!(rec.settled);
    let saturday = daily_record(
        &s,
        &cal,
        Shanghai,
        date(2026, 11, 28),
        &[],
        &[],
        sh(30, 0, 0, 0),
    );
    assert_eq!(saturday.status, DayStatus::DayOff);
}

#[test]
fn a_shift_just_after_midnight_takes_an_early_clock_in() {
    let s = AttendanceRule {
        weekdays: vec![1, 2, 3, 4, 5, 6, 7],
        shifts: vec![window("00:30", "08:30")],
        ..Default::default()
    }
    .validate()
    .unwrap();
    let j = judge_punch(
        &s,
        &no_cal(),
        Shanghai,
        PunchKind::ClockIn,
        sh(23, 23, 55, 0),
        &[],
        false,
    );
    assert_eq!(
        (j.status, j.shift_date),
        (PunchStatus::OnTime, Some(date(2026, 11, 24)))
    );
}

#[test]
fn holidays_and_make_up_days() {
    let cal = WorkCalendarInput {
        days: vec![
            CalendarDayInput {
                date: "2026-11-25".into(),
                kind: DayKind::Holiday,
                name: None,
            },
            CalendarDayInput {
                date: "2026-11-29".into(),
                kind: DayKind::Workday,
                name: Some("调休".into()),
            },
        ],
    }
    .validate()
    .unwrap();
    let s = office();
    assert_eq!(
        punch(&s, &cal, Shanghai, PunchKind::ClockIn, sh(25, 9, 0, 0)),
        (PunchStatus::NotAWorkday, 0)
    );
    assert_eq!(
        punch(&s, &cal, Shanghai, PunchKind::ClockIn, sh(29, 9, 0, 0)),
        (PunchStatus::OnTime, 0),
        "a make-up Sunday"
    );
    assert_eq!(
        punch(&s, &cal, Shanghai, PunchKind::ClockIn, sh(28, 9, 0, 0)),
        (PunchStatus::NotAWorkday, 0)
    );
    let later = sh(30, 12, 0, 0);
    assert_eq!(
        daily_record(&s, &cal, Shanghai, date(2026, 11, 25), &[], &[], later).status,
        DayStatus::DayOff
    );
    assert_eq!(
        daily_record(&s, &cal, Shanghai, date(2026, 11, 29), &[], &[], later).status,
        DayStatus::Absent
    );
}

#[test]
fn dst_zone_uses_local_wall_time() {
    let cal = no_cal();
    // New York springs forward on Sunday 2026-03-08; Monday 09:00 is 13:00 UTC, not 14:00.
    let s = AttendanceRule::default().validate().unwrap();
    let nine = at(New_York, 2026, 3, 9, 9, 0, 0);
    assert_eq!(
        nine,
        DateTime::parse_from_rfc3339("2026-03-09T13:00:00Z")
            .unwrap()
            .timestamp_millis()
    );
    assert_eq!(
        punch(&s, &cal, New_York, PunchKind::ClockIn, nine),
        (PunchStatus::OnTime, 0)
    );
    assert_eq!(
        punch(&s, &cal, New_York, PunchKind::ClockIn, nine + 3_600_000),
        (PunchStatus::Late, 60)
    );

    // A Saturday night shift across the fall-back (2026-11-01 02:00 EDT → 01:00 EST) lasts 9 hours.
    let n = AttendanceRule {
        weekdays: vec![6],
        shifts: vec![window("22:00", "06:00")],
        ..Default::default()
    }
    .validate()
    .unwrap();
    let start = at(New_York, 2026, 10, 31, 22, 0, 0);
    let end = at(New_York, 2026, 11, 1, 6, 0, 0);
    assert_eq!(end - start, 9 * 3_600_000);
    assert_eq!(
        punch(&n, &cal, New_York, PunchKind::ClockOut, end),
        (PunchStatus::OnTime, 0)
    );
    let rec = daily_record(
        &n,
        &cal,
        New_York,
        date(2026, 10, 31),
        &[
            Punch {
                kind: PunchKind::ClockIn,
                t_ms: start,
            },
            Punch {
                kind: PunchKind::ClockOut,
                t_ms: end,
            },
        ],
        &[],
        end + 86_400_000,
    );
    assert_eq!((rec.status, rec.worked_min), (DayStatus::Present, 540));

    // A shift starting in the spring-forward gap starts at the first valid minute.
    let gap = AttendanceRule {
        weekdays: vec![7],
        shifts: vec![window("02:30", "04:00")],
        ..Default::default()
    }
    .validate()
    .unwrap();
    let inst = gap.shifts_on(&cal, New_York, date(2026, 3, 8));
    assert_eq!(inst[0].start_ms, at(New_York, 2026, 3, 8, 3, 0, 0));
}

#[test]
fn place_and_photo() {
    let (a, b) = (GeofenceId::new(), GeofenceId::new());
    let s = AttendanceRule {
        fence_ids: vec![a, b],
        photo_required: true,
        ..Default::default()
    }
    .validate()
    .unwrap();
    use Judgement::*;
    assert_eq!(
        judge_place(&s.fence_ids, &[(a, Outside), (b, Inside)]),
        Place::Allowed
    );
    assert_eq!(
        judge_place(&s.fence_ids, &[(a, Outside), (b, Uncertain)]),
        Place::Uncertain
    );
    assert_eq!(
        judge_place(&s.fence_ids, &[(a, Outside), (b, Outside)]),
        Place::OutsideAllowed
    );
    assert_eq!(
        judge_place(&s.fence_ids, &[(a, Outside)]),
        Place::Uncertain,
        "b not judged"
    );
    assert_eq!(judge_place(&s.fence_ids, &[]), Place::Uncertain, "no fix");
    let other = GeofenceId::new();
    assert_eq!(
        judge_place(&s.fence_ids, &[(other, Inside), (a, Outside), (b, Outside)]),
        Place::OutsideAllowed
    );
    assert_eq!(judge_place(&[], &[(a, Outside)]), Place::NotRequired);

    let j = judge_punch(
        &s,
        &no_cal(),
        Shanghai,
        PunchKind::ClockIn,
        sh(23, 9, 0, 0),
        &[(a, Inside)],
        false,
    );
    assert!(j.photo_missing);
    assert_eq!(j.place, Place::Allowed);
    let j = judge_punch(
        &office(),
        &no_cal(),
        Shanghai,
        PunchKind::ClockIn,
        sh(23, 9, 0, 0),
        &[],
        false,
    );
    assert!(!j.photo_missing);
    assert_eq!(j.place, Place::NotRequired);
}

fn p(kind: PunchKind, t_ms: i64) -> Punch {
    Punch { kind, t_ms }
}

#[test]
fn daily_statuses() {
    let s = office();
    let cal = no_cal();
    let mon = date(2026, 11, 23);
    let later = sh(24, 12, 0, 0);
    let rec = |punches: &[Punch], leaves: &[Leave], now| {
        daily_record(&s, &cal, Shanghai, mon, punches, leaves, now)
    };

    let ok = rec(
        &[
            p(PunchKind::ClockIn, sh(23, 8, 50, 0)),
            p(PunchKind::ClockOut, sh(23, 18, 5, 0)),
        ],
        &[],
        later,
    );
    assert_eq!(
        (ok.status, ok.worked_min, ok.settled),
        (DayStatus::Present, 540, true)
    );

    let late = rec(
        &[
            p(PunchKind::ClockIn, sh(23, 9, 20, 0)),
            p(PunchKind::ClockOut, sh(23, 17, 0, 0)),
        ],
        &[],
        later,
    );
    assert_eq!(
        (late.status, late.late_min, late.early_leave_min),
        (DayStatus::Late, 20, 60)
    );

    let early = rec(
        &[
            p(PunchKind::ClockIn, sh(23, 9, 0, 0)),
            p(PunchKind::ClockOut, sh(23, 17, 0, 0)),
        ],
        &[],
        later,
    );
    assert_eq!(
        (early.status, early.early_leave_min),
        (DayStatus::EarlyLeave, 60)
    );

    let absent = rec(&[], &[], later);
    assert_eq!(absent.status, DayStatus::Absent);
    assert_eq!(absent.shifts[0].status, ShiftStatus::Absent);

    // Punches of other days do not count for Monday.
    let tuesday_only = rec(&[p(PunchKind::ClockIn, sh(24, 9, 0, 0))], &[], later);
    assert_eq!(tuesday_only.status, DayStatus::Absent);

    let pending = rec(&[], &[], sh(23, 10, 0, 0));
    assert_eq!(
        (pending.status, pending.settled),
        (DayStatus::Pending, false)
    );

    let no_out_yet = rec(
        &[p(PunchKind::ClockIn, sh(23, 9, 0, 0))],
        &[],
        sh(23, 19, 0, 0),
    );
    assert!(
        !no_out_yet.missing_clock_out,
        "the clock-out window is still open"
    );
    let no_out = rec(&[p(PunchKind::ClockIn, sh(23, 9, 0, 0))], &[], later);
    assert_eq!(
        (no_out.status, no_out.missing_clock_out),
        (DayStatus::Present, true)
    );
    let no_in = rec(&[p(PunchKind::ClockOut, sh(23, 18, 0, 0))], &[], later);
    assert!(no_in.missing_clock_in);

    // The earliest clock-in and the latest clock-out count.
    let twice = rec(
        &[
            p(PunchKind::ClockIn, sh(23, 9, 30, 0)),
            p(PunchKind::ClockIn, sh(23, 8, 59, 0)),
            p(PunchKind::ClockOut, sh(23, 17, 0, 0)),
            p(PunchKind::ClockOut, sh(23, 18, 1, 0)),
        ],
        &[],
        later,
    );
    assert_eq!(twice.status, DayStatus::Present);
}

#[test]
fn leave_moves_the_due_times() {
    let s = office();
    let cal = no_cal();
    let mon = date(2026, 11, 23);
    let later = sh(24, 12, 0, 0);
    let full = [Leave {
        start_ms: sh(23, 0, 0, 0),
        end_ms: sh(24, 0, 0, 0),
    }];
    let r = daily_record(&s, &cal, Shanghai, mon, &[], &full, later);
    assert_eq!((r.status, r.leave_min), (DayStatus::OnLeave, 540));

    let morning = [Leave {
        start_ms: sh(23, 9, 0, 0),
        end_ms: sh(23, 12, 0, 0),
    }];
    let punches = [
        p(PunchKind::ClockIn, sh(23, 12, 10, 0)),
        p(PunchKind::ClockOut, sh(23, 18, 0, 0)),
    ];
    let r = daily_record(&s, &cal, Shanghai, mon, &punches, &morning, later);
    assert_eq!(
        (r.status, r.late_min, r.leave_min),
        (DayStatus::Late, 10, 180)
    );

    let afternoon = [Leave {
        start_ms: sh(23, 15, 0, 0),
        end_ms: sh(23, 18, 0, 0),
    }];
    let punches = [
        p(PunchKind::ClockIn, sh(23, 9, 0, 0)),
        p(PunchKind::ClockOut, sh(23, 15, 0, 0)),
    ];
    let r = daily_record(&s, &cal, Shanghai, mon, &punches, &afternoon, later);
    assert_eq!((r.status, r.early_leave_min), (DayStatus::Present, 0));

    // Back-to-back leaves covering the whole shift are a day on leave.
    let split = [
        Leave {
            start_ms: sh(23, 12, 0, 0),
            end_ms: sh(23, 18, 0, 0),
        },
        Leave {
            start_ms: sh(23, 9, 0, 0),
            end_ms: sh(23, 12, 0, 0),
        },
    ];
    let r = daily_record(&s, &cal, Shanghai, mon, &[], &split, later);
    assert_eq!((r.status, r.leave_min), (DayStatus::OnLeave, 540));
}

#[test]
fn split_shifts_are_judged_separately() {
    let s = AttendanceRule {
        shifts: vec![window("13:00", "18:00"), window("08:00", "12:00")],
        ..Default::default()
    }
    .validate()
    .unwrap();
    let cal = no_cal();
    // 12:40 is nearer the afternoon start than the morning one.
    let j = judge_punch(
        &s,
        &cal,
        Shanghai,
        PunchKind::ClockIn,
        sh(23, 12, 40, 0),
        &[],
        false,
    );
    assert_eq!((j.status, j.shift_index), (PunchStatus::OnTime, Some(0)));
    let j = judge_punch(
        &s,
        &cal,
        Shanghai,
        PunchKind::ClockOut,
        sh(23, 12, 5, 0),
        &[],
        false,
    );
    assert_eq!((j.status, j.shift_index), (PunchStatus::OnTime, Some(1)));
    let r = daily_record(
        &s,
        &cal,
        Shanghai,
        date(2026, 11, 23),
        &[
            p(PunchKind::ClockIn, sh(23, 8, 0, 0)),
            p(PunchKind::ClockOut, sh(23, 12, 0, 0)),
        ],
        &[],
        sh(24, 12, 0, 0),
    );
    assert_eq!(r.shifts[0].status, ShiftStatus::Absent);
    assert_eq!(r.shifts[1].status, ShiftStatus::Present);
    assert_eq!(
        r.status,
        DayStatus::Present,
        "half a day is not an absent day"
    );
}

#[test]
fn validation_names_fields() {
    let e = AttendanceRule {
        weekdays: vec![8],
        shifts: vec![window("9am", "18:00"), window("10:00", "10:00")],
        late_grace_min: 999,
        ..Default::default()
    }
    .validate()
    .unwrap_err();
    let fields: Vec<_> = e.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "weekdays",
            "shifts[0].start",
            "shifts[1].end",
            "late_grace_min"
        ]
    );

    let overlap = AttendanceRule {
        shifts: vec![window("09:00", "13:00"), window("12:00", "18:00")],
        ..Default::default()
    };
    assert_eq!(overlap.validate().unwrap_err().problems[0].field, "shifts");
    let wraps = AttendanceRule {
        shifts: vec![window("22:00", "07:00"), window("06:00", "12:00")],
        ..Default::default()
    };
    assert!(
        wraps.validate().is_err(),
        "a night shift running into the morning shift"
    );
    let fine = AttendanceRule {
        shifts: vec![
            window("22:00", "06:00"),
            window("06:00", "14:00"),
            window("14:00", "22:00"),
        ],
        ..Default::default()
    };
    assert!(fine.validate().is_ok());
    let none = AttendanceRule {
        shifts: vec![],
        ..Default::default()
    };
    assert_eq!(none.validate().unwrap_err().problems[0].field, "shifts");
    let json = serde_json::json!({"weekdays": [1], "shifts": [], "grace": 5});
    assert!(serde_json::from_value::<AttendanceRule>(json).is_err());
}

#[test]
fn days_before_the_start_date_are_not_started_never_absent() {
    let s = office();
    let cal = no_cal();
    let later = sh(30, 12, 0, 0);
    let start = date(2026, 11, 25);
    let mut totals = StatusTotals::default();
    // Mon 23 and Tue 24 are work days before the start; Wed 25 onwards count.
    for d in 23..=27 {
        let rec = person_record(
            &s,
            &cal,
            Shanghai,
            start,
            date(2026, 11, d),
            &[],
            &[],
            later,
        );
        totals.add(rec.status);
    }
    assert_eq!(
        (totals.not_started, totals.absent, totals.present),
        (2, 3, 0)
    );
    let before = person_record(
        &s,
        &cal,
        Shanghai,
        start,
        date(2026, 11, 24),
        &[],
        &[],
        later,
    );
    assert_eq!(before.status, DayStatus::NotStarted);
    assert!(before.shifts.is_empty() && !before.missing_clock_in);
}
