//! Size limits, including decompression bombs refused from the header alone.

use crate::support::{jpeg, png_declaring, scene};
use photo::{Limits, PhotoError, inspect};
use std::time::{Duration, Instant};

#[test]
fn a_png_declaring_100000_by_100000_is_refused_before_decoding() {
    let bomb = png_declaring(100_000, 100_000);
    assert!(
        bomb.len() < 2_000,
        "the bomb is a small file: {}",
        bomb.len()
    );
    let started = Instant::now();
    let err = inspect(&bomb, &Limits::default()).unwrap_err();
    assert_eq!(
        err,
        PhotoError::SideTooLong {
            width: 100_000,
            height: 100_000,
            max: 12_000
        }
    );
    assert_eq!(err.code(), "side_too_long");
    // Allocating and inflating 40 GB would take minutes; the header check takes nothing.
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn too_many_pixels_within_the_side_limit_is_refused() {
    let err = inspect(&png_declaring(8_000, 8_000), &Limits::default()).unwrap_err();
    assert_eq!(
        err,
        PhotoError::TooManyPixels {
            width: 8_000,
            height: 8_000,
            max: 40_000_000
        }
    );
    assert_eq!(
        err.to_string(),
        "the photo is 8000×8000 pixels, more than the 40000000 pixels allowed"
    );
}

#[test]
fn a_png_whose_data_is_shorter_than_its_header_says_is_corrupt() {
    // 16 megapixels pass the header check; the compressed data then runs out.
    let err = inspect(&png_declaring(4_000, 4_000), &Limits::default()).unwrap_err();
    assert_eq!(err.code(), "corrupt", "{err}");
}

#[test]
fn uploads_over_the_byte_limit_are_refused() {
    let bytes = jpeg(&scene(2, 200, 200), 90);
    let limits = Limits {
        max_bytes: 1_000,
        ..Limits::default()
    };
    let err = inspect(&bytes, &limits).unwrap_err();
    assert_eq!(
        err,
        PhotoError::TooLarge {
            bytes: bytes.len(),
            max: 1_000
        }
    );
    assert_eq!(err.code(), "too_large");
    assert_eq!(Limits::default().max_bytes, 10 * 1024 * 1024);
}

#[test]
fn the_side_limit_is_checked() {
    let bytes = jpeg(&scene(2, 300, 100), 80);
    let limits = Limits {
        max_side: 200,
        ..Limits::default()
    };
    assert_eq!(
        inspect(&bytes, &limits).unwrap_err().code(),
        "side_too_long"
    );
}
