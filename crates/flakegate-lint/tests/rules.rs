//! The syntax, duplicate-key and anti-pattern rules, and what every rule
//! shares: spans, severities, select/ignore and ignore comments.

mod common;

use common::{brief, check, check_with};
use flakegate_lint::{Config, Rule, Severity, lint};

#[test]
fn every_parse_error_is_a_finding_with_its_position() {
    let findings = lint("{\n  a = 1 b = 2;\n  c = ;\n}\n", &Config::default());
    assert_eq!(
        brief(&findings),
        [
            "2:11 syntax",
            "3:7 syntax",
            "4:1 syntax",
            "5:1 syntax",
            "5:1 syntax"
        ]
    );
    assert!(findings.iter().all(|f| f.severity == Severity::Error));
    assert_eq!(findings[0].message, "unexpected `=`, expected `;`");
    assert_eq!(
        findings[1].message,
        "unexpected `;`, expected an expression"
    );
    let eof = lint("let a = 1;", &Config::default());
    assert!(
        eof.iter()
            .any(|f| f.message.starts_with("unexpected end of file")),
        "{eof:?}"
    );
}

#[test]
fn spans_have_lines_columns_and_byte_offsets() {
    let f = &lint("# é\nlet\n  s = \"é\"; ab = 1;\nin s", &Config::default())[0];
    assert_eq!(f.message, "unused let binding `ab`");
    assert_eq!((f.span.start.line, f.span.start.column), (3, 12));
    assert_eq!((f.span.end.line, f.span.end.column), (3, 14));
    assert_eq!((f.span.start.offset, f.span.end.offset), (21, 23));
}

#[test]
fn duplicate_keys_that_nix_rejects() {
    for (src, want) in [
        ("{ a = 1; a = 2; }", vec!["1:10 duplicate-key"]),
        ("{ a.x = 1; a.x = 2; }", vec!["1:14 duplicate-key"]),
        ("{ a = 1; a.b = 2; }", vec!["1:10 duplicate-key"]),
        ("{ inherit a; a = 1; }", vec!["1:14 duplicate-key"]),
        ("{ a = 1; \"a\" = 2; }", vec!["1:10 duplicate-key"]),
        ("{ a = { x = 1; }; a.x = 2; }", vec!["1:21 duplicate-key"]),
        (
            "{ a = { inherit x; }; a.x = 1; }",
            vec!["1:25 duplicate-key"],
        ),
        (
            "{ a.b = 1; a = {c = 2;} // {}; }",
            vec!["1:12 duplicate-key"],
        ),
        ("let a = 1; a = 2; in a", vec!["1:12 duplicate-key"]),
        (
            "{ ${\"a\"} = 1; ${\"a\"} = 2; }",
            vec!["1:15 duplicate-key"],
        ),
        ("{ a, ... }@a: a", vec!["1:12 duplicate-key"]),
        ("{ a, a }: 1", vec!["1:6 duplicate-key"]),
        ("{ a, b ? a, a ? 1 }: 1", vec!["1:13 duplicate-key"]),
        // Checked once, with the set it is merged into.
        ("{ a = ({ b = 1; b = 2; }); }", vec!["1:17 duplicate-key"]),
        (
            "{ a = { b = 1; }; a = ({ b.c = 2; }); }",
            vec!["1:26 duplicate-key"],
        ),
    ] {
        let only = Config {
            select: Some(vec![Rule::DuplicateKey]),
            ..Config::default()
        };
        assert_eq!(check_with(src, &only), want, "{src}");
    }
    // What Nix merges.
    for src in [
        "{ a = { x = 1; }; a.y = 2; }",
        "{ a.y = 2; a = { x = 1; }; }",
        "{ a = { x = 1; }; a = { y = 2; }; }",
        "{ a = ({ x = 1; }); a.y = 2; }",
        "{ a = { x = 1; }; a = ({ y = 2; }); }",
        "{ a.x = 1; a = (({ y = 2; })); }",
        "{ a.b = 1; a.${\"c\"} = 2; }",
        "{ \"${x}\" = 1; a = 2; }",
        "{ a = 1; b = { a = 2; }; }",
    ] {
        assert!(check(src).is_empty(), "{src}: {:?}", check(src));
    }
    let f = &lint("{\n  a = 1;\n  a = 2;\n}", &Config::default())[0];
    assert_eq!(f.message, "attribute `a` is already defined on line 2");
}

