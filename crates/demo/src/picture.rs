//! Photos a demo rep "takes" at a shop: a drawn shop front (sky, façade, signboard,
//! windows, door, shelves of goods) as a JPEG with the EXIF capture time a phone camera
//! writes. Every seed draws a different layout and palette, so two visits' photos are
//! far apart in perceptual hash, and the same seed always gives the same bytes (a reused
//! photo is the same file).

use image::{Rgb, RgbImage};

use crate::rng::Dice;

/// The capture time written into EXIF, local wall-clock with its UTC offset.
#[derive(Clone, Copy, Debug)]
pub struct TakenAt {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// Minutes east of UTC.
    pub offset_min: i32,
}

/// A `width`×`height` JPEG of a shop front drawn from `seed`, carrying `taken`.
pub fn shop_front_jpeg(seed: u64, width: u32, height: u32, taken: TakenAt) -> Vec<u8> {
    let img = shop_front(seed, width, height);
    encode(&img, width, height, taken)
}

/// A `width`×`height` JPEG of a paper receipt (a parking or toll slip) lying on a desk:
/// a light slip with rows of dark "print", drawn from `seed`, carrying `taken`.
pub fn receipt_jpeg(seed: u64, width: u32, height: u32, taken: TakenAt) -> Vec<u8> {
    let mut d = Dice::new(seed ^ 0x04EC_E1B7);
    let desk = [70 + d.below(40) as u8, 50 + d.below(30) as u8, 40];
    let mut rects = vec![Rect {
        x0: 0.25 + 0.05 * d.unit() as f32,
        y0: 0.05,
        x1: 0.75 - 0.05 * d.unit() as f32,
        y1: 0.95,
        colour: [245, 243, 235],
    }];
    let rows = 8 + d.below(6);
    for k in 0..rows {
        let y = 0.1 + 0.8 * k as f32 / rows as f32;
        let w = 0.15 + 0.3 * d.unit() as f32;
        rects.push(Rect {
            x0: 0.3,
            y0: y,
            x1: (0.3 + w).min(0.7),
            y1: y + 0.025,
            colour: [40, 40, 50],
        });
    }
    let img = draw(&rects, width, height, seed, |_| desk);
    encode(&img, width, height, taken)
}

fn encode(img: &RgbImage, width: u32, height: u32, taken: TakenAt) -> Vec<u8> {
    let mut jpeg = Vec::new();
    let side =
        |n: u32| u16::try_from(n).expect("a demo photo is smaller than 65,536 pixels a side");
    jpeg_encoder::Encoder::new(&mut jpeg, 82)
        .encode(
            img.as_raw(),
            side(width),
            side(height),
            jpeg_encoder::ColorType::Rgb,
        )
        .expect("encoding an in-memory RGB image cannot fail");
    with_exif(&jpeg, &exif_block(taken))
}

struct Rect {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    colour: [u8; 3],
}

fn colour(d: &mut Dice) -> [u8; 3] {
    [d.below(256) as u8, d.below(256) as u8, d.below(256) as u8]
}

