//! Burns the visit's facts (time, place, employee, customer) into a copy of the photo, so a
//! photo forwarded out of the system still says where and when it was taken.

use crate::PhotoError;
use crate::decode::{Limits, decode};
use crate::encode::{fit, jpeg, to_rgb};
use crate::font::Font;
use ab_glyph::{Font as _, FontArc, GlyphId, PxScale, ScaleFont, point};
use image::RgbImage;

/// How the watermarked copy is made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WatermarkOptions {
    /// Scale down so the longer side is at most this (default 2560: sharp on any screen, a
    /// few hundred KB instead of several MB). `None` keeps the full size.
    pub max_side: Option<u32>,
    /// JPEG quality, 1–100 (default 85).
    pub quality: u8,
    /// Opacity of the dark band behind the text, 0–1 (default 0.55): dark enough for white
    /// text on snow or sky, light enough to see the scene through it.
    pub band_opacity: f32,
    /// Checks on the input, as for [`crate::inspect`].
    pub limits: Limits,
}

impl Default for WatermarkOptions {
    fn default() -> Self {
        WatermarkOptions {
            max_side: Some(2560),
            quality: 85,
            band_opacity: 0.55,
            limits: Limits::default(),
        }
    }
}

/// Text height as a share of the image width: about 40 characters of Latin text or 30 of
/// Chinese fit on a line, readable on a phone screen showing the whole photo.
const TEXT_PER_WIDTH: f32 = 0.032;
/// The band never covers more than this share of the photo; the text shrinks instead.
const MAX_BAND_SHARE: f32 = 0.4;

/// Decodes the photo upright, optionally scales it down, draws `lines` in white on a dark
/// band along the bottom and returns a JPEG. Lines too long for the width are wrapped;
/// characters the font lacks are drawn as its empty box, never a panic.
pub fn watermark(
    bytes: &[u8],
    lines: &[String],
    font: &Font,
    opts: &WatermarkOptions,
) -> Result<Vec<u8>, PhotoError> {
    jpeg(
        &marked(decode(bytes, &opts.limits)?.image, lines, font, opts),
        opts.quality,
    )
}

/// The watermarked pixels of a decoded (upright) photo, scaled as `opts` says.
pub(crate) fn marked(
    mut image: image::DynamicImage,
    lines: &[String],
    font: &Font,
    opts: &WatermarkOptions,
) -> RgbImage {
    if let Some(side) = opts.max_side {
        image = fit(image, side.max(1));
    }
    let mut rgb = to_rgb(&image);
    draw(&mut rgb, lines, &font.inner, opts.band_opacity);
    rgb
}

/// The text laid out for one image: size, wrapped lines and the band they need.
struct Layout {
    scale: PxScale,
    margin: f32,
    line_height: f32,
    lines: Vec<String>,
    band_height: u32,
}

fn layout(lines: &[String], font: &FontArc, width: u32, height: u32) -> Layout {
    // Callers may pass "a\nb" as one entry; each piece is its own line.
    let pieces: Vec<&str> = lines.iter().flat_map(|l| l.lines()).collect();
    let mut px = (width as f32 * TEXT_PER_WIDTH).max(10.0);
    loop {
        let margin = px * 0.6;
        let line_height = px * 1.3;
        let scale = PxScale::from(px);
        let avail = width as f32 - 2.0 * margin;
        let wrapped: Vec<String> = pieces
            .iter()
            .flat_map(|l| wrap(l, font, scale, avail))
            .collect();
        let band = wrapped.len() as f32 * line_height + 2.0 * margin - (line_height - px);
        if band <= height as f32 * MAX_BAND_SHARE || px <= 10.0 {
            return Layout {
                scale,
                margin,
                line_height,
                band_height: (band.ceil() as u32).min(height),
                lines: wrapped,
            };
        }
        px = (px * 0.85).max(10.0);
    }
}

fn advance(font: &FontArc, scale: PxScale, prev: Option<GlyphId>, id: GlyphId) -> f32 {
    let scaled = font.as_scaled(scale);
    prev.map_or(0.0, |p| scaled.kern(p, id)) + scaled.h_advance(id)
}

/// Greedy wrapping by measured width. Breaks at the last space when the line has one
/// (English), else between any two characters (Chinese has no spaces between words).
fn wrap(text: &str, font: &FontArc, scale: PxScale, avail: f32) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    let mut prev = None;
    for c in text.chars().filter(|c| !c.is_control()) {
        let id = font.glyph_id(c);
        let w = advance(font, scale, prev, id);
        if width + w > avail && !line.is_empty() {
            let rest = match line.rfind(' ') {
                Some(at) if at > 0 => {
                    let rest = line[at + 1..].to_string();
                    line.truncate(at);
                    rest
                }
                _ => String::new(),
            };
            out.push(std::mem::replace(&mut line, rest));
            width = measure(&line, font, scale);
            prev = line.chars().last().map(|c| font.glyph_id(c));
            if line.is_empty() && c == ' ' {
                continue;
            }
        }
        line.push(c);
        width += advance(font, scale, prev, id);
        prev = Some(id);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

fn measure(text: &str, font: &FontArc, scale: PxScale) -> f32 {
    let mut prev = None;
    text.chars()
        .map(|c| {
            let id = font.glyph_id(c);
            let w = advance(font, scale, prev, id);
            prev = Some(id);
            w
        })
        .sum()
}

fn draw(rgb: &mut RgbImage, lines: &[String], font: &FontArc, opacity: f32) {
    let (width, height) = rgb.dimensions();
    let layout = layout(lines, font, width, height);
    if layout.lines.iter().all(|l| l.is_empty()) {
        return;
    }
    let top = height - layout.band_height;
    let keep = 1.0 - opacity.clamp(0.0, 1.0);
    for y in top..height {
        for x in 0..width {
            let p = rgb.get_pixel_mut(x, y);
            p.0 = p.0.map(|c| (f32::from(c) * keep).round() as u8);
        }
    }
    let scaled = font.as_scaled(layout.scale);
    for (i, line) in layout.lines.iter().enumerate() {
        let baseline = top as f32 + layout.margin + scaled.ascent() + i as f32 * layout.line_height;
        let mut caret = layout.margin;
        let mut prev = None;
        for c in line.chars() {
            let id = font.glyph_id(c);
            caret += prev.map_or(0.0, |p| scaled.kern(p, id));
            let glyph = id.with_scale_and_position(layout.scale, point(caret, baseline));
            if let Some(outline) = font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                outline.draw(|gx, gy, coverage| {
                    let x = bounds.min.x as i64 + i64::from(gx);
                    let y = bounds.min.y as i64 + i64::from(gy);
                    if (0..i64::from(width)).contains(&x) && (0..i64::from(height)).contains(&y) {
                        let p = rgb.get_pixel_mut(x as u32, y as u32);
                        let a = coverage.clamp(0.0, 1.0);
                        p.0 =
                            p.0.map(|c| (f32::from(c) * (1.0 - a) + 255.0 * a).round() as u8);
                    }
                });
            }
            caret += scaled.h_advance(id);
            prev = Some(id);
        }
    }
}
