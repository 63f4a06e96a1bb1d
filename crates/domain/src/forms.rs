//! Visit report forms: tenant-defined typed fields, and the validation of a submitted
//! report against the form version it was filled in, naming each bad field by its key.

use crate::calendar::parse_date;
use crate::ids::{FormId, PhotoId};
use crate::tenant::{clean_name, clean_optional};
use crate::{Format, Invalid, Problem};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Number,
    SingleSelect,
    MultiSelect,
    /// `YYYY-MM-DD`.
    Date,
    Boolean,
    /// Uploaded photo ids.
    Photo,
    /// One uploaded signature image id.
    Signature,
}

/// One field as a form builder sends it, and as it is stored and shown. Attributes that
/// do not belong to the type are refused rather than silently ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldInput {
    /// The answer's key: a lowercase letter, then letters, digits or `_` (at most 40).
    #[cfg_attr(
        feature = "openapi",
        schema(example = "shelf_facings", pattern = r"^[a-z][a-z0-9_]{0,39}$")
    )]
    pub key: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// The answer may not be left out (`false` is an answer for a boolean).
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub help: Option<String>,
    /// Text: at most this many characters (default 200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5000))]
    pub max_length: Option<u32>,
    /// Number: bounds, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Number: whole numbers only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub integer: bool,
    /// Single and multi select: the choices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub options: Vec<String>,
    /// Multi select and photo: how many may be given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(maximum = 100))]
    pub min_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub max_count: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FormInput {
    /// Client-generated id: a retried create with the same id returns the first result.
    #[serde(default)]
    pub id: Option<FormId>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub fields: Vec<FieldInput>,
}

pub const MAX_FIELDS: usize = 100;
pub const MAX_OPTIONS: usize = 100;
pub const DEFAULT_TEXT_LENGTH: u32 = 200;
pub const MAX_TEXT_LENGTH: u32 = 5000;
pub const DEFAULT_MAX_PHOTOS: u32 = 9;
pub const MAX_PHOTOS: u32 = 20;
/// Integers beyond 2^53 do not survive a JSON round trip through doubles.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A field's type with its checked attributes.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldKind {
    Text {
        max_length: u32,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
        integer: bool,
    },
    SingleSelect {
        options: Vec<String>,
    },
    MultiSelect {
        options: Vec<String>,
        min_count: u32,
        max_count: u32,
    },
    Date,
    Boolean,
    Photo {
        min_count: u32,
        max_count: u32,
    },
    Signature,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldDef {
    pub key: String,
    pub label: String,
    pub required: bool,
    pub help: Option<String>,
    pub kind: FieldKind,
}

/// A validated form definition, before storage gives it an id and version.
#[derive(Clone, Debug, PartialEq)]
pub struct FormDraft {
    pub name: String,
    pub fields: Vec<FieldDef>,
}

/// A form version. Every change to a form makes a new version; a report keeps the
/// version it was filled in, so old reports stay readable and valid.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub id: FormId,
    pub version: u32,
    pub name: String,
    pub fields: Vec<FieldDef>,
}

/// A form as shown.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormOutput {
    pub id: FormId,
    pub version: u32,
    pub name: String,
    pub fields: Vec<FieldInput>,
}

impl FormInput {
    pub fn validate(&self) -> Result<FormDraft, Invalid> {
        let mut bad = Invalid::default();
        let name = bad.check("name", clean_name(&self.name, 100));
        if self.fields.is_empty() || self.fields.len() > MAX_FIELDS {
            bad.push(
                "fields",
                Problem::CountOutOfRange {
                    min: 1,
                    max: MAX_FIELDS,
                },
            );
        }
        let mut keys = HashSet::new();
        let mut fields = Vec::new();
        for (i, f) in self.fields.iter().enumerate() {
            let duplicate = !keys.insert(f.key.as_str());
            match f.validate() {
                Ok(def) => fields.push(def),
                Err(e) => bad
                    .problems
                    .extend(e.nest(&format!("fields[{i}].")).problems),
            }
            if duplicate {
                bad.push(format!("fields[{i}].key"), Problem::Duplicate);
            }
        }
        bad.into_result(|| FormDraft {
            name: name.unwrap_or_default(),
            fields,
        })
    }
}

