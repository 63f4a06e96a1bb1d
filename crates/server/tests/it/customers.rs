//! Customers over the API: CRUD, coordinates, filters, sort and cursor pages.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_backends!(
    customer_crud_and_coordinates,
    customer_filters_sorts_and_pages
);

fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    coords::haversine_m(coords::LatLon::new(a.0, a.1), coords::LatLon::new(b.0, b.1))
}

async fn customer_crud_and_coordinates(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep", "field").await;
    // A GCJ-02 point, as Amap shows the shop.
    let gcj = (31.228_110, 121.478_270);
    let c = app
        .customer(
            &t.admin,
            json!({"name": "联华超市(人民广场店)", "code": "C1", "external_id": "ERP-1", "address": "上海市黄浦区",
                   "location": {"lat": gcj.0, "lon": gcj.1, "coord_system": "gcj02"}, "level": "A",
                   "tags": ["超市", "连锁"], "contacts": [{"name": "李婷", "phone": "13800138000"}],
                   "owner_id": rep, "checkin_radius_m": 150}),
        )
        .await;
    let id = c["id"].as_str().unwrap().to_owned();
    assert_eq!(c["location"]["coord_system"], "wgs84");
    let wgs = (
        c["location"]["lat"].as_f64().unwrap(),
        c["location"]["lon"].as_f64().unwrap(),
    );
    let shift = haversine(gcj, wgs);
    assert!(
        (200.0..800.0).contains(&shift),
        "stored as WGS-84, a few hundred metres away: {shift}"
    );

    let (s, back) = app
        .get(
            &t.admin,
            &format!("/api/v1/customers/{id}?coord_system=gcj02"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let again = (
        back["location"]["lat"].as_f64().unwrap(),
        back["location"]["lon"].as_f64().unwrap(),
    );
    assert!(haversine(gcj, again) < 0.01, "GCJ-02 out equals GCJ-02 in");
    assert_eq!(back["contacts"][0]["name"], "李婷");
    assert_eq!(back["checkin_radius_m"], 150.0);

    // Unique code and external id per tenant.
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "x", "code": "C1"}),
        )
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "conflict");
    assert_eq!(fields(&b), ["code"]);
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "x", "external_id": "ERP-1"}),
        )
        .await;
    assert_eq!(fields(&b), ["external_id"], "{s}");

    // Every bad field at once, with its path.
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/customers",
            json!({"name": " ", "code": "a b", "location": {"lat": 91, "lon": 10}, "level": "Z",
                   "contacts": [{"name": "x", "phone": "call me"}], "checkin_radius_m": 2}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(
        fields(&b),
        [
            "name",
            "code",
            "location.lat",
            "level",
            "contacts[0].phone",
            "checkin_radius_m"
        ]
    );
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "x", "owner_id": uuid::Uuid::now_v7()}),
        )
        .await;
    assert_eq!(fields(&b), ["owner_id"], "{s} {b}");
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "x", "location": {"lat": 31, "lon": 121, "coord_system": "mars"}}),
        )
        .await;
    assert_eq!(fields(&b), ["location.coord_system"], "{s} {b}");

    // Replace: fields not sent are cleared (PUT is a full replacement).
    let (s, u) = app
        .put(
            &t.admin,
            &format!("/api/v1/customers/{id}"),
            json!({"name": "联华超市", "code": "C1", "level": "b"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{u}");
    assert_eq!(
        (u["level"].clone(), u["tags"].clone(), u["location"].clone()),
        (json!("B"), json!([]), Value::Null)
    );
    let (_, by_tag) = app.get(&t.admin, "/api/v1/customers?tag=超市").await;
    assert_eq!(
        by_tag["items"].as_array().unwrap().len(),
        0,
        "tag rows follow the replacement"
    );

    // Idempotent create with a client id; a retry is 200 and nothing is duplicated.
    let cid = uuid::Uuid::now_v7();
    let body = json!({"id": cid, "name": "Retry shop", "code": "R1"});
    assert_eq!(
        app.post(&t.admin, "/api/v1/customers", body.clone())
            .await
            .0,
        StatusCode::CREATED
    );
    let (s, again) = app.post(&t.admin, "/api/v1/customers", body).await;
    assert_eq!((s, again["id"].clone()), (StatusCode::OK, json!(cid)));
    let (_, all) = app.get(&t.admin, "/api/v1/customers?q=retry").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 1);

    assert_eq!(
        app.delete(&t.admin, &format!("/api/v1/customers/{id}"))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let (s, b) = app.get(&t.admin, &format!("/api/v1/customers/{id}")).await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let (s, b) = app
        .delete(&t.admin, &format!("/api/v1/customers/{id}"))
        .await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
}

/// All items of a list, following cursors; checks no page exceeds the limit.
async fn walk(app: &TestApp, token: &str, query: &str, limit: usize) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/customers?limit={limit}&{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (s, page) = app.get(token, &path).await;
        assert_eq!(s, StatusCode::OK, "{path}: {page}");
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit);
        out.extend(items.iter().cloned());
        match &page["next_cursor"] {
            Value::String(c) => cursor = Some(c.clone()),
            _ => return out,
        }
    }
}

