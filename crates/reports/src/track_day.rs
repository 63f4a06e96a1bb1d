//! A stored day summary (`track_days.summary`, written by the `track_day` job from
//! `track::analyze`) reduced to what facts need: distances and the instants of trips, gaps
//! and the first and last fix.

use chrono::{DateTime, NaiveDate};
use serde::Deserialize;

/// `[start_ms, end_ms)` in UTC epoch milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    pub start_ms: i64,
    pub end_ms: i64,
}

impl Interval {
    pub fn len_ms(&self) -> i64 {
        (self.end_ms - self.start_ms).max(0)
    }

    pub fn overlap_ms(&self, other: &Interval) -> i64 {
        (self.end_ms.min(other.end_ms) - self.start_ms.max(other.start_ms)).max(0)
    }
}

/// A drive, ride or walk between two stops.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trip {
    pub span: Interval,
    pub distance_m: f64,
}

/// One person's tracked local day.
#[derive(Clone, Debug, PartialEq)]
pub struct TrackDay {
    pub date: NaiveDate,
    /// All distance travelled that day (drift while stopped excluded).
    pub mileage_m: f64,
    /// Distance inside the working windows (what reimbursement pays).
    pub work_mileage_m: f64,
    pub trips: Vec<Trip>,
    /// Periods without a usable fix between the first and the last.
    pub gaps: Vec<Interval>,
    /// First and last kept fix; `None` on a day without any.
    pub tracked: Option<Interval>,
}

#[derive(Debug, thiserror::Error)]
pub enum SummaryError {
    #[error("the day summary is not the JSON the track_day job writes: {0}")]
    Json(#[from] serde_json::Error),
    #[error("`{field}` is not an RFC 3339 instant: {text}")]
    Instant { field: &'static str, text: String },
    #[error("`date` is not a date like 2026-11-02: {0}")]
    Date(String),
}

#[derive(Deserialize)]
struct Stored {
    date: String,
    mileage_m: f64,
    work_mileage_m: f64,
    #[serde(default)]
    trips: Vec<StoredTrip>,
    #[serde(default)]
    gaps: Vec<StoredSpan>,
    first_fix: Option<String>,
    last_fix: Option<String>,
}

#[derive(Deserialize)]
struct StoredTrip {
    start: String,
    end: String,
    distance_m: f64,
}

#[derive(Deserialize)]
struct StoredSpan {
    start: String,
    end: String,
}

fn instant(field: &'static str, text: &str) -> Result<i64, SummaryError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .map_err(|_| SummaryError::Instant {
            field,
            text: text.chars().take(40).collect(),
        })
}

impl TrackDay {
    /// Reads the summary JSON as stored in `track_days.summary` (unknown fields ignored).
    pub fn from_summary_json(json: &str) -> Result<TrackDay, SummaryError> {
        let s: Stored = serde_json::from_str(json)?;
        let date = s
            .date
            .parse::<NaiveDate>()
            .map_err(|_| SummaryError::Date(s.date.chars().take(20).collect()))?;
        let span = |field, start: &str, end: &str| -> Result<Interval, SummaryError> {
            Ok(Interval {
                start_ms: instant(field, start)?,
                end_ms: instant(field, end)?,
            })
        };
        let trips = s
            .trips
            .iter()
            .map(|t| {
                Ok(Trip {
                    span: span("trips", &t.start, &t.end)?,
                    distance_m: t.distance_m,
                })
            })
            .collect::<Result<_, SummaryError>>()?;
        let gaps = s
            .gaps
            .iter()
            .map(|g| span("gaps", &g.start, &g.end))
            .collect::<Result<_, SummaryError>>()?;
        let tracked = match (&s.first_fix, &s.last_fix) {
            (Some(a), Some(b)) => Some(Interval {
                start_ms: instant("first_fix", a)?,
                end_ms: instant("last_fix", b)?,
            }),
            _ => None,
        };
        Ok(TrackDay {
            date,
            mileage_m: s.mileage_m,
            work_mileage_m: s.work_mileage_m,
            trips,
            gaps,
            tracked,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape `server::tracking::summary::DaySummary` serialises (times in the
    /// tenant's zone, to the millisecond).
    const STORED: &str = r#"{
        "date": "2026-11-03", "mileage_m": 23456.5, "work_mileage_m": 21000.0,
        "stops": [{"start": "2026-11-03T09:00:00.000+08:00", "end": "2026-11-03T09:40:00.000+08:00",
                   "lat": 31.2, "lon": 121.4, "duration_s": 2400.0, "radius_m": 20.0}],
        "trips": [{"start": "2026-11-03T09:40:00.000+08:00", "end": "2026-11-03T10:00:00.000+08:00",
                   "distance_m": 5000.0}],
        "gaps": [{"start": "2026-11-03T12:00:00.000+08:00", "end": "2026-11-03T12:30:00.000+08:00",
                  "duration_s": 1800.0}],
        "first_fix": "2026-11-03T08:55:00.000+08:00", "last_fix": "2026-11-03T18:05:00.000+08:00",
        "fixes_kept": 900, "fixes_rejected": 12
    }"#;

    #[test]
    fn reads_the_stored_summary() {
        let t = TrackDay::from_summary_json(STORED).unwrap();
        assert_eq!(t.date, "2026-11-03".parse::<NaiveDate>().unwrap());
        assert_eq!(t.mileage_m, 23456.5);
        assert_eq!(t.trips.len(), 1);
        assert_eq!(t.trips[0].span.len_ms(), 20 * 60_000);
        // 09:40 +08:00 is 01:40 UTC.
        assert_eq!(
            t.trips[0].span.start_ms,
            DateTime::parse_from_rfc3339("2026-11-03T01:40:00Z")
                .unwrap()
                .timestamp_millis()
        );
        assert_eq!(t.gaps[0].len_ms(), 30 * 60_000);
        assert_eq!(t.tracked.unwrap().len_ms(), (9 * 60 + 10) * 60_000);
    }

    #[test]
    fn names_a_bad_instant() {
        let bad = STORED.replace("2026-11-03T12:00:00.000+08:00", "noon");
        match TrackDay::from_summary_json(&bad) {
            Err(SummaryError::Instant { field, text }) => {
                assert_eq!((field, text.as_str()), ("gaps", "noon"))
            }
            other => panic!("{other:?}"),
        }
    }
}
