//! Single sign-on end to end against a real OpenID provider: panva's `oidc-provider`
//! (npm, `tests/oidc/provider.js`) on 127.0.0.1, driven like a browser by this test's
//! HTTP client — redirects followed by hand, cookies kept, the provider's login form
//! submitted. Covers a mapped person signing in (and the one-time code swapped for a
//! session once), an unmapped person refused with just-in-time provisioning off and
//! provisioned with it on, a deactivated person, the provider answering an error, a
//! tampered state, a callback from another browser, cross-tenant isolation, and the
//! settings (admins only, secret write-only, validation, the SSRF guard).

use crate::harness::{TestApp, assert_error, both_with, fields};
use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};
use server::Config;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

/// The provider runs on 127.0.0.1, which the operator setting the webhook tests use lets
/// the server reach.
fn local_provider() -> Config {
    Config {
        webhooks_allow_private: true,
        ..Config::default()
    }
}

both_with!(super::local_provider() =>
    a_mapped_person_signs_in_and_others_are_refused,
    just_in_time_provisioning_creates_a_field_rep,
    tampered_state_and_other_browsers_are_refused,
    tenants_are_isolated,
    settings_are_admins_and_checked,
);
both_with!(server::Config::default() => a_private_issuer_is_refused);

/// The provider process, stopped when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Provider {
    /// Starts the provider with one confidential client per `(tenant slug, client id)`,
    /// each registered with that tenant's callback on `app`.
    fn start(app: &TestApp, clients: &[(&str, &str)]) -> Provider {
        let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
        assert!(
            here.join("node_modules/oidc-provider").is_dir(),
            "the OpenID provider's packages are missing: run `npm ci` in {} (scripts/test.sh does)",
            here.display()
        );
        let clients: Vec<Value> = clients
            .iter()
            .map(|(slug, id)| {
                json!({
                    "client_id": id,
                    "client_secret": secret(id),
                    "redirect_uris": [format!("{}/api/v1/auth/oidc/{slug}/callback", app.base)],
                    "grant_types": ["authorization_code"],
                    "response_types": ["code"],
                })
            })
            .collect();
        let mut child = Command::new("node")
            .arg(here.join("provider.js"))
            .arg(json!({ "clients": clients }).to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs the OpenID provider");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line
            .trim()
            .strip_prefix("listening ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("the provider said {line:?}"));
        Provider {
            child,
            issuer: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn form_body(pairs: &[(&str, &str)]) -> String {
    let mut url = Url::parse("http://x/").unwrap();
    url.query_pairs_mut().extend_pairs(pairs);
    url.query().unwrap_or_default().to_owned()
}

fn secret(client_id: &str) -> String {
    format!("{client_id}-secret-0123456789")
}

/// A browser: follows nothing by itself, keeps every cookie it is given (by name; paths
/// do not matter for these few).
struct Browser {
    client: reqwest::Client,
    cookies: Mutex<HashMap<String, String>>,
}

/// How a sign-in at the provider goes.
#[derive(Clone, Copy)]
enum AtProvider<'a> {
    Login(&'a str),
    Cancel,
}

impl Browser {
    fn new() -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Mutex::new(HashMap::new()),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> reqwest::Response {
        let jar = self
            .cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let req = if jar.is_empty() {
            req
        } else {
            req.header("cookie", jar)
        };
        let resp = req.send().await.expect("request is sent");
        for c in resp.headers().get_all("set-cookie") {
            let c = c.to_str().unwrap();
            let (name, value) = c.split(';').next().unwrap().split_once('=').unwrap();
            let mut jar = self.cookies.lock().unwrap();
            if value.is_empty() || c.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
        resp
    }

    /// The next URL after a 303/302 from `from`.
    fn next(from: &Url, resp: &reqwest::Response) -> Url {
        assert!(
            resp.status().is_redirection(),
            "{from} answered {} instead of a redirect",
            resp.status()
        );
        from.join(resp.headers()["location"].to_str().unwrap())
            .unwrap()
    }

    /// Follows `url` through the provider to the URL the callback sends the browser to,
    /// but stops before the callback itself and answers its URL.
    async fn to_callback(&self, app: &TestApp, url: Url, how: AtProvider<'_>) -> Url {
        let mut url = url;
        for _ in 0..10 {
            if url.as_str().starts_with(&app.base) {
                return url;
            }
            let resp = self.send(self.client.get(url.clone())).await;
            if resp.status() == StatusCode::OK && url.path().starts_with("/interaction/") {
                let (action, form) = match how {
                    AtProvider::Login(name) => ("login", vec![("login", name)]),
                    AtProvider::Cancel => ("abort", vec![]),
                };
                let post = url.join(&format!("{}/{action}", url.path())).unwrap();
                let body = form_body(&form);
                let req = self
                    .client
                    .post(post.clone())
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body);
                let resp = self.send(req).await;
                url = Self::next(&post, &resp);
            } else {
                url = Self::next(&url, &resp);
            }
        }
        panic!("the provider never sent the browser back")
    }

    /// Calls our callback; answers the console page's query (`sso_code` or `sso_error`).
    async fn callback(&self, url: Url) -> HashMap<String, String> {
        let resp = self.send(self.client.get(url.clone())).await;
        let to = Self::next(&url, &resp);
        assert_eq!(
            to.path(),
            "/",
            "the callback sends the browser to the console"
        );
        to.query_pairs().into_owned().collect()
    }

    /// Starts signing in to `slug`; answers where the start sent the browser.
    async fn start(&self, app: &TestApp, slug: &str) -> Url {
        let url = Url::parse(&format!("{}/api/v1/auth/oidc/{slug}/start", app.base)).unwrap();
        let resp = self.send(self.client.get(url.clone())).await;
        Self::next(&url, &resp)
    }

    /// A whole sign-in; answers the console page's query.
    async fn sign_in(
        &self,
        app: &TestApp,
        slug: &str,
        how: AtProvider<'_>,
    ) -> HashMap<String, String> {
        let at = self.start(app, slug).await;
        if at.as_str().starts_with(&app.base) && at.path() == "/" {
            // The start itself sent the browser back (no single sign-on there).
            return at.query_pairs().into_owned().collect();
        }
        let back = self.to_callback(app, at, how).await;
        self.callback(back).await
    }
}

/// Signs in as `login` in a fresh browser and expects the console to be handed a code.
async fn code_for(app: &TestApp, slug: &str, login: &str) -> String {
    let q = Browser::new()
        .sign_in(app, slug, AtProvider::Login(login))
        .await;
    assert_eq!(q.get("tenant").map(String::as_str), Some(slug), "{q:?}");
    q.get("sso_code")
        .unwrap_or_else(|| panic!("{login} was not signed in: {q:?}"))
        .clone()
}

/// Signs in as `login` in a fresh browser and answers the console's `sso_error`.
async fn error_for(app: &TestApp, slug: &str, how: AtProvider<'_>) -> String {
    let q = Browser::new().sign_in(app, slug, how).await;
    assert!(!q.contains_key("sso_code"), "{q:?}");
    q.get("sso_error").cloned().unwrap_or_default()
}

async fn exchange(app: &TestApp, slug: &str, code: &str) -> (StatusCode, Value) {
    let body = json!({ "code": code });
    let path = format!("/api/v1/auth/oidc/{slug}/exchange");
    app.call(Method::POST, None, &path, Some(&body)).await
}

/// Whether the sign-in page offers single sign-on for `slug` (no token).
async fn offered(app: &TestApp, slug: &str) -> Value {
    let path = format!("/api/v1/auth/oidc/{slug}");
    let (s, b) = app.call(Method::GET, None, &path, None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["enabled"].clone()
}

/// Saves working settings for `slug`'s admin.
async fn configure(
    app: &TestApp,
    admin: &str,
    provider: &Provider,
    client_id: &str,
    extra: Value,
) -> Value {
    let mut body = json!({
        "issuer_url": provider.issuer,
        "client_id": client_id,
        "client_secret": secret(client_id),
        "enabled": true,
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let (s, b) = app.put(admin, "/api/v1/sso", body).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

async fn a_mapped_person_signs_in_and_others_are_refused(app: &TestApp) {
    let t = app.tenant("acme").await;
    let alice = app.employee(&t.admin, &t.root_dept, "alice", "field").await;
    let provider = Provider::start(app, &[("acme", "outfield-acme")]);

    assert_eq!(offered(app, "acme").await, false);
    let (_, before) = app.get(&t.admin, "/api/v1/sso").await;
    assert_eq!(before["configured"], false, "{before}");
    assert_eq!(before["username_claim"], "preferred_username");
    assert_eq!(before["jit_provisioning"], false);
    assert_eq!(
        before["redirect_uri"],
        format!("{}/api/v1/auth/oidc/acme/callback", app.base)
    );

    let saved = configure(app, &t.admin, &provider, "outfield-acme", json!({})).await;
    assert_eq!(saved["client_secret_set"], true, "{saved}");
    assert!(
        saved.get("client_secret").is_none(),
        "the secret is never answered: {saved}"
    );
    assert_eq!(offered(app, "acme").await, true);

    // The start sends the browser to the provider with PKCE S256, state and nonce.
    let browser = Browser::new();
    let at = browser.start(app, "acme").await;
    assert!(at.as_str().starts_with(&provider.issuer), "{at}");
    let q: HashMap<String, String> = at.query_pairs().into_owned().collect();
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], "outfield-acme");
    assert!(q["scope"].split(' ').any(|s| s == "openid"), "{q:?}");
    for k in ["state", "nonce", "code_challenge"] {
        assert!(q[k].len() >= 16, "{k} in {q:?}");
    }
    let back = browser
        .to_callback(app, at, AtProvider::Login("alice"))
        .await;
    let console = browser.callback(back).await;
    let code = console["sso_code"].clone();

    // The code opens a session for alice, once.
    let (s, session) = exchange(app, "acme", &code).await;
    assert_eq!(s, StatusCode::OK, "{session}");
    assert_eq!(session["employee"]["id"], alice.as_str());
    assert_eq!(session["tenant"]["slug"], "acme");
    let token = session["token"].as_str().unwrap();
    let (s, me) = app.get(token, "/api/v1/me").await;
    assert_eq!(s, StatusCode::OK, "{me}");
    assert_eq!(me["employee"]["username"], "alice");
    let (s, b) = exchange(app, "acme", &code).await;
    assert_error(s, &b, StatusCode::UNAUTHORIZED, "sso_code_invalid");
    let (s, b) = exchange(app, "acme", "made-up").await;
    assert_error(s, &b, StatusCode::UNAUTHORIZED, "sso_code_invalid");

    // Nobody called bob in Outfield, and provisioning is off.
    assert_eq!(
        error_for(app, "acme", AtProvider::Login("bob")).await,
        "sso_no_person"
    );
    let (_, people) = app.get(&t.admin, "/api/v1/employees?q=bob").await;
    assert_eq!(people["items"].as_array().unwrap().len(), 0, "{people}");

    // The person cancels at the provider.
    assert_eq!(
        error_for(app, "acme", AtProvider::Cancel).await,
        "sso_provider_error"
    );

    // A deactivated person is refused; so is a code issued before the deactivation.
    let pending = code_for(app, "acme", "alice").await;
    let (_, e) = app
        .get(&t.admin, &format!("/api/v1/employees/{alice}"))
        .await;
    let (s, b) = app
        .put(
            &t.admin,
            &format!("/api/v1/employees/{alice}"),
            json!({"name": e["name"], "username": e["username"], "employee_no": e["employee_no"],
                   "department_id": e["department_id"], "role": e["role"], "active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        error_for(app, "acme", AtProvider::Login("alice")).await,
        "sso_person_inactive"
    );
    let (s, b) = exchange(app, "acme", &pending).await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "sso_person_inactive");

    // Turned off: the start sends the browser back with `sso_unavailable`.
    let mut body =
        json!({"issuer_url": provider.issuer, "client_id": "outfield-acme", "enabled": false});
    let (s, b) = app.put(&t.admin, "/api/v1/sso", body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        b["client_secret_set"], true,
        "an update without a secret keeps it: {b}"
    );
    assert_eq!(
        error_for(app, "acme", AtProvider::Login("alice")).await,
        "sso_unavailable"
    );
    assert_eq!(
        error_for(app, "nosuch", AtProvider::Login("alice")).await,
        "sso_unavailable"
    );
    assert_eq!(offered(app, "nosuch").await, false);
    // Back on with the kept secret: the provider still accepts the code exchange.
    body["enabled"] = json!(true);
    body["username_claim"] = json!("email");
    let (s, b) = app.put(&t.admin, "/api/v1/sso", body).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let bob = app
        .employee(&t.admin, &t.root_dept, "bob@example.com", "field")
        .await;
    let code = code_for(app, "acme", "bob").await;
    let (s, session) = exchange(app, "acme", &code).await;
    assert_eq!(s, StatusCode::OK, "{session}");
    assert_eq!(
        session["employee"]["id"],
        bob.as_str(),
        "mapped by the email claim"
    );
}

async fn just_in_time_provisioning_creates_a_field_rep(app: &TestApp) {
    let t = app.tenant("acme").await;
    let sales = app.department(&t.admin, "Sales", Some(&t.root_dept)).await;
    let provider = Provider::start(app, &[("acme", "outfield-acme")]);
    configure(
        app,
        &t.admin,
        &provider,
        "outfield-acme",
        json!({"jit_provisioning": true, "jit_department_id": sales}),
    )
    .await;

    let code = code_for(app, "acme", "carol").await;
    let (s, session) = exchange(app, "acme", &code).await;
    assert_eq!(s, StatusCode::OK, "{session}");
    let carol = &session["employee"];
    assert_eq!(carol["username"], "carol");
    assert_eq!(carol["name"], "carol");
    assert_eq!(carol["email"], "carol@example.com");
    assert_eq!(carol["role"], "field");
    assert_eq!(carol["department_id"], sales.as_str());
    assert_eq!(carol["active"], true);

    // The next sign-in finds her; nobody is created twice.
    let code = code_for(app, "acme", "carol").await;
    let (_, again) = exchange(app, "acme", &code).await;
    assert_eq!(again["employee"]["id"], carol["id"]);
    let (_, people) = app.get(&t.admin, "/api/v1/employees?q=carol").await;
    assert_eq!(people["items"].as_array().unwrap().len(), 1, "{people}");
}

async fn tampered_state_and_other_browsers_are_refused(app: &TestApp) {
    let t = app.tenant("acme").await;
    app.employee(&t.admin, &t.root_dept, "alice", "field").await;
    let provider = Provider::start(app, &[("acme", "outfield-acme")]);
    configure(app, &t.admin, &provider, "outfield-acme", json!({})).await;

    let browser = Browser::new();
    let at = browser.start(app, "acme").await;
    let back = browser
        .to_callback(app, at, AtProvider::Login("alice"))
        .await;
    let q: HashMap<String, String> = back.query_pairs().into_owned().collect();
    assert!(q.contains_key("code"), "{back}");
    let with_state = |state: &str| {
        let mut u = back.clone();
        u.query_pairs_mut()
            .clear()
            .append_pair("code", &q["code"])
            .append_pair("state", state);
        u
    };
    // A changed state is unknown.
    let mut tampered = q["state"].clone();
    tampered.push('x');
    let r = browser.callback(with_state(&tampered)).await;
    assert_eq!(r["sso_error"], "sso_state_invalid", "{r:?}");
    let r = browser.callback(with_state("")).await;
    assert_eq!(r["sso_error"], "sso_state_invalid", "{r:?}");
    // The right state from another browser (no binding cookie) is refused, and used up.
    let r = Browser::new().callback(with_state(&q["state"])).await;
    assert_eq!(r["sso_error"], "sso_state_invalid", "{r:?}");
    let r = browser.callback(back.clone()).await;
    assert_eq!(
        r["sso_error"], "sso_state_invalid",
        "a state answers once: {r:?}"
    );

    // A fresh sign-in in the same browser still works, once.
    let at = browser.start(app, "acme").await;
    let back = browser
        .to_callback(app, at, AtProvider::Login("alice"))
        .await;
    let cookies = browser.cookies.lock().unwrap().clone();
    let r = browser.callback(back.clone()).await;
    assert!(r.contains_key("sso_code"), "{r:?}");
    // Replaying the same callback (cookie put back) finds the state used.
    *browser.cookies.lock().unwrap() = cookies;
    let r = browser.callback(back).await;
    assert_eq!(r["sso_error"], "sso_state_invalid", "{r:?}");
}

async fn tenants_are_isolated(app: &TestApp) {
    let a = app.tenant("acme").await;
    let b = app.tenant("bolt").await;
    app.employee(&a.admin, &a.root_dept, "alice", "field").await;
    let provider = Provider::start(app, &[("acme", "outfield-acme"), ("bolt", "outfield-bolt")]);
    configure(app, &a.admin, &provider, "outfield-acme", json!({})).await;

    // Bolt sees none of acme's settings.
    let (_, settings) = app.get(&b.admin, "/api/v1/sso").await;
    assert_eq!(settings["configured"], false, "{settings}");
    assert_eq!(settings["issuer_url"], "", "{settings}");
    configure(app, &b.admin, &provider, "outfield-bolt", json!({})).await;

    // Alice exists only at acme.
    assert_eq!(
        error_for(app, "bolt", AtProvider::Login("alice")).await,
        "sso_no_person"
    );
    // Acme's code is nothing at bolt (and stays unused there).
    let code = code_for(app, "acme", "alice").await;
    let (s, body) = exchange(app, "bolt", &code).await;
    assert_error(s, &body, StatusCode::UNAUTHORIZED, "sso_code_invalid");
    let (s, body) = exchange(app, "acme", &code).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["tenant"]["slug"], "acme");

    // Acme's sign-in brought back to bolt's callback is refused.
    let browser = Browser::new();
    let at = browser.start(app, "acme").await;
    let back = browser
        .to_callback(app, at, AtProvider::Login("alice"))
        .await;
    let moved = Url::parse(
        &back
            .as_str()
            .replace("/oidc/acme/callback", "/oidc/bolt/callback"),
    )
    .unwrap();
    let r = browser.callback(moved).await;
    assert_eq!(r["sso_error"], "sso_state_invalid", "{r:?}");
    assert_eq!(r["tenant"], "bolt");
}

async fn settings_are_admins_and_checked(app: &TestApp) {
    let t = app.tenant("acme").await;
    let other = app.tenant("bolt").await;
    app.employee(&t.admin, &t.root_dept, "mia", "manager").await;
    let manager = app.token("acme", "mia").await;
    let provider = Provider::start(app, &[("acme", "outfield-acme")]);

    let (s, b) = app.get(&manager, "/api/v1/sso").await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let body = json!({"issuer_url": provider.issuer, "client_id": "x", "client_secret": "y", "enabled": false});
    let (s, b) = app.put(&manager, "/api/v1/sso", body.clone()).await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    // No integration key reaches the settings, whatever its scopes.
    let (s, key) = app
        .post(
            &t.admin,
            "/api/v1/api-keys",
            json!({"name": "erp", "scopes": ["employees:write", "webhooks:write"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{key}");
    let (s, b) = app.get(key["key"].as_str().unwrap(), "/api/v1/sso").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");

    // The first save needs a secret; provisioning needs a department of this tenant.
    let (s, b) = app
        .put(
            &t.admin,
            "/api/v1/sso",
            json!({"issuer_url": provider.issuer, "client_id": "", "enabled": false,
                   "jit_provisioning": true, "username_claim": "bad claim"}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let mut f = fields(&b);
    f.sort();
    assert_eq!(
        f,
        [
            "client_id",
            "client_secret",
            "jit_department_id",
            "username_claim"
        ],
        "{b}"
    );
    let (s, b) = app
        .put(
            &t.admin,
            "/api/v1/sso",
            json!({"issuer_url": provider.issuer, "client_id": "x", "client_secret": "y",
                   "enabled": false, "jit_provisioning": true, "jit_department_id": other.root_dept}),
        )
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(e["fields"][0]["field"], "jit_department_id");
    assert_eq!(e["fields"][0]["code"], "not_found");
    let (s, b) = app
        .put(
            &t.admin,
            "/api/v1/sso",
            json!({"issuer_url": "ftp://example.com", "client_id": "x", "client_secret": "y", "enabled": false}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["issuer_url"]);
    // Enabled settings must work: our own server is no OpenID provider.
    let (s, b) = app
        .put(
            &t.admin,
            "/api/v1/sso",
            json!({"issuer_url": app.base, "client_id": "x", "client_secret": "y", "enabled": true}),
        )
        .await;
    let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(e["fields"][0]["field"], "issuer_url");
    assert_eq!(e["fields"][0]["code"], "unreadable");
    let (_, settings) = app.get(&t.admin, "/api/v1/sso").await;
    assert_eq!(
        settings["configured"], false,
        "nothing refused was stored: {settings}"
    );
    // Disabled settings are stored without asking the provider.
    let (s, b) = app.put(&t.admin, "/api/v1/sso", body).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["enabled"], false);
}

async fn a_private_issuer_is_refused(app: &TestApp) {
    let t = app.tenant("acme").await;
    for issuer in [
        "http://127.0.0.1:9",
        "http://169.254.169.254",
        "http://localhost:8080",
    ] {
        let (s, b) = app
            .put(
                &t.admin,
                "/api/v1/sso",
                json!({"issuer_url": issuer, "client_id": "x", "client_secret": "y", "enabled": false}),
            )
            .await;
        let e = assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(e["fields"][0]["field"], "issuer_url", "{issuer}");
        assert_eq!(e["fields"][0]["code"], "private_address", "{issuer}");
    }
}
