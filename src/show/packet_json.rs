//! A dissected frame as JSON, for programs: `netlab dissect --json` and
//! `netlab capture --json`.
//!
//! One JSON object per frame, one frame per line ("JSON Lines", each line
//! an RFC 8259 text), so a million-packet capture streams through in
//! constant memory and tools like `jq` can read it line by line:
//!
//! ```json
//! {"schema":1,"number":1,"time":1764000000.123456000,"captured":74,
//!  "original":74,"cut_short":false,
//!  "layers":[{"layer":"Ethernet II","osi":2,"osi_name":"data link",
//!             "tcpip":"link","bytes":[0,14],"fields":{"destination":…}},…],
//!  "problem":null,"undissected":null,"data":[74,74]}
//! ```
//!
//! The values are typed, for programs rather than eyes: numbers are JSON
//! numbers, flag bits are booleans, addresses and names are strings, and
//! an enumeration is its number beside its name (`"protocol":17,
//! "protocol_name":"UDP"`). The tree (`super::packet`) shows the same
//! headers as text under the same field names; what each layer writes is
//! in [`super::packet_json_fields`].
//!
//! **The version.** Every line starts with `"schema":1`, the version of
//! the shape described by `schemas/dissect.schema.json`. It is on every
//! line rather than in a header line of its own because a JSON Lines
//! reader handles each line alone: `jq 'select(.layers[]…)'`, `grep`,
//! `head` and `split` all keep working, and every line can be checked
//! without the one before. The number goes up only when a key is renamed
//! or removed or changes type; new keys may appear within a version.
//!
//! Read before: `wire::dissect`, [`super::packet`]. Book:
//! `book/src/lesson-07.md`. Run: `netlab dissect FILE --json`.
//! Spec: [RFC 8259] (JSON), [JSON Lines](https://jsonlines.org/).
//!
//! [RFC 8259]: https://datatracker.ietf.org/doc/html/rfc8259

use std::borrow::Cow;
use std::fmt::Display;
use std::io::{self, Write};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use super::packet::{osi_name, osi_of, tcpip_name, title_of};
use super::packet_json_fields::{Context, fields};
use super::plain_text::{self, Ipv4Text, Ipv6Text};
use crate::lang::Lang;
use crate::wire::Error;
use crate::wire::dissect::{Dissection, Header};
use crate::wire::ethernet::MacAddr;
use crate::wire::quoted::Quote;

/// The version of the shape written here, and of
/// `schemas/dissect.schema.json`.
pub const SCHEMA_VERSION: u32 = 1;

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
/// the output — escaped on the way — avoids building a value tree and a
/// string for every field first.
pub fn write(
    out: &mut Vec<u8>,
    frame: u64,
    time: Duration,
    d: &Dissection,
) -> io::Result<()> {
    let mut line = Members::open(out)?;
    line.num("schema", SCHEMA_VERSION)?;
    line.num("number", frame)?;
    // Seconds with all nine decimals: exact for nanosecond captures (an
    // f64 would round them).
    let at = line.key("time");
    digits(at, time.as_secs());
    at.push(b'.');
    let mut nanos = itoa::Buffer::new();
    let nanos = nanos.format(time.subsec_nanos());
    at.extend_from_slice(&b"000000000"[nanos.len()..]);
    at.extend_from_slice(nanos.as_bytes());
    at.push(b',');
    line.num("captured", d.captured)?;
    line.num("original", d.original)?;
    line.bool("cut_short", d.is_cut_short())?;
    // What the IP header says is left for the layers above it: TCP's
    // payload length is computed from it, as tshark's `tcp.len` is.
    let mut context = Context::default();
    line.list("layers", &d.layers, |layer, decoded| {
        let osi = osi_of(decoded.header.layer());
        match title_of(&decoded.header) {
            // Our own words ("IPv4", "Ethernet II"): nothing to escape.
            Cow::Borrowed(title) => layer.str("layer", title)?,
            Cow::Owned(title) => layer.escaped("layer", &title)?,
        }
        layer.num("osi", osi)?;
        layer.str("osi_name", osi_name(osi))?;
        layer.str("tcpip", tcpip_name(osi))?;
        // Only on headers quoted in an ICMP error: most frames have none,
        // and a key on every layer would cost every line.
        if decoded.quoted {
            layer.bool("quoted", true)?;
        }
        // Only on a header the bytes ran out in: its fields are those
        // whose bytes are there.
        if matches!(decoded.header, Header::Partial(_)) {
            layer.bool("partial", true)?;
        }
        layer.span("bytes", &decoded.bytes)?;
        layer.object("fields", |f| fields(f, &decoded.header, &context))?;
        context.after(&decoded.header);
        Ok(())
    })?;
    // Only on ICMP errors, for the same reason as `quoted`.
    if let Some(q) = &d.quote {
        line.object("quote", |o| quote(o, q))?;
    }
    match &d.problem {
        Some(e) => line.object("problem", |p| problem(p, e))?,
        None => line.null("problem")?,
    }
    match &d.undissected {
        Some(what) => line.escaped("undissected", what)?,
        None => line.null("undissected")?,
    }
    line.span("data", &d.rest)?;
    line.close()
}
// ANCHOR_END: write

