//! Attempts on one account run one at a time (per process). Without this, a burst of
//! parallel guesses would all pass the back-off check before the first failure is
//! recorded; queued, each sees the failures before it and is answered 429 cheaply.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

#[derive(Default)]
pub struct LoginQueue {
    slots: Mutex<HashMap<String, Arc<AsyncMutex<()>>>>,
}

/// Held while an attempt on the account runs; the account's slot goes when unused.
pub struct Turn<'a> {
    queue: &'a LoginQueue,
    key: String,
    guard: Option<OwnedMutexGuard<()>>,
}

impl LoginQueue {
    pub async fn turn(&self, account_key: String) -> Turn<'_> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.entry(account_key.clone()).or_default().clone()
        };
        let guard = slot.lock_owned().await;
        Turn {
            queue: self,
            key: account_key,
            guard: Some(guard),
        }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut slots = self.queue.slots.lock().unwrap_or_else(|e| e.into_inner());
        // Only the map holds it: nobody is waiting, so the slot can go.
        if slots
            .get(&self.key)
            .is_some_and(|s| Arc::strong_count(s) == 1)
        {
            slots.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_turn_per_account_and_slots_are_dropped() {
        let q = LoginQueue::default();
        let a = q.turn("a".into()).await;
        // Another account is not held up.
        let b = q.turn("b".into()).await;
        // The same account waits until the first turn ends.
        let waiting =
            tokio::time::timeout(std::time::Duration::from_millis(50), q.turn("a".into()));
        assert!(waiting.await.is_err());
        drop(a);
        let again = q.turn("a".into()).await;
        drop(again);
        drop(b);
        assert!(q.slots.lock().unwrap().is_empty());
    }
}
