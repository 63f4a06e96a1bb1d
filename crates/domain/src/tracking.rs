//! Tracking rules: when a tenant's (or department's) people are tracked and how often
//! their phones should sample. Outside the working windows nothing is collected unless
//! the rule says so — privacy by design.

use crate::{Format, Invalid, Problem};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A local time window such as 09:00–18:00. An end at or before the start crosses
/// midnight (a night shift 22:00–06:00).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Window {
    #[cfg_attr(feature = "openapi", schema(example = "09:00"))]
    pub start: String,
    #[cfg_attr(feature = "openapi", schema(example = "18:00"))]
    pub end: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TrackingRule {
    /// ISO weekdays on which tracking runs: 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
    #[cfg_attr(feature = "openapi", schema(max_items = 8))]
    pub windows: Vec<Window>,
    /// Seconds between fixes while moving.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3600))]
    pub moving_interval_s: u32,
    /// Seconds between fixes while stationary.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3600))]
    pub stationary_interval_s: u32,
    /// Metres to move before a new fix is worth sending.
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 1000.0))]
    pub min_distance_m: f64,
    /// The accuracy the client should ask its location provider for.
    #[cfg_attr(feature = "openapi", schema(minimum = 1.0, maximum = 1000.0))]
    pub desired_accuracy_m: f64,
    /// Keep fixes that arrive outside the working windows (off by default).
    #[serde(default)]
    pub keep_outside_windows: bool,
}

impl Default for TrackingRule {
    fn default() -> Self {
        Self {
            weekdays: vec![1, 2, 3, 4, 5],
            windows: vec![Window {
                start: "09:00".into(),
                end: "18:00".into(),
            }],
            moving_interval_s: 10,
            stationary_interval_s: 60,
            min_distance_m: 10.0,
            desired_accuracy_m: 20.0,
            keep_outside_windows: false,
        }
    }
}

/// A rule checked and turned into minutes of the day.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    weekdays: [bool; 7],
    windows: Vec<(u32, u32)>,
    pub keep_outside_windows: bool,
}

fn parse_hhmm(s: &str) -> Result<u32, Problem> {
    let t =
        NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| Problem::format(Format::Time))?;
    Ok(t.hour_min())
}

trait HourMin {
    fn hour_min(&self) -> u32;
}

impl HourMin for NaiveTime {
    fn hour_min(&self) -> u32 {
        use chrono::Timelike;
        self.hour() * 60 + self.minute()
    }
}

impl TrackingRule {
    pub fn validate(&self) -> Result<Schedule, Invalid> {
        let mut bad = Invalid::default();
        let mut weekdays = [false; 7];
        for &d in &self.weekdays {
            match d {
                1..=7 => weekdays[d as usize - 1] = true,
                _ => bad.push("weekdays", Problem::format(Format::Weekday)),
            }
        }
        let mut windows = Vec::new();
        if self.windows.len() > 8 {
            bad.push("windows", Problem::TooMany { max: 8 });
        }
        for (i, w) in self.windows.iter().enumerate() {
            let s = bad.check(&format!("windows[{i}].start"), parse_hhmm(&w.start));
            let e = bad.check(&format!("windows[{i}].end"), parse_hhmm(&w.end));
            if let (Some(s), Some(e)) = (s, e) {
                windows.push((s, e));
            }
        }
        for (field, v, lo, hi, unit) in [
            (
                "moving_interval_s",
                self.moving_interval_s as f64,
                1.0,
                3600.0,
                "s",
            ),
            (
                "stationary_interval_s",
                self.stationary_interval_s as f64,
                1.0,
                3600.0,
                "s",
            ),
            ("min_distance_m", self.min_distance_m, 0.0, 1000.0, "m"),
            (
                "desired_accuracy_m",
                self.desired_accuracy_m,
                1.0,
                1000.0,
                "m",
            ),
        ] {
            if !(lo..=hi).contains(&v) {
                bad.push(field, Problem::range(lo, hi, unit));
            }
        }
        bad.into_result(|| Schedule {
            weekdays,
            windows,
            keep_outside_windows: self.keep_outside_windows,
        })
    }
}

