//! A query assembled at run time (filters, keyset cursors) with its bound values, written
//! once and run on either engine: both accept `$n` placeholders.

use sqlx::{Database, Encode, Type};
use uuid::Uuid;

#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Uuid(Uuid),
    Text(String),
    I64(i64),
    F64(f64),
}

#[derive(Clone, Default)]
pub(crate) struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `arg` and remembers the value.
    pub fn bind(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        self.text.push_str(&format!("${}", self.args.len()));
        self
    }

    /// Appends `(…)` with a placeholder for each id, for `IN` (the caller refuses an
    /// empty list: `IN ()` is no SQL).
    pub fn bind_ids(&mut self, ids: &[uuid::Uuid]) -> &mut Self {
        self.push("(");
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(Arg::Uuid(*id));
        }
        self.push(")")
    }
}

/// Binds every value of `args` to `q`, whichever engine `DB` is.
pub(crate) fn bind_all<DB, Q>(mut q: Q, args: Vec<Arg>) -> Q
where
    DB: Database,
    Q: Bindable<DB>,
    Uuid: for<'e> Encode<'e, DB> + Type<DB>,
    String: for<'e> Encode<'e, DB> + Type<DB>,
    i64: for<'e> Encode<'e, DB> + Type<DB>,
    f64: for<'e> Encode<'e, DB> + Type<DB>,
{
    for a in args {
        q = match a {
            Arg::Uuid(v) => q.bind_value(v),
            Arg::Text(v) => q.bind_value(v),
            Arg::I64(v) => q.bind_value(v),
            Arg::F64(v) => q.bind_value(v),
        };
    }
    q
}

/// The `bind` both of sqlx's query shapes have, under one name.
pub(crate) trait Bindable<DB: Database>: Sized {
    fn bind_value<T: 'static + for<'e> Encode<'e, DB> + Type<DB>>(self, v: T) -> Self;
}

impl<'q, DB: Database> Bindable<DB> for sqlx::query::Query<'q, DB, DB::Arguments> {
    fn bind_value<T: 'static + for<'e> Encode<'e, DB> + Type<DB>>(self, v: T) -> Self {
        self.bind(v)
    }
}

impl<'q, DB: Database, O> Bindable<DB> for sqlx::query::QueryAs<'q, DB, O, DB::Arguments> {
    fn bind_value<T: 'static + for<'e> Encode<'e, DB> + Type<DB>>(self, v: T) -> Self {
        self.bind(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut s = Sql::new("SELECT 1 WHERE a = ");
        s.bind(Arg::I64(1))
            .push(" AND b = ")
            .bind(Arg::Text("x".into()));
        assert_eq!(s.text, "SELECT 1 WHERE a = $1 AND b = $2");
        assert_eq!(s.args.len(), 2);
    }
}
