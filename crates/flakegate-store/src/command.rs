//! The one way flakegate runs `nix`, `nix-store`, `nix-instantiate` and
//! `git`: an [`Invocation`] holds flakegate's own options and the operands
//! apart, and puts the operands last, after the end of the options, so that
//! nothing a user typed (an installable, a path, a flake reference, an
//! attribute name, a revision) can ever be read as an option. Nix splits
//! compound short flags, so without this `-f/x.nix#` would evaluate a file
//! and `-j1#x` set max-jobs.
//!
//! How each program ends its options, as measured on Nix 2.8 and 2.34 and
//! git 2.47 and 2.55:
//! - `nix`: `--`; after it an operand is a flake reference or a path, even
//!   one that starts with `-`.
//! - `nix-store`, `nix-instantiate`: `--` is accepted, but their own parser
//!   still rejects an operand that starts with `-` as an unknown flag. Their
//!   operands are files, so one that starts with `-` is refused here with a
//!   hint (`./-x` names the same file) instead of reaching Nix.
//! - `git`: `--end-of-options`, after which a `-x` is a revision, not an
//!   option (git's release notes: 2.24 on, `rev-parse` from 2.30, so
//!   Debian stable's 2.39 has it).
//!
//! `tar`, which unpacks `git archive` for `bench --compare`, is run here too.
//! Every child process of flakegate is built here; the clippy configuration
//! of the workspace forbids `duct::cmd` and `std::process::Command::new`
//! anywhere else.

use std::path::Path;

use crate::StoreError;

/// Flags that make the `nix` command usable on every version from 2.8 on,
/// whatever the user's `nix.conf` says.
pub const NIX_FEATURES: [&str; 2] = ["--extra-experimental-features", "nix-command flakes"];

/// The programs flakegate runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Program {
    Nix,
    NixStore,
    NixInstantiate,
    Git,
    /// Unpacks `git archive` for `bench --compare`; never given operands.
    Tar,
}

impl Program {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Nix => "nix",
            Self::NixStore => "nix-store",
            Self::NixInstantiate => "nix-instantiate",
            Self::Git => "git",
            Self::Tar => "tar",
        }
    }

    /// What ends this program's options.
    fn end_of_options(self) -> &'static str {
        match self {
            Self::Git => "--end-of-options",
            Self::Nix | Self::NixStore | Self::NixInstantiate | Self::Tar => "--",
        }
    }

    /// Whether the program reads an operand that starts with `-` as a flag
    /// even after the end of options (see the module docs).
    fn refuses_dash_operands(self) -> bool {
        matches!(self, Self::NixStore | Self::NixInstantiate | Self::Tar)
    }
}

/// One command line: the program, flakegate's options, the operands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    program: Program,
    /// Options and subcommands, all chosen by flakegate (an option's value
    /// may come from the user: it is read as that option's value).
    options: Vec<String>,
    /// Anything else, after the end of options.
    operands: Vec<String>,
}

impl Invocation {
    /// `nix SUBCOMMAND…` with the experimental features it needs.
    #[must_use]
    pub fn nix(subcommand: &[&str]) -> Self {
        Self::new(Program::Nix)
            .options(NIX_FEATURES)
            .options(subcommand.iter().copied())
    }

    #[must_use]
    pub fn nix_store() -> Self {
        Self::new(Program::NixStore)
    }

    #[must_use]
    pub fn nix_instantiate() -> Self {
        Self::new(Program::NixInstantiate)
    }

    /// `git -C DIR …`.
    #[must_use]
    pub fn git(dir: &Path) -> Self {
        Self::new(Program::Git).options(["-C".to_owned(), dir.display().to_string()])
    }

    #[must_use]
    pub fn new(program: Program) -> Self {
        Self {
            program,
            options: Vec::new(),
            operands: Vec::new(),
        }
    }

    /// Appends options (or an option and its value, or subcommand words).
    #[must_use]
    pub fn options<I, S>(mut self, options: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options.extend(options.into_iter().map(Into::into));
        self
    }

    #[must_use]
    pub fn option(self, option: impl Into<String>) -> Self {
        self.options([option.into()])
    }

    /// Appends operands: they go after the end of options.
    #[must_use]
    pub fn operands<I, S>(mut self, operands: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.operands.extend(operands.into_iter().map(Into::into));
        self
    }

    #[must_use]
    pub fn operand(self, operand: impl Into<String>) -> Self {
        self.operands([operand.into()])
    }

    #[must_use]
    pub fn program(&self) -> Program {
        self.program
    }

    /// The argument vector after the program name: the options, then (when
    /// there are operands) the end of options and the operands. An operand
    /// the program would still take for a flag is refused, naming it.
    pub fn argv(&self) -> Result<Vec<String>, StoreError> {
        let refused = self
            .operands
            .iter()
            .find(|o| self.program.refuses_dash_operands() && o.starts_with('-'));
        if let Some(operand) = refused {
            return Err(StoreError::OptionLikeOperand {
                operand: operand.clone(),
                program: self.program.name(),
            });
        }
        let mut argv = self.options.clone();
        if !self.operands.is_empty() {
            argv.push(self.program.end_of_options().to_owned());
            argv.extend(self.operands.iter().cloned());
        }
        Ok(argv)
    }