#[test]
fn anti_patterns() {
    for (src, want) in [
        ("let in 1", "1:1 empty-let"),
        ("{ }: 1", "1:1 empty-pattern"),
        ("x: if x then true else false", "1:4 bool-if"),
        ("x: if x then false else true", "1:4 bool-if"),
        ("x: (x == null) == false", "1:4 bool-comparison"),
        ("x: y: false != (x || y)", "1:7 bool-comparison"),
        ("x: !x == true", "1:4 bool-comparison"),
        ("rec { a = 1; b = 2; }", "1:1 useless-rec"),
        ("rec { }", "1:1 useless-rec"),
    ] {
        assert_eq!(check(src), [want], "{src}");
    }
    for fine in [
        "{ ... }: 1",
        "a@{ }: a",
        "x: if x then 1 else false",
        "x: x == null",
        // `x` may be `null` or a string: `x == true` is no `x`.
        "x: x == true",
        "x: false != x",
        "x: (x.enable or false) == true",
        "rec { a = 1; b = a; }",
        "rec { a = 1; b = { c = a; }; }",
        "rec { a = 1; ${a} = 2; }",
        "rec { a = {}; inherit (a) b; }",
        "rec { a = 1; b = { inherit a; }; }",
        "let a = 1; in a",
    ] {
        assert!(check(fine).is_empty(), "{fine}: {:?}", check(fine));
    }
    // `inherit a;` straight in a recursive set reads the outer `a`.
    assert_eq!(check("a: rec { inherit a; }"), ["1:4 useless-rec"]);
}

#[test]
fn select_and_ignore() {
    let src = "let x = 1; in rec { a = if true then true else false; }";
    assert_eq!(
        check(src),
        ["1:5 unused-let", "1:15 useless-rec", "1:25 bool-if"]
    );
    let select = Config {
        select: Some(vec![Rule::BoolIf, Rule::UnusedLet]),
        ..Config::default()
    };
    assert_eq!(check_with(src, &select), ["1:5 unused-let", "1:25 bool-if"]);
    let ignore = Config {
        select: Some(vec![Rule::BoolIf, Rule::UnusedLet]),
        ignore: vec![Rule::BoolIf],
        ..Config::default()
    };
    assert_eq!(check_with(src, &ignore), ["1:5 unused-let"]);
    assert_eq!("bool-if".parse::<Rule>(), Ok(Rule::BoolIf));
    let unknown = "bool"
        .parse::<Rule>()
        .expect_err("no such rule")
        .to_string();
    assert!(
        unknown.starts_with("unknown rule `bool` (rules: syntax, "),
        "{unknown}"
    );
}

#[test]
fn ignore_comments() {
    // On the line, for that rule only.
    assert_eq!(
        check("let x = 1; # flakegate: ignore[unused-let]\nin rec { }"),
        ["2:4 useless-rec"]
    );
    assert_eq!(
        check("let x = 1; # flakegate: ignore[bool-if]\nin 2"),
        ["1:5 unused-let"]
    );
    // Alone on the line above.
    assert!(check("let\n  # flakegate: ignore[unused-let]\n  x = 1;\nin 2").is_empty());
    // Above the enclosing binding: silences what is inside it.
    let nested = "{\n  # flakegate: ignore[bool-if, unused-lambda-arg]\n  f =\n    x:\n    if true then true else false;\n}";
    assert!(check(nested).is_empty(), "{:?}", check(nested));
    // A bare marker silences every rule.
    assert!(check("let x = 1; in rec { } # flakegate: ignore").is_empty());
    // A comment two lines up, or after code on the line above, does not.
    assert_eq!(
        check("let\n  # flakegate: ignore[unused-let]\n\n  x = 1;\nin 2"),
        ["4:3 unused-let"]
    );
    assert_eq!(
        check("let y = 1; # flakegate: ignore[unused-let]\n  x = 1;\nin 2"),
        ["2:3 unused-let"]
    );
}

#[test]
fn findings_are_sorted_and_carry_severity() {
    let all = lint("{ a = 1; a = x: 1; }", &Config::default());
    assert_eq!(
        brief(&all),
        ["1:10 duplicate-key", "1:14 unused-lambda-arg"]
    );
    assert_eq!(all[0].severity, Severity::Error);
    assert_eq!(all[1].severity, Severity::Warning);
}
