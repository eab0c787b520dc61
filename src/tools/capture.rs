//! `netlab capture`: live traffic, dissected as it passes.
//!
//! Opens a packet socket on an interface (`lo` by default), shows each
//! frame (once, even on loopback, see [`crate::capture::live`]) as a full
//! dissection, a summary line or JSON, optionally only those to or from one
//! port, and optionally saves them as pcapng with each frame's summary as
//! its comment.
//!
//! Needs CAP_NET_RAW; without it, says so and how to grant it.
//! Book: `book/src/lesson-07.md`. Run: `netlab capture --port 5222`.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::capture::file::PcapNgWriter;
use crate::capture::live::{self, Capture};
use crate::show::packet;
use crate::tools::dissect::{Scratch, Style, link_of, print};
use crate::wire::dissect::Header;

/// What to capture and how to show it.
#[derive(Clone, Debug)]
pub struct Options {
    /// The interface.
    pub iface: String,
    /// Stop after this many frames.
    pub count: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Keep only TCP/UDP frames to or from this port.
    pub port: Option<u16>,
    /// Also save the frames here, as pcapng.
    pub write: Option<PathBuf>,
    /// How to print each frame.
    pub style: Style,
}

/// Captures until `count` or `duration` is reached (or Ctrl-C).
pub fn run(options: &Options) -> anyhow::Result<u64> {
    let mut capture = Capture::open(
        &options.iface,
        live::Options {
            read_timeout: Duration::from_millis(100),
            promiscuous: false,
            port: options.port,
        },
    )?;
    // The socket is open: no capability is needed from here on.
    crate::capture::privileges::drop_all()
        .context("giving up capabilities after opening the capture")?;
    let mut writer = match &options.write {
        Some(path) => Some(
            PcapNgWriter::create(
                path,
                crate::capture::LinkType::ETHERNET,
                live::SNAPLEN as u32,
            )
            .with_context(|| format!("creating {}", path.display()))?,
        ),
        None => None,
    };
    let stdout = io::stdout();
    // On a screen, summary lines are cut to its width; piped, whole.
    let mut out: Box<dyn Write> =
        if stdout.is_terminal() && options.style == Style::Summary {
            let columns = crate::show::width::current();
            Box::new(crate::show::fit::Lines::new(
                BufWriter::new(stdout.lock()),
                columns,
            ))
        } else {
            Box::new(BufWriter::new(stdout.lock()))
        };
    let started = Instant::now();
    let mut number = 0;
    let mut scratch = Scratch::new();
    loop {
        if options.count.is_some_and(|c| number >= c)
            || options.duration.is_some_and(|d| started.elapsed() >= d)
        {
            break;
        }
        let Some(mut frame) = capture.next()? else {
            continue;
        };
        let link = link_of(frame.linktype);
        // Taken apart once: for the port filter, then for printing.
        let d = scratch.dissect(&frame, link, options.style);
        let wanted = options.port.is_none_or(|port| {
            d.layers.iter().any(|l| match &l.header {
                Header::Tcp(t, _) => t.src_port == port || t.dst_port == port,
                Header::Udp(u, _) => u.src_port == port || u.dst_port == port,
                _ => false,
            })
        });
        if !wanted {
            continue;
        }
        number += 1;
        if !print(&mut scratch, &mut out, number, &frame, options.style)? {
            break;
        }
        // One line per event: flush, so a pipe sees each frame at once.
        if out.flush().is_err() {
            break;
        }
        if let Some(w) = writer.as_mut() {
            frame.comment = Some(packet::summary(scratch.last()));
            w.write(&frame).context("writing the capture file")?;
            // Live frames come slowly: flush each, so Ctrl-C loses none.
            w.flush().context("writing the capture file")?;
        }
    }
    if let Some(w) = writer {
        w.finish().context("writing the capture file")?;
    }
    Ok(number)
}
