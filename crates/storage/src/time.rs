//! Instants are stored as epoch milliseconds in UTC: the one representation both engines
//! compare and sort the same way.

use chrono::{DateTime, TimeZone, Utc};

pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub(crate) fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}
