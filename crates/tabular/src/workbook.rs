//! Writing a formatted workbook of several sheets with typed columns: a bold, shaded
//! header row, frozen panes, an autofilter over the data, numbers with their decimals,
//! percentages, dates and date-times as Excel's own, and money in CNY (`¥#,##0.00`). Values arrive as exact integers (minor units, scaled decimals); the
//! only float is the one Excel stores, which round-trips them exactly at these magnitudes.

use crate::SheetError;
use crate::xlsx_write::{column_widths, valid_sheet_name};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook};

/// How a column's cells are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    /// A number with this many decimals.
    Number(u8),
    /// Minor units (fen) shown as yuan with the CNY sign.
    Money,
    /// A fraction shown as a percentage with this many decimals (0.456 is 45.6 %).
    Percent(u8),
    /// A calendar date, `yyyy-mm-dd`.
    Date,
    /// A wall-clock date and time, `yyyy-mm-dd hh:mm`.
    DateTime,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub kind: ColumnKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    /// `value / 10^decimals`, e.g. metres as kilometres: `Decimal(12_345, 3)` is 12.345.
    Decimal(i64, u8),
    /// Minor units: `Money(12_345)` is ¥123.45.
    Money(i64),
    Date(NaiveDate),
    /// A wall-clock time (the caller turns instants into the reader's zone).
    DateTime(NaiveDateTime),
}

