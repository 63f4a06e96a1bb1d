//! Made-up people: Chinese names with their pinyin, and mobile numbers
//! that never repeat within the company.

use std::collections::HashSet;

use crate::names::{GIVEN_NAMES, SURNAMES};
use crate::rng::Dice;

pub(crate) struct Person {
    pub name: String,
    /// "wang.jianguo"; not unique on its own (王/汪 are both "wang").
    pub pinyin: String,
}

/// Mainland mobile prefixes of the three carriers (13x/15x/17x/18x/19x).
const MOBILE_PREFIXES: &[u32] = &[
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
    176, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 198, 199,
];

pub(crate) fn person(dice: &mut Dice) -> Person {
    let (surname, surname_py, _) = *dice.pick_weighted(SURNAMES, |s| s.2);
    let (given, given_py) = *dice.pick(GIVEN_NAMES);
    Person {
        name: format!("{surname}{given}"),
        pinyin: format!("{surname_py}.{given_py}"),
    }
}

/// Hands out names and phone numbers, remembering what it gave so that
/// staff names and every phone number stay unique.
#[derive(Default)]
pub(crate) struct Registry {
    names: HashSet<String>,
    phones: HashSet<String>,
}

impl Registry {
    pub(crate) fn unique_person(&mut self, dice: &mut Dice) -> Person {
        loop {
            let p = person(dice);
            if self.names.insert(p.name.clone()) {
                return p;
            }
        }
    }

    pub(crate) fn unique_phone(&mut self, dice: &mut Dice) -> String {
        loop {
            let prefix = dice.pick(MOBILE_PREFIXES);
            let rest = dice.below(100_000_000);
            let phone = format!("{prefix}{rest:08}");
            if self.phones.insert(phone.clone()) {
                return phone;
            }
        }
    }
}
