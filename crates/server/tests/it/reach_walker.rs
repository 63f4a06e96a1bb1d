//! The reference-reach walker. It reads the served OpenAPI document, takes EVERY write
//! operation (POST/PUT/PATCH/DELETE) and, for each id in its path and each id-typed field
//! of its request body, sends an id the caller cannot reach: another department's object
//! as a manager, another tenant's as an admin. The write must not succeed, a body id must
//! answer like a missing one (422 naming the field, `not_found`), and no later read by the
//! caller (or by the rep whose plan the manager edits) may show that object's data.
//!
//! Generic over the document: a new write operation is walked automatically. The only
//! explicit tables are `body_for` (a valid body per operation, so the request gets as far
//! as resolving its references) and `kind_of` (which kind of object an id names); an
//! id-typed field the tables do not know fails the test instead of being skipped.

use crate::harness::{TestApp, both_backends};
use crate::visits::camera_photo;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

const SHOP: (f64, f64) = (31.2304, 121.4737);
/// Every object the callers must never reach carries one of these in its name.
const WEST: &str = "leakwest";
const OTHER_TENANT: &str = "leakother";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Customer,
    Employee,
    Department,
    Geofence,
    Form,
    Photo,
    Visit,
    Device,
    ApiKey,
    Request,
    Job,
    Claim,
    ReportSchedule,
    Webhook,
    /// A webhook delivery attempt (in its endpoint's log).
    Delivery,
    /// Someone's in-app notification (only its person reaches it).
    Notification,
}

/// What kind of object an id-typed name refers to, given the operation's path. `None`
/// means the id names no stored object (an action's own client id).
fn kind_of(path: &str, method: &Method, name: &str) -> Option<Option<Kind>> {
    let segment = |p: &str| -> Option<Kind> {
        Some(match p {
            "customers" => Kind::Customer,
            "employees" => Kind::Employee,
            "departments" => Kind::Department,
            "geofences" => Kind::Geofence,
            "forms" => Kind::Form,
            "photos" => Kind::Photo,
            "visits" => Kind::Visit,
            "devices" => Kind::Device,
            "api-keys" => Kind::ApiKey,
            "requests" | "leave" | "corrections" => Kind::Request,
            "jobs" => Kind::Job,
            "claims" => Kind::Claim,
            "report-schedules" => Kind::ReportSchedule,
            "webhooks" => Kind::Webhook,
            "notifications" => Kind::Notification,
            _ => return None,
        })
    };
    // Path parameters other than `{id}` are named like body fields.
    let name = match name {
        "{id}" => name,
        _ => name.trim_start_matches('{').trim_end_matches('}'),
    };
    let leaf = name.rsplit('.').next().unwrap_or(name);
    let leaf = leaf.split('[').next().unwrap_or(leaf);
    Some(Some(match leaf {
        "customer_id" | "customer_ids" => Kind::Customer,
        "employee_id" | "owner_id" => Kind::Employee,
        "department_id" | "parent_id" | "scope" | "jit_department_id" => Kind::Department,
        "fence_ids" => Kind::Geofence,
        "form_id" | "default_form_id" => Kind::Form,
        "photo_id" | "photo_ids" => Kind::Photo,
        "claim_ids" => Kind::Claim,
        "delivery_id" => Kind::Delivery,
        "webhook_id" => Kind::Webhook,
        // An external id names the object of the collection before `by-external-id`
        // (the walker gives the objects it must not reach their own id as external id).
        "external_id" if path.contains("/by-external-id/") => {
            let before = path.split("/by-external-id").next()?.rsplit('/').next()?;
            return Some(Some(segment(before)?));
        }
        // A path `{id}` names the object of the segment before it.
        "{id}" => {
            let before = path.split("/{id}").next()?.rsplit('/').next()?;
            return Some(Some(segment(before)?));
        }
        // A body `id` is a reference only when it creates in a collection; on a
        // sub-action (check-out, report, clock-in) or a replace it is the action's own id.
        "id" => {
            if *method != Method::POST || path.contains('{') {
                return Some(None);
            }
            match path.rsplit('/').next().and_then(segment) {
                Some(k) => k,
                None => return Some(None),
            }
        }
        _ => return None,
    }))
}

/// The fixture world: objects the caller reaches (`own`) and the ones it must not reach.
struct World {
    admin_a: String,
    mgr_east: String,
    rep_east_token: String,
    rep_east: String,
    own: HashMap<Kind, String>,
    /// The admin's own visit (visit sub-actions are the visitor's own).
    admin_visit: String,
    /// Per caller: objects of another department (manager) — same tenant.
    west: HashMap<Kind, String>,
    /// Objects of tenant B.
    other: HashMap<Kind, String>,
    east: String,
    fence_a: String,
    form_a: String,
    date: String,
}

fn id(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_owned()
}

async fn ok(app: &TestApp, token: &str, method: Method, path: &str, body: Value) -> Value {
    let (s, b) = app.call(method, Some(token), path, Some(&body)).await;
    assert!(s.is_success(), "{path}: {s} {b}");
    b
}

