//! `--pace`: wait for Enter at every section, before every live step and
//! when a screenful has gone by, so an instructor can talk and a student
//! can read.
//!
//! Waiting only makes sense when a person can press Enter. Without a
//! terminal on stdin (a pipe, CI, a test) the pacer never waits, so
//! `netlab lesson 10 --pace < /dev/null` cannot hang. Tests give the pacer
//! a scripted reader instead ([`Pacer::scripted`]) and see every prompt in
//! the output.
//!
//! Read next: [`super::player`], which decides where to pause.

use std::io::{self, BufRead, BufReader, IsTerminal, Write};

/// Lines of output one Enter may release, at most, between two pauses
/// (a demo step's own output aside): a screen of a small terminal.
pub const PAGE: usize = 25;

/// Decides whether to pause, and pauses.
pub struct Pacer {
    /// Where Enter comes from; `None` never waits.
    input: Option<Box<dyn BufRead>>,
    /// A terminal echoes the Enter, ending the prompt's line; a script
    /// does not, so the pacer ends the line itself.
    echoes: bool,
}

impl Pacer {
    /// Pauses only if asked to *and* stdin is a terminal.
    pub fn new(asked: bool) -> Self {
        let tty = asked && io::stdin().is_terminal();
        Pacer {
            input: tty.then(|| {
                Box::new(BufReader::new(io::stdin())) as Box<dyn BufRead>
            }),
            echoes: true,
        }
    }

    /// Pauses, reading each Enter from `input` (a test's script), until
    /// `input` ends.
    pub fn scripted(input: impl BufRead + 'static) -> Self {
        Pacer {
            input: Some(Box::new(input)),
            echoes: false,
        }
    }

    /// Whether this pacer will ever wait.
    pub fn waits(&self) -> bool {
        self.input.is_some()
    }

    /// Shows `prompt` on `out` and waits for Enter. At the end of input
    /// (Ctrl-D, or the script ran out) it stops waiting for good.
    pub fn pause(
        &mut self,
        out: &mut dyn Write,
        prompt: &str,
    ) -> io::Result<()> {
        let Some(input) = self.input.as_mut() else {
            return Ok(());
        };
        write!(
            out,
            "{} ",
            super::super::show::style::dim(&format!("── {prompt} ⏎"))
        )?;
        out.flush()?;
        let mut line = String::new();
        // A read error is treated as the end of input: go on without
        // waiting rather than fail the lesson.
        if input.read_line(&mut line).unwrap_or(0) == 0 {
            self.input = None;
        }
        if !self.echoes {
            writeln!(out)?;
        }
        Ok(())
    }
}
