//! What we export must import back unchanged, in both formats, and be safe to open.

use tabular::{
    ReadOptions, SheetError, SheetFormat, TextEncoding, read_sheet, write_csv, write_xlsx,
};

const HEADERS: [&str; 5] = ["名称", "编码", "纬度", "经度", "备注"];

fn sample_rows() -> Vec<Vec<String>> {
    let rows: [[&str; 5]; 5] = [
        [
            "联华超市",
            "00123",
            "31.230416",
            "121.4737",
            "上海市徐汇区漕溪北路1号",
        ],
        [
            "Shop, \"The\" Best",
            "A-7",
            "-33.8688",
            "-151.2093",
            "two\nlines",
        ],
        ["=HYPERLINK(\"http://x\")", "+86 138", "-12.5", "0", "@cmd"],
        ["", "123456789012345678", "1.50", "1e5", "-"],
        [
            "tab\tinside",
            "'quoted",
            "13800138000",
            "-0.000001",
            " padded ",
        ],
    ];
    rows.iter()
        .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
        .collect()
}

fn cells(sheet: &tabular::Sheet) -> Vec<Vec<String>> {
    sheet.rows.iter().map(|r| r.cells.clone()).collect()
}

#[test]
fn csv_round_trip() {
    let bytes = write_csv(&HEADERS, &sample_rows());
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM");

    let sheet = read_sheet(&bytes, SheetFormat::Csv, &ReadOptions::default()).unwrap();
    assert_eq!(sheet.encoding, TextEncoding::Utf8Bom);
    assert_eq!(sheet.headers, HEADERS);
    assert_eq!(cells(&sheet), sample_rows());
    let numbers: Vec<usize> = sheet.rows.iter().map(|r| r.number).collect();
    // Row 3 holds a two-line cell, so the next record starts on line 5.
    assert_eq!(numbers, [2, 3, 5, 6, 7]);
}

#[test]
fn csv_defuses_formulas_but_not_numbers() {
    let rows = vec![vec![
        "=1+1".to_owned(),
        "-12.5".to_owned(),
        "+1".to_owned(),
        "@SUM(A1)".to_owned(),
        "-cmd|' /C calc'!A0".to_owned(),
        "\t=x".to_owned(),
    ]];
    let bytes = write_csv(&["a", "b", "c", "d", "e", "f"], &rows);
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert_eq!(
        text,
        "a,b,c,d,e,f\r\n'=1+1,-12.5,+1,'@SUM(A1),'-cmd|' /C calc'!A0,'\t=x\r\n"
    );
}

#[test]
fn csv_quotes_per_rfc_4180() {
    let rows = vec![vec![
        "a,b".to_owned(),
        "say \"hi\"".to_owned(),
        "x\ny".to_owned(),
    ]];
    let bytes = write_csv(&["h1", "h2", "h3"], &rows);
    assert_eq!(
        &bytes[3..],
        b"h1,h2,h3\r\n\"a,b\",\"say \"\"hi\"\"\",\"x\ny\"\r\n"
    );
}

#[test]
fn xlsx_round_trip() {
    let bytes = write_xlsx("客户", &HEADERS, &sample_rows()).unwrap();
    assert_eq!(SheetFormat::detect(&bytes, None), Some(SheetFormat::Xlsx));

    let sheet = read_sheet(&bytes, SheetFormat::Xlsx, &ReadOptions::default()).unwrap();
    assert_eq!(sheet.headers, HEADERS);
    // Empty cells at the end of a row are not stored in XLSX; every other cell comes back as is.
    let mut expected = sample_rows();
    for row in &mut expected {
        while row.last().is_some_and(String::is_empty) {
            row.pop();
        }
    }
    assert_eq!(cells(&sheet), expected);
    let numbers: Vec<usize> = sheet.rows.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [2, 3, 4, 5, 6]);
}

#[test]
fn xlsx_stores_numbers_as_numbers_and_codes_as_text() {
    let rows = vec![vec![
        "121.4737".to_owned(),
        "-12.5".to_owned(),
        "00123".to_owned(),
        "500".to_owned(),
    ]];
    let bytes = write_xlsx("s", &["lng", "lat", "code", "radius"], &rows).unwrap();

    use calamine::{Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range("s").unwrap();
    assert_eq!(range.get((1, 0)), Some(&Data::Float(121.4737)));
    assert_eq!(range.get((1, 1)), Some(&Data::Float(-12.5)));
    assert_eq!(range.get((1, 2)), Some(&Data::String("00123".into())));
    assert_eq!(range.get((1, 3)), Some(&Data::Float(500.0)));
}

#[test]
fn xlsx_rejects_more_rows_than_excel_holds() {
    let rows = vec![Vec::new(); 1_048_576];
    assert_eq!(
        write_xlsx("s", &["h"], &rows),
        Err(SheetError::TooManyRows { limit: 1_048_575 })
    );
}
