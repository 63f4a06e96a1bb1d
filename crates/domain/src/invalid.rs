//! Validation failures that name the field and the problem, collected rather than
//! returned one at a time so a client can fix every mistake in one round trip.
//!
//! A problem is one of a small typed vocabulary ([`Problem`]) so every client gets a
//! stable `code` and its `params` to render in the user's language; the English sentence
//! is derived from the same value and kept for API clients that only log it.

use serde_json::{Map, Value, json};
use std::fmt;

/// What a value should have looked like, for [`Problem::InvalidFormat`]. The code is
/// sent as `params.expected`, so the web can say "a date (YYYY-MM-DD)" in any language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Date,
    Time,
    Instant,
    Email,
    Phone,
    Username,
    Slug,
    FieldKey,
    Id,
    WholeNumber,
    Number,
    Json,
    GeoJson,
    Weekday,
    NearQuery,
    Month,
    /// A half-month claim period (`2026-11-H1`, `2026-11-H2`).
    HalfMonth,
    /// An ISO week (`2026-W48`, Monday to Sunday).
    IsoWeek,
    Text,
    Boolean,
    List,
    Object,
    Image,
    Multipart,
    Spreadsheet,
    Cursor,
    Url,
}

impl Format {
    pub const ALL: [Format; 27] = [
        Format::Date,
        Format::Time,
        Format::Instant,
        Format::Email,
        Format::Phone,
        Format::Username,
        Format::Slug,
        Format::FieldKey,
        Format::Id,
        Format::WholeNumber,
        Format::Number,
        Format::Json,
        Format::GeoJson,
        Format::Weekday,
        Format::NearQuery,
        Format::Month,
        Format::HalfMonth,
        Format::IsoWeek,
        Format::Text,
        Format::Boolean,
        Format::List,
        Format::Object,
        Format::Image,
        Format::Multipart,
        Format::Spreadsheet,
        Format::Cursor,
        Format::Url,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Format::Date => "date",
            Format::Time => "time",
            Format::Instant => "instant",
            Format::Email => "email",
            Format::Phone => "phone",
            Format::Username => "username",
            Format::Slug => "slug",
            Format::FieldKey => "field_key",
            Format::Id => "id",
            Format::WholeNumber => "whole_number",
            Format::Number => "number",
            Format::Json => "json",
            Format::GeoJson => "geojson",
            Format::Weekday => "weekday",
            Format::NearQuery => "near_query",
            Format::Month => "month",
            Format::HalfMonth => "half_month",
            Format::IsoWeek => "iso_week",
            Format::Text => "text",
            Format::Boolean => "boolean",
            Format::List => "list",
            Format::Object => "object",
            Format::Image => "image",
            Format::Multipart => "multipart",
            Format::Spreadsheet => "spreadsheet",
            Format::Cursor => "cursor",
            Format::Url => "url",
        }
    }

    fn english(self) -> &'static str {
        match self {
            Format::Date => "a date (YYYY-MM-DD)",
            Format::Time => "a time of day (HH:MM)",
            Format::Instant => "an RFC 3339 time",
            Format::Email => "an email address",
            Format::Phone => "a phone number (digits, optional leading +)",
            Format::Username => "2-64 characters of letters, digits, '.', '_', '-' or '@'",
            Format::Slug => "2-40 lowercase letters, digits or inner hyphens",
            Format::FieldKey => "a lowercase letter followed by up to 39 letters, digits or _",
            Format::Id => "a valid id",
            Format::WholeNumber => "a whole number",
            Format::Number => "a number",
            Format::Json => "valid JSON",
            Format::GeoJson => "a GeoJSON Feature or FeatureCollection",
            Format::Weekday => "numbers 1 (Monday) to 7 (Sunday)",
            Format::NearQuery => "lat,lon,radius_m",
            Format::Month => "a month (YYYY-MM)",
            Format::HalfMonth => "a half-month (YYYY-MM-H1 or YYYY-MM-H2)",
            Format::IsoWeek => "an ISO week (YYYY-Www, Monday to Sunday)",
            Format::Text => "text",
            Format::Boolean => "true or false",
            Format::List => "a list",
            Format::Object => "an object",
            Format::Image => "a JPEG, PNG or WebP image",
            Format::Multipart => "multipart/form-data",
            Format::Spreadsheet => "a CSV or XLSX file",
            Format::Cursor => "a cursor from a previous page",
            Format::Url => "an http or https address",
        }
    }
}

