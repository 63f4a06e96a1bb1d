//! What a mutating request changes, read from its route template alone: the resource,
//! the action, the id, and where the changed object can be read before and after.
//!
//! `POST /customers` creates; `PUT /customers/{id}` updates and `DELETE` deletes the object
//! at `/customers/{id}`; a trailing word names the action (`POST /customers/{id}/approve`
//! approves customer `{id}`; `POST /plans/publish` publishes plans).

use axum::http::Method;
use std::collections::HashSet;

const PREFIX: &str = "/api/v1/";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The literal segments before the first parameter, e.g. `customers`,
    /// `attendance/requests`.
    pub resource: String,
    /// `create`, `update`, `delete`, or the route's trailing word (`approve`, `decision`).
    pub action: String,
    /// The path parameters' values joined by `/` (e.g. a plan's `{employee}/{date}`).
    pub id: Option<String>,
    /// The concrete path whose GET answers the changed object, when there is one.
    pub object_path: Option<String>,
    /// A create into a collection that can be listed: with a client id, answering 200
    /// means an earlier copy already made it, so nothing changed.
    pub collection_create: bool,
}

/// `None` for paths outside the API. `gets` holds the templates that answer GET.
pub fn target(
    method: &Method,
    template: &str,
    path: &str,
    gets: &HashSet<String>,
) -> Option<Target> {
    let t: Vec<&str> = template.strip_prefix(PREFIX)?.split('/').collect();
    let p: Vec<&str> = path.strip_prefix(PREFIX)?.split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let is_param = |s: &str| s.starts_with('{');
    let verb = match *method {
        Method::PUT | Method::PATCH => "update",
        Method::DELETE => "delete",
        _ => "create",
    };
    let Some(last_param) = t.iter().rposition(|s| is_param(s)) else {
        let listed = gets.contains(template);
        let (resource, action) = match (method, t.split_last()) {
            (&Method::POST, Some((word, lead))) if !listed && !lead.is_empty() => {
                (lead.join("/"), (*word).to_owned())
            }
            _ => (t.join("/"), verb.to_owned()),
        };
        return Some(Target {
            resource,
            action,
            id: None,
            object_path: (method != Method::POST && listed).then(|| path.to_owned()),
            collection_create: method == Method::POST && listed,
        });
    };
    let first_param = t.iter().position(|s| is_param(s)).unwrap_or(last_param);
    let ids: Vec<&str> = t
        .iter()
        .zip(&p)
        .filter(|(t, _)| is_param(t))
        .map(|(_, p)| *p)
        .collect();
    let trail = &t[last_param + 1..];
    let object_template = format!("{PREFIX}{}", t[..=last_param].join("/"));
    let object_path = gets
        .contains(&object_template)
        .then(|| format!("{PREFIX}{}", p[..=last_param].join("/")));
    Some(Target {
        resource: t[..first_param].join("/"),
        action: if trail.is_empty() {
            verb.to_owned()
        } else {
            trail.join("/")
        },
        id: Some(ids.join("/")),
        object_path,
        collection_create: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gets() -> HashSet<String> {
        [
            "/api/v1/customers",
            "/api/v1/customers/{id}",
            "/api/v1/plans/{employee_id}/{date}",
            "/api/v1/calendar",
        ]
        .into_iter()
        .map(String::from)
        .collect()
    }

    fn t(method: Method, template: &str, path: &str) -> Target {
        target(&method, template, path, &gets()).unwrap()
    }

    #[test]
    fn creates_updates_deletes_and_actions() {
        let c = t(Method::POST, "/api/v1/customers", "/api/v1/customers");
        assert_eq!(
            (
                c.resource.as_str(),
                c.action.as_str(),
                c.id,
                c.object_path,
                c.collection_create
            ),
            ("customers", "create", None, None, true)
        );
        let u = t(
            Method::PUT,
            "/api/v1/customers/{id}",
            "/api/v1/customers/c1",
        );
        assert_eq!(
            (u.action.as_str(), u.id.as_deref(), u.object_path.as_deref()),
            ("update", Some("c1"), Some("/api/v1/customers/c1"))
        );
        assert_eq!(
            t(
                Method::DELETE,
                "/api/v1/customers/{id}",
                "/api/v1/customers/c1"
            )
            .action,
            "delete"
        );
        let a = t(
            Method::POST,
            "/api/v1/customers/{id}/approve",
            "/api/v1/customers/c1/approve",
        );
        assert_eq!(
            (
                a.resource.as_str(),
                a.action.as_str(),
                a.object_path.as_deref()
            ),
            ("customers", "approve", Some("/api/v1/customers/c1"))
        );
        let d = t(
            Method::POST,
            "/api/v1/attendance/requests/{id}/decision",
            "/api/v1/attendance/requests/r1/decision",
        );
        assert_eq!(
            (d.resource.as_str(), d.action.as_str(), d.object_path),
            ("attendance/requests", "decision", None)
        );
        let p = t(
            Method::POST,
            "/api/v1/plans/publish",
            "/api/v1/plans/publish",
        );
        assert_eq!(
            (p.resource.as_str(), p.action.as_str(), p.collection_create),
            ("plans", "publish", false)
        );
        let day = t(
            Method::PUT,
            "/api/v1/plans/{employee_id}/{date}",
            "/api/v1/plans/e1/2026-12-01",
        );
        assert_eq!(
            (
                day.resource.as_str(),
                day.id.as_deref(),
                day.object_path.as_deref()
            ),
            (
                "plans",
                Some("e1/2026-12-01"),
                Some("/api/v1/plans/e1/2026-12-01")
            )
        );
        let cal = t(Method::PUT, "/api/v1/calendar", "/api/v1/calendar");
        assert_eq!(
            (
                cal.resource.as_str(),
                cal.action.as_str(),
                cal.object_path.as_deref()
            ),
            ("calendar", "update", Some("/api/v1/calendar"))
        );
        let loc = t(Method::POST, "/api/v1/locations", "/api/v1/locations");
        assert_eq!(
            (loc.resource.as_str(), loc.action.as_str()),
            ("locations", "create")
        );
        assert_eq!(target(&Method::POST, "/health", "/health", &gets()), None);
    }
}
