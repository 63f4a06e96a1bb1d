//! Use cases: what the API, the CLI and background jobs do, callable without HTTP. One
//! module per capability. A use case takes the state (or the pieces it needs), the
//! caller's tenant, reach or principal as values, and typed input; it reads rules, calls
//! the pure crates (`domain`, `plan`, `photo`, `track`), writes through `storage` and
//! answers typed values or [`ApiError`](crate::error::ApiError). It never sees a request,
//! an extractor or a response: `routes/` turns HTTP into calls here and answers back.

pub mod approval_org;
pub mod approval_views;
pub mod approvals;
pub mod attendance;
pub mod claim_input;
pub mod claim_labels;
pub mod claim_setup;
pub mod claim_views;
pub mod claims;
pub mod dashboard;
pub mod forms;
pub mod integrity;
pub mod integrity_day;
pub mod me;
pub mod notifications;
pub mod payouts;
pub mod photos;
pub mod plan_changes;
pub mod plan_days;
pub mod plans;
pub mod report_facts;
pub mod report_pack;
pub mod report_schedules;
pub mod reports;
pub mod requests;
pub mod rules;
pub mod sso;
pub mod sync;
pub mod sync_rows;
pub mod today;
pub mod two_factor;
pub mod visit_views;
pub mod visits;
pub mod webhooks;

/// What a create with a client-generated id answers: the stored item, and whether this
/// call stored it (`false`: an earlier call with the same id and body did).
pub struct Saved<T> {
    pub item: T,
    pub created: bool,
}

/// The rows a principal reaches for `action` on `resource`; 403 when none.
pub(crate) fn reach(
    principal: &domain::access::Principal,
    resource: domain::access::Resource,
    action: domain::access::Action,
) -> crate::error::ApiResult<domain::access::Reach> {
    match domain::access::reach(principal, resource, action) {
        domain::access::Reach::None => Err(crate::error::ApiError::forbidden()),
        r => Ok(r),
    }
}

#[cfg(test)]
mod tests {
    //! The layering, checked on the source text: handlers reach other capabilities only
    //! through use cases, and use cases know no HTTP.

    use std::path::{Path, PathBuf};

    fn rust_files(dir: &str) -> Vec<(String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.map(|e| e.path()).unwrap_or_default())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| {
                let name = p.file_name().unwrap_or_default().to_string_lossy().into();
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                (name, text)
            })
            .collect()
    }

    /// The path segments that follow `prefix` on a line: one name, or each name of a
    /// `{a, b::c}` group (only its first segment).
    fn names_after<'a>(line: &'a str, prefix: &str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut rest = line;
        while let Some(i) = rest.find(prefix) {
            rest = &rest[i + prefix.len()..];
            let group = match rest.strip_prefix('{') {
                Some(g) => &g[..g.find('}').unwrap_or(g.len())],
                None => rest,
            };
            for item in group.split(',') {
                let name = item
                    .trim()
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or_default();
                if !name.is_empty() {
                    out.push(name);
                }
                if !rest.starts_with('{') {
                    break;
                }
            }
        }
        out
    }

    #[test]
    fn routes_do_not_import_each_other() {
        let files = rust_files("routes");
        let modules: Vec<String> = files
            .iter()
            .map(|(f, _)| f.trim_end_matches(".rs").to_owned())
            .filter(|m| m != "mod")
            .collect();
        let mut found = Vec::new();
        for (file, text) in files.iter().filter(|(f, _)| f != "mod.rs") {
            for (n, line) in text.lines().enumerate() {
                let names = [
                    names_after(line, "crate::routes::"),
                    names_after(line, "super::"),
                ];
                for name in names.concat() {
                    if modules.iter().any(|m| m == name) {
                        found.push(format!("routes/{file}:{}: {}", n + 1, line.trim()));
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "route modules must not use each other; move what they share to services/:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn services_know_no_http() {
        let banned = [
            "axum::extract",
            "axum::response",
            "IntoResponse",
            "Caller",
            "crate::routes",
        ];
        let mut found = Vec::new();
        for (file, text) in rust_files("services") {
            // Unit tests (this one among them) are not the use cases.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in code.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                for b in banned {
                    let hit = code.match_indices(b).any(|(i, _)| {
                        let after = code[i + b.len()..].chars().next();
                        !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    });
                    if hit {
                        found.push(format!("services/{file}:{}: {}", n + 1, line.trim()));
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "use cases take values, not requests, extractors or responses:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn the_checks_see_what_they_look_for() {
        assert_eq!(
            names_after(
                "use crate::routes::{visits::x, page_limit};",
                "crate::routes::"
            ),
            ["visits", "page_limit"]
        );
        assert_eq!(names_after("super::photos::view(p)", "super::"), ["photos"]);
        assert_eq!(names_after("use super::*;", "super::"), Vec::<&str>::new());
    }
}