/// A rep checks in at a customer ten minutes ago; returns the visit id.
async fn visit(app: &TestApp, token: &str, customer: &str) -> String {
    let t = chrono::Utc::now() - chrono::Duration::minutes(10);
    let v = ok(app, token, Method::POST, "/api/v1/visits",
        json!({"id": Uuid::now_v7(), "customer_id": customer, "t": t.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5})).await;
    id(&v)
}

async fn photo(app: &TestApp, token: &str, seed: u64) -> String {
    let t = chrono::Utc::now() - chrono::Duration::minutes(5);
    let (s, p) = app
        .upload(
            token,
            "/api/v1/photos",
            json!({"id": Uuid::now_v7(), "t": t.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1, "capture": "camera"}),
            camera_photo(seed, &t.format("%Y:%m:%d %H:%M:%S").to_string(), SHOP),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    id(&p)
}

/// A tenant's department, manager, rep, customer, fence, form, photo, visit, device, key
/// and leave request, every name carrying `tag`.
async fn populate(
    app: &TestApp,
    slug: &str,
    admin: &str,
    parent: &str,
    tag: &str,
    tenant_wide: bool,
) -> HashMap<Kind, String> {
    let mut m = HashMap::new();
    let dept = app
        .department(admin, &format!("{tag} dept"), Some(parent))
        .await;
    let rep = app
        .employee(admin, &dept, &format!("{tag}rep"), "field")
        .await;
    let mgr = app
        .employee(admin, &dept, &format!("{tag}mgr"), "manager")
        .await;
    let rep_token = app.token(slug, &format!("{tag}rep")).await;
    let c = app
        .customer(admin, json!({"name": format!("{tag} shop"), "owner_id": rep,
                                 "address": format!("{tag} road"), "location": {"lat": SHOP.0, "lon": SHOP.1}}))
        .await;
    m.insert(Kind::Customer, id(&c));
    m.insert(Kind::Department, dept);
    m.insert(Kind::Employee, rep);
    tag_external_ids(app, admin, &m).await;
    m.insert(Kind::Visit, visit(app, &rep_token, &id(&c)).await);
    m.insert(Kind::Photo, photo(app, &rep_token, 7).await);
    let d = ok(
        app,
        admin,
        Method::POST,
        "/api/v1/devices",
        json!({"employee_id": m[&Kind::Employee], "name": format!("{tag} phone")}),
    )
    .await;
    m.insert(Kind::Device, id(&d));
    let r = ok(app, &rep_token, Method::POST, "/api/v1/attendance/leave",
        json!({"id": Uuid::now_v7(), "from": "2030-01-07", "to": "2030-01-08", "leave_type": tag, "reason": format!("{tag} reason")})).await;
    m.insert(Kind::Request, id(&r));
    let c = ok(
        app,
        admin,
        Method::POST,
        "/api/v1/claims",
        json!({"employee_id": m[&Kind::Employee], "period": "2030-01"}),
    )
    .await;
    m.insert(Kind::Claim, id(&c));
    let tenant = app.store.tenant_by_slug(slug).await.unwrap().unwrap().id;
    m.insert(
        Kind::Notification,
        notification(app, tenant, &m[&Kind::Employee]).await,
    );
    let sch = ok(
        app,
        admin,
        Method::POST,
        "/api/v1/report-schedules",
        json!({"report": "visit_detail", "cadence": "daily", "owner_id": mgr,
            "recipients": [format!("{tag}@example.com")]}),
    )
    .await;
    m.insert(Kind::ReportSchedule, id(&sch));
    if tenant_wide {
        let g = ok(app, admin, Method::POST, "/api/v1/geofences",
            json!({"name": format!("{tag} fence"), "center": {"lat": SHOP.0, "lon": SHOP.1}, "radius_m": 150})).await;
        m.insert(Kind::Geofence, id(&g));
        let f = ok(app, admin, Method::POST, "/api/v1/forms",
            json!({"name": format!("{tag} form"), "fields": [{"key": "ok", "label": format!("{tag} label"), "type": "boolean"}]})).await;
        m.insert(Kind::Form, id(&f));
        let k = ok(
            app,
            admin,
            Method::POST,
            "/api/v1/api-keys",
            json!({"name": format!("{tag} key"), "scopes": ["customers:read"]}),
        )
        .await;
        m.insert(Kind::ApiKey, id(&k["api_key"]));
        let (hook, delivery) = webhook(app, admin, slug, tag).await;
        m.insert(Kind::Webhook, hook);
        m.insert(Kind::Delivery, delivery);
    }
    m
}

/// Gives a customer, a person and a department their own id as external id, so the
/// `by-external-id` routes can be walked with it.
async fn tag_external_ids(app: &TestApp, admin: &str, m: &HashMap<Kind, String>) {
    for (kind, collection) in [
        (Kind::Customer, "customers"),
        (Kind::Employee, "employees"),
        (Kind::Department, "departments"),
    ] {
        let id = &m[&kind];
        let (_, cur) = app.get(admin, &format!("/api/v1/{collection}/{id}")).await;
        let mut body = cur.clone();
        let obj = body.as_object_mut().unwrap();
        obj.retain(|k, _| {
            [
                "name",
                "code",
                "address",
                "level",
                "tags",
                "owner_id",
                "username",
                "employee_no",
                "department_id",
                "role",
                "parent_id",
            ]
            .contains(&k.as_str())
        });
        obj.retain(|_, v| !v.is_null());
        if let Some(l) = cur.get("location").filter(|l| l.is_object()) {
            body["location"] = json!({"lat": l["lat"], "lon": l["lon"]});
        }
        body["external_id"] = json!(id);
        ok(
            app,
            admin,
            Method::PUT,
            &format!("/api/v1/{collection}/{id}"),
            body,
        )
        .await;
    }
}

/// A disabled webhook endpoint (a public address, never called) and one logged attempt.
async fn webhook(app: &TestApp, admin: &str, slug: &str, tag: &str) -> (String, String) {
    let w = ok(
        app,
        admin,
        Method::POST,
        "/api/v1/webhooks",
        json!({"url": "http://93.184.216.34/hook", "enabled": false, "description": format!("{tag} hook")}),
    )
    .await;
    let hook = id(&w["webhook"]);
    let tenant = app.store.tenant_by_slug(slug).await.unwrap().unwrap().id;
    let delivery = Uuid::now_v7();
    app.store
        .log_delivery(
            tenant,
            &storage::DeliveryRecord {
                id: delivery,
                endpoint_id: hook.parse().unwrap(),
                event_id: Uuid::now_v7(),
                event_type: "webhook.test".into(),
                attempt: 1,
                requested_ms: chrono::Utc::now().timestamp_millis(),
                status: Some(200),
                latency_ms: 5,
                error: None,
                next_attempt_ms: None,
            },
        )
        .await
        .unwrap();
    (hook, delivery.to_string())
}

/// A notification for `employee` (as the notifications job stores them).
async fn notification(app: &TestApp, tenant: domain::TenantId, employee: &str) -> String {
    let dedupe = format!("walk:{}", Uuid::now_v7());
    let item = storage::NewNotification {
        employee_id: employee.parse().unwrap(),
        kind: "approval_waiting",
        dedupe: dedupe.clone(),
        request_id: None,
        request_type: Some("leave".into()),
        status: None,
        claim_id: None,
        actor_id: None,
        created_ms: chrono::Utc::now().timestamp_millis(),
    };
    // The cursor stays; a run of the job moving it meanwhile makes this try again.
    for _ in 0..20 {
        let at = app.store.notification_cursor(tenant).await.unwrap();
        if app
            .store
            .advance_notifications(tenant, at, at, std::slice::from_ref(&item))
            .await
            .unwrap()
        {
            break;
        }
    }
    let page = app
        .store
        .notifications(
            tenant,
            domain::EmployeeId(employee.parse().unwrap()),
            false,
            None,
            50,
        )
        .await
        .unwrap();
    page.items[0].id.to_string()
}

/// A job of the tenant that waits a day (no worker takes it during the walk).
async fn dead_job(app: &TestApp, tenant: domain::TenantId) -> String {
    let job = storage::NewJob::new(tenant, "reach_walk", "{}".into())
        .keyed(Uuid::now_v7().to_string())
        .debounced(86_400_000, 86_400_000);
    app.store.enqueue(&job).await.unwrap();
    let page = app
        .store
        .list_jobs(tenant, None, Some("reach_walk"), None, 10)
        .await
        .unwrap();
    page.items[0].id.to_string()
}

async fn world(app: &TestApp) -> World {
    let a = app.tenant("reacha").await;
    let b = app.tenant("reachb").await;
    let mut other = populate(app, "reachb", &b.admin, &b.root_dept, OTHER_TENANT, true).await;
    other.insert(Kind::Job, dead_job(app, b.id).await);
    let west = populate(app, "reacha", &a.admin, &a.root_dept, WEST, false).await;
    // Tenant A's own side: the East department and the tenant-wide objects the admin owns.
    let east = app.department(&a.admin, "East", Some(&a.root_dept)).await;
    let rep_east = app.employee(&a.admin, &east, "eastrep", "field").await;
    app.employee(&a.admin, &east, "eastmgr", "manager").await;
    let mgr_east = app.token("reacha", "eastmgr").await;
    let rep_east_token = app.token("reacha", "eastrep").await;
    let c = app
        .customer(
            &a.admin,
            json!({"name": "East shop", "owner_id": rep_east,
                                    "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .await;
    let g = ok(
        app,
        &a.admin,
        Method::POST,
        "/api/v1/geofences",
        json!({"name": "A fence", "center": {"lat": SHOP.0, "lon": SHOP.1}, "radius_m": 150}),
    )
    .await;
    let f = ok(
        app,
        &a.admin,
        Method::POST,
        "/api/v1/forms",
        json!({"name": "A form", "fields": [{"key": "ok", "label": "OK", "type": "boolean"}]}),
    )
    .await;
    let k = ok(
        app,
        &a.admin,
        Method::POST,
        "/api/v1/api-keys",
        json!({"name": "A key", "scopes": ["customers:read"]}),
    )
    .await;
    let d = ok(
        app,
        &a.admin,
        Method::POST,
        "/api/v1/devices",
        json!({"employee_id": rep_east, "name": "East phone"}),
    )
    .await;
    let r = ok(app, &rep_east_token, Method::POST, "/api/v1/attendance/leave",
        json!({"id": Uuid::now_v7(), "from": "2030-01-07", "to": "2030-01-08", "leave_type": "annual", "reason": "rest"})).await;
    let mut own = HashMap::new();
    own.insert(Kind::Job, dead_job(app, a.id).await);
    own.insert(Kind::Customer, id(&c));
    own.insert(Kind::Employee, rep_east.clone());
    own.insert(Kind::Department, east.clone());
    own.insert(Kind::Geofence, id(&g));
    own.insert(Kind::Form, id(&f));
    own.insert(Kind::ApiKey, id(&k["api_key"]));
    own.insert(Kind::Device, id(&d));
    own.insert(Kind::Request, id(&r));
    let (hook, delivery) = webhook(app, &a.admin, "reacha", "A").await;
    own.insert(Kind::Webhook, hook);
    own.insert(Kind::Delivery, delivery);
    let claim = ok(
        app,
        &a.admin,
        Method::POST,
        "/api/v1/claims",
        json!({"employee_id": rep_east, "period": "2030-01"}),
    )
    .await;
    own.insert(Kind::Claim, id(&claim));
    own.insert(Kind::Notification, notification(app, a.id, &rep_east).await);
    let sch = ok(
        app,
        &mgr_east,
        Method::POST,
        "/api/v1/report-schedules",
        json!({"report": "visit_detail", "cadence": "daily", "recipients": ["east@example.com"]}),
    )
    .await;
    own.insert(Kind::ReportSchedule, id(&sch));
    let admin_visit = visit(app, &a.admin, &id(&c)).await;
    World {
        admin_a: a.admin,
        mgr_east,
        rep_east_token,
        rep_east,
        admin_visit,
        own,
        west,
        other,
        east,
        fence_a: id(&g),
        form_a: id(&f),
        date: "2030-01-07".into(),
    }
}

/// A valid body per write operation (with the caller's own references), so that a refused
/// request was refused for the reference, not for something else.
fn body_for(w: &World, method: &Method, path: &str) -> Option<Value> {
    let t = (chrono::Utc::now() - chrono::Duration::minutes(2)).to_rfc3339();
    let fix = json!({"id": Uuid::now_v7(), "t": t, "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5});
    Some(match (method.as_str(), path) {
        ("POST", "/api/v1/api-keys") => json!({"name": "k2", "scopes": ["customers:read"]}),
        ("PUT", "/api/v1/api-keys/settings") => json!({"default_rate_limit_per_minute": 100}),
        ("PUT", "/api/v1/api-keys/{id}/limits") => {
            json!({"expires_at": null, "rate_limit_per_minute": 100})
        }
        ("POST" | "PUT", "/api/v1/webhooks" | "/api/v1/webhooks/{id}") => {
            json!({"id": Uuid::now_v7(), "url": "http://93.184.216.34/hook", "enabled": false})
        }
        ("POST", "/api/v1/webhooks/{id}/redeliver") => {
            json!({"from": "2030-01-01T00:00:00Z", "to": "2030-01-02T00:00:00Z"})
        }
        ("PUT", "/api/v1/attendance-rules/{scope}") => json!({"weekdays": [1, 2, 3, 4, 5],
            "shifts": [{"start": "09:00", "end": "18:00"}], "fence_ids": [w.fence_a]}),
        ("POST", "/api/v1/attendance/clock-in" | "/api/v1/attendance/clock-out") => fix,
        ("POST", "/api/v1/attendance/corrections") => {
            json!({"id": Uuid::now_v7(), "kind": "clock_in", "t": t, "reason": "forgot"})
        }
        ("POST", "/api/v1/attendance/leave") => json!({"id": Uuid::now_v7(), "from": "2030-02-04",
            "to": "2030-02-05", "leave_type": "annual", "reason": "rest"}),
        ("POST", "/api/v1/attendance/requests/{id}/decision") => json!({"status": "approved"}),
        ("PUT", "/api/v1/audit/settings") => json!({"retention_days": 365}),
        ("PUT", "/api/v1/security-settings") => json!({"two_factor_required": false}),
        ("POST", "/api/v1/me/2fa/totp/confirm") => json!({"code": "000000"}),
        ("DELETE", "/api/v1/me/2fa/totp") => json!({"password": "not it"}),
        // Disabled: saved without asking the (public, never called) issuer.
        ("PUT", "/api/v1/sso") => json!({"issuer_url": "http://93.184.216.34", "client_id": "x",
            "client_secret": "y", "enabled": false}),
        ("POST", "/api/v1/integrity/days/{employee_id}/{date}/review") => {
            json!({"decision": "confirmed", "note": "seen"})
        }
        ("POST", "/api/v1/integrity/days/{employee_id}/{date}/appeal") => {
            json!({"text": "I was at the shop", "photo_ids": []})
        }
        ("PUT", "/api/v1/integrity/settings") => {
            json!({"review_at": 1.0, "likely_at": 3.0, "appeal_days": 7})
        }
        ("PUT", "/api/v1/insights/settings") => json!({"detour_ratio_max": 1.5}),
        ("PUT", "/api/v1/calendar") => json!({"days": []}),
        ("PUT", "/api/v1/customers/by-external-id/{external_id}") => {
            json!({"name": "new shop", "owner_id": w.rep_east})
        }
        ("PUT", "/api/v1/employees/by-external-id/{external_id}") => {
            json!({"name": "Newbie", "department_id": w.east, "role": "field"})
        }
        ("PUT", "/api/v1/departments/by-external-id/{external_id}") => {
            json!({"name": "Sub", "parent_id": w.east})
        }
        ("PATCH", _) => json!({"name": "patched"}),
        ("POST", "/api/v1/customers/bulk") => json!({"mode": "all_or_nothing",
            "items": [{"external_id": "walk-c", "name": "new shop", "owner_id": w.rep_east}]}),
        ("POST", "/api/v1/employees/bulk") => json!({"mode": "all_or_nothing",
            "items": [{"external_id": "walk-e", "name": "Newbie", "department_id": w.east, "role": "field"}]}),
        ("POST", "/api/v1/departments/bulk") => json!({"mode": "all_or_nothing",
            "items": [{"external_id": "walk-d", "name": "Sub", "parent_id": w.east}]}),
        ("POST" | "PUT", "/api/v1/customers" | "/api/v1/customers/{id}") => {
            json!({"id": Uuid::now_v7(), "name": "new shop", "owner_id": w.rep_east})
        }
        ("POST" | "PUT", "/api/v1/departments" | "/api/v1/departments/{id}") => {
            json!({"id": Uuid::now_v7(), "name": "Sub", "parent_id": w.east})
        }
        ("POST", "/api/v1/devices") => json!({"employee_id": w.rep_east, "name": "p2"}),
        ("POST" | "PUT", "/api/v1/employees" | "/api/v1/employees/{id}") => {
            json!({"id": Uuid::now_v7(), "name": "Newbie", "department_id": w.east, "role": "field"})
        }
        ("POST" | "PUT", "/api/v1/forms" | "/api/v1/forms/{id}") => json!({"id": Uuid::now_v7(),
            "name": "F2", "fields": [{"key": "ok", "label": "OK", "type": "boolean"}]}),
        ("POST" | "PUT", "/api/v1/geofences" | "/api/v1/geofences/{id}") => {
            json!({"id": Uuid::now_v7(),
            "name": "G2", "center": {"lat": SHOP.0, "lon": SHOP.1}, "radius_m": 100})
        }
        ("POST", "/api/v1/geofences/{id}/judge") => {
            json!({"lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5})
        }
        ("POST", "/api/v1/locations") => json!({"fixes": []}),
        ("POST", "/api/v1/me/plan/reoptimize") => json!({"lat": SHOP.0, "lon": SHOP.1}),
        ("POST", "/api/v1/plans/generate") => json!({"department_id": w.east,
            "from": w.date, "to": w.date, "time_limit_s": 1}),
        ("POST", "/api/v1/plans/publish") => {
            json!({"department_id": w.east, "from": w.date, "to": w.date})
        }
        ("PUT", "/api/v1/plans/{employee_id}/{date}") => {
            json!({"customer_ids": [w.own[&Kind::Customer]]})
        }
        ("PUT", "/api/v1/tracking-rules/{scope}") => json!({"weekdays": [1, 2, 3, 4, 5],
            "windows": [{"start": "09:00", "end": "18:00"}], "moving_interval_s": 30,
            "stationary_interval_s": 300, "min_distance_m": 20, "desired_accuracy_m": 20}),
        ("PUT", "/api/v1/visit-rules/{scope}") => json!({"default_form_id": w.form_a,
            "forms": [{"level": "A", "form_id": w.form_a}]}),
        ("POST", "/api/v1/visits") => {
            let mut b = fix;
            b["customer_id"] = json!(w.own[&Kind::Customer]);
            b
        }
        ("POST", "/api/v1/visits/{id}/check-out") => fix,
        ("PUT", "/api/v1/visits/{id}/report") => {
            json!({"id": Uuid::now_v7(), "form_id": w.form_a, "answers": {"ok": true}, "t": t})
        }
        ("POST" | "PUT", "/api/v1/report-schedules" | "/api/v1/report-schedules/{id}") => {
            json!({"id": Uuid::now_v7(), "report": "visit_detail", "cadence": "daily",
                "recipients": ["east@example.com"],
                "filters": {"department_id": w.east, "employee_id": w.rep_east}})
        }
        ("POST", "/api/v1/claims") => json!({"period": "2030-01"}),
        ("POST", "/api/v1/claims/{id}/lines/{date}/adjust") => {
            json!({"meters": 1000, "reason": "detour"})
        }
        ("POST", "/api/v1/claims/{id}/expenses") => json!({"id": Uuid::now_v7(),
            "category": "toll", "amount_minor": 500, "date": w.date}),
        ("POST", "/api/v1/claims/{id}/decision") => json!({"decision": "approved"}),
        ("PUT", "/api/v1/employees/{id}/vehicles") => {
            json!({"items": [{"from": "2026-01-01", "kind": "private_car"}]})
        }
        ("PUT", "/api/v1/mileage-rates") => json!({"tables": [{"id": Uuid::now_v7(),
            "department_id": w.east, "versions": [{"version": 1, "effective_from": "2026-01-01",
            "tiers": [{"rate": 80}]}]}]}),
        ("PUT", "/api/v1/claim-settings") => json!({"period": "month"}),
        ("POST", "/api/v1/payouts") => json!({"id": Uuid::now_v7(), "reference": "R-1",
            "claim_ids": [w.own[&Kind::Claim]]}),
        ("PUT", "/api/v1/approval-flows/{type}") => {
            json!({"steps": [{"approvers": {"kind": "manager", "level": 1}, "mode": "any"}]})
        }
        ("PUT", "/api/v1/approval-settings") => json!({"no_approver": "admin",
            "skip_submitter": true, "decide_once": true, "remind_after_hours": 24}),
        ("POST", "/api/v1/requests") => {
            json!({"id": Uuid::now_v7(), "type": "overtime", "payload": {"hours": 2}})
        }
        ("POST", "/api/v1/requests/{id}/decision") => json!({"decision": "approve"}),
        ("POST", "/api/v1/requests/{id}/withdraw" | "/api/v1/requests/{id}/resubmit") => {
            json!({})
        }
        // No body, or multipart (its path ids are still walked).
        _ => return None,
    })
}

fn resolve<'a>(doc: &'a Value, mut s: &'a Value) -> &'a Value {
    while let Some(r) = s.get("$ref").and_then(Value::as_str) {
        s = &doc["components"]["schemas"][r.rsplit('/').next().unwrap()];
    }
    if let Some(one) = s.get("oneOf").and_then(Value::as_array)
        && let Some(x) = one.iter().find(|x| x.get("type") != Some(&json!("null")))
    {
        return resolve(doc, x);
    }
    s
}

fn is_uuid(doc: &Value, s: &Value) -> bool {
    let s = resolve(doc, s);
    s.get("format") == Some(&json!("uuid"))
}

/// Id-typed fields of a body schema as (display name, JSON pointer into the body),
/// arrays entered at index 0.
fn id_fields(doc: &Value, schema: &Value, name: &str, ptr: &str, out: &mut Vec<(String, String)>) {
    let s = resolve(doc, schema);
    if is_uuid(doc, s) && !name.is_empty() {
        out.push((name.to_owned(), ptr.to_owned()));
        return;
    }
    if let Some(items) = s.get("items") {
        id_fields(doc, items, &format!("{name}[0]"), &format!("{ptr}/0"), out);
    }
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            let n = if name.is_empty() {
                k.clone()
            } else {
                format!("{name}.{k}")
            };
            id_fields(doc, v, &n, &format!("{ptr}/{k}"), out);
        }
    }
}

/// The path with the caller's own objects, except `swap` (a `{param}` and its value).
fn fill_path(w: &World, template: &str, as_admin: bool, swap: Option<(&str, &str)>) -> String {
    let mut out = template.to_owned();
    if let Some((param, value)) = swap {
        out = out.replacen(param, value, 1);
    }
    for (name, value) in [
        ("{employee_id}", w.rep_east.clone()),
        ("{date}", w.date.clone()),
        ("{scope}", w.east.clone()),
        ("{type}", "leave".to_owned()),
        ("{delivery_id}", w.own[&Kind::Delivery].clone()),
        ("{external_id}", "walker-own".to_owned()),
    ] {
        out = out.replace(name, &value);
    }
    if out.contains("{id}") {
        let v = match kind_of(template, &Method::GET, "{id}").flatten() {
            Some(Kind::Visit) if as_admin => w.admin_visit.clone(),
            Some(k) => w.own[&k].clone(),
            None => panic!("no kind for {{id}} in {template}: add it to kind_of"),
        };
        out = out.replace("{id}", &v);
    }
    out
}

/// Sends one write; multipart operations get a real photo.
async fn send(
    app: &TestApp,
    token: &str,
    method: &Method,
    path: &str,
    body: Option<&Value>,
    multipart: bool,
) -> (StatusCode, Value) {
    if multipart && path.ends_with("/photos") {
        let t = chrono::Utc::now() - chrono::Duration::minutes(1);
        return app
            .upload(token, path,
                json!({"id": Uuid::now_v7(), "t": t.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1, "capture": "camera"}),
                camera_photo(11, &t.format("%Y:%m:%d %H:%M:%S").to_string(), SHOP))
            .await;
    }
    app.call(method.clone(), Some(token), path, body).await
}

fn leaks(v: &Value, markers: &[&str]) -> Option<String> {
    let text = v.to_string().to_lowercase();
    markers
        .iter()
        .find(|m| text.contains(*m))
        .map(|m| (*m).to_owned())
}

/// Who calls, their token, the objects out of their reach with their name marker, admin.
type Caller<'a> = (
    &'a str,
    String,
    Vec<(&'a HashMap<Kind, String>, &'a str)>,
    bool,
);

both_backends!(no_write_reaches_past_the_callers_reach);

async fn no_write_reaches_past_the_callers_reach(app: &TestApp) {
    let mut w = world(app).await;
    // The manager's own visit (East shop), for the visit sub-actions' paths.
    w.own.insert(
        Kind::Visit,
        visit(app, &w.mgr_east, &w.own[&Kind::Customer]).await,
    );
    let (s, doc) = app.call(Method::GET, None, "/api/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    let callers: [Caller; 2] = [
        (
            "manager",
            w.mgr_east.clone(),
            vec![(&w.west, WEST), (&w.other, OTHER_TENANT)],
            false,
        ),
        (
            "admin",
            w.admin_a.clone(),
            vec![(&w.other, OTHER_TENANT)],
            true,
        ),
    ];
    let mut walked = 0;
    let mut ops = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (m, op) in item.as_object().unwrap() {
            let method = match m.as_str() {
                "post" => Method::POST,
                "put" => Method::PUT,
                "patch" => Method::PATCH,
                "delete" => Method::DELETE,
                _ => continue,
            };
            if path.starts_with("/api/v1/auth/") {
                continue; // no caller yet (login) or only the caller's own session
            }
            ops += 1;
            let content = &op["requestBody"]["content"];
            let multipart = content.get("multipart/form-data").is_some();
            let schema = content.get("application/json").map(|c| &c["schema"]);
            let mut body_ids = Vec::new();
            if let Some(schema) = schema {
                id_fields(&doc, schema, "", "", &mut body_ids);
            }
            // Path ids come from the template itself, declared or not.
            let path_ids: Vec<String> = path
                .split('/')
                // A request type (`{type}`) is a key, not an object.
                .filter(|s| s.starts_with('{') && *s != "{date}" && *s != "{type}")
                .map(str::to_owned)
                .collect();
            for (who, token, foreign, as_admin) in &callers {
                let mut base = body_for(&w, &method, path);
                // A replace names its object in the path; its body carries no id.
                if method == Method::PUT
                    && path.ends_with("/{id}")
                    && let Some(b) = base.as_mut().and_then(Value::as_object_mut)
                {
                    b.remove("id");
                }
                if schema.is_some() && base.is_none() {
                    panic!("{m} {path} takes a JSON body: add a valid one to body_for");
                }
                let own_path = fill_path(&w, path, *as_admin, None);
                let markers: Vec<&str> = foreign.iter().map(|(_, mk)| *mk).collect();
                // Path ids: each replaced by an unreachable object of its kind.
                for p in &path_ids {
                    let kind = kind_of(path, &method, p)
                        .unwrap_or_else(|| panic!("no kind for {p} in {path}: add it to kind_of"))
                        .unwrap_or_else(|| panic!("{p} in {path} names no object"));
                    for (objs, marker) in foreign {
                        // Another tenant's external id is only a key that is free here: a
                        // PUT creates a row of this tenant under it.
                        if *p == "{external_id}" && method == Method::PUT && *marker == OTHER_TENANT
                        {
                            continue;
                        }
                        let Some(bad) = objs.get(&kind) else { continue };
                        let target = fill_path(&w, path, *as_admin, Some((p, bad)));
                        let body = base.as_mut().map(|b| {
                            if b.get("id").is_some() {
                                b["id"] = json!(Uuid::now_v7());
                            }
                            b.clone()
                        });
                        let (s, b) =
                            send(app, token, &method, &target, body.as_ref(), multipart).await;
                        assert!(
                            !s.is_success(),
                            "{who} {m} {target} ({p} out of reach) succeeded: {s} {b}"
                        );
                        assert!(
                            matches!(s, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                            "{who} {m} {target}: an unreachable path id answers like a missing one: {s} {b}"
                        );
                        assert_eq!(
                            leaks(&b, &markers),
                            None,
                            "{who} {m} {target} answered with its data: {b}"
                        );
                        walked += 1;
                    }
                }
                // Body ids: each replaced by an unreachable object of its kind.
                for (field, ptr) in &body_ids {
                    let kind = kind_of(path, &method, field).unwrap_or_else(|| {
                        panic!("no kind for body field {field} of {m} {path}: add it to kind_of")
                    });
                    let Some(kind) = kind else { continue };

                    let Some(base) = &base else { continue };
                    for (objs, marker) in foreign {
                        // Another tenant's client id on a create is a fresh id here (keys
                        // are per tenant), not a reference.
                        if field == "id" && *marker == OTHER_TENANT {
                            continue;
                        }
                        let Some(bad) = objs.get(&kind) else { continue };
                        let mut body = base.clone();
                        if body.get("id").is_some() {
                            body["id"] = json!(Uuid::now_v7());
                        }
                        let Some(slot) = body.pointer_mut(ptr) else {
                            // Optional field not in the base body: add it (arrays as one item).
                            let top = ptr
                                .trim_start_matches('/')
                                .split('/')
                                .next()
                                .unwrap()
                                .to_owned();
                            if *ptr == format!("/{top}/0") {
                                body[&top] = json!([bad]);
                            } else if *ptr == format!("/{top}") {
                                body[&top] = json!(bad);
                            } else {
                                panic!("{m} {path}: give {field} a value in body_for");
                            }
                            check_body(app, who, token, &method, &own_path, &body, field, &markers)
                                .await;
                            walked += 1;
                            continue;
                        };
                        *slot = json!(bad);
                        check_body(app, who, token, &method, &own_path, &body, field, &markers)
                            .await;
                        walked += 1;
                    }
                }
            }
        }
    }
    eprintln!("walked {walked} references in {ops} write operations");
    assert!(
        ops >= 40,
        "the document lists every write operation ({ops})"
    );
    assert!(walked >= 60, "references walked: {walked}");

    // Nothing of theirs comes back in later reads: the manager's and the rep's views.
    let reads = [
        (
            &w.mgr_east,
            vec![WEST, OTHER_TENANT],
            vec![
                "/api/v1/customers".to_owned(),
                "/api/v1/employees".into(),
                "/api/v1/departments".into(),
                format!(
                    "/api/v1/plans?department_id={}&from={}&to={}",
                    w.east, w.date, w.date
                ),
                format!("/api/v1/plans/{}/{}", w.rep_east, w.date),
                "/api/v1/devices".into(),
                format!("/api/v1/attendance/requests?from=2030-01-01&to=2030-03-01"),
                format!("/api/v1/visits?from=2020-01-01&to=2031-01-01"),
                "/api/v1/me/today".into(),
                "/api/v1/requests".into(),
                "/api/v1/approvals/inbox".into(),
            ],
        ),
        (
            &w.rep_east_token,
            vec![WEST, OTHER_TENANT],
            vec![
                format!("/api/v1/me/plan?date={}", w.date),
                "/api/v1/me/today".into(),
                "/api/v1/customers".into(),
                "/api/v1/requests".into(),
                "/api/v1/approvals/inbox".into(),
            ],
        ),
        (
            &w.admin_a,
            vec![OTHER_TENANT],
            vec![
                "/api/v1/customers".to_owned(),
                "/api/v1/employees".into(),
                "/api/v1/departments".into(),
                "/api/v1/geofences".into(),
                "/api/v1/forms".into(),
                "/api/v1/api-keys".into(),
                "/api/v1/devices".into(),
                format!("/api/v1/visits?from=2020-01-01&to=2031-01-01"),
                format!("/api/v1/attendance/requests?from=2030-01-01&to=2030-03-01"),
                "/api/v1/requests".into(),
                "/api/v1/approvals/inbox".into(),
                "/api/v1/attendance-rules/tenant".into(),
                "/api/v1/visit-rules/tenant".into(),
                format!("/api/v1/attendance-rules/{}", w.east),
                format!("/api/v1/visit-rules/{}", w.east),
            ],
        ),
    ];
    for (token, markers, paths) in reads {
        for p in paths {
            let (s, b) = app.get(token, &p).await;
            assert!(s.is_success() || s == StatusCode::NOT_FOUND, "{p}: {s} {b}");
            assert_eq!(
                leaks(&b, &markers),
                None,
                "{p} shows an unreachable object: {b}"
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn check_body(
    app: &TestApp,
    who: &str,
    token: &str,
    method: &Method,
    path: &str,
    body: &Value,
    field: &str,
    markers: &[&str],
) {
    let (s, b) = app
        .call(method.clone(), Some(token), path, Some(body))
        .await;
    assert!(
        !s.is_success(),
        "{who} {method} {path} with {field} out of reach succeeded: {s} {b}"
    );
    assert_eq!(
        leaks(&b, markers),
        None,
        "{who} {method} {path} answered with its data: {b}"
    );
    if s == StatusCode::FORBIDDEN {
        return; // the caller may not do this at all
    }
    // The body `id` of a create may collide (409) or be hidden (404); any other reference
    // answers like a missing one, naming the field.
    if field == "id" {
        assert!(
            matches!(s, StatusCode::NOT_FOUND | StatusCode::CONFLICT),
            "{who} {method} {path} id: {s} {b}"
        );
        return;
    }
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{who} {method} {path} {field}: {b}"
    );
    let named = b["error"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|f| f["field"] == json!(field) && f["code"] == "not_found");
    assert!(
        named,
        "{who} {method} {path}: {field} answered not_found: {b}"
    );
}
