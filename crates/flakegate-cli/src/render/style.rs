//! Colour only when asked or when stdout is a terminal, never with NO_COLOR;
//! the escapes come from `owo-colors`.

use std::io::IsTerminal;

use owo_colors::{OwoColorize, Style};

use super::ColorChoice;

pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
                && std::io::stdout().is_terminal()
        }
    }
}

/// Styling that is a no-op when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Paint(pub bool);

impl Paint {
    fn paint(self, style: Style, s: &str) -> String {
        if self.0 {
            s.style(style).to_string()
        } else {
            s.to_owned()
        }
    }
    pub fn bold(self, s: &str) -> String {
        self.paint(Style::new().bold(), s)
    }
    pub fn dim(self, s: &str) -> String {
        self.paint(Style::new().dimmed(), s)
    }
    pub fn red(self, s: &str) -> String {
        self.paint(Style::new().red().bold(), s)
    }
    pub fn green(self, s: &str) -> String {
        self.paint(Style::new().green(), s)
    }
    pub fn yellow(self, s: &str) -> String {
        self.paint(Style::new().yellow(), s)
    }
}
