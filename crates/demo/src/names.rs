//! Word lists: Chinese surnames and given names (with pinyin for
//! usernames) and the shop brands found on Shanghai streets.

/// (surname, pinyin, weight). Weights loosely follow national frequency,
/// nudged towards names common in Shanghai (沈, 陆, 顾, 徐 …).
pub(crate) const SURNAMES: &[(&str, &str, u32)] = &[
    ("王", "wang", 10),
    ("李", "li", 9),
    ("张", "zhang", 9),
    ("刘", "liu", 6),
    ("陈", "chen", 8),
    ("杨", "yang", 5),
    ("黄", "huang", 5),
    ("赵", "zhao", 4),
    ("吴", "wu", 5),
    ("周", "zhou", 5),
    ("徐", "xu", 5),
    ("孙", "sun", 3),
    ("马", "ma", 2),
    ("朱", "zhu", 4),
    ("胡", "hu", 3),
    ("郭", "guo", 2),
    ("何", "he", 2),
    ("高", "gao", 2),
    ("林", "lin", 2),
    ("罗", "luo", 2),
    ("郑", "zheng", 2),
    ("梁", "liang", 2),
    ("谢", "xie", 2),
    ("宋", "song", 2),
    ("唐", "tang", 2),
    ("许", "xu", 2),
    ("韩", "han", 1),
    ("冯", "feng", 1),
    ("邓", "deng", 1),
    ("曹", "cao", 2),
    ("彭", "peng", 1),
    ("曾", "zeng", 1),
    ("沈", "shen", 4),
    ("陆", "lu", 4),
    ("顾", "gu", 4),
    ("钱", "qian", 2),
    ("蒋", "jiang", 2),
    ("蔡", "cai", 2),
    ("姚", "yao", 2),
    ("金", "jin", 2),
    ("汪", "wang", 1),
    ("叶", "ye", 2),
    ("施", "shi", 2),
    ("范", "fan", 1),
    ("俞", "yu", 1),
    ("倪", "ni", 1),
    ("丁", "ding", 1),
    ("夏", "xia", 1),
    ("袁", "yuan", 1),
    ("潘", "pan", 1),
    ("任", "ren", 1),
    ("吕", "lv", 1),
    ("程", "cheng", 1),
    ("杜", "du", 1),
    ("姜", "jiang", 1),
    ("方", "fang", 1),
    ("龚", "gong", 1),
    ("严", "yan", 1),
    ("邵", "shao", 1),
    ("秦", "qin", 1),
];

