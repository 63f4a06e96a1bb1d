//! Which bytes are accepted as a photo, and with what facts.

use crate::support::{jpeg, png, scene, webp};
use photo::{Format, Limits, PhotoError, inspect};

#[test]
fn jpeg_png_and_webp_are_accepted_with_their_size() {
    let img = scene(7, 320, 200);
    for (bytes, format) in [
        (jpeg(&img, 85), Format::Jpeg),
        (png(&img), Format::Png),
        (webp(&img), Format::Webp),
    ] {
        let photo = inspect(&bytes, &Limits::default()).unwrap();
        assert_eq!(photo.format, format);
        assert_eq!((photo.width, photo.height), (320, 200), "{format:?}");
        assert_eq!(photo.sha256.len(), 64);
        assert!(
            photo
                .sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(photo.exif, Default::default(), "no EXIF was written");
    }
}

#[test]
fn text_html_and_empty_bodies_are_refused() {
    let limits = Limits::default();
    for body in [
        &b"hello, world"[..],
        b"<!DOCTYPE html><html><body>hi</body></html>",
        b"%PDF-1.7\n",
        b"\xff",
    ] {
        let err = inspect(body, &limits).unwrap_err();
        assert_eq!(
            err,
            PhotoError::NotAnImage,
            "{:?}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(err.code(), "not_an_image");
        assert!(err.is_client_error());
    }
    let err = inspect(b"", &limits).unwrap_err();
    assert_eq!(
        (err.code(), err.to_string().as_str()),
        (
            "empty",
            "the upload is empty; send a JPEG, PNG or WebP photo"
        )
    );
}

#[test]
fn other_image_formats_are_named_in_the_refusal() {
    // A RIFF file that is not WebP (a WAV sound) is not an image at all.
    let wav = b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0";
    assert_eq!(
        inspect(wav, &Limits::default()).unwrap_err(),
        PhotoError::NotAnImage
    );
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
    let gif = b"GIF89a\x01\0\x01\0\0\0\0;";
    for (bytes, name) in [(&heic[..], "HEIC"), (&gif[..], "GIF")] {
        let err = inspect(bytes, &Limits::default()).unwrap_err();
        assert_eq!(err, PhotoError::UnsupportedFormat(name));
        assert_eq!(err.code(), "unsupported_format");
        assert!(
            err.to_string()
                .starts_with(&format!("{name} images are not accepted")),
            "{err}"
        );
    }
}

#[test]
fn truncated_images_are_corrupt() {
    let img = scene(3, 256, 192);
    let cases = [
        ("jpeg", jpeg(&img, 85)),
        ("png", png(&img)),
        ("webp", webp(&img)),
    ];
    for (name, bytes) in cases {
        for keep in [bytes.len() * 2 / 3, bytes.len() - 2] {
            let err = inspect(&bytes[..keep], &Limits::default()).unwrap_err();
            assert_eq!(
                err.code(),
                "corrupt",
                "{name} cut to {keep} of {}: {err}",
                bytes.len()
            );
        }
    }
}

#[test]
fn a_jpeg_with_damaged_headers_is_corrupt() {
    let mut bytes = jpeg(&scene(3, 64, 64), 85);
    // Overwrite everything after SOI with a marker whose length runs past the end.
    bytes.truncate(2);
    bytes.extend([0xFF, 0xC0, 0xFF, 0xFF, 0x08]);
    assert_eq!(
        inspect(&bytes, &Limits::default()).unwrap_err().code(),
        "corrupt"
    );
}

#[test]
fn every_error_has_a_distinct_code() {
    let errors = [
        PhotoError::Empty,
        PhotoError::NotAnImage,
        PhotoError::UnsupportedFormat("GIF"),
        PhotoError::TooLarge { bytes: 2, max: 1 },
        PhotoError::TooManyPixels {
            width: 1,
            height: 1,
            max: 0,
        },
        PhotoError::SideTooLong {
            width: 1,
            height: 1,
            max: 0,
        },
        PhotoError::Corrupt("x".into()),
        PhotoError::BadFont("x".into()),
        PhotoError::Encode("x".into()),
    ];
    let codes: std::collections::HashSet<_> = errors.iter().map(PhotoError::code).collect();
    assert_eq!(codes.len(), errors.len());
    let server_side: Vec<_> = errors
        .iter()
        .filter(|e| !e.is_client_error())
        .map(|e| e.code())
        .collect();
    assert_eq!(server_side, ["bad_font", "encode_failed"]);
}
