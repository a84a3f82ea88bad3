//! `fix`: what each certain fix writes, repeated until nothing is left, and
//! never applied to a file that does not parse.

use flakegate_lint::{Config, Rule, fix};

fn fixed(src: &str) -> String {
    fix(src, &Config::default()).text
}

#[test]
fn each_fix_writes_the_simpler_code() {
    for (src, want) in [
        ("let in 1", "1"),
        ("{ }: 1", "_: 1"),
        ("x: if x then true else false", "x: x"),
        ("x: if x then false else true", "x: !x"),
        ("x: y: if x && y then false else true", "x: y: !(x && y)"),
        ("x: (x == null) == false", "x: x != null"),
        ("x: (x != null) == true", "x: (x != null)"),
        ("x: y: x < y != true", "x: y: !(x < y)"),
        ("rec { a = 1; }", "{ a = 1; }"),
        ("let\n  a = 1;\n  b = 2;\nin\nb", "let\n  b = 2;\nin\nb"),
        ("let a = 1; b = 2; in b", "let b = 2; in b"),
        ("x: 1", "_: 1"),
        ("args@{ a }: a", "{ a }: a"),
        ("{ a }@args: a", "{ a }: a"),
        ("{ a, b, ... }: b", "{ b, ... }: b"),
        ("{\n  a,\n  b,\n  ...\n}: b", "{\n  b,\n  ...\n}: b"),
        (
            "let inherit (builtins) map filter; in map",
            "let inherit (builtins) map; in map",
        ),
    ] {
        assert_eq!(fixed(src), want, "{src}");
    }
}

#[test]
fn fixes_without_certainty_are_not_offered() {
    // Dropping `a` would make `f { a = 1; }` fail: no `...`.
    assert_eq!(fixed("{ a, b }: b"), "{ a, b }: b");
    // callPackage and the module system pass what the pattern names: `args.a`
    // would be missing.
    assert_eq!(fixed("args@{ a, ... }: args.a"), "args@{ a, ... }: args.a");
    assert_eq!(fixed("{ a, ... }@args: args"), "{ a, ... }@args: args");
    // `x == true` is also `false` for a non-boolean `x`.
    assert_eq!(fixed("x: x == true"), "x: x == true");
    // A comment inside would go with the fix.
    assert_eq!(fixed("let # why\nin 1"), "let # why\nin 1");
    // Nix rejects it, but which definition to keep is the author's call.
    assert_eq!(fixed("{ a = 1; a = 2; }"), "{ a = 1; a = 2; }");
}

#[test]
fn fixing_repeats_until_nothing_is_left() {
    // Removing `b` leaves `a` unused, then the `let` empty.
    let out = fix("let a = 1; b = a; in 2", &Config::default());
    assert_eq!(out.text, "2");
    assert_eq!(out.applied, 3);
    assert!(out.findings.is_empty());
    let all_dead = fix("let inherit (x) a b; in 1", &Config::default());
    assert_eq!(all_dead.text, "1");
}

#[test]
fn files_that_do_not_parse_are_left_alone() {
    let broken = "let a = 1; in { b = ; }";
    let out = fix(broken, &Config::default());
    assert_eq!(out.text, broken);
    assert_eq!(out.applied, 0);
    assert!(out.findings.iter().any(|f| f.rule == Rule::Syntax));
}

#[test]
fn only_selected_rules_are_fixed() {
    let config = Config {
        select: Some(vec![Rule::UselessRec]),
        ..Config::default()
    };
    assert_eq!(
        fix("let a = 1; in rec { }", &config).text,
        "let a = 1; in { }"
    );
}
