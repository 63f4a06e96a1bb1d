//! Query parameters are the document's, on every operation: a name the operation does not
//! declare is refused (422 `unknown_field` naming it) before any handler runs, the same
//! answer everywhere instead of "ignored here, 400 there".
//!
//! The other direction — a handler whose `Query<T>` reads a name the document does not
//! declare, or ignores one it does — is caught by the query-contract test
//! (`tests/it/query_contract.rs`): it calls every operation of the document through the
//! real router with a `QueryProbe`, in which `extract::Query` records the names its `T`
//! reads, and compares them with the operation's declared parameters. With clippy
//! refusing every other way of reading a query string, the two together mean what a
//! handler reads is exactly what the document declares.

use crate::error::ApiError;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::Problem;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::{OpenApi, RefOr};

/// Each operation's declared query parameter names, by method and path template (axum
/// and OpenAPI write templates alike: `/api/v1/forms/{id}`).
#[derive(Default)]
pub struct DeclaredQueries(HashMap<(Method, String), BTreeSet<String>>);

impl DeclaredQueries {
    pub fn from_document(doc: &OpenApi) -> Self {
        let mut ops = HashMap::new();
        for (method, path, op) in super::operations(doc) {
            let names = op
                .parameters
                .iter()
                .flatten()
                .filter_map(|p| match p {
                    RefOr::T(p) if p.parameter_in == ParameterIn::Query => Some(p.name.clone()),
                    _ => None,
                })
                .collect();
            ops.insert((method, path.clone()), names);
        }
        DeclaredQueries(ops)
    }

    fn of(&self, method: &Method, path: &str) -> Option<&BTreeSet<String>> {
        // axum answers HEAD with the GET handler.
        let method = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        self.0.get(&(method.clone(), path.to_owned()))
    }
}

/// Operations whose callers are not ours to hold to the document: an OpenID provider
/// appends parameters of its own to the sign-in callback (`iss`, `session_state`, …).
pub const OPEN_QUERIES: &[&str] = &["/api/v1/auth/oidc/{tenant}/callback"];

/// Route layer (it needs the matched path): 422 for the first query parameter the
/// operation does not declare. A route the document does not know passes untouched.
pub async fn refuse_undeclared(
    State(declared): State<Arc<DeclaredQueries>>,
    req: Request,
    next: Next,
) -> Response {
    let names = req
        .extensions()
        .get::<MatchedPath>()
        .filter(|p| !OPEN_QUERIES.contains(&p.as_str()))
        .and_then(|p| declared.of(req.method(), p.as_str()));
    #[allow(clippy::disallowed_methods)] // names only, to compare with the document
    let query = req.uri().query();
    if let (Some(names), Some(query)) = (names, query) {
        for (name, _) in form_urlencoded::parse(query.as_bytes()) {
            if !names.contains(name.as_ref()) {
                return unknown(&name, names).into_response();
            }
        }
    }
    next.run(req).await
}

fn unknown(name: &str, declared: &BTreeSet<String>) -> ApiError {
    let mut e = ApiError::invalid_one(name, Problem::UnknownField);
    let known: Vec<&str> = declared.iter().map(String::as_str).collect();
    e.message = if known.is_empty() {
        format!("{name}: this operation takes no query parameters")
    } else {
        format!(
            "{name}: is not a query parameter of this operation (it takes {})",
            known.join(", ")
        )
    };
    e
}
