//! The `outfield` binary end to end on a temporary SQLite database: tenant creation,
//! import with bad rows (messages naming file, row and column), export, demo data and
//! graceful shutdown on SIGTERM.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let dir =
            std::env::temp_dir().join(format!("outfield-cli-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn db(&self) -> String {
        format!("sqlite://{}", self.0.join("t.db").display())
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A server the test started, killed when the test ends however it ends (a panicking
/// test must not leave a server working on a deleted directory).
struct Running(std::process::Child);

impl std::ops::Deref for Running {
    type Target = std::process::Child;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Running {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn outfield(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_outfield"))
        .args(args)
        .env("OUTFIELD_DATABASE_URL", db)
        .env("OUTFIELD_LOG", "warn")
        .output()
        .expect("the binary runs")
}

/// A port nothing listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn create_tenant(db: &str) {
    let out = outfield(
        db,
        &[
            "tenant",
            "create",
            "--slug",
            "acme",
            "--name",
            "Acme",
            "--admin-username",
            "boss",
            "--admin-password",
            "long enough pw",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created tenant `acme`"));
}

#[test]
fn tenant_import_export() {
    let s = Scratch::new();
    let db = s.db();
    create_tenant(&db);
    let again = outfield(
        &db,
        &[
            "tenant",
            "create",
            "--slug",
            "acme",
            "--name",
            "Acme",
            "--admin-username",
            "boss",
            "--admin-password",
            "long enough pw",
        ],
    );
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("slug"),
        "{}",
        text(&again.stderr)
    );
    let bad = outfield(
        &db,
        &[
            "tenant",
            "create",
            "--slug",
            "A B",
            "--name",
            "",
            "--admin-username",
            "x",
            "--admin-password",
            "short",
        ],
    );
    let err = text(&bad.stderr);
    for field in ["slug", "name", "admin_username", "admin_password"] {
        assert!(err.contains(field), "{field} named in: {err}");
    }

    let csv = s.file(
        "shops.csv",
        "name,code,lat,lon,level\nGood,C1,31.2,121.4,A\nBad,C2,95,121.4,B\nAlso good,C3,,,C\n",
    );
    let out = outfield(
        &db,
        &[
            "import",
            "customers",
            "--tenant",
            "acme",
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "refused rows make a non-zero exit"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("{}: row 3, column lat:", csv.display())),
        "{err}"
    );
    assert!(
        text(&out.stdout).contains("created 2"),
        "{}",
        text(&out.stdout)
    );

    let out = outfield(
        &db,
        &["export", "customers", "--tenant", "acme", "--format", "csv"],
    );
    assert!(out.status.success());
    let exported = text(&out.stdout);
    assert_eq!(exported.lines().count(), 3, "{exported}");
    assert!(exported.contains("Also good,C3"));

    let xlsx = s.0.join("out.xlsx");
    let out = outfield(
        &db,
        &[
            "export",
            "customers",
            "--tenant",
            "acme",
            "--format",
            "xlsx",
            "-o",
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    let out = outfield(
        &db,
        &[
            "import",
            "customers",
            "--tenant",
            "acme",
            "--dry-run",
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("would update 2"),
        "{}",
        text(&out.stdout)
    );

    let missing = outfield(
        &db,
        &[
            "import",
            "customers",
            "--tenant",
            "acme",
            "/nonexistent/x.csv",
        ],
    );
    assert!(text(&missing.stderr).contains("/nonexistent/x.csv"));
    let empty = s.file("empty.csv", "");
    let out = outfield(
        &db,
        &[
            "import",
            "customers",
            "--tenant",
            "acme",
            empty.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("empty.csv"),
        "{}",
        text(&out.stderr)
    );
    let out = outfield(
        &db,
        &[
            "import",
            "customers",
            "--tenant",
            "nope",
            csv.to_str().unwrap(),
        ],
    );
    assert!(text(&out.stderr).contains("no tenant `nope`"));
}

#[test]
fn demo_loads_once_with_the_given_password() {
    let s = Scratch::new();
    let db = s.db();
    let run = || {
        // One day of history keeps a debug build quick; the full month is the server
        // suite's and the benchmark's business.
        Command::new(env!("CARGO_BIN_EXE_outfield"))
            .args(["demo", "--history-days", "1", "--data-dir"])
            .arg(s.0.join("data"))
            .env("OUTFIELD_DATABASE_URL", &db)
            .env("OUTFIELD_DEMO_PASSWORD", "demo password 1")
            .env("OUTFIELD_LOG", "warn")
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success(), "{}", text(&first.stderr));
    let out = text(&first.stdout);
    assert!(
        out.contains("customers:   600") && out.contains("demo password 1"),
        "{out}"
    );
    let second = run();
    assert!(text(&second.stdout).contains("already present"));
    let export = outfield(&db, &["export", "customers", "--tenant", "demo"]);
    assert_eq!(text(&export.stdout).lines().count(), 601);

    // The demo's managers and admin acted through the API, so their changes are in the
    // audit log, chained; an edited entry is reported at its seq with a failing status.
    let verify = || outfield(&db, &["audit", "verify", "--tenant", "demo"]);
    let ok = verify();
    let said = text(&ok.stdout);
    assert!(ok.status.success(), "{said}{}", text(&ok.stderr));
    let entries: u64 = said
        .strip_prefix("ok: ")
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{said}"));
    assert!(entries > 10 && said.contains("chain intact"), "{said}");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
        sqlx::query("UPDATE audit_log SET diff = '{}' WHERE seq = 2")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let broken = verify();
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        text(&broken.stdout).starts_with("broken at seq 2:"),
        "{}",
        text(&broken.stdout)
    );
    let out = outfield(&db, &["audit", "verify", "--tenant", "nope"]);
    assert!(!out.status.success() && text(&out.stderr).contains("no tenant `nope`"));
}

#[cfg(unix)]
#[test]
fn serve_stops_cleanly_on_sigterm() {
    use std::io::{Read, Write};
    let s = Scratch::new();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_outfield"))
        .args([
            "serve",
            "--listen",
            &listen,
            "--osmand-listen",
            "127.0.0.1:0",
        ])
        .env("OUTFIELD_DATABASE_URL", s.db())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map(Running)
        .unwrap();
    let mut ready = false;
    for _ in 0..100 {
        if let Ok(mut conn) = std::net::TcpStream::connect(&listen) {
            conn.write_all(b"GET /readyz HTTP/1.0\r\n\r\n").unwrap();
            let mut resp = String::new();
            conn.read_to_string(&mut resp).unwrap();
            ready = resp.starts_with("HTTP/1.0 200") || resp.starts_with("HTTP/1.1 200");
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(ready, "the server answered /readyz");
    assert!(
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "exit after SIGTERM: {status:?}");
    assert!(
        Path::new(&s.0.join("t.db")).exists(),
        "the database file was created on first run"
    );
}

/// `OUTFIELD_LOG_FORMAT=json`: every stderr line is a JSON object, and a request's lines
/// name its request id.
#[cfg(unix)]
#[test]
fn serve_writes_json_logs_with_the_request_id() {
    use std::io::{Read, Write};
    let s = Scratch::new();
    let listen = format!("127.0.0.1:{}", free_port());
    let data = s.0.join("data");
    let child = Command::new(env!("CARGO_BIN_EXE_outfield"))
        .args(["serve", "--listen", &listen, "--osmand-listen", "off"])
        .arg("--data-dir")
        .arg(&data)
        .env("OUTFIELD_DATABASE_URL", s.db())
        .env("OUTFIELD_LOG_FORMAT", "json")
        // tower_http at debug writes a line when each request starts and ends.
        .env("OUTFIELD_LOG", "info,tower_http=debug")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut answered = String::new();
    for _ in 0..100 {
        if let Ok(mut conn) = std::net::TcpStream::connect(&listen) {
            conn.write_all(b"GET /healthz HTTP/1.0\r\nX-Request-Id: cli-req-1\r\n\r\n")
                .unwrap();
            conn.read_to_string(&mut answered).unwrap();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        answered
            .to_ascii_lowercase()
            .contains("x-request-id: cli-req-1"),
        "{answered}"
    );
    assert!(
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let out = child.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> = text(&out.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(
        lines.iter().any(|l| l["fields"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("outfield serving"))),
        "{lines:?}"
    );
    let of_request: Vec<_> = lines
        .iter()
        .filter(|l| l["spans"][0]["request_id"] == "cli-req-1")
        .collect();
    assert!(!of_request.is_empty(), "{lines:?}");
    assert!(
        of_request
            .iter()
            .all(|l| l["spans"][0]["route"] == "/healthz" && l["spans"][0]["method"] == "GET"),
        "{of_request:?}"
    );
}

#[test]
fn plan_solve_reads_solomon_and_reports_bad_files() {
    let s = Scratch::new();
    let c101 = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../plan/tests/data/solomon/C101.txt"
    );
    let out = outfield(
        &s.db(),
        &[
            "plan",
            "solve",
            "--instance",
            c101,
            "--time-limit",
            "2s",
            "--objective",
            "distance",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["feasible"], true);
    let d = v["distance"].as_f64().unwrap();
    assert!((828.9..840.0).contains(&d), "C101's optimum is 828.94: {d}");
    let mut served: Vec<u64> = v["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|c| c.as_u64().unwrap()))
        .collect();
    served.sort_unstable();
    assert_eq!(
        served,
        (1..=100).collect::<Vec<u64>>(),
        "every customer exactly once"
    );

    let bad = s.file(
        "bad.txt",
        "C999\n\nVEHICLE\nNUMBER CAPACITY\n 25 two hundred\n",
    );
    let out = outfield(
        &s.db(),
        &["plan", "solve", "--instance", bad.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("bad.txt"),
        "{}",
        text(&out.stderr)
    );
    let out = outfield(
        &s.db(),
        &["plan", "solve", "--instance", c101, "--time-limit", "soon"],
    );
    assert!(text(&out.stderr).contains("--time-limit"));
}

#[test]
fn plan_solve_reads_json_with_windows_and_ids() {
    let s = Scratch::new();
    // S3 may only be served 10:00–11:00, S1 09:00–12:00; the depot day is 08:00–18:00.
    let day = s.file(
        "day.json",
        r#"{"name": "day", "vehicles": 2, "capacity": 10,
            "depot": {"lat": 31.2304, "lon": 121.4737, "window": [480, 1080]},
            "clients": [
              {"id": "S1", "lat": 31.24, "lon": 121.48, "demand": 1, "window": [540, 720], "service": 20},
              {"id": "S2", "lat": 31.25, "lon": 121.47, "demand": 1, "service": 20},
              {"id": "S3", "lat": 31.22, "lon": 121.46, "demand": 1, "window": [600, 660], "service": 15},
              {"id": "S4", "lat": 31.21, "lon": 121.49, "demand": 1, "service": 30}]}"#,
    );
    let out = outfield(
        &s.db(),
        &[
            "plan",
            "solve",
            "--instance",
            day.to_str().unwrap(),
            "--time-limit",
            "300ms",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["feasible"], true, "{v}");
    let mut ids: Vec<String> = v["route_ids"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_owned())
        })
        .collect();
    ids.sort();
    assert_eq!(ids, ["S1", "S2", "S3", "S4"]);

    let bad = s.file(
        "bad.json",
        r#"{"vehicles": 1, "depot": {"x": 0, "y": 0}, "clients": [{"x": 1, "y": 1, "window": [9, 3]}]}"#,
    );
    let out = outfield(
        &s.db(),
        &["plan", "solve", "--instance", bad.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("bad.json") && err.contains("clients[0].window"),
        "{err}"
    );
}

/// A crash mid-upload leaves `.<name>.<uuid>.tmp` beside the photos (the file is renamed to
/// its real name only once complete, and the photo row is written after that): the next
/// start removes it and keeps the complete files.
#[cfg(unix)]
#[test]
fn serve_removes_leftovers_of_interrupted_uploads() {
    use std::io::{Read, Write};
    let s = Scratch::new();
    let data = s.0.join("data");
    let tenant_dir = data
        .join("photos")
        .join(uuid::Uuid::new_v4().simple().to_string());
    std::fs::create_dir_all(&tenant_dir).unwrap();
    let leftover = tenant_dir.join(format!(
        ".{}.orig.{}.tmp",
        "ab".repeat(32),
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::write(&leftover, b"half a photo").unwrap();
    let complete = tenant_dir.join(format!("{}.orig", "cd".repeat(32)));
    std::fs::write(&complete, b"a whole photo").unwrap();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_outfield"))
        .args(["serve", "--listen", &listen, "--osmand-listen", "off"])
        .arg("--data-dir")
        .arg(&data)
        .env("OUTFIELD_DATABASE_URL", s.db())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(Running)
        .unwrap();
    let mut ready = false;
    for _ in 0..100 {
        if let Ok(mut conn) = std::net::TcpStream::connect(&listen) {
            conn.write_all(b"GET /readyz HTTP/1.0\r\n\r\n").unwrap();
            let mut resp = String::new();
            conn.read_to_string(&mut resp).unwrap();
            ready = resp.starts_with("HTTP/1.0 200") || resp.starts_with("HTTP/1.1 200");
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(ready, "the server answered /readyz");
    assert!(
        !leftover.exists(),
        "the interrupted upload's temporary file is gone"
    );
    assert_eq!(std::fs::read(&complete).unwrap(), b"a whole photo");
}

/// SQLite takes one server: a second `serve` on the same file says so and exits, and a
/// data directory that cannot be written stops the server at start, naming it.
#[cfg(target_os = "linux")]
#[test]
fn serve_refuses_a_second_server_on_one_sqlite_file_and_an_unwritable_data_dir() {
    let s = Scratch::new();
    let data = s.0.join("data");
    let serve = |data: &Path| {
        Command::new(env!("CARGO_BIN_EXE_outfield"))
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{}", free_port()),
                "--osmand-listen",
                "off",
                "--data-dir",
                data.to_str().unwrap(),
            ])
            .env("OUTFIELD_DATABASE_URL", s.db())
            .env("OUTFIELD_LOG", "warn")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut first = serve(&data);
    // The first server holds its claim once its database file exists.
    for _ in 0..100 {
        if s.0.join("t.db").exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let second = serve(&data).wait_with_output().unwrap();
    assert!(!second.status.success());
    let err = text(&second.stderr);
    assert!(err.contains("another Outfield server"), "{err}");
    let _ = first.kill();
    let _ = first.wait();

    let blocker = s.file("not-a-dir", "x");
    let out = serve(&blocker.join("photos")).wait_with_output().unwrap();
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("not-a-dir/photos") && err.contains("not writable"),
        "{err}"
    );
}

/// `kill -9` in the middle of the jobs: after a restart every job ends done, none is
/// lost or dead, and only the few the dead server held ran a second time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_survive_kill_9() {
    use serde_json::{Value, json};
    let s = Scratch::new();
    create_tenant(&s.db());
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let serve = || {
        Command::new(env!("CARGO_BIN_EXE_outfield"))
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--osmand-listen",
                "off",
                "--job-lease-s",
                "2",
                "--data-dir",
                s.0.join("data").to_str().unwrap(),
            ])
            .env("OUTFIELD_DATABASE_URL", s.db())
            .env("OUTFIELD_LOG", "warn")
            .spawn()
            .map(Running)
            .unwrap()
    };
    server::webhooks::install_tls();
    let http = reqwest::Client::new();
    let wait_ready = || async {
        for _ in 0..200 {
            if let Ok(r) = http.get(format!("{base}/readyz")).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the server never became ready");
    };
    let call = |method: reqwest::Method, path: &str, token: Option<&str>, body: Option<Value>| {
        let mut req = http.request(method, format!("{base}{path}"));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        async move {
            let resp = req.send().await.unwrap();
            let status = resp.status();
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            assert!(status.is_success(), "{status}: {body}");
            body
        }
    };
    let login = |user: &'static str, pw: &'static str| {
        call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"tenant": "acme", "username": user, "password": pw})),
        )
    };

    let mut server = serve();
    wait_ready().await;
    let admin = login("boss", "long enough pw").await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = call(reqwest::Method::GET, "/api/v1/me", Some(&admin), None).await;
    let dept = me["employee"]["department_id"].clone();
    // Three reps, each with a fix on every weekday of 2026 up to November: one summary
    // job per rep and day.
    for i in 0..3 {
        let user = format!("rep{i}");
        call(
            reqwest::Method::POST,
            "/api/v1/employees",
            Some(&admin),
            Some(
                json!({"name": user, "username": user, "password": "long enough pw",
                "department_id": dept, "role": "field"}),
            ),
        )
        .await;
        let token = login(["rep0", "rep1", "rep2"][i], "long enough pw").await["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let fixes: Vec<Value> = (0..300)
            .map(|d| {
                let day = chrono_day(d);
                json!({"t": format!("{day}T10:00:00+08:00"), "lat": 31.23, "lon": 121.47, "accuracy_m": 8})
            })
            .collect();
        call(
            reqwest::Method::POST,
            "/api/v1/locations",
            Some(&token),
            Some(json!({"fixes": fixes})),
        )
        .await;
    }
    let counts = |token: String| async move {
        let b = call(
            reqwest::Method::GET,
            "/api/v1/admin/jobs/counts",
            Some(&token),
            None,
        )
        .await;
        let n = |state: &str| {
            b["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["kind"] == "track_day" && r["state"] == state)
                .map(|r| r["count"].as_i64().unwrap())
                .sum::<i64>()
        };
        (n("queued"), n("running"), n("done"), n("dead"))
    };
    // The server works while the later reps post: count every job, not only the queued.
    let (queued, running, done, dead) = counts(admin.clone()).await;
    let total = queued + running + done + dead;
    assert!(total > 400, "weekday jobs queued: {total}");
    // Kill it hard once it is part-way through.
    let mut killed_at = None;
    for _ in 0..2000 {
        let (queued, running, done, _) = counts(admin.clone()).await;
        if done > 0 && queued + running > 0 {
            killed_at = Some(done);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    let killed_at = killed_at.expect("caught the server part-way through its jobs");
    assert!(killed_at < total);

    let mut server = serve();
    wait_ready().await;
    let mut finished = false;
    for _ in 0..600 {
        let (queued, running, done, dead) = counts(admin.clone()).await;
        assert_eq!(dead, 0);
        if queued == 0 && running == 0 {
            assert_eq!(done, total, "every job done once");
            finished = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(finished, "the restarted server finished the jobs");
    let jobs = call(
        reqwest::Method::GET,
        "/api/v1/admin/jobs?kind=track_day&state=done&limit=500",
        Some(&admin),
        None,
    )
    .await;
    let mut page = jobs;
    let mut retried = 0;
    loop {
        retried += page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|j| j["attempts"].as_i64().unwrap() > 1)
            .count();
        let Some(c) = page["next_cursor"].as_str() else {
            break;
        };
        page = call(
            reqwest::Method::GET,
            &format!("/api/v1/admin/jobs?kind=track_day&state=done&limit=500&cursor={c}"),
            Some(&admin),
            None,
        )
        .await;
    }
    eprintln!("jobs: {total}, done when killed: {killed_at}, ran again: {retried}");
    // Only what the killed server had claimed (one claim batch) ran twice.
    assert!(retried <= 16, "{retried} jobs ran again");
    let _ = server.kill();
    let _ = server.wait();
}

/// The `d`-th day of 2026 as `YYYY-MM-DD` (0 = January 1st).
fn chrono_day(d: u32) -> String {
    let days_in = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let (mut month, mut day) = (0, d);
    while day >= days_in[month] {
        day -= days_in[month];
        month += 1;
    }
    format!("2026-{:02}-{:02}", month + 1, day + 1)
}

/// `track analyze` on GPX files as planners and loggers export them: a track whose points
/// have no times is reported in one line (not one per point) and the output lists no day;
/// a file with only a route fails saying it has no track.
#[test]
fn track_analyze_explains_gpx_it_cannot_use() {
    let dir = Scratch::new();
    let points: String = (0..200)
        .map(|i| format!(r#"<trkpt lat="31.{i:03}" lon="121.4"/>"#))
        .collect();
    let untimed = dir.file(
        "walk.gpx",
        &format!(
            r#"<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>rep1</name><trkseg>{points}</trkseg></trk></gpx>"#
        ),
    );
    let out = outfield(
        &dir.db(),
        &["track", "analyze", "--input", untimed.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("trk[0] (rep1): none of its 200 points has a time"),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["devices"], serde_json::json!([]));

    let route = dir.file(
        "round.gpx",
        r#"<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><rte><rtept lat="31.2" lon="121.4"/><rtept lat="31.3" lon="121.5"/></rte></gpx>"#,
    );
    let out = outfield(
        &dir.db(),
        &["track", "analyze", "--input", route.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("has no track (<trk>), only 1 route(s) (<rte>)"),
        "{err}"
    );
}

/// `outfield claims generate` makes a rep's draft for a month from the stored day summaries
/// (what the 1st-of-the-month job runs), leaves it alone when run again, and names a bad
/// period or an unknown tenant.
#[tokio::test(flavor = "multi_thread")]
async fn claims_generate_makes_the_months_drafts() {
    let s = Scratch::new();
    let db = s.db();
    create_tenant(&db);
    let store = storage::Store::connect(&db).await.unwrap();
    let tenant = store.tenant_by_slug("acme").await.unwrap().unwrap().id;
    let root = store.department_links(tenant).await.unwrap()[0].id;
    let rep = store
        .create_employee(
            tenant,
            None,
            None,
            &domain::employee::EmployeeDraft {
                name: "Rep One".into(),
                username: Some("rep1".into()),
                password: None,
                phone: None,
                email: None,
                employee_no: Some("E1".into()),
                department_id: root,
                role: domain::employee::Role::Field,
                active: true,
                start_date: chrono::NaiveDate::from_ymd_opt(2025, 1, 1),
                external_id: None,
            },
            None,
        )
        .await
        .unwrap()
        .unwrap();
    store
        .replace_vehicle_history(
            tenant,
            rep.id,
            &[storage::StoredVehicle {
                employee_id: rep.id.0,
                from_date: "2025-01-01".into(),
                kind: "private_car".into(),
                plate: None,
                set_by: None,
                set_ms: 0,
            }],
            None,
        )
        .await
        .unwrap();
    let version =
        serde_json::json!({"version": 1, "effective_from": "2025-01-01", "tiers": [{"rate": 80}]});
    store
        .put_rate_tables(
            tenant,
            &[storage::StoredRateTable {
                id: uuid::Uuid::now_v7(),
                department_id: None,
                vehicle: None,
                currency: "CNY".into(),
                versions: vec![storage::StoredRateVersion {
                    version: 1,
                    effective_from: "2025-01-01".into(),
                    body: version.to_string(),
                }],
            }],
            None,
        )
        .await
        .unwrap()
        .unwrap();
    // Wednesday 2026-11-25: 12.5 km in working hours, 15 km in all.
    let summary = serde_json::json!({
        "date": "2026-11-25", "mileage_m": 15000.0, "work_mileage_m": 12500.0,
        "stops": [], "trips": [], "gaps": [], "first_fix": "2026-11-25T09:00:00+08:00",
        "last_fix": "2026-11-25T17:00:00+08:00", "fixes_kept": 100, "fixes_rejected": 0,
    });
    store
        .save_day(
            tenant,
            rep.id,
            "2026-11-25",
            &storage::StoredDay {
                summary_json: summary.to_string(),
                mileage_m: 15000.0,
                work_mileage_m: 12500.0,
                computed_ms: 0,
            },
        )
        .await
        .unwrap();
    store.close().await;

    let args = [
        "claims", "generate", "--tenant", "acme", "--period", "2026-11",
    ];
    let out = outfield(&db, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("2026-11: 1 reps, 1 drafts created, 0 updated"),
        "{}",
        text(&out.stdout)
    );
    // Again: the draft is recomputed, not doubled.
    let out = outfield(&db, &args);
    assert!(
        text(&out.stdout).starts_with("2026-11: 1 reps, 0 drafts created, 1 updated"),
        "{}",
        text(&out.stdout)
    );
    let store = storage::Store::connect(&db).await.unwrap();
    let page = store
        .list_claims(
            tenant,
            &domain::access::Reach::Tenant,
            &storage::ClaimFilter {
                period: Some("2026-11".into()),
                employee_id: None,
                department_id: None,
                status: None,
                cursor: None,
                limit: 50,
            },
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    // 12.5 km × ¥0.80.
    assert_eq!(page.items[0].total_minor, 1000);
    store.close().await;

    let out = outfield(
        &db,
        &[
            "claims", "generate", "--tenant", "acme", "--period", "2026-13",
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("2026-13"),
        "{}",
        text(&out.stderr)
    );
    let out = outfield(
        &db,
        &[
            "claims", "generate", "--tenant", "nope", "--period", "2026-11",
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no tenant `nope`"),
        "{}",
        text(&out.stderr)
    );
}
