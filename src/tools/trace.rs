//! `netlab trace`: one chat message through every layer, captured live.
//!
//! Records the message twice with [`crate::journey::record`] — once in
//! plain text, once with TLS — prints each run with
//! [`crate::show::journey`], and with `--write FILE` saves every frame of
//! both runs as pcapng, each commented with its explanation (open it in
//! Wireshark: the comments are in the packet details).
//!
//! Needs CAP_NET_RAW (capture); without it, says so and how to grant it
//! ([`crate::capture::live::Error::NeedsCapNetRaw`]).
//! Book: `book/src/lesson-07.md`. Run: `netlab trace --write trace.pcapng`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::capture::LinkType;
use crate::capture::file::PcapNgWriter;
use crate::capture::live;
use crate::journey::federation::Protection;
use crate::journey::record::{self, Journey};
use crate::show::journey;

/// What to send and where to save it.
#[derive(Clone, Debug)]
pub struct Options {
    /// The message's text.
    pub body: String,
    /// Skip the second, encrypted run.
    pub plaintext_only: bool,
    /// Also save the frames here, as pcapng.
    pub write: Option<PathBuf>,
}

/// Runs the tool; returns the recorded runs.
pub fn run(options: &Options) -> anyhow::Result<Vec<Journey>> {
    let mut runs = vec![Protection::Plaintext];
    if !options.plaintext_only {
        runs.push(Protection::Tls);
    }
    let mut out = std::io::stdout().lock();
    let mut journeys = Vec::new();
    for (n, protection) in runs.iter().enumerate() {
        let recorded = record::record(*protection, &options.body)
            .with_context(|| match protection {
                Protection::Plaintext => "tracing the plaintext run",
                Protection::Tls => "tracing the TLS run",
            })?;
        // The preface waits for the first run: without CAP_NET_RAW the
        // only output is the error and its remedy.
        if n == 0 {
            write!(out, "{}", journey::preface("bob@b.example"))?;
        }
        write!(out, "{}", journey::render(&recorded, n + 1, runs.len()))?;
        out.flush()?;
        journeys.push(recorded);
    }
    if let Some(path) = &options.write {
        let saved = save(&journeys, path)?;
        writeln!(
            out,
            "\nsaved {saved} frames, each with its explanation as a comment, \
             to\n  {}",
            path.display()
        )?;
    }
    Ok(journeys)
}

/// Writes every run's frames to `path` as pcapng; returns how many.
fn save(journeys: &[Journey], path: &Path) -> anyhow::Result<usize> {
    let mut writer =
        PcapNgWriter::create(path, LinkType::ETHERNET, live::SNAPLEN as u32)
            .with_context(|| format!("creating {}", path.display()))?;
    let mut count = 0;
    for journey in journeys {
        for frame in journey.commented_frames() {
            writer
                .write(&frame)
                .with_context(|| format!("writing {}", path.display()))?;
            count += 1;
        }
    }
    writer
        .finish()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(count)
}
