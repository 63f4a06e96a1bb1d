//! Visits over the API: check-in judged against the customer's radius with the fix's
//! accuracy, live photos watermarked and checked against their EXIF, reports against
//! versioned forms, check-out judged for duration, prospects, and role-scoped lists.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use crate::photo_support::{ascii, dms, exif_block, jpeg, scene, with_exif};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

/// Metres per degree of latitude.
const M: f64 = 111_195.0;
const SHOP: (f64, f64) = (31.2304, 121.4737);

/// A JPEG whose EXIF says it was taken at `taken` (local, +08:00) at `at`.
pub fn camera_photo(seed: u64, taken: &str, at: (f64, f64)) -> Vec<u8> {
    let gps = vec![
        crate::photo_support::Entry(0x0000, 1, 4, vec![2, 3, 0, 0]),
        ascii(0x0001, "N"),
        dms(0x0002, at.0),
        ascii(0x0003, "E"),
        dms(0x0004, at.1),
    ];
    let tiff = exif_block(
        None,
        vec![ascii(0x9003, taken), ascii(0x9011, "+08:00")],
        gps,
    );
    with_exif(&jpeg(&scene(seed, 640, 480), 85), &tiff)
}

pub fn codes(v: &Value) -> Vec<String> {
    v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

/// A form with a required integer and an optional photo field; returns its id.
async fn shelf_form(app: &TestApp, admin: &str) -> String {
    let (s, f) = app
        .post(
            admin,
            "/api/v1/forms",
            json!({"name": "Shelf check", "fields": [
                {"key": "facings", "label": "Facings", "type": "number", "required": true, "min": 0, "max": 50, "integer": true},
                {"key": "shelf_photo", "label": "Shelf photo", "type": "photo"}
            ]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    assert_eq!(f["version"], 1);
    f["id"].as_str().unwrap().to_owned()
}

fn checkin(id: Uuid, customer: &str, north_m: f64, acc: f64, t: &str) -> Value {
    json!({"id": id, "customer_id": customer, "t": t, "lat": SHOP.0 + north_m / M, "lon": SHOP.1,
           "accuracy_m": acc, "device": {"id": "phone-1", "platform": "android", "app_version": "1.0"}})
}

both_backends!(a_visit_from_check_in_to_check_out);

async fn a_visit_from_check_in_to_check_out(app: &TestApp) {
    let t = app.tenant("acme").await;
    let form = shelf_form(app, &t.admin).await;
    let (s, r) = app
        .put(
            &t.admin,
            "/api/v1/visit-rules/tenant",
            json!({"checkin_radius_m": 200, "min_duration_min": 10, "required_photos": 1, "default_form_id": form}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, e) = app
        .put(
            &t.admin,
            "/api/v1/visit-rules/tenant",
            json!({"default_form_id": Uuid::now_v7()}),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["default_form_id"]);
    // A department's own rule, then removed: the department inherits the tenant's again.
    let dept_rule = format!("/api/v1/visit-rules/{}", t.root_dept);
    let (s, _) = app
        .put(&t.admin, &dept_rule, json!({"checkin_radius_m": 50}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.delete(&t.admin, &dept_rule).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.delete(&t.admin, &dept_rule).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    let shop = app
        .customer(
            &t.admin,
            json!({"name": "Corner Shop", "address": "1 Nanjing Rd", "owner_id": rep,
                   "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .await;
    let shop_id = shop["id"].as_str().unwrap();

    // Now minus ten minutes, in Shanghai time: a check-in happening "now".
    let now = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
    let at = |min_ago: i64| (now - chrono::Duration::minutes(min_ago)).to_rfc3339();

    // Outside: 1 km away with a good fix. Uncertain: 190 m away with a 30 m fix.
    let (s, far) = app
        .post(
            &token,
            "/api/v1/visits",
            checkin(Uuid::now_v7(), shop_id, 1000.0, 20.0, &at(60)),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{far}");
    assert_eq!(far["check_in"]["status"], "outside");
    assert!((far["check_in"]["distance_m"].as_f64().unwrap() - 1000.0).abs() < 5.0);
    assert!(codes(&far).contains(&"outside_radius".to_owned()), "{far}");
    let (_, edge) = app
        .post(
            &token,
            "/api/v1/visits",
            checkin(Uuid::now_v7(), shop_id, 190.0, 30.0, &at(50)),
        )
        .await;
    assert_eq!(edge["check_in"]["status"], "uncertain");
    assert!(codes(&edge).contains(&"uncertain_location".to_owned()));

    // Within: 50 m away, 10 m accuracy, twelve minutes ago.
    let id = Uuid::now_v7();
    let (s, v) = app
        .post(
            &token,
            "/api/v1/visits",
            checkin(id, shop_id, 50.0, 10.0, &at(12)),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["check_in"]["status"], "within");
    assert_eq!(v["check_in"]["radius_m"], 200.0);
    assert!((v["check_in"]["distance_m"].as_f64().unwrap() - 50.0).abs() < 1.0);
    assert_eq!(v["kind"], "ad_hoc");
    assert_eq!(
        (v["form"]["id"].clone(), v["required_photos"].clone()),
        (json!(form), json!(1))
    );
    assert_eq!(codes(&v), Vec::<String>::new());

    // A live photo, taken at the shop a minute after check-in.
    let taken = (now - chrono::Duration::minutes(11))
        .format("%Y:%m:%d %H:%M:%S")
        .to_string();
    let bytes = camera_photo(7, &taken, (SHOP.0 + 40.0 / M, SHOP.1));
    let photo_id = Uuid::now_v7();
    let meta =
        json!({"id": photo_id, "t": at(11), "lat": SHOP.0 + 40.0 / M, "lon": SHOP.1, "lang": "zh"});
    let (s, p) = app
        .upload(
            &token,
            &format!("/api/v1/visits/{id}/photos"),
            meta.clone(),
            bytes.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(
        (p["width"].clone(), p["height"].clone()),
        (json!(640), json!(480))
    );
    assert_eq!(codes(&p), Vec::<String>::new(), "{p}");
    assert!(p["exif"]["taken_at"].as_str().unwrap().ends_with("+08:00"));
    // The original comes back byte for byte; the watermarked copy is a different JPEG of
    // the same size whose bottom band was drawn on.
    let (s, original) = app
        .bytes(
            &t.admin,
            &format!("/api/v1/photos/{photo_id}?variant=original"),
        )
        .await;
    assert_eq!((s, original == bytes), (StatusCode::OK, true));
    let (s, marked) = app
        .bytes(&t.admin, &format!("/api/v1/photos/{photo_id}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let marked = image::load_from_memory(&marked).unwrap().to_rgb8();
    let plain = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert_eq!(marked.dimensions(), plain.dimensions());
    let diff = |y0: u32, y1: u32| {
        let mut d = 0u64;
        for y in y0..y1 {
            for x in 0..640 {
                let (a, b) = (marked.get_pixel(x, y), plain.get_pixel(x, y));
                d += (0..3).map(|c| a[c].abs_diff(b[c]) as u64).sum::<u64>();
            }
        }
        d as f64 / ((y1 - y0) * 640 * 3) as f64
    };
    assert!(
        diff(440, 480) > 20.0,
        "the band is drawn: {}",
        diff(440, 480)
    );
    assert!(diff(0, 100) < 4.0, "the top is untouched: {}", diff(0, 100));
    let (s, thumb) = app
        .bytes(
            &t.admin,
            &format!("/api/v1/photos/{photo_id}?variant=thumbnail"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(image::load_from_memory(&thumb).unwrap().width(), 320);

    // The report: a missing required field is named; then a valid one with the photo.
    let (s, e) = app
        .put(
            &token,
            &format!("/api/v1/visits/{id}/report"),
            json!({"id": Uuid::now_v7(), "answers": {"facings": 3.5}, "t": at(5)}),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["answers.facings"]);
    let (s, e) = app
        .put(&token, &format!("/api/v1/visits/{id}/report"),
             json!({"id": Uuid::now_v7(), "answers": {"facings": 4, "shelf_photo": [Uuid::now_v7()]}, "t": at(5)}))
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let (s, r) = app
        .put(&token, &format!("/api/v1/visits/{id}/report"),
             json!({"id": Uuid::now_v7(), "answers": {"facings": 12, "shelf_photo": [photo_id]}, "t": at(5)}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["report"]["answers"]["facings"], 12);
    assert_eq!(r["report"]["form_version"], 1);

    // Checking out eight minutes after check-in: too short for the 10-minute rule.
    let (s, out) = app
        .post(&token, &format!("/api/v1/visits/{id}/check-out"),
              json!({"id": Uuid::now_v7(), "t": at(4), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 8}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{out}");
    assert_eq!(out["check_out"]["duration_s"], 480);
    assert_eq!(out["check_out"]["too_short"], true);
    assert_eq!(codes(&out), ["too_short"]);

    // The manager's view: the photo, the report, the flags.
    let (s, full) = app.get(&t.admin, &format!("/api/v1/visits/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(full["photos"].as_array().unwrap().len(), 1);
    assert_eq!(full["report"]["answers"]["shelf_photo"], json!([photo_id]));

    // A visit without its photo, checked out: flagged for the missing photo.
    let (_, out) = app
        .post(&token, &format!("/api/v1/visits/{}/check-out", edge["id"].as_str().unwrap()),
              json!({"id": Uuid::now_v7(), "t": at(20), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 8}))
        .await;
    assert!(codes(&out).contains(&"photos_missing".to_owned()), "{out}");

    // Lists filter by judgement and flag.
    let (_, outside) = app.get(&t.admin, "/api/v1/visits?judgement=outside").await;
    assert_eq!(outside["items"].as_array().unwrap().len(), 1);
    let (_, short) = app.get(&t.admin, "/api/v1/visits?flag=too_short").await;
    assert_eq!(short["items"].as_array().unwrap().len(), 1);
    assert_eq!(short["items"][0]["id"], json!(id));
    let (s, e) = app.get(&t.admin, "/api/v1/visits?flag=bogus").await;
    assert_error(s, &e, StatusCode::BAD_REQUEST, "bad_request");
}

both_backends!(forms_are_versioned_and_old_reports_keep_theirs);

async fn forms_are_versioned_and_old_reports_keep_theirs(app: &TestApp) {
    let t = app.tenant("acme").await;
    let form = shelf_form(app, &t.admin).await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    let shop = app
        .customer(
            &t.admin,
            json!({"name": "Shop", "owner_id": rep, "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .await;
    let now = chrono::Utc::now().to_rfc3339();
    let id = Uuid::now_v7();
    app.post(
        &token,
        "/api/v1/visits",
        checkin(id, shop["id"].as_str().unwrap(), 0.0, 5.0, &now),
    )
    .await;
    let (s, r) = app
        .put(
            &token,
            &format!("/api/v1/visits/{id}/report"),
            json!({"id": Uuid::now_v7(), "form_id": form, "answers": {"facings": 2}, "t": now}),
        )
        .await;
    assert_eq!(
        (s, r["report"]["form_version"].clone()),
        (StatusCode::OK, json!(1)),
        "{r}"
    );

    // Version 2 adds a required remark; sending it twice adds one version.
    let v2 = json!({"name": "Shelf check", "fields": [
        {"key": "facings", "label": "Facings", "type": "number", "required": true, "integer": true},
        {"key": "remark", "label": "Remark", "type": "text", "required": true}
    ]});
    for _ in 0..2 {
        let (s, f) = app
            .put(&t.admin, &format!("/api/v1/forms/{form}"), v2.clone())
            .await;
        assert_eq!((s, f["version"].clone()), (StatusCode::OK, json!(2)), "{f}");
    }
    let (_, old) = app
        .get(&t.admin, &format!("/api/v1/forms/{form}?version=1"))
        .await;
    assert_eq!(old["fields"].as_array().unwrap().len(), 2);
    assert_eq!(old["fields"][1]["key"], "shelf_photo");
    // A version past i32 used to wrap into version 1; out of range is refused, naming it.
    for bad in ["4294967295", "2147483648", "0"] {
        let (s, e) = app
            .get(&t.admin, &format!("/api/v1/forms/{form}?version={bad}"))
            .await;
        assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(fields(&e), ["version"], "{bad}");
    }
    let (_, list) = app.get(&t.admin, "/api/v1/forms").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["items"][0]["version"], 2);
    assert_eq!(list["next_cursor"], Value::Null);

    // The old report is still version 1; a new report must satisfy version 2.
    let (_, v) = app.get(&t.admin, &format!("/api/v1/visits/{id}")).await;
    assert_eq!(v["report"]["form_version"], 1);
    let (s, e) = app
        .put(
            &token,
            &format!("/api/v1/visits/{id}/report"),
            json!({"id": Uuid::now_v7(), "form_id": form, "answers": {"facings": 2}, "t": now}),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["answers.remark"]);
    // A form of another tenant is no form at all.
    let other = app.tenant("other").await;
    let (s, _) = app
        .get(&other.admin, &format!("/api/v1/forms/{form}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

both_backends!(a_prospect_is_created_once_and_waits_for_approval);

async fn a_prospect_is_created_once_and_waits_for_approval(app: &TestApp) {
    let t = app.tenant("acme").await;
    app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    let id = Uuid::now_v7();
    let body = json!({"id": id, "prospect": {"name": "New Noodle Bar", "phone": "13800000000"},
                      "t": chrono::Utc::now().to_rfc3339(), "lat": 31.24, "lon": 121.48, "accuracy_m": 12});
    let (s, v) = app.post(&token, "/api/v1/visits", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["kind"].clone(), v["check_in"]["status"].clone()),
        (json!("prospect"), json!("within"))
    );
    let (s, again) = app.post(&token, "/api/v1/visits", body).await;
    assert_eq!(
        (s, again["customer_id"].clone()),
        (StatusCode::OK, v["customer_id"].clone())
    );
    let (_, pending) = app.get(&t.admin, "/api/v1/customers?status=pending").await;
    let items = pending["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["name"], "New Noodle Bar");
    assert!((items[0]["location"]["lat"].as_f64().unwrap() - 31.24).abs() < 1e-9);
    // Reps cannot approve; the admin can.
    let cid = v["customer_id"].as_str().unwrap();
    let (s, _) = app
        .post(
            &token,
            &format!("/api/v1/customers/{cid}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(
            &t.admin,
            &format!("/api/v1/customers/{cid}/approve"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, c) = app.get(&t.admin, &format!("/api/v1/customers/{cid}")).await;
    assert_eq!(c["status"], "active");
    // Neither or both of customer and prospect is refused.
    let (s, e) = app
        .post(&token, "/api/v1/visits", json!({"id": Uuid::now_v7(), "t": chrono::Utc::now().to_rfc3339(), "lat": 31.2, "lon": 121.4}))
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["customer_id"]);
}

both_backends!(visit_lists_follow_the_department_tree);

async fn visit_lists_follow_the_department_tree(app: &TestApp) {
    let t = app.tenant("acme").await;
    let north = app.department(&t.admin, "North", Some(&t.root_dept)).await;
    let south = app.department(&t.admin, "South", Some(&t.root_dept)).await;
    let rn = app.employee(&t.admin, &north, "rn", "field").await;
    let rs = app.employee(&t.admin, &south, "rs", "field").await;
    app.employee(&t.admin, &north, "boss", "manager").await;
    let shop = app
        .customer(
            &t.admin,
            json!({"name": "Shop", "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .await;
    let shop_id = shop["id"].as_str().unwrap();
    let now = chrono::Utc::now().to_rfc3339();
    let mut ids = Vec::new();
    for who in ["rn", "rs"] {
        let token = app.token("acme", who).await;
        let id = Uuid::now_v7();
        let (s, v) = app
            .post(
                &token,
                "/api/v1/visits",
                json!({"id": id, "customer_id": shop_id, "t": now,
            "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5}),
            )
            .await;
        // Reps reach only their own customers; the admin's shop is unowned.
        assert_error(s, &v, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        let owned = app
            .customer(&t.admin, json!({"name": format!("Shop of {who}"), "owner_id": if who == "rn" { &rn } else { &rs },
                                       "location": {"lat": SHOP.0, "lon": SHOP.1}}))
            .await;
        let (s, v) = app
            .post(
                &token,
                "/api/v1/visits",
                json!({"id": id, "customer_id": owned["id"], "t": now,
            "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(id);
    }
    let list = |token: String| async move {
        let (s, l) = app.get(&token, "/api/v1/visits").await;
        assert_eq!(s, StatusCode::OK, "{l}");
        l["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["employee_id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(list(t.admin.clone()).await.len(), 2);
    assert_eq!(list(app.token("acme", "boss").await).await, vec![rn]);
    assert_eq!(list(app.token("acme", "rs").await).await, vec![rs]);
    // A manager cannot open a visit outside the subtree; another tenant cannot at all.
    let boss = app.token("acme", "boss").await;
    let (s, _) = app.get(&boss, &format!("/api/v1/visits/{}", ids[1])).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let other = app.tenant("other").await;
    let (s, _) = app
        .get(&other.admin, &format!("/api/v1/visits/{}", ids[0]))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Nor can another rep check out someone else's visit.
    let rs_token = app.token("acme", "rs").await;
    let (s, _) = app
        .post(
            &rs_token,
            &format!("/api/v1/visits/{}/check-out", ids[0]),
            json!({"id": Uuid::now_v7(), "t": now, "lat": SHOP.0, "lon": SHOP.1}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

both_backends!(attendance_takes_a_photo_and_devices_are_remembered);

async fn attendance_takes_a_photo_and_devices_are_remembered(app: &TestApp) {
    let t = app.tenant("acme").await;
    let (s, r) = app
        .put(&t.admin, "/api/v1/attendance-rules/tenant",
             json!({"weekdays": [1, 2, 3, 4, 5, 6, 7], "shifts": [{"start": "00:00", "end": "23:59"}], "photo_required": true}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let rep1 = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    app.employee(&t.admin, &t.root_dept, "rep2", "field").await;
    // Hired before the leave below; without it those days would be `not_started`.
    app.set_start_date(&t.admin, &rep1, "2026-11-01").await;
    let (one, two) = (
        app.token("acme", "rep1").await,
        app.token("acme", "rep2").await,
    );
    let now = chrono::Utc::now();
    let t_now = now.to_rfc3339();
    let punch = |photo: Option<Uuid>| {
        json!({"id": Uuid::now_v7(), "t": t_now, "lat": SHOP.0, "lon": SHOP.1,
        "accuracy_m": 10, "photo_id": photo, "device": {"id": "shared-phone"}})
    };

    let (s, p) = app
        .post(&one, "/api/v1/attendance/clock-in", punch(None))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["judgement"]["photo_missing"], true);

    let taken = now
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y:%m:%d %H:%M:%S")
        .to_string();
    let photo = Uuid::now_v7();
    let (s, ph) = app
        .upload(
            &two,
            "/api/v1/photos",
            json!({"id": photo, "t": t_now, "lat": SHOP.0, "lon": SHOP.1}),
            camera_photo(3, &taken, SHOP),
        )
        .await;
    assert_eq!(
        (s, ph["purpose"].clone()),
        (StatusCode::CREATED, json!("attendance")),
        "{ph}"
    );
    // rep1 cannot use rep2's photo.
    let (s, e) = app
        .post(&one, "/api/v1/attendance/clock-in", punch(Some(photo)))
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["photo_id"]);
    // rep2 clocks in with it on the phone rep1 used: the device is shared.
    let (s, p) = app
        .post(&two, "/api/v1/attendance/clock-in", punch(Some(photo)))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["judgement"]["photo_missing"], false);
    assert!(codes(&p).contains(&"device_shared".to_owned()), "{p}");
    // Corrections and leave are stored as pending requests, once.
    let leave = json!({"id": Uuid::now_v7(), "from": "2026-12-01", "to": "2026-12-02", "leave_type": "annual", "reason": "family"});
    let (s, l) = app
        .post(&one, "/api/v1/attendance/leave", leave.clone())
        .await;
    assert_eq!(
        (s, l["status"].clone()),
        (StatusCode::CREATED, json!("pending")),
        "{l}"
    );
    let (s, _) = app.post(&one, "/api/v1/attendance/leave", leave).await;
    assert_eq!(s, StatusCode::OK);
    // Not yet approved: the day is still a working day without punches.
    let days = format!("/api/v1/attendance/days?employee_id={rep1}&from=2026-12-01&to=2026-12-03");
    let (_, d) = app.get(&t.admin, &days).await;
    assert_ne!(d["items"][0]["status"], "on_leave", "{d}");
    // The rep cannot approve their own leave; the admin can, once.
    let decision = format!(
        "/api/v1/attendance/requests/{}/decision",
        l["id"].as_str().unwrap()
    );
    let (s, _) = app
        .post(&one, &decision, json!({"status": "approved"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, r) = app
        .post(&t.admin, &decision, json!({"status": "approved"}))
        .await;
    assert_eq!(
        (s, r["status"].clone()),
        (StatusCode::OK, json!("approved")),
        "{r}"
    );
    let (s, _) = app
        .post(&t.admin, &decision, json!({"status": "rejected"}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (_, d) = app.get(&t.admin, &days).await;
    let statuses: Vec<_> = d["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].clone())
        .collect();
    assert_eq!(statuses[..2], [json!("on_leave"), json!("on_leave")], "{d}");
    assert_ne!(statuses[2], json!("on_leave"));
    let (_, listed) = app
        .get(
            &t.admin,
            &format!(
                "/api/v1/attendance/requests?employee_id={rep1}&from=2026-12-01&to=2026-12-31"
            ),
        )
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
    // Everyone the admin reaches, by status; a rep sees only their own.
    let (_, approved) = app
        .get(
            &t.admin,
            "/api/v1/attendance/requests?from=2026-11-01&to=2026-12-31&status=approved",
        )
        .await;
    assert_eq!(approved["items"].as_array().unwrap().len(), 1, "{approved}");
    assert_eq!(approved["items"][0]["employee_id"], json!(rep1));
    let (_, theirs) = app
        .get(
            &two,
            "/api/v1/attendance/requests?from=2026-11-01&to=2026-12-31",
        )
        .await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 0, "{theirs}");
    // Pages of one follow the cursor through the same requests in the same order (two
    // more leaves starting the same day: the id breaks the tie).
    for token in [&one, &two] {
        let leave = json!({"id": Uuid::now_v7(), "from": "2026-12-10", "to": "2026-12-10",
                           "leave_type": "annual", "reason": "errand"});
        let (s, b) = app.post(token, "/api/v1/attendance/leave", leave).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let (_, whole) = app
        .get(
            &t.admin,
            "/api/v1/attendance/requests?from=2026-11-01&to=2026-12-31",
        )
        .await;
    let whole: Vec<Value> = whole["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(whole.len(), 3, "{whole:?}");
    let mut paged = Vec::new();
    let mut next = String::new();
    loop {
        let (s, page) = app
            .get(
                &t.admin,
                &format!("/api/v1/attendance/requests?from=2026-11-01&to=2026-12-31&limit=1{next}"),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{page}");
        paged.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].clone()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => next = format!("&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(paged, whole);
    let (s, _) = app
        .get(
            &t.admin,
            "/api/v1/attendance/requests?from=2026-11-01&to=2026-12-31&status=maybe",
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, e) = app
        .post(
            &one,
            "/api/v1/attendance/corrections",
            json!({"id": Uuid::now_v7(), "kind": "lunch", "t": t_now, "reason": "forgot"}),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["kind"]);
}

both_backends!(visits_updated_since_follow_changes);

/// `updated_since` on the visit list: visits checked in or changed at or after the instant,
/// oldest change first, paged by cursor; a check-out moves a visit to the end.
async fn visits_updated_since_follow_changes(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    let shop = app
        .customer(
            &t.admin,
            json!({"name": "Corner Shop", "owner_id": rep, "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .await;
    let shop = shop["id"].as_str().unwrap();
    let form = shelf_form(app, &t.admin).await;
    let (s, r) = app
        .put(
            &t.admin,
            "/api/v1/visit-rules/tenant",
            json!({"default_form_id": form}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let mark = (chrono::Utc::now() - chrono::Duration::seconds(1)).to_rfc3339();
    let at = |min_ago: i64| (chrono::Utc::now() - chrono::Duration::minutes(min_ago)).to_rfc3339();
    let mut ids = Vec::new();
    for ago in [50, 40, 30] {
        let (s, v) = app
            .post(
                &token,
                "/api/v1/visits",
                checkin(Uuid::now_v7(), shop, 0.0, 10.0, &at(ago)),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["id"].as_str().unwrap().to_owned());
        // Finish each visit before the next starts (one open visit per rep).
        let (s, o) = app
            .post(
                &token,
                &format!("/api/v1/visits/{}/check-out", ids.last().unwrap()),
                json!({"id": Uuid::now_v7(), "t": at(ago - 5), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 10}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{o}");
    }
    let enc = |s: &str| s.replace('+', "%2B").replace(':', "%3A");
    let q = format!("/api/v1/visits?limit=1&updated_since={}", enc(&mark));
    assert_eq!(
        walk(app, &t.admin, q.clone()).await,
        ids,
        "oldest change first, one a page"
    );
    // A report filed on the first visit makes it the newest change.
    let (s, r) = app
        .put(
            &token,
            &format!("/api/v1/visits/{}/report", ids[0]),
            json!({"id": Uuid::now_v7(), "answers": {"facings": 3}, "t": at(1)}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, last) = app
        .get(&t.admin, &format!("/api/v1/visits/{}", ids[2]))
        .await;
    let since_last = last["updated_at"].as_str().unwrap().to_owned();
    let q = format!("/api/v1/visits?updated_since={}", enc(&since_last));
    let seen = walk(app, &t.admin, q).await;
    assert_eq!(seen.last(), Some(&ids[0]), "{seen:?}");
    assert!(!seen.contains(&ids[1]), "{seen:?}");
    let (s, b) = app
        .get(&t.admin, "/api/v1/visits?updated_since=yesterday")
        .await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
}

/// Every id of a list, page by page.
async fn walk(app: &TestApp, token: &str, query: String) -> Vec<String> {
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let path = match &next {
            Some(c) => format!("{query}&cursor={c}"),
            None => query.clone(),
        };
        let (s, page) = app.get(token, &path).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        for v in page["items"].as_array().unwrap() {
            seen.push(v["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => next = Some(c.to_owned()),
            None => return seen,
        }
    }
}
