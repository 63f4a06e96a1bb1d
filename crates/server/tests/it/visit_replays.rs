//! Exactly-once under a phone's retries and late, out-of-order sync; photo uploads that
//! are not photos; reuse of a photo, even resized and re-encoded.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use crate::photo_support::{half, jpeg, png, png_declaring, scene};
use crate::visits::{camera_photo, codes};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

const SHOP: (f64, f64) = (31.2304, 121.4737);

async fn rep_and_shop(app: &TestApp) -> (String, String, String) {
    let t = app.tenant("acme").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    let shop = app
        .customer(
            &t.admin,
            json!({"name": "Shop", "owner_id": rep, "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .await;
    (t.admin, token, shop["id"].as_str().unwrap().to_owned())
}

both_backends!(the_same_action_sent_three_times_at_once_is_stored_once);

async fn the_same_action_sent_three_times_at_once_is_stored_once(app: &TestApp) {
    let (admin, token, shop) = rep_and_shop(app).await;
    let id = Uuid::now_v7();
    let body = json!({"id": id, "customer_id": shop, "t": chrono::Utc::now().to_rfc3339(),
                      "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 10});
    let send = || app.post(&token, "/api/v1/visits", body.clone());
    let (a, b, c) = tokio::join!(send(), send(), send());
    let mut statuses = [a.0, b.0, c.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::OK, StatusCode::CREATED]
    );
    assert_eq!(
        (a.1["check_in"].clone(), a.1["id"].clone()),
        (b.1["check_in"].clone(), json!(id))
    );
    let (_, list) = app.get(&admin, "/api/v1/visits").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // The same id with another body is a conflict, not a second visit.
    let mut other = body.clone();
    other["lat"] = json!(SHOP.0 + 0.001);
    let (s, e) = app.post(&token, "/api/v1/visits", other).await;
    assert_error(s, &e, StatusCode::CONFLICT, "id_reused");

    // Check-out, three times at once: one check-out.
    let out = json!({"id": Uuid::now_v7(), "t": chrono::Utc::now().to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1});
    let path = format!("/api/v1/visits/{id}/check-out");
    let send = || app.post(&token, &path, out.clone());
    let (a, b, c) = tokio::join!(send(), send(), send());
    let mut statuses = [a.0, b.0, c.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::OK, StatusCode::CREATED],
        "{} {} {}",
        a.1,
        b.1,
        c.1
    );
    assert_eq!(a.1["check_out"], c.1["check_out"]);
    // A second, different check-out of the same visit is refused.
    let (s, e) = app
        .post(&token, &path, json!({"id": Uuid::now_v7(), "t": chrono::Utc::now().to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1}))
        .await;
    assert_error(s, &e, StatusCode::CONFLICT, "already_done");

    // Photos too: one stored, retries answer it.
    let photo = Uuid::now_v7();
    let meta = json!({"id": photo, "t": chrono::Utc::now().to_rfc3339()});
    let bytes = jpeg(&scene(11, 320, 240), 85);
    let photo_path = format!("/api/v1/visits/{id}/photos");
    let up = || app.upload(&token, &photo_path, meta.clone(), bytes.clone());
    let (a, b, c) = tokio::join!(up(), up(), up());
    let mut statuses = [a.0, b.0, c.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::OK, StatusCode::CREATED],
        "{} {} {}",
        a.1,
        b.1,
        c.1
    );
    let (_, v) = app.get(&admin, &format!("/api/v1/visits/{id}")).await;
    assert_eq!(v["photos"].as_array().unwrap().len(), 1);
    let (s, e) = app
        .upload(
            &token,
            &format!("/api/v1/visits/{id}/photos"),
            meta,
            jpeg(&scene(12, 320, 240), 85),
        )
        .await;
    assert_error(s, &e, StatusCode::CONFLICT, "id_reused");
}

both_backends!(late_and_out_of_order_actions_are_judged_when_they_happened);

async fn late_and_out_of_order_actions_are_judged_when_they_happened(app: &TestApp) {
    let (_, token, shop) = rep_and_shop(app).await;
    // Checked in three hours ago in a basement; synced now.
    let then = chrono::Utc::now() - chrono::Duration::hours(3);
    let id = Uuid::now_v7();
    let (s, v) = app
        .post(
            &token,
            "/api/v1/visits",
            json!({"id": id, "customer_id": shop, "t": then.to_rfc3339(),
            "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 10,
            "device": {"id": "p1", "clock": chrono::Utc::now().to_rfc3339()}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        v["check_in"]["t"].as_str().unwrap()[..16],
        then.to_rfc3339()[..16]
    );
    // The phone retries a minute later: its clock moved on, the action is the same.
    let retry_clock = (chrono::Utc::now() + chrono::Duration::minutes(1)).to_rfc3339();
    let (s, again) = app
        .post(&token, "/api/v1/visits", json!({"id": id, "customer_id": shop, "t": then.to_rfc3339(),
            "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 10, "device": {"id": "p1", "clock": retry_clock}}))
        .await;
    assert_eq!(
        (s, again["flags"].clone()),
        (StatusCode::OK, v["flags"].clone()),
        "{again}"
    );
    let late = v["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "late_sync")
        .expect("late_sync");
    assert!(
        (late["evidence"]["delay_s"].as_i64().unwrap() - 3 * 3600).abs() < 60,
        "{late}"
    );

    // A check-out stamped before its check-in is refused with the field named.
    let (s, e) = app
        .post(
            &token,
            &format!("/api/v1/visits/{id}/check-out"),
            json!({"id": Uuid::now_v7(),
            "t": (then - chrono::Duration::minutes(1)).to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1}),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["t"]);
    // A check-out whose check-in has not arrived yet: 404, the client retries it later.
    let (s, e) = app
        .post(
            &token,
            &format!("/api/v1/visits/{}/check-out", Uuid::now_v7()),
            json!({"id": Uuid::now_v7(),
            "t": then.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1}),
        )
        .await;
    assert_error(s, &e, StatusCode::NOT_FOUND, "not_found");
    // A phone whose clock is an hour fast: flagged for the clock, and its "future" action
    // is accepted because it is not ahead of the phone's own clock.
    let fast = chrono::Utc::now() + chrono::Duration::hours(1);
    let (s, v) = app
        .post(&token, "/api/v1/visits", json!({"id": Uuid::now_v7(), "customer_id": shop, "t": fast.to_rfc3339(),
            "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 10, "device": {"id": "p1", "clock": fast.to_rfc3339()}}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(codes(&v), ["clock_offset"]);
    // Without a device clock, an action from the future is refused.
    let (s, e) = app
        .post(
            &token,
            "/api/v1/visits",
            json!({"id": Uuid::now_v7(), "customer_id": shop, "t": fast.to_rfc3339(),
            "lat": SHOP.0, "lon": SHOP.1}),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["t"]);
}

both_backends!(what_is_not_a_photo_is_refused_and_nothing_is_stored);

async fn what_is_not_a_photo_is_refused_and_nothing_is_stored(app: &TestApp) {
    let (admin, token, shop) = rep_and_shop(app).await;
    let id = Uuid::now_v7();
    let now = chrono::Utc::now().to_rfc3339();
    app.post(
        &token,
        "/api/v1/visits",
        json!({"id": id, "customer_id": shop, "t": now, "lat": SHOP.0, "lon": SHOP.1}),
    )
    .await;
    let path = format!("/api/v1/visits/{id}/photos");
    let good = jpeg(&scene(5, 320, 240), 85);
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "html",
            b"<html><body>hi</body></html>".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_an_image",
        ),
        (
            "empty",
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty",
        ),
        (
            "truncated",
            good[..good.len() / 2].to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "corrupt",
        ),
        (
            "bomb",
            png_declaring(100_000, 100_000),
            StatusCode::UNPROCESSABLE_ENTITY,
            "side_too_long",
        ),
        (
            "huge",
            vec![0xFF; 11 * 1024 * 1024],
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (name, bytes, status, code) in cases {
        let photo = Uuid::now_v7();
        let (s, e) = app
            .upload(&token, &path, json!({"id": photo, "t": now}), bytes)
            .await;
        assert_eq!(s, status, "{name}: {e}");
        assert_eq!(e["error"]["code"], code, "{name}: {e}");
        let (s, _) = app.bytes(&admin, &format!("/api/v1/photos/{photo}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{name} left a photo behind");
    }
    // Bad metadata is named.
    let (s, e) = app
        .upload(
            &token,
            &path,
            json!({"id": Uuid::now_v7(), "t": now, "lat": 31.2}),
            good.clone(),
        )
        .await;
    assert_error(s, &e, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&e), ["meta.lat"]);
    let (s, _) = app.get(&admin, &format!("/api/v1/visits/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = app.get(&admin, &format!("/api/v1/visits/{id}")).await;
    assert_eq!(v["photos"], json!([]));
    // Only the files of accepted photos exist on disk: none so far.
    let stored = walk(&app.files);
    assert!(stored.is_empty(), "{stored:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            if e.path().is_dir() {
                walk(&e.path())
            } else {
                vec![e.path()]
            }
        })
        .collect()
}

/// `now` as a Shanghai camera writes it into EXIF.
fn exif_time(now: chrono::DateTime<chrono::Utc>) -> String {
    now.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y:%m:%d %H:%M:%S")
        .to_string()
}

/// `n` visits checked in at the shop at `now`, their ids.
async fn open_visits(
    app: &TestApp,
    token: &str,
    shop: &str,
    now: chrono::DateTime<chrono::Utc>,
    n: usize,
) -> Vec<Uuid> {
    let mut visits = Vec::new();
    for _ in 0..n {
        let id = Uuid::now_v7();
        app.post(token, "/api/v1/visits", json!({"id": id, "customer_id": shop, "t": now.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1}))
            .await;
        visits.push(id);
    }
    visits
}

both_backends!(
    a_reused_photo_is_recognised_even_resized_and_re_encoded,
    a_reused_photo_is_recognised_across_servers
);

async fn a_reused_photo_is_recognised_even_resized_and_re_encoded(app: &TestApp) {
    let (_, token, shop) = rep_and_shop(app).await;
    let now = chrono::Utc::now();
    let taken = exif_time(now);
    let visits = open_visits(app, &token, &shop, now, 3).await;
    let first = Uuid::now_v7();
    let (s, p) = app
        .upload(
            &token,
            &format!("/api/v1/visits/{}/photos", visits[0]),
            json!({"id": first, "t": now.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1}),
            camera_photo(21, &taken, SHOP),
        )
        .await;
    assert_eq!(
        (s, codes(&p)),
        (StatusCode::CREATED, Vec::<String>::new()),
        "{p}"
    );

    // The same scene at half size as a PNG (no EXIF), uploaded for another visit.
    let copy = png(&half(
        &image::load_from_memory(&jpeg(&scene(21, 640, 480), 70))
            .unwrap()
            .to_rgb8(),
    ));
    let (s, p) = app
        .upload(
            &token,
            &format!("/api/v1/visits/{}/photos", visits[1]),
            json!({"id": Uuid::now_v7(), "t": now.to_rfc3339()}),
            copy,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let reused = p["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "photo_reused")
        .expect("photo_reused");
    assert_eq!(reused["evidence"]["photo_id"], json!(first));
    assert_eq!(reused["evidence"]["identical"], false);
    assert!(codes(&p).contains(&"photo_no_exif".to_owned()));

    // The very same bytes again are found by their digest, and said to be identical.
    let (s, p) = app
        .upload(
            &token,
            &format!("/api/v1/visits/{}/photos", visits[1]),
            json!({"id": Uuid::now_v7(), "t": now.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1}),
            camera_photo(21, &taken, SHOP),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let reused = p["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "photo_reused")
        .expect("photo_reused");
    assert_eq!(reused["evidence"]["photo_id"], json!(first), "{p}");
    assert_eq!(reused["evidence"]["identical"], true, "{p}");

    // A different scene is not a reuse; an old photo (EXIF a day earlier) is a mismatch.
    let yesterday = exif_time(now - chrono::Duration::days(1));
    let (_, p) = app
        .upload(
            &token,
            &format!("/api/v1/visits/{}/photos", visits[2]),
            json!({"id": Uuid::now_v7(), "t": now.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1}),
            camera_photo(99, &yesterday, SHOP),
        )
        .await;
    assert_eq!(codes(&p), ["photo_exif_mismatch"], "{p}");
}

/// Each server keeps its own index of photo hashes (`server::photo_index`) and catches up
/// from the shared database: a copy uploaded to one server of a photo stored through the
/// other is found in both directions.
async fn a_reused_photo_is_recognised_across_servers(app: &TestApp) {
    let (_, token, shop) = rep_and_shop(app).await;
    let (other, _) = app.another_server().await;
    let now = chrono::Utc::now();
    let taken = exif_time(now);
    let visits = open_visits(app, &token, &shop, now, 4).await;
    let meta_with =
        |id: Uuid| json!({"id": id, "t": now.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1});
    let meta = || meta_with(Uuid::now_v7());
    let reused_from = |p: &serde_json::Value| {
        p["flags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "photo_reused")
            .map(|f| f["evidence"]["photo_id"].clone())
    };
    let copy_of = |seed: u64| {
        png(&half(
            &image::load_from_memory(&jpeg(&scene(seed, 640, 480), 70))
                .unwrap()
                .to_rgb8(),
        ))
    };
    let upload = async |base: &str, visit: Uuid, meta: serde_json::Value, bytes: Vec<u8>| {
        app.upload_at(
            base,
            &token,
            &format!("/api/v1/visits/{visit}/photos"),
            meta,
            bytes,
        )
        .await
    };
    // Both servers have looked before either photo exists.
    for (base, seed) in [(&app.base, 31), (&other, 32)] {
        let (s, p) = upload(base, visits[0], meta(), camera_photo(seed, &taken, SHOP)).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
    }
    let first_id = Uuid::now_v7();
    let (_, first) = upload(
        &app.base,
        visits[1],
        meta_with(first_id),
        camera_photo(41, &taken, SHOP),
    )
    .await;
    assert_eq!(reused_from(&first), None, "{first}");
    let (_, copy) = upload(&other, visits[2], meta(), copy_of(41)).await;
    assert_eq!(reused_from(&copy), Some(json!(first_id)), "{copy}");

    let second_id = Uuid::now_v7();
    let (_, second) = upload(
        &other,
        visits[3],
        meta_with(second_id),
        camera_photo(51, &taken, SHOP),
    )
    .await;
    assert_eq!(reused_from(&second), None, "{second}");
    let (_, copy) = upload(&app.base, visits[3], meta(), copy_of(51)).await;
    assert_eq!(reused_from(&copy), Some(json!(second_id)), "{copy}");
}
