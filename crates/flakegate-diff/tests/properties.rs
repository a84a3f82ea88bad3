//! `builtins.compareVersions` order properties on generated versions:
//! reflexive, antisymmetric, transitive; and the change classification
//! never panics and calls a version equal to itself the same.

use std::cmp::Ordering;

use flakegate_diff::version::{VersionChange, classify, compare_versions, split_version};
use flakegate_testkit::arb;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn reflexive(a in arb::version()) {
        prop_assert_eq!(compare_versions(&a, &a), Ordering::Equal);
        prop_assert_eq!(classify(&a, &a), VersionChange::Same);
    }

    #[test]
    fn antisymmetric(a in arb::version(), b in arb::version()) {
        prop_assert_eq!(compare_versions(&a, &b), compare_versions(&b, &a).reverse());
    }

    #[test]
    fn transitive(a in arb::version(), b in arb::version(), c in arb::version()) {
        let mut v = [a, b, c];
        v.sort_by(|x, y| compare_versions(x, y));
        // Sorting by a total order leaves every pair in order.
        prop_assert_ne!(compare_versions(&v[0], &v[1]), Ordering::Greater);
        prop_assert_ne!(compare_versions(&v[1], &v[2]), Ordering::Greater);
        prop_assert_ne!(compare_versions(&v[0], &v[2]), Ordering::Greater, "{:?}", v);
    }

    #[test]
    fn an_upgrade_one_way_is_not_an_upgrade_the_other(a in arb::version(), b in arb::version()) {
        if classify(&a, &b) == VersionChange::Upgrade {
            prop_assert_eq!(classify(&b, &a), VersionChange::Downgrade);
        }
    }

    #[test]
    fn any_text_never_panics(a in ".{0,30}", b in ".{0,30}") {
        let _ = compare_versions(&a, &b);
        let _ = classify(&a, &b);
        // Components are pieces of the input, separators dropped.
        let joined: String = split_version(&a).concat();
        prop_assert_eq!(joined, a.replace(['.', '-'], ""));
    }
}
