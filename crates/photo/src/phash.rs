//! A DCT perceptual hash: photos that look the same (resized, re-encoded, converted) get
//! hashes a few bits apart, different scenes about half the bits apart. Used to flag a visit
//! photo that was uploaded before, possibly re-saved to look new.
//!
//! The method is the classic pHash: luminance, 32×32 with an area-weighted filter, a 2-D
//! DCT-II, and the 8×8 lowest frequencies *after* the DC row and column (64 coefficients,
//! so the average brightness never counts), each bit set when its coefficient is above the
//! median of the 64.

use image::DynamicImage;
use image::imageops::FilterType;
use std::f32::consts::PI;
use std::fmt;

/// The largest Hamming distance at which two hashes are taken for the same photo.
///
/// Measured by `tests/it/reuse.rs` on generated scenes (gradient, shapes, sensor noise):
/// re-encoded (JPEG quality 60–75), half-size, PNG→JPEG, brightened and redrawn-at-another-
/// size copies came out 0–4 bits from the original; 435 pairs of different scenes in the
/// same style were 20–44 apart (1st percentile 22, median 32). 10 sits in the gap with
/// room on both sides, and is the value usually quoted for 64-bit pHash. Crops are not
/// what pHash catches: 2 % off each side stays within 4 bits, 5 % is already 12–14.
pub const SAME_PHOTO_MAX_DISTANCE: u32 = 10;

const SIDE: usize = 32;
const LOW: usize = 8;

/// A 64-bit perceptual hash; shown and stored as 16 lower-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PHash(pub u64);

impl PHash {
    /// Number of differing bits: 0 for identical-looking photos, about 32 for unrelated ones.
    pub fn distance(self, other: PHash) -> u32 {
        hamming(self.0, other.0)
    }

    /// Whether the two hashes are within [`SAME_PHOTO_MAX_DISTANCE`].
    pub fn same_photo(self, other: PHash) -> bool {
        self.distance(other) <= SAME_PHOTO_MAX_DISTANCE
    }

    /// Parses the 16-hex-digit form written by `Display`, e.g. from the database.
    pub fn parse(hex: &str) -> Option<PHash> {
        (hex.len() == 16).then(|| u64::from_str_radix(hex, 16).ok().map(PHash))?
    }
}

impl fmt::Display for PHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// The number of differing bits of two 64-bit hashes.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Hashes an image already turned upright (EXIF orientation applied by the caller).
pub(crate) fn phash(img: &DynamicImage) -> PHash {
    // Triangle scales its support with the reduction factor, so every source pixel counts
    // (nearest-neighbour sampling would hash noise and aliasing instead of the scene).
    let small = img
        .resize_exact(SIDE as u32, SIDE as u32, FilterType::Triangle)
        .to_rgb32f();
    let mut luma = [[0f32; SIDE]; SIDE];
    for (x, y, p) in small.enumerate_pixels() {
        let [r, g, b] = p.0;
        luma[y as usize][x as usize] = 0.299 * r + 0.587 * g + 0.114 * b;
    }
    let coeffs = low_dct(&luma);
    let mut sorted = coeffs;
    sorted.sort_by(f32::total_cmp);
    let median = (sorted[31] + sorted[32]) / 2.0;
    let bits = coeffs.iter().enumerate().fold(
        0u64,
        |acc, (i, &c)| if c > median { acc | 1 << i } else { acc },
    );
    PHash(bits)
}

/// DCT-II coefficients (u, v) for u, v in 1..=8 of a 32×32 block, computed separably and
/// only for the frequencies we keep. The normalisation factor is left out: it is the same
/// for every u, v ≥ 1, so it cannot change which coefficients are above the median.
fn low_dct(block: &[[f32; SIDE]; SIDE]) -> [f32; LOW * LOW] {
    let mut cos = [[0f32; SIDE]; LOW + 1];
    for (k, row) in cos.iter_mut().enumerate() {
        for (n, c) in row.iter_mut().enumerate() {
            *c = (PI / SIDE as f32 * (n as f32 + 0.5) * k as f32).cos();
        }
    }
    // Along x for every row: rows[y][u] for u in 1..=8.
    let mut rows = [[0f32; LOW]; SIDE];
    for (y, line) in block.iter().enumerate() {
        for u in 0..LOW {
            rows[y][u] = line.iter().zip(&cos[u + 1]).map(|(a, c)| a * c).sum();
        }
    }
    // Then along y.
    let mut out = [0f32; LOW * LOW];
    for v in 0..LOW {
        for u in 0..LOW {
            out[v * LOW + u] = (0..SIDE).map(|y| rows[y][u] * cos[v + 1][y]).sum();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hamming_counts_bits_and_hex_round_trips() {
        assert_eq!(hamming(0, u64::MAX), 64);
        assert_eq!(hamming(0b1011, 0b0001), 2);
        let h = PHash(0x00ff_1234_abcd_0001);
        assert_eq!(h.to_string(), "00ff1234abcd0001");
        assert_eq!(PHash::parse(&h.to_string()), Some(h));
        assert_eq!(PHash::parse("xyz"), None);
    }

    #[test]
    fn a_flat_image_does_not_panic() {
        let img = DynamicImage::new_rgb8(10, 10);
        let _ = phash(&img);
    }
}
