//! The closure baseline file: no input panics, and a saved baseline reads
//! back as the same value.

use std::collections::BTreeMap;
use std::path::Path;

use flakegate_closure::Baseline;
use flakegate_report::baseline;
use flakegate_report::{Document, Envelope, Schema};
use flakegate_testkit::arb;
use proptest::prelude::*;

fn baselines() -> impl Strategy<Value = Baseline> {
    (
        any::<u64>(),
        any::<usize>(),
        proptest::collection::vec(arb::package_name(), 0..3),
        proptest::collection::btree_map(arb::package_name(), any::<u64>(), 0..8),
    )
        .prop_map(|(total_size, path_count, roots, paths)| Baseline {
            total_size,
            path_count,
            roots,
            paths,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_saved_baseline_reads_back(body in baselines()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("closure-baseline.json");
        baseline::write(&file, Envelope::new("closure", "ignored"), &body).expect("write");
        let doc: Document<Baseline> = baseline::read(&file).expect("read");
        prop_assert_eq!(doc.body, body);
    }

    #[test]
    fn any_document_of_the_schema_is_read_or_refused(
        mut doc in arb::json_object_with(&["totalSize", "pathCount", "roots", "paths", "x"]),
    ) {
        doc["schema"] = Baseline::SCHEMA.into();
        let bytes = serde_json::to_vec(&doc).expect("json");
        let _ = baseline::parse::<Baseline>(Path::new("b.json"), &bytes);
    }

    #[test]
    fn sizes_of_any_number_are_read_or_refused(size in arb::json()) {
        let paths: BTreeMap<&str, &serde_json::Value> = [("hello-2.12.1", &size)].into();
        let doc = serde_json::json!({
            "schema": Baseline::SCHEMA, "totalSize": size, "pathCount": 1,
            "roots": ["hello-2.12.1"], "paths": paths,
        });
        let read = baseline::parse::<Baseline>(Path::new("b.json"), &serde_json::to_vec(&doc).expect("json"));
        // A size is a whole number of bytes: anything else is refused.
        prop_assert_eq!(read.is_ok(), size.as_u64().is_some());
    }
}
