//! Every create that takes a client `id`, fired as N identical copies at the same moment:
//! exactly one 201, the rest 200 with the same body, one row; then another body under the
//! same id is 409 `id_reused`. The list of creates comes from the OpenAPI document (every
//! POST whose JSON body has an `id`), so a new create without a case here fails the test.

use crate::harness::{TestApp, assert_error, both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const COPIES: usize = 8;
const SHOP: (f64, f64) = (31.2304, 121.4737);

both_backends!(every_create_is_idempotent_under_concurrency);

/// POST operations whose JSON request body declares an `id` property.
fn client_id_creates(doc: &Value) -> Vec<String> {
    let schemas = &doc["components"]["schemas"];
    let resolve = |s: &Value| -> Value {
        match s["$ref"].as_str() {
            Some(r) => schemas[r.trim_start_matches("#/components/schemas/")].clone(),
            None => s.clone(),
        }
    };
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let body = &item["post"]["requestBody"]["content"]["application/json"]["schema"];
        if body.is_null() {
            continue;
        }
        let schema = resolve(body);
        let has_id = schema["properties"].get("id").is_some()
            || schema["allOf"].as_array().is_some_and(|a| {
                a.iter()
                    .any(|s| resolve(s)["properties"].get("id").is_some())
            });
        if has_id {
            out.push(path.clone());
        }
    }
    out
}

/// The body for an id; `variant` 1 is a different body than 0.
type BodyFn = Box<dyn Fn(Uuid, u8) -> Value + Send + Sync>;

struct Case {
    token: String,
    /// The path to POST to (path parameters filled in).
    path: String,
    /// The body for an id; `variant` 1 is a different body than 0.
    body: BodyFn,
    /// A list whose `items` (or array) must hold the id exactly once.
    list: Option<String>,
    /// A member only the first answer (201) carries, `null` in a retry's: an API key's
    /// secret, which is stored hashed and cannot be shown again.
    first_only: Option<&'static str>,
}

