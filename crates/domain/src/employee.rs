//! People: roles, login names, passwords and contact details.

use crate::tenant::{clean_name, clean_optional};
use crate::{DepartmentId, EmployeeId, Format, Invalid, Problem};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What a person may do; see [`crate::access`] for the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Manager,
    Field,
    Finance,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::Field, Role::Finance];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Field => "field",
            Role::Finance => "finance",
        }
    }

    pub fn parse(s: &str) -> Result<Role, Problem> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| Problem::unknown_value(&["admin", "manager", "field", "finance"]))
    }
}

/// A login name, unique within a tenant. ASCII so it can be typed on any keyboard;
/// compared case-insensitively by storing it lowercased.
pub fn parse_username(s: &str) -> Result<String, Problem> {
    let s = s.trim().to_ascii_lowercase();
    let ok = (2..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b));
    if ok {
        Ok(s)
    } else {
        Err(Problem::format(Format::Username))
    }
}

/// Passwords: long enough to resist guessing, short enough that hashing stays cheap.
pub fn check_password(s: &str) -> Result<(), Problem> {
    let n = s.chars().count();
    if n < 8 {
        Err(Problem::TooShort { min: 8 })
    } else if n > 256 {
        Err(Problem::TooLong { max: 256 })
    } else {
        Ok(())
    }
}

fn parse_email(s: Option<&str>) -> Result<Option<String>, Problem> {
    let Some(s) = clean_optional(s, 254)? else {
        return Ok(None);
    };
    let (local, host) = s.split_once('@').ok_or(Problem::format(Format::Email))?;
    if local.is_empty() || !host.contains('.') || host.starts_with('.') || s.contains(' ') {
        return Err(Problem::format(Format::Email));
    }
    Ok(Some(s))
}

/// A phone number as people write it: digits with optional leading '+', spaces and hyphens.
pub fn parse_phone(s: Option<&str>) -> Result<Option<String>, Problem> {
    let Some(s) = clean_optional(s, 32)? else {
        return Ok(None);
    };
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let allowed = s
        .char_indices()
        .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || (c == '+' && i == 0));
    if allowed && (5..=20).contains(&digits) {
        Ok(Some(s))
    } else {
        Err(Problem::format(Format::Phone))
    }
}

/// What a client sends to create or replace an employee.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmployeeInput {
    /// Client-generated id: a retried create with the same id returns the first result.
    #[serde(default)]
    pub id: Option<EmployeeId>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9._@-]{2,64}$"))]
    pub username: Option<String>,
    /// Only on create or to reset; never returned.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 256))]
    pub password: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 32))]
    pub phone: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub employee_no: Option<String>,
    pub department_id: DepartmentId,
    pub role: Role,
    #[serde(default = "yes")]
    pub active: bool,
    /// Hire date `YYYY-MM-DD`: attendance days before it are `not_started`. Default: the
    /// day the person was added.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub start_date: Option<String>,
    /// The id in the tenant's ERP/HR system; unique per tenant, used for upserts.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 128))]
    pub external_id: Option<String>,
}

fn yes() -> bool {
    true
}

/// A validated employee, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct EmployeeDraft {
    pub name: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub employee_no: Option<String>,
    pub department_id: DepartmentId,
    pub role: Role,
    pub active: bool,
    pub start_date: Option<NaiveDate>,
    pub external_id: Option<String>,
}

impl EmployeeInput {
    pub fn validate(&self) -> Result<EmployeeDraft, Invalid> {
        let mut bad = Invalid::default();
        let name = bad.check("name", clean_name(&self.name, 100));
        let username = bad.check(
            "username",
            self.username.as_deref().map(parse_username).transpose(),
        );
        if let Some(p) = &self.password {
            bad.check("password", check_password(p));
            if self.username.is_none() {
                bad.push(
                    "username",
                    Problem::NeedsOther {
                        other: "password".into(),
                    },
                );
            }
        }
        let phone = bad.check("phone", parse_phone(self.phone.as_deref()));
        let email = bad.check("email", parse_email(self.email.as_deref()));
        let employee_no = bad.check(
            "employee_no",
            clean_optional(self.employee_no.as_deref(), 64),
        );
        let start_date = bad.check(
            "start_date",
            match self.start_date.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(d) => crate::calendar::parse_date(d).map(Some),
            },
        );
        let external_id = bad.check(
            "external_id",
            crate::customer::parse_key(self.external_id.as_deref(), 128),
        );
        bad.into_result(|| EmployeeDraft {
            name: name.unwrap_or_default(),
            username: username.flatten(),
            password: self.password.clone(),
            phone: phone.flatten(),
            email: email.flatten(),
            employee_no: employee_no.flatten(),
            department_id: self.department_id,
            role: self.role,
            active: self.active,
            start_date: start_date.flatten(),
            external_id: external_id.flatten(),
        })
    }
}

/// An employee as stored and shown (never with a password).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Employee {
    pub id: EmployeeId,
    pub name: String,
    pub username: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub employee_no: Option<String>,
    pub department_id: DepartmentId,
    pub role: Role,
    pub active: bool,
    /// Hire date, when one was given.
    pub start_date: Option<NaiveDate>,
    /// The id in the tenant's ERP/HR system.
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Raised by every write; the answer's `ETag`, never in the body.
    #[serde(skip)]
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EmployeeInput {
        EmployeeInput {
            id: None,
            name: "王建国".into(),
            username: Some("Wang.JG".into()),
            password: Some("correct horse".into()),
            phone: Some("+86 138-0013-8000".into()),
            email: Some("wang@example.com".into()),
            employee_no: Some("E0001".into()),
            department_id: DepartmentId::new(),
            role: Role::Field,
            active: true,
            start_date: None,
            external_id: None,
        }
    }

    #[test]
    fn start_date_is_a_date() {
        let mut i = input();
        i.start_date = Some("2026-03-01".into());
        assert_eq!(
            i.validate().unwrap().start_date,
            NaiveDate::from_ymd_opt(2026, 3, 1)
        );
        i.start_date = Some("March".into());
        assert_eq!(
            i.validate().unwrap_err().codes(),
            [("start_date".to_owned(), "invalid_format")]
        );
    }

    #[test]
    fn valid_input_is_normalised() {
        let d = input().validate().unwrap();
        assert_eq!(d.username.as_deref(), Some("wang.jg"));
        assert_eq!(d.phone.as_deref(), Some("+86 138-0013-8000"));
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut i = input();
        i.name = " ".into();
        i.password = Some("short".into());
        i.phone = Some("call me".into());
        i.email = Some("nope".into());
        let err = i.validate().unwrap_err();
        let fields: Vec<_> = err.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["name", "password", "phone", "email"]);
    }

    #[test]
    fn role_parse() {
        assert_eq!(Role::parse(" Manager").unwrap(), Role::Manager);
        assert!(Role::parse("boss").is_err());
    }
}
