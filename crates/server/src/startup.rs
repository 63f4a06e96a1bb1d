//! Checks made once before a server starts answering, so a misconfigured deployment
//! fails at start with a sentence rather than at the first photo upload or, worse, with
//! two servers quietly sharing one SQLite file.

use std::path::{Path, PathBuf};

/// Fails unless a file can be created and removed in `dir` (created if missing). With
/// several servers the directory must be storage they all share (see the README).
pub fn check_data_dir(dir: &Path) -> Result<(), String> {
    let problem = |e: std::io::Error| {
        format!(
            "the data directory {} is not writable ({e}); photos are stored there",
            dir.display()
        )
    };
    std::fs::create_dir_all(dir).map_err(problem)?;
    let probe = dir.join(format!(".write-probe-{}", uuid::Uuid::new_v4().simple()));
    std::fs::write(&probe, b"outfield").map_err(problem)?;
    std::fs::remove_file(&probe).map_err(problem)
}

/// The file of a `sqlite://` database URL; `None` for PostgreSQL or an in-memory database.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Held while a server serves an SQLite database: SQLite takes one server (its locks keep
/// the file intact, but each server's in-memory state — the live feed, caches — would
/// miss the other's changes). Several servers need PostgreSQL.
pub struct SqliteClaim {
    #[cfg(target_os = "linux")]
    _lock: nix::fcntl::Flock<std::fs::File>,
}

/// Claims `db` for this server, or says that another server already serves it.
pub fn claim_sqlite(db: &Path) -> Result<SqliteClaim, String> {
    #[cfg(target_os = "linux")]
    {
        let name = format!(
            "{}.serving",
            db.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("outfield")
        );
        let path = db.with_file_name(name);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| format!("cannot open {} ({e})", path.display()))?;
        let lock = nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock)
            .map_err(|_| {
                format!(
                    "another Outfield server is already serving the SQLite database {}; \
                     SQLite takes one server — run several servers on PostgreSQL",
                    db.display()
                )
            })?;
        Ok(SqliteClaim { _lock: lock })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = db;
        Ok(SqliteClaim {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite://a/b.db"),
            Some(PathBuf::from("a/b.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:///tmp/x.db?mode=rwc"),
            Some(PathBuf::from("/tmp/x.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://u@h/db"), None);
    }

    #[test]
    fn a_second_claim_on_one_file_is_refused_until_the_first_ends() {
        let dir = std::env::temp_dir().join(format!("outfield-claim-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("o.db");
        let first = claim_sqlite(&db).unwrap();
        let refused = claim_sqlite(&db).err().expect("second claim refused");
        assert!(refused.contains("another Outfield server"), "{refused}");
        drop(first);
        assert!(claim_sqlite(&db).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unwritable_data_dir_is_named() {
        let dir = std::env::temp_dir().join(format!("outfield-dd-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("plain-file");
        std::fs::write(&file, b"x").unwrap();
        let err = check_data_dir(&file.join("photos")).unwrap_err();
        assert!(err.contains("plain-file/photos"), "{err}");
        assert!(check_data_dir(&dir.join("fresh")).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
