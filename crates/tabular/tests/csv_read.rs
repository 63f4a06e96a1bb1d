//! Reading CSV uploads: encodings, delimiters, row numbers and the ways files go wrong.

use tabular::{ReadOptions, SheetError, SheetFormat, TextEncoding, read_sheet};

fn read(bytes: &[u8]) -> Result<tabular::Sheet, SheetError> {
    read_sheet(bytes, SheetFormat::Csv, &ReadOptions::default())
}

/// (row number, cells) of every data row, for compact assertions.
fn rows(sheet: &tabular::Sheet) -> Vec<(usize, Vec<&str>)> {
    sheet
        .rows
        .iter()
        .map(|r| (r.number, r.cells.iter().map(String::as_str).collect()))
        .collect()
}

#[test]
fn utf8_without_bom() {
    let sheet = read("名称,地址\n联华超市,上海市徐汇区漕溪北路1号\n".as_bytes()).unwrap();
    assert_eq!(sheet.encoding, TextEncoding::Utf8);
    assert_eq!(sheet.headers, ["名称", "地址"]);
    assert_eq!(
        rows(&sheet),
        [(2, vec!["联华超市", "上海市徐汇区漕溪北路1号"])]
    );
}

#[test]
fn utf8_with_bom_is_stripped() {
    let sheet = read("\u{FEFF}名称,地址\r\n联华超市,漕溪北路\r\n".as_bytes()).unwrap();
    assert_eq!(sheet.encoding, TextEncoding::Utf8Bom);
    assert_eq!(sheet.headers, ["名称", "地址"]);
    assert_eq!(rows(&sheet), [(2, vec!["联华超市", "漕溪北路"])]);
}

#[test]
fn gbk_from_chinese_excel() {
    let text = "名称,地址\n联华超市,上海市徐汇区漕溪北路1号\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "test input must not be UTF-8"
    );

    let sheet = read(&gbk).unwrap();
    assert_eq!(sheet.encoding, TextEncoding::Gbk);
    assert_eq!(sheet.headers, ["名称", "地址"]);
    assert_eq!(
        rows(&sheet),
        [(2, vec!["联华超市", "上海市徐汇区漕溪北路1号"])]
    );
}

#[test]
fn empty_inputs() {
    for bytes in [
        &b""[..],
        b"   \n\r\n\t",
        b"\xEF\xBB\xBF",
        b"\xEF\xBB\xBF \n",
        b",,\n,\n",
    ] {
        assert_eq!(read(bytes), Err(SheetError::Empty), "{bytes:?}");
    }
}

#[test]
fn header_only() {
    let sheet = read(b" name , lat ,lng\n").unwrap();
    assert_eq!(sheet.headers, ["name", "lat", "lng"]);
    assert!(sheet.rows.is_empty());
}

#[test]
fn blank_lines_are_skipped_but_counted() {
    let sheet = read(b"\nname,city\n\nA,x\n,\n  ,  \nB,y\n\n").unwrap();
    assert_eq!(sheet.headers, ["name", "city"]);
    assert_eq!(rows(&sheet), [(4, vec!["A", "x"]), (7, vec!["B", "y"])]);
}

#[test]
fn cells_are_kept_as_found() {
    let sheet = read(b"a,b,c\r\n x ,y\r\n1,2,3,4\r\n").unwrap();
    assert_eq!(
        rows(&sheet),
        [(2, vec![" x ", "y"]), (3, vec!["1", "2", "3", "4"])]
    );
}

#[test]
fn quoted_commas_and_newlines() {
    let csv = "name,address,note\n\
               \"Lianhua, Xuhui\",\"line one\nline two\nline three\",x\n\
               plain,\"say \"\"hi\"\"\",y\n";
    let sheet = read(csv.as_bytes()).unwrap();
    assert_eq!(
        rows(&sheet),
        [
            (
                2,
                vec!["Lianhua, Xuhui", "line one\nline two\nline three", "x"]
            ),
            // The record after a three-line record starts on line 5 of the file.
            (5, vec!["plain", "say \"hi\"", "y"]),
        ]
    );
}

#[test]
fn unterminated_quote_is_malformed_at_its_row() {
    let err = read(b"name,city\nA,x\nB,\"unclosed\nC,z\nD,w\n").unwrap_err();
    match err {
        SheetError::Malformed { row, message } => {
            assert_eq!(row, 3);
            assert!(message.contains("quote"), "{message}");
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn semicolon_and_tab_delimiters() {
    let sheet = read(b"name;lat;lng\nA;31,23;121,47\n").unwrap();
    assert_eq!(sheet.headers, ["name", "lat", "lng"]);
    assert_eq!(rows(&sheet), [(2, vec!["A", "31,23", "121,47"])]);

    let sheet = read(b"name\tlat\tlng\nA\t31.23\t121.47\n").unwrap();
    assert_eq!(sheet.headers, ["name", "lat", "lng"]);
    assert_eq!(rows(&sheet), [(2, vec!["A", "31.23", "121.47"])]);
}

#[test]
fn binary_and_wrong_text_is_not_a_spreadsheet() {
    let junk: Vec<u8> = (0..=255u8).cycle().take(2048).collect();
    assert!(matches!(read(&junk), Err(SheetError::NotASpreadsheet(_))));

    // Neither UTF-8 nor GBK, yet without NULs: a stray 0xFF is invalid in both.
    assert!(matches!(
        read(b"name,city\n\xFF\xFE\xFD,x\n"),
        Err(SheetError::NotASpreadsheet(_))
    ));

    // UTF-16, as Excel's "Unicode Text" writes it.
    assert!(matches!(
        read(b"\xFF\xFEn\x00a\x00"),
        Err(SheetError::NotASpreadsheet(_))
    ));
}

#[test]
fn too_many_rows() {
    let options = ReadOptions { max_rows: 2 };
    let ok = read_sheet(b"h\n1\n\n2\n", SheetFormat::Csv, &options).unwrap();
    assert_eq!(ok.rows.len(), 2);
    assert_eq!(
        read_sheet(b"h\n1\n2\n3\n", SheetFormat::Csv, &options),
        Err(SheetError::TooManyRows { limit: 2 })
    );
}

#[test]
fn export_guard_apostrophe_is_removed() {
    let sheet = read(b"name,lat\n'=HYPERLINK(x),'-12.5\n").unwrap();
    // Ours (before a formula) goes; the user's own (before a plain number) stays.
    assert_eq!(rows(&sheet), [(2, vec!["=HYPERLINK(x)", "'-12.5"])]);
}

#[test]
fn crlf_files_with_multi_line_cells_keep_true_row_numbers() {
    // Excel on Windows writes CRLF; the csv crate's own positions drift on those.
    let csv = "name,note\r\n\r\nA,\"one\r\ntwo\"\r\nB,x\r\n\r\n\r\nC,y\r\n";
    let sheet = read(csv.as_bytes()).unwrap();
    assert_eq!(
        rows(&sheet),
        [
            (3, vec!["A", "one\r\ntwo"]),
            (5, vec!["B", "x"]),
            (8, vec!["C", "y"])
        ]
    );
}

#[test]
fn unterminated_quote_in_the_header() {
    assert!(matches!(
        read(b"\"name,city\nA,x\n"),
        Err(SheetError::Malformed { row: 1, .. })
    ));
}
