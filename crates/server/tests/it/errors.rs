//! The one error shape, body limits, health checks and the API document.

use crate::harness::{TestApp, assert_error, both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_backends!(
    malformed_requests_get_the_error_shape,
    health_and_openapi,
    problems_have_codes_and_params,
    edges_answer_the_error_shape,
    integers_out_of_range_are_422_naming_the_field
);

async fn malformed_requests_get_the_error_shape(app: &TestApp) {
    let t = app.tenant("acme").await;
    let url = format!("{}/api/v1/customers", app.base);
    let send = |body: Vec<u8>, ct: &'static str| {
        app.client
            .post(&url)
            .bearer_auth(&t.admin)
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let read = |r: reqwest::Response| async move {
        let s = r.status();
        (s, r.json::<Value>().await.unwrap_or(Value::Null))
    };

    let (s, b) = read(
        send(b"{\"name\": ".to_vec(), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "malformed_json");
    let (s, b) = read(
        send(b"name=x".to_vec(), "application/x-www-form-urlencoded")
            .await
            .unwrap(),
    )
    .await;
    assert_error(
        s,
        &b,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    let (s, b) = read(
        send(
            b"{\"name\": \"x\", \"colour\": 1}".to_vec(),
            "application/json",
        )
        .await
        .unwrap(),
    )
    .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(e["message"].as_str().unwrap().contains("colour"), "{e}");
    // 2 MB of JSON is over the 1 MB limit: 413, and nothing is stored.
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let (s, b) = read(send(big.into_bytes(), "application/json").await.unwrap()).await;
    assert_error(s, &b, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let (_, list) = app.get(&t.admin, "/api/v1/customers").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);

    let (s, b) = app.get(&t.admin, "/api/v1/no-such-thing").await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let (s, b) = app
        .call(
            reqwest::Method::PATCH,
            Some(&t.admin),
            "/api/v1/customers",
            None,
        )
        .await;
    assert_error(s, &b, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    let (s, b) = app.get(&t.admin, "/api/v1/customers/not-a-uuid").await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
}

async fn health_and_openapi(app: &TestApp) {
    for path in ["/healthz", "/readyz"] {
        let r = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    let doc: Value = app
        .client
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/api/v1/auth/login",
        "/api/v1/customers",
        "/api/v1/customers/import",
        "/api/v1/customers/{id}",
        "/api/v1/employees",
        "/api/v1/departments",
        "/api/v1/api-keys",
        "/api/v1/me",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} documented");
    }
    assert!(doc["components"]["schemas"].get("ErrorBody").is_some());
    // Field problems are documented with their code and params (contract A).
    let fp = &doc["components"]["schemas"]["FieldProblemBody"]["properties"];
    for k in ["field", "code", "problem", "params"] {
        assert!(fp.get(k).is_some(), "FieldProblemBody.{k}");
    }
    // The reports declare their query parameters as query parameters.
    for (p, want) in [
        (
            "/api/v1/attendance/team",
            ["from", "to", "department_id", "format", "lang"],
        ),
        (
            "/api/v1/mileage/monthly",
            ["month", "department_id", "format", "lang", "cursor"],
        ),
    ] {
        let params = doc["paths"][p]["get"]["parameters"].as_array().expect(p);
        for w in want {
            let q = params
                .iter()
                .find(|x| x["name"] == w)
                .unwrap_or_else(|| panic!("{p} {w}"));
            assert_eq!(q["in"], "query", "{p} {w}");
        }
    }
    assert!(doc["components"]["securitySchemes"].get("bearer").is_some());
    let docs = app
        .client
        .get(format!("{}/api/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(
        docs.text()
            .await
            .unwrap()
            .to_lowercase()
            .contains("swagger")
    );
}

/// Contract A: every field problem has a stable code and params, every top-level code
/// is stable, whatever the English says.
async fn problems_have_codes_and_params(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "长".repeat(300), "level": "Z", "code": "a b"}),
        )
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let by_field = |f: &str| {
        e["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["field"] == f)
            .cloned()
            .unwrap_or_else(|| panic!("{f} in {e}"))
    };
    let name = by_field("name");
    assert_eq!(
        (&name["code"], &name["params"]),
        (&json!("too_long"), &json!({"max": 200}))
    );
    assert_eq!(name["problem"], "must be at most 200 characters");
    let level = by_field("level");
    assert_eq!(
        (&level["code"], &level["params"]),
        (
            &json!("unknown_value"),
            &json!({"allowed": ["A", "B", "C"]})
        )
    );
    assert_eq!(by_field("code")["code"], "has_spaces");

    // A wrong password and an unknown tenant answer the same stable code.
    for (tenant, pw) in [
        ("acme", "wrong password"),
        ("nope", crate::harness::PASSWORD),
    ] {
        let (s, b) = app.login(tenant, "admin", pw).await;
        let e = assert_error(s, &b, StatusCode::UNAUTHORIZED, "wrong_credentials");
        assert_eq!(e["fields"], json!([]));
    }

    // Query parameters: a bad date names its expected format.
    let (s, b) = app
        .get(
            &t.admin,
            &format!(
                "/api/v1/attendance/days?employee_id={}&from=yesterday&to=2026-01-02",
                t.admin_id
            ),
        )
        .await;
    let e = assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(e["fields"][0]["field"], "from");
    assert_eq!(e["fields"][0]["code"], "invalid_format");
    assert_eq!(e["fields"][0]["params"], json!({"expected": "date"}));

    // serde's own complaints are classified too.
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "x", "colour": 1}),
        )
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(e["fields"][0]["code"], "unknown_field", "{e}");
    let (s, b) = app.post(&t.admin, "/api/v1/customers", json!({})).await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(e["fields"][0]["code"], "required", "{e}");

    // A field rep may not read people: a stable forbidden.
    app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let rep = app.token("acme", "rep1").await;
    let (s, b) = app.get(&rep, "/api/v1/api-keys").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
}

