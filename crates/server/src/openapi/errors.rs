//! The error statuses an operation can answer, derived from what it takes: every operation
//! can answer 422 (a query parameter it does not declare, see `query_params`), every
//! authenticated operation 401 and 403, one with path parameters 400 and 404, one with
//! query parameters or a body 400, one with a body 413 and 415, one bounded by the request
//! time-out 503 (`crate::timeout`). Statuses
//! only a handler knows (409, 429, …) stay in its annotation. Every response gets a
//! description (OpenAPI 3.1 requires one).

use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};

/// The operations of one path, in the order the document lists them.
pub fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
        item.head.as_mut(),
        item.options.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

/// Whether the operation needs a token: it inherits the document's bearer requirement
/// unless it says `security(())` (an empty requirement).
pub fn authenticated(op: &Operation) -> bool {
    match &op.security {
        None => true,
        Some(reqs) => !reqs.is_empty() && reqs.iter().all(|r| *r != Default::default()),
    }
}

fn has_param(op: &Operation, place: ParameterIn) -> bool {
    op.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => p.parameter_in == place,
        RefOr::Ref(_) => false,
    })
}

/// What each error status means wherever it is listed.
fn error_description(status: &str) -> Option<&'static str> {
    Some(match status {
        "400" => {
            "Malformed input: a path or query parameter or a body that does not parse \
             (`error.fields` names it)"
        }
        "401" => {
            "No token, or an expired or revoked one (an integration key past its expiry: \
             `api_key_expired`)"
        }
        "403" => {
            "The caller's role may not do this (`forbidden`), or the integration key lacks \
             the operation's scope (`missing_scope`, the scope named in `error.fields`)"
        }
        "404" => {
            "No such resource within the caller's reach (another tenant's or another \
             department's id answers the same)"
        }
        "405" => "This path does not take that method",
        "409" => {
            "Conflicts with the current state (see `error.code`), e.g. a client id already \
             used with a different body (`id_reused`)"
        }
        "413" => "The body is larger than the server accepts",
        "415" => "The body is not in a content type this operation takes",
        "422" => {
            "The input parses but is not valid, or a query parameter is not one the \
             operation declares (`unknown_field`); `error.fields` names each problem"
        }
        "429" => "Too many attempts; retry after the `Retry-After` seconds",
        "500" => "Unexpected server failure",
        "503" => {
            "A dependency of this operation is unavailable, or the operation took longer than \
             the server's request time-out (`timed_out`); retry after `Retry-After` seconds"
        }
        _ => return None,
    })
}

fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build()
}

/// The shared error responses, registered once under `components.responses` as `E<status>`
/// and referred to by every operation that can answer them.
pub const SHARED: [&str; 9] = [
    "400", "401", "403", "404", "409", "413", "415", "422", "503",
];

pub fn register(components: &mut utoipa::openapi::Components) {
    components
        .responses
        .insert("RateLimited".to_owned(), RefOr::T(rate_limited()));
    for status in SHARED.into_iter().chain(["500"]) {
        let description = error_description(status).unwrap_or("Error");
        components
            .responses
            .insert(format!("E{status}"), RefOr::T(error_response(description)));
    }
}

/// Adds the statuses the operation's shape implies and fills missing descriptions.
pub fn complete(op: &mut Operation) {
    let mut implied: Vec<&str> = vec!["500", "422"];
    if authenticated(op) {
        implied.extend(["401", "403"]);
    }
    if has_param(op, ParameterIn::Path) {
        implied.extend(["400", "404"]);
    }
    if has_param(op, ParameterIn::Query) {
        implied.push("400");
    }
    if op.request_body.is_some() {
        implied.extend(["400", "413", "415", "422"]);
    }
    if crate::timeout::applies(op) {
        implied.push("503");
    }
    // A create that answers a retry (200 beside 201) refuses its id with another body.
    if op.responses.responses.contains_key("201") && op.responses.responses.contains_key("200") {
        implied.push("409");
    }
    let responses = &mut op.responses.responses;
    for status in implied {
        if !responses.contains_key(status) {
            let shared = Ref::new(format!("#/components/responses/E{status}"));
            responses.insert(status.to_owned(), RefOr::Ref(shared));
        }
    }
    let replays = responses.contains_key("201");
    // Annotations write `body = ErrorBody` without a description; the shared one fits.
    for (status, response) in responses.iter_mut() {
        if let RefOr::T(r) = response
            && r.description.is_empty()
        {
            r.description = error_description(status)
                .map(str::to_owned)
                .unwrap_or_else(|| success_description(status, replays));
        }
    }
}

/// The answer to an integration key over its rate limit (`auth::rate_limit`).
fn rate_limited() -> Response {
    use utoipa::openapi::ObjectBuilder;
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::schema::Type;
    let seconds = |d: &str| {
        RefOr::T(
            HeaderBuilder::new()
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0)),
                ))
                .description(Some(d))
                .build(),
        )
    };
    let mut r = error_response(
        "An integration key sent more requests than its rate limit allows \
         (`rate_limited`); retry after `Retry-After` seconds",
    );
    r.headers.insert(
        "Retry-After".into(),
        seconds("Seconds until the next request would pass"),
    );
    r.headers.insert(
        "RateLimit-Limit".into(),
        seconds("Requests a minute this key may send"),
    );
    r.headers.insert(
        "RateLimit-Remaining".into(),
        seconds("Requests left now (0)"),
    );
    r.headers.insert(
        "RateLimit-Reset".into(),
        seconds("Seconds until the whole limit is available again"),
    );
    r
}

fn success_description(status: &str, replays: bool) -> String {
    match status {
        // Beside a 201, a 200 is the answer to a retry with the same client id and body.
        "200" if replays => "Already done with this id and the same body: the first result",
        "200" => "OK",
        "201" => "Created",
        "204" => "Done; no body",
        _ => "Answer",
    }
    .to_owned()
}
