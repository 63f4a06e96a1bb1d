//! Shanghai districts, real roads in them, and a WGS-84 anchor per road.
//!
//! Anchors are approximate WGS-84 (not GCJ-02) positions of a stretch of
//! each road. Pudong anchors sit at lon >= 121.515 and riverside Puxi
//! anchors keep > 1 km from the Huangpu, so a shop scattered within
//! `SCATTER_M` of its anchor always lands on land.

pub(crate) struct Road {
    pub name: &'static str,
    pub lat: f64,
    pub lon: f64,
}

pub(crate) struct District {
    pub name: &'static str,
    /// East of the Huangpu: served by the 浦东 group.
    pub pudong: bool,
    /// How many of the 600 demo shops lie here.
    pub shops: usize,
    pub roads: &'static [Road],
}

/// Shops lie uniformly within this radius of their road's anchor.
pub(crate) const SCATTER_M: f64 = 600.0;

const M_PER_DEG_LAT: f64 = 111_320.0;
/// Fixed at cos(31.2°) so no trigonometry is needed (see `rng`); across
/// Shanghai's latitudes the error is under 1%.
const M_PER_DEG_LON: f64 = 95_200.0;

/// Moves a point by a local offset in metres.
pub(crate) fn offset(lat: f64, lon: f64, north_m: f64, east_m: f64) -> (f64, f64) {
    (lat + north_m / M_PER_DEG_LAT, lon + east_m / M_PER_DEG_LON)
}

/// Local planar coordinates in metres; accurate enough within one city.
pub(crate) fn to_metres(lat: f64, lon: f64) -> (f64, f64) {
    (lat * M_PER_DEG_LAT, lon * M_PER_DEG_LON)
}

#[cfg(test)]
pub(crate) fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (ay, ax) = to_metres(a.0, a.1);
    let (by, bx) = to_metres(b.0, b.1);
    ((ay - by).powi(2) + (ax - bx).powi(2)).sqrt()
}

const fn r(name: &'static str, lat: f64, lon: f64) -> Road {
    Road { name, lat, lon }
}

/// 288 Pudong shops for 12 reps and 312 Puxi shops for 13 reps: 24 each.
pub(crate) const DISTRICTS: &[District] = &[
    District {
        name: "浦东新区",
        pudong: true,
        shops: 288,
        roads: &[
            r("张杨路", 31.2300, 121.5230),
            r("世纪大道", 31.2250, 121.5300),
            r("东方路", 31.2180, 121.5260),
            r("源深路", 31.2350, 121.5360),
            r("民生路", 31.2400, 121.5440),
            r("杨高中路", 31.2330, 121.5560),
            r("锦绣路", 31.2120, 121.5530),
            r("芳甸路", 31.2180, 121.5580),
            r("龙阳路", 31.2040, 121.5570),
            r("张江路", 31.2080, 121.5880),
            r("祖冲之路", 31.2030, 121.5950),
            r("金科路", 31.2010, 121.6030),
            r("金桥路", 31.2600, 121.5880),
            r("红枫路", 31.2520, 121.5920),
        ],
    },
    District {
        name: "黄浦区",
        pudong: false,
        shops: 35,
        roads: &[
            r("南京东路", 31.2355, 121.4800),
            r("淮海中路", 31.2200, 121.4650),
            r("西藏南路", 31.2170, 121.4830),
            r("金陵中路", 31.2290, 121.4750),
            r("陆家浜路", 31.2110, 121.4790),
            r("打浦路", 31.2050, 121.4720),
        ],
    },
    District {
        name: "徐汇区",
        pudong: false,
        shops: 45,
        roads: &[
            r("漕溪北路", 31.1920, 121.4360),
            r("肇嘉浜路", 31.2000, 121.4480),
            r("天钥桥路", 31.1880, 121.4400),
            r("衡山路", 31.2040, 121.4420),
            r("宜山路", 31.1800, 121.4220),
            r("钦州路", 31.1730, 121.4250),
            r("田林路", 31.1750, 121.4320),
            r("龙华中路", 31.1900, 121.4520),
        ],
    },
    District {
        name: "长宁区",
        pudong: false,
        shops: 35,
        roads: &[
            r("长宁路", 31.2195, 121.4150),
            r("天山路", 31.2130, 121.3980),
            r("仙霞路", 31.2060, 121.3900),
            r("延安西路", 31.2080, 121.4220),
            r("古北路", 31.2040, 121.4040),
            r("愚园路", 31.2225, 121.4300),
        ],
    },
    District {
        name: "静安区",
        pudong: false,
        shops: 40,
        roads: &[
            r("南京西路", 31.2280, 121.4550),
            r("常德路", 31.2305, 121.4455),
            r("江宁路", 31.2370, 121.4490),
            r("西康路", 31.2370, 121.4430),
            r("天目西路", 31.2480, 121.4590),
            r("共和新路", 31.2700, 121.4560),
            r("大宁路", 31.2790, 121.4560),
        ],
    },
    District {
        name: "普陀区",
        pudong: false,
        shops: 35,
        roads: &[
            r("长寿路", 31.2420, 121.4350),
            r("曹杨路", 31.2420, 121.4170),
            r("真北路", 31.2420, 121.3950),
            r("金沙江路", 31.2320, 121.4070),
            r("武宁路", 31.2390, 121.4260),
            r("兰溪路", 31.2460, 121.4100),
        ],
    },
    District {
        name: "虹口区",
        pudong: false,
        shops: 30,
        roads: &[
            r("四川北路", 31.2570, 121.4830),
            r("海伦路", 31.2600, 121.4880),
            r("曲阳路", 31.2780, 121.4870),
            r("广中路", 31.2730, 121.4770),
            r("凉城路", 31.2930, 121.4790),
        ],
    },
    District {
        name: "杨浦区",
        pudong: false,
        shops: 35,
        roads: &[
            r("四平路", 31.2900, 121.5080),
            r("国权路", 31.2990, 121.5050),
            r("淞沪路", 31.3050, 121.5150),
            r("黄兴路", 31.2850, 121.5260),
            r("控江路", 31.2720, 121.5200),
            r("殷行路", 31.3180, 121.5200),
        ],
    },
    District {
        name: "闵行区",
        pudong: false,
        shops: 35,
        roads: &[
            r("沪闵路", 31.1150, 121.3880),
            r("七莘路", 31.1300, 121.3700),
            r("古美路", 31.1480, 121.4000),
            r("莲花南路", 31.1230, 121.4020),
            r("吴中路", 31.1760, 121.3880),
            r("漕宝路", 31.1570, 121.3550),
        ],
    },
    District {
        name: "宝山区",
        pudong: false,
        shops: 22,
        roads: &[
            r("牡丹江路", 31.4020, 121.4780),
            r("通河路", 31.3400, 121.4480),
            r("泰和路", 31.3540, 121.4550),
            r("上大路", 31.3180, 121.3900),
            r("真华路", 31.2850, 121.4150),
        ],
    },
];

/// The road a generated address names, for checking coordinates against it.
#[cfg(test)]
pub(crate) fn road_of(district: &str, address: &str) -> Option<&'static Road> {
    let rest = address.strip_prefix("上海市")?.strip_prefix(district)?;
    DISTRICTS
        .iter()
        .find(|d| d.name == district)?
        .roads
        .iter()
        .find(|road| rest.starts_with(road.name))
}
