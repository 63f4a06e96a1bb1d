//! The 600 shops the team sells into: brand + branch name, an address on
//! a real road and a position near that road, a sales level and tags.

use std::collections::HashMap;

use crate::DemoCustomer;
use crate::names::{BRANDS, Brand, branch_ordinal};
use crate::people::{Registry, person};
use crate::places::{DISTRICTS, District, Road, SCATTER_M, offset};
use crate::rng::Dice;

/// Owner of a shop not yet dealt to a rep; `assign` replaces it.
pub(crate) const UNOWNED: usize = usize::MAX;

/// Share of shops at level A and at level B; the rest are C.
const SHARE_A: f64 = 0.15;
const SHARE_B: f64 = 0.35;

struct Draft {
    district: &'static District,
    road: &'static Road,
    brand: &'static Brand,
    name: String,
}

pub(crate) fn customers(dice: &mut Dice, registry: &mut Registry) -> Vec<DemoCustomer> {
    let drafts = drafts(dice);
    let levels = levels(dice, &drafts);
    let mut erp_no = 100_000;
    drafts
        .into_iter()
        .zip(levels)
        .enumerate()
        .map(|(i, (draft, level))| {
            // Gaps make the ids look like they come from a live ERP.
            erp_no += dice.between(1, 7);
            let (lat, lon) = scatter(dice, draft.road);
            DemoCustomer {
                name: draft.name,
                code: format!("C{:05}", i + 1),
                external_id: format!("ERP-SH-{erp_no}"),
                address: format!(
                    "上海市{}{}{}",
                    draft.district.name,
                    draft.road.name,
                    house_number(dice)
                ),
                district: draft.district.name,
                lat,
                lon,
                level,
                tags: tags(dice, draft.brand, level),
                contact_name: person(dice).name,
                contact_phone: registry.unique_phone(dice),
                owner: UNOWNED,
            }
        })
        .collect()
}

fn drafts(dice: &mut Dice) -> Vec<Draft> {
    let mut branches: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for district in DISTRICTS {
        for _ in 0..district.shops {
            // A brand rarely has two branches on one road, so look for a
            // fresh pairing a few times before numbering a second branch.
            let mut pair = pick_pair(dice, district);
            for _ in 0..4 {
                if !branches.contains_key(&branch_key(pair)) {
                    break;
                }
                pair = pick_pair(dice, district);
            }
            let (road, brand) = pair;
            let nth = branches.entry(branch_key(pair)).or_insert(0);
            *nth += 1;
            let suffix = if *nth == 1 {
                String::new()
            } else {
                branch_ordinal(*nth)
            };
            out.push(Draft {
                district,
                road,
                brand,
                name: format!("{}({}{suffix}店)", brand.name, road.name),
            });
        }
    }
    out
}

fn pick_pair(dice: &mut Dice, district: &'static District) -> (&'static Road, &'static Brand) {
    (
        dice.pick(district.roads),
        dice.pick_weighted(BRANDS, |b| b.weight),
    )
}

fn branch_key((road, brand): (&Road, &Brand)) -> String {
    format!("{}|{}", brand.name, road.name)
}

/// Ranks shops by brand pull plus noise so the A/B/C shares are exact and
/// big stores tend to rank higher.
fn levels(dice: &mut Dice, drafts: &[Draft]) -> Vec<char> {
    let scores: Vec<f64> = drafts
        .iter()
        .map(|d| d.brand.pull + 0.5 * dice.bell())
        .collect();
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let n = drafts.len() as f64;
    let a_count = (n * SHARE_A).round() as usize;
    let b_count = (n * SHARE_B).round() as usize;
    let mut levels = vec!['C'; drafts.len()];
    for (rank, &i) in order.iter().enumerate() {
        if rank < a_count {
            levels[i] = 'A';
        } else if rank < a_count + b_count {
            levels[i] = 'B';
        }
    }
    levels
}

fn scatter(dice: &mut Dice, road: &Road) -> (f64, f64) {
    let (x, y) = dice.in_unit_disc();
    let (lat, lon) = offset(road.lat, road.lon, y * SCATTER_M, x * SCATTER_M);
    // Six decimals (~0.1 m) is what a phone GPS fix reports.
    ((lat * 1e6).round() / 1e6, (lon * 1e6).round() / 1e6)
}

fn house_number(dice: &mut Dice) -> String {
    let n = dice.between(1, 1500);
    if dice.chance(0.12) {
        format!("{n}弄{}号", dice.between(1, 30))
    } else {
        format!("{n}号")
    }
}

fn tags(dice: &mut Dice, brand: &Brand, level: char) -> Vec<String> {
    // Some imported shops were never tagged.
    if dice.chance(0.05) {
        return Vec::new();
    }
    let mut tags = vec![brand.kind.tag()];
    if brand.chain {
        tags.push("连锁");
    }
    let showcase = match level {
        'A' => 0.6,
        'B' => 0.15,
        _ => 0.0,
    };
    if dice.chance(showcase) {
        tags.push("重点陈列");
    }
    if dice.chance(0.08) {
        tags.push("新开门店");
    }
    if dice.chance(0.2) {
        tags.push("社区店");
    }
    tags.truncate(3);
    tags.into_iter().map(String::from).collect()
}
