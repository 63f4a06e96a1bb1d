//! Test images made in code: seeded scenes, encoders, hand-built EXIF blocks and PNG
//! headers, so no binary fixture needs to be kept or trusted.

use image::{ImageEncoder, Rgb, RgbImage};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

pub const FONT_PATH: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

/// The watermark font. Missing it is a failure, not a skip: CI must install
/// `fonts-wqy-microhei`, the font the server uses.
pub fn font_bytes() -> Vec<u8> {
    std::fs::read(FONT_PATH).unwrap_or_else(|e| {
        panic!(
            "cannot read {FONT_PATH} ({e}); install Debian's fonts-wqy-microhei \
             (apt-get install fonts-wqy-microhei), which the watermark tests need"
        )
    })
}

pub struct Dice(ChaCha8Rng);

impl Dice {
    pub fn new(seed: u64) -> Self {
        Dice(ChaCha8Rng::seed_from_u64(seed))
    }
    pub fn unit(&mut self) -> f32 {
        (self.0.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    pub fn byte(&mut self) -> u8 {
        (self.0.next_u64() >> 56) as u8
    }
}

/// A synthetic "photo": a gradient sky, a dozen coloured shapes and sensor-like noise.
/// Shapes are placed in fractions of the frame, so one seed drawn at two sizes is the
/// same scene; the noise differs by size, as it would between two cameras.
pub fn scene(seed: u64, width: u32, height: u32) -> RgbImage {
    let mut dice = Dice::new(seed);
    let top = [dice.byte(), dice.byte(), dice.byte()];
    let bottom = [dice.byte(), dice.byte(), dice.byte()];
    let shapes: Vec<(bool, [f32; 4], [u8; 3])> = (0..12)
        .map(|_| {
            let round = dice.unit() < 0.5;
            let (cx, cy) = (dice.unit(), dice.unit());
            let (rx, ry) = (0.05 + 0.2 * dice.unit(), 0.05 + 0.2 * dice.unit());
            (
                round,
                [cx, cy, rx, ry],
                [dice.byte(), dice.byte(), dice.byte()],
            )
        })
        .collect();
    let mut noise = Dice::new(seed ^ 0x5eed ^ u64::from(width));
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let mut c = [0f32; 3];
        for i in 0..3 {
            c[i] = f32::from(top[i]) * (1.0 - fy) + f32::from(bottom[i]) * fy;
        }
        for (round, [cx, cy, rx, ry], colour) in &shapes {
            let (dx, dy) = ((fx - cx) / rx, (fy - cy) / ry);
            let inside = if *round {
                dx * dx + dy * dy <= 1.0
            } else {
                dx.abs() <= 1.0 && dy.abs() <= 1.0
            };
            if inside {
                c = colour.map(f32::from);
            }
        }
        let n = (noise.unit() - 0.5) * 24.0;
        Rgb(c.map(|v| (v + n).clamp(0.0, 255.0) as u8))
    })
}

pub fn jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .unwrap();
    out
}

