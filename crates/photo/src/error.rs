//! The one error type of the crate, with a stable machine code for API answers.

use std::fmt;

/// Why a photo was refused or could not be processed.
///
/// Every variant except [`PhotoError::BadFont`] and [`PhotoError::Encode`] is the client's
/// fault (a 4xx); [`PhotoError::is_client_error`] says which. Messages are plain English
/// sentences meant for the person who uploaded the photo.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("the upload is empty; send a JPEG, PNG or WebP photo")]
    Empty,
    #[error("the upload is not an image; send a JPEG, PNG or WebP photo")]
    NotAnImage,
    #[error("{0} images are not accepted; send a JPEG, PNG or WebP photo")]
    UnsupportedFormat(&'static str),
    #[error("the photo is {bytes} bytes, more than the {max} allowed")]
    TooLarge { bytes: usize, max: usize },
    #[error("the photo is {width}×{height} pixels, more than the {max} pixels allowed")]
    TooManyPixels { width: u32, height: u32, max: u64 },
    #[error("the photo is {width}×{height} pixels; neither side may exceed {max} pixels")]
    SideTooLong { width: u32, height: u32, max: u32 },
    #[error("the photo is damaged or incomplete ({0})")]
    Corrupt(String),
    #[error("the font could not be loaded ({0})")]
    BadFont(String),
    #[error("the image could not be encoded ({0})")]
    Encode(String),
}

impl PhotoError {
    /// A stable, machine-readable code; it never changes once released, unlike the message.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::NotAnImage => "not_an_image",
            Self::UnsupportedFormat(_) => "unsupported_format",
            Self::TooLarge { .. } => "too_large",
            Self::TooManyPixels { .. } => "too_many_pixels",
            Self::SideTooLong { .. } => "side_too_long",
            Self::Corrupt(_) => "corrupt",
            Self::BadFont(_) => "bad_font",
            Self::Encode(_) => "encode_failed",
        }
    }

    /// Whether the uploaded bytes are to blame (answer 4xx) rather than our setup (500).
    pub fn is_client_error(&self) -> bool {
        !matches!(self, Self::BadFont(_) | Self::Encode(_))
    }

    /// Maps a decoder's error: anything the decoder rejects in a photo whose header we
    /// accepted means the data is damaged, except an allocation limit, which means the
    /// declared size lied past our header check.
    pub(crate) fn from_decode(err: image::ImageError, width: u32, height: u32, max: u64) -> Self {
        match err {
            image::ImageError::Limits(_) => Self::TooManyPixels { width, height, max },
            other => Self::Corrupt(Short(&other).to_string()),
        }
    }
}

/// Decoder messages can be long and technical; the first sentence is enough for a person.
struct Short<'a>(&'a image::ImageError);

impl fmt::Display for Short<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.to_string();
        let first = text.lines().next().unwrap_or_default();
        f.write_str(&first.chars().take(200).collect::<String>())
    }
}
