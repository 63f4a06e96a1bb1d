//! Calendar dates as day numbers, for the multi-day planners.
//!
//! The crate takes no dependencies, so it carries the few calendar operations it needs:
//! ISO `YYYY-MM-DD` parsing and printing, adding days, and the weekday (proleptic
//! Gregorian, H. Hinnant's day-number algorithms).

use std::fmt;

/// A day, counted from 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i32);

impl Date {
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = if m > 2 { m - 3 } else { m + 9 } as i32;
        let doy = (153 * mp + 2) / 5 + d as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// `YYYY-MM-DD`, years 0 to 9999.
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("`{s}` is not a date like 2026-12-28");
        let mut parts = s.trim().splitn(3, '-');
        let mut num = || parts.next().and_then(|p| p.parse::<i64>().ok());
        let (Some(y), Some(m), Some(d)) = (num(), num(), num()) else {
            return Err(bad());
        };
        let (Ok(y), Ok(m), Ok(d)) = (i32::try_from(y), u32::try_from(m), u32::try_from(d)) else {
            return Err(bad());
        };
        Date::from_ymd(y, m, d).ok_or_else(bad)
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i32::from(m <= 2);
        (y, m, d)
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    pub fn weekday(self) -> usize {
        (self.0 + 3).rem_euclid(7) as usize
    }

    pub fn plus(self, days: i32) -> Date {
        Date(self.0 + days)
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn round_trips_and_weekdays() {
        assert_eq!(Date::parse("1970-01-01"), Ok(Date(0)));
        let d = Date::parse("2026-12-28").unwrap();
        assert_eq!(d.weekday(), 0, "2026-12-28 is a Monday");
        assert_eq!(d.plus(4).to_string(), "2027-01-01");
        assert_eq!(
            Date::parse("2024-02-29").unwrap().plus(1).to_string(),
            "2024-03-01"
        );
        for n in -700_000..-699_000 {
            assert_eq!(Date::parse(&Date(n).to_string()), Ok(Date(n)));
        }
        for n in (0..40_000).step_by(7) {
            assert_eq!(Date::parse(&Date(n).to_string()), Ok(Date(n)));
        }
        assert!(Date::parse("2025-02-29").is_err());
        assert!(Date::parse("2025-13-01").is_err());
        assert!(Date::parse("soon").is_err());
    }
}
