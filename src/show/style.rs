//! When to use colour, and which colour means what.
//!
//! Colour only helps a person at a terminal. Piped into a file or a test, it
//! is noise, and some people never want it: the `NO_COLOR` convention
//! (<https://no-color.org>) says any non-empty value turns it off. So colour
//! is on only when stdout is a terminal and `NO_COLOR` is unset, unless
//! `--color always|never` says otherwise.

use std::io::IsTerminal;

use colored::{ColoredString, Colorize};

/// The user's choice from `--color`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Decides once, at start-up, whether output is coloured.
pub fn init(choice: ColorChoice) {
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    colored::control::set_override(on);
}

/// A heading.
pub fn heading(text: &str) -> ColoredString {
    text.bold().cyan()
}

/// The server's side of a conversation.
pub fn server(text: &str) -> ColoredString {
    text.blue().bold()
}

/// The client's side of a conversation.
pub fn client(text: &str) -> ColoredString {
    text.magenta().bold()
}

/// Something the kernel did.
pub fn kernel(text: &str) -> ColoredString {
    text.green()
}

/// Code, system calls, commands.
pub fn code(text: &str) -> ColoredString {
    text.yellow()
}

/// Less important detail.
pub fn dim(text: &str) -> ColoredString {
    text.dimmed()
}

/// An error.
pub fn error(text: &str) -> ColoredString {
    text.red().bold()
}

/// A command the program runs for the student to see, after a root
/// shell's prompt `#` (these commands need root). A long one is folded
/// the way a shell reads it, with ` \` at the end of each broken line
/// ([`super::command`]), so it can still be copied.
pub fn command(line: &str) -> String {
    let folded = super::command(line, super::width::current(), 2, 2);
    format!("{} {folded}", "#".dimmed())
}
