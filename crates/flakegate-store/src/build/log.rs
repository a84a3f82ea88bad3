//! Nix's machine-readable log (`--log-format internal-json`): every stderr
//! line that starts with `@nix ` is one JSON event. Activities have an id,
//! a type, a start and a stop; results (log lines, phases, progress) refer to
//! an activity by id. Nix writes no timestamps: the reader stamps each event
//! when it arrives.

use serde::Deserialize;

/// What an activity is (Nix's `ActivityType`, stable since 2.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityKind {
    /// Copying one path (`fields`: path, from store, to store).
    CopyPath,
    /// Downloading one URL (`fields`: the URL).
    FileTransfer,
    Realise,
    CopyPaths,
    Builds,
    /// Building one derivation (`fields`: drv path, machine, round, rounds).
    Build,
    OptimiseStore,
    VerifyPaths,
    /// Substituting one path (`fields`: path, substituter URL).
    Substitute,
    /// Asking a substituter about one path (`fields`: path, substituter URL).
    QueryPathInfo,
    PostBuildHook,
    BuildWaiting,
    Other(u64),
}

impl ActivityKind {
    #[must_use]
    pub fn from_code(code: u64) -> Self {
        match code {
            100 => Self::CopyPath,
            101 => Self::FileTransfer,
            102 => Self::Realise,
            103 => Self::CopyPaths,
            104 => Self::Builds,
            105 => Self::Build,
            106 => Self::OptimiseStore,
            107 => Self::VerifyPaths,
            108 => Self::Substitute,
            109 => Self::QueryPathInfo,
            110 => Self::PostBuildHook,
            111 => Self::BuildWaiting,
            other => Self::Other(other),
        }
    }
}

/// What a result carries (Nix's `ResultType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultKind {
    FileLinked,
    /// One line of a builder's output.
    BuildLogLine,
    UntrustedPath,
    CorruptedPath,
    /// A builder entered a phase (`fields`: the phase name).
    SetPhase,
    /// `fields`: done, expected, running, failed.
    Progress,
    SetExpected,
    PostBuildLogLine,
    Other(u64),
}

impl ResultKind {
    #[must_use]
    pub fn from_code(code: u64) -> Self {
        match code {
            100 => Self::FileLinked,
            101 => Self::BuildLogLine,
            102 => Self::UntrustedPath,
            103 => Self::CorruptedPath,
            104 => Self::SetPhase,
            105 => Self::Progress,
            106 => Self::SetExpected,
            107 => Self::PostBuildLogLine,
            other => Self::Other(other),
        }
    }
}

/// One field of an activity or result: Nix writes integers and strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Int(u64),
    Str(String),
}

impl Field {
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            Self::Int(_) => None,
        }
    }

    #[must_use]
    pub fn as_int(&self) -> Option<u64> {
        match self {
            Self::Int(n) => Some(*n),
            Self::Str(_) => None,
        }
    }
}

/// One `@nix` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Start {
        id: u64,
        kind: ActivityKind,
        level: u64,
        text: String,
        fields: Vec<Field>,
    },
    Stop {
        id: u64,
    },
    Result {
        id: u64,
        kind: ResultKind,
        fields: Vec<Field>,
    },
    /// A message Nix would print (`level` 0 is an error, 1 a warning).
    Msg {
        level: u64,
        text: String,
    },
}

/// One line of Nix's stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Event(Event),
    /// Anything that is not an `@nix` line (Nix prints some text directly).
    Text(String),
}

#[derive(Deserialize)]
struct Raw {
    action: String,
    #[serde(default)]
    id: u64,
    #[serde(default, rename = "type")]
    kind: u64,
    #[serde(default)]
    level: u64,
    #[serde(default)]
    text: String,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    fields: Vec<serde_json::Value>,
}

fn field(value: serde_json::Value) -> Field {
    match value {
        serde_json::Value::Number(n) => Field::Int(n.as_u64().unwrap_or_default()),
        serde_json::Value::String(s) => Field::Str(s),
        other => Field::Str(other.to_string()),
    }
}

