//! Usage errors: clap's message and tip in one line, a pointer to `--help`,
//! exit 2, and no usage dump.

use crate::util::{code, run, stderr};

#[test]
fn usage_errors_are_two_lines_and_exit_2() {
    for (args, first) in [
        (
            &["closure", "-1"][..],
            "error: unexpected argument '-1' found; tip: to pass '-1' as a value, use '-- -1'",
        ),
        (
            &["closure", "--max-size", "15GiBB", "x"][..],
            "error: invalid value '15GiBB' for '--max-size <SIZE>'",
        ),
        (
            &["no-such-command"][..],
            "error: unrecognized subcommand 'no-such-command'",
        ),
        (
            &["report"][..],
            "error: the following required arguments were not provided: <FILE>...",
        ),
    ] {
        let out = run(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        let text = stderr(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: {text}");
        assert!(lines[0].starts_with(first), "{args:?}: {text}");
        assert!(lines[1].starts_with("(see `flakegate"), "{args:?}: {text}");
    }
}

#[test]
fn help_and_version_still_print_and_exit_0() {
    let out = run(&["--version"]);
    assert_eq!(code(&out), 0);
    let out = run(&["report", "--help"]);
    assert_eq!(code(&out), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Examples:"));
}
