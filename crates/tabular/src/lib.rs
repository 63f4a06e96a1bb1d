//! Spreadsheet bytes in, rows of strings out (and back): CSV and XLSX for bulk import/export.
//!
//! The crate is pure: it takes `&[u8]` and returns values, does no I/O and knows nothing about
//! what the columns mean. Callers map headers to their own fields and report bad rows using
//! [`SheetRow::number`], which is the row number a spreadsheet user sees.

mod csv_read;
mod csv_write;
mod decode;
mod format;
mod guard;
mod workbook;
mod xlsx_read;
mod xlsx_write;

pub use csv_write::write_csv;
pub use format::SheetFormat;
pub use workbook::{Cell, Column, ColumnKind, SheetData, write_workbook};
pub use xlsx_write::write_xlsx;

/// What a CSV was decoded from. XLSX is always reported as [`TextEncoding::Utf8`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 with a byte-order mark, as Excel's "CSV UTF-8" writes it.
    Utf8Bom,
    /// GBK / GB18030, what Chinese Excel writes as plain "CSV".
    Gbk,
}

/// A parsed sheet: trimmed header names and the non-empty data rows below them.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<SheetRow>,
    pub encoding: TextEncoding,
}

/// One data row. Its cells are as found: it may be shorter or longer than the header.
#[derive(Clone, Debug, PartialEq)]
pub struct SheetRow {
    /// The row number a spreadsheet user sees: the header is row 1 (when it is the first line),
    /// the first data row is row 2. Skipped blank rows still count, so the number stays true to
    /// the file. For a CSV record spanning several lines, the line where the record starts.
    pub number: usize,
    pub cells: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SheetError {
    /// No bytes, only whitespace/BOM, or no header row.
    #[error("the file is empty: no header row found")]
    Empty,
    /// The bytes are not a CSV or XLSX file (binary data, a zip that is no workbook, ...).
    #[error("not a spreadsheet: {0}")]
    NotASpreadsheet(String),
    /// The file is a spreadsheet but is broken. `row` is the spreadsheet row number where the
    /// problem starts, or 0 when it concerns the whole file (e.g. a damaged XLSX container).
    #[error("{}", malformed(*.row, .message))]
    Malformed { row: usize, message: String },
    /// More data rows than the caller allows (or, when writing, than Excel can hold).
    #[error("too many rows: at most {limit} data rows are allowed")]
    TooManyRows { limit: usize },
}

fn malformed(row: usize, message: &str) -> String {
    if row == 0 {
        format!("malformed spreadsheet: {message}")
    } else {
        format!("malformed spreadsheet at row {row}: {message}")
    }
}

/// Limits for [`read_sheet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// Most data rows (header excluded, blank rows not counted) accepted before failing with
    /// [`SheetError::TooManyRows`]; reading stops there instead of materialising the rest.
    pub max_rows: usize,
}

impl ReadOptions {
    pub const DEFAULT_MAX_ROWS: usize = 200_000;
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_rows: Self::DEFAULT_MAX_ROWS,
        }
    }
}

/// Parse uploaded bytes of a known format (see [`SheetFormat::detect`]).
///
/// The header is the first non-empty row. Rows whose cells are all empty or whitespace are
/// skipped. A leading apostrophe that [`write_csv`] added to defuse a formula is removed again,
/// so an export can be edited and imported back unchanged.
pub fn read_sheet(
    bytes: &[u8],
    format: SheetFormat,
    options: &ReadOptions,
) -> Result<Sheet, SheetError> {
    match format {
        SheetFormat::Csv => csv_read::read_csv(bytes, options),
        SheetFormat::Xlsx => xlsx_read::read_xlsx(bytes, options),
    }
}