async fn every_create_is_idempotent_under_concurrency(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let rep_token = app.token("acme", "rep1").await;
    let shop = app
        .customer(
            &t.admin,
            json!({"name": "Corner Shop", "owner_id": rep,
                   "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .await;
    let shop = shop["id"].as_str().unwrap().to_owned();
    let now = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
    let at = move |min_ago: i64| (now - chrono::Duration::minutes(min_ago)).to_rfc3339();
    // A visit to check out of.
    let visit = Uuid::now_v7();
    let (s, b) = app
        .post(
            &rep_token,
            "/api/v1/visits",
            json!({"id": visit, "customer_id": shop, "t": at(30), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 10}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");

    // A draft claim to add expenses to, and an approved one to pay.
    let (s, draft) = app
        .post(
            &t.admin,
            "/api/v1/claims",
            json!({"employee_id": rep, "period": "2026-08"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{draft}");
    let draft = draft["id"].as_str().unwrap().to_owned();
    let (_, approved) = app
        .post(
            &t.admin,
            "/api/v1/claims",
            json!({"employee_id": rep, "period": "2026-09"}),
        )
        .await;
    let approved = approved["id"].as_str().unwrap().to_owned();
    let (s, b) = app
        .post(
            &t.admin,
            &format!("/api/v1/claims/{approved}/submit"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = app
        .post(
            &t.admin,
            &format!("/api/v1/claims/{approved}/decision"),
            json!({"decision": "approved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    let doc: Value = app
        .client
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let creates = client_id_creates(&doc);
    for must in [
        "/api/v1/customers",
        "/api/v1/departments",
        "/api/v1/employees",
        "/api/v1/geofences",
        "/api/v1/forms",
        "/api/v1/devices",
        "/api/v1/visits",
        "/api/v1/attendance/clock-in",
        "/api/v1/api-keys",
        "/api/v1/report-schedules",
        "/api/v1/webhooks",
    ] {
        assert!(
            creates.iter().any(|c| c == must),
            "{must} among {creates:?}"
        );
    }

    let (root, rep2) = (t.root_dept.clone(), rep.clone());
    let shop2 = shop.clone();
    let at2 = at;
    let tomorrow = (now + chrono::Duration::days(1)).date_naive().to_string();
    let admin = t.admin.clone();
    let case = |path: &str| -> Option<Case> {
        let name = |v: u8| if v == 0 { "First" } else { "Second" };
        let (token, body, list): (&str, BodyFn, Option<&str>) = match path {
            "/api/v1/customers" => {
                let rep = rep2.clone();
                (
                    &admin,
                    Box::new(move |id, v| {
                        json!({"id": id, "name": name(v), "owner_id": rep,
                        "location": {"lat": SHOP.0, "lon": SHOP.1}})
                    }),
                    Some("/api/v1/customers?limit=100"),
                )
            }
            "/api/v1/departments" => {
                let root = root.clone();
                (
                    &admin,
                    Box::new(move |id, v| json!({"id": id, "name": name(v), "parent_id": root})),
                    Some("/api/v1/departments"),
                )
            }
            "/api/v1/employees" => {
                let root = root.clone();
                (
                    &admin,
                    Box::new(move |id: Uuid, v| {
                        json!({"id": id, "name": name(v), "department_id": root,
                        "role": "field", "username": format!("u{}", id.simple())})
                    }),
                    Some("/api/v1/employees?limit=100"),
                )
            }
            "/api/v1/geofences" => (
                &admin,
                Box::new(move |id, v| {
                    json!({"id": id, "name": name(v),
                    "center": {"lat": SHOP.0, "lon": SHOP.1}, "radius_m": 100})
                }),
                Some("/api/v1/geofences"),
            ),
            "/api/v1/report-schedules" => (
                &admin,
                Box::new(move |id, v| {
                    json!({"id": id, "report": "visit_detail", "cadence": "daily",
                    "hour": 6 + v, "recipients": ["ops@example.com"]})
                }),
                Some("/api/v1/report-schedules"),
            ),
            "/api/v1/forms" => (
                &admin,
                Box::new(move |id, v| {
                    json!({"id": id, "name": name(v),
                    "fields": [{"key": "note", "label": "Note", "type": "text"}]})
                }),
                Some("/api/v1/forms"),
            ),
            "/api/v1/devices" => {
                let rep = rep2.clone();
                (
                    &admin,
                    Box::new(move |id: Uuid, v| {
                        json!({"id": id, "employee_id": rep,
                        "identifier": format!("{}{v}", &id.simple().to_string()[20..])})
                    }),
                    Some("/api/v1/devices"),
                )
            }
            "/api/v1/attendance/clock-in" | "/api/v1/attendance/clock-out" => {
                let t = at2(5);
                (
                    &rep_token,
                    Box::new(move |id, v| {
                        json!({"id": id, "t": t, "lat": SHOP.0, "lon": SHOP.1,
                        "accuracy_m": 10 + v as i32})
                    }),
                    None,
                )
            }
            "/api/v1/attendance/corrections" => (
                &rep_token,
                Box::new(move |id, v| {
                    json!({"id": id,
                    "kind": "clock_in", "t": "2026-01-05T08:55:00+08:00", "reason": name(v)})
                }),
                None,
            ),
            "/api/v1/attendance/leave" => {
                let d = tomorrow.clone();
                (
                    &rep_token,
                    Box::new(move |id, v| {
                        json!({"id": id, "from": d, "to": d,
                        "leave_type": "annual", "reason": name(v)})
                    }),
                    None,
                )
            }
            "/api/v1/requests" => (
                &rep_token,
                Box::new(
                    move |id, v| json!({"id": id, "type": "overtime", "payload": {"hours": 2, "reason": name(v)}}),
                ),
                Some("/api/v1/requests?type=overtime"),
            ),
            "/api/v1/visits" => {
                let (shop, t) = (shop2.clone(), at2(20));
                (
                    &rep_token,
                    Box::new(move |id, v| {
                        json!({"id": id, "customer_id": shop, "t": t,
                        "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 10 + v as i32})
                    }),
                    Some("/api/v1/visits"),
                )
            }
            "/api/v1/visits/{id}/check-out" => {
                let t = at2(2);
                (
                    &rep_token,
                    Box::new(move |id, v| {
                        json!({"id": id, "t": t, "lat": SHOP.0, "lon": SHOP.1,
                        "accuracy_m": 10 + v as i32})
                    }),
                    None,
                )
            }
            "/api/v1/api-keys" => (
                &admin,
                Box::new(
                    move |id, v| json!({"id": id, "name": name(v), "scopes": ["customers:read"]}),
                ),
                Some("/api/v1/api-keys"),
            ),
            // Disabled, at a public address: nothing is ever sent.
            "/api/v1/webhooks" => (
                &admin,
                Box::new(move |id, v| {
                    json!({"id": id, "url": "http://93.184.216.34/hook", "enabled": false,
                        "description": name(v)})
                }),
                Some("/api/v1/webhooks"),
            ),
            "/api/v1/claims/{id}/expenses" => {
                return Some(Case {
                    token: admin.clone(),
                    path: format!("/api/v1/claims/{draft}/expenses"),
                    body: Box::new(move |id, v| {
                        json!({"id": id, "category": "toll", "amount_minor": 100 + i64::from(v),
                        "date": "2026-08-03"})
                    }),
                    list: None,
                    first_only: None,
                });
            }
            "/api/v1/payouts" => {
                let claim = approved.clone();
                (
                    &admin,
                    Box::new(
                        move |id, v| json!({"id": id, "reference": format!("REF-{v}"), "claim_ids": [claim]}),
                    ),
                    None,
                )
            }
            _ => return None,
        };
        Some(Case {
            token: token.to_owned(),
            path: path.replace("{id}", &visit.to_string()),
            body,
            list: list.map(str::to_owned),
            first_only: match path {
                "/api/v1/api-keys" => Some("key"),
                "/api/v1/webhooks" => Some("secret"),
                _ => None,
            },
        })
    };

    for path in &creates {
        let Some(c) = case(path) else {
            panic!("{path} takes a client id: give it a case in idempotent_creates.rs");
        };
        let id = Uuid::now_v7();
        let body = (c.body)(id, 0);
        let answers = futures_util::future::join_all(
            (0..COPIES).map(|_| app.post(&c.token, &c.path, body.clone())),
        )
        .await;
        let created: Vec<&(StatusCode, Value)> = answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .collect();
        assert_eq!(created.len(), 1, "{path}: one 201 among {answers:?}");
        let first = &created[0].1;
        // What a retry answers: the first result, less what only the first may show.
        let mut replayed = first.clone();
        if let Some(member) = c.first_only {
            assert!(first[member].is_string(), "{path}: the 201 shows {member}");
            replayed[member] = Value::Null;
        }
        for (s, b) in &answers {
            match *s {
                StatusCode::CREATED => assert_eq!(b, first),
                StatusCode::OK => {
                    assert_eq!(b, &replayed, "{path}: every copy answers the first result")
                }
                _ => panic!("{path}: {s} {b}"),
            }
        }
        if let Some(list) = &c.list {
            let (s, l) = app.get(&t.admin, list).await;
            assert_eq!(s, StatusCode::OK, "{list}: {l}");
            let items = l.get("items").unwrap_or(&l).as_array().unwrap();
            let n = items.iter().filter(|i| i["id"] == json!(id)).count();
            assert_eq!(n, 1, "{path}: one row under the id in {l}");
        }
        // A later retry still answers the first result.
        let (s, b) = app.post(&c.token, &c.path, body.clone()).await;
        assert_eq!((s, &b), (StatusCode::OK, &replayed), "{path}: a late retry");
        // Another body under the same id: 409, concurrently too.
        let other = (c.body)(id, 1);
        let answers = futures_util::future::join_all(
            (0..COPIES).map(|_| app.post(&c.token, &c.path, other.clone())),
        )
        .await;
        for (s, b) in &answers {
            assert_error(*s, b, StatusCode::CONFLICT, "id_reused");
        }
    }
}
