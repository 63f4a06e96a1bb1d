//! Calendar periods of local dates. Every date in this crate is a local date in the
//! tenant's time zone (the caller turns instants into dates with
//! `domain::attendance::local_date`), so a week or a month here is the tenant's.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How finely a roll-up cuts time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grain {
    Day,
    /// Monday to Sunday (ISO 8601).
    Week,
    Month,
}

/// One day, ISO week or month: the key of a roll-up row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeriodKey {
    grain: Grain,
    first: NaiveDate,
}

impl PeriodKey {
    pub fn containing(grain: Grain, date: NaiveDate) -> PeriodKey {
        let first = match grain {
            Grain::Day => date,
            Grain::Week => {
                let w = date.iso_week();
                NaiveDate::from_isoywd_opt(w.year(), w.week(), Weekday::Mon)
                    .expect("the week of a date exists")
            }
            Grain::Month => date.with_day(1).expect("day 1 exists"),
        };
        PeriodKey { grain, first }
    }

    pub fn grain(&self) -> Grain {
        self.grain
    }

    pub fn first(&self) -> NaiveDate {
        self.first
    }

    pub fn last(&self) -> NaiveDate {
        match self.grain {
            Grain::Day => self.first,
            Grain::Week => self.first + Days::new(6),
            Grain::Month => self.first + Months::new(1) - Days::new(1),
        }
    }

    pub fn range(&self) -> DateRange {
        DateRange {
            from: self.first,
            to: self.last(),
        }
    }

    pub fn previous(&self) -> PeriodKey {
        PeriodKey::containing(self.grain, self.first - Days::new(1))
    }
}

/// `2026-11-02`, `2026-W45` or `2026-11`.
impl fmt::Display for PeriodKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.grain {
            Grain::Day => write!(f, "{}", self.first),
            Grain::Week => {
                let w = self.first.iso_week();
                write!(f, "{:04}-W{:02}", w.year(), w.week())
            }
            Grain::Month => write!(f, "{:04}-{:02}", self.first.year(), self.first.month()),
        }
    }
}

impl Serialize for PeriodKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A closed range of local dates, `from..=to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    /// `None` when `to` is before `from`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Option<DateRange> {
        (from <= to).then_some(DateRange { from, to })
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// Whole calendar month (first to last day).
    pub fn is_month(&self) -> bool {
        self.from.day() == 1 && PeriodKey::containing(Grain::Month, self.from).last() == self.to
    }

    /// The period a "change vs the previous period" compares with: the previous month for
    /// a whole month (October has 31 days, November 30), else the same number of days just
    /// before.
    pub fn previous(&self) -> DateRange {
        if self.is_month() {
            return PeriodKey::containing(Grain::Month, self.from)
                .previous()
                .range();
        }
        let len = Days::new(self.days() as u64);
        DateRange {
            from: self.from - len,
            to: self.to - len,
        }
    }

    /// Every period of `grain` that overlaps the range, in order.
    pub fn periods(&self, grain: Grain) -> Vec<PeriodKey> {
        let mut out = Vec::new();
        let mut p = PeriodKey::containing(grain, self.from);
        while p.first() <= self.to {
            out.push(p);
            p = PeriodKey::containing(grain, p.last() + Days::new(1));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn keys_and_labels() {
        let w = PeriodKey::containing(Grain::Week, d("2026-01-01"));
        // 2026-01-01 is a Thursday of ISO week 2026-W01, which starts on 2025-12-29.
        assert_eq!(w.first(), d("2025-12-29"));
        assert_eq!(w.last(), d("2026-01-04"));
        assert_eq!(w.to_string(), "2026-W01");
        let m = PeriodKey::containing(Grain::Month, d("2028-02-17"));
        assert_eq!(m.last(), d("2028-02-29"));
        assert_eq!(m.to_string(), "2028-02");
        assert_eq!(m.previous().to_string(), "2028-01");
        assert_eq!(
            PeriodKey::containing(Grain::Day, d("2026-11-03")).to_string(),
            "2026-11-03"
        );
    }

    #[test]
    fn previous_range() {
        let nov = DateRange::new(d("2026-11-01"), d("2026-11-30")).unwrap();
        assert_eq!(
            nov.previous(),
            DateRange::new(d("2026-10-01"), d("2026-10-31")).unwrap()
        );
        let week = DateRange::new(d("2026-11-02"), d("2026-11-08")).unwrap();
        assert_eq!(
            week.previous(),
            DateRange::new(d("2026-10-26"), d("2026-11-01")).unwrap()
        );
        assert!(DateRange::new(d("2026-11-02"), d("2026-11-01")).is_none());
    }

    #[test]
    fn periods_overlapping() {
        let r = DateRange::new(d("2026-11-28"), d("2026-12-08")).unwrap();
        let weeks: Vec<String> = r
            .periods(Grain::Week)
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(weeks, ["2026-W48", "2026-W49", "2026-W50"]);
        assert_eq!(r.periods(Grain::Month).len(), 2);
        assert_eq!(r.periods(Grain::Day).len(), 11);
    }
}
