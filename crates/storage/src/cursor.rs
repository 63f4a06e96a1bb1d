//! Opaque keyset-pagination cursors: the last row's sort value and id, so the next page
//! starts strictly after it however many rows are inserted meanwhile.

use crate::StoreError;
use domain::{Format, Problem};
use serde_json::Value;
use uuid::Uuid;

pub(crate) fn encode(sort_value: Value, id: Uuid) -> String {
    let raw = serde_json::to_vec(&(sort_value, id)).unwrap_or_default();
    raw.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn decode(cursor: &str) -> Result<(Value, Uuid), StoreError> {
    let bad = || StoreError::invalid("cursor", Problem::format(Format::Cursor));
    if !cursor.len().is_multiple_of(2) || cursor.len() > 2048 {
        return Err(bad());
    }
    let bytes: Result<Vec<u8>, _> = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(cursor.get(i..i + 2).unwrap_or("zz"), 16))
        .collect();
    serde_json::from_slice(&bytes.map_err(|_| bad())?).map_err(|_| bad())
}

/// A page of a list and the cursor of the next page, if there is one.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The page from `limit + 1` rows read: the extra row only tells that a next page
    /// exists, whose cursor `cursor_of` makes from this page's last row.
    pub(crate) fn from_overfetch(
        mut rows: Vec<T>,
        limit: u32,
        cursor_of: impl Fn(&T) -> String,
    ) -> Page<T> {
        let next_cursor = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(cursor_of)
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }
}

pub(crate) const MAX_LIMIT: u32 = 500;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_garbage() {
        let id = Uuid::now_v7();
        let c = encode(Value::String("联华".into()), id);
        assert_eq!(decode(&c).unwrap(), (Value::String("联华".into()), id));
        assert!(decode("zz").is_err());
        assert!(decode("abc").is_err());
        assert!(decode("7b7d").is_err());
    }
}
