//! BI access on PostgreSQL (migration 0023): the `reporting` schema of stable views over
//! the report facts, and the read-only role that may read it and nothing else.

use crate::pool::Pool;
use crate::{Store, StoreError};
use domain::{Format, Problem};

/// What [`Store::grant_reporting`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportingGrant {
    /// The schema of views the role may read.
    pub schema: String,
    /// Whether the role was created (`false`: it existed and was granted again).
    pub created: bool,
}

/// The reporting schema beside the application's schema `app` (as migration 0023 names it).
pub fn reporting_schema(app: &str) -> String {
    if app == "public" {
        "reporting".to_owned()
    } else {
        format!("{app}_reporting")
    }
}

/// A role name PostgreSQL takes unquoted: lower-case letters, digits and `_`, not starting
/// with a digit, at most 63 bytes.
fn role_name(s: &str) -> Result<&str, StoreError> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !s.starts_with("pg_");
    if ok {
        Ok(s)
    } else {
        Err(StoreError::invalid(
            "role",
            Problem::format(Format::Username),
        ))
    }
}

impl Store {
    /// Makes `role` (a login role, created if missing, its password set when given) able
    /// to read every view of the reporting schema, now and in later releases, and nothing
    /// else this grant gives: no table of the application is granted, so reading one is
    /// refused. PostgreSQL only.
    pub async fn grant_reporting(
        &self,
        role: &str,
        password: Option<&str>,
    ) -> Result<ReportingGrant, StoreError> {
        let Pool::Postgres(pool) = &self.pool else {
            return Err(StoreError::invalid(
                "database_url",
                Problem::unknown_value(&["postgres://…"]),
            ));
        };
        let role = role_name(role)?;
        let mut tx = pool.begin().await?;
        let app: String = sqlx::query_scalar("SELECT current_schema()")
            .fetch_one(&mut *tx)
            .await?;
        let schema = reporting_schema(&app);
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
                .bind(role)
                .fetch_one(&mut *tx)
                .await?;
        // Statements with identifiers are built by PostgreSQL's own quoting (`format`'s
        // %I and %L), never by pasting strings here.
        let mut statements: Vec<String> = Vec::new();
        if !exists {
            statements.push(
                sqlx::query_scalar("SELECT format('CREATE ROLE %I LOGIN', $1::text)")
                    .bind(role)
                    .fetch_one(&mut *tx)
                    .await?,
            );
        }
        if let Some(pw) = password {
            statements.push(
                sqlx::query_scalar(
                    "SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)",
                )
                .bind(role)
                .bind(pw)
                .fetch_one(&mut *tx)
                .await?,
            );
        }
        for template in [
            "SELECT format('GRANT USAGE ON SCHEMA %I TO %I', $1::text, $2::text)",
            "SELECT format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I', $1::text, $2::text)",
            // Views a later migration adds are readable too.
            "SELECT format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO %I', $1::text, $2::text)",
        ] {
            statements.push(
                sqlx::query_scalar(template)
                    .bind(&schema)
                    .bind(role)
                    .fetch_one(&mut *tx)
                    .await?,
            );
        }
        for s in &statements {
            sqlx::raw_sql(sqlx::AssertSqlSafe(s.as_str()))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(ReportingGrant {
            schema,
            created: !exists,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_schemas_and_roles() {
        assert_eq!(reporting_schema("public"), "reporting");
        assert_eq!(reporting_schema("it_ab12"), "it_ab12_reporting");
        assert!(role_name("bi_reader").is_ok());
        for bad in [
            "",
            "BI",
            "bi-reader",
            "1bi",
            "pg_bi",
            "bi; drop",
            &"x".repeat(64),
        ] {
            assert!(role_name(bad).is_err(), "{bad}");
        }
    }
}
