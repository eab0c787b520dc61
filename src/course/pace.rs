//! `--pace`: wait for Enter between steps, so an instructor can talk.
//!
//! Waiting only makes sense when a person can press Enter. Without a
//! terminal on stdin (a pipe, CI, a test) the pacer never waits, so
//! `netlab lesson 10 --pace < /dev/null` cannot hang.

use std::io::{BufRead, IsTerminal, Write};

/// Decides whether to pause, and pauses.
#[derive(Clone, Copy, Debug)]
pub struct Pacer {
    enabled: bool,
}

impl Pacer {
    /// Pauses only if asked to *and* stdin is a terminal.
    pub fn new(asked: bool) -> Self {
        Pacer {
            enabled: asked && std::io::stdin().is_terminal(),
        }
    }

    /// Whether this pacer will ever wait.
    pub fn waits(&self) -> bool {
        self.enabled
    }

    /// Shows `prompt` and waits for Enter.
    pub fn pause(&self, prompt: &str) {
        if !self.enabled {
            return;
        }
        print!(
            "{} ",
            super::super::show::style::dim(&format!("── {prompt} ⏎"))
        );
        // Best effort: if stdout or stdin fail, just go on.
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
    }
}