fn parse_field_key(s: &str) -> Result<String, Problem> {
    let mut chars = s.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s.len() <= 40;
    if ok {
        Ok(s.to_owned())
    } else {
        Err(Problem::format(Format::FieldKey))
    }
}

fn parse_options(raw: &[String], bad: &mut Invalid) -> Vec<String> {
    if raw.is_empty() || raw.len() > MAX_OPTIONS {
        bad.push(
            "options",
            Problem::CountOutOfRange {
                min: 1,
                max: MAX_OPTIONS,
            },
        );
    }
    let mut out: Vec<String> = Vec::new();
    for (j, o) in raw.iter().enumerate() {
        match clean_name(o, 100) {
            Ok(o) if out.contains(&o) => bad.push(format!("options[{j}]"), Problem::Duplicate),
            Ok(o) => out.push(o),
            Err(p) => bad.push(format!("options[{j}]"), p),
        }
    }
    out
}

/// Checks `min_count`/`max_count` against a default and a ceiling.
fn counts(
    min: Option<u32>,
    max: Option<u32>,
    default_max: u32,
    ceiling: u32,
    bad: &mut Invalid,
) -> (u32, u32) {
    let max = max.unwrap_or(default_max);
    let min = min.unwrap_or(0);
    if !(1..=ceiling).contains(&max) {
        bad.push("max_count", Problem::range(1.0, f64::from(ceiling), ""));
    }
    if min > max {
        bad.push(
            "min_count",
            Problem::AboveOther {
                other: "max_count".into(),
            },
        );
    }
    (min, max)
}

impl FieldInput {
    pub fn validate(&self) -> Result<FieldDef, Invalid> {
        use FieldType as T;
        let mut bad = Invalid::default();
        let key = bad.check("key", parse_field_key(&self.key));
        let label = bad.check("label", clean_name(&self.label, 100));
        let help = bad.check("help", clean_optional(self.help.as_deref(), 200));
        let t = self.field_type;
        // Say which attributes do not belong, so a builder bug does not pass silently.
        let misplaced: [(&str, bool, &[T]); 6] = [
            ("max_length", self.max_length.is_some(), &[T::Text]),
            ("min", self.min.is_some(), &[T::Number]),
            ("max", self.max.is_some(), &[T::Number]),
            ("integer", self.integer, &[T::Number]),
            (
                "options",
                !self.options.is_empty(),
                &[T::SingleSelect, T::MultiSelect],
            ),
            (
                "min_count",
                self.min_count.is_some() || self.max_count.is_some(),
                &[T::MultiSelect, T::Photo],
            ),
        ];
        for (field, given, allowed) in misplaced {
            if given && !allowed.contains(&t) {
                let field = if field == "min_count" && self.min_count.is_none() {
                    "max_count"
                } else {
                    field
                };
                bad.push(field, Problem::NotApplicable);
            }
        }
        let kind = match t {
            T::Text => {
                let max_length = self.max_length.unwrap_or(DEFAULT_TEXT_LENGTH);
                if !(1..=MAX_TEXT_LENGTH).contains(&max_length) {
                    bad.push(
                        "max_length",
                        Problem::range(1.0, f64::from(MAX_TEXT_LENGTH), ""),
                    );
                }
                FieldKind::Text { max_length }
            }
            T::Number => {
                for (f, v) in [("min", self.min), ("max", self.max)] {
                    if v.is_some_and(|v| !v.is_finite()) {
                        bad.push(f, Problem::format(Format::Number));
                    }
                }
                if let (Some(lo), Some(hi)) = (self.min, self.max)
                    && lo > hi
                {
                    bad.push(
                        "max",
                        Problem::BeforeOther {
                            other: "min".into(),
                        },
                    );
                }
                FieldKind::Number {
                    min: self.min,
                    max: self.max,
                    integer: self.integer,
                }
            }
            T::SingleSelect => FieldKind::SingleSelect {
                options: parse_options(&self.options, &mut bad),
            },
            T::MultiSelect => {
                let options = parse_options(&self.options, &mut bad);
                let ceiling = options.len().max(1) as u32;
                let (min_count, max_count) =
                    counts(self.min_count, self.max_count, ceiling, ceiling, &mut bad);
                FieldKind::MultiSelect {
                    options,
                    min_count,
                    max_count,
                }
            }
            T::Date => FieldKind::Date,
            T::Boolean => FieldKind::Boolean,
            T::Photo => {
                let (min_count, max_count) = counts(
                    self.min_count,
                    self.max_count,
                    DEFAULT_MAX_PHOTOS,
                    MAX_PHOTOS,
                    &mut bad,
                );
                FieldKind::Photo {
                    min_count,
                    max_count,
                }
            }
            T::Signature => FieldKind::Signature,
        };
        bad.into_result(|| FieldDef {
            key: key.unwrap_or_default(),
            label: label.unwrap_or_default(),
            required: self.required,
            help: help.flatten(),
            kind,
        })
    }
}

