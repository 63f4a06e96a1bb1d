//! Visit rules can require the photos and the report before check-out: `block` refuses
//! the check-out with a 422 naming what is missing and stores nothing (the same action
//! goes through once they are in), `warn` stores it and flags the visit, `off` ignores.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use crate::visits::{camera_photo, codes};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const SHOP: (f64, f64) = (31.2304, 121.4737);

struct Setup {
    admin: String,
    token: String,
    shop: String,
}

async fn setup(app: &TestApp, requires: Value) -> Setup {
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
        .put(&t.admin, "/api/v1/visit-rules/tenant",
             json!({"required_photos": 1, "default_form_id": form["id"], "checkout_requires": requires}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let token = app.token("acme", "rep1").await;
    let shop = app
        .customer(
            &t.admin,
            json!({"name": "Shop", "owner_id": rep,
                                   "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .await;
    Setup {
        admin: t.admin,
        token,
        shop: shop["id"].as_str().unwrap().to_owned(),
    }
}

/// Checks in ten minutes ago; returns the visit id and its check-in instant.
async fn check_in(app: &TestApp, s: &Setup) -> (Uuid, chrono::DateTime<chrono::FixedOffset>) {
    let t = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        - chrono::Duration::minutes(10);
    let id = Uuid::now_v7();
    let (st, v) = app
        .post(&s.token, "/api/v1/visits",
              json!({"id": id, "customer_id": s.shop, "t": t.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert!(
        v["checkout_requires"].is_object(),
        "the app learns what check-out needs: {v}"
    );
    (id, t)
}

fn checkout_body(id: Uuid, t: chrono::DateTime<chrono::FixedOffset>) -> Value {
    json!({"id": id, "t": t.to_rfc3339(), "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5})
}

both_backends!(blocked_check_out_names_what_is_missing_and_stores_nothing);

async fn blocked_check_out_names_what_is_missing_and_stores_nothing(app: &TestApp) {
    let s = setup(app, json!({"photos": "block", "report": "block"})).await;
    let (visit, t0) = check_in(app, &s).await;
    let out = format!("/api/v1/visits/{visit}/check-out");
    // Twelve seconds after check-in, no photo, no report: refused, naming both.
    let action = Uuid::now_v7();
    let body = checkout_body(action, t0 + chrono::Duration::seconds(12));
    let (st, e) = app.post(&s.token, &out, body.clone()).await;
    let err = assert_error(
        st,
        &e,
        StatusCode::UNPROCESSABLE_ENTITY,
        "checkout_requirements_unmet",
    );
    assert_eq!(fields(&e), ["photos", "report"], "{err}");
    let (_, v) = app.get(&s.admin, &format!("/api/v1/visits/{visit}")).await;
    assert_eq!(v["check_out"], Value::Null, "nothing stored: {v}");
    assert_eq!(codes(&v), Vec::<String>::new());

    // The photo is taken: only the report is missing now.
    let taken = (t0 + chrono::Duration::seconds(5))
        .format("%Y:%m:%d %H:%M:%S")
        .to_string();
    let (st, p) = app
        .upload(
            &s.token,
            &format!("/api/v1/visits/{visit}/photos"),
            json!({"id": Uuid::now_v7(), "t": (t0 + chrono::Duration::seconds(5)).to_rfc3339(),
                       "lat": SHOP.0, "lon": SHOP.1, "capture": "camera"}),
            camera_photo(5, &taken, SHOP),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    let (st, e) = app.post(&s.token, &out, body.clone()).await;
    assert_error(
        st,
        &e,
        StatusCode::UNPROCESSABLE_ENTITY,
        "checkout_requirements_unmet",
    );
    assert_eq!(fields(&e), ["report"]);

    // The report is in: the very same action (same id, same body) goes through, once.
    let (st, _) = app
        .put(&s.token, &format!("/api/v1/visits/{visit}/report"),
             json!({"id": Uuid::now_v7(), "answers": {"ok": true}, "t": (t0 + chrono::Duration::seconds(8)).to_rfc3339()}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, done) = app.post(&s.token, &out, body.clone()).await;
    assert_eq!(st, StatusCode::CREATED, "{done}");
    assert_eq!(done["check_out"]["duration_s"], 12);
    assert_eq!(codes(&done), Vec::<String>::new());
    let (st, again) = app.post(&s.token, &out, body).await;
    assert_eq!(
        (st, again["check_out"]["duration_s"].clone()),
        (StatusCode::OK, json!(12))
    );
}

both_backends!(warned_check_out_is_stored_and_flagged);

async fn warned_check_out_is_stored_and_flagged(app: &TestApp) {
    let s = setup(app, json!({"photos": "warn", "report": "warn"})).await;
    let (visit, t0) = check_in(app, &s).await;
    let (st, done) = app
        .post(
            &s.token,
            &format!("/api/v1/visits/{visit}/check-out"),
            checkout_body(Uuid::now_v7(), t0 + chrono::Duration::seconds(12)),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{done}");
    assert_eq!(done["check_out"]["duration_s"], 12);
    assert_eq!(codes(&done), ["photos_missing", "report_missing"]);
    let (_, found) = app
        .get(&s.admin, "/api/v1/visits?flag=report_missing")
        .await;
    assert_eq!(found["items"][0]["id"], json!(visit));
    let (_, found) = app
        .get(&s.admin, "/api/v1/visits?flag=photos_missing")
        .await;
    assert_eq!(found["items"][0]["id"], json!(visit));

    // `off` checks neither.
    let (st, _) = app
        .put(
            &s.admin,
            "/api/v1/visit-rules/tenant",
            json!({"required_photos": 1, "checkout_requires": {"photos": "off", "report": "off"}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (visit, t0) = check_in(app, &s).await;
    let (st, done) = app
        .post(
            &s.token,
            &format!("/api/v1/visits/{visit}/check-out"),
            checkout_body(Uuid::now_v7(), t0 + chrono::Duration::seconds(12)),
        )
        .await;
    assert_eq!(
        (st, codes(&done)),
        (StatusCode::CREATED, Vec::<String>::new()),
        "{done}"
    );

    // A rule naming an unknown mode is refused, naming the field.
    let (st, e) = app
        .put(
            &s.admin,
            "/api/v1/visit-rules/tenant",
            json!({"checkout_requires": {"photos": "sometimes"}}),
        )
        .await;
    assert_error(
        st,
        &e,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(fields(&e), ["checkout_requires.photos"]);
}
