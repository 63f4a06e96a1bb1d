//! Enqueueing many jobs in one statement, inside the caller's transaction: the set-based
//! twin of `enqueue_job!` for writers that cause hundreds of jobs at once (a group commit
//! of fixes). Same rows, same coalescing, one round trip.

use crate::fix_group::cacheable_chunks;
use crate::jobs::{Coalesce, NewJob};
use crate::time::now_ms;
use std::collections::HashSet;

/// The coalescing clause. "Now" and "now + settle" come from the new row (`updated_ms`,
/// `run_at_ms`) and the delay cap is the kind's constant, so the statement's text is the
/// same on every call and stays in the driver's statement cache.
fn on_conflict(coalesce: Coalesce) -> String {
    let run_at = match coalesce {
        Coalesce::Keep => "jobs.run_at_ms".to_owned(),
        Coalesce::Debounce { max_delay_ms, .. } => format!(
            "CASE WHEN excluded.run_at_ms < jobs.created_ms + {max_delay_ms} THEN excluded.run_at_ms \
             ELSE jobs.created_ms + {max_delay_ms} END"
        ),
    };
    format!(
        " ON CONFLICT (tenant_id, kind, unique_key) WHERE state = 'queued' DO UPDATE SET \
         run_at_ms = {run_at}, updated_ms = excluded.updated_ms"
    )
}

/// The jobs split by how they coalesce (one statement each), each key once: PostgreSQL
/// refuses an upsert that meets the same row twice.
fn by_coalesce(jobs: &[NewJob]) -> Vec<(Coalesce, Vec<&NewJob>)> {
    let mut seen = HashSet::new();
    let mut groups: Vec<(Coalesce, Vec<&NewJob>)> = Vec::new();
    for job in jobs {
        if let Some(key) = &job.unique_key
            && !seen.insert((job.tenant.0, job.kind, key.as_str()))
        {
            continue;
        }
        match groups.iter_mut().find(|(c, _)| *c == job.coalesce) {
            Some((_, g)) => g.push(job),
            None => groups.push((job.coalesce, vec![job])),
        }
    }
    groups
}

pub(crate) async fn sqlite(
    tx: &mut sqlx::SqliteConnection,
    jobs: &[NewJob],
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    for (coalesce, group) in by_coalesce(jobs) {
        for chunk in cacheable_chunks(&group) {
            let mut sql = String::from(
                "INSERT INTO jobs (tenant_id, id, kind, unique_key, payload, state, attempts, max_attempts,
                    run_at_ms, created_ms, updated_ms) VALUES ",
            );
            sql.push_str(&vec!["(?,?,?,?,?,'queued',0,?,?,?,?)"; chunk.len()].join(","));
            sql.push_str(&on_conflict(coalesce));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for job in chunk {
                q = q
                    .bind(job.tenant.0)
                    .bind(uuid::Uuid::now_v7())
                    .bind(job.kind)
                    .bind(job.unique_key.as_deref())
                    .bind(&job.payload)
                    .bind(job.max_attempts)
                    .bind(run_at(job, now))
                    .bind(now)
                    .bind(now);
            }
            q.execute(&mut *tx).await?;
        }
    }
    Ok(())
}

pub(crate) async fn postgres(
    tx: &mut sqlx::PgConnection,
    jobs: &[NewJob],
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    for (coalesce, group) in by_coalesce(jobs) {
        let sql = format!(
            "INSERT INTO jobs (tenant_id, id, kind, unique_key, payload, state, attempts, max_attempts,
                run_at_ms, created_ms, updated_ms)
             SELECT u.tenant, u.id, u.kind, u.key, u.payload, 'queued', 0, u.attempts, u.run_at, $8, $8
             FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int4[], $7::int8[])
                  AS u(tenant, id, kind, key, payload, attempts, run_at){}",
            on_conflict(coalesce)
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(group.iter().map(|j| j.tenant.0).collect::<Vec<_>>())
            .bind(
                group
                    .iter()
                    .map(|_| uuid::Uuid::now_v7())
                    .collect::<Vec<_>>(),
            )
            .bind(group.iter().map(|j| j.kind).collect::<Vec<_>>())
            .bind(
                group
                    .iter()
                    .map(|j| j.unique_key.clone())
                    .collect::<Vec<_>>(),
            )
            .bind(group.iter().map(|j| j.payload.clone()).collect::<Vec<_>>())
            .bind(group.iter().map(|j| j.max_attempts).collect::<Vec<_>>())
            .bind(group.iter().map(|j| run_at(j, now)).collect::<Vec<_>>())
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// When a new job is due: a debounced one `settle` after now (a queued twin moves there
/// too, capped), any other at the time it asked for.
fn run_at(job: &NewJob, now: i64) -> i64 {
    match job.coalesce {
        Coalesce::Keep => job.run_at_ms,
        Coalesce::Debounce { settle_ms, .. } => now + settle_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::TenantId;

    #[test]
    fn a_key_is_enqueued_once_per_statement_and_coalescing_splits_statements() {
        let t = TenantId(uuid::Uuid::now_v7());
        let jobs = vec![
            NewJob::new(t, "a", "{}".into())
                .keyed("k")
                .debounced(1000, 60_000),
            NewJob::new(t, "a", "{}".into())
                .keyed("k")
                .debounced(1000, 60_000),
            NewJob::new(t, "b", "{}".into())
                .keyed("k")
                .debounced(1000, 60_000),
            NewJob::new(t, "a", "{}".into()).keyed("j"),
            NewJob::new(t, "a", "{}".into()),
            NewJob::new(t, "a", "{}".into()),
        ];
        let groups = by_coalesce(&jobs);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].1.len(), 2, "a/k once, b/k");
        assert_eq!(groups[1].1.len(), 3, "a/j and the two unkeyed jobs");
    }
}
