//! Photos of visits and attendance: check an upload, read what it says about itself, and
//! make the copies people look at. Pure: bytes and values in, values out — no files, no
//! network, no async — so the server decides where bytes come from and go.
//!
//! - [`inspect`] accepts JPEG, PNG and WebP by their magic bytes (never the client's content
//!   type), refuses oversized uploads and decompression bombs from the header before any
//!   pixel buffer exists, decodes the whole image to catch truncation, and returns the
//!   format, upright size, SHA-256, EXIF time and GPS position, and a perceptual hash.
//! - [`PHash`] / [`hamming`] / [`SAME_PHOTO_MAX_DISTANCE`] flag a photo uploaded again after
//!   being resized or re-encoded (a rep passing off an old visit photo as new).
//! - [`watermark`] burns time, place and names into a JPEG copy; [`thumbnail`] makes list
//!   images; [`process`] does inspection, watermark and thumbnail from one decode. Errors carry a stable [`PhotoError::code`] for the API's 4xx answers.
//!
//! Dependencies, and why these:
//! - `image` (default features off; only `jpeg`, `png`, `webp`): the standard Rust imaging
//!   crate, pure-Rust decoders (zune-jpeg, png, image-webp) with allocation limits, EXIF
//!   orientation, resizing and a JPEG encoder. Without default features it brings no rayon
//!   thread pool and none of the dozen formats we refuse anyway.
//! - `kamadak-exif`: small, dependency-free, widely used EXIF reader that finds the EXIF
//!   block in JPEG, PNG and WebP containers alike.
//! - `ab_glyph`: pure-Rust TrueType/OpenType (and `.ttc` collection) rasteriser with
//!   anti-aliased coverage, the one `image`'s ecosystem uses; enough to draw lines of text
//!   without a shaping engine, which Chinese and Latin captions do not need.
//! - `sha2`: RustCrypto SHA-256, already used for tokens.
//! - `thiserror`: the error enum, as in the other crates.
//!
//! The perceptual hash is our own (`phash.rs`, ~100 lines) rather than `img_hash`, which
//! pins an old `image` and is unmaintained.

mod complete;
mod decode;
mod encode;
mod error;
mod exif;
mod font;
mod inspect;
mod phash;
mod process;
mod sniff;
mod watermark;

pub use decode::Limits;
pub use encode::thumbnail;
pub use error::PhotoError;
pub use exif::{ExifFacts, GpsPoint, TakenAt};
pub use font::Font;
pub use inspect::{Photo, inspect};
pub use phash::{PHash, SAME_PHOTO_MAX_DISTANCE, hamming};
pub use process::{Processed, process};
pub use sniff::{Format, sniff};
pub use watermark::{WatermarkOptions, watermark};
