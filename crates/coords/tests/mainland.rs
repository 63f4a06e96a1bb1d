//! Which places get shifted: cities on both sides of every tricky border.

use coords::{
    LatLon, bd09_to_gcj02, bd09_to_wgs84, gcj02_to_bd09, gcj02_to_wgs84, haversine_m,
    in_mainland_china, wgs84_to_bd09, wgs84_to_gcj02,
};

const INSIDE: &[(&str, f64, f64)] = &[
    ("Beijing", 39.9042, 116.4074),
    ("Shanghai", 31.2304, 121.4737),
    ("Guangzhou", 23.1291, 113.2644),
    ("Shenzhen", 22.5431, 114.0579),
    ("Shenzhen Luohu, by the Lo Wu crossing", 22.540, 114.118),
    ("Shenzhen Futian mangroves", 22.523, 114.010),
    ("Shekou", 22.480, 113.910),
    ("Yantian", 22.575, 114.270),
    ("Dapeng", 22.590, 114.480),
    ("Zhuhai", 22.2707, 113.5767),
    ("Zhuhai Gongbei, by the Macau border", 22.224, 113.548),
    ("Hengqin", 22.120, 113.520),
    ("Urumqi", 43.8256, 87.6168),
    ("Harbin", 45.8038, 126.5350),
    ("Sanya", 18.2528, 109.5119),
    ("Haikou", 20.0440, 110.1999),
    ("Lhasa", 29.6520, 91.1721),
    ("Kashgar", 39.4704, 75.9898),
    ("Tashkurgan", 37.7750, 75.2290),
    ("Shiquanhe (Ali)", 32.5000, 80.1000),
    ("Zhangmu", 27.9900, 85.9800),
    ("Yadong", 27.4800, 88.9000),
    ("Medog", 29.3300, 95.3300),
    ("Ruili", 24.0130, 97.8500),
    ("Mengla", 21.4700, 101.5600),
    ("Hekou", 22.5100, 103.9600),
    ("Pingxiang, Guangxi", 22.1000, 106.7500),
    ("Dongxing", 21.5500, 107.9700),
    ("Dandong", 40.1200, 124.3800),
    ("Hunchun", 42.8700, 130.3600),
    ("Suifenhe", 44.4000, 131.1500),
    ("Heihe", 50.2400, 127.5000),
    ("Mohe", 52.9700, 122.5300),
    ("Manzhouli", 49.6000, 117.4300),
    ("Arxan", 47.1800, 119.9400),
    ("Erenhot", 43.6500, 111.9800),
    ("Tacheng", 46.7500, 82.9800),
    ("Khorgos, Xinjiang", 44.2100, 80.4100),
    ("Dalian", 38.9140, 121.6147),
    ("Weihai", 37.5100, 122.1200),
    ("Zhoushan", 30.0000, 122.1000),
    ("Xiamen", 24.4798, 118.0894),
    ("Xiamen Dadeng island", 24.565, 118.330),
    ("Fuzhou", 26.0745, 119.2965),
    ("Pingtan", 25.5000, 119.7900),
    ("Huangqi peninsula, facing Matsu", 26.330, 119.870),
];

const OUTSIDE: &[(&str, f64, f64)] = &[
    ("Hong Kong", 22.3193, 114.1694),
    ("Hong Kong Sheung Shui", 22.501, 114.128),
    ("Hong Kong Tin Shui Wai", 22.460, 114.000),
    ("Hong Kong airport", 22.308, 113.918),
    ("Hong Kong Kat O", 22.540, 114.300),
    ("Hong Kong Tung Ping Chau", 22.545, 114.430),
    ("Macau", 22.1987, 113.5439),
    ("Macau Taipa", 22.155, 113.556),
    ("Macau Coloane", 22.125, 113.565),
    ("Taipei", 25.0330, 121.5654),
    ("Kaohsiung", 22.6273, 120.3014),
    ("Penghu", 23.5700, 119.5800),
    ("Kinmen", 24.4300, 118.3200),
    ("Lesser Kinmen", 24.430, 118.240),
    ("Matsu Nangan", 26.160, 119.940),
    ("Matsu Beigan", 26.225, 120.000),
    ("Matsu Dongyin", 26.370, 120.490),
    ("Matsu Juguang", 25.960, 119.955),
    ("Tokyo", 35.6762, 139.6503),
    ("Seoul", 37.5665, 126.9780),
    ("Pyongyang", 39.0392, 125.7625),
    ("Vladivostok", 43.1155, 131.8855),
    ("Khabarovsk", 48.4800, 135.0700),
    ("Ulaanbaatar", 47.8864, 106.9057),
    ("Choibalsan", 48.0700, 114.5000),
    ("Almaty", 43.2380, 76.9450),
    ("Bishkek", 42.8746, 74.5698),
    ("Leh", 34.1526, 77.5771),
    ("Kathmandu", 27.7172, 85.3240),
    ("Gangtok", 27.3314, 88.6138),
    ("Thimphu", 27.4728, 89.6390),
    ("Tawang", 27.5860, 91.8590),
    ("Myitkyina", 25.3800, 97.4000),
    ("Hanoi", 21.0285, 105.8542),
    ("Lang Son", 21.8500, 106.7600),
    ("Cao Bang", 22.6700, 106.2500),
    ("Ha Giang", 22.8200, 104.9800),
    ("Singapore", 1.3521, 103.8198),
    ("Manila", 14.5995, 120.9842),
    ("London", 51.5074, -0.1278),
    ("Null Island", 0.0, 0.0),
];

#[test]
fn mainland_points_are_inside_and_shifted() {
    for &(name, lat, lon) in INSIDE {
        let p = LatLon::new(lat, lon);
        assert!(in_mainland_china(p), "{name} should be inside");
        let moved = haversine_m(p, wgs84_to_gcj02(p));
        assert!(
            (50.0..1000.0).contains(&moved),
            "{name}: GCJ-02 moved it {moved} m"
        );
        let moved = haversine_m(p, wgs84_to_bd09(p));
        assert!(
            (100.0..2000.0).contains(&moved),
            "{name}: BD-09 moved it {moved} m"
        );
    }
}

#[test]
fn other_places_are_untouched_by_every_conversion() {
    for &(name, lat, lon) in OUTSIDE {
        let p = LatLon::new(lat, lon);
        assert!(!in_mainland_china(p), "{name} should be outside");
        for (f, fname) in [
            (wgs84_to_gcj02 as fn(LatLon) -> LatLon, "wgs84_to_gcj02"),
            (gcj02_to_wgs84, "gcj02_to_wgs84"),
            (gcj02_to_bd09, "gcj02_to_bd09"),
            (bd09_to_gcj02, "bd09_to_gcj02"),
            (wgs84_to_bd09, "wgs84_to_bd09"),
            (bd09_to_wgs84, "bd09_to_wgs84"),
        ] {
            assert_eq!(f(p), p, "{name}: {fname} changed it");
        }
    }
}

#[test]
fn extreme_and_non_finite_inputs_do_not_panic() {
    let odd = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        -0.0,
        90.0,
        -90.0,
        180.0,
        1e300,
    ];
    for lat in odd {
        for lon in odd {
            let p = LatLon::new(lat, lon);
            let _ = in_mainland_china(p);
            let _ = wgs84_to_gcj02(p);
            let _ = gcj02_to_wgs84(p);
            let _ = gcj02_to_bd09(p);
            let _ = bd09_to_gcj02(p);
            let _ = wgs84_to_bd09(p);
            let _ = bd09_to_wgs84(p);
            let _ = haversine_m(p, LatLon::new(30.0, 110.0));
        }
    }
}
