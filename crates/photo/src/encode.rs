//! JPEG output and list thumbnails. JPEG everywhere because every browser and phone shows
//! it and it is several times smaller than PNG for photographs.

use crate::PhotoError;
use crate::decode::{Limits, decode};
use image::{DynamicImage, GenericImageView, RgbImage};

/// 8-bit RGB for drawing and JPEG. Transparency (possible in PNG and WebP uploads) is
/// flattened onto white, which is how viewers usually show it, rather than onto whatever
/// colour the transparent pixels happen to hold.
pub(crate) fn to_rgb(image: &DynamicImage) -> RgbImage {
    if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        let mut rgb = RgbImage::new(rgba.width(), rgba.height());
        for (to, from) in rgb.pixels_mut().zip(rgba.pixels()) {
            let [r, g, b, a] = from.0;
            let blend =
                |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
            to.0 = [blend(r), blend(g), blend(b)];
        }
        rgb
    } else {
        image.to_rgb8()
    }
}

/// Encodes as baseline JPEG.
pub(crate) fn jpeg(rgb: &RgbImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let too_big = || {
        PhotoError::Encode(format!(
            "{}×{} is too large for JPEG",
            rgb.width(),
            rgb.height()
        ))
    };
    let width = u16::try_from(rgb.width()).map_err(|_| too_big())?;
    let height = u16::try_from(rgb.height()).map_err(|_| too_big())?;
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100))
        .encode(rgb.as_raw(), width, height, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| PhotoError::Encode(e.to_string()))?;
    Ok(out)
}

/// Scales down (never up) so that the longer side is at most `max_side`.
pub(crate) fn fit(image: DynamicImage, max_side: u32) -> DynamicImage {
    let (w, h) = image.dimensions();
    if w.max(h) <= max_side {
        return image;
    }
    // `thumbnail` averages the exact source area under each output pixel (no aliasing) in
    // integer arithmetic: on a 4000×3000 photo it saved 200 ms of the watermark's ~700
    // against a Triangle resize, for a difference no one sees after a downscale.
    image.thumbnail(max_side, max_side)
}

/// An upright JPEG no larger than `max_side` on its longer side, for lists and maps.
/// The upload is checked against the default [`Limits`].
pub fn thumbnail(bytes: &[u8], max_side: u32) -> Result<Vec<u8>, PhotoError> {
    let decoded = decode(bytes, &Limits::default())?;
    jpeg(&to_rgb(&fit(decoded.image, max_side.max(1))), 80)
}