/// The packet an ICMP error quotes: where it is, how long it was, and
/// the header the quote ends in (`cut`, `null` when it ends between
/// headers).
fn quote(o: &mut Members<'_>, q: &Quote) -> io::Result<()> {
    o.span("bytes", &q.bytes)?;
    match q.original {
        Some(n) => o.num("original", n)?,
        None => o.null("original")?,
    }
    match q.cut {
        Some(cut) => o.object("cut", |c| {
            c.text("layer", &cut.layer)?;
            c.num("needed", cut.needed)?;
            c.num("available", cut.available)
        }),
        None => o.null("cut"),
    }
}

/// What stopped the descent: `truncated` (the capture has fewer bytes
/// than the header needs) or `malformed` (a field breaks a rule), with
/// the parts of the message a program may want on their own.
fn problem(p: &mut Members<'_>, e: &Error) -> io::Result<()> {
    match e {
        Error::Truncated {
            layer,
            needed,
            available,
        } => {
            p.str("kind", "truncated")?;
            p.text("layer", layer)?;
            p.num("needed", *needed)?;
            p.num("available", *available)?;
        }
        Error::Malformed { layer, rule, spec } => {
            p.str("kind", "malformed")?;
            p.text("layer", layer)?;
            // For programs: in English, whatever the run's language.
            p.escaped("rule", &rule.text_in(Lang::En))?;
            p.escaped("spec", spec)?;
        }
        // Only `emit` returns this; a parser never does. Named anyway so
        // that the writer is total.
        Error::BufferTooSmall { layer, .. } => {
            p.str("kind", "malformed")?;
            p.text("layer", layer)?;
        }
    }
    // The sentence the tree shows, for people reading the JSON; in
    // English too, so that the output does not depend on the locale.
    p.text("text", &e.in_lang(Lang::En))
}

/// The members of one JSON object being written: each call adds
/// `"name":value,`; [`Members::close`] turns the last comma into the
/// closing brace.
///
/// The object is written into a `Vec<u8>` (one frame's line, handed to
/// the output in one write) rather than any `io::Write`: a line is about
/// 60 members and 1.3 kB, and a million-frame capture writes each of them
/// a million times. On a `Vec` a byte is a `push`, and writing the comma
/// *after* each value (and taking the last one back at the end) spares
/// the "is this the first member?" question before every key. Writing
/// into a `Vec` cannot fail; the methods keep `io::Result` so that the
/// code around them reads like any other writer.
pub struct Members<'w> {
    out: &'w mut Vec<u8>,
}

impl<'w> Members<'w> {
    /// Writes `{` and starts an object.
    pub fn open(out: &'w mut Vec<u8>) -> io::Result<Self> {
        out.push(b'{');
        Ok(Members { out })
    }

    /// Writes `}`, in place of the comma after the last member.
    pub fn close(self) -> io::Result<()> {
        close(self.out, b'}');
        Ok(())
    }

