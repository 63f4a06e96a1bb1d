//! Bulk customer import and export.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

both_backends!(
    import_reports_bad_rows_and_upserts_good_ones,
    import_encodings_and_formats,
    import_refuses_bad_files,
    export_then_reimport_changes_nothing
);

pub(crate) async fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
    dry_run: bool,
) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    let resp = app
        .client
        .post(format!(
            "{}/api/v1/customers/import?dry_run={dry_run}",
            app.base
        ))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload is sent");
    let s = resp.status();
    (s, resp.json().await.unwrap_or(Value::Null))
}

async fn count(app: &TestApp, token: &str) -> usize {
    app.get(token, "/api/v1/customers?limit=500").await.1["items"]
        .as_array()
        .unwrap()
        .len()
}

fn errors(report: &Value) -> Vec<(u64, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn import_reports_bad_rows_and_upserts_good_ones(app: &TestApp) {
    let t = app.tenant("acme").await;
    app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let csv = "name,code,external_id,lat,lon,level,tags,owner,checkin_radius_m\n\
               Good one,C1,E1,31.23,121.47,A,超市;连锁,rep1,150\n\
               ,C2,,31.23,121.47,B,,,\n\
               Bad lat,C3,,95,121.47,B,,,\n\
               Bad type,C4,,abc,121.47,B,,,\n\
               Dup code,C1,,31.2,121.4,C,,,\n\
               Nobody,C6,,,,C,,ghost,\n\
               No keys,,,,,C,,,\n\
               \n\
               Good two,C8,,31.1,121.3,b,,,\n";
    // A dry run reports the same and writes nothing.
    let (s, dry) = upload(app, &t.admin, "c.csv", csv.as_bytes().to_vec(), true).await;
    assert_eq!(s, StatusCode::OK, "{dry}");
    assert_eq!(
        (dry["created"].clone(), dry["dry_run"].clone()),
        (json!(2), json!(true))
    );
    assert_eq!(count(app, &t.admin).await, 0);

    let (s, r) = upload(app, &t.admin, "c.csv", csv.as_bytes().to_vec(), false).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (
            r["rows"].clone(),
            r["created"].clone(),
            r["updated"].clone()
        ),
        (json!(8), json!(2), json!(0))
    );
    assert_eq!(
        errors(&r),
        [
            (3, "name".into()),
            (4, "lat".into()),
            (5, "lat".into()),
            (6, "code".into()),
            (7, "owner".into()),
            (8, "code".into())
        ]
    );
    assert!(
        r["errors"][3]["problem"]
            .as_str()
            .unwrap()
            .contains("row 2"),
        "{r}"
    );
    // Each row problem carries a stable code and its params for translation.
    let codes: Vec<(Value, Value)> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["code"].clone(), e["params"].clone()))
        .collect();
    assert_eq!(
        codes,
        [
            (json!("required"), json!({})),
            (
                json!("out_of_range"),
                json!({"min": -90, "max": 90, "unit": ""})
            ),
            (json!("invalid_format"), json!({"expected": "number"})),
            (json!("duplicate_of_row"), json!({"row": 2})),
            (json!("not_found"), json!({})),
            (
                json!("needs_one_of"),
                json!({"fields": ["code", "external_id"]})
            ),
        ],
        "{r}"
    );
    assert_eq!(count(app, &t.admin).await, 2);
    let (_, good) = app.get(&t.admin, "/api/v1/customers?q=Good%20one").await;
    let good = &good["items"][0];
    assert_eq!(
        (
            good["level"].clone(),
            good["tags"].clone(),
            good["checkin_radius_m"].clone()
        ),
        (json!("A"), json!(["超市", "连锁"]), json!(150.0))
    );
    assert!(good["owner_id"].is_string());

    // Re-importing updates by external_id/code and never duplicates; a file without a
    // column leaves that field alone.
    let again = "code,name,level\nC1,Good one renamed,C\nC8,Good two,A\n";
    let (s, r) = upload(app, &t.admin, "again.csv", again.as_bytes().to_vec(), false).await;
    assert_eq!(
        (s, r["created"].clone(), r["updated"].clone()),
        (StatusCode::OK, json!(0), json!(2)),
        "{r}"
    );
    assert_eq!(count(app, &t.admin).await, 2);
    let (_, renamed) = app.get(&t.admin, "/api/v1/customers?q=renamed").await;
    let c = &renamed["items"][0];
    assert_eq!(
        (
            c["level"].clone(),
            c["tags"].clone(),
            c["external_id"].clone()
        ),
        (json!("C"), json!(["超市", "连锁"]), json!("E1"))
    );

    // A row whose external id matches one customer but whose code is another's: refused.
    let clash = "external_id,code,name\nE1,C8,Clash\n";
    let (_, r) = upload(app, &t.admin, "clash.csv", clash.as_bytes().to_vec(), false).await;
    assert_eq!(errors(&r), [(2, "code".into())], "{r}");

    // Chinese headings, and an extra column that is reported as ignored.
    let zh = "名称,编码,纬度,经度,级别,备注\n全家(人民广场店),Z1,31.2304,121.4737,A,新店\n";
    let (_, r) = upload(app, &t.admin, "zh.csv", zh.as_bytes().to_vec(), false).await;
    assert_eq!(
        (r["created"].clone(), r["ignored_columns"].clone()),
        (json!(1), json!(["备注"])),
        "{r}"
    );
}