/// One thing wrong with one field. Each variant has a stable snake_case code, its
/// params (what a translation needs) and an English sentence.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// Missing or empty.
    Required,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    ControlCharacters,
    HasSpaces,
    /// A number outside `min..=max`; `unit` is e.g. `m`, `s`, `min`, `days` or empty.
    OutOfRange {
        min: f64,
        max: f64,
        unit: &'static str,
    },
    /// A number below `min` (no upper bound).
    BelowMin {
        min: f64,
    },
    /// A number above `max` (no lower bound).
    AboveMax {
        max: f64,
    },
    /// A list longer than `max` entries.
    TooMany {
        max: usize,
    },
    /// A list whose length must lie in `min..=max`.
    CountOutOfRange {
        min: usize,
        max: usize,
    },
    InvalidFormat {
        expected: Format,
    },
    UnknownValue {
        allowed: Vec<String>,
    },
    NotFound,
    AlreadyUsed,
    /// The same value appears twice (a column, an option, a photo).
    Duplicate,
    /// Repeats the key of an earlier spreadsheet row.
    DuplicateOfRow {
        row: usize,
    },
    /// Must not come before the field named `other` (dates, times, check-in).
    BeforeOther {
        other: String,
    },
    /// Must not exceed the field named `other` (min over max).
    AboveOther {
        other: String,
    },
    Overlap,
    /// A date range that ends before `other` (its start) or spans more than `max_days`.
    BadRange {
        other: String,
        max_days: u32,
    },
    /// A customer without a location cannot be routed to.
    NoLocation,
    /// People may not change their own role or deactivate themselves.
    SelfChange,
    /// A body id that differs from the id in the path.
    DiffersFromPath,
    /// A department placed below itself.
    Cycle,
    NullIsland,
    /// Only cell-tower or Wi-Fi readings where a position (lat, lon) was needed: the
    /// server does not look networks up, so there is nothing to place.
    NoPosition,
    /// Refers to a person who is deactivated.
    Deactivated,
    /// Outside what the caller may touch (another owner, another department).
    NotAllowed,
    /// Not the right value: a wrong password, or a one-time code that is not current.
    Incorrect,
    /// A value for a field that does not exist in this shape.
    UnknownField,
    /// The same client id was already used with a different body.
    IdReused,
    /// Must differ from the field named `other` (a shift's end from its start).
    EqualsOther {
        other: String,
    },
    /// At least one of `fields` must be given.
    NeedsOneOf {
        fields: Vec<String>,
    },
    /// Needs the field named `other` too (e.g. a username when a password is set).
    NeedsOther {
        other: String,
    },
    /// Required photos missing at check-out.
    PhotosMissing {
        required: usize,
        have: usize,
    },
    /// The visit report is missing at check-out.
    ReportMissing,
    /// A geofence ring with fewer than 3 distinct vertices or no area.
    DegenerateShape,
    /// Must not be given together with the field named `other`.
    ExclusiveWith {
        other: String,
    },
    /// Does not apply to this kind of input (e.g. `coord_system` beside a center).
    NotApplicable,
    /// A time further ahead than the device's (or server's) clock allows.
    InFuture {
        max_ahead_min: u32,
    },
    /// A time before the year 2000: a device without a clock.
    TooOld,
    /// An uploaded file larger than allowed.
    FileTooLarge {
        max_bytes: usize,
    },
    /// An image with too many pixels to process.
    ImageTooLarge,
    /// A file or value the server could not read; `detail` is English from a parser.
    Unreadable {
        detail: String,
    },
    /// An address (a webhook URL) whose host is or resolves to a loopback, private,
    /// link-local or other non-public address, which the server refuses to call.
    PrivateAddress,
}

