//! Starts the real app in-process on port 0 against a fresh database: a temporary SQLite
//! file, or a fresh schema in the PostgreSQL named by OUTFIELD_TEST_POSTGRES_URL
//! (default `postgres://postgres@127.0.0.1:5432/test`). PostgreSQL being unreachable is a
//! failure, never a skip.

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use server::{AppState, Config};
use storage::Store;
use tokio::net::TcpListener;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    /// Base URL of the OsmAnd-protocol listener.
    pub osmand: String,
    pub client: Client,
    pub store: Store,
    cleanup: Cleanup,
    /// The data directory (photos) of this app.
    pub files: std::path::PathBuf,
    /// The running app's state, for services the CLI calls directly (the demo loader).
    pub state: AppState,
}

enum Cleanup {
    File(std::path::PathBuf),
    Schema(String),
}

pub const PASSWORD: &str = "correct horse battery";

pub fn postgres_url() -> String {
    std::env::var("OUTFIELD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A tenant with its admin logged in.
pub struct Tenant {
    pub id: domain::TenantId,
    pub admin: String,
    pub admin_id: String,
    pub root_dept: String,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, Config::default()).await
    }

    pub async fn spawn_with(backend: Backend, mut config: Config) -> TestApp {
        // Server logs (internal errors included) show up in a failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter("warn,server=info")
            .try_init();
        // reqwest has no TLS provider of its own (see server::webhooks::install_tls).
        server::webhooks::install_tls();
        let tag = uuid::Uuid::new_v4().simple().to_string();
        let files = std::env::temp_dir().join(format!("outfield-it-{tag}-files"));
        config.data_dir = files.clone();
        let (store, cleanup) = match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("outfield-it-{tag}.db"));
                let store = Store::connect(&format!("sqlite://{}", path.display()))
                    .await
                    .expect("sqlite opens");
                (store, Cleanup::File(path))
            }
            Backend::Postgres => {
                let schema = format!("it_{tag}");
                let admin = sqlx::PgPool::connect(&postgres_url())
                    .await
                    .expect("PostgreSQL must be reachable for the test suite (set OUTFIELD_TEST_POSTGRES_URL)");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .execute(&admin)
                    .await
                    .unwrap();
                admin.close().await;
                let store = Store::connect_postgres_schema(&postgres_url(), &schema)
                    .await
                    .expect("schema migrates");
                (store, Cleanup::Schema(schema))
            }
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState::new(store.clone(), config);
        let osmand = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let osmand_addr = osmand.local_addr().unwrap();
        let osmand_app = server::tracking::osmand_listener::router(state.clone());
        tokio::spawn(async move { axum::serve(osmand, osmand_app).await });
        tokio::spawn(server::serve(
            listener,
            state.clone(),
            std::future::pending(),
        ));
        TestApp {
            base: format!("http://{addr}"),
            osmand: format!("http://{osmand_addr}"),
            // No pooled connections: after a refused oversized body the server closes the
            // connection, and a pooled client could race to reuse it for the next request.
            client: Client::builder().pool_max_idle_per_host(0).build().unwrap(),
            store,
            cleanup,
            files,
            state,
        }
    }

    pub async fn cleanup(self) {
        self.store.close().await;
        let _ = std::fs::remove_dir_all(&self.files);
        match self.cleanup {
            Cleanup::File(p) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
                }
            }
            Cleanup::Schema(s) => {
                let admin = sqlx::PgPool::connect(&postgres_url()).await.unwrap();
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {s} CASCADE")))
                    .execute(&admin)
                    .await
                    .unwrap();
                // Migration 0023's views of this schema's facts live beside it.
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP SCHEMA IF EXISTS {s}_reporting CASCADE"
                )))
                .execute(&admin)
                .await
                .unwrap();
                admin.close().await;
            }
        }
    }

    /// Runs one statement directly on this app's database, bypassing the store (for tests
    /// that tamper with rows the API never changes).
    pub async fn raw_sql(&self, statement: &str) -> u64 {
        let statement = sqlx::AssertSqlSafe(statement.to_owned());
        match &self.cleanup {
            Cleanup::File(p) => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", p.display()))
                    .await
                    .unwrap();
                let n = sqlx::query(statement).execute(&pool).await.unwrap();
                pool.close().await;
                n.rows_affected()
            }
            Cleanup::Schema(s) => {
                let pool = sqlx::PgPool::connect(&postgres_url()).await.unwrap();
                let mut tx = pool.begin().await.unwrap();
                sqlx::query(sqlx::AssertSqlSafe(format!("SET LOCAL search_path TO {s}")))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                let n = sqlx::query(statement).execute(&mut *tx).await.unwrap();
                tx.commit().await.unwrap();
                pool.close().await;
                n.rows_affected()
            }
        }
    }

    /// Sends a request; returns the status and the JSON body (Null when empty or not JSON).
    pub async fn call(
        &self,
        method: Method,
        token: Option<&str>,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.expect("request is sent");
        let status = resp.status();
        let bytes = resp.bytes().await.unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// A second server on the same database and data directory, as behind a load
    /// balancer, with its own connection pool (so stopping one, by closing its pool,
    /// leaves the other running); answers its base address and state.
    pub async fn another_server(&self) -> (String, AppState) {
        let store = match &self.cleanup {
            Cleanup::File(p) => Store::connect(&format!("sqlite://{}", p.display()))
                .await
                .unwrap(),
            Cleanup::Schema(schema) => Store::connect_postgres_schema(&postgres_url(), schema)
                .await
                .unwrap(),
        };
        let config = Config {
            data_dir: self.files.clone(),
            ..Config::default()
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState::new(store, config);
        tokio::spawn(server::serve(
            listener,
            state.clone(),
            std::future::pending(),
        ));
        (format!("http://{addr}"), state)
    }

    /// Uploads a photo as the API takes it: a JSON `meta` part and the bytes as `file`.
    pub async fn upload(
        &self,
        token: &str,
        path: &str,
        meta: Value,
        file: Vec<u8>,
    ) -> (StatusCode, Value) {
        self.upload_at(&self.base, token, path, meta, file).await
    }

    /// [`TestApp::upload`] to the server at `base`.
    pub async fn upload_at(
        &self,
        base: &str,
        token: &str,
        path: &str,
        meta: Value,
        file: Vec<u8>,
    ) -> (StatusCode, Value) {
        let form = reqwest::multipart::Form::new()
            .part(
                "meta",
                reqwest::multipart::Part::text(meta.to_string())
                    .mime_str("application/json")
                    .unwrap(),
            )
            .part(
                "file",
                reqwest::multipart::Part::bytes(file).file_name("photo.jpg"),
            );
        let resp = self
            .client
            .post(format!("{base}{path}"))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .expect("request is sent");
        let status = resp.status();
        let bytes = resp.bytes().await.unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// GETs raw bytes.
    pub async fn bytes(&self, token: &str, path: &str) -> (StatusCode, Vec<u8>) {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("request is sent");
        (resp.status(), resp.bytes().await.unwrap().to_vec())
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, Some(token), path, None).await
    }

    /// The change feed's page of `query` once it holds at least `count` items. On
    /// PostgreSQL an event shows only after every older transaction has settled, so a
    /// busy database (other tests) can hide a committed event for a while.
    pub async fn events_once(&self, token: &str, query: &str, count: usize) -> Value {
        let mut page = Value::Null;
        for _ in 0..150 {
            let (s, b) = self.get(token, &format!("/api/v1/events{query}")).await;
            assert_eq!(s, StatusCode::OK, "{b}");
            if b["items"].as_array().is_some_and(|i| i.len() >= count) {
                return b;
            }
            page = b;
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        panic!("the feed {query} held fewer than {count} items within 30 s: {page}");
    }

    /// The tenant's stored events of `kind` once there are at least `count` (see
    /// [`TestApp::events_once`] on why they may show late).
    pub async fn stored_events(
        &self,
        tenant: domain::TenantId,
        kind: &str,
        count: usize,
    ) -> Vec<storage::StoredEvent> {
        for _ in 0..150 {
            let events = self
                .store
                .events_after(tenant, storage::EventPosition::default(), Some(kind), 500)
                .await
                .unwrap();
            if events.len() >= count {
                return events;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        panic!("fewer than {count} {kind} events within 30 s");
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, Some(token), path, Some(&body))
            .await
    }

    pub async fn put(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, Some(token), path, Some(&body)).await
    }

    pub async fn delete(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, Some(token), path, None).await
    }

    pub async fn login(&self, tenant: &str, username: &str, password: &str) -> (StatusCode, Value) {
        let body = json!({"tenant": tenant, "username": username, "password": password});
        self.call(Method::POST, None, "/api/v1/auth/login", Some(&body))
            .await
    }

    pub async fn token(&self, tenant: &str, username: &str) -> String {
        let (s, b) = self.login(tenant, username, PASSWORD).await;
        assert_eq!(s, StatusCode::OK, "login of {username}: {b}");
        b["token"].as_str().unwrap().to_owned()
    }

    /// A fresh tenant with an admin `admin` whose password is [`PASSWORD`].
    pub async fn tenant(&self, slug: &str) -> Tenant {
        let req = server::tenants::TenantRequest {
            slug,
            name: &format!("{slug} Ltd"),
            timezone: "Asia/Shanghai",
            admin_username: "admin",
            admin_password: PASSWORD,
        };
        let id = server::tenants::create_tenant(&self.store, &req)
            .await
            .expect("tenant is created");
        let admin = self.token(slug, "admin").await;
        let (_, me) = self.get(&admin, "/api/v1/me").await;
        Tenant {
            id,
            admin,
            admin_id: me["employee"]["id"].as_str().unwrap().into(),
            root_dept: me["employee"]["department_id"].as_str().unwrap().into(),
        }
    }

    /// Creates an employee who can log in; returns their id.
    pub async fn employee(&self, token: &str, dept: &str, username: &str, role: &str) -> String {
        let (s, b) = self
            .post(
                token,
                "/api/v1/employees",
                json!({"name": format!("{username} name"), "username": username, "password": PASSWORD,
                       "department_id": dept, "role": role, "employee_no": format!("NO-{username}")}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        b["id"].as_str().unwrap().to_owned()
    }

    /// Gives a person a hire date, for tests whose history predates the person's record.
    pub async fn set_start_date(&self, token: &str, id: &str, date: &str) {
        let (_, e) = self.get(token, &format!("/api/v1/employees/{id}")).await;
        let (s, b) = self
            .put(
                token,
                &format!("/api/v1/employees/{id}"),
                json!({"name": e["name"], "username": e["username"], "employee_no": e["employee_no"],
                       "department_id": e["department_id"], "role": e["role"], "start_date": date}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["start_date"], date, "{b}");
    }

    pub async fn department(&self, token: &str, name: &str, parent: Option<&str>) -> String {
        let (s, b) = self
            .post(
                token,
                "/api/v1/departments",
                json!({"name": name, "parent_id": parent}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        b["id"].as_str().unwrap().to_owned()
    }

    pub async fn customer(&self, token: &str, body: Value) -> Value {
        let (s, b) = self.post(token, "/api/v1/customers", body).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        b
    }
}

/// Asserts the API's one error shape and returns the error object.
pub fn assert_error(status: StatusCode, body: &Value, want: StatusCode, code: &str) -> Value {
    assert_eq!(status, want, "body: {body}");
    let e = &body["error"];
    assert_eq!(e["code"], code, "body: {body}");
    assert!(
        e["message"].as_str().is_some_and(|m| !m.is_empty()),
        "message in {body}"
    );
    assert!(e["fields"].is_array(), "fields in {body}");
    // Every code is one the clients can translate (contract A).
    assert!(
        server::error::ERROR_CODES.contains(&code),
        "{code} is not in ERROR_CODES"
    );
    for f in e["fields"].as_array().unwrap() {
        let c = f["code"].as_str().unwrap_or_default();
        assert!(
            domain::Problem::CODES.contains(&c),
            "field problem without a known code: {f}"
        );
        assert!(f["params"].is_object(), "params in {f}");
        assert!(f["problem"].as_str().is_some(), "problem in {f}");
    }
    e.clone()
}

/// Field names of an error body.
pub fn fields(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Runs one async test body against both backends, each on its own fresh database.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $crate::harness::both_with!(server::Config::default() => $($name),*);
    };
}
pub(crate) use both_backends;

/// [`both_backends`] for servers started with `$config` (evaluated in each test module,
/// so `super::` names the test file).
macro_rules! both_with {
    ($config:expr => $($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = crate::harness::TestApp::spawn_with(
                    crate::harness::Backend::Sqlite, $config).await;
                super::$name(&app).await;
                app.cleanup().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = crate::harness::TestApp::spawn_with(
                    crate::harness::Backend::Postgres, $config).await;
                super::$name(&app).await;
                app.cleanup().await;
            }
        }
    )*};
}
pub(crate) use both_with;

/// Each test on both engines, handed the backend: the test starts its own app (its
/// settings differ per test).
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(crate::harness::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(crate::harness::Backend::Postgres).await;
            }
        }
    )*};
}
pub(crate) use on_both;
