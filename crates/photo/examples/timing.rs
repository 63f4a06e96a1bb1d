//! Times `inspect` and `watermark` on a generated 4000×3000 JPEG, the size of a typical
//! phone photo: `cargo run --release -p photo --example timing`.

use image::{Rgb, RgbImage};
use photo::{Font, Limits, WatermarkOptions, inspect, watermark};
use std::time::Instant;

fn main() {
    // Gradients, shapes and a little pixel noise: about the few MB of a real phone photo
    // (flat colour would compress to nothing, pure noise to three times the size).
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let img = RgbImage::from_fn(4000, 3000, |x, y| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let n = (state % 9) as u8;
        let ring = ((x as i64 - 2000).pow(2) + (y as i64 - 1500).pow(2)) / 40_000 % 2 == 0;
        let base = if ring { [200, 90, 40] } else { [40, 120, 200] };
        Rgb([
            base[0] / 2 + (x / 32) as u8 / 2 + n,
            base[1] / 2 + (y / 24) as u8 / 2 + n,
            base[2] / 2 + ((x + y) / 56) as u8 / 2 + n,
        ])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&img)
        .unwrap();
    let font_path = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
    let font =
        Font::load(std::fs::read(font_path).expect("fonts-wqy-microhei is installed")).unwrap();
    let lines = [
        "2024-05-01 09:30 +08:00".to_string(),
        "上海市黄浦区南京东路 100 号".to_string(),
        "张伟 · 拜访 联华超市".to_string(),
    ];
    println!("input: 4000×3000 JPEG, {} KB", bytes.len() / 1024);
    for round in 1..=3 {
        let started = Instant::now();
        let photo = inspect(&bytes, &Limits::default()).unwrap();
        let inspected = started.elapsed();
        let marked = watermark(&bytes, &lines, &font, &WatermarkOptions::default()).unwrap();
        let total = started.elapsed();
        println!(
            "round {round}: inspect {:.0} ms, watermark {:.0} ms, total {:.0} ms ({}×{}, output {} KB)",
            inspected.as_secs_f64() * 1e3,
            (total - inspected).as_secs_f64() * 1e3,
            total.as_secs_f64() * 1e3,
            photo.width,
            photo.height,
            marked.len() / 1024
        );
    }
}
