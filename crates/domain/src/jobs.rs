//! The policy of background jobs, apart from any queue: how long a failed job waits
//! before its next attempt, and when a daily occurrence falls in a tenant's time zone.

use chrono::{Days, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The wait before attempt `attempt + 1` after attempt `attempt` (from 1) failed:
/// exponential from two seconds, capped at an hour, with "equal jitter" — half the step
/// fixed, half drawn from `unit` in `[0, 1)` — so servers that failed together (a
/// database restart) do not retry together.
pub fn retry_delay_ms(attempt: i32, unit: f64) -> i64 {
    const BASE_MS: i64 = 2_000;
    const CAP_MS: i64 = 3_600_000;
    let exp = u32::try_from(attempt.clamp(1, 31) - 1).unwrap_or(0);
    let step = BASE_MS.saturating_mul(1_i64 << exp.min(40)).min(CAP_MS);
    step / 2 + ((step / 2) as f64 * unit.clamp(0.0, 1.0)) as i64
}

/// The first instant strictly after `after_ms` at which the wall clock in `tz` shows
/// `at`. On a day when `at` does not exist (a spring-forward gap) the occurrence moves to
/// the first instant after the gap; when it exists twice (fall back), the first counts.
pub fn next_daily(after_ms: i64, tz: Tz, at: NaiveTime) -> i64 {
    let after = Utc
        .timestamp_millis_opt(after_ms)
        .single()
        .unwrap_or_default();
    let mut day = after.with_timezone(&tz).date_naive();
    loop {
        let wall = day.and_time(at);
        let instant = match tz.from_local_datetime(&wall) {
            chrono::LocalResult::Single(t) => Some(t),
            chrono::LocalResult::Ambiguous(first, _) => Some(first),
            // In a gap: the wall time an hour later is past the jump everywhere that has one.
            chrono::LocalResult::None => tz
                .from_local_datetime(&(wall + chrono::Duration::hours(1)))
                .earliest(),
        };
        if let Some(t) = instant
            && t.timestamp_millis() > after_ms
        {
            return t.timestamp_millis();
        }
        day = match day.checked_add_days(Days::new(1)) {
            Some(d) => d,
            None => return i64::MAX,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn retries_back_off_exponentially_with_jitter_and_a_cap() {
        assert_eq!(retry_delay_ms(1, 0.0), 1_000);
        assert_eq!(retry_delay_ms(1, 1.0), 2_000);
        assert_eq!(retry_delay_ms(2, 0.0), 2_000);
        assert_eq!(retry_delay_ms(4, 0.5), 12_000);
        assert_eq!(retry_delay_ms(30, 1.0), 3_600_000);
        assert_eq!(retry_delay_ms(30, 0.0), 1_800_000);
        assert!((1..20).all(|a| retry_delay_ms(a + 1, 0.3) >= retry_delay_ms(a, 0.3)));
    }

    #[test]
    fn daily_occurrences_fall_on_the_tenants_wall_clock() {
        let three = NaiveTime::from_hms_opt(3, 0, 0).unwrap();
        // 02:00 in Shanghai is 18:00 UTC the day before; 03:00 comes an hour later.
        let sh = chrono_tz::Asia::Shanghai;
        assert_eq!(
            next_daily(ms("2026-12-06T18:00:00Z"), sh, three),
            ms("2026-12-06T19:00:00Z")
        );
        // Exactly at the occurrence: the next one is a day later.
        assert_eq!(
            next_daily(ms("2026-12-06T19:00:00Z"), sh, three),
            ms("2026-12-07T19:00:00Z")
        );
    }

    #[test]
    fn daylight_saving_gaps_and_repeats() {
        let berlin = chrono_tz::Europe::Berlin;
        // 2026-03-29: clocks jump from 02:00 to 03:00; 02:30 does not exist.
        let half_past_two = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        assert_eq!(
            next_daily(ms("2026-03-28T23:00:00Z"), berlin, half_past_two),
            ms("2026-03-29T01:30:00Z"),
            "moved past the gap: 03:30 CEST"
        );
        // 2026-10-25: 02:30 happens twice; the first (CEST, 00:30 UTC) counts, once.
        let first = next_daily(ms("2026-10-24T23:00:00Z"), berlin, half_past_two);
        assert_eq!(first, ms("2026-10-25T00:30:00Z"));
        assert_eq!(
            next_daily(first, berlin, half_past_two),
            ms("2026-10-26T01:30:00Z")
        );
    }
}
