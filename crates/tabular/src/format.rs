//! Which spreadsheet format a file is, and how to serve one.

/// The formats we read and write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SheetFormat {
    Csv,
    Xlsx,
}

/// Every XLSX is a zip archive, and zip archives start with a local file header.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

impl SheetFormat {
    /// By magic bytes first, then by the file name's extension; `None` when neither says.
    ///
    /// Content wins over the name because people rename files ("customers.xlsx" saved as CSV,
    /// or the reverse) far more often than they fake zip headers. CSV has no magic bytes, so a
    /// non-zip is only called CSV when its name says so (`.csv`, or `.tsv`/`.txt`, which Excel's
    /// "Text (Tab delimited)" writes and the reader handles by sniffing the delimiter).
    pub fn detect(bytes: &[u8], file_name: Option<&str>) -> Option<SheetFormat> {
        if bytes.starts_with(ZIP_MAGIC) {
            return Some(SheetFormat::Xlsx);
        }
        let (_, ext) = file_name?.rsplit_once('.')?;
        match ext.trim().to_ascii_lowercase().as_str() {
            "csv" | "tsv" | "txt" => Some(SheetFormat::Csv),
            "xlsx" => Some(SheetFormat::Xlsx),
            _ => None,
        }
    }

    /// Parse a format name as used in query strings and CLI flags ("csv", "xlsx"; any case).
    pub fn parse(s: &str) -> Option<SheetFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(SheetFormat::Csv),
            "xlsx" => Some(SheetFormat::Xlsx),
            _ => None,
        }
    }

    /// MIME type for a download of this format.
    pub fn content_type(self) -> &'static str {
        match self {
            // write_csv always produces UTF-8; saying so stops browsers guessing a legacy charset.
            SheetFormat::Csv => "text/csv; charset=utf-8",
            SheetFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }

    /// File name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            SheetFormat::Csv => "csv",
            SheetFormat::Xlsx => "xlsx",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_beat_the_name() {
        assert_eq!(
            SheetFormat::detect(b"PK\x03\x04rest", Some("x.csv")),
            Some(SheetFormat::Xlsx)
        );
        assert_eq!(
            SheetFormat::detect(b"a,b\n", Some("X.CSV")),
            Some(SheetFormat::Csv)
        );
        assert_eq!(
            SheetFormat::detect(b"a,b\n", Some("客户.xlsx")),
            Some(SheetFormat::Xlsx)
        );
        assert_eq!(SheetFormat::detect(b"a,b\n", Some("x.pdf")), None);
        assert_eq!(SheetFormat::detect(b"a,b\n", Some("noext")), None);
        assert_eq!(SheetFormat::detect(b"a,b\n", None), None);
    }

    #[test]
    fn names_round_trip() {
        for f in [SheetFormat::Csv, SheetFormat::Xlsx] {
            assert_eq!(SheetFormat::parse(f.extension()), Some(f));
        }
        assert_eq!(SheetFormat::parse("XLSX"), Some(SheetFormat::Xlsx));
        assert_eq!(SheetFormat::parse("xls"), None);
    }
}
