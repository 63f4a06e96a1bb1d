//! Group commit: one task owns fix writes, gathers every batch waiting in its queue into
//! one transaction, and answers each request only after the commit. With SQLite (one
//! writer at a time) this turns many small transactions into few large ones; on
//! PostgreSQL it saves commits too.

use domain::fix::FixRecord;
use storage::{FixBatch, Store};
use tokio::sync::{mpsc, oneshot};

struct Job {
    batch: FixBatch,
    reply: oneshot::Sender<Result<u64, String>>,
}

#[derive(Clone)]
pub struct FixWriter {
    queues: Vec<mpsc::Sender<Job>>,
}

/// Fixes per transaction before the writer stops gathering: big enough to amortise the
/// commit, small enough to keep each request's wait short.
const MAX_FIXES_PER_COMMIT: usize = 20_000;

impl FixWriter {
    /// One writer on SQLite (it takes one writer at a time anyway); on PostgreSQL a few,
    /// so one transaction's round trips overlap another's.
    pub fn start(store: Store) -> FixWriter {
        let writers = match store.backend() {
            storage::Backend::Sqlite => 1,
            storage::Backend::Postgres => 4,
        };
        let queues = (0..writers)
            .map(|_| {
                let (queue, rx) = mpsc::channel::<Job>(1024);
                tokio::spawn(run(store.clone(), rx));
                queue
            })
            .collect();
        FixWriter { queues }
    }

    /// Stores a batch; resolves to how many fixes were new once they are committed. A
    /// person's batches always go to the same writer, so they never race each other.
    pub async fn write(&self, batch: FixBatch) -> Result<u64, String> {
        let (reply, answer) = oneshot::channel();
        let queue = &self.queues[(batch.employee.0.as_u128() % self.queues.len() as u128) as usize];
        queue
            .send(Job { batch, reply })
            .await
            .map_err(|_| "the fix writer has stopped".to_owned())?;
        answer
            .await
            .map_err(|_| "the fix writer dropped the batch".to_owned())?
    }
}

async fn run(store: Store, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut fixes = first.batch.fixes.len();
        let mut jobs = vec![first];
        while fixes < MAX_FIXES_PER_COMMIT {
            match rx.try_recv() {
                Ok(j) => {
                    fixes += j.batch.fixes.len();
                    jobs.push(j);
                }
                Err(_) => break,
            }
        }
        let (batches, replies): (Vec<FixBatch>, Vec<_>) =
            jobs.into_iter().map(|j| (j.batch, j.reply)).unzip();
        match store.insert_fix_batches(&batches).await {
            Ok(counts) => {
                for ((reply, n), batch) in replies.into_iter().zip(counts).zip(&batches) {
                    crate::metrics::fixes_ingested(batch.source.as_str(), n);
                    let _ = reply.send(Ok(n));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "writing fixes failed");
                for reply in replies {
                    let _ = reply.send(Err(e.to_string()));
                }
            }
        }
    }
}

/// Keeps the newest fix of a batch for the live feed.
pub fn newest(fixes: &[FixRecord]) -> Option<&FixRecord> {
    fixes.iter().max_by_key(|f| f.t_ms)
}
