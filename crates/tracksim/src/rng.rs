//! Seeded dice on ChaCha8's raw `u64` stream.
//!
//! Like `demo`, we avoid `rand`'s distribution code (its algorithms change
//! between releases) so a seed keeps producing the same data set. Every
//! rep-day gets its own stream derived from (seed, rep, day), so changing
//! `--days` does not change the days that were already there.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

pub struct Dice(ChaCha8Rng);

/// SplitMix64 finaliser: spreads (seed, a, b) into an independent stream seed.
pub fn mix(seed: u64, a: u64, b: u64) -> u64 {
    let mut z =
        seed ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Dice {
    pub fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }

    /// Uniform in `[0, 1)`, from the top 53 bits so every value is exact.
    pub fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `lo..=hi`.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(hi >= lo, "int({lo}, {hi})");
        let n = (hi - lo + 1) as u128;
        lo + ((u128::from(self.0.next_u64()) * n) >> 64) as i64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Roughly standard-normal (Irwin–Hall of 12 uniforms): no libm needed,
    /// and tails cut at ±6σ, which is what we want for GPS noise anyway.
    pub fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }

    /// A random direction as a unit vector (east, north), by rejection.
    pub fn direction(&mut self) -> (f64, f64) {
        loop {
            let x = self.unit() * 2.0 - 1.0;
            let y = self.unit() * 2.0 - 1.0;
            let r2 = x * x + y * y;
            if (0.01..=1.0).contains(&r2) {
                let r = r2.sqrt();
                return (x / r, y / r);
            }
        }
    }
}
