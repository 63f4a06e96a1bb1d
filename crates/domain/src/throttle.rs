//! Login throttling policy: exponential back-off instead of lockouts, so that failures
//! made by someone else can slow an attacker but never lock out the account's owner.
//!
//! Four counters exist. A failure is charged to some of them and an attempt is gated by
//! some of them, depending on where it comes from ([`Source`]):
//! - **device**: (account, a device that logged in to it before);
//! - **pair**: (account, client address);
//! - **account**: the account, whatever the address;
//! - **address**: (tenant, client address) — per tenant, and generous, because carrier
//!   NAT puts thousands of honest phones behind one address.
//!
//! The owner's usual device or address is gated only by its own counter, so an attacker
//! elsewhere who drives the account counter to its maximum delay does not slow them.
//! Successful logins are never counted; they clear the pair (and device) counter.

/// Where a login attempt comes from, relative to the account it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The client presented a device token this account was given at an earlier login.
    KnownDevice,
    /// No (valid) device token, but the account logged in from this address before.
    KnownAddress,
    /// Neither: a new device at a new address — or someone guessing.
    Stranger,
}

/// A failure counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Device,
    Pair,
    Account,
    Address,
}

impl Source {
    /// The counters that may hold an attempt from this source back.
    pub fn gates(self) -> &'static [Scope] {
        match self {
            Source::KnownDevice => &[Scope::Device],
            Source::KnownAddress => &[Scope::Pair],
            Source::Stranger => &[Scope::Pair, Scope::Account, Scope::Address],
        }
    }

    /// The counters a failed attempt from this source is charged to. A known device's
    /// mistakes stay on the device, so the owner's typos do not slow their other devices.
    pub fn charged(self) -> &'static [Scope] {
        match self {
            Source::KnownDevice => &[Scope::Device],
            Source::KnownAddress | Source::Stranger => {
                &[Scope::Pair, Scope::Account, Scope::Address]
            }
        }
    }

    /// The counters a successful login clears. The account and address counters stay:
    /// clearing them would hand an attacker fresh free guesses whenever the owner (or
    /// any one honest person behind the address) logs in.
    pub fn cleared_on_success(self) -> &'static [Scope] {
        match self {
            Source::KnownDevice => &[Scope::Device, Scope::Pair],
            Source::KnownAddress | Source::Stranger => &[Scope::Pair],
        }
    }
}

impl Scope {
    pub fn policy(self) -> Backoff {
        match self {
            Scope::Device | Scope::Pair => Backoff::PAIR,
            Scope::Account => Backoff::ACCOUNT,
            Scope::Address => Backoff::ADDRESS,
        }
    }
}

/// A counter as stored: failures (before leaking) and the instant of the last one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Failures {
    pub count: u32,
    pub last_ms: i64,
}

/// One counter's rule: the first `free` failures cost nothing; every further failure
/// makes the next attempt wait `first_delay_ms`, doubling per failure up to
/// `max_delay_ms`. One failure leaks away per `leak_ms` of quiet, so a counter that
/// stops failing returns to free attempts by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub free: u32,
    pub first_delay_ms: i64,
    pub max_delay_ms: i64,
    pub leak_ms: i64,
}

/// Counters whose last failure is older than this can be deleted: every policy has leaked
/// them back to free attempts long before (a counter cannot climb faster than its delays
/// allow, and the slowest leak, 15 minutes, drains 96 failures a day).
pub const FORGET_AFTER_MS: i64 = 24 * 3_600_000;

impl Backoff {
    /// Per (account, address) and per known device: five free tries for typos, then 1 s,
    /// 2 s, 4 s, … up to 15 minutes between guesses.
    pub const PAIR: Backoff = Backoff {
        free: 5,
        first_delay_ms: 1_000,
        max_delay_ms: 15 * 60_000,
        leak_ms: 15 * 60_000,
    };
    /// Per account, whatever the address: ten free, then the same doubling. It gates only
    /// strangers, so its maximum is what a distributed attacker gets: about four guesses
    /// an hour.
    pub const ACCOUNT: Backoff = Backoff {
        free: 10,
        first_delay_ms: 1_000,
        max_delay_ms: 15 * 60_000,
        leak_ms: 15 * 60_000,
    };
    /// Per (tenant, address): sized for carrier NAT. 200 free and one forgiven every 10 s
    /// (360 an hour) before first logins from the address wait at all, and then at most a
    /// minute; logins from known devices and addresses never wait for it.
    pub const ADDRESS: Backoff = Backoff {
        free: 200,
        first_delay_ms: 1_000,
        max_delay_ms: 60_000,
        leak_ms: 10_000,
    };

    /// The failures still counted at `now_ms`, after leaking.
    pub fn level(&self, f: &Failures, now_ms: i64) -> u32 {
        let leaked = (now_ms - f.last_ms).max(0) / self.leak_ms.max(1);
        f.count
            .saturating_sub(u32::try_from(leaked).unwrap_or(u32::MAX))
    }

    /// How long the next attempt must wait after the `count`-th failure.
    pub fn delay_after(&self, count: u32) -> i64 {
        if count <= self.free {
            return 0;
        }
        let doublings = (count - self.free - 1).min(40);
        self.first_delay_ms
            .saturating_mul(1i64 << doublings)
            .min(self.max_delay_ms)
    }

