//! Tenants (companies) and the short slug people type at login.

use crate::{Format, Problem};
use serde::{Deserialize, Serialize};

/// A tenant's login handle: 2–40 characters of lowercase ASCII letters, digits and
/// inner hyphens, so it is safe in URLs and unambiguous when typed on a phone.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Self, Problem> {
        let ok_len = (2..=40).contains(&s.len());
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let ok_ends = !s.starts_with('-') && !s.ends_with('-');
        if ok_len && ok_chars && ok_ends {
            Ok(Self(s.to_owned()))
        } else {
            Err(Problem::format(Format::Slug))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A free-text name (person, department, company, customer): trimmed, 1..=max characters,
/// without control characters that would corrupt CSV exports and logs.
pub fn clean_name(raw: &str, max_chars: usize) -> Result<String, Problem> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Problem::Required);
    }
    if s.chars().count() > max_chars {
        return Err(Problem::TooLong { max: max_chars });
    }
    if s.chars().any(|c| c.is_control()) {
        return Err(Problem::ControlCharacters);
    }
    Ok(s.to_owned())
}

/// Like [`clean_name`] but an empty or absent value means "none".
pub fn clean_optional(raw: Option<&str>, max_chars: usize) -> Result<Option<String>, Problem> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => clean_name(s, max_chars).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_rules() {
        assert!(Slug::parse("demo").is_ok());
        assert!(Slug::parse("acme-2").is_ok());
        for bad in ["", "a", "Demo", "-x", "x-", "a b", "数据"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(clean_name("  联华超市 ", 10).unwrap(), "联华超市");
        assert!(clean_name("   ", 10).is_err());
        assert!(clean_name("一二三四五六", 5).is_err());
        assert!(clean_name("a\u{0}b", 5).is_err());
        assert_eq!(clean_optional(Some(" "), 5).unwrap(), None);
    }
}
