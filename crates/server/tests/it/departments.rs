//! The department tree over the API.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(department_crud_and_tree_rules);

async fn department_crud_and_tree_rules(app: &TestApp) {
    let t = app.tenant("acme").await;
    let east = app.department(&t.admin, "East", Some(&t.root_dept)).await;
    let north = app.department(&t.admin, "North", Some(&east)).await;

    // A retried create with the same client-chosen id answers 200 with the same department.
    let id = uuid::Uuid::now_v7().to_string();
    let body = json!({"id": id, "name": "West", "parent_id": t.root_dept});
    let (s1, a) = app
        .post(&t.admin, "/api/v1/departments", body.clone())
        .await;
    let (s2, b) = app.post(&t.admin, "/api/v1/departments", body).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(a, b);

    let (s, list) = app.get(&t.admin, "/api/v1/departments").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 4);

    let (s, got) = app
        .put(
            &t.admin,
            &format!("/api/v1/departments/{north}"),
            json!({"name": "North 2", "parent_id": east}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{got}");
    assert_eq!(got["name"], "North 2");

    // Below itself, or below a descendant: refused, nothing changes.
    let (s, b) = app
        .put(
            &t.admin,
            &format!("/api/v1/departments/{east}"),
            json!({"name": "East", "parent_id": north}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["parent_id"]);
    let (_, e) = app
        .get(&t.admin, &format!("/api/v1/departments/{east}"))
        .await;
    assert_eq!(e["parent_id"], t.root_dept);

    let (s, b) = app
        .post(&t.admin, "/api/v1/departments", json!({"name": "  "}))
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["name"]);
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/departments",
            json!({"name": "X", "parent_id": uuid::Uuid::now_v7()}),
        )
        .await;
    assert_eq!(fields(&b), ["parent_id"], "{s} {b}");

    // Not empty: 409. Empty: deleted, then 404.
    let (s, b) = app
        .delete(&t.admin, &format!("/api/v1/departments/{east}"))
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "in_use");
    app.employee(&t.admin, &north, "rep1", "field").await;
    let (s, b) = app
        .delete(&t.admin, &format!("/api/v1/departments/{north}"))
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "in_use");
    assert_eq!(
        app.delete(&t.admin, &format!("/api/v1/departments/{id}"))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let (s, b) = app
        .get(&t.admin, &format!("/api/v1/departments/{id}"))
        .await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
}
