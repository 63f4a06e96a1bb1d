//! Checked decoding shared by `inspect`, `watermark` and `thumbnail`: sniff the format,
//! check the declared size against the limits before any pixel buffer exists, decode the
//! whole image (so truncation shows), and turn it upright by its EXIF orientation.

use crate::{Format, PhotoError, complete, sniff};
use image::{DynamicImage, ImageDecoder, ImageReader};
use std::io::Cursor;

/// How much an upload may be. The defaults fit any phone camera of today with room to spare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Size of the upload in bytes (default 10 MiB).
    pub max_bytes: usize,
    /// Width × height as declared in the header (default 40 megapixels).
    pub max_pixels: u64,
    /// Longest side in pixels (default 12,000).
    pub max_side: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 10 * 1024 * 1024,
            max_pixels: 40_000_000,
            max_side: 12_000,
        }
    }
}

/// A decoded photo, upright.
pub(crate) struct Decoded {
    pub format: Format,
    pub image: DynamicImage,
}

pub(crate) fn decode(bytes: &[u8], limits: &Limits) -> Result<Decoded, PhotoError> {
    if bytes.len() > limits.max_bytes {
        return Err(PhotoError::TooLarge {
            bytes: bytes.len(),
            max: limits.max_bytes,
        });
    }
    let format = sniff(bytes)?;
    let reader = || ImageReader::with_format(Cursor::new(bytes), format.image_format());

    // Header only: a decompression bomb (a few KB declaring 100000×100000) stops here.
    let (width, height) = reader()
        .into_dimensions()
        .map_err(|e| PhotoError::from_decode(e, 0, 0, limits.max_pixels))?;
    check_size(width, height, limits)?;
    if !complete::is_complete(format, bytes) {
        return Err(PhotoError::Corrupt(format!(
            "the {} data is cut off",
            format.name()
        )));
    }

    // Second guard: the decoder's own allocation limit, in case a header parser and the
    // decoder disagree. Eight bytes a pixel covers 16-bit RGBA PNGs, the widest we accept.
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_image_width = Some(limits.max_side);
    decoder_limits.max_image_height = Some(limits.max_side);
    decoder_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8));
    let mut reader = reader();
    reader.limits(decoder_limits);
    let fail = |e| PhotoError::from_decode(e, width, height, limits.max_pixels);
    let mut decoder = reader.into_decoder().map_err(fail)?;
    // A damaged EXIF block must not cost the photo: it is then simply shown as stored.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(fail)?;
    image.apply_orientation(orientation);
    Ok(Decoded { format, image })
}

fn check_size(width: u32, height: u32, limits: &Limits) -> Result<(), PhotoError> {
    if width == 0 || height == 0 {
        return Err(PhotoError::Corrupt("the image declares no pixels".into()));
    }
    if width.max(height) > limits.max_side {
        return Err(PhotoError::SideTooLong {
            width,
            height,
            max: limits.max_side,
        });
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(PhotoError::TooManyPixels {
            width,
            height,
            max: limits.max_pixels,
        });
    }
    Ok(())
}