/// Parses one stderr line. An `@nix` line that is not valid JSON is an error
/// (with the reason); an action Nix may add later is kept as text.
pub fn parse_line(line: &str) -> Result<Line, String> {
    let Some(json) = line.strip_prefix("@nix ") else {
        return Ok(Line::Text(line.to_owned()));
    };
    let raw: Raw = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let fields = || raw.fields.iter().cloned().map(field).collect::<Vec<_>>();
    let event = match raw.action.as_str() {
        "start" => Event::Start {
            id: raw.id,
            kind: ActivityKind::from_code(raw.kind),
            level: raw.level,
            text: raw.text.clone(),
            fields: fields(),
        },
        "stop" => Event::Stop { id: raw.id },
        "result" => Event::Result {
            id: raw.id,
            kind: ResultKind::from_code(raw.kind),
            fields: fields(),
        },
        "msg" => Event::Msg {
            level: raw.level,
            text: raw.msg.clone(),
        },
        _ => return Ok(Line::Text(line.to_owned())),
    };
    Ok(Line::Event(event))
}

/// `text` without ANSI escape sequences (Nix colours its messages even in
/// the JSON log).
#[must_use]
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                // Parameters and intermediates, then one final byte.
                for d in chars.by_ref() {
                    if ('@'..='~').contains(&d) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Nix's default verbosity (`lvlInfo`): what a user sees without `-v`.
pub const INFO_LEVEL: u64 = 3;

/// The human-readable text of an event, as Nix would print it at its default
/// verbosity, or `None` when Nix would print nothing.
#[must_use]
pub fn human_text(event: &Event) -> Option<String> {
    match event {
        Event::Msg { level, text } if *level <= INFO_LEVEL => Some(text.clone()),
        Event::Start { level, text, .. } if *level <= INFO_LEVEL && !text.is_empty() => {
            Some(format!("{text}..."))
        }
        Event::Result {
            kind: ResultKind::BuildLogLine | ResultKind::PostBuildLogLine,
            fields,
            ..
        } => fields.first().and_then(Field::as_str).map(str::to_owned),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_event_kinds_nix_writes() {
        let start = parse_line(
            r#"@nix {"action":"start","fields":["/nix/store/x-c.drv","",1,1],"id":7,"level":3,"text":"building '/nix/store/x-c.drv'","type":105}"#,
        );
        assert_eq!(
            start,
            Ok(Line::Event(Event::Start {
                id: 7,
                kind: ActivityKind::Build,
                level: 3,
                text: "building '/nix/store/x-c.drv'".into(),
                fields: vec![
                    Field::Str("/nix/store/x-c.drv".into()),
                    Field::Str(String::new()),
                    Field::Int(1),
                    Field::Int(1)
                ],
            }))
        );
        assert_eq!(
            parse_line(r#"@nix {"action":"stop","id":7}"#),
            Ok(Line::Event(Event::Stop { id: 7 }))
        );
        let phase =
            parse_line(r#"@nix {"action":"result","fields":["buildPhase"],"id":7,"type":104}"#)
                .expect("phase");
        assert!(matches!(
            phase,
            Line::Event(Event::Result {
                kind: ResultKind::SetPhase,
                ..
            })
        ));
        assert_eq!(
            parse_line("plain text"),
            Ok(Line::Text("plain text".into()))
        );
        assert!(parse_line("@nix {broken").is_err());
    }

    #[test]
    fn strips_colours() {
        assert_eq!(
            strip_ansi("\u{1b}[31;1merror:\u{1b}[0m getting status of '\u{1b}[35;1m/x\u{1b}[0m'"),
            "error: getting status of '/x'"
        );
    }

    #[test]
    fn human_text_follows_nix_default_verbosity() {
        let Ok(Line::Event(msg)) =
            parse_line(r#"@nix {"action":"msg","level":4,"msg":"evaluating file 'x'"}"#)
        else {
            panic!("msg")
        };
        assert_eq!(human_text(&msg), None);
        let Ok(Line::Event(log)) =
            parse_line(r#"@nix {"action":"result","fields":["building c"],"id":1,"type":101}"#)
        else {
            panic!("log line")
        };
        assert_eq!(human_text(&log).as_deref(), Some("building c"));
    }
}
