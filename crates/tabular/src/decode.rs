//! Turning CSV bytes into text: UTF-8 (with or without BOM) or GBK, and refusing binary data.

use std::borrow::Cow;

use crate::{SheetError, TextEncoding};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decode CSV bytes, telling which encoding they were in.
///
/// Order matters: valid UTF-8 is tried before GBK because almost no real GBK text (with
/// Chinese in it) is also valid UTF-8, while many byte strings are valid GB18030.
pub(crate) fn decode_text(bytes: &[u8]) -> Result<(Cow<'_, str>, TextEncoding), SheetError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        // Excel's "Unicode Text" export. Rare enough not to support, common enough to explain.
        return Err(SheetError::NotASpreadsheet(
            "the file is UTF-16 text; save it as \"CSV UTF-8\" or as an Excel workbook (.xlsx)"
                .into(),
        ));
    }
    if bytes.contains(&0) {
        return Err(SheetError::NotASpreadsheet(
            "the file contains binary data, not CSV text".into(),
        ));
    }
    if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok((Cow::Borrowed(text), TextEncoding::Utf8Bom)),
            Err(e) => Err(SheetError::NotASpreadsheet(format!(
                "the file starts like UTF-8 text but has invalid bytes at offset {}",
                e.valid_up_to() + UTF8_BOM.len()
            ))),
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), TextEncoding::Utf8));
    }
    // GB18030 rather than GBK: it is a superset, so GBK files decode identically and the
    // occasional GB18030-only character written by newer Windows versions survives too.
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(SheetError::NotASpreadsheet(
            "the file is neither UTF-8 nor GBK text; save it as \"CSV UTF-8\" or as .xlsx".into(),
        ));
    }
    Ok((text, TextEncoding::Gbk))
}
