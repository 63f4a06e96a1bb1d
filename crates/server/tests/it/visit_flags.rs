//! One flag set per visit: the list and the detail show the same codes, each once, and
//! `?flag=` finds the visit by every one of them — device flags raised at check-in and
//! check-out, photo flags, and the requirement flags of a finished visit. Live captures
//! are not flagged for missing EXIF; gallery uploads are.

use crate::harness::{TestApp, both_backends};
use crate::photo_support::{jpeg, scene};
use crate::visits::{camera_photo, codes};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const SHOP: (f64, f64) = (31.2304, 121.4737);

fn shanghai_now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
}

/// A tenant whose rule wants 3 photos and a report; a rep with one shop. Returns
/// (admin token, rep token, shop id).
async fn setup(app: &TestApp) -> (String, String, String) {
    let t = app.tenant("acme").await;
    let (s, form) = app
        .post(
            &t.admin,
            "/api/v1/forms",
            json!({"name": "Check", "fields": [{"key": "ok", "label": "OK", "type": "boolean"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{form}");
    let (s, r) = app
        .put(
            &t.admin,
            "/api/v1/visit-rules/tenant",
            json!({"required_photos": 3, "default_form_id": form["id"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        r["checkout_requires"],
        json!({"photos": "warn", "report": "warn"})
    );
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    let shop = app
        .customer(
            &t.admin,
            json!({"name": "Shop", "owner_id": rep,
                                   "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .await;
    (t.admin, token, shop["id"].as_str().unwrap().to_owned())
}

fn count(flags: &[String], code: &str) -> usize {
    flags.iter().filter(|c| *c == code).count()
}

both_backends!(list_detail_and_filter_agree_on_one_flag_set);

async fn list_detail_and_filter_agree_on_one_flag_set(app: &TestApp) {
    let (admin, token, shop) = setup(app).await;
    let now = shanghai_now();
    let at = |min_ago: i64| (now - chrono::Duration::minutes(min_ago)).to_rfc3339();
    let risky = json!({"id": "phone-1", "developer_mode": true, "rooted": true});

    // A clean open visit, which no flag filter may find.
    let clean = Uuid::now_v7();
    let (s, v) = app
        .post(&token, "/api/v1/visits",
              json!({"id": clean, "customer_id": shop, "t": at(25), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5}))
        .await;
    assert_eq!(
        (s, codes(&v)),
        (StatusCode::CREATED, Vec::<String>::new()),
        "{v}"
    );

    let id = Uuid::now_v7();
    let (s, v) = app
        .post(
            &token,
            "/api/v1/visits",
            json!({"id": id, "customer_id": shop, "t": at(20), "lat": SHOP.0, "lon": SHOP.1,
                     "accuracy_m": 5, "device": risky}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(codes(&v), ["developer_mode", "rooted"]);
    // The same picture twice: the second is a reused photo.
    let taken = (now - chrono::Duration::minutes(19))
        .format("%Y:%m:%d %H:%M:%S")
        .to_string();
    let bytes = camera_photo(11, &taken, SHOP);
    for _ in 0..2 {
        let (s, p) = app
            .upload(
                &token,
                &format!("/api/v1/visits/{id}/photos"),
                json!({"id": Uuid::now_v7(), "t": at(19), "lat": SHOP.0, "lon": SHOP.1,
                           "capture": "camera", "device": risky}),
                bytes.clone(),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        assert_eq!(p["capture"], "camera");
    }
    // Checked out on the same phone, now also claiming a mock location; no report.
    let (s, out) = app
        .post(&token, &format!("/api/v1/visits/{id}/check-out"),
              json!({"id": Uuid::now_v7(), "t": at(5), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5,
                     "device": {"id": "phone-1", "developer_mode": true, "rooted": true, "mock_location": true}}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{out}");

    let want = [
        "developer_mode",
        "rooted",
        "mock_location",
        "photo_reused",
        "photos_missing",
        "report_missing",
    ];
    let (s, detail) = app.get(&admin, &format!("/api/v1/visits/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    let mut got = codes(&detail);
    for code in want {
        assert_eq!(count(&got, code), 1, "{code} once in {got:?}");
    }
    got.sort();
    let mut sorted = want.to_vec();
    sorted.sort();
    assert_eq!(got, sorted, "exactly these flags");
    assert_eq!(
        codes(&out),
        codes(&detail),
        "the check-out answers the same set"
    );
    let missing = detail["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "photos_missing")
        .unwrap();
    assert_eq!(
        missing["evidence"],
        json!({"required": 3, "have": 2, "missing": 1})
    );

    // The list shows exactly the detail's flags, evidence and all.
    let (_, list) = app.get(&admin, "/api/v1/visits").await;
    let item: &Value = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == json!(id))
        .unwrap();
    assert_eq!(item["flags"], detail["flags"]);

    // Every flag the visit shows finds it, and only it.
    for code in want {
        let (s, found) = app
            .get(&admin, &format!("/api/v1/visits?flag={code}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{found}");
        let ids: Vec<&Value> = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| &v["id"])
            .collect();
        assert_eq!(ids, [&json!(id)], "flag={code}");
    }
    let (_, none) = app.get(&admin, "/api/v1/visits?flag=too_short").await;
    assert_eq!(none["items"].as_array().unwrap().len(), 0);

    // A photo and the report after check-out: the set follows, in list and detail alike.
    let (s, _) = app
        .put(
            &token,
            &format!("/api/v1/visits/{id}/report"),
            json!({"id": Uuid::now_v7(), "answers": {"ok": true}, "t": at(1)}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, gone) = app.get(&admin, "/api/v1/visits?flag=report_missing").await;
    assert_eq!(gone["items"].as_array().unwrap().len(), 0, "{gone}");
    let (_, detail) = app.get(&admin, &format!("/api/v1/visits/{id}")).await;
    assert_eq!(count(&codes(&detail), "report_missing"), 0);
    let (_, list) = app.get(&admin, "/api/v1/visits?flag=photos_missing").await;
    assert_eq!(list["items"][0]["flags"], detail["flags"]);
}

both_backends!(live_captures_are_not_flagged_for_missing_exif);

async fn live_captures_are_not_flagged_for_missing_exif(app: &TestApp) {
    let (admin, token, shop) = setup(app).await;
    let t = shanghai_now().to_rfc3339();
    let id = Uuid::now_v7();
    let (s, _) = app
        .post(&token, "/api/v1/visits",
              json!({"id": id, "customer_id": shop, "t": t, "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let path = format!("/api/v1/visits/{id}/photos");
    // A canvas frame carries no EXIF: fine from the camera, flagged from the gallery.
    let (s, live) = app
        .upload(
            &token,
            &path,
            json!({"id": Uuid::now_v7(), "t": t, "capture": "camera"}),
            jpeg(&scene(1, 320, 240), 80),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{live}");
    assert_eq!(
        (live["capture"].clone(), codes(&live)),
        (json!("camera"), Vec::<String>::new())
    );
    let (s, picked) = app
        .upload(
            &token,
            &path,
            json!({"id": Uuid::now_v7(), "t": t}),
            jpeg(&scene(2, 320, 240), 80),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{picked}");
    assert_eq!(
        (picked["capture"].clone(), codes(&picked)),
        (json!("gallery"), vec!["photo_no_exif".to_owned()])
    );
    let (s, e) = app
        .upload(
            &token,
            &path,
            json!({"id": Uuid::now_v7(), "t": t, "capture": "selfie"}),
            jpeg(&scene(3, 320, 240), 80),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "capture", "{e}");
    // The visit shows each photo's capture path, and the gallery photo's flag.
    let (_, v) = app.get(&admin, &format!("/api/v1/visits/{id}")).await;
    let captures: Vec<&Value> = v["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["capture"])
        .collect();
    assert_eq!(captures, [&json!("camera"), &json!("gallery")]);
    assert_eq!(codes(&v), ["photo_no_exif"]);
    let (_, found) = app.get(&admin, "/api/v1/visits?flag=photo_no_exif").await;
    assert_eq!(found["items"][0]["id"], json!(id));
}

both_backends!(a_flag_set_planned_before_a_write_lands_only_on_its_basis);
/// A visit write stores the flag set worked out for the parts it leaves, in its own
/// transaction, only while the visit still has those parts: a check-out planned on no
/// photos that meets a photo uploaded in between leaves the set to be computed afresh,
/// and the answer still counts the photo.
async fn a_flag_set_planned_before_a_write_lands_only_on_its_basis(app: &TestApp) {
    let (_admin, rep, shop) = setup(app).await;
    let tenant = app.store.tenant_by_slug("acme").await.unwrap().unwrap().id;
    let at = shanghai_now();
    let check_in = |visit: Uuid| {
        let body = json!({"id": visit, "customer_id": shop, "t": at.to_rfc3339(),
                          "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 8.0});
        let rep = rep.clone();
        async move {
            let (s, v) = app.post(&rep, "/api/v1/visits", body).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
    };
    let visit = Uuid::now_v7();
    check_in(visit).await;
    let checked_in = app.store.visit(tenant, visit).await.unwrap();
    let in_flags = checked_in.flags_json.clone();
    assert!(in_flags.is_some(), "the check-in stored its set");

    // A check-out planned on zero photos, while the visit has none: it lands.
    let out = |id: Uuid| storage::StoredCheckout {
        id,
        fix: checked_in.checkin.fix.clone(),
        device_json: None,
        judgement_json: "{}".into(),
        flags_json: "[]".into(),
        digest: format!("d-{id}"),
    };
    let planned = |photos: i64, json: &str, out_id: Uuid| storage::FlagWrite {
        json: json.into(),
        basis: storage::FlagBasis {
            checkout_id: Some(out_id),
            report_id: None,
            photos,
        },
    };
    // On a basis the visit does not have (one photo), nothing is stored.
    let check_out = |visit: Uuid, out_id: Uuid, flags: storage::FlagWrite| {
        let record = out(out_id);
        async move {
            app.store
                .check_out(
                    tenant,
                    visit,
                    &record,
                    "2026-01-01",
                    "2026-01-01",
                    0,
                    Some(&flags),
                )
                .await
                .unwrap()
        }
    };
    let first = Uuid::now_v7();
    let (stored, written) = check_out(
        visit,
        first,
        planned(1, r#"[{"code":"stale","evidence":{}}]"#, first),
    )
    .await;
    assert!(written);
    assert_eq!(
        stored.flags_json, in_flags,
        "a stale plan leaves the set as it was"
    );
    assert_eq!(
        app.store.visit(tenant, visit).await.unwrap().flags_json,
        in_flags,
        "nor is it stored"
    );

    // A second visit checked out on the basis it really has: the set lands with the write.
    let visit2 = Uuid::now_v7();
    check_in(visit2).await;
    let second = Uuid::now_v7();
    let (stored, _) = check_out(
        visit2,
        second,
        planned(0, r#"[{"code":"planned","evidence":{}}]"#, second),
    )
    .await;
    assert_eq!(
        stored.flags_json.as_deref(),
        Some(r#"[{"code":"planned","evidence":{}}]"#)
    );
    assert_eq!(
        app.store.visit(tenant, visit2).await.unwrap().flags_json,
        stored.flags_json,
        "stored, not only answered"
    );
}
