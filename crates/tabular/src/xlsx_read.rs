//! Reading the first worksheet of an XLSX workbook into a [`Sheet`].

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

use calamine::{DataRef, ExcelDateTime, Reader, SheetType, SheetVisible, Xlsx, XlsxError};

use crate::guard::restore;
use crate::{ReadOptions, Sheet, SheetError, SheetRow, TextEncoding};

/// Widest row we accept. Excel allows 16 384 columns, but a single stray cell far to the right
/// would make every row that wide once padded; no import has this many columns.
const MAX_COLUMNS: u32 = 1024;

/// OLE compound files: legacy `.xls`, and also password-protected `.xlsx` (Excel encrypts the
/// zip and wraps it in one).
const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

pub(crate) fn read_xlsx(bytes: &[u8], options: &ReadOptions) -> Result<Sheet, SheetError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SheetError::Empty);
    }
    if bytes.starts_with(CFB_MAGIC) {
        return Err(SheetError::NotASpreadsheet(
            "this is a legacy .xls or a password-protected workbook; save it as an unprotected \
             .xlsx"
                .into(),
        ));
    }
    if !bytes.starts_with(b"PK") {
        return Err(SheetError::NotASpreadsheet(
            "this is not an .xlsx workbook".into(),
        ));
    }
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(open_error)?;
    let Some(name) = first_worksheet(&workbook) else {
        return Err(SheetError::Empty);
    };
    // Cells are streamed rather than read as a calamine `Range`, which allocates the whole
    // bounding box up front: one far-away cell would cost gigabytes.
    let mut reader = workbook
        .worksheet_cells_reader(&name)
        .map_err(|e| damaged(0, &e))?;

    // Only non-empty cells are kept, by (0-based) row then column; the bounding box is
    // known only at the end, as cells need not come in order.
    let mut grid: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
    let mut non_blank_rows: BTreeSet<u32> = BTreeSet::new();
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => return Err(damaged(0, &e)),
        };
        let value = cell_text(cell.get_value());
        if value.is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        if col >= MAX_COLUMNS {
            return Err(SheetError::Malformed {
                row: row as usize + 1,
                message: format!("a cell lies beyond column {MAX_COLUMNS}; delete unused columns"),
            });
        }
        // Whitespace-only cells are kept, but alone they do not make a row count as data.
        if !value.trim().is_empty() && non_blank_rows.insert(row) {
            // One row for the header, then up to `max_rows` data rows.
            if non_blank_rows.len() > options.max_rows.saturating_add(1) {
                return Err(SheetError::TooManyRows {
                    limit: options.max_rows,
                });
            }
        }
        grid.entry(row).or_default().insert(col, value);
    }

    grid.retain(|row, _| non_blank_rows.contains(row));
    let first_col = grid
        .values()
        .filter_map(|cells| cells.keys().next())
        .min()
        .copied()
        .unwrap_or(0);
    let mut rows = grid.into_iter().map(|(row, cells)| SheetRow {
        number: row as usize + 1,
        cells: dense(cells, first_col),
    });
    let header = rows.next().ok_or(SheetError::Empty)?;
    Ok(Sheet {
        headers: header.cells.iter().map(|h| h.trim().to_owned()).collect(),
        rows: rows
            .map(|r| SheetRow {
                number: r.number,
                cells: r.cells.into_iter().map(restore).collect(),
            })
            .collect(),
        encoding: TextEncoding::Utf8,
    })
}

/// The sheet a user sees first when opening the workbook: the first visible worksheet (a hidden
/// first sheet usually holds lookup lists), else the first worksheet at all. Chart sheets have no
/// cells and are passed over.
fn first_worksheet(workbook: &Xlsx<Cursor<&[u8]>>) -> Option<String> {
    let sheets = workbook.sheets_metadata();
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    worksheets()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
        .map(|s| s.name.clone())
}

/// A row's cells from `first_col` up to its last non-empty cell, gaps filled with "".
fn dense(cells: BTreeMap<u32, String>, first_col: u32) -> Vec<String> {
    let mut out = Vec::new();
    for (col, value) in cells {
        let index = (col - first_col) as usize;
        out.resize(index, String::new());
        out.push(value);
    }
    out
}

/// A cell as the text a user would type to get it back: integers without ".0", floats in the
/// shortest form that round-trips, dates in ISO 8601, errors as Excel shows them.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        // Rust's f64 Display is already the shortest round-trip form and never prints ".0" or an
        // exponent; only negative zero needs tidying.
        DataRef::Float(f) if *f == 0.0 => "0".into(),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => excel_datetime_iso(dt),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

/// ISO 8601 for an Excel serial date: a date, a time of day (serial below 1), or both; durations
/// (`[h]:mm` formats) as `PTnHnMnS`.
fn excel_datetime_iso(dt: &ExcelDateTime) -> String {
    let serial = dt.as_f64();
    if dt.is_duration() {
        let total_ms = (serial * 86_400_000.0).round() as i64;
        let sign = if total_ms < 0 { "-" } else { "" };
        let ms = total_ms.unsigned_abs();
        let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        return if milli == 0 {
            format!("{sign}PT{h}H{m}M{s}S")
        } else {
            format!("{sign}PT{h}H{m}M{s}.{milli:03}S")
        };
    }
    let (year, month, day, hour, min, sec, milli) = dt.to_ymd_hms_milli();
    let date = format!("{year:04}-{month:02}-{day:02}");
    let time = if milli == 0 {
        format!("{hour:02}:{min:02}:{sec:02}")
    } else {
        format!("{hour:02}:{min:02}:{sec:02}.{milli:03}")
    };
    if (0.0..1.0).contains(&serial) {
        time
    } else if serial.fract() == 0.0 {
        date
    } else {
        format!("{date}T{time}")
    }
}

/// Sort calamine's open errors into "not a workbook at all" and "a damaged workbook".
fn open_error(e: XlsxError) -> SheetError {
    match e {
        XlsxError::Password => SheetError::NotASpreadsheet(
            "the workbook is password-protected; save an unprotected copy".into(),
        ),
        // A valid zip without the workbook parts: .docx, .pptx, .zip of photos, ...
        XlsxError::FileNotFound(_)
        | XlsxError::RelationshipNotFound
        | XlsxError::WorksheetNotFound(_) => SheetError::NotASpreadsheet(
            "the file is a zip archive but not an Excel workbook".into(),
        ),
        // It starts like a zip but cannot be read as one: most likely a cut-off upload.
        XlsxError::Zip(zip) => SheetError::Malformed {
            row: 0,
            message: format!("the workbook is damaged or truncated: {zip}"),
        },
        other => damaged(0, &other),
    }
}

fn damaged(row: usize, e: &XlsxError) -> SheetError {
    SheetError::Malformed {
        row,
        message: format!("the workbook is damaged: {e}"),
    }
}
