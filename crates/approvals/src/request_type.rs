//! What kind of request a flow governs: the built-in kinds and any a tenant adds later.

use domain::{Format, Problem};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A request type key: a lowercase letter, then up to 39 lowercase letters, digits or `_`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestType(String);

impl RequestType {
    pub const MILEAGE_CLAIM: &'static str = "mileage_claim";
    pub const EXPENSE: &'static str = "expense";
    pub const LEAVE: &'static str = "leave";
    pub const ATTENDANCE_CORRECTION: &'static str = "attendance_correction";
    pub const PLAN_CHANGE: &'static str = "plan_change";
    /// The types the product ships with; others are accepted if well formed.
    pub const BUILT_IN: [&'static str; 5] = [
        Self::MILEAGE_CLAIM,
        Self::EXPENSE,
        Self::LEAVE,
        Self::ATTENDANCE_CORRECTION,
        Self::PLAN_CHANGE,
    ];

    pub fn parse(raw: &str) -> Result<RequestType, Problem> {
        if is_key(raw) {
            Ok(RequestType(raw.to_owned()))
        } else {
            Err(Problem::InvalidFormat {
                expected: Format::FieldKey,
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The key shape shared by request types and request field names.
pub(crate) fn is_key(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && s.len() <= 40
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

impl TryFrom<String> for RequestType {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        RequestType::parse(&s).map_err(|p| p.english())
    }
}

impl From<RequestType> for String {
    fn from(t: RequestType) -> String {
        t.0
    }
}

impl fmt::Display for RequestType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_types_parse_and_bad_keys_do_not() {
        for t in RequestType::BUILT_IN {
            assert_eq!(RequestType::parse(t).unwrap().as_str(), t);
        }
        assert!(RequestType::parse("overtime").is_ok());
        for bad in ["", "Leave", "1leave", "leave-day", "请假", &"a".repeat(41)] {
            assert!(RequestType::parse(bad).is_err(), "{bad}");
        }
        let err = serde_json::from_str::<RequestType>("\"Bad Type\"").unwrap_err();
        assert!(err.to_string().contains("lowercase"), "{err}");
    }
}
