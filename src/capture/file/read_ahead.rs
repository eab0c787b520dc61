//! The bytes of a pcap file, read ahead in chunks small enough to stay in
//! the processor's cache.
//!
//! pcap-file's `PcapReader` reads into a buffer of its own of 8 MB. On a
//! large capture that costs twice: the 8 MB are fresh memory the kernel
//! must hand over page by page (2,000 page faults, each page zeroed), and
//! a chunk that large has left the cache again before the records in it
//! are parsed, so every byte comes from main memory twice. The profile of
//! `netlab dissect --summary` put a third of its time there (see
//! `bench/README.md`).
//!
//! So for pcap we keep pcap-file's *parser* (`PcapParser`, which takes a
//! slice and says how far it got, or that it needs more) and do the
//! reading ourselves: 256 KiB at a time, into the same buffer again and
//! again. A record larger than the buffer makes it grow, up to the 8 MB
//! pcap-file allows; a record that claims more than that is the damaged
//! length field pcap-file would report, and is reported the same way.
//!
//! Read before: [`super`] (the [`super::Reader`]). Read next: `pcap.rs`.

use std::io::{self, Read};

use pcap_file::{PcapError, PcapResult};

use super::Input;

/// How much is read at a time: a few hundred frames, well inside the L2
/// cache of any processor this runs on.
const CHUNK: usize = 256 * 1024;

/// The largest record we make room for: pcap-file's own buffer size, so a
/// file it reads we read, and one it refuses we refuse.
const LARGEST: usize = 8_000_000;

/// A byte stream read ahead into one reused buffer.
pub(super) struct ReadAhead {
    input: Input,
    buffer: Vec<u8>,
    /// `buffer[start..end]` has been read but not yet parsed.
    start: usize,
    end: usize,
}

impl ReadAhead {
    /// Starts reading `input`; nothing is read until the first parse.
    pub(super) fn new(input: Input) -> Self {
        ReadAhead {
            input,
            buffer: vec![0; CHUNK],
            start: 0,
            end: 0,
        }
    }

    /// Runs `parse` on the bytes not parsed yet, reading more for as long
    /// as it says they are not enough (`IncompleteBuffer`), and moves past
    /// what it used. `parse` returns what it made of the bytes as an owned
    /// value: nothing may keep pointing into the buffer, which the next
    /// read overwrites.
    pub(super) fn parse<T>(
        &mut self,
        mut parse: impl FnMut(&[u8]) -> PcapResult<(&[u8], T)>,
    ) -> PcapResult<T> {
        loop {
            let unread = &self.buffer[self.start..self.end];
            match parse(unread) {
                Ok((rest, value)) => {
                    self.start = self.end - rest.len();
                    return Ok(value);
                }
                Err(PcapError::IncompleteBuffer) => {
                    if self.fill().map_err(PcapError::IoError)? == 0 {
                        return Err(PcapError::IoError(
                            io::ErrorKind::UnexpectedEof.into(),
                        ));
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// How many bytes were read but not parsed: after a parse ended in
    /// `UnexpectedEof`, how much of the cut record the file held.
    pub(super) fn unparsed(&self) -> usize {
        self.end - self.start
    }

    /// Whether the input is used up, with nothing left unparsed.
    pub(super) fn at_end(&mut self) -> io::Result<bool> {
        Ok(self.start == self.end && self.fill()? == 0)
    }

    /// Reads more after what is unparsed: moves that to the front, makes
    /// the buffer larger if it is already full, and reads once. Returns
    /// how many bytes came (0 at the end of the input, or when a record
    /// would need more than [`LARGEST`]).
    fn fill(&mut self) -> io::Result<usize> {
        self.buffer.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        if self.end == self.buffer.len() {
            if self.buffer.len() >= LARGEST {
                return Ok(0);
            }
            let larger = (self.buffer.len() * 2).min(LARGEST);
            self.buffer.resize(larger, 0);
        }
        let n = loop {
            match self.input.read(&mut self.buffer[self.end..]) {
                // A signal arrived mid-read (stdin from a terminal).
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other?,
            }
        };
        self.end += n;
        Ok(n)
    }
}