/// The scene as rectangles in fractions of the frame, drawn back to front.
fn layout(d: &mut Dice) -> Vec<Rect> {
    let mut r = Vec::new();
    // The shop's front fills a random part of the frame, neighbours' walls and awnings
    // the rest: big blocks that differ per photo, so perceptual hashes (which see only
    // the coarse picture) differ too.
    let roof = 0.05 + 0.3 * d.unit() as f32;
    let left = 0.25 * d.unit() as f32;
    let right = 0.75 + 0.25 * d.unit() as f32;
    for _ in 0..10 {
        let (x, y) = (d.unit() as f32, d.unit() as f32);
        let (w, h) = (0.2 + 0.5 * d.unit() as f32, 0.2 + 0.5 * d.unit() as f32);
        r.push(Rect {
            x0: x - w / 2.0,
            y0: y - h / 2.0,
            x1: x + w / 2.0,
            y1: y + h / 2.0,
            colour: colour(d),
        });
    }
    r.push(Rect {
        x0: left,
        y0: roof,
        x1: right,
        y1: 1.0,
        colour: colour(d),
    });
    // The signboard: a wide band in a brand colour with a few light "letters".
    let sign_h = 0.08 + 0.1 * d.unit() as f32;
    r.push(Rect {
        x0: 0.03 + 0.1 * d.unit() as f32,
        y0: roof + 0.02,
        x1: 0.87 + 0.1 * d.unit() as f32,
        y1: roof + 0.02 + sign_h,
        colour: colour(d),
    });
    let letters = 2 + d.below(5);
    let start = 0.1 + 0.2 * d.unit() as f32;
    for k in 0..letters {
        let x = start + k as f32 * 0.1;
        r.push(Rect {
            x0: x,
            y0: roof + 0.03,
            x1: x + 0.06,
            y1: roof + sign_h,
            colour: [230, 230, 220],
        });
    }
    // A door and windows with shelves of coloured goods behind the glass.
    let below = roof + sign_h + 0.06;
    let door_x = 0.1 + 0.7 * d.unit() as f32;
    r.push(Rect {
        x0: door_x,
        y0: below,
        x1: door_x + 0.15,
        y1: 1.0,
        colour: colour(d),
    });
    let windows = 1 + d.below(3);
    for _ in 0..windows {
        let x = 0.02 + 0.75 * d.unit() as f32;
        let w = 0.12 + 0.15 * d.unit() as f32;
        let y = below + 0.05 * d.unit() as f32;
        let h = 0.2 + 0.25 * d.unit() as f32;
        r.push(Rect {
            x0: x,
            y0: y,
            x1: x + w,
            y1: y + h,
            colour: [150, 180, 200],
        });
        let shelves = 2 + d.below(3);
        for s in 0..shelves {
            let sy = y + h * (s as f32 + 0.5) / shelves as f32;
            let mut sx = x + 0.01;
            while sx < x + w - 0.03 {
                let gw = 0.01 + 0.02 * d.unit() as f32;
                r.push(Rect {
                    x0: sx,
                    y0: sy - 0.04,
                    x1: sx + gw,
                    y1: sy,
                    colour: colour(d),
                });
                sx += gw + 0.005;
            }
        }
    }
    // Things in front: a parked scooter, boxes, a person.
    for _ in 0..d.below(4) {
        let x = d.unit() as f32;
        let y = 0.7 + 0.25 * d.unit() as f32;
        let s = 0.05 + 0.12 * d.unit() as f32;
        r.push(Rect {
            x0: x,
            y0: y,
            x1: x + s,
            y1: y + s,
            colour: colour(d),
        });
    }
    r
}

fn shop_front(seed: u64, width: u32, height: u32) -> RgbImage {
    let mut d = Dice::new(seed ^ 0x5_0F0_7E5);
    let sky_top = [90 + d.below(80) as u8, 140 + d.below(60) as u8, 200];
    let sky_bottom = [200, 210, 220 + d.below(30) as u8];
    let rects = layout(&mut d);
    draw(&rects, width, height, seed, |f| {
        [0, 1, 2].map(|i| (f32::from(sky_top[i]) * (1.0 - f) + f32::from(sky_bottom[i]) * f) as u8)
    })
}

/// The background (a colour per height fraction), the rectangles back to front, then
/// a camera's sensor noise.
fn draw(
    rects: &[Rect],
    width: u32,
    height: u32,
    seed: u64,
    background: impl Fn(f32) -> [u8; 3],
) -> RgbImage {
    let mut noise = Dice::new(seed.rotate_left(17) ^ 0xA11CE);
    let mut img = RgbImage::from_fn(width, height, |_, y| {
        Rgb(background(y as f32 / height as f32))
    });
    for r in rects {
        let (x0, x1) = (
            (r.x0.clamp(0.0, 1.0) * width as f32) as u32,
            (r.x1.clamp(0.0, 1.0) * width as f32) as u32,
        );
        let (y0, y1) = (
            (r.y0.clamp(0.0, 1.0) * height as f32) as u32,
            (r.y1.clamp(0.0, 1.0) * height as f32) as u32,
        );
        for y in y0..y1 {
            for x in x0..x1 {
                img.put_pixel(x, y, Rgb(r.colour));
            }
        }
    }
    // Sensor noise, as a real camera has.
    for p in img.pixels_mut() {
        let n = (noise.unit() - 0.5) * 16.0;
        p.0 = p.0.map(|v| (f64::from(v) + n).clamp(0.0, 255.0) as u8);
    }
    img
}

