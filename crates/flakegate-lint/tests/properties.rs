//! Properties of the lint engine: no text makes it panic; every finding
//! and every fix points inside the text, on character boundaries; on
//! generated Nix code (lets, lambdas with patterns, `rec` sets, `if`,
//! `with`, comparisons with booleans — what the rules look for), fixing
//! never breaks a file that parsed, and fixing again changes nothing.
//! (Mutations of the repository's own Nix files are the fuzzer's job, in
//! `fuzz/`.)

use flakegate_lint::{Config, Finding, Rule, fix, lint};
use proptest::prelude::*;

/// Every span and edit is inside `text`, on character boundaries, with
/// positions that agree with the offsets.
fn well_placed(text: &str, findings: &[Finding]) -> Result<(), TestCaseError> {
    for f in findings {
        let (start, end) = (f.span.start, f.span.end);
        prop_assert!(
            start.offset <= end.offset && end.offset <= text.len(),
            "{f:?}"
        );
        for p in [start, end] {
            prop_assert!(text.is_char_boundary(p.offset), "{f:?}");
            let before = &text[..p.offset];
            prop_assert_eq!(p.line, before.matches('\n').count() + 1, "{:?}", f);
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            prop_assert_eq!(
                p.column,
                before[line_start..].chars().count() + 1,
                "{:?}",
                f
            );
        }
        for e in f.fix.iter().flat_map(|x| &x.edits) {
            prop_assert!(e.start <= e.end && e.end <= text.len(), "{f:?}");
            prop_assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
        }
    }
    Ok(())
}

fn ident() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".to_owned()),
        Just("b".to_owned()),
        Just("x".to_owned()),
        Just("self".to_owned()),
        "[a-z][a-z0-9_'-]{0,4}".prop_filter("not a keyword", |s| {
            ![
                "if", "then", "else", "let", "in", "rec", "with", "inherit", "assert", "or",
            ]
            .contains(&s.as_str())
        }),
    ]
}

/// Nix expressions, a few levels deep.
fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        ident(),
        Just("true".to_owned()),
        Just("false".to_owned()),
        Just("null".to_owned()),
        (0u32..100).prop_map(|n| n.to_string()),
        "[a-z é✓]{0,6}".prop_map(|s| format!("\"{s}\"")),
        Just("./p".to_owned()),
        ident().prop_map(|i| format!("\"${{{i}}}\"")),
    ];
    leaf.prop_recursive(4, 40, 3, |e| {
        prop_oneof![
            (ident(), e.clone(), e.clone()).prop_map(|(i, v, b)| format!("let {i} = {v}; in {b}")),
            e.clone().prop_map(|b| format!("let in {b}")),
            (ident(), e.clone()).prop_map(|(i, b)| format!("{i}: {b}")),
            (ident(), e.clone(), e.clone(), any::<bool>()).prop_map(|(i, d, b, at)| {
                let at = if at { " @ args" } else { "" };
                format!("{{ {i} ? {d}, ... }}{at}: {b}")
            }),
            e.clone().prop_map(|b| format!("{{ }}: {b}")),
            (ident(), e.clone(), ident(), e.clone(), any::<bool>()).prop_map(
                |(i, v, j, w, rec)| format!(
                    "{}{{ {i} = {v}; {j} = {w}; }}",
                    if rec { "rec " } else { "" }
                )
            ),
            (ident(), e.clone()).prop_map(|(i, v)| format!("{{ inherit {i}; k = {v}; }}")),
            (e.clone(), e.clone(), e.clone())
                .prop_map(|(c, t, f)| format!("if {c} then {t} else {f}")),
            (e.clone(), any::<bool>()).prop_map(|(c, b)| format!("if {c} then {b} else {}", !b)),
            (e.clone(), any::<bool>()).prop_map(|(a, b)| format!("({a}) == {b}")),
            (e.clone(), e.clone()).prop_map(|(a, b)| format!("[ ({a}) ({b}) ]")),
            (e.clone(), e.clone()).prop_map(|(f, x)| format!("({f}) ({x})")),
            (e.clone(), e.clone()).prop_map(|(s, b)| format!("with {s}; {b}")),
            (e.clone(), ident(), e.clone()).prop_map(|(s, i, d)| format!("({s}).{i} or ({d})")),
            (e.clone(), e.clone()).prop_map(|(a, b)| format!("# c\n({a}) // ({b})")),
        ]
    })
}

fn syntax_errors(findings: &[Finding]) -> usize {
    findings.iter().filter(|f| f.rule == Rule::Syntax).count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_text_is_linted_in_place(text in "(?s).{0,200}") {
        well_placed(&text, &lint(&text, &Config::default()))?;
    }

    /// Text made of Nix's own characters reaches deeper into the parser.
    #[test]
    fn nix_like_text_is_linted_in_place(text in r#"[a-z{}()\[\];:=.,?@'"$\\ \n#/*<>!+-]{0,200}"#) {
        well_placed(&text, &lint(&text, &Config::default()))?;
    }

    #[test]
    fn fixes_keep_code_parsing_and_are_done_in_one_go(code in expr()) {
        let config = Config::default();
        let findings = lint(&code, &config);
        well_placed(&code, &findings)?;
        let fixed = fix(&code, &config);
        well_placed(&fixed.text, &fixed.findings)?;
        prop_assert_eq!(&fixed.findings, &lint(&fixed.text, &config));
        if syntax_errors(&findings) == 0 {
            prop_assert_eq!(syntax_errors(&fixed.findings), 0, "{} became {}", code, fixed.text);
            let again = fix(&fixed.text, &config);
            prop_assert_eq!(again.applied, 0, "{} then {}", fixed.text, again.text);
            prop_assert_eq!(again.text, fixed.text);
        } else {
            prop_assert_eq!(fixed.applied, 0);
            prop_assert_eq!(fixed.text, code);
        }
    }
}

/// The generator reaches what the properties are about: most of its code
/// parses, and a good share of it has fixes to apply.
#[test]
fn generated_code_parses_and_has_fixes() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let config = Config::default();
    let (mut parsed, mut fixed) = (0, 0);
    for _ in 0..200 {
        let code = expr().new_tree(&mut runner).expect("a value").current();
        let findings = lint(&code, &config);
        if syntax_errors(&findings) == 0 {
            parsed += 1;
            if fix(&code, &config).applied > 0 {
                fixed += 1;
            }
        }
    }
    assert!(parsed >= 150, "{parsed} of 200 parse");
    assert!(fixed >= 30, "{fixed} of 200 have fixes");
}
