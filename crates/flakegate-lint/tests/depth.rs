//! Deep nesting never overflows the stack: 10 MB of `[` is one finding, and
//! deep but reasonable nesting is analysed on a thread sized for it.

use flakegate_lint::{Config, Rule, depth::MAX_NESTING, lint};

#[test]
fn ten_megabytes_of_brackets_is_one_finding() {
    let brackets = "[".repeat(10_000_000);
    let findings = lint(&brackets, &Config::default());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].span.start.column, MAX_NESTING);
    assert!(
        findings[0]
            .message
            .starts_with("nesting deeper than 10000 levels")
    );
}

#[test]
fn a_megabyte_of_any_nesting_is_one_finding() {
    for unit in [
        "(",
        "{a=",
        "!",
        "-",
        "x: ",
        "a ++ ",
        "a.b or ",
        "let a = 1; in ",
        "with a; ",
    ] {
        let src = unit.repeat(1_000_000 / unit.len());
        let findings = lint(&src, &Config::default());
        assert_eq!(findings.len(), 1, "{unit}");
        assert_eq!(findings[0].rule, Rule::Syntax);
        let m = &findings[0].message;
        assert!(
            m.starts_with("nesting deeper than 10000 levels")
                || m.starts_with("runs of path characters"),
            "{unit}: {m}"
        );
    }
}

#[test]
fn runs_the_tokenizer_would_take_minutes_on_are_one_finding() {
    // rnix needs over a minute for this 80 kB file.
    let src = format!("x: {}", "1.".repeat(40_000));
    let findings = lint(&src, &Config::default());
    assert_eq!(findings.len(), 1);
    assert_eq!(
        (findings[0].span.start.line, findings[0].span.start.column),
        (1, 4)
    );
    assert!(
        findings[0]
            .message
            .starts_with("runs of path characters too long")
    );
}

#[test]
fn deep_but_allowed_nesting_is_analysed() {
    // Run on a small stack: the engine must not rely on its caller's.
    std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(|| {
            let n = MAX_NESTING / 10;
            let list = format!("let x = 1; in {}{}", "[".repeat(n), "]".repeat(n));
            let findings = lint(&list, &Config::default());
            assert_eq!(findings.len(), 1, "{findings:?}");
            assert_eq!(findings[0].rule, Rule::UnusedLet);
            let lambdas = format!("{}1", "x: ".repeat(400));
            assert_eq!(lint(&lambdas, &Config::default()).len(), 400);
            let parens = format!("{}1{}", "(".repeat(600), ")".repeat(600));
            // Past rnix's own limit of 512 expression levels: a finding.
            let f = lint(&parens, &Config::default());
            assert!(
                f.iter().any(|f| f.message.starts_with("nesting too deep")),
                "{f:?}"
            );
        })
        .expect("spawn")
        .join()
        .expect("no overflow");
}