impl FieldDef {
    /// The normalised wire/storage shape of this field.
    pub fn to_input(&self) -> FieldInput {
        let mut f = FieldInput {
            key: self.key.clone(),
            label: self.label.clone(),
            field_type: FieldType::Text,
            required: self.required,
            help: self.help.clone(),
            max_length: None,
            min: None,
            max: None,
            integer: false,
            options: Vec::new(),
            min_count: None,
            max_count: None,
        };
        match &self.kind {
            FieldKind::Text { max_length } => f.max_length = Some(*max_length),
            FieldKind::Number { min, max, integer } => {
                (f.field_type, f.min, f.max, f.integer) = (FieldType::Number, *min, *max, *integer);
            }
            FieldKind::SingleSelect { options } => {
                (f.field_type, f.options) = (FieldType::SingleSelect, options.clone());
            }
            FieldKind::MultiSelect {
                options,
                min_count,
                max_count,
            } => {
                f.field_type = FieldType::MultiSelect;
                (f.options, f.min_count, f.max_count) =
                    (options.clone(), Some(*min_count), Some(*max_count));
            }
            FieldKind::Date => f.field_type = FieldType::Date,
            FieldKind::Boolean => f.field_type = FieldType::Boolean,
            FieldKind::Photo {
                min_count,
                max_count,
            } => {
                (f.field_type, f.min_count, f.max_count) =
                    (FieldType::Photo, Some(*min_count), Some(*max_count));
            }
            FieldKind::Signature => f.field_type = FieldType::Signature,
        }
        f
    }
}

impl FormDraft {
    pub fn into_form(self, id: FormId, version: u32) -> Form {
        Form {
            id,
            version,
            name: self.name,
            fields: self.fields,
        }
    }
}

impl Form {
    pub fn output(&self) -> FormOutput {
        FormOutput {
            id: self.id,
            version: self.version,
            name: self.name.clone(),
            fields: self.fields.iter().map(FieldDef::to_input).collect(),
        }
    }
}

/// One answer, normalised (text trimmed, integers as integers, dates parsed).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Answer {
    Bool(bool),
    Integer(i64),
    Number(f64),
    Text(String),
    Date(NaiveDate),
    Choices(Vec<String>),
    Photos(Vec<PhotoId>),
    Photo(PhotoId),
}

/// A report's answers checked against one form version; fields left out are absent.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NormalisedAnswers {
    pub form_id: FormId,
    pub form_version: u32,
    pub answers: BTreeMap<String, Answer>,
}

impl NormalisedAnswers {
    /// Every photo the report refers to, for the caller to check they exist and belong
    /// to the visit.
    pub fn photo_ids(&self) -> Vec<PhotoId> {
        self.answers
            .values()
            .flat_map(|a| match a {
                Answer::Photos(ids) => ids.clone(),
                Answer::Photo(id) => vec![*id],
                _ => Vec::new(),
            })
            .collect()
    }
}