impl Cell {
    fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Decimal(v, d) => format!("{}", *v as f64 / 10f64.powi(i32::from(*d))),
            Cell::Money(m) => format!("¥{:.2}", *m as f64 / 100.0),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::DateTime(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// The cell as text in a column of `kind` (what a CSV holds): numbers with the
    /// column's decimals, percentages with `%`, dates and times as the sheet shows them.
    pub fn text(&self, kind: ColumnKind) -> String {
        match (self, kind) {
            (Cell::Decimal(v, d), ColumnKind::Percent(p)) => {
                let pct = *v as f64 / 10f64.powi(i32::from(*d)) * 100.0;
                format!("{pct:.prec$}%", prec = usize::from(p))
            }
            (Cell::Decimal(v, d), ColumnKind::Number(n)) => {
                let x = *v as f64 / 10f64.powi(i32::from(*d));
                format!("{x:.prec$}", prec = usize::from(n))
            }
            (other, _) => other.display(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetData {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

const MONEY_FORMAT: &str = "\"¥\"#,##0.00";

fn number_format(decimals: u8) -> String {
    match decimals {
        0 => "0".to_owned(),
        d => format!("0.{}", "0".repeat(usize::from(d))),
    }
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, rust_xlsxwriter::XlsxError> {
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(1900),
        d.month() as u8,
        d.day() as u8,
    )
}

fn excel_datetime(t: NaiveDateTime) -> Result<ExcelDateTime, rust_xlsxwriter::XlsxError> {
    excel_date(t.date())?.and_hms(t.hour() as u16, t.minute() as u8, t.second())
}

/// Serialises the sheets, in order, as one workbook.
pub fn write_workbook(sheets: &[SheetData]) -> Result<Vec<u8>, SheetError> {
    let err = |row: usize| {
        move |e: rust_xlsxwriter::XlsxError| SheetError::Malformed {
            row,
            message: e.to_string(),
        }
    };
    let mut workbook = Workbook::new();
    let bold = Format::new()
        .set_bold()
        .set_background_color(0xD9E1F2)
        .set_border_bottom(FormatBorder::Thin);
    let money = Format::new().set_num_format(MONEY_FORMAT);
    for data in sheets {
        let ncols = data.columns.len();
        if ncols == 0 || ncols > 16_384 || data.rows.len() >= 1_048_575 {
            return Err(SheetError::TooManyRows { limit: 1_048_574 });
        }
        let sheet = workbook.add_worksheet();
        sheet
            .set_name(valid_sheet_name(&data.name))
            .map_err(err(1))?;
        let formats: Vec<Option<Format>> = data
            .columns
            .iter()
            .map(|c| match c.kind {
                ColumnKind::Text => None,
                ColumnKind::Number(d) => Some(Format::new().set_num_format(number_format(d))),
                ColumnKind::Money => Some(money.clone()),
                ColumnKind::Percent(d) => {
                    Some(Format::new().set_num_format(format!("{}%", number_format(d))))
                }
                ColumnKind::Date => Some(Format::new().set_num_format("yyyy-mm-dd")),
                ColumnKind::DateTime => Some(Format::new().set_num_format("yyyy-mm-dd hh:mm")),
            })
            .collect();
        for (col, c) in data.columns.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, &c.header, &bold)
                .map_err(err(1))?;
        }
        for (i, row) in data.rows.iter().enumerate() {
            let r = (i + 1) as u32;
            for (col, cell) in row.iter().enumerate().take(ncols) {
                let c = col as u16;
                let written = match (cell, &formats[col]) {
                    (Cell::Empty, _) => continue,
                    (Cell::Text(s), _) => sheet.write_string(r, c, s.as_str()),
                    (Cell::Decimal(v, d), Some(f)) => sheet.write_number_with_format(
                        r,
                        c,
                        *v as f64 / 10f64.powi(i32::from(*d)),
                        f,
                    ),
                    (Cell::Money(m), Some(f)) => {
                        sheet.write_number_with_format(r, c, *m as f64 / 100.0, f)
                    }
                    (Cell::Date(d), Some(f)) => sheet.write_datetime_with_format(
                        r,
                        c,
                        excel_date(*d).map_err(err(i + 2))?,
                        f,
                    ),
                    (Cell::DateTime(t), Some(f)) => sheet.write_datetime_with_format(
                        r,
                        c,
                        excel_datetime(*t).map_err(err(i + 2))?,
                        f,
                    ),
                    (other, None) => sheet.write_string(r, c, other.display()),
                };
                written.map_err(err(i + 2))?;
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(err(1))?;
        sheet
            .autofilter(0, 0, data.rows.len() as u32, (ncols - 1) as u16)
            .map_err(err(1))?;
        let headers: Vec<&str> = data.columns.iter().map(|c| c.header.as_str()).collect();
        let texts: Vec<Vec<String>> = data
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::display).collect())
            .collect();
        column_widths(sheet, &headers, &texts)?;
    }
    workbook
        .save_to_buffer()
        .map_err(|e| SheetError::Malformed {
            row: 0,
            message: format!("could not build the workbook: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_numbers_and_money_round_trip() {
        let sheets = vec![
            SheetData {
                name: "汇总".into(),
                columns: vec![
                    Column {
                        header: "姓名".into(),
                        kind: ColumnKind::Text,
                    },
                    Column {
                        header: "km".into(),
                        kind: ColumnKind::Number(3),
                    },
                    Column {
                        header: "合计".into(),
                        kind: ColumnKind::Money,
                    },
                ],
                rows: vec![
                    vec![
                        Cell::Text("王伟".into()),
                        Cell::Decimal(42_318, 3),
                        Cell::Money(3_385),
                    ],
                    vec![
                        Cell::Text("李娜".into()),
                        Cell::Empty,
                        Cell::Money(123_456_789),
                    ],
                ],
            },
            SheetData {
                name: "Lines".into(),
                columns: vec![Column {
                    header: "d".into(),
                    kind: ColumnKind::Text,
                }],
                rows: vec![],
            },
        ];
        let bytes = write_workbook(&sheets).unwrap();
        use calamine::{Data, Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["汇总", "Lines"]);
        let range = book.worksheet_range("汇总").unwrap();
        let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        assert_eq!(rows[0][0], Data::String("姓名".into()));
        assert_eq!(rows[1][1], Data::Float(42.318));
        assert_eq!(rows[1][2], Data::Float(33.85));
        assert_eq!(rows[2][2], Data::Float(1_234_567.89));
        assert_eq!(rows[2][1], Data::Empty);
        // Exact fen back from what Excel stores.
        let fen = |d: &Data| match d {
            Data::Float(f) => (f * 100.0).round() as i64,
            _ => panic!("{d:?}"),
        };
        assert_eq!(fen(&rows[1][2]) + fen(&rows[2][2]), 3_385 + 123_456_789);
    }
}