    /// Writes `"name":` and returns the output for the value, which must
    /// be followed by a comma. Names are plain identifiers chosen in this
    /// crate: nothing to escape.
    #[inline]
    fn key(&mut self, name: &str) -> &mut Vec<u8> {
        self.out.push(b'"');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    /// A byte range as `[start,end]`.
    #[inline]
    pub fn span(
        &mut self,
        name: &str,
        range: &std::ops::Range<usize>,
    ) -> io::Result<()> {
        let out = self.key(name);
        out.push(b'[');
        digits(out, range.start);
        out.push(b',');
        digits(out, range.end);
        out.extend_from_slice(b"],");
        Ok(())
    }

    /// A number.
    #[inline]
    pub fn num(&mut self, name: &str, n: impl itoa::Integer) -> io::Result<()> {
        let out = self.key(name);
        digits(out, n);
        out.push(b',');
        Ok(())
    }

    /// `true` or `false`.
    #[inline]
    pub fn bool(&mut self, name: &str, on: bool) -> io::Result<()> {
        let out = self.key(name);
        out.extend_from_slice(if on { b"true," } else { b"false," });
        Ok(())
    }

    /// `null`.
    #[inline]
    pub fn null(&mut self, name: &str) -> io::Result<()> {
        self.key(name).extend_from_slice(b"null,");
        Ok(())
    }

    /// A word of our own (`"good"`, `"UDP"`, `"data link"`): a constant
    /// in this crate, so there is nothing to escape and no need to scan
    /// it for that. Text from the packet goes through [`Members::escaped`].
    #[inline]
    pub fn str(&mut self, name: &str, word: &'static str) -> io::Result<()> {
        debug_assert!(!word.bytes().any(needs_escape), "{word:?}");
        self.plain(name, word.as_bytes())
    }

    /// A string from outside (the packet, an error), escaped.
    pub fn escaped(&mut self, name: &str, text: &str) -> io::Result<()> {
        let out = self.key(name);
        out.push(b'"');
        Escaped(out).write_all(text.as_bytes())?;
        out.extend_from_slice(b"\",");
        Ok(())
    }

    /// Text that needs no escaping (digits, dots, colons, letters: an
    /// address or a name of our own), between quotes. The caller makes
    /// sure it holds no quote, backslash or control character.
    #[inline]
    pub fn plain(&mut self, name: &str, text: &[u8]) -> io::Result<()> {
        let out = self.key(name);
        out.push(b'"');
        out.extend_from_slice(text);
        out.extend_from_slice(b"\",");
        Ok(())
    }

    /// A MAC address, `02:d3:45:62:b9:9e`.
    pub fn mac(&mut self, name: &str, address: &MacAddr) -> io::Result<()> {
        self.plain(name, &plain_text::mac(address))
    }

    /// An IPv4 address, `10.0.0.53`.
    pub fn ipv4(&mut self, name: &str, address: Ipv4Addr) -> io::Result<()> {
        self.plain(name, Ipv4Text::new(address).as_bytes())
    }

    /// An IPv6 address, `2001:db8::53`.
    pub fn ipv6(&mut self, name: &str, address: Ipv6Addr) -> io::Result<()> {
        self.plain(name, Ipv6Text::new(address).as_bytes())
    }

    /// Anything that displays itself, as a string.
    pub fn text(&mut self, name: &str, value: &dyn Display) -> io::Result<()> {
        let out = self.key(name);
        string(out, value)?;
        out.push(b',');
        Ok(())
    }

    /// A nested object, its members written by `each`.
    pub fn object(
        &mut self,
        name: &str,
        each: impl FnOnce(&mut Members<'_>) -> io::Result<()>,
    ) -> io::Result<()> {
        let out = self.key(name);
        let mut inner = Members::open(out)?;
        each(&mut inner)?;
        inner.close()?;
        out.push(b',');
        Ok(())
    }

    /// An array with one object per item, its members written by `each`.
    pub fn list<T>(
        &mut self,
        name: &str,
        items: impl IntoIterator<Item = T>,
        mut each: impl FnMut(&mut Members<'_>, T) -> io::Result<()>,
    ) -> io::Result<()> {
        let out = self.key(name);
        out.push(b'[');
        for item in items {
            let mut inner = Members::open(&mut *out)?;
            each(&mut inner, item)?;
            inner.close()?;
            out.push(b',');
        }
        close(out, b']');
        out.push(b',');
        Ok(())
    }

    /// An array of strings.
    pub fn strings<T: Display>(
        &mut self,
        name: &str,
        items: impl IntoIterator<Item = T>,
    ) -> io::Result<()> {
        let out = self.key(name);
        out.push(b'[');
        for item in items {
            string(out, &item)?;
            out.push(b',');
        }
        close(out, b']');
        out.push(b',');
        Ok(())
    }
}

/// Ends an object or array: `end` in place of the comma after its last
/// member, or after the opening bracket when it has none (`{}`, `[]`).
fn close(out: &mut Vec<u8>, end: u8) {
    match out.last_mut() {
        Some(last) if *last == b',' => *last = end,
        _ => out.push(end),
    }
}

/// A number in decimal.
fn digits(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A JSON string: the value's text between quotes, escaped as RFC 8259
/// § 7 requires (quote, backslash and control characters).
fn string(out: &mut Vec<u8>, value: &dyn Display) -> io::Result<()> {
    out.push(b'"');
    write!(Escaped(out), "{value}")?;
    out.push(b'"');
    Ok(())
}

/// What a JSON string may not hold as it is (RFC 8259 § 7): the quote,
/// the backslash and the control characters.
fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Passes text through, escaping what JSON strings may not contain.
struct Escaped<'a, W: Write>(&'a mut W);

impl<W: Write> Write for Escaped<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut rest = bytes;
        // Most text needs no escaping: find the next byte that does, copy
        // everything before it in one go.
        while let Some(at) = rest.iter().position(|&b| needs_escape(b)) {
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
    use crate::wire::fixtures::{
        DNS_SRV_RESPONSE_FRAME, ICMPV6_ECHO_FRAME, SYN_FRAME,
    };

    fn line(frame: &[u8]) -> serde_json::Value {
        let d = dissect(frame, Link::Ethernet, frame.len());
        let line = render(1, Duration::from_millis(1500), &d);
        assert!(!line.contains('\n'));
        serde_json::from_str(&line).expect("valid JSON")
    }

    #[test]
    fn one_object_per_frame_with_typed_values() {
        let v = line(&SYN_FRAME);
        assert_eq!(v["schema"], SCHEMA_VERSION);
        assert_eq!(v["number"], 1);
        assert_eq!(v["time"], 1.5);
        assert_eq!(v["cut_short"], false);
        assert_eq!(v["layers"][0]["layer"], "Ethernet II");
        assert_eq!(v["layers"][1]["tcpip"], "internet");
        let ip = &v["layers"][1]["fields"];
        assert_eq!(ip["ttl"], 64);
        assert_eq!(ip["protocol"], 6);
        assert_eq!(ip["protocol_name"], "TCP");
        assert_eq!(ip["df"], true);
        assert_eq!(ip["mf"], false);
        assert_eq!(ip["checksum_status"], "good");
        let tcp = &v["layers"][2]["fields"];
        assert_eq!(tcp["destination_port"], 5222);
        assert_eq!(tcp["syn"], true);
        assert_eq!(tcp["ack"], false);
        assert_eq!(tcp["flags"], "SYN");
        assert_eq!(tcp["payload_length"], 0);
        assert_eq!(tcp["options"][0]["name"], "MSS");
        assert_eq!(v["layers"][2]["bytes"][0], 34);
        assert!(v["problem"].is_null());
    }

    #[test]
    fn dns_sections_are_arrays_and_counts_are_numbers() {
        let v = line(&DNS_SRV_RESPONSE_FRAME);
        let dns = &v["layers"][3]["fields"];
        assert_eq!(dns["qr"], true);
        assert_eq!(dns["question_count"], 1);
        let answers = dns["answers"].as_array().expect("an array");
        assert_eq!(answers.len(), dns["answer_count"]);
        assert_eq!(answers[0]["type_name"], "SRV");
        assert!(answers[0]["port"].is_u64());
    }

    #[test]
    fn icmpv6_echo_has_its_identifier_and_sequence() {
        let v = line(&ICMPV6_ECHO_FRAME);
        let icmp = &v["layers"][2]["fields"];
        assert!(icmp["identifier"].is_u64(), "{icmp}");
        assert!(icmp["sequence"].is_u64(), "{icmp}");
    }

    #[test]
    fn a_problem_is_an_object_with_its_sentence() {
        let d = dissect(&SYN_FRAME[..30], Link::Ethernet, 30);
        let v: serde_json::Value =
            serde_json::from_str(&render(1, Duration::ZERO, &d)).expect("JSON");
        assert_eq!(v["problem"]["kind"], "truncated");
        assert_eq!(v["problem"]["layer"], "IPv4");
        assert_eq!(v["problem"]["available"], 16);
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
