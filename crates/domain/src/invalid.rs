//! Validation failures that name the field and the problem, collected rather than
//! returned one at a time so a client can fix every mistake in one round trip.

use serde::Serialize;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    pub field: String,
    pub problem: String,
}

/// One or more field problems; never empty when returned as an error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Invalid {
    pub problems: Vec<FieldProblem>,
}

impl Invalid {
    pub fn one(field: impl Into<String>, problem: impl Into<String>) -> Self {
        let mut me = Self::default();
        me.push(field, problem);
        me
    }

    pub fn push(&mut self, field: impl Into<String>, problem: impl Into<String>) {
        self.problems.push(FieldProblem {
            field: field.into(),
            problem: problem.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// Records the error of `result` (if any) under `field` and returns its value.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(problem) => {
                self.push(field, problem);
                None
            }
        }
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Invalid> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }

    /// Prefixes every field name, e.g. `contacts[2].` for nested input.
    pub fn nest(mut self, prefix: &str) -> Self {
        for p in &mut self.problems {
            p.field = format!("{prefix}{}", p.field);
        }
        self
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", p.field, p.problem)?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}
