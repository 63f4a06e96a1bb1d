//! Writing rows as a CSV download that Excel opens correctly.

use crate::guard::defuse;

/// Serialise headers and rows as RFC 4180 CSV: UTF-8 with a BOM, CRLF line ends, quotes only
/// where needed.
///
/// The BOM is what makes Excel (Chinese Excel in particular, which otherwise assumes GBK) read the
/// file as UTF-8; without it every Chinese name turns into mojibake. Cells that a spreadsheet would
/// run as a formula get a leading apostrophe (see the `guard` module); plain numbers, including
/// negative coordinates, are written as they are. Rows may differ in length.
pub fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let written = write_all(&mut writer, headers, rows);
    // The sink is a Vec, which cannot fail, and flexible(true) disables the length check: the
    // csv crate has no other error to report.
    written.expect("writing CSV into memory cannot fail");
    writer
        .into_inner()
        .expect("flushing CSV into memory cannot fail")
}

fn write_all(
    writer: &mut csv::Writer<Vec<u8>>,
    headers: &[&str],
    rows: &[Vec<String>],
) -> csv::Result<()> {
    writer.write_record(headers.iter().map(|h| defuse(h).into_owned()))?;
    for row in rows {
        writer.write_record(row.iter().map(|c| defuse(c).into_owned()))?;
    }
    Ok(())
}
