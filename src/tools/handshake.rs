//! `netlab handshake`: one real TCP connection on loopback, captured and
//! drawn as a ladder diagram.
//!
//! The tool starts a live capture on `lo`, then opens a connection to a
//! listener of its own on 127.0.0.1, sends `hello`, gets `welcome` back and
//! closes, client first. Every segment the kernel sent is captured, taken
//! apart ([`crate::wire::dissect`]), explained ([`crate::wire::tcp_flow`])
//! and drawn ([`crate::show::ladder`]): SYN, SYN-ACK, ACK, data and its
//! acknowledgment, the two FINs and the last ACK.
//!
//! `--pcap FILE` also saves the frames as pcapng with each explanation as
//! the packet's comment: open it in Wireshark and the comments are there.
//!
//! Needs CAP_NET_RAW (capture); without it, says so and how to grant it.
//! Book: `book/src/lesson-07.md`. Run: `netlab handshake`.

use std::io::{BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::capture::file::PcapNgWriter;
use crate::capture::live::{self, Capture};
use crate::capture::{Frame, LinkType};
use crate::tools::dissect::link_of;
use crate::wire::dissect::{Header, dissect};
use crate::wire::tcp::Flags;
use crate::wire::tcp_flow::{self, Segment};

/// What the client sends.
pub const REQUEST: &[u8] = b"hello\n";
/// What the server answers.
pub const REPLY: &[u8] = b"welcome\n";

/// A recorded connection.
#[derive(Debug)]
pub struct Recording {
    /// The client's address (kernel-chosen port).
    pub client: SocketAddr,
    /// The server's address.
    pub server: SocketAddr,
    /// The connection's frames, in capture order.
    pub frames: Vec<Frame>,
    /// The same frames, explained.
    pub segments: Vec<Segment>,
}

/// How long to keep capturing after both sides have closed, for the last
/// ACK to arrive.
const TAIL: Duration = Duration::from_millis(300);

/// `netlab handshake`: records one connection, prints its ladder and, with
/// `pcap`, saves the frames with their explanations.
pub fn run(port: u16, pcap: Option<&Path>) -> anyhow::Result<()> {
    let recording = record(port)?;
    print!(
        "{}",
        crate::show::ladder::render(
            recording.client,
            recording.server,
            &recording.segments
        )
    );
    if let Some(path) = pcap {
        save(&recording, path)?;
        println!(
            "saved {} frames to {} (each with its explanation as a comment)",
            recording.frames.len(),
            path.display()
        );
    }
    Ok(())
}

/// Captures one connection to `127.0.0.1:port` (0: any free port) that
/// sends [`REQUEST`] and gets [`REPLY`].
pub fn record(port: u16) -> anyhow::Result<Recording> {
    record_exchange(port, REQUEST, REPLY)
}

/// How many times to try when the capture missed the start of the
/// connection (another program flooding lo can overflow the capture
/// socket's buffer).
const ATTEMPTS: u32 = 4;

// ANCHOR: record
/// Captures one connection to `127.0.0.1:port` in which the client sends
/// `request`, the server reads exactly that many bytes and answers `reply`,
/// and the client closes first.
pub fn record_exchange(
    port: u16,
    request: &'static [u8],
    reply: &'static [u8],
) -> anyhow::Result<Recording> {
    let mut attempt = 1;
    loop {
        match record_once(port, request, reply) {
            Err(e) if attempt < ATTEMPTS && e.is::<Missed>() => {
                tracing::info!("attempt {attempt}: {e}; trying again");
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// The capture did not see the connection's SYN.
#[derive(Debug, thiserror::Error)]
#[error(
    "the capture missed this connection's first packets (the machine was \
     too busy, or another program flooded lo); run it again"
)]
pub struct Missed;

fn record_once(
    port: u16,
    request: &'static [u8],
    reply: &'static [u8],
) -> anyhow::Result<Recording> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .with_context(|| format!("listening on 127.0.0.1:{port}"))?;
    let server = listener.local_addr().context("getsockname")?;

    // The capture must be running before the SYN is sent.
    let mut capture = Capture::open(
        "lo",
        live::Options {
            read_timeout: Duration::from_millis(20),
            promiscuous: false,
            port: Some(server.port()),
        },
    )?;
    let done = Arc::new(AtomicBool::new(false));
    let capturing = {
        let done = done.clone();
        thread::spawn(move || -> Result<Vec<Frame>, live::Error> {
            // This thread reads what the network sends: it does so with no
            // capability at all (they belong to a thread; the caller's
            // stay, lesson 9 needs them for its lab).
            if let Err(e) = crate::capture::privileges::drop_all() {
                tracing::warn!("keeping capabilities in the capture: {e}");
            }
            let mut frames = Vec::new();
            let mut finished: Option<Instant> = None;
            loop {
                if let Some(frame) = capture.next()?
                    && involves(&frame, server.port())
                {
                    frames.push(frame);
                }
                if done.load(Ordering::Acquire) {
                    let at = *finished.get_or_insert_with(Instant::now);
                    if at.elapsed() > TAIL {
                        return Ok(frames);
                    }
                }
            }
        })
    };

    let serving = thread::spawn(move || -> std::io::Result<()> {
        let (stream, _) = listener.accept()?;
        let mut reader = BufReader::new(&stream);
        let mut got = vec![0u8; request.len()];
        reader.read_exact(&mut got)?;
        (&stream).write_all(reply)?;
        // Read until the client's FIN (read returns 0), then close too.
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest)?;
        Ok(())
    });

    let client = {
        let mut stream =
            TcpStream::connect(server).context("connecting on loopback")?;
        let me = stream.local_addr().context("getsockname")?;
        stream.write_all(request).context("sending")?;
        let mut answer = vec![0u8; reply.len()];
        stream
            .read_exact(&mut answer)
            .context("reading the reply")?;
        me
        // `stream` is dropped here: close(), the client's FIN goes first.
    };
    serving
        .join()
        .map_err(|_| anyhow::anyhow!("the server thread panicked"))?
        .context("serving the connection")?;
    done.store(true, Ordering::Release);
    let frames = capturing
        .join()
        .map_err(|_| anyhow::anyhow!("the capture thread panicked"))??;

    // Keep exactly this connection: other programs' traffic on lo may use
    // the same port number on one side.
    let frames: Vec<Frame> = frames
        .into_iter()
        .filter(|f| {
            tcp_of(f).is_some_and(|(from, to, ..)| {
                (from == client && to == server)
                    || (from == server && to == client)
            })
        })
        .collect();
    let parts: Vec<_> = frames
        .iter()
        .filter_map(tcp_of)
        .map(|(from, _, tcp, payload)| (from, tcp, payload))
        .collect();
    let segments = tcp_flow::explain(client, server, &parts);
    // A packet socket's buffer can overflow on a busy machine; a ladder
    // without its SYN would teach something false.
    if segments
        .first()
        .is_none_or(|s| !s.flags.contains(Flags::SYN))
    {
        return Err(Missed.into());
    }
    Ok(Recording {
        client,
        server,
        frames,
        segments,
    })
}
// ANCHOR_END: record

/// Whether a frame is TCP to or from `port`.
fn involves(frame: &Frame, port: u16) -> bool {
    let d = dissect(&frame.data, link_of(frame.linktype), frame.data.len());
    d.layers.iter().any(|l| match &l.header {
        Header::Tcp(t, _) => t.src_port == port || t.dst_port == port,
        _ => false,
    })
}

/// The sender's and receiver's addresses, TCP header and payload of a
/// frame.
fn tcp_of(
    frame: &Frame,
) -> Option<(SocketAddr, SocketAddr, crate::wire::tcp::Repr, Vec<u8>)> {
    let d = dissect(&frame.data, link_of(frame.linktype), frame.data.len());
    let mut ip = None;
    for layer in &d.layers {
        match &layer.header {
            Header::Ipv4(v4) => {
                ip = Some((
                    std::net::IpAddr::V4(v4.src),
                    std::net::IpAddr::V4(v4.dst),
                ));
            }
            Header::Tcp(t, _) => {
                let (src, dst) = ip?;
                let from = SocketAddr::new(src, t.src_port);
                let to = SocketAddr::new(dst, t.dst_port);
                // The payload runs to the end of whatever the dissector
                // found after TCP (data, or an XMPP element).
                let last = d.layers.last().map_or(0, |l| l.bytes.end);
                let end = d.rest.end.max(last).max(layer.bytes.end);
                let payload = frame.data[layer.bytes.end..end].to_vec();
                return Some((from, to, t.clone(), payload));
            }
            _ => {}
        }
    }
    None
}

/// Saves the recording as pcapng, each frame commented with its meaning.
pub fn save(recording: &Recording, path: &Path) -> anyhow::Result<()> {
    let mut writer =
        PcapNgWriter::create(path, LinkType::ETHERNET, live::SNAPLEN as u32)
            .with_context(|| format!("creating {}", path.display()))?;
    let mut explained = recording.segments.iter();
    for frame in &recording.frames {
        let mut frame = frame.clone();
        if tcp_of(&frame).is_some() {
            frame.comment = explained.next().map(|s| s.meaning.clone());
        }
        writer
            .write(&frame)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    writer
        .finish()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
