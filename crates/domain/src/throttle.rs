//! Login throttling policy: how many failures a key (an account or a client address)
//! may collect in a window before it is locked out, and for how long.

/// A counter of recent failures as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FailureWindow {
    pub window_start_ms: i64,
    pub failures: u32,
    pub locked_until_ms: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub max_failures: u32,
    pub window_ms: i64,
    pub lockout_ms: i64,
}

impl ThrottlePolicy {
    /// Per account: five wrong passwords in 15 minutes lock it for 15 minutes, which makes
    /// online guessing hopeless while a person who mistypes a few times is not locked out.
    pub const ACCOUNT: ThrottlePolicy = ThrottlePolicy {
        max_failures: 5,
        window_ms: 15 * 60_000,
        lockout_ms: 15 * 60_000,
    };
    /// Per client address: more generous, because an office may share one address.
    pub const ADDRESS: ThrottlePolicy = ThrottlePolicy {
        max_failures: 30,
        window_ms: 15 * 60_000,
        lockout_ms: 15 * 60_000,
    };

    /// Milliseconds the caller must still wait, or `None` when a login may be tried.
    pub fn blocked_for(&self, w: &FailureWindow, now_ms: i64) -> Option<i64> {
        (w.locked_until_ms > now_ms).then(|| w.locked_until_ms - now_ms)
    }

    /// The window after one more failure at `now_ms`.
    pub fn record_failure(&self, w: &FailureWindow, now_ms: i64) -> FailureWindow {
        let fresh = now_ms - w.window_start_ms >= self.window_ms;
        let (start, failures) = if fresh {
            (now_ms, 1)
        } else {
            (w.window_start_ms, w.failures + 1)
        };
        let locked_until_ms = if failures >= self.max_failures {
            now_ms + self.lockout_ms
        } else {
            w.locked_until_ms
        };
        FailureWindow {
            window_start_ms: start,
            failures,
            locked_until_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_and_unlocks_later() {
        let p = ThrottlePolicy {
            max_failures: 3,
            window_ms: 1000,
            lockout_ms: 5000,
        };
        let mut w = FailureWindow::default();
        for t in [10, 20] {
            w = p.record_failure(&w, t);
            assert_eq!(p.blocked_for(&w, t), None);
        }
        w = p.record_failure(&w, 30);
        assert_eq!(p.blocked_for(&w, 30), Some(5000));
        assert_eq!(p.blocked_for(&w, 5030), None);
    }

    #[test]
    fn failures_spread_over_windows_never_lock() {
        let p = ThrottlePolicy {
            max_failures: 3,
            window_ms: 1000,
            lockout_ms: 5000,
        };
        let mut w = FailureWindow::default();
        for t in (0..10).map(|i| i * 600) {
            w = p.record_failure(&w, t);
            assert_eq!(p.blocked_for(&w, t), None, "at {t}");
        }
    }
}
