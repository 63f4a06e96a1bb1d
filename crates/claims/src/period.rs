//! Claim periods: a month by default, or half-months or ISO weeks (a tenant setting).
//! Text forms: "2026-11", "2026-11-H1" / "2026-11-H2", "2026-W47".

use crate::ClaimError;
use chrono::{Datelike, Days, IsoWeek, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    #[default]
    Month,
    /// 1st–15th and 16th–end of month.
    HalfMonth,
    /// Monday to Sunday (ISO week).
    Week,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 3] = [PeriodKind::Month, PeriodKind::HalfMonth, PeriodKind::Week];

    /// The word stored and sent for the kind: `month`, `half_month` or `week`.
    pub fn word(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::HalfMonth => "half_month",
            PeriodKind::Week => "week",
        }
    }

    pub fn from_word(word: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.word() == word)
    }

    /// Reads a period id that must be of this kind: `2026-11` for months, `2026-11-H1` /
    /// `2026-11-H2` for half-months, `2026-W48` for weeks. Another kind's id is refused
    /// like unreadable text (`BadPeriod`).
    pub fn parse(self, text: &str) -> Result<Period, ClaimError> {
        let p: Period = text.parse()?;
        if p.kind() == self {
            Ok(p)
        } else {
            Err(ClaimError::BadPeriod {
                text: text.chars().take(20).collect(),
            })
        }
    }
}

/// A closed range of days a claim covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    first: NaiveDate,
    last: NaiveDate,
    kind: PeriodKind,
}

impl Period {
    pub fn containing(kind: PeriodKind, date: NaiveDate) -> Period {
        let (first, last) = match kind {
            PeriodKind::Month => {
                let first = date.with_day(1).expect("day 1 exists");
                (first, month_last(first))
            }
            PeriodKind::HalfMonth if date.day() <= 15 => (
                date.with_day(1).expect("day 1 exists"),
                date.with_day(15).expect("day 15 exists"),
            ),
            PeriodKind::HalfMonth => (
                date.with_day(16).expect("day 16 exists"),
                month_last(date.with_day(1).expect("day 1 exists")),
            ),
            PeriodKind::Week => {
                let w = date.iso_week();
                let first = NaiveDate::from_isoywd_opt(w.year(), w.week(), Weekday::Mon)
                    .expect("the week of a date exists");
                (first, first + Days::new(6))
            }
        };
        Period { first, last, kind }
    }

    pub fn first(&self) -> NaiveDate {
        self.first
    }

    pub fn last(&self) -> NaiveDate {
        self.last
    }

    pub fn kind(&self) -> PeriodKind {
        self.kind
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.first <= d && d <= self.last
    }

    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let last = self.last;
        self.first.iter_days().take_while(move |d| *d <= last)
    }

    pub fn next(&self) -> Period {
        Period::containing(self.kind, self.last + Days::new(1))
    }

    pub fn previous(&self) -> Period {
        Period::containing(self.kind, self.first - Days::new(1))
    }
}

fn month_last(first: NaiveDate) -> NaiveDate {
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .expect("dates in range");
    next - Days::new(1)
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Month => write!(f, "{:04}-{:02}", self.first.year(), self.first.month()),
            PeriodKind::HalfMonth => write!(
                f,
                "{:04}-{:02}-H{}",
                self.first.year(),
                self.first.month(),
                if self.first.day() == 1 { 1 } else { 2 }
            ),
            PeriodKind::Week => {
                let w: IsoWeek = self.first.iso_week();
                write!(f, "{:04}-W{:02}", w.year(), w.week())
            }
        }
    }
}

