//! Unused bindings: deadnix's semantics, case by case (each case was run
//! through deadnix 1.3.1 to learn what it reports).

mod common;

use flakegate_lint::Config;

fn check(src: &str) -> Vec<String> {
    common::check_unused(src, &Config::default())
}

fn check_with(src: &str, config: &Config) -> Vec<String> {
    common::check_unused(src, config)
}

#[test]
fn let_bindings_dead_through_dead_users_only() {
    // `a` is read only by `b`, which nothing reads: both are dead.
    assert_eq!(
        check("let a = 1; b = a; c = 3; in c"),
        ["1:5 unused-let", "1:12 unused-let"]
    );
    // A chain ending in the body keeps everything alive.
    assert!(check("let a = 1; b = a; c = b; in c").is_empty());
    // Mutual references keep each other alive (the greatest fixpoint).
    assert!(check("let a = b; b = a; c = 1; in c").is_empty());
    // A reference from its own value does not count.
    assert_eq!(check("let f = n: f n; in 1"), ["1:5 unused-let"]);
}

#[test]
fn scopes_shadow() {
    assert_eq!(check("let a = 1; in let a = 2; in a"), ["1:5 unused-let"]);
    assert_eq!(check("let a = 1; in { a }: a"), ["1:5 unused-let"]);
    assert_eq!(check("let a = 1; in a: a"), ["1:5 unused-let"]);
    assert_eq!(
        check("let a = 1; in rec { a = 2; b = a; }"),
        ["1:5 unused-let"]
    );
    // A non-recursive set does not bind its names for its values.
    assert!(check("let a = 1; in { a = 2; b = a; }").is_empty());
    // `with` never shadows a lexical binding.
    assert!(check("let a = 1; in with { a = 2; }; a").is_empty());
    assert!(check("let a = 1; in with b; a").is_empty());
}

#[test]
fn inherit_reads_outside_its_own_set() {
    assert!(check("let a = 1; in { inherit a; }").is_empty());
    assert!(check("let a = 1; in rec { inherit a; }").is_empty());
    // Nested inside a recursive set, `inherit a` reads the set's `a`.
    assert_eq!(
        check("let a = 1; in rec { a = 2; b = { inherit a; }; }"),
        ["1:5 unused-let"]
    );
    // `inherit (x) b` reads `x`, and binds (does not read) `b`. (deadnix
    // counts `b` as read: a documented departure.)
    assert_eq!(
        check("let x = {}; b = 2; in { inherit (x) b; }"),
        ["1:13 unused-let"]
    );
    // In a `let`, the names of `inherit (x)` are bindings; `x` lives as long
    // as one of them does.
    assert_eq!(
        check("let x = {}; inherit (x) a b; in b"),
        ["1:25 unused-let"]
    );
    assert_eq!(
        check("let x = {}; inherit (x) a; in 1"),
        ["1:5 unused-let", "1:25 unused-let"]
    );
}

#[test]
fn names_that_are_not_reads() {
    assert_eq!(check("let a = 1; in x: x.a"), ["1:5 unused-let"]);
    assert_eq!(check("let a = 1; in x: x ? a"), ["1:5 unused-let"]);
    assert_eq!(check("let a = 1; in { a.b = 1; }"), ["1:5 unused-let"]);
    for read in [
        "let a = 1; in { ${a} = 1; }",
        "let a = \"\"; in \"${a}\"",
        "let a = \"\"; in ./${a}",
        "let a = 1; in x: x.${a}",
        "let a = 1; in x: x.b or a",
        "let a = 1; in let inherit (a) x; in x",
    ] {
        assert!(check(read).is_empty(), "{read}");
    }
}

#[test]
fn lambdas_and_patterns() {
    assert_eq!(check("x: 1"), ["1:1 unused-lambda-arg"]);
    assert!(
        check("_x: 1").is_empty(),
        "`_x:` is the convention for unused"
    );
    assert_eq!(check("{ a, b }: b"), ["1:3 unused-pattern-name"]);
    // Defaults read other names, and keep them alive.
    assert!(check("{ a, b ? a }: b").is_empty());
    assert!(check("{ a ? b, b ? a }: 1").is_empty());
    assert_eq!(check("{ z ? z }: 1"), ["1:3 unused-pattern-name"]);
    assert_eq!(check("args@{ ... }: 1"), ["1:1 unused-lambda-arg"]);
    assert_eq!(check("{ a, ... }@args: args"), ["1:3 unused-pattern-name"]);
    assert!(check("args@{ a ? args.x }: a").is_empty());
    assert_eq!(check("t: { t ? 1 }: t"), ["1:1 unused-lambda-arg"]);
}

#[test]
fn exported_names_are_never_unused() {
    assert!(check("rec { a = 1; }").is_empty());
    assert!(check("let { a = 1; body = 2; }").is_empty());
}

#[test]
fn attribute_paths_bind_once_per_site() {
    assert_eq!(
        check("let a.b = 1; a.c = 2; in 1"),
        ["1:5 unused-let", "1:14 unused-let"]
    );
    assert!(check("let a.b = 1; a.c = 2; in a").is_empty());
}

#[test]
fn options_match_deadnix_flags() {
    let src = "let _u = 1; in { _q, p ? 1 }: _a@{ ... }: x: _x: 1";
    assert_eq!(
        check(src),
        [
            "1:5 unused-let",
            "1:18 unused-pattern-name",
            "1:22 unused-pattern-name",
            "1:31 unused-lambda-arg",
            "1:43 unused-lambda-arg",
        ]
    );
    let no_args = Config {
        skip_lambda_args: true,
        ..Config::default()
    };
    // Like deadnix -l: `x:` goes, the `@` name stays.
    assert_eq!(
        check_with(src, &no_args),
        [
            "1:5 unused-let",
            "1:18 unused-pattern-name",
            "1:22 unused-pattern-name",
            "1:31 unused-lambda-arg",
        ]
    );
    let no_names = Config {
        skip_pattern_names: true,
        ..Config::default()
    };
    assert_eq!(
        check_with(src, &no_names),
        [
            "1:5 unused-let",
            "1:31 unused-lambda-arg",
            "1:43 unused-lambda-arg"
        ]
    );
    let no_underscore = Config {
        skip_underscore: true,
        ..Config::default()
    };
    assert_eq!(
        check_with(src, &no_underscore),
        ["1:22 unused-pattern-name", "1:43 unused-lambda-arg"]
    );
}