/// A minimal little-endian TIFF block: IFD0 pointing to an Exif IFD holding
/// DateTimeOriginal (0x9003) and OffsetTimeOriginal (0x9011).
fn exif_block(t: TakenAt) -> Vec<u8> {
    let when = format!(
        "{:04}:{:02}:{:02} {:02}:{:02}:{:02}\0",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    );
    let sign = if t.offset_min < 0 { '-' } else { '+' };
    let off = t.offset_min.unsigned_abs();
    let offset = format!("{sign}{:02}:{:02}\0", off / 60, off % 60);
    let mut b: Vec<u8> = b"II*\0".to_vec();
    b.extend(8u32.to_le_bytes());
    // IFD0 at 8: one entry (ExifIFDPointer), next-IFD 0. Size 2 + 12 + 4 = 18.
    let exif_ifd = 8 + 18;
    b.extend(1u16.to_le_bytes());
    b.extend(0x8769u16.to_le_bytes());
    b.extend(4u16.to_le_bytes());
    b.extend(1u32.to_le_bytes());
    b.extend((exif_ifd as u32).to_le_bytes());
    b.extend(0u32.to_le_bytes());
    // Exif IFD: two ASCII entries whose values follow the directory.
    let values = exif_ifd + 2 + 2 * 12 + 4;
    b.extend(2u16.to_le_bytes());
    let mut at = values;
    for (tag, v) in [(0x9003u16, &when), (0x9011u16, &offset)] {
        b.extend(tag.to_le_bytes());
        b.extend(2u16.to_le_bytes());
        b.extend((v.len() as u32).to_le_bytes());
        b.extend((at as u32).to_le_bytes());
        at += v.len();
    }
    b.extend(0u32.to_le_bytes());
    b.extend(when.as_bytes());
    b.extend(offset.as_bytes());
    b
}

/// The JPEG with an APP1 "Exif" segment right after its SOI marker.
fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let len = (2 + 6 + tiff.len()) as u16;
    let mut out = Vec::with_capacity(jpeg.len() + tiff.len() + 10);
    out.extend(&jpeg[..2]);
    out.extend([0xFF, 0xE1]);
    out.extend(len.to_be_bytes());
    out.extend(b"Exif\0\0");
    out.extend(tiff);
    out.extend(&jpeg[2..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: TakenAt = TakenAt {
        year: 2026,
        month: 11,
        day: 27,
        hour: 10,
        minute: 5,
        second: 9,
        offset_min: 480,
    };

    #[test]
    fn a_seed_draws_the_same_photo_and_other_seeds_differ() {
        let a = shop_front_jpeg(1, 160, 120, AT);
        assert_eq!(a, shop_front_jpeg(1, 160, 120, AT));
        assert_ne!(a, shop_front_jpeg(2, 160, 120, AT));
        assert_eq!(&a[..4], &[0xFF, 0xD8, 0xFF, 0xE1]);
        let img = image::load_from_memory(&a).unwrap();
        assert_eq!((img.width(), img.height()), (160, 120));
    }

    #[test]
    fn a_receipt_is_a_jpeg_of_its_size_and_seeds_differ() {
        let a = receipt_jpeg(1, 120, 160, AT);
        assert_eq!(a, receipt_jpeg(1, 120, 160, AT));
        assert_ne!(a, receipt_jpeg(2, 120, 160, AT));
        let img = image::load_from_memory(&a).unwrap();
        assert_eq!((img.width(), img.height()), (120, 160));
    }

    #[test]
    fn exif_carries_the_capture_time() {
        let a = shop_front_jpeg(3, 64, 48, AT);
        let text = String::from_utf8_lossy(&a);
        assert!(text.contains("2026:11:27 10:05:09"));
        assert!(text.contains("+08:00"));
    }
}
