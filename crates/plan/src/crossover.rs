//! Ordered crossover (OX) on giant tours: the child keeps a random slice of the first
//! parent in place and fills the rest in the order the second parent visits them,
//! starting after the slice. Split then cuts the child into routes.

use crate::rng::Rng;

pub fn ordered(a: &[u32], b: &[u32], n: usize, rng: &mut Rng) -> Vec<u32> {
    let len = a.len();
    debug_assert_eq!(len, b.len());
    if len < 2 {
        return a.to_vec();
    }
    let start = rng.below(len);
    let mut end = rng.below(len);
    while end == start {
        end = rng.below(len);
    }
    let mut child = vec![0u32; len];
    let mut taken = vec![false; n + 1];
    let mut i = start;
    while i != (end + 1) % len {
        child[i] = a[i];
        taken[a[i] as usize] = true;
        i = (i + 1) % len;
    }
    let mut at = (end + 1) % len;
    for k in 0..len {
        let c = b[(end + 1 + k) % len];
        if !taken[c as usize] {
            child[at] = c;
            at = (at + 1) % len;
        }
    }
    child
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_is_a_permutation() {
        let a: Vec<u32> = (1..=20).collect();
        let mut b = a.clone();
        let mut rng = Rng::new(3);
        rng.shuffle(&mut b);
        for _ in 0..50 {
            let mut c = ordered(&a, &b, 20, &mut rng);
            c.sort_unstable();
            assert_eq!(c, a);
        }
    }
}
