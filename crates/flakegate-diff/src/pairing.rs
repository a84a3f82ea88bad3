//! Pairing several versions of one package across two sides: equal versions
//! first, then the pair sharing the longest run of leading version components
//! (so openssl 1.1.1w → 1.1.1x and 3.0.14 → 3.0.15, not crosswise).

use crate::version::split_version;

/// Pairs `old` with `new` (both without the versions they share). Returns the
/// pairs and the leftovers of each side, all in input order.
pub fn pair_versions<'a>(
    old: &[&'a str],
    new: &[&'a str],
) -> (Vec<(&'a str, &'a str)>, Vec<&'a str>, Vec<&'a str>) {
    let mut old: Vec<&str> = old.to_vec();
    let mut new: Vec<&str> = new.to_vec();
    let mut pairs = Vec::new();
    while !old.is_empty() && !new.is_empty() {
        let mut best = (0usize, 0usize, 0usize); // (score, i, j)
        for (i, o) in old.iter().enumerate() {
            let oc = split_version(o);
            for (j, n) in new.iter().enumerate() {
                let nc = split_version(n);
                let common = oc.iter().zip(&nc).take_while(|(a, b)| a == b).count();
                // Prefer the longest shared prefix; ties go to input order.
                if common + 1 > best.0 {
                    best = (common + 1, i, j);
                }
            }
        }
        let (_, i, j) = best;
        pairs.push((old.remove(i), new.remove(j)));
    }
    (pairs, old, new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_by_shared_prefix() {
        let (mut pairs, old, new) =
            pair_versions(&["3.0.14", "1.1.1w"], &["1.1.1x", "3.0.15", "4.0.0"]);
        pairs.sort_unstable();
        assert_eq!(pairs, vec![("1.1.1w", "1.1.1x"), ("3.0.14", "3.0.15")]);
        assert!(old.is_empty());
        assert_eq!(new, vec!["4.0.0"]);
    }
}