impl Problem {
    pub fn unknown_value(allowed: &[&str]) -> Self {
        Problem::UnknownValue {
            allowed: allowed.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    pub fn format(expected: Format) -> Self {
        Problem::InvalidFormat { expected }
    }

    pub fn range(min: f64, max: f64, unit: &'static str) -> Self {
        Problem::OutOfRange { min, max, unit }
    }

    /// Every code a problem can have, for the clients' translation tables.
    pub const CODES: [&'static str; 45] = [
        "required",
        "too_long",
        "too_short",
        "control_characters",
        "has_spaces",
        "out_of_range",
        "below_min",
        "above_max",
        "too_many",
        "count_out_of_range",
        "invalid_format",
        "unknown_value",
        "not_found",
        "already_used",
        "duplicate",
        "duplicate_of_row",
        "before_other",
        "above_other",
        "overlap",
        "bad_range",
        "no_location",
        "self_change",
        "differs_from_path",
        "cycle",
        "null_island",
        "no_position",
        "deactivated",
        "not_allowed",
        "incorrect",
        "unknown_field",
        "id_reused",
        "needs_other",
        "equals_other",
        "needs_one_of",
        "photos_missing",
        "report_missing",
        "degenerate_shape",
        "exclusive_with",
        "not_applicable",
        "in_future",
        "too_old",
        "file_too_large",
        "image_too_large",
        "unreadable",
        "private_address",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::TooLong { .. } => "too_long",
            Problem::TooShort { .. } => "too_short",
            Problem::ControlCharacters => "control_characters",
            Problem::HasSpaces => "has_spaces",
            Problem::OutOfRange { .. } => "out_of_range",
            Problem::BelowMin { .. } => "below_min",
            Problem::AboveMax { .. } => "above_max",
            Problem::TooMany { .. } => "too_many",
            Problem::CountOutOfRange { .. } => "count_out_of_range",
            Problem::InvalidFormat { .. } => "invalid_format",
            Problem::UnknownValue { .. } => "unknown_value",
            Problem::NotFound => "not_found",
            Problem::AlreadyUsed => "already_used",
            Problem::Duplicate => "duplicate",
            Problem::DuplicateOfRow { .. } => "duplicate_of_row",
            Problem::BeforeOther { .. } => "before_other",
            Problem::AboveOther { .. } => "above_other",
            Problem::Overlap => "overlap",
            Problem::BadRange { .. } => "bad_range",
            Problem::NoLocation => "no_location",
            Problem::SelfChange => "self_change",
            Problem::DiffersFromPath => "differs_from_path",
            Problem::Cycle => "cycle",
            Problem::NullIsland => "null_island",
            Problem::NoPosition => "no_position",
            Problem::Deactivated => "deactivated",
            Problem::NotAllowed => "not_allowed",
            Problem::Incorrect => "incorrect",
            Problem::UnknownField => "unknown_field",
            Problem::IdReused => "id_reused",
            Problem::NeedsOther { .. } => "needs_other",
            Problem::EqualsOther { .. } => "equals_other",
            Problem::NeedsOneOf { .. } => "needs_one_of",
            Problem::PhotosMissing { .. } => "photos_missing",
            Problem::ReportMissing => "report_missing",
            Problem::DegenerateShape => "degenerate_shape",
            Problem::ExclusiveWith { .. } => "exclusive_with",
            Problem::NotApplicable => "not_applicable",
            Problem::InFuture { .. } => "in_future",
            Problem::TooOld => "too_old",
            Problem::FileTooLarge { .. } => "file_too_large",
            Problem::ImageTooLarge => "image_too_large",
            Problem::Unreadable { .. } => "unreadable",
            Problem::PrivateAddress => "private_address",
        }
    }

    /// What a translation needs besides the code; an empty object when nothing.
    pub fn params(&self) -> Map<String, Value> {
        let v = match self {
            Problem::TooLong { max } | Problem::TooMany { max } => json!({ "max": max }),
            Problem::TooShort { min } => json!({ "min": min }),
            Problem::OutOfRange { min, max, unit } => {
                json!({ "min": num(*min), "max": num(*max), "unit": unit })
            }
            Problem::CountOutOfRange { min, max } => json!({ "min": min, "max": max }),
            Problem::BelowMin { min } => json!({ "min": num(*min) }),
            Problem::AboveMax { max } => json!({ "max": num(*max) }),
            Problem::InvalidFormat { expected } => json!({ "expected": expected.code() }),
            Problem::DuplicateOfRow { row } => json!({ "row": row }),
            Problem::BadRange { other, max_days } => {
                json!({ "other": other, "max_days": max_days })
            }
            Problem::FileTooLarge { max_bytes } => json!({ "max_bytes": max_bytes }),
            Problem::InFuture { max_ahead_min } => json!({ "max_ahead_min": max_ahead_min }),
            Problem::UnknownValue { allowed } => json!({ "allowed": allowed }),
            Problem::BeforeOther { other }
            | Problem::AboveOther { other }
            | Problem::EqualsOther { other }
            | Problem::ExclusiveWith { other }
            | Problem::NeedsOther { other } => json!({ "other": other }),
            Problem::NeedsOneOf { fields } => json!({ "fields": fields }),
            Problem::PhotosMissing { required, have } => {
                json!({ "required": required, "have": have })
            }
            _ => json!({}),
        };
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    /// The English sentence, as API clients have always read it.
    pub fn english(&self) -> String {
        match self {
            Problem::Required => "must not be empty".into(),
            Problem::TooLong { max } => format!("must be at most {max} characters"),
            Problem::TooShort { min } => format!("must be at least {min} characters"),
            Problem::ControlCharacters => "must not contain control characters".into(),
            Problem::HasSpaces => "must not contain spaces".into(),
            Problem::OutOfRange { min, max, unit } => {
                let unit = if unit.is_empty() {
                    String::new()
                } else {
                    format!(" {unit}")
                };
                format!("must be between {} and {}{unit}", num(*min), num(*max))
            }
            Problem::BelowMin { min } => format!("must be at least {}", num(*min)),
            Problem::AboveMax { max } => format!("must be at most {}", num(*max)),
            Problem::TooMany { max } => format!("at most {max} entries"),
            Problem::CountOutOfRange { min, max } => format!("must have {min} to {max} entries"),
            Problem::InvalidFormat { expected } => format!("must be {}", expected.english()),
            Problem::UnknownValue { allowed } => {
                format!("must be one of {}", allowed.join(", "))
            }
            Problem::NotFound => "does not exist".into(),
            Problem::AlreadyUsed => "is already used".into(),
            Problem::Duplicate => "appears twice".into(),
            Problem::DuplicateOfRow { row } => format!("duplicate of row {row}"),
            Problem::BeforeOther { other } => format!("must not be before {other}"),
            Problem::AboveOther { other } => format!("must not exceed {other}"),
            Problem::Overlap => "must not overlap".into(),
            Problem::BadRange { other, max_days } => {
                format!("must be on or after {other} and at most {max_days} days later")
            }
            Problem::NoLocation => "has no location to route to".into(),
            Problem::SelfChange => "you cannot change your own role or deactivate yourself".into(),
            Problem::DiffersFromPath => "differs from the id in the path".into(),
            Problem::Cycle => "a department cannot sit below itself".into(),
            Problem::NullIsland => "0,0 is not a real location".into(),
            Problem::NoPosition => {
                "cell-tower and Wi-Fi readings are not a position; send lat and lon".into()
            }
            Problem::Deactivated => "the person is deactivated".into(),
            Problem::NotAllowed => "is outside what you may change".into(),
            Problem::Incorrect => "is not correct".into(),
            Problem::UnknownField => "is not a known field".into(),
            Problem::IdReused => "already used with a different body".into(),
            Problem::NeedsOther { other } => format!("needs {other} too"),
            Problem::EqualsOther { other } => format!("must differ from {other}"),
            Problem::NeedsOneOf { fields } => format!("give {}", fields.join(" or ")),
            Problem::PhotosMissing { required, have } => {
                format!("{required} photos are required, {have} taken")
            }
            Problem::ReportMissing => "the visit report is missing".into(),
            Problem::DegenerateShape => {
                "a ring needs at least 3 distinct vertices that enclose an area".into()
            }
            Problem::ExclusiveWith { other } => format!("must not be given together with {other}"),
            Problem::NotApplicable => "does not apply here".into(),
            Problem::InFuture { max_ahead_min } => {
                format!("is more than {max_ahead_min} minutes in the future")
            }
            Problem::TooOld => "is before the year 2000".into(),
            Problem::FileTooLarge { max_bytes } => format!("is larger than {max_bytes} bytes"),
            Problem::ImageTooLarge => "the image has too many pixels".into(),
            Problem::Unreadable { detail } => detail.clone(),
            Problem::PrivateAddress => {
                "must not point at a loopback, private or link-local address".into()
            }
        }
    }
}

/// Whole numbers print without ".0" so `{"max": 200}` stays an integer in JSON.
fn num(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

/// For text-only protocols (the OsmAnd listener answers plain text).
impl From<Problem> for String {
    fn from(p: Problem) -> String {
        p.english()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldProblem {
    pub field: String,
    pub problem: Problem,
}

/// One or more field problems; never empty when returned as an error.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Invalid {
    pub problems: Vec<FieldProblem>,
}

impl Invalid {
    pub fn one(field: impl Into<String>, problem: Problem) -> Self {
        let mut me = Self::default();
        me.push(field, problem);
        me
    }

    pub fn push(&mut self, field: impl Into<String>, problem: Problem) {
        self.problems.push(FieldProblem {
            field: field.into(),
            problem,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// Records the error of `result` (if any) under `field` and returns its value.
    pub fn check<T>(&mut self, field: &str, result: Result<T, Problem>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(problem) => {
                self.push(field, problem);
                None
            }
        }
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Invalid> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }

    /// Prefixes every field name, e.g. `contacts[2].` for nested input.
    pub fn nest(mut self, prefix: &str) -> Self {
        for p in &mut self.problems {
            p.field = format!("{prefix}{}", p.field);
        }
        self
    }

    /// The problem codes by field, for tests and logs.
    pub fn codes(&self) -> Vec<(String, &'static str)> {
        self.problems
            .iter()
            .map(|p| (p.field.clone(), p.problem.code()))
            .collect()
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", p.field, p.problem)?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_listed_once_and_params_are_plain() {
        let mut seen = std::collections::HashSet::new();
        for c in Problem::CODES {
            assert!(seen.insert(c), "{c} listed twice");
        }
        let p = Problem::TooLong { max: 200 };
        assert_eq!(p.code(), "too_long");
        assert_eq!(p.params()["max"], json!(200));
        assert_eq!(p.english(), "must be at most 200 characters");
        let r = Problem::range(10.0, 5000.0, "m");
        assert_eq!(r.params()["min"], json!(10));
        assert_eq!(r.english(), "must be between 10 and 5000 m");
        assert!(Problem::CODES.contains(&r.code()));
    }
}
