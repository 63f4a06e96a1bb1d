//! ERP/CRM sync over the API: upserts by external id (PUT, merge PATCH), ETag and
//! If-Match, bulk upserts in both modes, incremental reads (`updated_since`) and
//! tombstones, within the caller's reach and an API key's scopes.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

both_backends!(
    customer_upsert_patch_and_etags,
    employee_and_department_upserts,
    bulk_modes_and_retries,
    incremental_reads_and_tombstones,
    sync_scoping
);

/// One request with optional `If-Match` and content type; answers status, ETag, body.
async fn send(
    app: &TestApp,
    method: Method,
    token: &str,
    path: &str,
    body: Option<Value>,
    if_match: Option<&str>,
    content_type: &str,
) -> (StatusCode, Option<String>, Value) {
    let mut req = app
        .client
        .request(method, format!("{}{path}", app.base))
        .bearer_auth(token);
    if let Some(m) = if_match {
        req = req.header("if-match", m);
    }
    if let Some(b) = body {
        req = req.header("content-type", content_type).body(b.to_string());
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let etag = resp
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = resp.bytes().await.unwrap();
    (
        status,
        etag,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn put(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Value,
    if_match: Option<&str>,
) -> (StatusCode, Option<String>, Value) {
    send(
        app,
        Method::PUT,
        token,
        path,
        Some(body),
        if_match,
        "application/json",
    )
    .await
}

async fn patch(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Value,
    if_match: Option<&str>,
) -> (StatusCode, Option<String>, Value) {
    send(
        app,
        Method::PATCH,
        token,
        path,
        Some(body),
        if_match,
        "application/merge-patch+json",
    )
    .await
}

async fn get(app: &TestApp, token: &str, path: &str) -> (StatusCode, Option<String>, Value) {
    send(app, Method::GET, token, path, None, None, "").await
}

async fn key(app: &TestApp, admin: &str, scopes: &[&str]) -> String {
    let (s, b) = app
        .post(
            admin,
            "/api/v1/api-keys",
            json!({"name": "ERP", "scopes": scopes}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["key"].as_str().unwrap().to_owned()
}

async fn customer_upsert_patch_and_etags(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep", "field").await;
    let path = "/api/v1/customers/by-external-id/ERP-1";

    // Create: 201 with an ETag; the same PUT again is 200 and changes nothing.
    let body = json!({"name": "联华超市", "code": "C1", "address": "上海市黄浦区", "level": "A",
                      "tags": ["超市"], "owner_id": rep, "checkin_radius_m": 150});
    let (s, tag1, c) = put(app, &t.admin, path, body.clone(), None).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["external_id"], "ERP-1");
    let id = c["id"].as_str().unwrap().to_owned();
    let tag1 = tag1.expect("an ETag on the create");
    let (s, again, c2) = put(app, &t.admin, path, body.clone(), None).await;
    assert_eq!(s, StatusCode::OK, "{c2}");
    assert_eq!(
        again.as_deref(),
        Some(tag1.as_str()),
        "unchanged: same ETag"
    );
    assert_eq!(c2["updated_at"], c["updated_at"]);

    // The id route answers the same ETag; a GET by external id too.
    let (s, by_id, _) = get(app, &t.admin, &format!("/api/v1/customers/{id}")).await;
    assert_eq!((s, by_id.as_deref()), (StatusCode::OK, Some(tag1.as_str())));
    let (s, by_ext, got) = get(app, &t.admin, path).await;
    assert_eq!(
        (s, by_ext.as_deref()),
        (StatusCode::OK, Some(tag1.as_str()))
    );
    assert_eq!(got["id"], id.as_str());

    // Replace: every field, with the current ETag; the tag changes.
    let mut replaced = body.clone();
    replaced["name"] = json!("联华超市(新)");
    let (s, tag2, c) = put(app, &t.admin, path, replaced, Some(&tag1)).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["name"], "联华超市(新)");
    let tag2 = tag2.unwrap();
    assert_ne!(tag2, tag1, "a write changes the ETag");

    // A stale If-Match is refused on every write and nothing changes.
    let (s, _, b) = put(app, &t.admin, path, body.clone(), Some(&tag1)).await;
    assert_error(
        s,
        &b,
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
    );
    let (s, _, b) = patch(app, &t.admin, path, json!({"name": "x"}), Some(&tag1)).await;
    assert_error(
        s,
        &b,
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
    );
    let (s, _, b) = put(
        app,
        &t.admin,
        &format!("/api/v1/customers/{id}"),
        body.clone(),
        Some(&tag1),
    )
    .await;
    assert_error(
        s,
        &b,
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
    );
    let (s, _, b) = send(
        app,
        Method::DELETE,
        &t.admin,
        &format!("/api/v1/customers/{id}"),
        None,
        Some(&tag1),
        "",
    )
    .await;
    assert_error(
        s,
        &b,
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
    );
    let (_, tag_now, now) = get(app, &t.admin, path).await;
    assert_eq!(tag_now.as_deref(), Some(tag2.as_str()));
    assert_eq!(now["name"], "联华超市(新)");

    // PATCH merges: untouched fields stay, null removes an optional field, arrays are
    // replaced whole; plain application/json is taken too.
    let (s, tag3, c) = patch(
        app,
        &t.admin,
        path,
        json!({"address": null, "tags": ["便利店", "连锁"], "level": "B"}),
        Some(&tag2),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["address"], Value::Null);
    assert_eq!(c["tags"], json!(["便利店", "连锁"]));
    assert_eq!(c["level"], "B");
    assert_eq!(c["name"], "联华超市(新)");
    assert_eq!(c["code"], "C1");
    assert_eq!(c["checkin_radius_m"], 150.0);
    assert_ne!(tag3.unwrap(), tag2);
    let (s, _, c) = send(
        app,
        Method::PATCH,
        &t.admin,
        path,
        Some(json!({"checkin_radius_m": null})),
        None,
        "application/json",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["checkin_radius_m"], Value::Null);
    // Removing a required field is a validation error naming it.
    let (s, _, b) = patch(app, &t.admin, path, json!({"name": null}), None).await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["name"]);
    // A body naming another external id than the path is refused.
    let (s, _, b) = put(
        app,
        &t.admin,
        path,
        json!({"name": "x", "external_id": "ERP-2", "owner_id": rep}),
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["external_id"]);
    // PATCH of an unknown external id is 404; validation runs as on create.
    let (s, _, b) = patch(
        app,
        &t.admin,
        "/api/v1/customers/by-external-id/NOPE",
        json!({"name": "x"}),
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let (s, _, b) = put(
        app,
        &t.admin,
        "/api/v1/customers/by-external-id/ERP-9",
        json!({"name": "", "owner_id": "00000000-0000-0000-0000-000000000001"}),
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // A deleted customer comes back by PUT (201 is for new rows only: 200).
    let (s, _) = app
        .delete(&t.admin, &format!("/api/v1/customers/{id}"))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _, _) = get(app, &t.admin, path).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, c) = put(app, &t.admin, path, body, None).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["id"], id.as_str(), "the same row is back");
}

async fn employee_and_department_upserts(app: &TestApp) {
    let t = app.tenant("acme").await;
    // Departments: parent by id, rename by PUT with ETag, move by PATCH, cycle refused.
    let (s, dtag, sales) = put(
        app,
        &t.admin,
        "/api/v1/departments/by-external-id/D-SALES",
        json!({"name": "销售部", "parent_id": t.root_dept}),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{sales}");
    let sales_id = sales["id"].as_str().unwrap().to_owned();
    let (s, _, east) = put(
        app,
        &t.admin,
        "/api/v1/departments/by-external-id/D-EAST",
        json!({"name": "华东区", "parent_id": sales_id}),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{east}");
    let (s, _, b) = patch(
        app,
        &t.admin,
        "/api/v1/departments/by-external-id/D-SALES",
        json!({"parent_id": east["id"]}),
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["parent_id"]);
    let (s, dtag2, d) = patch(
        app,
        &t.admin,
        "/api/v1/departments/by-external-id/D-SALES",
        json!({"name": "销售一部"}),
        dtag.as_deref(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["name"], "销售一部");
    assert_eq!(d["parent_id"], t.root_dept.as_str());
    assert_ne!(dtag2, dtag);
    // The id route keeps an external id its body leaves out.
    let (s, _, d) = put(
        app,
        &t.admin,
        &format!("/api/v1/departments/{sales_id}"),
        json!({"name": "销售部", "parent_id": t.root_dept}),
        dtag2.as_deref(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["external_id"], "D-SALES");

    // People: create, replace, PATCH with null removing an optional field.
    let path = "/api/v1/employees/by-external-id/HR-7";
    let body = json!({"name": "王建国", "username": "wang", "phone": "13800138000",
                      "email": "wang@example.com", "department_id": sales_id, "role": "field"});
    let (s, etag, e) = put(app, &t.admin, path, body.clone(), None).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    assert_eq!(e["external_id"], "HR-7");
    let (s, same, _) = put(app, &t.admin, path, body.clone(), None).await;
    assert_eq!((s, same.as_deref()), (StatusCode::OK, etag.as_deref()));
    let (s, etag2, e) = patch(
        app,
        &t.admin,
        path,
        json!({"phone": null, "role": "manager"}),
        etag.as_deref(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_eq!(e["phone"], Value::Null);
    assert_eq!(e["role"], "manager");
    assert_eq!(e["email"], "wang@example.com");
    let (s, _, b) = put(app, &t.admin, path, body.clone(), etag.as_deref()).await;
    assert_error(
        s,
        &b,
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
    );
    // Deactivation through PATCH; the id route's ETag agrees.
    let (s, etag3, e) = patch(
        app,
        &t.admin,
        path,
        json!({"active": false}),
        etag2.as_deref(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_eq!(e["active"], false);
    let id = e["id"].as_str().unwrap();
    let (_, by_id, _) = get(app, &t.admin, &format!("/api/v1/employees/{id}")).await;
    assert_eq!(by_id, etag3);
    // The same rules as the create: an unknown department is named.
    let (s, _, b) = put(
        app,
        &t.admin,
        "/api/v1/employees/by-external-id/HR-8",
        json!({"name": "李", "department_id": "00000000-0000-0000-0000-000000000001", "role": "field"}),
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["department_id"]);
}

async fn bulk_modes_and_retries(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep", "field").await;
    let good = |i: usize| json!({"external_id": format!("B-{i}"), "name": format!("店 {i}"), "owner_id": rep});
    let mut rows: Vec<Value> = (0..5).map(good).collect();
    // Row 2 has no name, row 4 repeats row 0's external id.
    rows[2] = json!({"external_id": "B-2", "owner_id": rep});
    rows[4] = json!({"external_id": "B-0", "name": "dup", "owner_id": rep});

    // All or nothing: 422, every row's result, nothing written.
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/customers/bulk",
            json!({"mode": "all_or_nothing", "items": rows}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let statuses: Vec<&str> = b["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["skipped", "skipped", "error", "skipped", "error"]
    );
    assert_eq!(b["results"][2]["error"]["fields"][0]["field"], "name");
    assert_eq!(
        b["results"][4]["error"]["fields"][0]["code"],
        "duplicate_of_row"
    );
    let (_, list) = app.get(&t.admin, "/api/v1/customers").await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        0,
        "nothing half-written"
    );

    // A row that fails only at write time (a code another customer holds) also leaves
    // nothing behind in this mode.
    app.customer(
        &t.admin,
        json!({"name": "已有", "code": "TAKEN", "owner_id": rep}),
    )
    .await;
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/customers/bulk",
            json!({"mode": "all_or_nothing", "items": [good(10), {"external_id": "B-11", "name": "x", "code": "TAKEN", "owner_id": rep}]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["results"][0]["status"], "skipped");
    assert_eq!(b["results"][1]["status"], "error");
    assert_eq!(b["results"][1]["error"]["code"], "conflict");
    let (s, _, _) = get(app, &t.admin, "/api/v1/customers/by-external-id/B-10").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "rolled back");

    // Per row: the good rows are written, the bad ones reported.
    let (s, b) = app
        .post(&t.admin, "/api/v1/customers/bulk", json!({"items": rows}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        (b["created"].as_u64(), b["errors"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(b["results"][0]["status"], "created");
    assert!(b["results"][0]["etag"].is_string());
    // The retry of the same batch writes nothing: unchanged rows say so.
    let (s, b2) = app
        .post(
            &t.admin,
            "/api/v1/customers/bulk",
            json!({"mode": "per_row", "items": rows}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b2}");
    assert_eq!(
        (b2["unchanged"].as_u64(), b2["created"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(b2["results"][0]["id"], b["results"][0]["id"]);
    assert_eq!(b2["results"][0]["etag"], b["results"][0]["etag"]);
    // A changed row is an update.
    let mut changed = rows.clone();
    changed[1]["name"] = json!("店 1 (改)");
    let (_, b3) = app
        .post(
            &t.admin,
            "/api/v1/customers/bulk",
            json!({"items": changed}),
        )
        .await;
    assert_eq!(b3["results"][1]["status"], "updated");
    assert_eq!(b3["updated"], 1);

    // Limits: an empty batch and one over 1,000 rows are refused whole.
    let (s, b) = app
        .post(&t.admin, "/api/v1/customers/bulk", json!({"items": []}))
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let many: Vec<Value> = (0..1001).map(good).collect();
    let (s, b) = app
        .post(&t.admin, "/api/v1/customers/bulk", json!({"items": many}))
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // Departments in one batch: a row's parent is an earlier row's id.
    let parent = "0193a6a0-0000-7000-8000-000000000001";
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/departments/bulk",
            json!({"mode": "all_or_nothing", "items": [
                {"external_id": "D1", "id": parent, "name": "一部", "parent_id": t.root_dept},
                {"external_id": "D2", "name": "一部一组", "parent_id": parent}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["created"], 2);
    // People in bulk, one with a bad role.
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/employees/bulk",
            json!({"items": [
                {"external_id": "E1", "name": "甲", "department_id": parent, "role": "field"},
                {"external_id": "E2", "name": "乙", "department_id": parent, "role": "boss"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["results"][0]["status"], "created");
    assert_eq!(b["results"][1]["status"], "error");
    assert_eq!(b["results"][1]["error"]["fields"][0]["field"], "role");
}

async fn incremental_reads_and_tombstones(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep", "field").await;
    for i in 0..5 {
        let (s, _, b) = put(
            app,
            &t.admin,
            &format!("/api/v1/customers/by-external-id/U-{i}"),
            json!({"name": format!("店 {i}"), "owner_id": rep}),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let mark = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    // After the mark: two changes, one deletion, one deactivation, one department gone.
    for i in [1, 3] {
        let (s, _, b) = patch(
            app,
            &t.admin,
            &format!("/api/v1/customers/by-external-id/U-{i}"),
            json!({"level": "A"}),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    let (_, _, gone) = get(app, &t.admin, "/api/v1/customers/by-external-id/U-4").await;
    let (s, _) = app
        .delete(
            &t.admin,
            &format!("/api/v1/customers/{}", gone["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _, _) = put(
        app,
        &t.admin,
        "/api/v1/employees/by-external-id/HR-1",
        json!({"name": "走了", "department_id": t.root_dept, "role": "field", "active": false}),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, _, d) = put(
        app,
        &t.admin,
        "/api/v1/departments/by-external-id/D-OLD",
        json!({"name": "旧部门", "parent_id": t.root_dept}),
        None,
    )
    .await;
    let (s, _) = app
        .delete(
            &t.admin,
            &format!("/api/v1/departments/{}", d["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    // updated_since pages in updated_at order, one row a page.
    let q = format!("/api/v1/customers?limit=1&updated_since={}", urlenc(&mark));
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let path = match &next {
            Some(c) => format!("{q}&cursor={c}"),
            None => q.clone(),
        };
        let (s, page) = app.get(&t.admin, &path).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        for c in page["items"].as_array().unwrap() {
            seen.push(c["external_id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => next = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["U-1", "U-3"],
        "changed customers, oldest change first"
    );
    let (_, people) = app
        .get(
            &t.admin,
            &format!("/api/v1/employees?updated_since={}", urlenc(&mark)),
        )
        .await;
    let names: Vec<&str> = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["走了"]);
    let (s, b) = app
        .get(&t.admin, "/api/v1/customers?updated_since=yesterday")
        .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");

    // Tombstones: the deleted customer, the deactivated person, the deleted department.
    for (resource, ext, kind) in [
        ("customers", "U-4", "deleted"),
        ("employees", "HR-1", "deactivated"),
        ("departments", "D-OLD", "deleted"),
    ] {
        let (s, page) = app
            .get(
                &t.admin,
                &format!(
                    "/api/v1/tombstones?resource={resource}&since={}",
                    urlenc(&mark)
                ),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{resource}: {page}");
        assert_eq!(items[0]["external_id"], ext);
        assert_eq!(items[0]["kind"], kind);
        assert_eq!(items[0]["resource"], resource);
    }
    // Before the mark nothing was removed yet; a later `since` sees nothing.
    let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let (_, page) = app
        .get(
            &t.admin,
            &format!(
                "/api/v1/tombstones?resource=customers&since={}",
                urlenc(&later)
            ),
        )
        .await;
    assert_eq!(page["items"], json!([]));
    let (s, b) = app
        .get(
            &t.admin,
            "/api/v1/tombstones?resource=visits&since=2026-01-01T00:00:00Z",
        )
        .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
}

async fn sync_scoping(app: &TestApp) {
    let t = app.tenant("acme").await;
    let other = app.tenant("other").await;
    let north = app.department(&t.admin, "North", Some(&t.root_dept)).await;
    let south = app.department(&t.admin, "South", Some(&t.root_dept)).await;
    app.employee(&t.admin, &north, "boss", "manager").await;
    let north_rep = app.employee(&t.admin, &north, "nrep", "field").await;
    let south_rep = app.employee(&t.admin, &south, "srep", "field").await;
    let boss = app.token("acme", "boss").await;
    let (s, _, _) = put(
        app,
        &t.admin,
        "/api/v1/customers/by-external-id/S-1",
        json!({"name": "南店", "owner_id": south_rep}),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);

    // A manager: a customer outside their subtree is as if absent; an owner outside it
    // is refused; inside, it works.
    let (s, _, b) = get(app, &boss, "/api/v1/customers/by-external-id/S-1").await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let (s, _, b) = put(
        app,
        &boss,
        "/api/v1/customers/by-external-id/S-1",
        json!({"name": "抢", "owner_id": north_rep}),
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let (s, _, b) = put(
        app,
        &boss,
        "/api/v1/customers/by-external-id/N-1",
        json!({"name": "北店", "owner_id": south_rep}),
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["owner_id"]);
    let (s, _, b) = put(
        app,
        &boss,
        "/api/v1/customers/by-external-id/N-1",
        json!({"name": "北店", "owner_id": north_rep}),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // A manager places people only in their subtree, and writes no departments.
    let (s, _, b) = put(
        app,
        &boss,
        "/api/v1/employees/by-external-id/X-1",
        json!({"name": "甲", "department_id": south, "role": "field"}),
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let (s, _, b) = put(
        app,
        &boss,
        "/api/v1/departments/by-external-id/X-D",
        json!({"name": "新", "parent_id": north}),
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    // Tombstones follow the reach: the south customer's deletion is not the boss's.
    let (s, _) = app
        .delete(
            &t.admin,
            &format!("/api/v1/customers/{}", {
                let (_, _, c) = get(app, &t.admin, "/api/v1/customers/by-external-id/S-1").await;
                c["id"].as_str().unwrap().to_owned()
            }),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, page) = app
        .get(
            &boss,
            "/api/v1/tombstones?resource=customers&since=2000-01-01T00:00:00Z",
        )
        .await;
    assert_eq!(page["items"], json!([]), "{page}");

    // Another tenant's external ids do not exist here (and the same key is free there).
    let (s, _, b) = get(app, &other.admin, "/api/v1/customers/by-external-id/N-1").await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let (s, _, b) = patch(
        app,
        &other.admin,
        "/api/v1/customers/by-external-id/N-1",
        json!({"name": "x"}),
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");

    // API keys: read scope reads, write scope writes, neither crosses resources.
    let reader = key(app, &t.admin, &["customers:read"]).await;
    let writer = key(app, &t.admin, &["customers:write", "customers:read"]).await;
    let (s, _, _) = get(app, &reader, "/api/v1/customers/by-external-id/N-1").await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, b) = patch(
        app,
        &reader,
        "/api/v1/customers/by-external-id/N-1",
        json!({"name": "x"}),
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "missing_scope");
    let (s, b) = app
        .post(
            &reader,
            "/api/v1/customers/bulk",
            json!({"items": [{"external_id": "K", "name": "k"}]}),
        )
        .await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "missing_scope");
    let (s, b) = app
        .post(
            &writer,
            "/api/v1/customers/bulk",
            json!({"items": [{"external_id": "K", "name": "k"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["results"][0]["status"], "created");
    let (s, _, b) = get(app, &writer, "/api/v1/employees/by-external-id/X").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "missing_scope");
    let (s, b) = app
        .post(
            &writer,
            "/api/v1/departments/bulk",
            json!({"items": [{"external_id": "K", "name": "k"}]}),
        )
        .await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "missing_scope");
    let (s, b) = app
        .get(
            &writer,
            "/api/v1/tombstones?resource=employees&since=2000-01-01T00:00:00Z",
        )
        .await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "missing_scope");
}

fn urlenc(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}
