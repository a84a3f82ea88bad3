//! Properties of the baseline reader: no input panics, another schema is
//! named as such, and what `write` saves `read` returns unchanged. The
//! closure and bench baseline types have the same properties in their own
//! crates' tests.

use std::path::Path;

use flakegate_report::baseline::{self, BaselineError};
use flakegate_report::{Document, Envelope, Schema};
use flakegate_testkit::arb;
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Sizes {
    total: u64,
    names: Vec<String>,
}

impl Schema for Sizes {
    const SCHEMA: &'static str = "flakegate.test.baseline/1";
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = baseline::parse::<Sizes>(Path::new("b.json"), &bytes);
    }

    #[test]
    fn any_json_is_read_or_refused(mut doc in arb::json(), schema in any::<bool>()) {
        if schema && doc.is_object() {
            doc["schema"] = Sizes::SCHEMA.into();
        }
        let bytes = serde_json::to_vec(&doc).expect("json");
        let _ = baseline::parse::<Sizes>(Path::new("b.json"), &bytes);
    }

    #[test]
    fn another_schema_is_named(schema in "[a-z./0-9]{0,30}") {
        prop_assume!(schema != Sizes::SCHEMA);
        let bytes = serde_json::to_vec(&serde_json::json!({"schema": schema, "total": 1, "names": []}))
            .expect("json");
        let err = baseline::parse::<Sizes>(Path::new("b.json"), &bytes).expect_err("other schema");
        let named = matches!(err, BaselineError::Schema { ref found, .. } if *found == schema);
        prop_assert!(named, "{}", err);
    }

    #[test]
    fn what_is_written_is_read(total in any::<u64>(), names in proptest::collection::vec(".{0,20}", 0..5)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("b.json");
        let body = Sizes { total, names };
        baseline::write(&file, Envelope::new("test", "ignored"), &body).expect("write");
        let doc: Document<Sizes> = baseline::read(&file).expect("read");
        prop_assert_eq!(doc.body, body);
    }
}