async fn import_encodings_and_formats(app: &TestApp) {
    let t = app.tenant("acme").await;
    let text = "名称,编码,地址,纬度,经度\n联华超市(漕溪北路店),G1,上海市徐汇区漕溪北路1号,31.19,121.43\n好德便利(张杨路店),G2,上海市浦东新区张杨路2号,31.23,121.52\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    let (s, r) = upload(app, &t.admin, "gbk.csv", gbk.into_owned(), false).await;
    assert_eq!(
        (s, r["encoding"].clone(), r["created"].clone()),
        (StatusCode::OK, json!("gbk"), json!(2)),
        "{r}"
    );
    let (_, found) = app.get(&t.admin, "/api/v1/customers?q=漕溪北路").await;
    assert_eq!(
        found["items"][0]["name"], "联华超市(漕溪北路店)",
        "GBK decoded to the right characters"
    );

    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice("name,code\nBOM shop,B1\n".as_bytes());
    let (_, r) = upload(app, &t.admin, "bom.csv", bom, false).await;
    assert_eq!(
        (r["encoding"].clone(), r["created"].clone()),
        (json!("utf-8-bom"), json!(1)),
        "{r}"
    );

    // Over the 1 MB JSON limit but under the 20 MB upload limit: accepted.
    let padded = format!(
        "name,code,notes\nPadded shop,P1,{}\n",
        "x".repeat(3 * 1024 * 1024)
    );
    let (s, r) = upload(app, &t.admin, "padded.csv", padded.into_bytes(), false).await;
    assert_eq!((s, r["created"].clone()), (StatusCode::OK, json!(1)), "{r}");

    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (col, h) in ["name", "code", "lat", "lon", "level"].iter().enumerate() {
        ws.write_string(0, col as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "Excel shop").unwrap();
    ws.write_string(1, 1, "X1").unwrap();
    ws.write_number(1, 2, 31.2).unwrap();
    ws.write_number(1, 3, 121.4).unwrap();
    ws.write_string(1, 4, "B").unwrap();
    ws.write_string(2, 0, "Bad excel").unwrap();
    ws.write_string(2, 1, "X2").unwrap();
    ws.write_number(2, 2, 200.0).unwrap();
    ws.write_number(2, 3, 121.4).unwrap();
    let (s, r) = upload(
        app,
        &t.admin,
        "book.xlsx",
        wb.save_to_buffer().unwrap(),
        false,
    )
    .await;
    assert_eq!(
        (s, r["format"].clone(), r["created"].clone()),
        (StatusCode::OK, json!("xlsx"), json!(1)),
        "{r}"
    );
    assert_eq!(errors(&r), [(3, "lat".into())]);
}

async fn import_refuses_bad_files(app: &TestApp) {
    let t = app.tenant("acme").await;
    app.customer(&t.admin, json!({"name": "Existing", "code": "K1"}))
        .await;

    let (s, b) = upload(app, &t.admin, "empty.csv", Vec::new(), false).await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "empty_file");
    let (s, b) = upload(
        app,
        &t.admin,
        "cols.csv",
        b"address,level\nsomewhere,A\n".to_vec(),
        false,
    )
    .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "bad_header");
    assert_eq!(fields(&b), ["name", "code"]);
    let (s, b) = upload(
        app,
        &t.admin,
        "junk.csv",
        vec![0u8, 159, 146, 150, 0, 1, 2, 3],
        false,
    )
    .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "not_a_spreadsheet");
    let (s, b) = upload(
        app,
        &t.admin,
        "photo.png",
        b"\x89PNG\r\n\x1a\nxxxx".to_vec(),
        false,
    )
    .await;
    assert_error(
        s,
        &b,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_file",
    );
    let (s, b) = upload(
        app,
        &t.admin,
        "fake.xlsx",
        b"PK\x03\x04not really a zip".to_vec(),
        false,
    )
    .await;
    assert!(s == StatusCode::UNPROCESSABLE_ENTITY, "{s} {b}");

    // 50 MB is over the 20 MB upload limit: 413 before anything is parsed or stored.
    let mut big = b"name,code\n".to_vec();
    while big.len() < 50 * 1024 * 1024 {
        big.extend_from_slice(b"Big shop with a long name to fill the file quickly,BIG\n");
    }
    let (s, b) = upload(app, &t.admin, "big.csv", big, false).await;
    assert_error(s, &b, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    let resp = app
        .client
        .post(format!("{}/api/v1/customers/import", app.base))
        .bearer_auth(&t.admin)
        .json(&json!({"file": "x"}))
        .send()
        .await
        .unwrap();
    let s = resp.status();
    let b: Value = resp.json().await.unwrap();
    assert_error(
        s,
        &b,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );

    // None of it touched what was stored.
    let (_, list) = app.get(&t.admin, "/api/v1/customers").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["name"], "Existing");
}

