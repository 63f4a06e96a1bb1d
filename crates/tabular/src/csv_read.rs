//! Reading CSV (and Excel's tab/semicolon variants) into a [`Sheet`].

use crate::decode::decode_text;
use crate::guard::restore;
use crate::{ReadOptions, Sheet, SheetError, SheetRow};

pub(crate) fn read_csv(bytes: &[u8], options: &ReadOptions) -> Result<Sheet, SheetError> {
    let (text, encoding) = decode_text(bytes)?;
    // A BOM was already stripped by decoding; a second one (files concatenated by tools) is noise.
    let text = text.trim_start_matches('\u{FEFF}');
    if text.trim().is_empty() {
        return Err(SheetError::Empty);
    }
    let delimiter = sniff_delimiter(text);

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        // Short and long rows are the caller's to report, with the row number; here they are data.
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());

    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    // Line numbers are counted here rather than taken from the csv crate: see `record_start`.
    let (mut line, mut counted) = (1, 0);
    // Where the last record started (line, byte), to re-check it for an unclosed quote.
    let mut last_start = (1, 0);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let row = e.position().map_or(0, |p| p.line() as usize);
                return Err(SheetError::Malformed {
                    row,
                    message: e.to_string(),
                });
            }
        }
        let reported = record.position().map_or(counted, |p| p.byte() as usize);
        let start = record_start(text, reported.max(counted));
        line += text.as_bytes()[counted..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted = start;
        last_start = (line, start);

        // A stray '\r' survives when files mix line endings (e.g. "\r\r\n" from double conversion).
        let cells: Vec<String> = record
            .iter()
            .map(|c| c.trim_end_matches('\r').to_owned())
            .collect();
        if is_blank_row(&cells) {
            continue;
        }
        if headers.is_none() {
            headers = Some(cells.iter().map(|h| h.trim().to_owned()).collect());
            continue;
        }
        if rows.len() == options.max_rows {
            return Err(SheetError::TooManyRows {
                limit: options.max_rows,
            });
        }
        rows.push(SheetRow {
            number: line,
            cells: cells.into_iter().map(restore).collect(),
        });
    }

    // The csv crate silently ends a quoted field at end of input; a missing closing quote
    // swallows every following line into one cell, so it must be an error, not data.
    if let Some(offset) = unterminated_quote(&text[last_start.1..], delimiter) {
        return Err(SheetError::Malformed {
            row: last_start.0 + offset,
            message: "a quoted cell is never closed: a double quote (\") is missing".into(),
        });
    }

    let headers = headers.ok_or(SheetError::Empty)?;
    Ok(Sheet {
        headers,
        rows,
        encoding,
    })
}

/// Where the record really starts. The csv crate reports a record's position as where the
/// previous one's terminator began to be consumed: on the '\n' of a "\r\n", or before any blank
/// lines it skipped. Its `line()` is off by the same amount, so only the byte offset is used,
/// moved past those line ends (a record itself never starts with one).
fn record_start(text: &str, reported: usize) -> usize {
    let skipped = text.as_bytes()[reported.min(text.len())..]
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    reported + skipped
}

/// True when no cell carries anything but whitespace: such rows are spacing, not data.
fn is_blank_row(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// Comma, unless the header line has none but has tabs or semicolons (Excel's "Text (Tab
/// delimited)" export, and CSV in locales where the comma is the decimal separator).
fn sniff_delimiter(text: &str) -> u8 {
    let header = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    if header.contains(',') {
        return b',';
    }
    let tabs = header.matches('\t').count();
    let semicolons = header.matches(';').count();
    match (tabs, semicolons) {
        (0, 0) => b',',
        (t, s) if t >= s => b'\t',
        _ => b';',
    }
}

/// Scan the text of the last record the way RFC 4180 reads it. If it ends inside a quoted
/// field, return the line offset (0-based, within `text`) where that field's quote opened.
fn unterminated_quote(text: &str, delimiter: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut line = 0;
    let mut at_field_start = true;
    let mut open_at: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if open_at.is_some() {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    open_at = None;
                }
            }
        } else if b == b'"' && at_field_start {
            open_at = Some(line);
        } else {
            at_field_start = b == delimiter || b == b'\n' || b == b'\r';
        }
        if b == b'\n' {
            line += 1;
        }
        i += 1;
    }
    open_at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter("a,b\n1;2"), b',');
        assert_eq!(sniff_delimiter("\n\na;b;c\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter("single\n"), b',');
    }

    #[test]
    fn finds_unclosed_quotes() {
        assert_eq!(unterminated_quote("a,\"b\nc\n", b','), Some(0));
        assert_eq!(unterminated_quote("a,\"b\"\"\",c\n", b','), None);
        assert_eq!(unterminated_quote("a,b\"c\n", b','), None);
        assert_eq!(unterminated_quote("a,b\n\"x\n", b','), Some(1));
    }
}