    /// Milliseconds the caller must still wait, or `None` when an attempt may be made.
    pub fn wait_ms(&self, f: &Failures, now_ms: i64) -> Option<i64> {
        let until = f.last_ms.saturating_add(self.delay_after(f.count));
        (until > now_ms).then(|| until - now_ms)
    }

    /// The counter after one more failure at `now_ms`.
    pub fn record_failure(&self, f: &Failures, now_ms: i64) -> Failures {
        Failures {
            count: self.level(f, now_ms).saturating_add(1),
            last_ms: now_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Backoff = Backoff {
        free: 3,
        first_delay_ms: 1000,
        max_delay_ms: 8000,
        leak_ms: 60_000,
    };

    #[test]
    fn free_failures_then_doubling_delays_up_to_the_cap() {
        let mut f = Failures::default();
        let mut waits = Vec::new();
        let mut now = 1_000_000;
        for _ in 0..8 {
            f = P.record_failure(&f, now);
            let wait = P.wait_ms(&f, now).unwrap_or(0);
            waits.push(wait);
            now += wait; // the next try comes exactly when allowed
        }
        assert_eq!(waits, [0, 0, 0, 1000, 2000, 4000, 8000, 8000]);
    }

    #[test]
    fn waiting_is_counted_from_the_last_failure() {
        let mut f = Failures::default();
        for t in [0, 0, 0, 0, 0] {
            f = P.record_failure(&f, t);
        }
        // Five failures: the fifth asks for 2 s.
        assert_eq!(P.wait_ms(&f, 0), Some(2000));
        assert_eq!(P.wait_ms(&f, 1500), Some(500));
        assert_eq!(P.wait_ms(&f, 2000), None);
    }

    #[test]
    fn quiet_time_leaks_failures_away() {
        let mut f = Failures::default();
        for _ in 0..6 {
            f = P.record_failure(&f, 0);
        }
        assert_eq!(P.level(&f, 0), 6);
        assert_eq!(P.level(&f, 59_999), 6);
        assert_eq!(P.level(&f, 120_000), 4);
        // After enough quiet, a failure is free again.
        f = P.record_failure(&f, 10 * 60_000);
        assert_eq!(f.count, 1);
        assert_eq!(P.wait_ms(&f, 10 * 60_000), None);
        // A clock that went backwards leaks nothing and does not panic.
        assert_eq!(P.level(&f, -5), 1);
    }

    #[test]
    fn huge_counts_do_not_overflow() {
        let f = Failures {
            count: u32::MAX,
            last_ms: i64::MAX - 10,
        };
        assert_eq!(P.delay_after(u32::MAX), 8000);
        assert!(P.wait_ms(&f, 0).is_some());
        assert_eq!(P.record_failure(&f, i64::MAX).count, u32::MAX);
    }

    #[test]
    fn the_owner_is_gated_only_by_their_own_device_or_address() {
        for s in [Source::KnownDevice, Source::KnownAddress] {
            assert!(!s.gates().contains(&Scope::Account), "{s:?}");
            assert!(!s.gates().contains(&Scope::Address), "{s:?}");
        }
        assert_eq!(
            Source::Stranger.gates(),
            &[Scope::Pair, Scope::Account, Scope::Address]
        );
        // Everything a stranger fails is charged where strangers are gated.
        for g in Source::Stranger.gates() {
            assert!(Source::Stranger.charged().contains(g));
        }
        // Success never clears what an attacker elsewhere has run up.
        for s in [Source::KnownDevice, Source::KnownAddress, Source::Stranger] {
            assert!(!s.cleared_on_success().contains(&Scope::Account));
            assert!(!s.cleared_on_success().contains(&Scope::Address));
        }
    }

    #[test]
    fn a_sprayed_account_stays_open_to_its_owner() {
        // 1,000 guesses from strangers, one every 6 s; the owner's usual address (a pair
        // counter of its own) tries every minute and is never held back.
        let mut account = Failures::default();
        let owner_pair = Failures::default();
        let mut guesses_checked = 0;
        for i in 0..1000i64 {
            let now = i * 6_000;
            if Backoff::ACCOUNT.wait_ms(&account, now).is_none() {
                guesses_checked += 1;
                account = Backoff::ACCOUNT.record_failure(&account, now);
            }
            if i % 10 == 0 {
                for scope in Source::KnownAddress.gates() {
                    assert_eq!(scope.policy().wait_ms(&owner_pair, now), None);
                }
            }
        }
        // 100 minutes of spraying let through the ten free guesses and a few dozen more.
        assert!((10..=40).contains(&guesses_checked), "{guesses_checked}");
    }

    #[test]
    fn nat_addresses_tolerate_honest_typos() {
        // 2,000 people behind one address in an hour, one in ten mistyping once: 200
        // failures, never enough to make a first login wait.
        let mut addr = Failures::default();
        for i in 0..2000i64 {
            let now = i * 1_800;
            assert_eq!(Backoff::ADDRESS.wait_ms(&addr, now), None, "login {i}");
            if i % 10 == 0 {
                addr = Backoff::ADDRESS.record_failure(&addr, now);
            }
        }
    }
}
