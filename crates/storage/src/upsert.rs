//! What the sync writes share (issue 16, item 2): where a row goes (a new id, or over a
//! stored row at the version the client read), what its write did, and `write_rows!`,
//! which runs a batch either in one transaction (all or nothing) or one transaction per
//! row. Each resource's row write lives beside its other writes.

use crate::StoreError;
use uuid::Uuid;

/// Where one written row goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpsertTarget {
    /// A new row with this id.
    New(Uuid),
    /// Over the stored row `id`; with `expected`, only while it is at that version
    /// (`If-Match`), else [`StoreError::Stale`].
    Existing { id: Uuid, expected: Option<i64> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    Created,
    Updated,
    /// The row already held these values: nothing was written, no event recorded.
    Unchanged,
}

impl Written {
    pub fn as_str(self) -> &'static str {
        match self {
            Written::Created => "created",
            Written::Updated => "updated",
            Written::Unchanged => "unchanged",
        }
    }
}

/// What one row's write did: the row, what happened, and its version afterwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowWrite {
    pub id: Uuid,
    pub written: Written,
    pub version: i64,
}

/// A batch's outcome, one entry per row in order. In an all-or-nothing batch that failed,
/// the rows after the failing one were not tried (`None`) and nothing was kept.
pub type RowResults = Vec<Option<Result<RowWrite, StoreError>>>;

/// Runs `$body` — an expression using the open transaction `$tx` and the row `$row`, of
/// type `Result<RowWrite, StoreError>` — for each of `$rows`: with `$atomic`, all in one
/// transaction that is rolled back at the first failing row; otherwise one transaction
/// per row, so a failing row leaves the others written. Evaluates to [`RowResults`].
macro_rules! write_rows {
    ($store:expr, $atomic:expr, $rows:expr, |$tx:ident, $row:ident| $body:expr) => {
        match &$store.pool {
            // SQLite: each transaction waits its turn behind the process's other writers
            // (`Store::sqlite_writer`), as `write_tx!` does.
            $crate::pool::Pool::Sqlite(p) => $crate::upsert::write_rows!(
                @run writer = $crate::pool::turn(&$store.sqlite_writer, p).await,
                writer.pool().begin_with("BEGIN IMMEDIATE"),
                $atomic, $rows, |$tx, $row| $body),
            $crate::pool::Pool::Postgres(p) => $crate::upsert::write_rows!(
                @run _writer = (), p.begin(), $atomic, $rows, |$tx, $row| $body),
        }
    };
    (@run $writer:ident = $lock:expr, $begin:expr, $atomic:expr, $rows:expr, |$tx:ident, $row:ident| $body:expr) => {{
        let mut out: $crate::upsert::RowResults = Vec::with_capacity($rows.len());
        if $atomic {
            let $writer = $lock;
            let mut $tx = $begin.await?;
            let mut failed = false;
            for $row in $rows.iter() {
                let r: Result<$crate::upsert::RowWrite, $crate::StoreError> = $body;
                failed = r.is_err();
                out.push(Some(r));
                if failed {
                    break;
                }
            }
            if failed {
                $tx.rollback().await?;
                out.resize_with($rows.len(), || None);
            } else {
                $tx.commit().await?;
            }
        } else {
            for $row in $rows.iter() {
                let $writer = $lock;
                let mut $tx = $begin.await?;
                let r: Result<$crate::upsert::RowWrite, $crate::StoreError> = $body;
                if r.is_ok() {
                    $tx.commit().await?;
                } else {
                    $tx.rollback().await?;
                }
                out.push(Some(r));
            }
        }
        out
    }};
}
pub(crate) use write_rows;

/// Locks a stored row for the rest of the transaction and reads its version: a no-op
/// `UPDATE` takes the row lock on PostgreSQL (SQLite's write transaction is exclusive
/// already), so the compare with `If-Match` and the write that follows cannot interleave
/// with another writer. `NotFound` when there is no such row.
macro_rules! lock_version {
    ($tx:expr, $table:literal, $tenant:expr, $id:expr) => {{
        let v: Option<(i64,)> = sqlx::query_as(concat!(
            "UPDATE ",
            $table,
            " SET row_version = row_version WHERE tenant_id = $1 AND id = $2 RETURNING row_version"
        ))
        .bind($tenant)
        .bind($id)
        .fetch_optional(&mut *$tx)
        .await?;
        match v {
            Some((v,)) => v,
            None => return Err($crate::StoreError::NotFound),
        }
    }};
}
pub(crate) use lock_version;

/// `Stale` when the client named a version and the row is at another.
pub(crate) fn check_expected(expected: Option<i64>, stored: i64) -> Result<(), StoreError> {
    match expected {
        Some(e) if e != stored => Err(StoreError::Stale),
        _ => Ok(()),
    }
}
