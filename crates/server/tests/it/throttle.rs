//! Login throttling that cannot be turned against users: a sprayed account stays open to
//! its owner, carrier NAT addresses carry thousands of honest logins, tenants do not
//! share address budgets. The server's throttle clock is a manual one, advanced by the
//! tests, so simulated hours take no real time; client addresses come from a trusted
//! `X-Forwarded-For`.

use crate::harness::{Backend, PASSWORD, TestApp, assert_error};
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::Config;
use server::clock::Clock;

macro_rules! both_backends_with_clock {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let (app, clock) = super::spawn(crate::harness::Backend::Sqlite).await;
                super::$name(&app, clock).await;
                app.cleanup().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let (app, clock) = super::spawn(crate::harness::Backend::Postgres).await;
                super::$name(&app, clock).await;
                app.cleanup().await;
            }
        }
    )*};
}

both_backends_with_clock!(
    spraying_never_refuses_the_owner,
    success_is_never_counted_and_clears_its_address,
    a_parallel_burst_gets_no_more_guesses,
    nat_address_carries_thousands_and_is_per_tenant
);

/// An app whose throttle reads a manual clock and which trusts `X-Forwarded-For`.
async fn spawn(backend: Backend) -> (TestApp, Clock) {
    let clock = Clock::manual(server::now_ms());
    let config = Config {
        trust_forwarded_for: true,
        clock: clock.clone(),
        ..Config::default()
    };
    (TestApp::spawn_with(backend, config).await, clock)
}

/// One login attempt from `addr`: status, body, and `Retry-After` when present.
async fn login_from(
    app: &TestApp,
    addr: &str,
    tenant: &str,
    username: &str,
    password: &str,
    device: Option<&str>,
) -> (StatusCode, Value, Option<u64>) {
    let mut body = json!({"tenant": tenant, "username": username, "password": password});
    if let Some(d) = device {
        body["device_token"] = json!(d);
    }
    let resp = app
        .client
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("x-forwarded-for", addr)
        .json(&body)
        .send()
        .await
        .expect("request is sent");
    let status = resp.status();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (status, resp.json().await.unwrap_or(Value::Null), retry)
}

const USUAL: &str = "10.0.0.1";

