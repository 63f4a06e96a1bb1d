//! Tenants never see each other: another tenant's ids answer 404 on every endpoint.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use reqwest::{Method, StatusCode};
use serde_json::json;

both_backends!(other_tenants_ids_are_not_found_everywhere);

async fn other_tenants_ids_are_not_found_everywhere(app: &TestApp) {
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    let b_dept = app
        .department(&b.admin, "Beta sales", Some(&b.root_dept))
        .await;
    let b_emp = app.employee(&b.admin, &b_dept, "brep", "field").await;
    let b_cust = app
        .customer(
            &b.admin,
            json!({"name": "Beta shop", "code": "B1", "owner_id": b_emp}),
        )
        .await;
    let b_cust = b_cust["id"].as_str().unwrap().to_owned();
    let (_, key) = app
        .post(
            &b.admin,
            "/api/v1/api-keys",
            json!({"name": "k", "scopes": ["customers:read"]}),
        )
        .await;
    let b_key = key["api_key"]["id"].as_str().unwrap().to_owned();

    let cust_body = json!({"name": "hijack", "code": "H1"});
    let emp_body = json!({"name": "hijack", "department_id": a.root_dept, "role": "field"});
    let dept_body = json!({"name": "hijack"});
    let probes = [
        (Method::GET, format!("/api/v1/customers/{b_cust}"), None),
        (
            Method::PUT,
            format!("/api/v1/customers/{b_cust}"),
            Some(cust_body),
        ),
        (Method::DELETE, format!("/api/v1/customers/{b_cust}"), None),
        (Method::GET, format!("/api/v1/employees/{b_emp}"), None),
        (
            Method::PUT,
            format!("/api/v1/employees/{b_emp}"),
            Some(emp_body),
        ),
        (Method::GET, format!("/api/v1/departments/{b_dept}"), None),
        (
            Method::PUT,
            format!("/api/v1/departments/{b_dept}"),
            Some(dept_body),
        ),
        (
            Method::DELETE,
            format!("/api/v1/departments/{b_dept}"),
            None,
        ),
        (Method::DELETE, format!("/api/v1/api-keys/{b_key}"), None),
    ];
    for (method, path, body) in probes {
        let (s, resp) = app
            .call(method.clone(), Some(&a.admin), &path, body.as_ref())
            .await;
        assert_error(s, &resp, StatusCode::NOT_FOUND, "not_found");
        let _ = (method, path);
    }

    // Nor do they leak through lists, references or exports.
    for list in [
        "/api/v1/customers",
        "/api/v1/employees",
        "/api/v1/departments",
        "/api/v1/api-keys",
    ] {
        let (_, page) = app.get(&a.admin, list).await;
        let text = page.to_string();
        for id in [&b_cust, &b_emp, &b_dept, &b_key] {
            assert!(!text.contains(id.as_str()), "{list} leaks {id}");
        }
    }
    let (s, r) = app
        .post(
            &a.admin,
            "/api/v1/customers",
            json!({"name": "x", "owner_id": b_emp}),
        )
        .await;
    assert_error(s, &r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&r), ["owner_id"]);
    let (s, r) = app
        .post(
            &a.admin,
            "/api/v1/departments",
            json!({"name": "x", "parent_id": b_dept}),
        )
        .await;
    assert_eq!(
        (s, fields(&r)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["parent_id".to_owned()]
        )
    );
    let (s, r) = app
        .post(
            &a.admin,
            "/api/v1/employees",
            json!({"name": "x", "department_id": b_dept, "role": "field"}),
        )
        .await;
    assert_eq!(
        (s, fields(&r)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["department_id".to_owned()]
        )
    );
    let resp = app
        .client
        .get(format!("{}/api/v1/customers/export", app.base))
        .bearer_auth(&a.admin)
        .send()
        .await
        .unwrap();
    assert!(!resp.text().await.unwrap().contains("Beta shop"));

    // The same code may exist in both tenants: uniqueness is per tenant.
    app.customer(&a.admin, json!({"name": "Alpha shop", "code": "B1"}))
        .await;
    // Beta's data is untouched by all of the above.
    let (s, c) = app
        .get(&b.admin, &format!("/api/v1/customers/{b_cust}"))
        .await;
    assert_eq!((s, c["name"].clone()), (StatusCode::OK, json!("Beta shop")));
}