/// Checks `answers` (a JSON object keyed by field key) against `form`. Each problem is
/// named by the field's key; keys the form does not have are refused. `null`, `""` and
/// `[]` mean "not answered".
pub fn validate_answers(form: &Form, answers: &Value) -> Result<NormalisedAnswers, Invalid> {
    let Some(map) = answers.as_object() else {
        return Err(Invalid::one("answers", Problem::format(Format::Object)));
    };
    let mut bad = Invalid::default();
    let mut out = BTreeMap::new();
    for f in &form.fields {
        match map
            .get(&f.key)
            .map(|v| answer(&f.kind, v))
            .unwrap_or(Ok(None))
        {
            Ok(Some(a)) => {
                out.insert(f.key.clone(), a);
            }
            Ok(None) if f.required => bad.push(&f.key, Problem::Required),
            Ok(None) => {}
            Err(p) => bad.push(&f.key, p),
        }
    }
    for k in map.keys() {
        if !form.fields.iter().any(|f| &f.key == k) {
            bad.push(k, Problem::UnknownField);
        }
    }
    bad.into_result(|| NormalisedAnswers {
        form_id: form.id,
        form_version: form.version,
        answers: out,
    })
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// One answer, `None` when not answered.
fn answer(kind: &FieldKind, v: &Value) -> Result<Option<Answer>, Problem> {
    if is_empty(v) {
        return Ok(None);
    }
    let a = match kind {
        FieldKind::Text { max_length } => {
            let s = v.as_str().ok_or(Problem::format(Format::Text))?.trim();
            if s.chars().count() > *max_length as usize {
                return Err(Problem::TooLong {
                    max: *max_length as usize,
                });
            }
            // Line breaks and tabs are fine in a remark; other control characters corrupt exports.
            if s.chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
            {
                return Err(Problem::ControlCharacters);
            }
            Answer::Text(s.to_owned())
        }
        FieldKind::Number { min, max, integer } => {
            let n = v.as_f64().ok_or(Problem::format(Format::Number))?;
            if min.is_some_and(|lo| n < lo) || max.is_some_and(|hi| n > hi) {
                return Err(match (min, max) {
                    (Some(lo), Some(hi)) => Problem::range(*lo, *hi, ""),
                    (Some(lo), None) => Problem::BelowMin { min: *lo },
                    (_, hi) => Problem::AboveMax {
                        max: hi.unwrap_or_default(),
                    },
                });
            }
            if *integer {
                if n.fract() != 0.0 || n.abs() > MAX_SAFE_INTEGER {
                    return Err(Problem::format(Format::WholeNumber));
                }
                Answer::Integer(n as i64)
            } else {
                Answer::Number(n)
            }
        }
        FieldKind::SingleSelect { options } => {
            let s = v
                .as_str()
                .ok_or_else(|| Problem::UnknownValue {
                    allowed: options.clone(),
                })?
                .trim();
            if !options.iter().any(|o| o == s) {
                return Err(Problem::UnknownValue {
                    allowed: options.clone(),
                });
            }
            Answer::Text(s.to_owned())
        }
        FieldKind::MultiSelect {
            options,
            min_count,
            max_count,
        } => {
            let items = v.as_array().ok_or(Problem::format(Format::List))?;
            let mut chosen: Vec<String> = Vec::new();
            for item in items {
                let s = item.as_str().ok_or(Problem::format(Format::List))?.trim();
                if !options.iter().any(|o| o == s) {
                    return Err(Problem::UnknownValue {
                        allowed: options.clone(),
                    });
                }
                if chosen.iter().any(|c| c == s) {
                    return Err(Problem::Duplicate);
                }
                chosen.push(s.to_owned());
            }
            count_within(chosen.len(), *min_count, *max_count)?;
            Answer::Choices(chosen)
        }
        FieldKind::Date => Answer::Date(parse_date(
            v.as_str().ok_or(Problem::format(Format::Date))?,
        )?),
        FieldKind::Boolean => Answer::Bool(v.as_bool().ok_or(Problem::format(Format::Boolean))?),
        FieldKind::Photo {
            min_count,
            max_count,
        } => {
            let items = v.as_array().ok_or(Problem::format(Format::List))?;
            let mut ids: Vec<PhotoId> = Vec::new();
            for item in items {
                let id = photo_id(item)?;
                if ids.contains(&id) {
                    return Err(Problem::Duplicate);
                }
                ids.push(id);
            }
            count_within(ids.len(), *min_count, *max_count)?;
            Answer::Photos(ids)
        }
        FieldKind::Signature => Answer::Photo(photo_id(v)?),
    };
    Ok(Some(a))
}

fn photo_id(v: &Value) -> Result<PhotoId, Problem> {
    v.as_str()
        .and_then(|s| s.trim().parse().ok())
        .ok_or(Problem::format(Format::Id))
}

fn count_within(n: usize, min: u32, max: u32) -> Result<(), Problem> {
    if n < min as usize || n > max as usize {
        Err(Problem::CountOutOfRange {
            min: min as usize,
            max: max as usize,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
