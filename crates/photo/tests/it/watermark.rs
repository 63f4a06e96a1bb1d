//! The watermarked copy: size, where it changed, and that Chinese text is drawn.

use crate::support::{decode, font_bytes, jpeg, png, scene};
use image::{Rgb, RgbImage};
use photo::{Font, WatermarkOptions, thumbnail, watermark};

fn font() -> Font {
    Font::load(font_bytes()).expect("wqy-microhei loads")
}

fn grey(width: u32, height: u32) -> RgbImage {
    RgbImage::from_pixel(width, height, Rgb([128, 128, 128]))
}

/// Pixels in rows `from..to` bright enough to be text (the band darkens grey 128 to ~58).
fn ink(img: &RgbImage, from: u32, to: u32) -> usize {
    (from..to)
        .flat_map(|y| (0..img.width()).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0[1] > 200)
        .count()
}

fn mean_abs_diff(a: &RgbImage, b: &RgbImage, from: u32, to: u32) -> f64 {
    let mut sum = 0u64;
    for y in from..to {
        for x in 0..a.width() {
            for c in 0..3 {
                sum += u64::from(a.get_pixel(x, y).0[c].abs_diff(b.get_pixel(x, y).0[c]));
            }
        }
    }
    sum as f64 / f64::from((to - from) * a.width() * 3)
}

#[test]
fn the_font_has_chinese_glyphs_and_non_fonts_are_refused() {
    let font = font();
    for c in "拜访客户上海市签到".chars() {
        assert_ne!(font.glyph_id(c), 0, "no glyph for {c}");
    }
    assert!(font.has_glyph('A'));
    let err = Font::load(b"<html>not a font</html>".to_vec()).unwrap_err();
    assert_eq!(err.code(), "bad_font");
    assert!(!err.is_client_error());
    assert!(Font::load(Vec::new()).is_err());
}

#[test]
fn the_bottom_band_changes_and_the_top_does_not() {
    let original = scene(21, 1600, 1200);
    let lines = [
        "2024-05-01 09:30 +08:00".to_string(),
        "上海市黄浦区南京东路 100 号".to_string(),
        "张伟 · 拜访 客户: 联华超市".to_string(),
    ];
    let opts = WatermarkOptions {
        max_side: Some(800),
        ..WatermarkOptions::default()
    };
    let out = watermark(&jpeg(&original, 90), &lines, &font(), &opts).unwrap();
    assert_eq!(&out[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
    let marked = decode(&out);
    assert_eq!(marked.dimensions(), (800, 600));
    let reference =
        image::imageops::resize(&original, 800, 600, image::imageops::FilterType::Triangle);
    let top = mean_abs_diff(&marked, &reference, 0, 300);
    let bottom = mean_abs_diff(&marked, &reference, 560, 600);
    println!("mean difference: top half {top:.1}, bottom band {bottom:.1}");
    assert!(top < 4.0, "top changed by {top}");
    assert!(bottom > 30.0, "bottom changed by only {bottom}");
}

#[test]
fn chinese_text_is_inked_and_scales_with_the_width() {
    let font = font();
    let lines = ["拜访客户".to_string()];
    let plain = png(&grey(600, 400));
    let opts = WatermarkOptions {
        max_side: None,
        quality: 95,
        ..WatermarkOptions::default()
    };
    let marked = decode(&watermark(&plain, &lines, &font, &opts).unwrap());
    assert_eq!(marked.dimensions(), (600, 400));
    let small = ink(&marked, 300, 400);
    assert!(small > 100, "only {small} ink pixels");
    assert_eq!(ink(&marked, 0, 300), 0, "ink above the band");
    // Twice the width, twice the text size: about four times the ink.
    let wide = decode(&watermark(&png(&grey(1200, 800)), &lines, &font, &opts).unwrap());
    let large = ink(&wide, 600, 800);
    let ratio = large as f64 / small as f64;
    assert!((3.0..5.5).contains(&ratio), "ink {small} -> {large}");
}

#[test]
fn long_lines_wrap_and_missing_glyphs_do_not_panic() {
    let lines = [
        "A very long address line that certainly does not fit on one line of a narrow photo"
            .to_string(),
        "没有空格的很长很长很长很长很长很长很长很长很长很长很长很长的中文地址".to_string(),
        "emoji 📷 and private use \u{E000} and a tab\there".to_string(),
        String::new(),
    ];
    let out = watermark(
        &png(&grey(300, 400)),
        &lines,
        &font(),
        &WatermarkOptions::default(),
    )
    .unwrap();
    let marked = decode(&out);
    assert_eq!(marked.dimensions(), (300, 400));
    // Text never runs off the right edge: the last column stays clear of ink.
    assert!((0..400).all(|y| marked.get_pixel(299, y).0[1] < 200));
    assert!(
        watermark(
            &png(&grey(50, 20)),
            &[],
            &font(),
            &WatermarkOptions::default()
        )
        .is_ok()
    );
}

#[test]
fn watermark_refuses_what_inspect_refuses() {
    let err = watermark(b"not an image", &[], &font(), &WatermarkOptions::default()).unwrap_err();
    assert_eq!(err.code(), "not_an_image");
}

#[test]
fn thumbnails_fit_the_requested_side() {
    let bytes = jpeg(&scene(4, 900, 600), 85);
    let thumb = decode(&thumbnail(&bytes, 300).unwrap());
    assert_eq!(thumb.dimensions(), (300, 200));
    let small = decode(&thumbnail(&jpeg(&scene(4, 90, 60), 85), 300).unwrap());
    assert_eq!(small.dimensions(), (90, 60), "never scaled up");
}

#[test]
fn process_matches_inspect_watermark_and_thumbnail_from_one_decode() {
    let bytes = jpeg(&scene(9, 800, 600), 85);
    let lines = vec!["时间：2026-11-28 09:30".to_owned(), "客户：测试".to_owned()];
    let (font, opts) = (font(), WatermarkOptions::default());
    let done = photo::process(&bytes, &lines, &font, &opts, 320).unwrap();
    assert_eq!(
        done.photo,
        photo::inspect(&bytes, &photo::Limits::default()).unwrap()
    );
    assert_eq!(
        done.watermarked,
        watermark(&bytes, &lines, &font, &opts).unwrap()
    );
    let thumb = decode(&done.thumbnail);
    assert_eq!(thumb.dimensions(), (320, 240));
    // Text was drawn on the copy.
    assert!(ink(&decode(&done.watermarked), 500, 600) > 0);
    assert!(photo::process(b"<html>", &lines, &font, &opts, 320).is_err());

    // A photo that already fits is its own thumbnail (the watermarked copy, not scaled up).
    let small = jpeg(&scene(9, 240, 180), 85);
    let done = photo::process(&small, &lines, &font, &opts, 320).unwrap();
    assert_eq!(done.thumbnail, done.watermarked);
    assert_eq!(decode(&done.thumbnail).dimensions(), (240, 180));
}
