//! Role scoping: managers see their department subtree, field reps themselves and their
//! customers, finance reads people.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_backends!(managers_field_reps_and_finance_see_their_share);

fn ids(page: &Value) -> Vec<String> {
    let mut v: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn managers_field_reps_and_finance_see_their_share(app: &TestApp) {
    let t = app.tenant("acme").await;
    let east = app.department(&t.admin, "East", Some(&t.root_dept)).await;
    let east_sub = app.department(&t.admin, "East sub", Some(&east)).await;
    let west = app.department(&t.admin, "West", Some(&t.root_dept)).await;
    let m_east = app.employee(&t.admin, &east, "meast", "manager").await;
    let r_east = app.employee(&t.admin, &east_sub, "reast", "field").await;
    let r_east2 = app.employee(&t.admin, &east_sub, "reast2", "field").await;
    let r_west = app.employee(&t.admin, &west, "rwest", "field").await;
    app.employee(&t.admin, &t.root_dept, "fin", "finance").await;
    let c_east = app
        .customer(
            &t.admin,
            json!({"name": "E", "code": "E1", "owner_id": r_east}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let c_east2 = app
        .customer(
            &t.admin,
            json!({"name": "E2", "code": "E2", "owner_id": r_east2}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let c_west = app
        .customer(
            &t.admin,
            json!({"name": "W", "code": "W1", "owner_id": r_west}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Manager of East: East and East sub only.
    let m = app.token("acme", "meast").await;
    let (_, emps) = app.get(&m, "/api/v1/employees").await;
    assert_eq!(
        ids(&emps),
        sorted(vec![m_east.clone(), r_east.clone(), r_east2.clone()])
    );
    let (_, custs) = app.get(&m, "/api/v1/customers").await;
    assert_eq!(ids(&custs), sorted(vec![c_east.clone(), c_east2.clone()]));
    let (_, depts) = app.get(&m, "/api/v1/departments").await;
    assert_eq!(ids(&depts), sorted(vec![east.clone(), east_sub.clone()]));
    for path in [
        format!("/api/v1/customers/{c_west}"),
        format!("/api/v1/employees/{r_west}"),
        format!("/api/v1/departments/{west}"),
    ] {
        let (s, b) = app.get(&m, &path).await;
        assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    }
    let (s, b) = app
        .put(
            &m,
            &format!("/api/v1/customers/{c_west}"),
            json!({"name": "mine", "owner_id": r_east}),
        )
        .await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let (s, b) = app
        .post(&m, "/api/v1/customers", json!({"name": "no owner"}))
        .await;
    assert_eq!(
        (s, fields(&b)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["owner_id".to_owned()]
        )
    );
    let (s, b) = app
        .post(
            &m,
            "/api/v1/customers",
            json!({"name": "west owned", "owner_id": r_west}),
        )
        .await;
    assert_eq!(
        (s, fields(&b)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["owner_id".to_owned()]
        )
    );
    let c_new = app
        .customer(&m, json!({"name": "east new", "owner_id": r_east}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, b) = app
        .post(
            &m,
            "/api/v1/employees",
            json!({"name": "boss", "department_id": east, "role": "admin"}),
        )
        .await;
    assert_eq!(
        (s, fields(&b)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["role".to_owned()])
    );
    let (s, b) = app
        .post(
            &m,
            "/api/v1/employees",
            json!({"name": "w", "department_id": west, "role": "field"}),
        )
        .await;
    assert_eq!(
        (s, fields(&b)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["department_id".to_owned()]
        )
    );
    let (s, _) = app
        .post(
            &m,
            "/api/v1/employees",
            json!({"name": "new rep", "department_id": east_sub, "role": "field"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, b) = app
        .post(&m, "/api/v1/departments", json!({"name": "mine"}))
        .await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (s, b) = app.get(&m, "/api/v1/api-keys").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");

    // Field rep: themselves and their own customers; what they create is theirs.
    let r = app.token("acme", "reast").await;
    let (_, emps) = app.get(&r, "/api/v1/employees").await;
    assert_eq!(ids(&emps), vec![r_east.clone()]);
    let (_, custs) = app.get(&r, "/api/v1/customers").await;
    assert_eq!(ids(&custs), sorted(vec![c_east.clone(), c_new]));
    let (s, b) = app.get(&r, &format!("/api/v1/customers/{c_east2}")).await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let mine = app
        .customer(&r, json!({"name": "found it", "code": "N1"}))
        .await;
    assert_eq!(mine["owner_id"], json!(r_east));
    let (s, b) = app
        .post(
            &r,
            "/api/v1/customers",
            json!({"name": "gift", "owner_id": r_east2}),
        )
        .await;
    assert_eq!(
        (s, fields(&b)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["owner_id".to_owned()]
        )
    );
    let (s, b) = app
        .post(
            &r,
            "/api/v1/employees",
            json!({"name": "x", "department_id": east_sub, "role": "field"}),
        )
        .await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (s, b) = app.get(&r, "/api/v1/departments").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");

    // Finance: everyone's people, read-only; no customers.
    let f = app.token("acme", "fin").await;
    let (s, emps) = app.get(&f, "/api/v1/employees?limit=500").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(emps["items"].as_array().unwrap().len(), 7);
    let (s, b) = app.get(&f, "/api/v1/customers").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (s, b) = app
        .post(
            &f,
            "/api/v1/employees",
            json!({"name": "x", "department_id": east, "role": "field"}),
        )
        .await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
}
