//! The tenant's work calendar: public holidays that are days off even on a weekday, and
//! make-up working days (调休) that are work days even on a weekend.

use crate::tenant::clean_optional;
use crate::{Format, Invalid, Problem};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// No work, even on a normal work day of the week.
    Holiday,
    /// Work, even on a weekend (a make-up working day).
    Workday,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CalendarDayInput {
    #[cfg_attr(feature = "openapi", schema(example = "2026-10-01", format = Date))]
    pub date: String,
    pub kind: DayKind,
    /// What the day is, for display (国庆节, 国庆调休).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub name: Option<String>,
}

/// The whole calendar as a client sends it (replacing the stored one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WorkCalendarInput {
    #[cfg_attr(feature = "openapi", schema(max_items = 2000))]
    pub days: Vec<CalendarDayInput>,
}

/// Ten years of Chinese holidays and make-up days are ~400 entries.
pub const MAX_CALENDAR_DAYS: usize = 2000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarDay {
    pub kind: DayKind,
    pub name: Option<String>,
}

/// A validated calendar; an empty one means the days of the week alone decide.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    pub days: BTreeMap<NaiveDate, CalendarDay>,
}

impl WorkCalendarInput {
    pub fn validate(&self) -> Result<WorkCalendar, Invalid> {
        let mut bad = Invalid::default();
        if self.days.len() > MAX_CALENDAR_DAYS {
            bad.push(
                "days",
                Problem::TooMany {
                    max: MAX_CALENDAR_DAYS,
                },
            );
        }
        let mut days = BTreeMap::new();
        for (i, d) in self.days.iter().enumerate() {
            let date = bad.check(&format!("days[{i}].date"), parse_date(&d.date));
            let name = bad.check(
                &format!("days[{i}].name"),
                clean_optional(d.name.as_deref(), 50),
            );
            if let (Some(date), Some(name)) = (date, name) {
                let day = CalendarDay { kind: d.kind, name };
                if days.insert(date, day).is_some() {
                    bad.push(format!("days[{i}].date"), Problem::Duplicate);
                }
            }
        }
        bad.into_result(|| WorkCalendar { days })
    }
}

pub fn parse_date(s: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| Problem::format(Format::Date))
}

/// The ordinary work days of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkWeek([bool; 7]);

impl Default for WorkWeek {
    /// Monday to Friday.
    fn default() -> Self {
        Self([true, true, true, true, true, false, false])
    }
}

impl WorkWeek {
    /// From ISO weekday numbers, 1 = Monday … 7 = Sunday.
    pub fn parse(days: &[u8]) -> Result<Self, Problem> {
        let mut week = [false; 7];
        for &d in days {
            match d {
                1..=7 => week[d as usize - 1] = true,
                _ => return Err(Problem::format(Format::Weekday)),
            }
        }
        Ok(Self(week))
    }

    pub fn includes(&self, date: NaiveDate) -> bool {
        self.0[date.weekday().num_days_from_monday() as usize]
    }
}

/// Whether `date` is a work day: the calendar's entry wins, else the day of the week.
pub fn is_workday(calendar: &WorkCalendar, week: &WorkWeek, date: NaiveDate) -> bool {
    match calendar.days.get(&date).map(|d| d.kind) {
        Some(DayKind::Holiday) => false,
        Some(DayKind::Workday) => true,
        None => week.includes(date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn day(date: &str, kind: DayKind) -> CalendarDayInput {
        CalendarDayInput {
            date: date.into(),
            kind,
            name: Some("国庆".into()),
        }
    }

    #[test]
    fn holidays_and_make_up_days_override_the_week() {
        // 2026-10-01 is a Thursday; 2026-10-10 a Saturday.
        let cal = WorkCalendarInput {
            days: vec![
                day("2026-10-01", DayKind::Holiday),
                day("2026-10-10", DayKind::Workday),
            ],
        }
        .validate()
        .unwrap();
        let week = WorkWeek::default();
        assert!(!is_workday(&cal, &week, d(2026, 10, 1)));
        assert!(is_workday(&cal, &week, d(2026, 10, 10)));
        assert!(is_workday(&cal, &week, d(2026, 10, 9)), "a Friday");
        assert!(!is_workday(&cal, &week, d(2026, 10, 11)), "a Sunday");
        let six_days = WorkWeek::parse(&[1, 2, 3, 4, 5, 6]).unwrap();
        assert!(is_workday(
            &WorkCalendar::default(),
            &six_days,
            d(2026, 10, 3)
        ));
    }

    #[test]
    fn validation_names_each_day() {
        let e = WorkCalendarInput {
            days: vec![
                day("2026-10-01", DayKind::Holiday),
                day("2026-13-01", DayKind::Holiday),
                day(" 2026-10-01", DayKind::Workday),
            ],
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = e.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["days[1].date", "days[2].date"]);
        assert!(WorkWeek::parse(&[0]).is_err());
        let json =
            serde_json::json!({"days": [{"date": "2026-10-01", "kind": "holiday", "note": 1}]});
        assert!(serde_json::from_value::<WorkCalendarInput>(json).is_err());
    }
}
