//! A report as data: typed columns with units and zh/en labels, and rows of cells, so
//! the console, XLSX and CSV render any report the same way.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Serialize, Serializer};

/// What a column holds, which decides its format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// An id to drill down by (a person, customer, visit).
    Id,
    Text,
    /// A stable code whose label is in [`Report::codes`] (a visit kind, a metric).
    Code,
    Integer,
    Number,
    /// A fraction (0.5 is 50 %), as spreadsheets store percentages.
    Percent,
    Date,
    /// An instant, RFC 3339 in UTC; shown in the viewer's time zone.
    Instant,
    Bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Days,
    Hours,
    Minutes,
    Km,
    /// Percentile rank, 0–100.
    Rank,
    /// A ratio of two like quantities (the detour ratio).
    Ratio,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Column {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub kind: ColumnType,
    pub unit: Option<Unit>,
    pub label_zh: &'static str,
    pub label_en: &'static str,
}

pub(crate) fn col(
    name: &'static str,
    kind: ColumnType,
    unit: Option<Unit>,
    label_zh: &'static str,
    label_en: &'static str,
) -> Column {
    Column {
        name,
        kind,
        unit,
        label_zh,
        label_en,
    }
}

/// One value. Serialised as plain JSON (null, bool, number, string); dates as
/// `YYYY-MM-DD`, instants as RFC 3339 UTC.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Null,
    Bool(bool),
    Int(i64),
    Num(f64),
    Text(String),
    Date(NaiveDate),
    Instant(DateTime<Utc>),
}

impl Cell {
    pub fn num(v: Option<f64>) -> Cell {
        v.filter(|x| x.is_finite()).map_or(Cell::Null, Cell::Num)
    }

    pub fn int(v: impl Into<i64>) -> Cell {
        Cell::Int(v.into())
    }

    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn instant_ms(ms: Option<i64>) -> Cell {
        ms.and_then(DateTime::from_timestamp_millis)
            .map_or(Cell::Null, Cell::Instant)
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            Cell::Num(x) => Some(*x),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Null => s.serialize_none(),
            Cell::Bool(b) => s.serialize_bool(*b),
            Cell::Int(i) => s.serialize_i64(*i),
            Cell::Num(x) => s.serialize_f64(*x),
            Cell::Text(t) => s.serialize_str(t),
            Cell::Date(d) => s.collect_str(d),
            Cell::Instant(t) => {
                s.collect_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            }
        }
    }
}

/// The label of a code a [`ColumnType::Code`] cell holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CodeLabel {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub name: super::ReportName,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// The totals row (ratios recomputed from the summed parts), for reports that have one.
    pub total: Option<Vec<Cell>>,
    /// Labels of the codes that appear in code columns.
    pub codes: Vec<CodeLabel>,
}

impl Report {
    pub(crate) fn new(name: super::ReportName, columns: Vec<Column>) -> Report {
        Report {
            name,
            title_zh: name.title_zh(),
            title_en: name.title_en(),
            columns,
            rows: Vec::new(),
            total: None,
            codes: Vec::new(),
        }
    }

    /// The index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The cell of `row` in the column named `name` (tests and exports).
    pub fn cell(&self, row: usize, name: &str) -> Option<&Cell> {
        self.rows.get(row)?.get(self.column(name)?)
    }

    /// The first row whose column `key` holds text `value`.
    pub fn row_where(&self, key: &str, value: &str) -> Option<usize> {
        let k = self.column(key)?;
        self.rows
            .iter()
            .position(|r| r.get(k).and_then(Cell::as_text) == Some(value))
    }
}
