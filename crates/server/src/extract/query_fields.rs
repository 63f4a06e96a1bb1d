//! The names a query struct reads, learned from serde itself, and a probe through which an
//! in-process caller (the query-contract test) sees them for the operation it calls.
//!
//! Why: the OpenAPI document lists an operation's query parameters from the struct named
//! in its `#[utoipa::path(params(..))]`, while the handler reads the struct in its
//! `Query<T>` argument. Nothing ties the two together at compile time, so a handler can
//! read a parameter the document does not declare (or the document can declare one the
//! handler ignores). Only a running request knows both the operation and `T`.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::sync::{Arc, Mutex};

/// The field names `T`'s derived `Deserialize` asks for (serde passes them to
/// `deserialize_struct`), or `None` when `T` is not a plain struct (a map, a flattened
/// struct), whose names cannot be known and so cannot be checked.
pub fn field_names<T: for<'de> Deserialize<'de>>() -> Option<&'static [&'static str]> {
    let mut names = None;
    let _ = T::deserialize(Names(&mut names));
    names
}

struct Names<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for Names<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a plain struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        Err(de::Error::custom("names taken; nothing to read"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

/// Put into a request's extensions by an in-process caller (extensions never come from
/// the wire); `Query<T>` records into it the names `T` reads. Left empty when the
/// operation has no query extractor, or when extraction stopped before it.
#[derive(Clone, Default)]
pub struct QueryProbe(Arc<Mutex<Option<Vec<String>>>>);

impl QueryProbe {
    pub(super) fn record(&self, names: Option<&'static [&'static str]>, type_name: &str) {
        let names = match names {
            Some(n) => n.iter().map(|s| (*s).to_owned()).collect(),
            None => vec![format!("<{type_name} is not a plain struct>")],
        };
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(names);
    }

    /// The names the operation's query extractor reads; `None` if it had none (or did
    /// not run).
    pub fn read(&self) -> Option<Vec<String>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Q {
        a: Option<u32>,
        #[serde(rename = "bee")]
        b: String,
        #[serde(default)]
        c: bool,
    }

    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Flat {
        #[serde(flatten)]
        q: Q,
    }

    #[test]
    fn names_are_serdes_own() {
        assert_eq!(field_names::<Q>(), Some(&["a", "bee", "c"][..]));
        assert_eq!(field_names::<Flat>(), None);
        assert_eq!(
            field_names::<std::collections::HashMap<String, String>>(),
            None
        );
    }
}
