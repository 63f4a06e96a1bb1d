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
