//! `netlab dissect FILE`: every frame of a capture file, taken apart.
//!
//! Reads pcap or pcapng (from a file or stdin, `-`), or frames written as
//! hex (`--hex`, one frame per line), dissects each with
//! [`crate::wire::dissect`], and prints it as a layer tree with a hex dump
//! and an encapsulation diagram, as one summary line per frame
//! (`--summary`), or as JSON Lines (`--json`).
//!
//! A frame that does not parse is shown as malformed or truncated and the
//! next frame is read; a file that is not a capture at all is a one-line
//! error. Output is buffered and streamed: memory does not grow with the
//! file.
//!
//! Book: `book/src/lesson-07.md`. Run: `netlab dissect capture.pcapng`.

use std::io::{self, BufRead, BufWriter, IsTerminal, Read, Write};
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::capture::file::Reader;
use crate::capture::{Frame, LinkType};
use crate::show::{packet, packet_json};
use crate::tr;
use crate::wire::dissect::{
    Checks, Dissection, Link, dissect_into, dissect_with,
};

/// How to print each frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Tree, hex dump and encapsulation diagram.
    Full,
    /// One line per frame.
    Summary,
    /// One JSON object per line.
    Json,
}

/// What to read and how to show it.
#[derive(Clone, Debug)]
pub struct Options {
    /// The file, or `-` for stdin.
    pub input: String,
    /// The input is hex text, one frame per line.
    pub hex: bool,
    /// For hex input: what the frames start with.
    pub link: Link,
    /// The output style.
    pub style: Style,
}

/// The link types the dissector reads.
pub fn link_of(linktype: LinkType) -> Link {
    match linktype {
        LinkType::ETHERNET => Link::Ethernet,
        LinkType::RAW => Link::RawIp,
        LinkType(n) => Link::Other(n),
    }
}

/// Runs the tool; returns how many frames were shown.
pub fn run(options: &Options) -> anyhow::Result<u64> {
    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    let out = BufWriter::with_capacity(1 << 16, stdout.lock());
    // On a screen, summary lines are cut to its width; in a pipe or file
    // they stay whole (and the hot path stays a plain buffered write).
    if terminal && options.style == Style::Summary {
        let columns = crate::show::width::current();
        run_to(options, crate::show::fit::Lines::new(out, columns))
    } else {
        run_to(options, out)
    }
}

fn run_to(options: &Options, mut out: impl Write) -> anyhow::Result<u64> {
    let mut scratch = Scratch::new();
    let shown = if options.hex {
        let input = open(&options.input)?;
        let mut number = 0;
        for (i, line) in io::BufReader::new(input).lines().enumerate() {
            let line = line.with_context(|| tr!("dissect-reading-hex"))?;
            let Some(bytes) = parse_hex(&line)
                .with_context(|| tr!("dissect-hex-line", line = i + 1))?
            else {
                continue;
            };
            number += 1;
            let frame = Frame {
                timestamp: Duration::ZERO,
                linktype: LinkType::ETHERNET,
                orig_len: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
                data: bytes,
                interface: 0,
                comment: None,
            };
            if !show(
                &mut scratch,
                &mut out,
                number,
                &frame,
                options.link,
                options.style,
            )? {
                return Ok(number);
            }
        }
        number
    } else {
        let reader = if options.input == "-" {
            Reader::from_reader(io::stdin())
        } else {
            Reader::open(Path::new(&options.input))
        }
        // One line: "FILE: not a capture file: it starts with …".
        .map_err(|e| anyhow::anyhow!("{}: {e}", options.input))?;
        let mut number = 0;
        let mut reader = reader;
        show_notes(&mut out, &options.input, reader.take_notes());
        while let Some(frame) = reader.next() {
            let frame = match frame {
                Ok(frame) => frame,
                Err(e) => {
                    let _ = out.flush();
                    return Err(e).with_context(|| {
                        tr!(
                            "dissect-after-frame",
                            input = options.input.as_str(),
                            number = number
                        )
                    });
                }
            };
            number += 1;
            // Most files have no notes: an empty Vec is not allocated.
            show_notes(&mut out, &options.input, reader.take_notes());
            let link = link_of(frame.linktype);
            if !show(
                &mut scratch,
                &mut out,
                number,
                &frame,
                link,
                options.style,
            )? {
                return Ok(number);
            }
            reader.recycle(frame.data);
        }
        number
    };
    finish(out.flush())?;
    Ok(shown)
}