    /// How the command is shown in messages: the program, its options
    /// without the feature flags, and the operands; long arguments (Nix
    /// expressions) shortened. The end of options is left out: messages
    /// quote what the user would type.
    #[must_use]
    pub fn display(&self) -> String {
        let mut parts = vec![self.program.name().to_owned()];
        let shown = self
            .options
            .iter()
            .filter(|a| !NIX_FEATURES.contains(&a.as_str()))
            .chain(&self.operands);
        parts.extend(shown.map(|a| {
            if a.chars().count() > 60 {
                format!("{}…", a.chars().take(57).collect::<String>())
            } else {
                a.clone()
            }
        }));
        parts.join(" ")
    }

    /// The command as a `duct` expression, for callers that stream its
    /// output.
    pub fn expression(&self) -> Result<duct::Expression, StoreError> {
        #[allow(clippy::disallowed_methods)] // the one place that spawns
        let expression = duct::cmd(self.program.name(), self.argv()?);
        Ok(expression)
    }

    /// The command as a `std::process::Command`, for the one caller that
    /// needs the child's own resource usage (`wait4`).
    pub fn std_command(&self) -> Result<std::process::Command, StoreError> {
        #[allow(clippy::disallowed_methods)] // the one place that spawns
        let mut command = std::process::Command::new(self.program.name());
        command.args(self.argv()?);
        Ok(command)
    }

    /// The error for a failure to start the program.
    #[must_use]
    pub fn spawn_error(&self, e: &std::io::Error) -> StoreError {
        StoreError::Nix {
            command: self.display(),
            message: if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "{} not found on PATH; is {} installed?",
                    self.program.name(),
                    match self.program {
                        Program::Git => "git",
                        Program::Tar => "tar",
                        Program::Nix | Program::NixStore | Program::NixInstantiate => "Nix",
                    }
                )
            } else {
                e.to_string()
            },
        }
    }

    /// Runs the command and returns its stdout, or an error carrying the
    /// essential part of its stderr.
    pub fn run(&self) -> Result<Vec<u8>, StoreError> {
        let output = self
            .expression()?
            .stdout_capture()
            .stderr_capture()
            .stdin_null()
            .unchecked()
            .run()
            .map_err(|e| self.spawn_error(&e))?;
        if output.status.success() {
            return Ok(output.stdout);
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(StoreError::Nix {
            command: self.display(),
            message: crate::nix::essential_error(&stderr)
                .unwrap_or_else(|| output.status.to_string()),
        })
    }

    /// [`Invocation::run`], its stdout as text.
    pub fn run_text(&self) -> Result<String, StoreError> {
        Ok(String::from_utf8_lossy(&self.run()?).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operands_come_after_the_end_of_options() {
        let argv = Invocation::nix(&["eval", "--json"])
            .options(["--apply", "x: x"])
            .operand("-f/tmp/evil.nix#")
            .argv()
            .expect("argv");
        assert_eq!(
            argv,
            [
                "--extra-experimental-features",
                "nix-command flakes",
                "eval",
                "--json",
                "--apply",
                "x: x",
                "--",
                "-f/tmp/evil.nix#"
            ]
        );
        let git = Invocation::git(Path::new("/r"))
            .options(["rev-parse", "--verify"])
            .operand("-x")
            .argv()
            .expect("argv");
        assert_eq!(
            git,
            [
                "-C",
                "/r",
                "rev-parse",
                "--verify",
                "--end-of-options",
                "-x"
            ]
        );
        // Without operands there is nothing to end.
        let version = Invocation::new(Program::Nix).option("--version");
        assert_eq!(version.argv().expect("argv"), ["--version"]);
    }

    #[test]
    fn the_legacy_commands_refuse_an_operand_that_looks_like_a_flag() {
        for invocation in [
            Invocation::nix_store().option("--realise").operand("-j1"),
            Invocation::nix_instantiate()
                .options(["-A", "x"])
                .operand("--eval"),
        ] {
            let err = invocation.argv().expect_err("refused").to_string();
            assert!(err.contains("as an option"), "{err}");
            assert!(
                err.starts_with("-j1:") || err.starts_with("--eval:"),
                "{err}"
            );
        }
        // An option's value may start with `-`: it is read as the value.
        let attr = Invocation::nix_instantiate()
            .options(["-A", "-x"])
            .operand("./f.nix");
        assert_eq!(attr.argv().expect("argv"), ["-A", "-x", "--", "./f.nix"]);
    }

    #[test]
    fn messages_show_what_the_user_typed() {
        let long = "x".repeat(100);
        let shown = Invocation::nix(&["eval"])
            .options(["--apply", &long])
            .operand(".#a")
            .display();
        assert_eq!(shown, format!("nix eval --apply {}… .#a", "x".repeat(57)));
    }

    #[test]
    fn a_missing_program_is_named() {
        let e = std::io::Error::from(std::io::ErrorKind::NotFound);
        let err = Invocation::git(Path::new("/")).spawn_error(&e).to_string();
        assert!(err.contains("git not found on PATH"), "{err}");
        let err = Invocation::nix_store().spawn_error(&e).to_string();
        assert!(err.contains("nix-store not found on PATH; is Nix"), "{err}");
    }
}
