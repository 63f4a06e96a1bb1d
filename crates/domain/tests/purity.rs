//! Architecture invariant: the pure crates never depend, even indirectly, on a database
//! driver, an HTTP stack or an async runtime. Checked against `cargo metadata` so a new
//! dependency that drags one in fails the build's tests, not a code review.

use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::process::Command;

const PURE: &[&str] = &[
    "coords",
    "domain",
    "tabular",
    "demo",
    "track",
    "plan",
    "photo",
    "integrity",
    "claims",
    "approvals",
    "reports",
];
const BANNED: &[&str] = &[
    "tokio",
    "async-std",
    "smol",
    "sqlx",
    "sea-orm",
    "diesel",
    "rusqlite",
    "postgres",
    "tokio-postgres",
    "axum",
    "hyper",
    "reqwest",
    "tower",
    "mio",
];

#[test]
fn pure_crates_have_no_io_dependencies() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        // `--locked`, not `--offline`: metadata resolves every platform's packages, and a
        // fresh clone has fetched only this platform's; cargo fetches the rest if needed.
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();

    let names: HashMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    // Normal (non-dev, non-build) dependency edges of the resolved graph.
    let mut deps: HashMap<&str, Vec<&str>> = HashMap::new();
    for node in meta["resolve"]["nodes"].as_array().unwrap() {
        let id = node["id"].as_str().unwrap();
        let normal = node["deps"].as_array().unwrap().iter().filter(|d| {
            d["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null())
        });
        deps.insert(id, normal.map(|d| d["pkg"].as_str().unwrap()).collect());
    }

    let mut checked = 0;
    for (id, name) in &names {
        if !PURE.contains(name)
            || !meta["workspace_members"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m == id)
        {
            continue;
        }
        checked += 1;
        let mut stack = vec![(*id, vec![*name])];
        let mut seen = HashSet::new();
        while let Some((at, path)) = stack.pop() {
            for d in deps.get(at).into_iter().flatten() {
                let dn = names[d];
                assert!(
                    !BANNED.contains(&dn),
                    "pure crate `{name}` depends on `{dn}` via {} -> {dn}",
                    path.join(" -> ")
                );
                if seen.insert(*d) {
                    let mut p = path.clone();
                    p.push(dn);
                    stack.push((d, p));
                }
            }
        }
    }
    assert_eq!(
        checked,
        PURE.len(),
        "every pure crate was found in the workspace"
    );
}
