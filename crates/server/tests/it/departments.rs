//! The department tree over the API.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(
    department_crud_and_tree_rules,
    department_changes_write_events
);

/// Creating, changing and deleting a department each write one event in the change's
/// transaction; a save that changes nothing and a retried create write none.
async fn department_changes_write_events(app: &TestApp) {
    let t = app.tenant("acme").await;
    let id = uuid::Uuid::now_v7().to_string();
    let body = json!({"id": id, "name": "East", "parent_id": t.root_dept});
    for _ in 0..2 {
        let (s, b) = app
            .post(&t.admin, "/api/v1/departments", body.clone())
            .await;
        assert!(s.is_success(), "{b}");
    }
    let path = format!("/api/v1/departments/{id}");
    for name in ["East 2", "East 2"] {
        let (s, b) = app
            .put(
                &t.admin,
                &path,
                json!({"name": name, "parent_id": t.root_dept}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    // Bulk and by-external-id writes go through the same rows.
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/departments/bulk",
            json!({"items": [{"external_id": "D-9", "name": "West", "parent_id": t.root_dept}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, _) = app.delete(&t.admin, &path).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let events = app.stored_events(t.id, "department.deleted", 1).await;
    assert_eq!(
        events[0].subject_id.map(|u| u.to_string()),
        Some(id.clone())
    );
    let payload: serde_json::Value = serde_json::from_str(&events[0].payload).unwrap();
    assert_eq!(payload, json!({"department_id": id}));
    let kinds = |k: &'static str| async move {
        app.stored_events(t.id, k, 0)
            .await
            .into_iter()
            .map(|e| e.subject_id.unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let created = kinds("department.created").await;
    assert_eq!(created.len(), 3, "the root, East and West: {created:?}");
    assert_eq!(created[..2], [t.root_dept.clone(), id.clone()]);
    assert_eq!(kinds("department.updated").await, [id]);
}

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
