//! A dissected frame as JSON, for programs: `netlab dissect --json`.
//!
//! One JSON object per frame, one frame per line ("JSON Lines"), so a
//! million-packet capture streams through in constant memory and tools like
//! `jq` can read it line by line. The fields are exactly those of the tree
//! ([`super::packet::fields`]), so what a student reads and what a script
//! reads never disagree.
//!
//! ```json
//! {"number":1,"time":1764000000.123456,"captured":74,"original":74,
//!  "layers":[{"layer":"Ethernet II","osi":2,"osi_name":"data link",
//!             "tcpip":"link","bytes":[0,14],"fields":{"destination":…}},…],
//!  "problem":null,"data":[74,74]}
//! ```

use std::fmt::Display;
use std::io::{self, Write};
use std::time::Duration;

use super::packet::{number, osi_name, osi_of, problem, tcpip_name, title_of};
use super::packet_fields::{Value, each_field};
use crate::wire::dissect::Dissection;

/// Renders frame `number`, captured at `time` (since the Unix epoch), as
/// one line of JSON (no newline).
pub fn render(number: u64, time: Duration, d: &Dissection) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(&mut out, number, time, d);
    String::from_utf8_lossy(&out).into_owned()
}

// ANCHOR: write
/// Writes frame `number` as one line of JSON (no newline) into `out`.
///
/// Written by hand rather than through a serialiser: this runs once per
/// frame of captures with millions, and writing each value straight into
/// the output — escaped on the way — avoids building a string for every
/// field first.
pub fn write<W: Write>(
    out: &mut W,
    frame: u64,
    time: Duration,
    d: &Dissection,
) -> io::Result<()> {
    out.write_all(b"{\"number\":")?;
    number(out, frame)?;
    // Seconds with all nine decimals: exact for nanosecond captures (an
    // f64 would round them).
    write!(
        out,
        ",\"time\":{}.{:09}",
        time.as_secs(),
        time.subsec_nanos()
    )?;
    out.write_all(b",\"captured\":")?;
    number(out, d.captured)?;
    out.write_all(b",\"original\":")?;
    number(out, d.original)?;
    out.write_all(b",\"layers\":[")?;
    for (i, layer) in d.layers.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let osi = osi_of(layer.header.layer());
        out.write_all(b"{\"layer\":")?;
        string(out, &title_of(&layer.header))?;
        out.write_all(b",\"osi\":")?;
        number(out, osi)?;
        out.write_all(b",\"osi_name\":")?;
        string(out, &osi_name(osi))?;
        out.write_all(b",\"tcpip\":")?;
        string(out, &tcpip_name(osi))?;
        out.write_all(b",\"bytes\":[")?;
        number(out, layer.bytes.start)?;
        out.write_all(b",")?;
        number(out, layer.bytes.end)?;
        out.write_all(b"],\"fields\":{")?;
        let mut result = Ok(());
        let mut first = true;
        each_field(&layer.header, &mut |name, value| {
            if result.is_ok() {
                result = field(out, first, name, value);
                first = false;
            }
        });
        result?;
        out.write_all(b"}}")?;
    }
    out.write_all(b"],\"problem\":")?;
    match &d.problem {
        Some(e) => string(out, &problem(e))?,
        None => out.write_all(b"null")?,
    }
    out.write_all(b",\"undissected\":")?;
    match &d.undissected {
        Some(what) => string(out, what)?,
        None => out.write_all(b"null")?,
    }
    out.write_all(b",\"data\":[")?;
    number(out, d.rest.start)?;
    out.write_all(b",")?;
    number(out, d.rest.end)?;
    out.write_all(b"]}")
}
// ANCHOR_END: write

fn field<W: Write>(
    out: &mut W,
    first: bool,
    name: &str,
    value: Value<'_>,
) -> io::Result<()> {
    if !first {
        out.write_all(b",")?;
    }
    // Field names are plain identifiers: nothing to escape.
    out.write_all(b"\"")?;
    out.write_all(name.as_bytes())?;
    out.write_all(b"\":\"")?;
    match value {
        Value::Num(n) => number(out, n)?,
        Value::Str(text) => Escaped(out).write_all(text.as_bytes())?,
        Value::Show(shown) => write!(Escaped(out), "{shown}")?,
    }
    out.write_all(b"\"")
}

/// A JSON string: the value's text between quotes, escaped as RFC 8259
/// § 7 requires (quote, backslash and control characters).
fn string<W: Write>(out: &mut W, value: &dyn Display) -> io::Result<()> {
    out.write_all(b"\"")?;
    write!(Escaped(out), "{value}")?;
    out.write_all(b"\"")
}

/// Passes text through, escaping what JSON strings may not contain.
struct Escaped<'a, W: Write>(&'a mut W);

impl<W: Write> Write for Escaped<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut rest = bytes;
        // Most text needs no escaping: find the next byte that does, copy
        // everything before it in one go.
        while let Some(at) = rest
            .iter()
            .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
        {
            self.0.write_all(&rest[..at])?;
            match rest[at] {
                b'"' => self.0.write_all(b"\\\"")?,
                b'\\' => self.0.write_all(b"\\\\")?,
                b'\n' => self.0.write_all(b"\\n")?,
                b'\r' => self.0.write_all(b"\\r")?,
                b'\t' => self.0.write_all(b"\\t")?,
                other => write!(self.0, "\\u{other:04x}")?,
            }
            rest = &rest[at + 1..];
        }
        self.0.write_all(rest)?;
        Ok(bytes.len())
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.write(bytes).map(|_| ())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::dissect::{Link, dissect};
    use crate::wire::fixtures::SYN_FRAME;

    #[test]
    fn one_object_per_frame_with_the_trees_fields() {
        let d = dissect(&SYN_FRAME, Link::Ethernet, SYN_FRAME.len());
        let line = render(1, Duration::from_millis(1500), &d);
        assert!(!line.contains('\n'));
        let v: serde_json::Value =
            serde_json::from_str(&line).expect("valid JSON");
        assert_eq!(v["number"], 1);
        assert_eq!(v["time"], 1.5);
        assert_eq!(v["layers"][0]["layer"], "Ethernet II");
        assert_eq!(v["layers"][1]["tcpip"], "internet");
        assert_eq!(v["layers"][2]["fields"]["destination_port"], "5222");
        assert_eq!(v["layers"][2]["bytes"][0], 34);
        assert!(v["problem"].is_null());
    }

    #[test]
    fn strings_are_escaped() {
        let mut out = Vec::new();
        string(&mut out, &"a\"b\\c\nd\u{1}e é").expect("vec");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            r#""a\"b\\c\nd\u0001e é""#
        );
    }
}