/// Notes about odd but readable files go to stderr, one line each, like
/// a compiler's warnings: stdout stays the frames alone, for tests and
/// pipes. What is on stdout already is flushed first, so that on a
/// terminal a note appears just before the frame it is about.
fn show_notes(out: &mut impl Write, input: &str, notes: Vec<String>) {
    if notes.is_empty() {
        return;
    }
    let _ = out.flush();
    for note in notes {
        eprintln!("note: {input}: {note}");
    }
}

fn open(input: &str) -> anyhow::Result<Box<dyn Read>> {
    Ok(if input == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(
            std::fs::File::open(input)
                .with_context(|| tr!("dissect-opening", input = input))?,
        )
    })
}

/// What [`show`] reuses from one frame to the next instead of allocating
/// it again: the frame taken apart (its list of layers) and the JSON line
/// being built.
pub(crate) struct Scratch {
    dissection: Dissection,
    line: Vec<u8>,
}

impl Scratch {
    pub(crate) fn new() -> Self {
        Scratch {
            dissection: dissect_with(&[], Link::RawIp, 0, Checks::ALL),
            line: Vec::with_capacity(4096),
        }
    }

    /// Takes `frame` apart for `style`, and returns the result.
    pub(crate) fn dissect(
        &mut self,
        frame: &Frame,
        link: Link,
        style: Style,
    ) -> &Dissection {
        // The summary line shows no checksum verdict, so it skips the
        // check.
        let checks = Checks {
            checksums: style != Style::Summary,
        };
        let original = frame.orig_len as usize;
        dissect_into(&mut self.dissection, &frame.data, link, original, checks);
        &self.dissection
    }

    /// The frame taken apart last.
    pub(crate) fn last(&self) -> &Dissection {
        &self.dissection
    }
}

/// Prints one frame; `Ok(false)` when the reader went away (`| head`).
pub(crate) fn show(
    scratch: &mut Scratch,
    out: &mut impl Write,
    number: u64,
    frame: &Frame,
    link: Link,
    style: Style,
) -> anyhow::Result<bool> {
    scratch.dissect(frame, link, style);
    print(scratch, out, number, frame, style)
}

/// Prints the frame [`Scratch::dissect`] took apart last; `Ok(false)`
/// when the reader went away.
pub(crate) fn print(
    scratch: &mut Scratch,
    out: &mut impl Write,
    number: u64,
    frame: &Frame,
    style: Style,
) -> anyhow::Result<bool> {
    let d = &scratch.dissection;
    let written = match style {
        Style::Summary => {
            // Into the reused line first, as for the JSON: a summary is
            // twenty-odd small pieces, each a few instructions on a `Vec`
            // and a function call on a `BufWriter`.
            let line = &mut scratch.line;
            line.clear();
            let _ = summary_line(line, number, frame, d);
            out.write_all(line)
        }
        Style::Json => {
            // Build the line in memory, then hand it over in one write:
            // the many small writes of the JSON writer are cheapest on a Vec.
            let line = &mut scratch.line;
            line.clear();
            let _ = packet_json::write(line, number, frame.timestamp, d);
            line.push(b'\n');
            out.write_all(line)
        }
        Style::Full => {
            let mut text = tr!(
                "dissect-frame",
                number = number,
                captured = d.captured,
                original = d.original,
                link = frame.linktype.to_string()
            );
            if let Some(comment) = &frame.comment {
                text.push_str(&tr!(
                    "dissect-comment",
                    comment = comment.as_str()
                ));
            }
            text.push('\n');
            text.push_str(&packet::tree(d));
            text.push_str(&packet::hex_dump(d, &frame.data));
            text.push_str(&packet::encapsulation(d));
            writeln!(out, "{text}")
        }
    };
    match written {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e).with_context(|| tr!("dissect-writing")),
    }
}

