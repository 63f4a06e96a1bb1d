//! `inspect`: everything the server stores about an uploaded photo, computed in one pass.

use crate::decode::{Decoded, Limits, decode};
use crate::exif::{self, ExifFacts};
use crate::phash::{PHash, phash};
use crate::{Format, PhotoError};
use image::GenericImageView;
use sha2::{Digest, Sha256};

/// The facts about an accepted photo.
#[derive(Debug, Clone, PartialEq)]
pub struct Photo {
    pub format: Format,
    /// Width and height as the photo is displayed, i.e. after its EXIF orientation: a
    /// portrait phone photo stored sideways reports its portrait size.
    pub width: u32,
    pub height: u32,
    /// SHA-256 of the uploaded bytes, lower-case hex: finds byte-identical re-uploads and
    /// names the stored object.
    pub sha256: String,
    pub exif: ExifFacts,
    /// Finds the same picture re-encoded or resized; compare with [`PHash::distance`].
    pub phash: PHash,
}

/// Checks an upload against `limits`, decodes it fully and returns its facts.
pub fn inspect(bytes: &[u8], limits: &Limits) -> Result<Photo, PhotoError> {
    Ok(facts(bytes, &decode(bytes, limits)?))
}

/// The facts of an upload already decoded (upright).
pub(crate) fn facts(bytes: &[u8], decoded: &Decoded) -> Photo {
    let (width, height) = decoded.image.dimensions();
    Photo {
        format: decoded.format,
        width,
        height,
        sha256: sha256_hex(bytes),
        exif: exif::read(bytes),
        phash: phash(&decoded.image),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_is_lower_case_hex() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