/// What the layers answer before or around a handler: each in the error shape, with a
/// stable code.
async fn edges_answer_the_error_shape(app: &TestApp) {
    let t = app.tenant("acme").await;
    let long = "x".repeat(server::app::MAX_URI_BYTES + 1);
    let (s, b) = app
        .get(&t.admin, &format!("/api/v1/customers?q={long}"))
        .await;
    assert_error(s, &b, StatusCode::URI_TOO_LONG, "uri_too_long");
    let (s, b) = app.get(&t.admin, &format!("/api/v1/{long}")).await;
    assert_error(s, &b, StatusCode::URI_TOO_LONG, "uri_too_long");
    // Unauthenticated too: the address is refused before anything else is read.
    let (s, b) = app
        .call(
            reqwest::Method::GET,
            None,
            &format!("/api/v1/me?{long}"),
            None,
        )
        .await;
    assert_error(s, &b, StatusCode::URI_TOO_LONG, "uri_too_long");

    for path in [
        "/api/v2/customers",
        "/api/v1/customers/x/y/z",
        "/api/nothing",
    ] {
        let (s, b) = app.get(&t.admin, path).await;
        assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
        let (s, b) = app.post(&t.admin, path, json!({})).await;
        assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    }
    let (s, b) = app.delete(&t.admin, "/api/v1/departments").await;
    assert_error(s, &b, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    let (s, b) = app
        .call(
            reqwest::Method::PUT,
            Some(&t.admin),
            "/api/v1/me",
            Some(&json!({})),
        )
        .await;
    assert_error(s, &b, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");

    // 415 on a JSON create and on a multipart upload sent as JSON.
    for (path, ct) in [
        ("/api/v1/departments", "text/plain"),
        ("/api/v1/geofences", "application/xml"),
        ("/api/v1/customers/import", "application/json"),
    ] {
        let r = app
            .client
            .post(format!("{}{path}", app.base))
            .bearer_auth(&t.admin)
            .header("content-type", ct)
            .body("{}")
            .send()
            .await
            .unwrap();
        let s = r.status();
        let b: Value = r.json().await.unwrap_or(Value::Null);
        assert!(
            s == StatusCode::UNSUPPORTED_MEDIA_TYPE || s == StatusCode::BAD_REQUEST,
            "{path} {ct}: {s} {b}"
        );
        assert!(b["error"]["code"].is_string(), "{path} {ct}: {b}");
    }
    // Over the body limit on a create that keeps a digest: 413, nothing stored.
    let big = json!({"name": "x".repeat(2 * 1024 * 1024)});
    let (s, b) = app.post(&t.admin, "/api/v1/departments", big).await;
    assert_error(s, &b, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    // Refused before its body is read (no token), a big upload still gets its answer
    // rather than a reset connection, every time (see `server::linger`).
    for _ in 0..3 {
        let r = app
            .client
            .post(format!("{}/api/v1/photos", app.base))
            .header("content-type", "multipart/form-data; boundary=x")
            .body(vec![b'x'; 30 * 1024 * 1024])
            .send()
            .await
            .expect("the early answer is readable");
        let s = r.status();
        let b: Value = r.json().await.unwrap_or(Value::Null);
        assert_error(s, &b, StatusCode::UNAUTHORIZED, "unauthorized");
    }
}

async fn integers_out_of_range_are_422_naming_the_field(app: &TestApp) {
    let t = app.tenant("acme").await;
    for path in [
        "/api/v1/customers?limit=999999",
        "/api/v1/customers?limit=0",
        "/api/v1/employees?limit=999999",
        "/api/v1/visits?limit=999999",
        "/api/v1/customers?limit=99999999999",
        "/api/v1/attendance/team?from=2026-01-01&to=2026-01-02&limit=999999",
    ] {
        let (s, b) = app.get(&t.admin, path).await;
        assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(crate::harness::fields(&b), ["limit"], "{path}: {b}");
    }
    let (s, b) = app.get(&t.admin, "/api/v1/customers?limit=500").await;
    assert_eq!(s, StatusCode::OK, "{b}");

    let (s, f) = app
        .post(
            &t.admin,
            "/api/v1/forms",
            json!({"name": "Shelf", "fields": [{"key": "note", "label": "Note", "type": "text"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    let form = f["id"].as_str().unwrap();
    for v in ["4294967295", "2147483648", "0"] {
        let (s, b) = app
            .get(&t.admin, &format!("/api/v1/forms/{form}?version={v}"))
            .await;
        assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(crate::harness::fields(&b), ["version"], "{v}: {b}");
    }
    let (s, _) = app
        .get(&t.admin, &format!("/api/v1/forms/{form}?version=1"))
        .await;
    assert_eq!(s, StatusCode::OK);

    // A report naming version 4294967295 is refused, not filed against version 1.
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    let shop = app
        .customer(
            &t.admin,
            json!({"name": "Shop", "owner_id": rep, "location": {"lat": 31.2304, "lon": 121.4737}}),
        )
        .await;
    let now = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
    let visit = uuid::Uuid::now_v7();
    let (s, b) = app
        .post(
            &token,
            "/api/v1/visits",
            json!({"id": visit, "customer_id": shop["id"], "t": (now - chrono::Duration::minutes(10)).to_rfc3339(),
                   "lat": 31.2304, "lon": 121.4737, "accuracy_m": 10}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    for v in [json!(4294967295u64), json!(2), json!(99999999999u64)] {
        let (s, b) = app
            .put(
                &token,
                &format!("/api/v1/visits/{visit}/report"),
                json!({"id": uuid::Uuid::now_v7(), "form_id": form, "form_version": v,
                       "answers": {"note": "ok"}, "t": now.to_rfc3339()}),
            )
            .await;
        assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(crate::harness::fields(&b), ["form_version"], "{v}: {b}");
    }
    let (_, v) = app.get(&t.admin, &format!("/api/v1/visits/{visit}")).await;
    assert!(v["report"].is_null(), "nothing filed: {v}");
}