pub fn png(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

pub fn webp(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

pub fn decode(bytes: &[u8]) -> RgbImage {
    image::load_from_memory(bytes).unwrap().to_rgb8()
}

pub fn half(img: &RgbImage) -> RgbImage {
    image::imageops::resize(
        img,
        img.width() / 2,
        img.height() / 2,
        image::imageops::FilterType::Triangle,
    )
}

/// CRC-32 (IEEE) as PNG chunks use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid small PNG whose IHDR has been rewritten (with a correct CRC) to declare
/// `width`×`height`: the shape of a decompression bomb.
pub fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = png(&scene(1, 16, 16));
    // Signature (8), length (4), "IHDR" at 12..16, width 16..20, height 20..24, CRC at 29..33.
    assert_eq!(&bytes[12..16], b"IHDR");
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

/// One TIFF directory entry: tag, type, count and the value's bytes (little-endian).
pub struct Entry(pub u16, pub u16, pub u32, pub Vec<u8>);

const ASCII: u16 = 2;
const SHORT: u16 = 3;
const LONG: u16 = 4;
const RATIONAL: u16 = 5;

pub fn ascii(tag: u16, text: &str) -> Entry {
    let mut b = text.as_bytes().to_vec();
    b.push(0);
    Entry(tag, ASCII, b.len() as u32, b)
}

pub fn short(tag: u16, v: u16) -> Entry {
    Entry(tag, SHORT, 1, v.to_le_bytes().to_vec())
}

/// Degrees, minutes, seconds as rationals, the way cameras write GPS coordinates.
pub fn dms(tag: u16, degrees: f64) -> Entry {
    let d = degrees.abs().trunc();
    let m = ((degrees.abs() - d) * 60.0).trunc();
    let s = ((degrees.abs() - d) * 60.0 - m) * 60.0;
    let mut b = Vec::new();
    for (num, den) in [
        (d as u32, 1u32),
        (m as u32, 1),
        ((s * 10_000.0).round() as u32, 10_000),
    ] {
        b.extend(num.to_le_bytes());
        b.extend(den.to_le_bytes());
    }
    Entry(tag, RATIONAL, 3, b)
}

fn ifd_size(entries: &[Entry]) -> usize {
    let data: usize = entries
        .iter()
        .filter(|e| e.3.len() > 4)
        .map(|e| e.3.len().next_multiple_of(2))
        .sum();
    2 + 12 * entries.len() + 4 + data
}

/// One directory at `start` followed by its out-of-line values.
fn ifd(entries: &[Entry], start: usize) -> Vec<u8> {
    let mut head = (entries.len() as u16).to_le_bytes().to_vec();
    let mut data = Vec::new();
    let data_start = start + 2 + 12 * entries.len() + 4;
    for Entry(tag, typ, count, value) in entries {
        head.extend(tag.to_le_bytes());
        head.extend(typ.to_le_bytes());
        head.extend(count.to_le_bytes());
        if value.len() <= 4 {
            let mut v = value.clone();
            v.resize(4, 0);
            head.extend(v);
        } else {
            head.extend(((data_start + data.len()) as u32).to_le_bytes());
            data.extend(value);
            if data.len() % 2 == 1 {
                data.push(0);
            }
        }
    }
    head.extend(0u32.to_le_bytes()); // no next directory
    head.extend(data);
    head
}

/// A little-endian TIFF/EXIF block with IFD0 (orientation), the Exif IFD (date, offset)
/// and the GPS IFD, each only when given.
pub fn exif_block(orientation: Option<u16>, exif: Vec<Entry>, gps: Vec<Entry>) -> Vec<u8> {
    let mut ifd0: Vec<Entry> = orientation.map(|o| short(0x0112, o)).into_iter().collect();
    let pointer = |tag| Entry(tag, LONG, 1, vec![0; 4]);
    if !exif.is_empty() {
        ifd0.push(pointer(0x8769));
    }
    if !gps.is_empty() {
        ifd0.push(pointer(0x8825));
    }
    let exif_at = 8 + ifd_size(&ifd0);
    let gps_at = exif_at + if exif.is_empty() { 0 } else { ifd_size(&exif) };
    for e in &mut ifd0 {
        match e.0 {
            0x8769 => e.3 = (exif_at as u32).to_le_bytes().to_vec(),
            0x8825 => e.3 = (gps_at as u32).to_le_bytes().to_vec(),
            _ => {}
        }
    }
    let mut out = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    out.extend(ifd(&ifd0, 8));
    if !exif.is_empty() {
        out.extend(ifd(&exif, exif_at));
    }
    if !gps.is_empty() {
        out.extend(ifd(&gps, gps_at));
    }
    out
}

/// Inserts an APP1 `Exif` segment right after the JPEG's SOI marker.
pub fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend(tiff);
    let len = (segment.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(len.to_be_bytes());
    out.extend(segment);
    out.extend(&jpeg[2..]);
    out
}
