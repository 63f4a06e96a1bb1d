//! Seeded dice built directly on ChaCha8's raw `u64` stream.
//!
//! The helpers stay clear of `rand`'s distribution code (whose algorithms
//! have changed between releases) and of `sin`/`cos`/`ln` (whose last bits
//! depend on the platform's libm), so a seed yields the same company on
//! every machine and every future dependency bump.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

pub(crate) struct Dice(ChaCha8Rng);

impl Dice {
    pub(crate) fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }

    /// Uniform in `[0, 1)`, using the top 53 bits so every value is exact.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n`. The multiply-high bias is below 2^-50 for the
    /// small `n` used here, which is irrelevant for demo data.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "below(0)");
        ((u128::from(self.0.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub(crate) fn pick_weighted<'a, T>(
        &mut self,
        items: &'a [T],
        weight: impl Fn(&T) -> u32,
    ) -> &'a T {
        let total: u32 = items.iter().map(&weight).sum();
        let mut ticket = self.below(total as usize) as u32;
        for item in items {
            let w = weight(item);
            if ticket < w {
                return item;
            }
            ticket -= w;
        }
        unreachable!("ticket is below the total weight")
    }

    /// Roughly standard-normal noise (Irwin–Hall of 12 uniforms), which
    /// needs no transcendental functions.
    pub(crate) fn bell(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }

    /// A point uniformly distributed in the unit disc, by rejection.
    pub(crate) fn in_unit_disc(&mut self) -> (f64, f64) {
        loop {
            let x = self.unit() * 2.0 - 1.0;
            let y = self.unit() * 2.0 - 1.0;
            if x * x + y * y <= 1.0 {
                return (x, y);
            }
        }
    }
}
