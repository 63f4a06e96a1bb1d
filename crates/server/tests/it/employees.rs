//! People over the API.

use crate::harness::{PASSWORD, TestApp, assert_error, both_backends, fields};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_backends!(
    employee_crud_and_deactivation,
    employee_list_filters_and_pages
);

async fn employee_crud_and_deactivation(app: &TestApp) {
    let t = app.tenant("acme").await;
    let body = json!({"name": "王建国", "username": "wang", "password": PASSWORD, "phone": "+86 138 0013 8000",
                      "email": "wang@example.com", "employee_no": "E1", "department_id": t.root_dept, "role": "field"});
    let (s, e) = app.post(&t.admin, "/api/v1/employees", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let id = e["id"].as_str().unwrap().to_owned();
    assert!(e.get("password").is_none());
    assert_eq!(e["active"], true);

    // Unique username and employee number, named in the conflict.
    let mut dup = body.clone();
    dup["employee_no"] = json!("E2");
    let (s, b) = app.post(&t.admin, "/api/v1/employees", dup).await;
    assert_error(s, &b, StatusCode::CONFLICT, "conflict");
    assert_eq!(fields(&b), ["username"]);
    let mut dup = body.clone();
    dup["username"] = json!("wang2");
    let (s, b) = app.post(&t.admin, "/api/v1/employees", dup).await;
    assert_eq!(fields(&b), ["employee_no"], "{s} {b}");

    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/employees",
            json!({"name": "", "email": "x", "department_id": t.root_dept, "role": "chief"}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["role"], "serde names the bad enum first: {b}");
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/employees",
            json!({"name": "", "email": "x", "department_id": t.root_dept, "role": "field"}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["name", "email"]);

    let rep = app.token("acme", "wang").await;
    let mut upd = body.clone();
    upd.as_object_mut().unwrap().remove("password");
    upd["name"] = json!("王建国2");
    let (s, e) = app
        .put(&t.admin, &format!("/api/v1/employees/{id}"), upd.clone())
        .await;
    assert_eq!((s, e["name"].clone()), (StatusCode::OK, json!("王建国2")));
    assert_eq!(
        app.get(&rep, "/api/v1/me").await.0,
        StatusCode::OK,
        "an edit without password keeps sessions"
    );

    // Deactivation: sessions end, login is refused, the record stays readable.
    upd["active"] = json!(false);
    let (s, e) = app
        .put(&t.admin, &format!("/api/v1/employees/{id}"), upd)
        .await;
    assert_eq!((s, e["active"].clone()), (StatusCode::OK, json!(false)));
    assert_eq!(
        app.get(&rep, "/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("acme", "wang", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, e) = app.get(&t.admin, &format!("/api/v1/employees/{id}")).await;
    assert_eq!((s, e["name"].clone()), (StatusCode::OK, json!("王建国2")));

    // An admin cannot lock themselves out.
    let (_, me) = app.get(&t.admin, "/api/v1/me").await;
    let mut me_body = json!({"name": me["employee"]["name"], "username": "admin", "department_id": t.root_dept, "role": "admin", "active": false});
    let (s, b) = app
        .put(
            &t.admin,
            &format!("/api/v1/employees/{}", t.admin_id),
            me_body.clone(),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    me_body["active"] = json!(true);
    me_body["role"] = json!("field");
    let (s, b) = app
        .put(
            &t.admin,
            &format!("/api/v1/employees/{}", t.admin_id),
            me_body,
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

async fn employee_list_filters_and_pages(app: &TestApp) {
    let t = app.tenant("acme").await;
    for i in 0..7 {
        app.employee(
            &t.admin,
            &t.root_dept,
            &format!("rep{i}"),
            if i % 2 == 0 { "field" } else { "manager" },
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/employees?limit=3".to_owned();
    loop {
        let (s, page) = app.get(&t.admin, &path).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        assert!(page["items"].as_array().unwrap().len() <= 3);
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["username"].as_str().unwrap().to_owned()),
        );
        match &page["next_cursor"] {
            Value::String(c) => path = format!("/api/v1/employees?limit=3&cursor={c}"),
            _ => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen.len(), 8, "every employee once: {seen:?}");
    assert_eq!(sorted.len(), 8);

    let (_, f) = app.get(&t.admin, "/api/v1/employees?role=field").await;
    assert_eq!(f["items"].as_array().unwrap().len(), 4);
    let (_, f) = app.get(&t.admin, "/api/v1/employees?q=REP3").await;
    assert_eq!(f["items"][0]["username"], "rep3");
    assert_eq!(f["items"].as_array().unwrap().len(), 1);
    let (s, b) = app.get(&t.admin, "/api/v1/employees?role=king").await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(fields(&b), ["role"]);
    let (s, b) = app.get(&t.admin, "/api/v1/employees?cursor=zzzz").await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["cursor"]);
    let (s, b) = app.get(&t.admin, "/api/v1/employees?limit=abc").await;
    assert_eq!(fields(&b), ["limit"], "{s} {b}");
}
