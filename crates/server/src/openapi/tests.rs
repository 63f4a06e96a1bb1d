//! The served document is valid and truthful in what can be checked without a server:
//! every response described, parameters in the place their path says.

use serde_json::Value;

fn document() -> Value {
    serde_json::to_value(crate::app::document()).unwrap()
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// (path, method, operation) for every operation in the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.push((path.clone(), m.to_owned(), op.clone()));
            }
        }
    }
    assert!(out.len() > 50, "the document lists the API's operations");
    out
}

fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .map(|s| s.split('}').next().unwrap().to_owned())
        .collect()
}

/// A response, or the shared one its `$ref` names.
fn resolve<'a>(doc: &'a Value, r: &'a Value) -> &'a Value {
    match r["$ref"].as_str() {
        Some(at) => {
            let name = at.strip_prefix("#/components/responses/").unwrap();
            &doc["components"]["responses"][name]
        }
        None => r,
    }
}

#[test]
fn every_response_has_a_description() {
    let doc = document();
    let mut missing = Vec::new();
    for (path, method, op) in operations(&doc) {
        for (status, r) in op["responses"].as_object().unwrap() {
            if resolve(&doc, r)["description"]
                .as_str()
                .unwrap_or("")
                .is_empty()
            {
                missing.push(format!("{method} {path} {status}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "responses without description: {missing:#?}"
    );
}

#[test]
fn path_parameters_are_exactly_the_paths_placeholders() {
    let doc = document();
    let mut wrong = Vec::new();
    for (path, method, op) in operations(&doc) {
        let in_template = template_names(&path);
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let declared: Vec<String> = params
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect();
        // A query struct declared `in: path` shows up as names the path does not have.
        for name in &declared {
            if !in_template.contains(name) {
                wrong.push(format!("{method} {path}: `{name}` is declared in path"));
            }
        }
        for name in &in_template {
            if !declared.contains(name) {
                wrong.push(format!("{method} {path}: `{{{name}}}` is not declared"));
            }
        }
        for p in params.iter().filter(|p| p["in"] == "path") {
            if p["required"] != true {
                wrong.push(format!("{method} {path}: `{}` not required", p["name"]));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn errors_are_listed_with_the_error_body() {
    let doc = document();
    for (path, method, op) in operations(&doc) {
        let responses = op["responses"].as_object().unwrap();
        let authenticated = op.get("security") != Some(&serde_json::json!([{}]));
        if authenticated {
            for s in ["401", "403"] {
                assert!(responses.contains_key(s), "{method} {path} lists {s}");
            }
        }
        if path.contains('{') {
            assert!(responses.contains_key("404"), "{method} {path} lists 404");
        }
        for (status, r) in responses {
            let r = resolve(&doc, r);
            if status.starts_with('4') || status.starts_with('5') {
                assert_eq!(
                    r["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{method} {path} {status} answers the error shape"
                );
            }
        }
    }
}

/// `web/openapi.json` is the document the web build generates its API types from
/// (`web/src/shared/api.gen.ts`), so the console and the field app are type-checked against
/// what the server answers. It must equal `outfield openapi`'s output; regenerate with
/// `UPDATE_OPENAPI=1 cargo test -p server --lib openapi`.
#[test]
fn web_copy_is_current() {
    let text = format!("{}\n", crate::app::document().to_pretty_json().unwrap());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == text,
        "{} is not the server's document; run UPDATE_OPENAPI=1 cargo test -p server --lib openapi \
         (then `npm run build` in web/ to check the front end against it)",
        path.display()
    );
}

/// A schema a parameter or body names must be in the components: the web client's type
/// generator refuses the whole document otherwise (a `closed_set!` used as a parameter
/// type but not listed in `ApiDoc` twice reached main that way).
#[test]
fn every_schema_reference_resolves() {
    let doc = document();
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let prefix = "\"#/components/schemas/";
    let mut missing: Vec<&str> = text
        .match_indices(prefix)
        .map(|(at, _)| {
            let rest = &text[at + prefix.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .filter(|name| !schemas.contains_key(*name))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "schemas referenced but not listed in ApiDoc: {missing:?}"
    );
}

/// Every list answers one shape, `{items, next_cursor}`, so a client pages every list the
/// same way. A list operation is a GET on a collection path (its last segment is not a
/// `{placeholder}`) whose JSON answer is an array or has `items`. A GET whose path also
/// takes a PUT of the same schema is a document replaced whole (a person's vehicle
/// history), not a list. Any GET answering a bare array fails.
#[test]
fn every_list_answers_items_and_next_cursor() {
    let doc = document();
    let schema_of = |r: &Value| -> Value {
        let mut s = resolve(&doc, r)["content"]["application/json"]["schema"].clone();
        while let Some(at) = s["$ref"].as_str() {
            let name = at.strip_prefix("#/components/schemas/").unwrap();
            s = doc["components"]["schemas"][name].clone();
        }
        s
    };
    let mut wrong = Vec::new();
    let mut lists = 0;
    for (path, method, op) in operations(&doc) {
        let Some(ok) = op["responses"].get("200") else {
            continue;
        };
        if method != "get" {
            continue;
        }
        let schema = schema_of(ok);
        if schema["type"] == "array" {
            wrong.push(format!("GET {path} answers a bare array"));
            continue;
        }
        let collection = !path.ends_with('}');
        let props = &schema["properties"];
        if !collection || props.get("items").is_none() {
            continue;
        }
        let put = &doc["paths"][&path]["put"];
        let replaced_whole =
            put["requestBody"]["content"]["application/json"]["schema"] == ok_ref(&doc, ok);
        if replaced_whole {
            continue;
        }
        lists += 1;
        if props["items"]["type"] != "array" || props.get("next_cursor").is_none() {
            wrong.push(format!("GET {path} answers `items` without `next_cursor`"));
        }
    }
    assert!(lists > 15, "only {lists} lists found; the walk is broken");
    assert!(wrong.is_empty(), "lists not in the page shape: {wrong:#?}");
}

/// The schema reference (or inline schema) of a response's JSON content, unresolved.
fn ok_ref(doc: &Value, r: &Value) -> Value {
    resolve(doc, r)["content"]["application/json"]["schema"].clone()
}

/// utoipa names an operation after its handler function, so two modules' `get_customer`
/// would share one `operationId` silently — and the web's generated types would not build.
#[test]
fn operation_ids_are_unique() {
    let doc = document();
    let mut seen = std::collections::HashMap::new();
    for (path, method, op) in operations(&doc) {
        let id = op["operationId"].as_str().unwrap_or_default().to_owned();
        if let Some(first) = seen.insert(id.clone(), format!("{method} {path}")) {
            panic!("operationId {id} names both {first} and {method} {path}");
        }
    }
}
