//! Writing rows as an XLSX download: bold frozen header, numbers as numbers, codes as text.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::SheetError;

/// Excel's hard limits.
const EXCEL_MAX_ROWS: usize = 1_048_576;
const EXCEL_MAX_COLUMNS: usize = 16_384;

/// Column widths are guessed from this many rows: enough for what fits on a screen, cheap on
/// large exports.
const WIDTH_SAMPLE_ROWS: usize = 200;
const MIN_WIDTH: f64 = 8.0;
const MAX_WIDTH: f64 = 50.0;

/// Serialise headers and rows as a one-sheet workbook.
///
/// Cells are text, except plain decimals (coordinates, radii, counts) which become numbers so
/// they can be summed and sorted; see [`as_number`] for which strings qualify. Strings go through
/// `write_string`, which never interprets them as formulas, so no injection guard is needed here.
/// `sheet_name` is made valid for Excel (forbidden characters replaced, at most 31 characters).
pub fn write_xlsx(
    sheet_name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, SheetError> {
    if rows.len() >= EXCEL_MAX_ROWS {
        return Err(SheetError::TooManyRows {
            limit: EXCEL_MAX_ROWS - 1,
        });
    }
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .set_name(valid_sheet_name(sheet_name))
        .map_err(|e| write_error(1, e))?;

    let bold = Format::new().set_bold();
    for (col, header) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, column(col, 1)?, *header, &bold)
            .map_err(|e| write_error(1, e))?;
    }
    sheet
        .set_freeze_panes(1, 0)
        .map_err(|e| write_error(1, e))?;

    for (index, row) in rows.iter().enumerate() {
        let number = index + 2;
        let xlsx_row = (index + 1) as u32;
        for (col, cell) in row.iter().enumerate() {
            let col = column(col, number)?;
            let written = match as_number(cell) {
                Some(n) => sheet.write_number(xlsx_row, col, n),
                // Leaving empty cells out keeps them truly blank rather than empty strings.
                None if cell.is_empty() => continue,
                None => sheet.write_string(xlsx_row, col, cell.as_str()),
            };
            written.map_err(|e| write_error(number, e))?;
        }
    }
    column_widths(sheet, headers, rows)?;

    workbook
        .save_to_buffer()
        .map_err(|e| SheetError::Malformed {
            row: 0,
            message: format!("could not build the workbook: {e}"),
        })
}

/// The number a cell should be stored as, if any.
///
/// Only strings that come back unchanged from the number are converted, so a round trip through
/// the reader gives the same text: "00123" (codes keep their leading zero), "1.50", "1e5" and
/// "+3" stay text. Two more limits keep Excel from mangling what it shows: more than 15
/// significant digits would be silently rounded (long IDs), and integer parts over 11 digits
/// display as "1.23457E+11" in the General format.
fn as_number(cell: &str) -> Option<f64> {
    let unsigned = cell.strip_prefix('-').unwrap_or(cell);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = int.len() + frac.len();
    if int.is_empty() || int.len() > 11 || digits > 15 || cell == "-0" {
        return None;
    }
    let n: f64 = cell.parse().ok()?;
    (n.is_finite() && n.to_string() == cell).then_some(n)
}

/// Excel refuses sheet names with `[]:*?/\`, longer than 31 UTF-16 units, blank, starting or
/// ending with an apostrophe, or named "History" (reserved). The caller's name is a label, so it
/// is repaired rather than rejected.
pub(crate) fn valid_sheet_name(name: &str) -> String {
    let mut out = String::new();
    let mut units = 0;
    for c in name.trim().chars() {
        let c = if "[]:*?/\\".contains(c) || c.is_control() {
            '_'
        } else {
            c
        };
        units += c.len_utf16();
        if units > 31 {
            break;
        }
        out.push(c);
    }
    let out = out.trim_matches('\'').trim();
    if out.is_empty() {
        "Sheet1".to_owned()
    } else if out.eq_ignore_ascii_case("history") {
        format!("{out}_")
    } else {
        out.to_owned()
    }
}

/// Rough column widths in Excel's character units. rust_xlsxwriter's autofit counts a Chinese
/// character as narrow as a Latin one, which leaves Chinese names and addresses cut off.
pub(crate) fn column_widths(
    sheet: &mut Worksheet,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<(), SheetError> {
    let mut widths: Vec<f64> = headers.iter().map(|h| display_width(h)).collect();
    for row in rows.iter().take(WIDTH_SAMPLE_ROWS) {
        for (col, cell) in row.iter().enumerate() {
            if widths.len() <= col {
                widths.resize(col + 1, 0.0);
            }
            widths[col] = widths[col].max(display_width(cell));
        }
    }
    for (col, width) in widths.into_iter().enumerate() {
        // +2 for the cell padding and the header's bold face.
        let width = (width + 2.0).clamp(MIN_WIDTH, MAX_WIDTH);
        sheet
            .set_column_width(column(col, 1)?, width)
            .map_err(|e| write_error(1, e))?;
    }
    Ok(())
}

/// Width in Latin characters: East Asian wide characters take two.
fn display_width(text: &str) -> f64 {
    text.lines()
        .map(|line| {
            line.chars()
                .map(|c| if is_wide(c) { 2.0 } else { 1.0 })
                .sum::<f64>()
        })
        .fold(0.0, f64::max)
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// A 0-based column index as rust_xlsxwriter wants it, or an error naming the row.
fn column(index: usize, row: usize) -> Result<u16, SheetError> {
    if index >= EXCEL_MAX_COLUMNS {
        return Err(SheetError::Malformed {
            row,
            message: format!("Excel sheets hold at most {EXCEL_MAX_COLUMNS} columns"),
        });
    }
    Ok(index as u16)
}

fn write_error(row: usize, e: XlsxError) -> SheetError {
    SheetError::Malformed {
        row,
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_that_survive_become_numbers() {
        for s in [
            "121",
            "121.4737",
            "-12.5",
            "0",
            "0.5",
            "13800138000",
            "31.230416",
        ] {
            assert_eq!(
                as_number(s).map(|n| n.to_string()),
                Some(s.to_owned()),
                "{s}"
            );
        }
        for s in [
            "00123",
            "1.50",
            "1e5",
            "+3",
            "-0",
            ".5",
            "5.",
            "123456789012",
            "1234567890.123456",
            "NaN",
            "inf",
            "1 000",
            "",
        ] {
            assert_eq!(as_number(s), None, "{s}");
        }
    }

    #[test]
    fn sheet_names_are_repaired() {
        assert_eq!(valid_sheet_name("客户"), "客户");
        assert_eq!(valid_sheet_name("a/b:c"), "a_b_c");
        assert_eq!(valid_sheet_name("  "), "Sheet1");
        assert_eq!(valid_sheet_name("'x'"), "x");
        assert_eq!(valid_sheet_name("History"), "History_");
        assert_eq!(valid_sheet_name(&"长".repeat(40)).chars().count(), 31);
    }

    #[test]
    fn chinese_is_wide() {
        assert_eq!(display_width("abc"), 3.0);
        assert_eq!(display_width("联华超市"), 8.0);
        assert_eq!(display_width("ab\n联华"), 4.0);
    }
}