/// `     7 06:24:19.123456 TCP 127.0.0.1:…`: the frame's number, time and
/// summary, written without intermediate strings (the `--summary` hot path).
fn summary_line(
    out: &mut impl Write,
    number: u64,
    frame: &Frame,
    d: &crate::wire::dissect::Dissection,
) -> io::Result<()> {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(number);
    for _ in digits.len()..6 {
        out.write_all(b" ")?;
    }
    out.write_all(digits.as_bytes())?;
    out.write_all(b" ")?;
    write_time_of_day(out, frame.timestamp)?;
    out.write_all(b" ")?;
    packet::write_summary(out, d)?;
    out.write_all(b"\n")
}

/// Writes [`time_of_day`] into `out`.
fn write_time_of_day(out: &mut impl Write, t: Duration) -> io::Result<()> {
    let secs = t.as_secs();
    let two = |n: u64| [b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8];
    out.write_all(&two(secs / 3600 % 24))?;
    out.write_all(b":")?;
    out.write_all(&two(secs / 60 % 60))?;
    out.write_all(b":")?;
    out.write_all(&two(secs % 60))?;
    out.write_all(b".")?;
    let micros = t.subsec_micros();
    let mut digits = [b'0'; 6];
    let mut rest = micros;
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    out.write_all(&digits)
}

/// `06:24:19.123456`: the UTC time of day, as `TZ=UTC tcpdump` prints it.
pub fn time_of_day(since_epoch: Duration) -> String {
    let secs = since_epoch.as_secs();
    format!(
        "{:02}:{:02}:{:02}.{:06}",
        secs / 3600 % 24,
        secs / 60 % 60,
        secs % 60,
        since_epoch.subsec_micros()
    )
}

fn finish(result: io::Result<()>) -> anyhow::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.with_context(|| tr!("dissect-writing")),
    }
}

/// One line of hex: `00 1a 2b`, `001a2b`, `00:1a:2b` all work; blank lines
/// and `#` comments give `None`.
pub fn parse_hex(line: &str) -> anyhow::Result<Option<Vec<u8>>> {
    let line = line.split('#').next().unwrap_or("");
    let digits: Vec<char> = line
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':' && *c != '-')
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if !digits.len().is_multiple_of(2) {
        bail!(tr!("dissect-hex-odd", count = digits.len()));
    }
    digits
        .chunks(2)
        .map(|pair| {
            let text: String = pair.iter().collect();
            u8::from_str_radix(&text, 16)
                .with_context(|| tr!("dissect-hex-byte", text = text.as_str()))
        })
        .collect::<anyhow::Result<Vec<u8>>>()
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_of_day_is_utc_like_tcpdump() {
        let t = Duration::from_micros(1_764_000_000_123_456);
        assert_eq!(time_of_day(t), "16:00:00.123456");
        let mut fast = Vec::new();
        write_time_of_day(&mut fast, t).expect("vec");
        assert_eq!(fast, b"16:00:00.123456");
        let early = Duration::from_micros(3_723_000_042);
        fast.clear();
        write_time_of_day(&mut fast, early).expect("vec");
        assert_eq!(fast, b"01:02:03.000042");
    }

    #[test]
    fn hex_lines_in_several_spellings() {
        assert_eq!(
            parse_hex("00 1a:2B-ff").expect("ok"),
            Some(vec![0, 0x1a, 0x2b, 0xff])
        );
        assert_eq!(parse_hex("  # a comment").expect("ok"), None);
        assert_eq!(parse_hex("").expect("ok"), None);
        let err = parse_hex("abc").expect_err("odd").to_string();
        assert!(err.contains("even number"), "{err}");
        let err = parse_hex("zz").expect_err("bad").to_string();
        assert!(err.contains("`zz` is not a hex byte"), "{err}");
    }
}
