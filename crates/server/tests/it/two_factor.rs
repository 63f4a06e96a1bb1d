//! Two-factor sign-in (TOTP): enrolment and confirmation with a code computed here from
//! the secret by an independent HMAC-SHA-1 (RFC 4226 truncation, not the server's
//! library), login needing the code, a code not working twice, recovery codes working
//! once, wrong codes throttled with the login back-off, the tenant policy forcing
//! enrolment, an admin's reset in the audit log, and another tenant's reset a 404.

use crate::harness::{Backend, PASSWORD, TestApp, assert_error, both_backends};
use hmac::{KeyInit, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use server::Config;
use server::clock::Clock;

both_backends!(
    enrol_confirm_and_sign_in_with_codes,
    policy_forces_enrolment_before_a_session,
    admin_reset_is_audited_and_scoped
);

/// RFC 4648 base 32 (no padding), as otpauth URIs carry secrets.
fn base32_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut acc, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET
            .iter()
            .position(|&a| a == c.to_ascii_uppercase())
            .expect("base-32 character") as u32;
        acc = (acc << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// The 6-digit TOTP of `secret` at `unix_s` (RFC 6238 over RFC 4226), written here.
fn code_at(secret: &str, unix_s: u64) -> String {
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(&base32_decode(secret)).unwrap();
    mac.update(&(unix_s / 30).to_be_bytes());
    let h = mac.finalize().into_bytes();
    let o = (h[h.len() - 1] & 0x0f) as usize;
    let v = u32::from_be_bytes([h[o] & 0x7f, h[o + 1], h[o + 2], h[o + 3]]) % 1_000_000;
    format!("{v:06}")
}

fn now_s() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

#[test]
fn the_test_totp_matches_rfc_6238() {
    // Appendix B, SHA-1 seed "12345678901234567890": last six digits of the 8-digit TOTP.
    let seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert_eq!(base32_decode(seed), b"12345678901234567890");
    assert_eq!(code_at(seed, 59), "287082");
    assert_eq!(code_at(seed, 1111111109), "081804");
    assert_eq!(code_at(seed, 2000000000), "279037");
}

async fn post_anon(app: &TestApp, path: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, None, path, Some(&body)).await
}

/// Enrols the signed-in person; answers the secret and the recovery codes.
async fn enrol(app: &TestApp, token: &str) -> (String, Vec<String>) {
    let (s, e) = app.post(token, "/api/v1/me/2fa/totp", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let secret = e["secret"].as_str().unwrap().to_owned();
    let (s, b) = app
        .post(
            token,
            "/api/v1/me/2fa/totp/confirm",
            json!({"code": code_at(&secret, now_s())}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let codes = b["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (secret, codes)
}

/// A password login that must answer a challenge of kind `step`; answers its token.
async fn challenge(app: &TestApp, tenant: &str, user: &str, step: &str) -> String {
    let (s, b) = app.login(tenant, user, PASSWORD).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["two_factor"], step, "{b}");
    assert!(
        b.get("token").is_none(),
        "no session before the second step: {b}"
    );
    b["challenge_token"].as_str().unwrap().to_owned()
}

async fn enrol_confirm_and_sign_in_with_codes(app: &TestApp) {
    let t = app.tenant("acme").await;
    app.employee(&t.admin, &t.root_dept, "rep", "field").await;
    let rep = app.token("acme", "rep").await;

    let (s, st) = app.get(&rep, "/api/v1/me/2fa").await;
    assert_eq!(s, StatusCode::OK, "{st}");
    assert_eq!(
        (st["enabled"].clone(), st["required"].clone()),
        (json!(false), json!(false))
    );

    // Starting shows the secret and its URI, and activates nothing.
    let (s, e) = app.post(&rep, "/api/v1/me/2fa/totp", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let secret = e["secret"].as_str().unwrap().to_owned();
    assert_eq!(base32_decode(&secret).len(), 20);
    let uri = e["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(
        uri.contains(&format!("secret={secret}")) && uri.contains("rep%40acme"),
        "{uri}"
    );
    let (_, st) = app.get(&rep, "/api/v1/me/2fa").await;
    assert_eq!(
        (st["enabled"].clone(), st["pending"].clone()),
        (json!(false), json!(true))
    );
    let (s, b) = app.login("acme", "rep", PASSWORD).await;
    assert!(
        s == StatusCode::OK && b["token"].is_string(),
        "pending is not active: {b}"
    );

    // A wrong code does not confirm; a right one does and hands out ten recovery codes.
    let wrong = if code_at(&secret, now_s()) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let (s, b) = app
        .post(&rep, "/api/v1/me/2fa/totp/confirm", json!({"code": wrong}))
        .await;
    let err = assert_error(
        s,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "two_factor_code_invalid",
    );
    assert_eq!(err["fields"][0]["field"], "code");
    let (s, b) = app
        .post(
            &rep,
            "/api/v1/me/2fa/totp/confirm",
            json!({"code": code_at(&secret, now_s())}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let codes: Vec<String> = b["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    let distinct: std::collections::HashSet<_> = codes.iter().collect();
    assert_eq!(distinct.len(), 10);
    let (s, b) = app.post(&rep, "/api/v1/me/2fa/totp", json!({})).await;
    assert_error(s, &b, StatusCode::CONFLICT, "two_factor_already_enabled");

    // The password alone now answers a challenge, which is not a bearer token.
    let ch = challenge(app, "acme", "rep", "verify").await;
    let (s, _) = app.get(&ch, "/api/v1/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, b) = post_anon(app, "/api/v1/auth/2fa", json!({"challenge_token": ch})).await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    // The next step's code (within the ±1 window) signs in: the confirming code's step
    // is spent.
    let code = code_at(&secret, now_s() + 30);
    let (s, b) = post_anon(
        app,
        "/api/v1/auth/2fa",
        json!({"challenge_token": ch, "code": code}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(
        b["device_token"].is_string() && b["employee"]["username"] == "rep",
        "{b}"
    );
    let session = b["token"].as_str().unwrap().to_owned();
    let (s, _) = app.get(&session, "/api/v1/me").await;
    assert_eq!(s, StatusCode::OK);
    // The challenge is used up.
    let (s, b) = post_anon(
        app,
        "/api/v1/auth/2fa",
        json!({"challenge_token": ch, "code": code}),
    )
    .await;
    assert_error(
        s,
        &b,
        StatusCode::UNAUTHORIZED,
        "two_factor_challenge_invalid",
    );

    // The same code is refused at the next login, though still inside its window.
    let ch = challenge(app, "acme", "rep", "verify").await;
    let (s, b) = post_anon(
        app,
        "/api/v1/auth/2fa",
        json!({"challenge_token": ch, "code": code}),
    )
    .await;
    assert_error(s, &b, StatusCode::UNAUTHORIZED, "two_factor_code_invalid");

    // A recovery code works once, however it is typed.
    let (s, b) = post_anon(
        app,
        "/api/v1/auth/2fa",
        json!({"challenge_token": ch, "recovery_code": codes[0].to_uppercase().replace('-', " ")}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let ch = challenge(app, "acme", "rep", "verify").await;
    let (s, b) = post_anon(
        app,
        "/api/v1/auth/2fa",
        json!({"challenge_token": ch, "recovery_code": codes[0]}),
    )
    .await;
    let err = assert_error(s, &b, StatusCode::UNAUTHORIZED, "two_factor_code_invalid");
    assert_eq!(err["fields"][0]["field"], "recovery_code");
    let (_, st) = app.get(&session, "/api/v1/me/2fa").await;
    assert_eq!(st["recovery_codes_left"], 9, "{st}");

    // Turning it off needs a current code or the password.
    let (s, b) = app
        .call(
            Method::DELETE,
            Some(&session),
            "/api/v1/me/2fa/totp",
            Some(&json!({"password": "not it"})),
        )
        .await;
    let err = assert_error(
        s,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "two_factor_code_invalid",
    );
    assert_eq!(err["fields"][0]["field"], "password");
    let (s, b) = app
        .call(
            Method::DELETE,
            Some(&session),
            "/api/v1/me/2fa/totp",
            Some(&json!({"password": PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    let (s, b) = app.login("acme", "rep", PASSWORD).await;
    assert!(s == StatusCode::OK && b["token"].is_string(), "{b}");
}

async fn policy_forces_enrolment_before_a_session(app: &TestApp) {
    let t = app.tenant("acme").await;
    app.employee(&t.admin, &t.root_dept, "boss", "manager")
        .await;
    app.employee(&t.admin, &t.root_dept, "rep", "field").await;
    let boss_before = app.token("acme", "boss").await;
    let rep_before = app.token("acme", "rep").await;

    // An admin without a second factor cannot require one (it would lock them out).
    let (s, b) = app
        .put(
            &t.admin,
            "/api/v1/security-settings",
            json!({"two_factor_required": true}),
        )
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "two_factor_not_enabled");
    let (admin_secret, admin_codes) = enrol(app, &t.admin).await;
    // Managers may not set the policy.
    let (s, b) = app
        .put(
            &boss_before,
            "/api/v1/security-settings",
            json!({"two_factor_required": true}),
        )
        .await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (s, b) = app
        .put(
            &t.admin,
            "/api/v1/security-settings",
            json!({"two_factor_required": true}),
        )
        .await;
    assert_eq!(
        (s, b["two_factor_required"].clone()),
        (StatusCode::OK, json!(true)),
        "{b}"
    );

    // The manager's open session ended; the field rep, whom the policy does not cover,
    // keeps theirs and signs in with the password alone.
    let (s, _) = app.get(&boss_before, "/api/v1/me").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app.get(&rep_before, "/api/v1/me").await;
    assert_eq!(s, StatusCode::OK);
    let (s, b) = app.login("acme", "rep", PASSWORD).await;
    assert!(s == StatusCode::OK && b["token"].is_string(), "{b}");

    // The manager must enrol before any session exists.
    let ch = challenge(app, "acme", "boss", "enrol").await;
    let (s, _) = app.get(&ch, "/api/v1/customers").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, b) = post_anon(
        app,
        "/api/v1/auth/2fa",
        json!({"challenge_token": ch, "code": "123456"}),
    )
    .await;
    assert_error(
        s,
        &b,
        StatusCode::UNAUTHORIZED,
        "two_factor_challenge_invalid",
    );
    let (s, e) = post_anon(
        app,
        "/api/v1/auth/2fa/enrol",
        json!({"challenge_token": ch}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let secret = e["secret"].as_str().unwrap().to_owned();
    let (s, b) = post_anon(
        app,
        "/api/v1/auth/2fa/enrol/confirm",
        json!({"challenge_token": ch, "code": code_at(&secret, now_s())}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["recovery_codes"].as_array().unwrap().len(), 10);
    let boss = b["session"]["token"].as_str().unwrap().to_owned();
    let (s, _) = app.get(&boss, "/api/v1/customers").await;
    assert_eq!(s, StatusCode::OK);
    let (_, st) = app.get(&boss, "/api/v1/me/2fa").await;
    assert_eq!(
        (st["enabled"].clone(), st["required"].clone()),
        (json!(true), json!(true))
    );
    // The policy keeps it on.
    let (s, b) = app
        .call(
            Method::DELETE,
            Some(&boss),
            "/api/v1/me/2fa/totp",
            Some(&json!({"password": PASSWORD})),
        )
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "two_factor_required");
    // From now on the manager verifies like anyone with a second factor.
    challenge(app, "acme", "boss", "verify").await;

    // No secret or recovery code reached the audit log through the admin's enrolment.
    let (s, page) = app.get(&t.admin, "/api/v1/audit?limit=500").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let text = page.to_string();
    assert!(!text.contains(&admin_secret), "secret in the audit log");
    assert!(
        !text.contains(&admin_codes[0]),
        "recovery code in the audit log"
    );
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["resource"] == "security-settings"),
        "{page}"
    );
}

async fn admin_reset_is_audited_and_scoped(app: &TestApp) {
    let a = app.tenant("acme").await;
    let b = app.tenant("other").await;
    let rep_id = app.employee(&a.admin, &a.root_dept, "rep", "field").await;
    app.employee(&a.admin, &a.root_dept, "boss", "manager")
        .await;
    let rep = app.token("acme", "rep").await;
    let boss = app.token("acme", "boss").await;
    enrol(app, &rep).await;

    let status = format!("/api/v1/employees/{rep_id}/2fa");
    let reset = format!("/api/v1/employees/{rep_id}/2fa/reset");
    let (s, st) = app.get(&a.admin, &status).await;
    assert_eq!(
        (s, st["enabled"].clone()),
        (StatusCode::OK, json!(true)),
        "{st}"
    );
    assert_eq!(st["recovery_codes_left"], 10);

    // Another tenant's admin does not find the person; a manager may not reset; nor may
    // a key, whatever its scopes.
    let (s, body) = app.post(&b.admin, &reset, json!({})).await;
    assert_error(s, &body, StatusCode::NOT_FOUND, "not_found");
    let (s, _) = app.get(&b.admin, &status).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, body) = app.post(&boss, &reset, json!({})).await;
    assert_error(s, &body, StatusCode::FORBIDDEN, "forbidden");
    let (s, k) = app
        .post(
            &a.admin,
            "/api/v1/api-keys",
            json!({"name": "hr", "scopes": ["employees:write"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let (s, _) = app
        .post(k["key"].as_str().unwrap(), &reset, json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Not oneself.
    let (s, body) = app
        .post(
            &a.admin,
            &format!("/api/v1/employees/{}/2fa/reset", a.admin_id),
            json!({}),
        )
        .await;
    assert_error(
        s,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );

    let (s, body) = app.post(&a.admin, &reset, json!({})).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{body}");
    let (_, st) = app.get(&a.admin, &status).await;
    assert_eq!(st["enabled"], false, "{st}");
    let (s, body) = app.login("acme", "rep", PASSWORD).await;
    assert!(s == StatusCode::OK && body["token"].is_string(), "{body}");
    let (s, body) = app.post(&a.admin, &reset, json!({})).await;
    assert_error(s, &body, StatusCode::CONFLICT, "two_factor_not_enabled");

    let (s, page) = app.get(&a.admin, "/api/v1/audit?resource=employees").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let entry = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "2fa/reset")
        .unwrap_or_else(|| panic!("no reset entry in {page}"))
        .clone();
    assert_eq!(entry["resource_id"], rep_id.as_str());
    assert_eq!(entry["actor"]["id"], a.admin_id.as_str());
    // One entry: the refused resets recorded nothing.
    let resets = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "2fa/reset")
        .count();
    assert_eq!(resets, 1);
}

// Wrong codes are throttled by the login back-off, on a manual clock.
mod wrong_codes_are_throttled {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::wrong_codes_are_throttled(crate::harness::Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::wrong_codes_are_throttled(crate::harness::Backend::Postgres).await;
    }
}

async fn wrong_codes_are_throttled(backend: Backend) {
    let clock = Clock::manual(server::now_ms());
    let config = Config {
        clock: clock.clone(),
        ..Config::default()
    };
    let app = TestApp::spawn_with(backend, config).await;
    let t = app.tenant("acme").await;
    app.employee(&t.admin, &t.root_dept, "rep", "field").await;
    let rep = app.token("acme", "rep").await;
    let (secret, _) = enrol(&app, &rep).await;

    let ch = challenge(&app, "acme", "rep", "verify").await;
    let right = code_at(&secret, now_s() + 30);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    // Five free tries for typos, and the sixth wrong one is still answered…
    for _ in 0..6 {
        let (s, b) = post_anon(
            &app,
            "/api/v1/auth/2fa",
            json!({"challenge_token": ch, "code": wrong}),
        )
        .await;
        assert_error(s, &b, StatusCode::UNAUTHORIZED, "two_factor_code_invalid");
    }
    // …then even the right code waits, and so does the password: one back-off.
    let (s, b) = post_anon(
        &app,
        "/api/v1/auth/2fa",
        json!({"challenge_token": ch, "code": right}),
    )
    .await;
    assert_error(s, &b, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    let (s, b) = app.login("acme", "rep", PASSWORD).await;
    assert_error(s, &b, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    // After the wait the right code signs in.
    clock.advance(2_000);
    let (s, b) = post_anon(
        &app,
        "/api/v1/auth/2fa",
        json!({"challenge_token": ch, "code": right}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    app.cleanup().await;
}
