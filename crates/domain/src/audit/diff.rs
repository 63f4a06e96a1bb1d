//! A change as a compact diff: the fields that differ between the state before and after,
//! each with its old and new value (`{"name": {"old": "A", "new": "B"}}`). Nested objects
//! are walked and their fields named by path (`location.lat`); arrays and other values are
//! compared whole. A creation has no old values; a deletion no new ones.
//!
//! Secrets never reach the log: any field whose name marks it as one (passwords, tokens,
//! keys) is replaced by [`REDACTED`] before comparing, at any depth.

use serde_json::{Map, Value};

pub const REDACTED: &str = "[redacted]";

/// Whether a field name holds a secret (compared case-insensitively).
pub fn is_secret(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "key"
        || n.ends_with("_key")
        || n.contains("password")
        || n.contains("token")
        || n.contains("secret")
        || n.contains("key_hash")
        || n.contains("otpauth")
        || n.contains("recovery_code")
}

/// `v` with every secret field's value replaced by [`REDACTED`]. Plain values and lists
/// of plain values (`recovery_codes: [...]`) are secrets: an object under such a name
/// (`api_key: {id, name}`) is walked instead, and nulls stay null, so an absent secret is
/// not made to look set.
pub fn redact(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let plain = match v {
                        Value::Null | Value::Object(_) => false,
                        Value::Array(a) => a.iter().all(|x| !x.is_object() && !x.is_array()),
                        _ => true,
                    };
                    let v = if is_secret(k) && plain {
                        Value::String(REDACTED.into())
                    } else {
                        redact(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(redact).collect()),
        other => other.clone(),
    }
}

/// The changed fields from `before` to `after` (either may be `Null`: created, deleted),
/// secrets redacted. Identical states give an empty object.
pub fn diff(before: &Value, after: &Value) -> Value {
    let mut out = Map::new();
    walk("", &redact(before), &redact(after), &mut out);
    Value::Object(out)
}

/// Marks secret fields a request set, which the states read back never show (a password
/// is stored hashed and never answered): `{"password": {"new": "[redacted]"}}`.
pub fn mark_secrets_set(diff: &mut Value, request: &Value) {
    let (Value::Object(d), Value::Object(req)) = (diff, request) else {
        return;
    };
    for (k, v) in req {
        if is_secret(k) && !v.is_null() && !d.contains_key(k) {
            let mut change = Map::new();
            change.insert("new".into(), Value::String(REDACTED.into()));
            d.insert(k.clone(), Value::Object(change));
        }
    }
}

fn walk(path: &str, before: &Value, after: &Value, out: &mut Map<String, Value>) {
    // Objects (or an object against nothing) are walked field by field; anything else is
    // one value, compared whole.
    let fields = |v: &Value| match v {
        Value::Object(m) => Some(m.clone()),
        Value::Null => Some(Map::new()),
        _ => None,
    };
    if (before.is_object() || after.is_object())
        && let (Some(b), Some(a)) = (fields(before), fields(after))
    {
        let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let name = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            walk(
                &name,
                b.get(k).unwrap_or(&Value::Null),
                a.get(k).unwrap_or(&Value::Null),
                out,
            );
        }
        return;
    }
    if before != after && !path.is_empty() {
        let mut change = Map::new();
        if !before.is_null() {
            change.insert("old".into(), before.clone());
        }
        if !after.is_null() {
            change.insert("new".into(), after.clone());
        }
        out.insert(path.to_owned(), Value::Object(change));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_fields_with_paths() {
        let before = json!({"id": "c1", "name": "A", "location": {"lat": 1.0, "lon": 2.0},
                            "tags": ["x"], "updated_at": "t1"});
        let after = json!({"id": "c1", "name": "B", "location": {"lat": 1.5, "lon": 2.0},
                           "tags": ["x", "y"], "updated_at": "t1"});
        assert_eq!(
            diff(&before, &after),
            json!({"name": {"old": "A", "new": "B"},
                   "location.lat": {"old": 1.0, "new": 1.5},
                   "tags": {"old": ["x"], "new": ["x", "y"]}})
        );
        assert_eq!(diff(&before, &before), json!({}));
    }

    #[test]
    fn creation_and_deletion_and_fields_coming_and_going() {
        assert_eq!(
            diff(
                &Value::Null,
                &json!({"name": "A", "location": {"lat": 1.0}})
            ),
            json!({"name": {"new": "A"}, "location.lat": {"new": 1.0}})
        );
        assert_eq!(
            diff(&json!({"name": "A"}), &Value::Null),
            json!({"name": {"old": "A"}})
        );
        // An object that becomes null is walked, a scalar that becomes an object is one change.
        assert_eq!(
            diff(
                &json!({"location": {"lat": 1.0}}),
                &json!({"location": null})
            ),
            json!({"location.lat": {"old": 1.0}})
        );
        assert_eq!(
            diff(&json!({"a": 1}), &json!({"a": {"b": 2}})),
            json!({"a": {"old": 1, "new": {"b": 2}}})
        );
    }

    #[test]
    fn secrets_are_redacted_at_any_depth() {
        let created = json!({"key": "ofk_abc", "api_key": {"id": "k1", "name": "ERP"},
                             "nested": [{"password": "pw", "device_token": null}]});
        let d = diff(&Value::Null, &created);
        let text = d.to_string();
        assert!(
            !text.contains("ofk_abc") && !text.contains("\"pw\""),
            "{text}"
        );
        assert_eq!(d["key"], json!({"new": REDACTED}));
        assert_eq!(d["api_key.id"], json!({"new": "k1"}));
        assert!(is_secret("Password") && is_secret("token") && is_secret("client_secret"));
        assert!(!is_secret("name") && !is_secret("keyword") && !is_secret("monkey"));
    }

    #[test]
    fn two_factor_secrets_and_recovery_code_lists_are_redacted() {
        let answered = json!({"secret": "GEZDGNBV", "otpauth_uri": "otpauth://totp/x?secret=GEZDGNBV",
                              "recovery_codes": ["k3v7-q2ma", "x9td-5hpe"]});
        let text = diff(&Value::Null, &answered).to_string();
        assert!(
            !text.contains("GEZDGNBV") && !text.contains("k3v7"),
            "{text}"
        );
        assert_eq!(redact(&answered)["recovery_codes"], json!(REDACTED));
    }

    #[test]
    fn a_secret_set_by_the_request_is_marked_not_shown() {
        let mut d = diff(&json!({"name": "A"}), &json!({"name": "A"}));
        mark_secrets_set(
            &mut d,
            &json!({"name": "A", "password": "hunter22", "device_token": null}),
        );
        assert_eq!(d, json!({"password": {"new": REDACTED}}));
    }
}
