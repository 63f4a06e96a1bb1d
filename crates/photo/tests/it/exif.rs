//! EXIF facts read back from hand-built EXIF blocks.

use crate::support::{ascii, dms, exif_block, jpeg, scene, with_exif};
use photo::{GpsPoint, Limits, inspect};

fn gps_entries(lat: f64, lon: f64) -> Vec<crate::support::Entry> {
    vec![
        crate::support::Entry(0x0000, 1, 4, vec![2, 3, 0, 0]),
        ascii(0x0001, if lat < 0.0 { "S" } else { "N" }),
        dms(0x0002, lat),
        ascii(0x0003, if lon < 0.0 { "W" } else { "E" }),
        dms(0x0004, lon),
    ]
}

#[test]
fn date_offset_and_gps_are_read() {
    let tiff = exif_block(
        None,
        vec![
            ascii(0x9003, "2024:05:01 09:30:15"),
            ascii(0x9011, "+08:00"),
        ],
        gps_entries(31.230416, 121.473701),
    );
    let bytes = with_exif(&jpeg(&scene(1, 120, 90), 85), &tiff);
    let photo = inspect(&bytes, &Limits::default()).unwrap();
    let taken = photo.exif.taken_at.expect("DateTimeOriginal");
    assert_eq!(taken.to_string(), "2024-05-01T09:30:15+08:00");
    assert_eq!(taken.offset_minutes, Some(480));
    let GpsPoint { lat, lon } = photo.exif.gps.expect("GPS");
    // Seconds are stored to 1/10000: well under a metre.
    assert!(
        (lat - 31.230416).abs() < 1e-6 && (lon - 121.473701).abs() < 1e-6,
        "{lat} {lon}"
    );
}

#[test]
fn southern_and_western_coordinates_are_negative_and_offset_is_optional() {
    let tiff = exif_block(
        None,
        vec![ascii(0x9003, "2023:12:31 23:59:59")],
        gps_entries(-33.8688, -70.6693),
    );
    let bytes = with_exif(&jpeg(&scene(1, 64, 64), 85), &tiff);
    let exif = inspect(&bytes, &Limits::default()).unwrap().exif;
    let taken = exif.taken_at.unwrap();
    assert_eq!(
        (taken.offset_minutes, taken.to_string().as_str()),
        (None, "2023-12-31T23:59:59")
    );
    let gps = exif.gps.unwrap();
    assert!(
        (gps.lat + 33.8688).abs() < 1e-6 && (gps.lon + 70.6693).abs() < 1e-6,
        "{gps:?}"
    );
}

#[test]
fn a_broken_exif_block_costs_the_facts_not_the_photo() {
    let bytes = with_exif(
        &jpeg(&scene(1, 64, 64), 85),
        b"II\x2a\x00\xff\xff\xff\x7f garbage",
    );
    let photo = inspect(&bytes, &Limits::default()).unwrap();
    assert_eq!(photo.exif, Default::default());
    assert_eq!((photo.width, photo.height), (64, 64));
}

#[test]
fn orientation_turns_the_photo_upright() {
    // Stored 80 wide and 40 high, tagged "rotate 90° clockwise to display" (6).
    let stored = scene(5, 80, 40);
    let bytes = with_exif(&jpeg(&stored, 90), &exif_block(Some(6), vec![], vec![]));
    let photo = inspect(&bytes, &Limits::default()).unwrap();
    assert_eq!((photo.width, photo.height), (40, 80));
    // The hash is of the upright picture: the same as pixels already rotated.
    let upright = image::imageops::rotate90(&stored);
    let rotated = inspect(&jpeg(&upright, 90), &Limits::default()).unwrap();
    assert!(
        photo.phash.distance(rotated.phash) <= 4,
        "{}",
        photo.phash.distance(rotated.phash)
    );
}
