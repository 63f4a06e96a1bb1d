//! The change feed: events written with their changes, read in order from a cursor, by
//! admins and keys with `events:read` only, within their tenant.

use crate::harness::{TestApp, assert_error, both_backends};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

both_backends!(the_feed_follows_changes_in_order);

async fn feed(app: &TestApp, token: &str, query: &str) -> Value {
    let (s, b) = app.get(token, &format!("/api/v1/events{query}")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

async fn post_fixes(app: &TestApp, token: &str, hour: u32) {
    let fixes: Vec<Value> = (0..20)
        .map(|i| {
            json!({"t": format!("2026-11-25T{hour}:{i:02}:00+08:00"),
            "lat": 31.23 + f64::from(i) * 0.001, "lon": 121.47, "accuracy_m": 8})
        })
        .collect();
    let (s, b) = app
        .post(token, "/api/v1/locations", json!({"fixes": fixes}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

/// Waits until the feed after `after` holds a `track_day.updated`; answers the page.
async fn next_day_update(app: &TestApp, token: &str, after: &str) -> Value {
    for _ in 0..150 {
        let page = feed(
            app,
            token,
            &format!("?type=track_day.updated&after={after}"),
        )
        .await;
        if !page["items"].as_array().unwrap().is_empty() {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no track_day.updated event within 30 s");
}

async fn the_feed_follows_changes_in_order(app: &TestApp) {
    let t = app.tenant("acme").await;
    let other = app.tenant("other").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let rep_token = app.token("acme", "rep1").await;

    let start = feed(app, &t.admin, "").await;
    let cursor0 = start["next_cursor"].as_str().unwrap().to_owned();
    post_fixes(app, &rep_token, 10).await;
    let first = next_day_update(app, &t.admin, &cursor0).await;
    let e = &first["items"][0];
    assert_eq!(e["subject_id"], rep.as_str());
    assert_eq!(e["payload"]["day"], "2026-11-25");
    let km1 = e["payload"]["mileage_m"].as_f64().unwrap();
    assert!(km1 > 1000.0, "{e}");

    // More fixes later that day: a second event after the first one's cursor, with the
    // longer day; the first is not repeated.
    let cursor1 = first["next_cursor"].as_str().unwrap().to_owned();
    post_fixes(app, &rep_token, 11).await;
    let second = next_day_update(app, &t.admin, &cursor1).await;
    let items = second["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{second}");
    assert_ne!(items[0]["id"], e["id"]);
    assert!(items[0]["payload"]["mileage_m"].as_f64().unwrap() > km1);
    // Read from the start: both, in order.
    let all = feed(app, &t.admin, "?type=track_day.updated").await;
    let ids: Vec<&Value> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["id"])
        .collect();
    assert_eq!(ids, [&e["id"], &items[0]["id"]]);

    // Another tenant's feed holds none of it (only its own root department's and first
    // admin's creation); reps and managers may not read feeds.
    let theirs = feed_through(app, &other.admin, &other.admin_id).await;
    let theirs: Vec<(&Value, &Value)> = theirs
        .iter()
        .map(|e| (&e["type"], &e["subject_id"]))
        .collect();
    assert_eq!(
        theirs,
        [
            (&json!("department.created"), &json!(other.root_dept)),
            (&json!("employee.created"), &json!(other.admin_id))
        ]
    );
    let (s, b) = app.get(&rep_token, "/api/v1/events").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (s, b) = app.get(&t.admin, "/api/v1/events?after=nonsense").await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
    let (s, b) = app
        .get(&t.admin, "/api/v1/events?type=visit.teleported")
        .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");

    // An integration key with events:read follows the same feed.
    let (s, k) = app
        .post(
            &t.admin,
            "/api/v1/api-keys",
            json!({"name": "ERP", "scopes": ["events:read"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let key = k["key"].as_str().unwrap();
    let by_key = feed(app, key, "?type=track_day.updated").await;
    assert_eq!(by_key["items"], all["items"]);
    let (s, b) = app.get(key, "/api/v1/customers").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "missing_scope");
}

both_backends!(every_change_writes_its_event_once);

/// The whole feed of a tenant from the start, page by page, once it holds an event of
/// `marker` (the subject of the last change made): on PostgreSQL an event shows only
/// once no older transaction is running, and every change before the marker's committed
/// before it began.
async fn feed_through(app: &TestApp, token: &str, marker: &str) -> Vec<Value> {
    for _ in 0..150 {
        let mut all = Vec::new();
        let mut after = String::new();
        loop {
            let page = feed(app, token, &format!("?limit=500{after}")).await;
            let items = page["items"].as_array().unwrap().clone();
            if items.is_empty() {
                break;
            }
            all.extend(items);
            after = format!("&after={}", page["next_cursor"].as_str().unwrap());
        }
        if all.iter().any(|e| e["subject_id"] == marker) {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the marker's event did not show within 30 s");
}

async fn every_change_writes_its_event_once(app: &TestApp) {
    use uuid::Uuid;
    let t = app.tenant("acme").await;
    let (s, form) = app
        .post(
            &t.admin,
            "/api/v1/forms",
            json!({"name": "Shelf", "fields": [{"key": "facings", "label": "Facings", "type": "number"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{form}");
    let form = form["id"].as_str().unwrap().to_owned();
    let now = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
    let at = |min: i64| (now - chrono::Duration::minutes(30 - min)).to_rfc3339();
    let today = now.date_naive().to_string();
    let leave_day = (now.date_naive() + chrono::Days::new(10)).to_string();
    let (shop_at, other_at) = ((31.2304, 121.4737), (31.24, 121.48));

    // Each step as the admin or the phone sends it; `replays` are sent again at the end
    // with the same ids and bodies, and must change nothing.
    let mut replays: Vec<(String, &'static str, String, Value)> = Vec::new();
    let mut send = async |token: &str, method: &'static str, path: String, body: Value| {
        let (s, b) = match method {
            "POST" => app.post(token, &path, body.clone()).await,
            _ => app.put(token, &path, body.clone()).await,
        };
        assert!(s.is_success(), "{method} {path}: {s} {b}");
        replays.push((token.to_owned(), method, path, body));
        b
    };

    let rep = Uuid::now_v7();
    let person = json!({"id": rep, "name": "Rep One", "username": "rep1", "password": crate::harness::PASSWORD,
                        "department_id": t.root_dept, "role": "field", "employee_no": "NO-1"});
    send(&t.admin, "POST", "/api/v1/employees".into(), person).await;
    let renamed = json!({"name": "Rep Uno", "username": "rep1", "department_id": t.root_dept,
                         "role": "field", "employee_no": "NO-1"});
    send(&t.admin, "PUT", format!("/api/v1/employees/{rep}"), renamed).await;
    let phone = app.token("acme", "rep1").await;

    let shop = Uuid::now_v7();
    let shop_body = json!({"id": shop, "name": "Corner Shop", "code": "C1", "owner_id": rep,
                           "location": {"lat": shop_at.0, "lon": shop_at.1}});
    send(&t.admin, "POST", "/api/v1/customers".into(), shop_body).await;
    let shop_edit = json!({"name": "Corner Shop 2", "code": "C1", "owner_id": rep,
                           "location": {"lat": shop_at.0, "lon": shop_at.1}});
    send(
        &t.admin,
        "PUT",
        format!("/api/v1/customers/{shop}"),
        shop_edit,
    )
    .await;

    let punch = Uuid::now_v7();
    let clock_in =
        json!({"id": punch, "t": at(0), "lat": shop_at.0, "lon": shop_at.1, "accuracy_m": 10});
    send(
        &phone,
        "POST",
        "/api/v1/attendance/clock-in".into(),
        clock_in,
    )
    .await;
    let visit = Uuid::now_v7();
    let fix = |id: Uuid, min: i64| json!({"id": id, "t": at(min), "lat": shop_at.0, "lon": shop_at.1, "accuracy_m": 10});
    let mut check_in = fix(visit, 5);
    check_in["customer_id"] = json!(shop);
    send(&phone, "POST", "/api/v1/visits".into(), check_in).await;
    let report =
        json!({"id": Uuid::now_v7(), "form_id": form, "answers": {"facings": 4}, "t": at(10)});
    send(
        &phone,
        "PUT",
        format!("/api/v1/visits/{visit}/report"),
        report,
    )
    .await;
    let out = fix(Uuid::now_v7(), 20);
    let checked_out = send(
        &phone,
        "POST",
        format!("/api/v1/visits/{visit}/check-out"),
        out,
    )
    .await;
    assert_eq!(checked_out["customer_id"], shop.to_string());

    let leave = Uuid::now_v7();
    let ask = json!({"id": leave, "from": leave_day, "to": leave_day, "leave_type": "annual", "reason": "family"});
    send(&phone, "POST", "/api/v1/attendance/leave".into(), ask).await;
    let decision = json!({"status": "approved"});
    let decide = format!("/api/v1/attendance/requests/{leave}/decision");
    let (s, b) = app.post(&t.admin, &decide, decision.clone()).await;
    assert_eq!(s, StatusCode::OK, "{b}");

    let day = json!({"customer_ids": [shop]});
    let (s, b) = app
        .put(&t.admin, &format!("/api/v1/plans/{rep}/{today}"), day)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let range = json!({"department_id": t.root_dept, "from": today, "to": today});
    send(&t.admin, "POST", "/api/v1/plans/publish".into(), range).await;

    // A prospect found on the road: created with its check-in, then approved.
    let prospect_visit = Uuid::now_v7();
    let mut found = json!({"id": prospect_visit, "prospect": {"name": "Noodle Bar"}, "t": at(25),
                           "lat": other_at.0, "lon": other_at.1, "accuracy_m": 10});
    send(&phone, "POST", "/api/v1/visits".into(), found.clone()).await;
    let (_, v) = app
        .get(&t.admin, &format!("/api/v1/visits/{prospect_visit}"))
        .await;
    let prospect = v["customer_id"].as_str().unwrap().to_owned();
    let approve = format!("/api/v1/customers/{prospect}/approve");
    send(&t.admin, "POST", approve, json!({})).await;

    // Failed changes write nothing: a refused body, a code another customer has (the
    // insert fails inside its transaction), a reused visit id with another body.
    let (s, b) = app
        .post(
            &t.admin,
            "/api/v1/customers",
            json!({"name": "", "level": "Z"}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let taken = json!({"id": Uuid::now_v7(), "name": "Copy", "code": "C1"});
    let (s, b) = app.post(&t.admin, "/api/v1/customers", taken).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    found["t"] = json!(at(26));
    let (s, b) = app.post(&phone, "/api/v1/visits", found).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");

    // Every change again with the same ids and bodies, and a second decision.
    for (token, method, path, body) in &replays {
        let (s, b) = match *method {
            "POST" => app.post(token, path, body.clone()).await,
            _ => app.put(token, path, body.clone()).await,
        };
        assert!(s.is_success(), "replayed {method} {path}: {s} {b}");
    }
    let (s, b) = app.post(&t.admin, &decide, decision).await;
    assert!(s.is_client_error(), "{b}");

    let (s, _) = app
        .delete(&t.admin, &format!("/api/v1/customers/{shop}"))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app
        .delete(&t.admin, &format!("/api/v1/customers/{shop}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let marker = app
        .customer(&t.admin, json!({"name": "Marker", "owner_id": rep}))
        .await;
    let marker = marker["id"].as_str().unwrap().to_owned();

    let events = feed_through(app, &t.admin, &marker).await;
    let names = [
        (t.admin_id.clone(), "admin"),
        (rep.to_string(), "rep"),
        (shop.to_string(), "shop"),
        (punch.to_string(), "punch"),
        (visit.to_string(), "visit"),
        (leave.to_string(), "leave"),
        (prospect_visit.to_string(), "prospect visit"),
        (prospect.clone(), "prospect"),
        (marker.clone(), "marker"),
        (t.root_dept.clone(), "root"),
    ];
    let seen: Vec<(String, &str)> = events
        .iter()
        .filter(|e| e["type"] != "track_day.updated")
        .map(|e| {
            let subject = e["subject_id"].as_str().unwrap_or_default();
            let name = names
                .iter()
                .find(|(id, _)| id == subject)
                .map_or("another", |(_, n)| n);
            (e["type"].as_str().unwrap().to_owned(), name)
        })
        .collect();
    let want = [
        ("department.created", "root"),
        ("employee.created", "admin"),
        ("employee.created", "rep"),
        ("employee.updated", "rep"),
        ("customer.created", "shop"),
        ("customer.updated", "shop"),
        ("attendance.punched", "punch"),
        ("visit.checked_in", "visit"),
        ("visit.reported", "visit"),
        ("visit.checked_out", "visit"),
        ("request.created", "leave"),
        ("approval.submitted", "leave"),
        ("request.decided", "leave"),
        ("approval.decided", "leave"),
        ("approval.finished", "leave"),
        ("plan.published", "rep"),
        ("customer.created", "prospect"),
        ("visit.checked_in", "prospect visit"),
        ("customer.approved", "prospect"),
        ("customer.deleted", "shop"),
        ("customer.created", "marker"),
    ];
    let want: Vec<(String, &str)> = want.iter().map(|(k, n)| (k.to_string(), *n)).collect();
    assert_eq!(seen, want);

    // The payloads name what changed, as the document says.
    let payload = |kind: &str| {
        events
            .iter()
            .find(|e| e["type"] == kind)
            .map(|e| e["payload"].clone())
            .unwrap()
    };
    let mut out = payload("visit.checked_out");
    let out_at = out["at"].take();
    assert_eq!(
        out,
        json!({"visit_id": visit, "employee_id": rep, "customer_id": shop, "at": null})
    );
    let out_at = chrono::DateTime::parse_from_rfc3339(out_at.as_str().unwrap()).unwrap();
    let sent = chrono::DateTime::parse_from_rfc3339(&at(20)).unwrap();
    assert_eq!(out_at.timestamp_millis(), sent.timestamp_millis());
    assert_eq!(out_at.offset().local_minus_utc(), 0, "UTC");
    assert_eq!(
        payload("visit.reported"),
        json!({"visit_id": visit, "employee_id": rep, "form_id": form, "form_version": 1})
    );
    assert_eq!(payload("attendance.punched")["kind"], "clock_in");
    assert_eq!(payload("attendance.punched")["punch_id"], punch.to_string());
    assert_eq!(
        payload("request.created"),
        json!({"request_id": leave, "employee_id": rep, "kind": "leave"})
    );
    assert_eq!(
        payload("request.decided"),
        json!({"request_id": leave, "status": "approved"})
    );
    assert_eq!(
        payload("plan.published"),
        json!({"employee_id": rep, "days": [today]})
    );
    assert_eq!(
        payload("customer.approved"),
        json!({"customer_id": prospect})
    );
}

both_backends!(an_import_writes_an_event_per_changed_row);

async fn an_import_writes_an_event_per_changed_row(app: &TestApp) {
    let t = app.tenant("acme").await;
    let import = async |csv: &str| {
        let (s, r) =
            crate::import::upload(app, &t.admin, "c.csv", csv.as_bytes().to_vec(), false).await;
        assert_eq!(s, StatusCode::OK, "{r}");
    };
    import("name,code,level\nFirst,C1,A\nSecond,C2,B\n").await;
    // The same file again, then one row changed: only that row is an update.
    import("name,code,level\nFirst,C1,A\nSecond,C2,B\n").await;
    import("name,code,level\nFirst,C1,A\nSecond renamed,C2,B\n").await;
    let (s, _) = app
        .post(&t.admin, "/api/v1/customers", json!({"name": "Marker"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, list) = app.get(&t.admin, "/api/v1/customers?limit=500").await;
    let by_name = |name: &str| -> String {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let (first, second, marker) = (
        by_name("First"),
        by_name("Second renamed"),
        by_name("Marker"),
    );
    let events = feed_through(app, &t.admin, &marker).await;
    let seen: Vec<(&str, &str)> = events
        .iter()
        .filter(|e| e["type"].as_str().unwrap().starts_with("customer."))
        .map(|e| {
            let subject = e["subject_id"].as_str().unwrap();
            let name = [(&first, "C1"), (&second, "C2"), (&marker, "marker")]
                .iter()
                .find(|(id, _)| id.as_str() == subject)
                .map_or("another", |(_, n)| n);
            (e["type"].as_str().unwrap(), name)
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("customer.created", "C1"),
            ("customer.created", "C2"),
            ("customer.updated", "C2"),
            ("customer.created", "marker"),
        ]
    );
}
