//! The crate's integration tests, one binary (faster to link than one per file).

mod exif;
mod formats;
mod limits;
mod reuse;
mod support;
mod watermark;
