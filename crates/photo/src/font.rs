//! The font the watermark is drawn with, loaded once by the caller and shared.

use crate::PhotoError;
use ab_glyph::{Font as _, FontArc, FontVec};

/// A TrueType/OpenType font, or the first face of a TrueType collection (`.ttc`), such as
/// Debian's `wqy-microhei.ttc` which covers Chinese and Latin. Cheap to clone and `Send +
/// Sync`, so the server loads it once at start-up.
#[derive(Clone)]
pub struct Font {
    pub(crate) inner: FontArc,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("glyphs", &self.inner.glyph_count())
            .finish()
    }
}

impl Font {
    /// Parses font bytes. Index 0 is the only face of a `.ttf`/`.otf` and the first face of a
    /// `.ttc`, so one call serves both.
    pub fn load(bytes: impl Into<Vec<u8>>) -> Result<Font, PhotoError> {
        let face = FontVec::try_from_vec_and_index(bytes.into(), 0)
            .map_err(|e| PhotoError::BadFont(e.to_string()))?;
        if face.glyph_count() == 0 {
            return Err(PhotoError::BadFont("the font has no glyphs".into()));
        }
        Ok(Font {
            inner: FontArc::new(face),
        })
    }

    /// Whether the font draws `c`; a character it lacks is drawn as the font's empty box.
    pub fn has_glyph(&self, c: char) -> bool {
        self.inner.glyph_id(c).0 != 0
    }

    /// The font's glyph id for `c`, 0 when it has none.
    pub fn glyph_id(&self, c: char) -> u16 {
        self.inner.glyph_id(c).0
    }
}
