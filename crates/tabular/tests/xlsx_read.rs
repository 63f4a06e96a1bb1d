//! Reading XLSX uploads: cell types, positions, limits, and files that are not workbooks.

use std::io::Write;

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use tabular::{ReadOptions, SheetError, SheetFormat, TextEncoding, read_sheet};

fn read(bytes: &[u8]) -> Result<tabular::Sheet, SheetError> {
    read_sheet(bytes, SheetFormat::Xlsx, &ReadOptions::default())
}

#[test]
fn cell_types_become_text() {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let time = Format::new().set_num_format("hh:mm");
    let headers = ["int", "float", "bool", "date", "datetime", "time", "error"];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_number(1, 0, 121.0).unwrap();
    ws.write_number(1, 1, 121.4737).unwrap();
    ws.write_boolean(1, 2, true).unwrap();
    let day = ExcelDateTime::from_ymd(2024, 3, 15).unwrap();
    ws.write_datetime_with_format(1, 3, &day, &date).unwrap();
    let moment = ExcelDateTime::from_ymd(2024, 3, 15)
        .unwrap()
        .and_hms(9, 30, 5)
        .unwrap();
    ws.write_datetime_with_format(1, 4, &moment, &datetime)
        .unwrap();
    let clock = ExcelDateTime::from_hms(14, 45, 0).unwrap();
    ws.write_datetime_with_format(1, 5, &clock, &time).unwrap();
    ws.write_formula(1, 6, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    let bytes = workbook.save_to_buffer().unwrap();

    let sheet = read(&bytes).unwrap();
    assert_eq!(sheet.encoding, TextEncoding::Utf8);
    assert_eq!(sheet.headers, headers);
    assert_eq!(sheet.rows.len(), 1);
    assert_eq!(sheet.rows[0].number, 2);
    assert_eq!(
        sheet.rows[0].cells,
        [
            "121",
            "121.4737",
            "true",
            "2024-03-15",
            "2024-03-15T09:30:05",
            "14:45:00",
            "#N/A"
        ]
    );
}

#[test]
fn header_is_first_non_empty_row_and_numbers_are_sheet_rows() {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    // Data in B..D, starting on row 3; row 5 blank, row 6 only spaces.
    ws.write_string(2, 1, "name").unwrap();
    ws.write_string(2, 2, "lat").unwrap();
    ws.write_string(2, 3, "note").unwrap();
    ws.write_string(3, 1, "A").unwrap();
    ws.write_number(3, 2, -31.5).unwrap();
    ws.write_string(5, 2, "   ").unwrap();
    ws.write_string(6, 1, "B").unwrap();
    ws.write_string(6, 3, "far").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();

    let sheet = read(&bytes).unwrap();
    assert_eq!(sheet.headers, ["name", "lat", "note"]);
    let rows: Vec<_> = sheet
        .rows
        .iter()
        .map(|r| (r.number, r.cells.clone()))
        .collect();
    assert_eq!(
        rows,
        [
            (4, vec!["A".to_owned(), "-31.5".to_owned()]),
            (7, vec!["B".to_owned(), String::new(), "far".to_owned()]),
        ]
    );
}

#[test]
fn first_visible_worksheet_is_read() {
    let mut workbook = Workbook::new();
    let hidden = workbook.add_worksheet();
    hidden.set_name("lists").unwrap();
    hidden.write_string(0, 0, "hidden").unwrap();
    hidden.set_hidden(true);
    let visible = workbook.add_worksheet();
    visible.write_string(0, 0, "shown").unwrap();
    visible.set_active(true);
    let bytes = workbook.save_to_buffer().unwrap();

    assert_eq!(read(&bytes).unwrap().headers, ["shown"]);
}

#[test]
fn empty_workbook_and_empty_bytes() {
    let mut workbook = Workbook::new();
    workbook.add_worksheet();
    let bytes = workbook.save_to_buffer().unwrap();
    assert_eq!(read(&bytes), Err(SheetError::Empty));
    assert_eq!(read(b""), Err(SheetError::Empty));
}

#[test]
fn too_many_rows() {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    for r in 0..5u32 {
        ws.write_number(r, 0, r).unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let options = |max_rows| ReadOptions { max_rows };
    assert_eq!(
        read_sheet(&bytes, SheetFormat::Xlsx, &options(4))
            .unwrap()
            .rows
            .len(),
        4
    );
    assert_eq!(
        read_sheet(&bytes, SheetFormat::Xlsx, &options(3)),
        Err(SheetError::TooManyRows { limit: 3 })
    );
}

#[test]
fn zip_that_is_not_a_workbook() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("photo.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"not a workbook").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert_eq!(SheetFormat::detect(&bytes, None), Some(SheetFormat::Xlsx));

    assert!(matches!(read(&bytes), Err(SheetError::NotASpreadsheet(_))));
}

#[test]
fn junk_and_legacy_files_are_not_spreadsheets() {
    assert!(matches!(
        read(b"name,city\nA,x\n"),
        Err(SheetError::NotASpreadsheet(_))
    ));
    let xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and the rest of an old .xls";
    match read(xls) {
        Err(SheetError::NotASpreadsheet(message)) => assert!(message.contains(".xls")),
        other => panic!("expected NotASpreadsheet, got {other:?}"),
    }
}

#[test]
fn truncated_workbook_is_malformed() {
    let mut workbook = Workbook::new();
    workbook.add_worksheet().write_string(0, 0, "x").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let cut = &bytes[..bytes.len() / 2];
    assert!(matches!(
        read(cut),
        Err(SheetError::Malformed { row: 0, .. })
    ));
}