/// (given name, pinyin); a mix of one- and two-character names across
/// the generations that staff a sales team.
pub(crate) const GIVEN_NAMES: &[(&str, &str)] = &[
    ("建国", "jianguo"),
    ("伟", "wei"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("勇", "yong"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("斌", "bin"),
    ("超", "chao"),
    ("明", "ming"),
    ("刚", "gang"),
    ("辉", "hui"),
    ("鹏", "peng"),
    ("飞", "fei"),
    ("鑫", "xin"),
    ("波", "bo"),
    ("宇", "yu"),
    ("浩", "hao"),
    ("凯", "kai"),
    ("晨", "chen"),
    ("俊杰", "junjie"),
    ("志强", "zhiqiang"),
    ("海峰", "haifeng"),
    ("晓东", "xiaodong"),
    ("文斌", "wenbin"),
    ("国华", "guohua"),
    ("永明", "yongming"),
    ("子轩", "zixuan"),
    ("浩然", "haoran"),
    ("宇航", "yuhang"),
    ("振华", "zhenhua"),
    ("立新", "lixin"),
    ("建华", "jianhua"),
    ("嘉伟", "jiawei"),
    ("一鸣", "yiming"),
    ("天宇", "tianyu"),
    ("卫东", "weidong"),
    ("婷", "ting"),
    ("丽", "li"),
    ("静", "jing"),
    ("敏", "min"),
    ("燕", "yan"),
    ("娟", "juan"),
    ("霞", "xia"),
    ("芳", "fang"),
    ("萍", "ping"),
    ("玲", "ling"),
    ("慧", "hui"),
    ("颖", "ying"),
    ("雪", "xue"),
    ("琳", "lin"),
    ("倩", "qian"),
    ("佳怡", "jiayi"),
    ("欣怡", "xinyi"),
    ("婷婷", "tingting"),
    ("晓燕", "xiaoyan"),
    ("丽华", "lihua"),
    ("雅琴", "yaqin"),
    ("思雨", "siyu"),
    ("梦洁", "mengjie"),
    ("雨涵", "yuhan"),
    ("秀英", "xiuying"),
    ("春梅", "chunmei"),
    ("美玲", "meiling"),
    ("佳琪", "jiaqi"),
    ("诗涵", "shihan"),
    ("文静", "wenjing"),
    ("海燕", "haiyan"),
    ("晓丽", "xiaoli"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ShopKind {
    Convenience,
    Supermarket,
    Pharmacy,
    Eatery,
}

impl ShopKind {
    pub(crate) fn tag(self) -> &'static str {
        match self {
            ShopKind::Convenience => "便利店",
            ShopKind::Supermarket => "超市",
            ShopKind::Pharmacy => "药房",
            ShopKind::Eatery => "餐饮",
        }
    }
}

pub(crate) struct Brand {
    pub name: &'static str,
    pub kind: ShopKind,
    pub chain: bool,
    /// Head start towards level A: hypermarkets sell far more than a
    /// corner 烟杂店.
    pub pull: f64,
    /// How often the brand turns up among the 600 shops.
    pub weight: u32,
}

const fn b(name: &'static str, kind: ShopKind, chain: bool, pull: f64, weight: u32) -> Brand {
    Brand {
        name,
        kind,
        chain,
        pull,
        weight,
    }
}

use ShopKind::{Convenience as Conv, Eatery, Pharmacy, Supermarket as Super};

pub(crate) const BRANDS: &[Brand] = &[
    b("好德便利", Conv, true, 0.2, 6),
    b("可的便利", Conv, true, 0.2, 4),
    b("全家便利店", Conv, true, 0.3, 6),
    b("罗森便利店", Conv, true, 0.3, 5),
    b("快客便利", Conv, true, 0.2, 4),
    b("喜士多便利", Conv, true, 0.2, 3),
    b("良友便利", Conv, true, 0.1, 2),
    b("联华超市", Super, true, 0.6, 5),
    b("华联超市", Super, true, 0.6, 3),
    b("农工商超市", Super, true, 0.5, 3),
    b("世纪联华", Super, true, 1.0, 2),
    b("盒马鲜生", Super, true, 0.9, 2),
    b("大润发", Super, true, 1.3, 1),
    b("家乐福", Super, true, 1.3, 1),
    b("老百姓大药房", Pharmacy, true, 0.3, 3),
    b("华氏大药房", Pharmacy, true, 0.3, 2),
    b("第一医药", Pharmacy, true, 0.4, 2),
    b("益丰大药房", Pharmacy, true, 0.3, 2),
    b("国大药房", Pharmacy, true, 0.3, 2),
    b("沙县小吃", Eatery, false, 0.0, 3),
    b("兰州拉面", Eatery, false, 0.0, 2),
    b("老盛昌汤包", Eatery, true, 0.2, 2),
    b("小杨生煎", Eatery, true, 0.3, 2),
    b("万家福超市", Super, false, 0.2, 2),
    b("家家乐超市", Super, false, 0.2, 2),
    b("惠民便利店", Conv, false, 0.0, 2),
    b("佳佳便利店", Conv, false, 0.0, 2),
    b("德福便利店", Conv, false, 0.0, 2),
    b("百顺烟杂店", Conv, false, 0.0, 2),
    b("金盛烟杂店", Conv, false, 0.0, 2),
    b("兴旺食品店", Conv, false, 0.0, 2),
];

/// Chinese numerals for the "二店", "三店" suffix of a repeated branch.
pub(crate) fn branch_ordinal(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        _ => n.to_string(),
    }
}
