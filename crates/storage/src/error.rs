//! The storage layer's one error type; the server maps it to HTTP once.

use domain::{Invalid, Problem};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique key is taken; `field` names the key as the API calls it.
    #[error("{field} is already used")]
    Conflict { field: &'static str },
    /// The row still has dependants (e.g. a department with people) and cannot go.
    #[error("{0}")]
    InUse(&'static str),
    /// The input refers to something that does not exist or is not allowed (for example
    /// an owner in another department); reported like a validation error.
    #[error("{0}")]
    Invalid(Invalid),
    /// A conditional write (`If-Match`) found the row at another version than the one
    /// the client had read.
    #[error("the row changed since it was read")]
    Stale,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    pub fn invalid(field: &str, problem: Problem) -> Self {
        StoreError::Invalid(Invalid::one(field, problem))
    }
}

/// Turns a unique-constraint violation into a [`StoreError::Conflict`] naming the field,
/// by looking at the constraint or column names both engines put in their messages.
pub(crate) fn conflict_or(e: sqlx::Error, fields: &[&'static str]) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        let msg = format!("{} {}", db.message(), db.constraint().unwrap_or_default());
        // PostgreSQL names constraints `<table>_tenant_id_<column>_key`; SQLite says
        // `UNIQUE constraint failed: <table>.tenant_id, <table>.<column>`.
        let field = fields
            .iter()
            .find(|f| msg.contains(&format!("_{f}_key")) || msg.contains(&format!(".{f}")))
            .copied()
            .unwrap_or("id");
        return StoreError::Conflict { field };
    }
    StoreError::Database(e)
}