async fn export_then_reimport_changes_nothing(app: &TestApp) {
    let t = app.tenant("acme").await;
    app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let csv = "name,code,external_id,address,lat,lon,level,tags,owner,contact_name,contact_phone\n\
               \"Shop, with comma\",C1,E1,上海市,31.2304,121.4737,A,超市;连锁,rep1,李婷,13800138000\n\
               =cmd|' /C calc'!A0,C2,,,,,,,,,\n";
    let (_, r) = upload(app, &t.admin, "in.csv", csv.as_bytes().to_vec(), false).await;
    assert_eq!(r["created"], 2, "{r}");
    let (_, before) = app.get(&t.admin, "/api/v1/customers?sort=name").await;

    for format in ["csv", "xlsx"] {
        let resp = app
            .client
            .get(format!(
                "{}/api/v1/customers/export?format={format}",
                app.base
            ))
            .bearer_auth(&t.admin)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let bytes = resp.bytes().await.unwrap().to_vec();
        if format == "csv" {
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(
                text.contains("'=cmd"),
                "formula cells are defused in CSV: {text}"
            );
        }
        let (s, r) = upload(app, &t.admin, &format!("export.{format}"), bytes, false).await;
        assert_eq!(
            (s, r["created"].clone(), r["updated"].clone()),
            (StatusCode::OK, json!(0), json!(2)),
            "{format}: {r}"
        );
        assert_eq!(r["errors"], json!([]));
        let (_, after) = app.get(&t.admin, "/api/v1/customers?sort=name").await;
        for (a, b) in before["items"]
            .as_array()
            .unwrap()
            .iter()
            .zip(after["items"].as_array().unwrap())
        {
            for key in [
                "name",
                "code",
                "external_id",
                "address",
                "location",
                "level",
                "tags",
                "contacts",
                "owner_id",
            ] {
                assert_eq!(a[key], b[key], "{format}: {key} survives the round trip");
            }
        }
    }
}