impl Schedule {
    /// The working windows that start on local `date`, as UTC epoch-millisecond ranges.
    /// A local time that does not exist (a DST gap) moves to the next valid instant.
    pub fn windows_on(&self, tz: Tz, date: NaiveDate) -> Vec<(i64, i64)> {
        if !self.weekdays[date.weekday().num_days_from_monday() as usize] {
            return Vec::new();
        }
        let at = |d: NaiveDate, minutes: u32| -> i64 {
            let naive = d
                .and_hms_opt(minutes / 60, minutes % 60, 0)
                .unwrap_or_default();
            let mut probe = naive;
            // Walk forward minute by minute across a DST gap (at most a couple of hours).
            for _ in 0..180 {
                if let Some(t) = tz.from_local_datetime(&probe).earliest() {
                    return t.timestamp_millis();
                }
                probe += Duration::minutes(1);
            }
            Utc.from_utc_datetime(&naive).timestamp_millis()
        };
        self.windows
            .iter()
            .map(|&(s, e)| {
                let end_day = if e <= s {
                    date.succ_opt().unwrap_or(date)
                } else {
                    date
                };
                (at(date, s), at(end_day, e))
            })
            .collect()
    }

    /// Windows touching local `date`: those starting that day and any night window of
    /// the day before that runs into it.
    pub fn windows_touching(&self, tz: Tz, date: NaiveDate) -> Vec<(i64, i64)> {
        let mut out = date
            .pred_opt()
            .map(|d| self.windows_on(tz, d))
            .unwrap_or_default();
        out.retain(|&(_, end)| end > day_start(tz, date));
        out.extend(self.windows_on(tz, date));
        out
    }

    pub fn is_working(&self, tz: Tz, t_ms: i64) -> bool {
        let date = local_date(tz, t_ms);
        self.windows_touching(tz, date)
            .iter()
            .any(|&(s, e)| s <= t_ms && t_ms < e)
    }

    /// Whether a fix at `t_ms` should be kept.
    pub fn keeps(&self, tz: Tz, t_ms: i64) -> bool {
        self.keep_outside_windows || self.is_working(tz, t_ms)
    }

    /// The next instant after `now_ms` at which `is_working` changes, looking a week ahead.
    pub fn next_change(&self, tz: Tz, now_ms: i64) -> Option<i64> {
        let working = self.is_working(tz, now_ms);
        let today = local_date(tz, now_ms);
        let mut edges: Vec<i64> = (0..8)
            .filter_map(|k| today.checked_add_signed(Duration::days(k)))
            .flat_map(|d| self.windows_on(tz, d))
            .flat_map(|(s, e)| [s, e])
            .filter(|&t| t > now_ms)
            .collect();
        edges.sort_unstable();
        edges
            .into_iter()
            .find(|&t| self.is_working(tz, t) != working)
    }
}

pub fn local_date(tz: Tz, t_ms: i64) -> NaiveDate {
    DateTime::<Utc>::from_timestamp_millis(t_ms)
        .unwrap_or_default()
        .with_timezone(&tz)
        .date_naive()
}

/// The UTC instant at which local `date` begins.
pub fn day_start(tz: Tz, date: NaiveDate) -> i64 {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.timestamp_millis())
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight).timestamp_millis())
}

/// What a phone should do now, for `GET /api/v1/me/tracking-policy`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackingPolicy {
    /// Collect and send fixes now.
    pub collect: bool,
    /// When `collect` next changes (RFC 3339), if within a week.
    pub until: Option<DateTime<Utc>>,
    pub moving_interval_s: u32,
    pub stationary_interval_s: u32,
    pub min_distance_m: f64,
    pub desired_accuracy_m: f64,
    /// The local working windows today, for display.
    pub windows: Vec<Window>,
    pub timezone: String,
}