impl FromStr for Period {
    type Err = ClaimError;
    fn from_str(s: &str) -> Result<Period, ClaimError> {
        let bad = || ClaimError::BadPeriod {
            text: s.chars().take(20).collect(),
        };
        let num = |t: &str, len: usize| -> Result<u32, ClaimError> {
            if t.len() == len && t.bytes().all(|b| b.is_ascii_digit()) {
                t.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let (year, rest) = s.split_once('-').ok_or_else(bad)?;
        let year = num(year, 4)? as i32;
        if !(2000..=2999).contains(&year) {
            return Err(bad());
        }
        if let Some(week) = rest.strip_prefix('W') {
            let d =
                NaiveDate::from_isoywd_opt(year, num(week, 2)?, Weekday::Mon).ok_or_else(bad)?;
            return Ok(Period::containing(PeriodKind::Week, d));
        }
        let (month, half) = match rest.split_once('-') {
            None => (rest, None),
            Some((m, "H1")) => (m, Some(1)),
            Some((m, "H2")) => (m, Some(16)),
            Some(_) => return Err(bad()),
        };
        let month = num(month, 2)?;
        let d = NaiveDate::from_ymd_opt(year, month, half.unwrap_or(1)).ok_or_else(bad)?;
        let kind = if half.is_some() {
            PeriodKind::HalfMonth
        } else {
            PeriodKind::Month
        };
        Ok(Period::containing(kind, d))
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn containing_table() {
        use PeriodKind::*;
        let cases = [
            (Month, "2026-11-17", "2026-11-01", "2026-11-30", "2026-11"),
            (Month, "2028-02-29", "2028-02-01", "2028-02-29", "2028-02"),
            (Month, "2026-12-31", "2026-12-01", "2026-12-31", "2026-12"),
            (
                HalfMonth,
                "2026-11-15",
                "2026-11-01",
                "2026-11-15",
                "2026-11-H1",
            ),
            (
                HalfMonth,
                "2026-11-16",
                "2026-11-16",
                "2026-11-30",
                "2026-11-H2",
            ),
            (
                HalfMonth,
                "2027-02-20",
                "2027-02-16",
                "2027-02-28",
                "2027-02-H2",
            ),
            (Week, "2026-11-18", "2026-11-16", "2026-11-22", "2026-W47"),
            // ISO week 53 of 2026 runs into 2027.
            (Week, "2027-01-01", "2026-12-28", "2027-01-03", "2026-W53"),
        ];
        for (kind, day, first, last, text) in cases {
            let p = Period::containing(kind, d(day));
            assert_eq!((p.first(), p.last()), (d(first), d(last)), "{day} {kind:?}");
            assert_eq!(p.to_string(), text);
            assert_eq!(text.parse::<Period>().unwrap(), p, "parse {text}");
            assert_eq!(
                p.days().count() as i64,
                (p.last() - p.first()).num_days() + 1
            );
        }
    }

    #[test]
    fn next_and_previous() {
        let p: Period = "2026-12".parse().unwrap();
        assert_eq!(p.next().to_string(), "2027-01");
        assert_eq!(p.previous().to_string(), "2026-11");
        let h: Period = "2026-11-H2".parse().unwrap();
        assert_eq!(h.next().to_string(), "2026-12-H1");
        let w: Period = "2026-W53".parse().unwrap();
        assert_eq!(w.next().to_string(), "2027-W01");
    }

    #[test]
    fn bad_text_is_refused() {
        for bad in [
            "",
            "2026",
            "2026-13",
            "2026-00",
            "2026-1",
            "26-11",
            "2026-11-H3",
            "2026-11-15",
            "2026-W54",
            "2026-W00",
            "1999-01",
            "2026/11",
            "２０２６-11",
        ] {
            assert!(
                matches!(bad.parse::<Period>(), Err(ClaimError::BadPeriod { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_kind_reads_only_its_own_ids() {
        use PeriodKind::*;
        assert_eq!(Week.parse("2026-W48").unwrap().to_string(), "2026-W48");
        assert_eq!(
            HalfMonth.parse("2026-11-H2").unwrap().first(),
            d("2026-11-16")
        );
        assert_eq!(Month.parse("2026-11").unwrap().last(), d("2026-11-30"));
        for (kind, other) in [
            (Month, "2026-W48"),
            (Week, "2026-11"),
            (HalfMonth, "2026-11"),
        ] {
            assert!(matches!(
                kind.parse(other),
                Err(ClaimError::BadPeriod { .. })
            ));
        }
        for k in PeriodKind::ALL {
            assert_eq!(PeriodKind::from_word(k.word()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.word());
        }
        assert_eq!(PeriodKind::from_word("fortnight"), None);
    }

    #[test]
    fn serde_as_text() {
        let p: Period = "2026-11-H1".parse().unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), r#""2026-11-H1""#);
        assert_eq!(
            serde_json::from_str::<Period>(r#""2026-11-H1""#).unwrap(),
            p
        );
    }
}