async fn customer_filters_sorts_and_pages(app: &TestApp) {
    let t = app.tenant("acme").await;
    let a = app.employee(&t.admin, &t.root_dept, "repa", "field").await;
    let b = app.employee(&t.admin, &t.root_dept, "repb", "field").await;
    // 23 shops on a line eastwards from People's Square, ~500 m apart; some share a name.
    for i in 0..23 {
        let lon = 121.4737 + i as f64 * 0.0053;
        let level = ["A", "B", "C"][i % 3];
        app.customer(
            &t.admin,
            json!({"name": format!("Shop {}", i % 7), "code": format!("S{i:02}"), "level": level,
                   "tags": if i % 4 == 0 { json!(["key"]) } else { json!([]) },
                   "owner_id": if i % 2 == 0 { &a } else { &b },
                   "location": {"lat": 31.2304, "lon": lon}}),
        )
        .await;
    }
    let codes = |v: &[Value]| {
        v.iter()
            .map(|c| c["code"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };

    let by_name = walk(app, &t.admin, "sort=name", 4).await;
    assert_eq!(by_name.len(), 23);
    let names: Vec<(String, String)> = by_name
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().into(),
                c["id"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        names.windows(2).all(|w| w[0] <= w[1]),
        "name order with ties broken by id"
    );
    let desc = walk(app, &t.admin, "sort=-name", 5).await;
    let mut rev = codes(&desc);
    rev.reverse();
    assert_eq!(rev, codes(&by_name));
    let created = walk(app, &t.admin, "sort=-created_at", 6).await;
    assert_eq!(created.first().unwrap()["code"], "S22");
    assert_eq!(created.len(), 23);

    let owned = walk(app, &t.admin, &format!("owner_id={a}"), 50).await;
    assert_eq!(owned.len(), 12);
    assert_eq!(walk(app, &t.admin, "level=A", 50).await.len(), 8);
    assert_eq!(walk(app, &t.admin, "tag=key", 50).await.len(), 6);
    assert_eq!(codes(&walk(app, &t.admin, "q=s07", 50).await), ["S07"]);

    // Within 1.2 km of People's Square: shops 0, 1, 2 (0, ~500, ~1000 m), nearest first.
    let near = walk(app, &t.admin, "near=31.2304,121.4737,1200&sort=distance", 2).await;
    assert_eq!(codes(&near), ["S00", "S01", "S02"]);
    let d: Vec<f64> = near
        .iter()
        .map(|c| c["distance_m"].as_f64().unwrap())
        .collect();
    assert!(
        d[0] < 1.0 && (450.0..560.0).contains(&d[1]) && (900.0..1120.0).contains(&d[2]),
        "{d:?}"
    );

    for (q, field) in [
        ("near=1,2", "near"),
        ("near=31,121,0", "near"),
        ("sort=distance", "sort"),
        ("sort=size", "sort"),
        ("level=Q", "level"),
        ("coord_system=utm", "coord_system"),
        ("owner_id=42", "owner_id"),
        ("color=red", "query"),
    ] {
        let (s, body) = app.get(&t.admin, &format!("/api/v1/customers?{q}")).await;
        assert!(
            s == StatusCode::BAD_REQUEST || s == StatusCode::UNPROCESSABLE_ENTITY,
            "{q}: {s}"
        );
        let f = fields(&body);
        assert!(
            f.iter().any(|x| x.contains(field)) || (field == "query" && !f.is_empty()),
            "{q}: {body}"
        );
    }
}
