//! Everything an upload needs in one decode: its facts, the watermarked copy and the
//! list thumbnail. Decoding a phone photo is the costly step (a 12-megapixel JPEG takes
//! longer to decode than to hash or draw on), so it is done once rather than once for
//! [`crate::inspect`], again for [`crate::watermark`] and a third time for
//! [`crate::thumbnail`].

use crate::decode::decode;
use crate::encode::{fit, jpeg};
use crate::inspect::facts;
use crate::watermark::marked;
use crate::{Font, Photo, PhotoError, WatermarkOptions};
use image::DynamicImage;

/// An accepted upload and the copies made from it.
#[derive(Debug, Clone)]
pub struct Processed {
    pub photo: Photo,
    /// The watermarked JPEG.
    pub watermarked: Vec<u8>,
    /// A JPEG of the watermarked copy, at most `thumbnail_side` on its longer side.
    pub thumbnail: Vec<u8>,
}

/// [`crate::inspect`], [`crate::watermark`] and a [`crate::thumbnail`] of the watermarked
/// copy, from one decode checked against `opts.limits`.
pub fn process(
    bytes: &[u8],
    lines: &[String],
    font: &Font,
    opts: &WatermarkOptions,
    thumbnail_side: u32,
) -> Result<Processed, PhotoError> {
    let decoded = decode(bytes, &opts.limits)?;
    let photo = facts(bytes, &decoded);
    let rgb = marked(decoded.image, lines, font, opts);
    let watermarked = jpeg(&rgb, opts.quality)?;
    let thumbnail = if rgb.width().max(rgb.height()) <= thumbnail_side.max(1) {
        // Already small enough: the watermarked copy serves as the thumbnail, and the
        // second JPEG encode (the costliest step for a small photo) is saved.
        watermarked.clone()
    } else {
        let small = fit(DynamicImage::ImageRgb8(rgb), thumbnail_side.max(1));
        jpeg(&small.to_rgb8(), 80)?
    };
    Ok(Processed {
        photo,
        watermarked,
        thumbnail,
    })
}