pub fn policy_at(rule: &TrackingRule, schedule: &Schedule, tz: Tz, now_ms: i64) -> TrackingPolicy {
    let working = schedule.is_working(tz, now_ms);
    TrackingPolicy {
        collect: working || schedule.keep_outside_windows,
        until: schedule
            .next_change(tz, now_ms)
            .and_then(DateTime::from_timestamp_millis),
        moving_interval_s: rule.moving_interval_s,
        stationary_interval_s: rule.stationary_interval_s,
        min_distance_m: rule.min_distance_m,
        desired_accuracy_m: rule.desired_accuracy_m,
        windows: rule.windows.clone(),
        timezone: tz.name().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
        chrono_tz::Asia::Shanghai
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn default_rule_is_weekday_office_hours() {
        let s = TrackingRule::default().validate().unwrap();
        let tz = chrono_tz::Asia::Shanghai;
        // 2026-11-27 is a Friday, 2026-11-28 a Saturday.
        assert!(s.is_working(tz, shanghai(2026, 11, 27, 9, 0)));
        assert!(s.is_working(tz, shanghai(2026, 11, 27, 17, 59)));
        assert!(!s.is_working(tz, shanghai(2026, 11, 27, 18, 0)));
        assert!(!s.is_working(tz, shanghai(2026, 11, 27, 8, 59)));
        assert!(!s.is_working(tz, shanghai(2026, 11, 28, 10, 0)));
        // Friday evening → next change is Monday 09:00.
        assert_eq!(
            s.next_change(tz, shanghai(2026, 11, 27, 19, 0)),
            Some(shanghai(2026, 11, 30, 9, 0))
        );
    }

    #[test]
    fn night_window_crosses_midnight() {
        let rule = TrackingRule {
            weekdays: vec![5],
            windows: vec![Window {
                start: "22:00".into(),
                end: "06:00".into(),
            }],
            ..Default::default()
        };
        let s = rule.validate().unwrap();
        let tz = chrono_tz::Asia::Shanghai;
        assert!(s.is_working(tz, shanghai(2026, 11, 27, 23, 0)));
        assert!(
            s.is_working(tz, shanghai(2026, 11, 28, 5, 59)),
            "Saturday early morning belongs to Friday's shift"
        );
        assert!(!s.is_working(tz, shanghai(2026, 11, 28, 6, 0)));
        assert!(!s.is_working(tz, shanghai(2026, 11, 28, 23, 0)));
    }

    #[test]
    fn dst_gap_does_not_lose_the_window() {
        // New York springs forward at 02:00 on 2026-03-08 (a Sunday).
        let rule = TrackingRule {
            weekdays: vec![7],
            windows: vec![Window {
                start: "02:30".into(),
                end: "04:00".into(),
            }],
            ..Default::default()
        };
        let s = rule.validate().unwrap();
        let w = s.windows_on(
            chrono_tz::America::New_York,
            NaiveDate::from_ymd_opt(2026, 3, 8).unwrap(),
        );
        assert_eq!(w.len(), 1);
        assert_eq!(
            w[0].1 - w[0].0,
            3_600_000,
            "02:30 does not exist; the window starts at 03:00"
        );
    }

    #[test]
    fn validation_names_fields() {
        let rule = TrackingRule {
            weekdays: vec![0],
            windows: vec![Window {
                start: "9am".into(),
                end: "18:00".into(),
            }],
            moving_interval_s: 0,
            ..Default::default()
        };
        let e = rule.validate().unwrap_err();
        let fields: Vec<_> = e.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["weekdays", "windows[0].start", "moving_interval_s"]
        );
    }
}

/// What the live map shows for a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LiveStatus {
    Moving,
    Stopped,
    /// No fix for longer than the offline threshold during working hours.
    Offline,
    /// Outside the working windows: not tracked, by design.
    OffShift,
}

/// Offline after 10 minutes of silence: three times the slowest default sampling.
pub const OFFLINE_AFTER_MS: i64 = 10 * 60_000;

/// Moving above 1 m/s (a brisk walk); below it GPS speed is mostly noise.
pub fn live_status(
    working: bool,
    last_fix_ms: Option<i64>,
    speed_mps: Option<f32>,
    now_ms: i64,
) -> LiveStatus {
    if !working {
        return LiveStatus::OffShift;
    }
    match last_fix_ms {
        Some(t) if now_ms - t <= OFFLINE_AFTER_MS => {
            if speed_mps.is_some_and(|s| s >= 1.0) {
                LiveStatus::Moving
            } else {
                LiveStatus::Stopped
            }
        }
        _ => LiveStatus::Offline,
    }
}

#[cfg(test)]
mod live_tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(
            live_status(false, Some(0), Some(9.0), 0),
            LiveStatus::OffShift
        );
        assert_eq!(live_status(true, None, None, 0), LiveStatus::Offline);
        assert_eq!(
            live_status(true, Some(0), Some(9.0), OFFLINE_AFTER_MS + 1),
            LiveStatus::Offline
        );
        assert_eq!(
            live_status(true, Some(0), Some(9.0), 1000),
            LiveStatus::Moving
        );
        assert_eq!(
            live_status(true, Some(0), Some(0.3), 1000),
            LiveStatus::Stopped
        );
        assert_eq!(live_status(true, Some(0), None, 1000), LiveStatus::Stopped);
    }
}