async fn spraying_never_refuses_the_owner(app: &TestApp, clock: Clock) {
    let t = app.tenant("acme").await;
    app.employee(&t.admin, &t.root_dept, "rep", "field").await;
    // The rep's first login, from home: the address becomes known, the phone gets a
    // device token.
    let (s, b, _) = login_from(app, USUAL, "acme", "rep", PASSWORD, None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let device = b["device_token"].as_str().unwrap().to_owned();

    // 1,000 guesses from 10 addresses, one every 6 simulated seconds; after every tenth
    // (each simulated minute) the rep logs in from home: on even minutes with the phone
    // (its device token), on odd ones from a client that keeps no token (the address).
    let attackers: Vec<String> = (1..=10).map(|i| format!("203.0.113.{i}")).collect();
    let (mut checked, mut held) = (0, 0);
    for i in 0..1000 {
        clock.advance(6_000);
        let addr = &attackers[i % 10];
        let (s, b, retry) = login_from(app, addr, "acme", "rep", &format!("guess{i}"), None).await;
        match s {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                held += 1;
                assert_error(s, &b, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
                let retry = retry.expect("429 carries Retry-After");
                assert!((1..=900).contains(&retry), "{retry}");
            }
            other => panic!("guess {i}: {other} {b}"),
        }
        if i % 10 == 9 {
            let phone = (i / 10 % 2 == 0).then_some(device.as_str());
            let (s, b, _) = login_from(app, USUAL, "acme", "rep", PASSWORD, phone).await;
            assert_eq!(
                s,
                StatusCode::OK,
                "minute {}: the owner was refused: {b}",
                i / 10
            );
        }
    }
    // The attacker was slowed to a trickle: the free tries, then a doubling delay.
    assert_eq!(checked + held, 1000);
    assert!(
        (10..=60).contains(&checked),
        "{checked} guesses were checked"
    );

    // The rep's phone, carried to an attacker's address, still gets in with its token…
    let (s, b, _) = login_from(app, &attackers[3], "acme", "rep", PASSWORD, Some(&device)).await;
    assert_eq!(s, StatusCode::OK, "known device refused: {b}");
    assert_eq!(
        b["device_token"],
        device.as_str(),
        "a known device keeps its token"
    );
    // …and a typo on it costs nothing.
    let (s, _, _) = login_from(app, &attackers[3], "acme", "rep", "oops", Some(&device)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = login_from(app, &attackers[3], "acme", "rep", PASSWORD, Some(&device)).await;
    assert_eq!(s, StatusCode::OK);
    // A device token the account was never given does not pass as known.
    let (s, b, _) = login_from(
        app,
        "192.0.2.50",
        "acme",
        "rep",
        PASSWORD,
        Some("ofd_forged"),
    )
    .await;
    assert_error(s, &b, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    // Browsers carry the token as a cookie instead of a field.
    let resp = app
        .client
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("x-forwarded-for", "192.0.2.51")
        .header("cookie", format!("outfield_device={device}"))
        .json(&json!({"tenant": "acme", "username": "rep", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with(&format!("outfield_device={device};")) && cookie.contains("HttpOnly"),
        "{cookie}"
    );

    // Other accounts in the tenant are not touched by the spraying of this one.
    let (s, b, _) = login_from(app, &attackers[0], "acme", "admin", PASSWORD, None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

async fn success_is_never_counted_and_clears_its_address(app: &TestApp, clock: Clock) {
    app.tenant("acme").await;
    let office = "172.16.0.9";
    // Five typos, a success, five more typos: the success cleared the (account, address)
    // counter, so none of this waits.
    for round in 0..2 {
        for i in 0..5 {
            let (s, b, _) = login_from(app, office, "acme", "admin", "typo", None).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "round {round} typo {i}: {b}");
        }
        let (s, b, _) = login_from(app, office, "acme", "admin", PASSWORD, None).await;
        assert_eq!(s, StatusCode::OK, "round {round}: {b}");
    }
    // Typos in a row: five free, then each failure doubles the wait — a delay, never a
    // lockout, and the right password is taken as soon as the wait is over.
    for i in 0..6 {
        let (s, b, _) = login_from(app, office, "acme", "admin", "typo", None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "typo {i}: {b}");
    }
    let mut waits = Vec::new();
    for _ in 0..3 {
        let (s, b, retry) = login_from(app, office, "acme", "admin", PASSWORD, None).await;
        assert_error(s, &b, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
        let retry = retry.unwrap();
        waits.push(retry);
        clock.advance(retry as i64 * 1000);
        let (s, b, _) = login_from(app, office, "acme", "admin", "typo", None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    }
    assert_eq!(waits, [1, 2, 4]);
    clock.advance(8_000);
    let (s, b, _) = login_from(app, office, "acme", "admin", PASSWORD, None).await;
    assert_eq!(s, StatusCode::OK, "after waiting: {b}");
    // Fifty successes in a row never make the next one wait.
    for i in 0..50 {
        let (s, b, _) = login_from(app, office, "acme", "admin", PASSWORD, None).await;
        assert_eq!(s, StatusCode::OK, "success {i}: {b}");
    }
}

async fn a_parallel_burst_gets_no_more_guesses(app: &TestApp, _clock: Clock) {
    app.tenant("acme").await;
    // 40 guesses at once from one address: attempts on an account take turns, so each
    // sees the failures before it — the five free ones and one more are checked, the
    // rest wait, exactly as if they had come one by one.
    let mut set = tokio::task::JoinSet::new();
    for i in 0..40 {
        let (client, base) = (app.client.clone(), app.base.clone());
        set.spawn(async move {
            client
                .post(format!("{base}/api/v1/auth/login"))
                .header("x-forwarded-for", "198.18.0.1")
                .json(&json!({"tenant": "acme", "username": "admin", "password": format!("g{i}")}))
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let mut checked = 0;
    while let Some(s) = set.join_next().await {
        match s.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(checked, 6);
}

async fn nat_address_carries_thousands_and_is_per_tenant(app: &TestApp, _clock: Clock) {
    const NAT: &str = "100.64.0.1";
    let nat = app.tenant("nat").await;
    app.tenant("other").await;

    // In tenant "other", someone behind the NAT address guesses across usernames until
    // the address's budget in that tenant is spent.
    let mut free = 0;
    loop {
        let (s, b, _) = login_from(app, NAT, "other", &format!("ghost{free}"), "guess", None).await;
        if s == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
        free += 1;
        assert!(free <= 1000, "the address is never slowed");
    }
    assert_eq!(free, 201, "200 free failures, the 201st starts the delay");

    // 2,000 people of tenant "nat", all behind the same address, all logging in for the
    // first time in the same simulated instant; one in twenty mistypes first.
    let people = many_people(app, &nat, 2000).await;
    let mut set = tokio::task::JoinSet::new();
    let shared = std::sync::Arc::new((app.client.clone(), app.base.clone()));
    for (n, username) in people.into_iter().enumerate() {
        let shared = shared.clone();
        set.spawn(async move {
            let (client, base) = &*shared;
            let send = |password: &str| {
                client
                    .post(format!("{base}/api/v1/auth/login"))
                    .header("x-forwarded-for", NAT)
                    .json(&json!({"tenant": "nat", "username": username, "password": password}))
                    .send()
            };
            if n % 20 == 0 {
                let s = send("typo").await.unwrap().status();
                assert_eq!(s, StatusCode::UNAUTHORIZED, "typo of {username}");
            }
            let resp = send(PASSWORD).await.unwrap();
            (username.clone(), resp.status(), resp.text().await.unwrap())
        });
        // A few at a time, like phones arriving.
        if set.len() >= 8 {
            let (u, s, b) = set.join_next().await.unwrap().unwrap();
            assert_eq!(s, StatusCode::OK, "{u}: {b}");
        }
    }
    while let Some(r) = set.join_next().await {
        let (u, s, b) = r.unwrap();
        assert_eq!(s, StatusCode::OK, "{u}: {b}");
    }

    // Tenant "other" is still slowed at that address: budgets are per tenant both ways.
    let (s, b, _) = login_from(app, NAT, "other", "ghost-late", "guess", None).await;
    assert_error(s, &b, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
}

/// Creates `n` field people who can log in, written straight to the store with a cheap
/// argon2 hash (the verifier reads the cost from the hash), so the test spends its time
/// on logins rather than on hashing.
async fn many_people(app: &TestApp, t: &crate::harness::Tenant, n: usize) -> Vec<String> {
    use argon2::password_hash::PasswordHasher;
    let cheap = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(8, 1, 1, None).unwrap(),
    )
    .hash_password(PASSWORD.as_bytes())
    .unwrap()
    .to_string();
    let dept: domain::DepartmentId = t.root_dept.parse().unwrap();
    let mut names = Vec::with_capacity(n);
    for i in 0..n {
        let username = format!("p{i:04}");
        let draft = domain::employee::EmployeeDraft {
            name: format!("Person {i}"),
            username: Some(username.clone()),
            password: None,
            phone: None,
            email: None,
            employee_no: None,
            department_id: dept,
            role: domain::employee::Role::Field,
            active: true,
            start_date: None,
            external_id: None,
        };
        app.store
            .create_employee(t.id, None, None, &draft, Some(&cheap))
            .await
            .unwrap();
        names.push(username);
    }
    names
}
