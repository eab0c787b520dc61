//! Runs the example programs from `examples/` for real.
//!
//! `cargo test` builds every example before it runs integration tests, so
//! the binaries sit next to this test's own executable:
//! `target/<profile>/deps/examples-HASH` (this test) and
//! `target/<profile>/examples/NAME` (the examples). The echo servers are
//! started on `127.0.0.1:0`, so the kernel picks a free port and no test
//! depends on a fixed one; every socket has a read timeout so that a
//! broken example makes the test fail instead of hang.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// How long any single socket read may block before the test fails.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Path of the built example `name`, or a panic explaining how to get it.
fn example_bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    // .../target/<profile>/deps/examples-HASH -> .../target/<profile>
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binary lives in target/<profile>/deps");
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "example binary {} not found; run `cargo test`, which builds the \
         examples before running this test",
        path.display()
    );
    path
}

/// Kills the child when dropped, so a failing assertion never leaves a
/// server running behind.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        // We started this process ourselves; end it by its handle. An
        // error here only means it already exited.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts echo example `name` on port 0 and reads its `listening on` line.
fn start_server(name: &str) -> Server {
    let child = Command::new(example_bin(name))
        .arg("127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start example {name}: {e}"));
    // Wrap at once so the child is killed even if the next steps panic.
    let mut server = Server {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
    };
    let stdout = server
        .child
        .stdout
        .take()
        .expect("stdout was configured as a pipe");
    // The server prints its line right after binding and then only
    // accepts, so this read returns promptly (or hits EOF if it died).
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("cannot read stdout of {name}: {e}"));
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{name} printed {line:?}"));
    server.addr = addr
        .parse()
        .unwrap_or_else(|e| panic!("{name} printed bad address {addr:?}: {e}"));
    assert_eq!(server.addr.ip().to_string(), "127.0.0.1");
    assert_ne!(server.addr.port(), 0, "port 0 must be resolved");
    server
}

/// Connects to `addr` with read and write timeouts set.
fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, TIMEOUT)
        .unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"));
    stream
        .set_read_timeout(Some(TIMEOUT))
        .expect("timeout is non-zero");
    stream
        .set_write_timeout(Some(TIMEOUT))
        .expect("timeout is non-zero");
    stream
}

/// Sends `msg` on `stream` and asserts the same bytes come back.
fn assert_echo(stream: &mut TcpStream, msg: &[u8]) {
    stream.write_all(msg).expect("write to echo server");
    let mut back = vec![0u8; msg.len()];
    // read_exact, because TCP may deliver the echo in several pieces.
    stream.read_exact(&mut back).expect("read echo back");
    assert_eq!(back, msg);
}

/// Runs the shared checks against one echo example.
fn check_echo_server(name: &str) {
    let server = start_server(name);

    // One client: what we send comes back.
    let mut a = connect(server.addr);
    assert_echo(&mut a, b"hello\n");

    // Two clients open at the same time are both served: `b` is answered
    // while `a` is still connected, then `a` is answered again.
    let mut b = connect(server.addr);
    assert_echo(&mut b, b"second client\n");
    assert_echo(&mut a, b"first client again\n");

    // Closing our write side makes the server's copy see EOF and close
    // its side too, which we observe as a 0-byte read.
    b.shutdown(std::net::Shutdown::Write)
        .expect("shutdown write");
    let mut rest = Vec::new();
    b.read_to_end(&mut rest).expect("server closes after EOF");
    assert!(rest.is_empty(), "unexpected extra bytes {rest:?}");

    drop(server); // kills and reaps the child
}

#[test]
fn echo_std_echoes() {
    check_echo_server("echo_std");
}

#[test]
fn echo_tokio_echoes() {
    check_echo_server("echo_tokio");
}

#[test]
fn udp_pair_receives_three_datagrams() {
    let out = Command::new(example_bin("udp_pair"))
        .stdin(Stdio::null())
        .output()
        .expect("udp_pair runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "udp_pair failed: {out:?}");
    let got: Vec<&str> =
        stdout.lines().filter(|l| l.starts_with("got ")).collect();
    assert_eq!(got.len(), 3, "stdout was:\n{stdout}");
    for line in got {
        assert!(line.contains(" bytes from 127.0.0.1:"), "{line}");
    }
}

#[test]
fn pnet_fields_reads_a_capture_through_pnet() {
    let capture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fuzz_corpus/capture_file/le_micros.pcap"
    );
    let out = Command::new(example_bin("pnet_fields"))
        .arg(capture)
        .stdin(Stdio::null())
        .output()
        .expect("pnet_fields runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "pnet_fields failed: {out:?}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "1: 127.0.0.1:54321 > 127.0.0.1:5222 TCP ttl 64 seq 1511730237 \
             flags 0x02",
            // Cut by the snap length inside the IPv4 header.
            "2: too short for IPv4",
            "3: 127.0.0.53:53 > 127.0.0.1:40001 UDP ttl 64 length 135",
        ],
        "stdout was:\n{stdout}"
    );
}
