//! Integration tests for lesson 10 and the socket tools, on loopback.
//!
//! The lesson's claims are checked against the kernel: LISTEN after
//! `listen()`, the client ESTABLISHED before `accept()`, TIME_WAIT on the
//! side that closed first, two connections served at once, no `listen()`
//! for UDP. The tools are run as real processes, against each other and
//! against `socat` when it is installed (the test script installs it).
//! Every address is 127.0.0.1 with port 0 or a port the kernel just gave.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use netlab::sockets::per_connection;
use netlab::sockets::proc_net::TcpState;
use netlab::sockets::step::Side;
use netlab::sockets::udp_contrast;
use netlab::sockets::walkthrough::{REPLY, REQUEST, Walkthrough};

const LO: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
mod common;

const NETLAB: &str = env!("CARGO_BIN_EXE_netlab");

#[test]
fn the_kernel_confirms_the_connection_before_accept() {
    let mut walk = Walkthrough::new(LO, 16);
    walk.socket().expect("socket");
    walk.reuse_address().expect("setsockopt");
    let bound = walk.bind().expect("bind");
    assert!(bound.table.is_empty(), "a bound socket is not listed yet");

    let listen = walk.listen().expect("listen");
    assert_eq!(listen.state_of("listener"), Some(TcpState::Listen));

    let connect = walk.connect().expect("connect");
    let after = &connect[1];
    assert_eq!(after.side, Side::Client);
    assert_eq!(after.state_of("client"), Some(TcpState::Established));
    let queued = after
        .row_of("server, not accepted")
        .expect("the server's end exists before accept()");
    assert_eq!(queued.state, TcpState::Established);
    assert_eq!(queued.inode, 0, "no file descriptor owns it yet");
    assert_eq!(after.row_of("listener").map(|r| r.rx_queue), Some(1));

    let accept = walk.accept().expect("accept");
    assert_eq!(accept.state_of("server fd"), Some(TcpState::Established));
    assert!(accept.row_of("server, not accepted").is_none());
    assert_eq!(accept.row_of("listener").map(|r| r.rx_queue), Some(0));
}

#[test]
fn data_waits_in_recv_q_and_the_first_closer_gets_time_wait() {
    let mut walk = Walkthrough::new(LO, 16);
    for step in [Walkthrough::socket, Walkthrough::bind, Walkthrough::listen] {
        step(&mut walk).expect("set-up");
    }
    walk.connect().expect("connect");
    walk.accept().expect("accept");

    let exchange = walk.exchange().expect("exchange");
    let written = &exchange[0];
    assert_eq!(
        written.row_of("server fd").map(|r| r.rx_queue),
        Some(REQUEST.len() as u32),
        "the request sits in the server's Recv-Q"
    );
    assert!(exchange[1].returned.contains("hello"), "{:?}", exchange[1]);
    assert!(
        exchange[3]
            .returned
            .contains(&format!("{} bytes", REPLY.len())),
        "{:?}",
        exchange[3]
    );

    let close = walk.close().expect("close");
    assert_eq!(close[0].state_of("client"), Some(TcpState::FinWait2));
    assert_eq!(close[0].state_of("server fd"), Some(TcpState::CloseWait));
    assert!(
        close[1].returned.starts_with('0'),
        "read() returns 0 at EOF"
    );
    assert_eq!(close[2].state_of("client"), Some(TcpState::TimeWait));
    let kept = close[3]
        .row_of("client")
        .expect("TIME_WAIT outlives the fd");
    assert_eq!(kept.state, TcpState::TimeWait);
    assert_eq!(kept.inode, 0);
    assert!(close[4].row_of("listener").is_none(), "LISTEN row gone");
}

#[test]
fn two_clients_are_served_by_two_threads_at_once() {
    let run = per_connection::two_clients(LO).expect("demo runs");
    assert_eq!(run.concurrent.len(), 2, "{:?}", run.concurrent);
    assert_eq!(run.served.len(), 2);
    let (a, b) = (&run.served[0], &run.served[1]);
    assert_ne!(a.thread, b.thread);
    assert_ne!(a.tid, b.tid);
    assert!(a.reply.starts_with("client A served by thread conn-"));
    assert!(b.reply.starts_with("client B served by thread conn-"));
}

#[test]
fn udp_has_no_listen_and_no_state() {
    let steps = udp_contrast::run(LO).expect("demo runs");
    assert_eq!(steps[0].table[0].row.state, TcpState::Close);
    assert!(steps[1].returned.contains("EOPNOTSUPP"), "{:?}", steps[1]);
    let senders: Vec<&str> = steps
        .iter()
        .filter(|s| s.call.starts_with("recvfrom"))
        .map(|s| s.returned.as_str())
        .collect();
    assert_eq!(senders.len(), 2);
    assert!(senders[0].contains("from A") && senders[1].contains("from B"));
}

/// A process we started, killed (by its handle) if the test fails early.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `netlab socket listen 127.0.0.1:0 ARGS…` and returns it with the
/// port it printed, once it is ready: after `listen()` for TCP (the port is
/// printed at `bind()`, and a connect() before `listen()` is refused), after
/// `bind()` for UDP.
fn listener(
    args: &[&str],
) -> (Running, BufReader<std::process::ChildStdout>, u16) {
    let mut running = Running(
        Command::new(NETLAB)
            .args(["socket", "listen", "127.0.0.1:0"])
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .spawn()
            .expect("netlab starts"),
    );
    let stdout = running.0.stdout.take().expect("piped");
    let mut lines = BufReader::new(stdout);
    let mut line = String::new();
    let mut port = None;
    while lines.read_line(&mut line).expect("stdout readable") > 0 {
        if let Some(at) = line.rfind("127.0.0.1:") {
            let digits: String = line[at + 10..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(found) = digits.parse::<u16>()
                && found != 0
            {
                port = Some(found);
            }
        }
        let ready =
            line.contains("state LISTEN") || line.contains("receiving on");
        if let (Some(port), true) = (port, ready) {
            return (running, lines, port);
        }
        line.clear();
    }
    panic!("the listener never said it was ready");
}

fn rest(mut lines: BufReader<std::process::ChildStdout>) -> String {
    let mut text = String::new();
    lines.read_to_string(&mut text).expect("stdout readable");
    text
}

fn netlab(args: &[&str]) -> std::process::Output {
    Command::new(NETLAB)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("netlab runs")
}

#[test]
fn listen_and_connect_tools_talk_tcp() {
    let (mut server, lines, port) = listener(&["--echo", "--count", "1"]);
    let addr = format!("127.0.0.1:{port}");
    let out = netlab(&["socket", "connect", &addr, "--send", "hello"]);
    let client = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{client}");
    assert!(client.contains("three-way handshake done"), "{client}");
    assert!(client.contains(r#"recv 6 bytes from"#), "{client}");
    assert!(client.contains(r#": "hello\n""#), "{client}");
    assert!(client.contains("closed its side (FIN)"), "{client}");

    assert!(server.0.wait().expect("listener exits").success());
    let log = rest(lines);
    assert!(log.contains("accept() = fd"), "{log}");
    assert!(log.contains(r#"[1] recv 6 bytes from"#), "{log}");
    assert!(log.contains("[1] sent 6 bytes"), "{log}");
    assert!(log.contains("[1] close()"), "{log}");
}

#[test]
fn listen_and_connect_tools_talk_udp() {
    let (mut server, lines, port) =
        listener(&["--udp", "--echo", "--count", "1"]);
    let addr = format!("127.0.0.1:{port}");
    let out = netlab(&["socket", "connect", &addr, "--udp", "--send", "hi"]);
    let client = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{client}");
    assert!(client.contains("no packet was sent"), "{client}");
    assert!(client.contains(r#"recv 3 bytes from"#), "{client}");
    assert!(server.0.wait().expect("listener exits").success());
    let log = rest(lines);
    assert!(log.contains(r#"recv 3 bytes from"#), "{log}");
    assert!(!log.contains("accept() ="), "UDP accepts nothing: {log}");
}

#[test]
fn connect_reads_stdin_when_nothing_to_send() {
    let (_server, _lines, port) = listener(&["--echo"]);
    let mut child = Command::new(NETLAB)
        .args(["socket", "connect", &format!("127.0.0.1:{port}")])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("netlab starts");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(b"one\ntwo\n")
        .expect("stdin writable");
    let out = child.wait_with_output().expect("connect exits");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("sent 4 bytes"), "{text}");
    assert!(text.contains(r#""one\n"#), "{text}");
    assert!(text.contains("shutdown("), "{text}");
}

#[test]
fn refused_connection_is_explained() {
    // Bind a port without listening: connecting must be refused.
    let holder = socket2::Socket::new(
        socket2::Domain::IPV4,
        socket2::Type::STREAM,
        None,
    )
    .expect("socket");
    holder
        .bind(&std::net::SocketAddr::new(LO, 0).into())
        .expect("bind");
    let port = holder
        .local_addr()
        .expect("getsockname")
        .as_socket()
        .expect("inet")
        .port();
    let out = netlab(&["socket", "connect", &format!("127.0.0.1:{port}")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ECONNREFUSED: nothing is listening"), "{err}");
    assert!(err.contains("fix: start the server first"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// A port the kernel just said is free (there is a small window in which
/// another program could take it; fine for a test on loopback).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn tools_interoperate_with_socat() {
    if !have("socat") {
        eprintln!(
            "skipped: socat is not installed (scripts/test.sh installs it)"
        );
        return;
    }
    // socat as the client of our listener.
    let (mut server, lines, port) = listener(&["--echo", "--count", "1"]);
    let mut socat = Command::new("socat")
        .args(["-t", "2", "-", &format!("TCP:127.0.0.1:{port}")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("socat starts");
    socat
        .stdin
        .take()
        .expect("piped")
        .write_all(b"from socat\n")
        .expect("write");
    let out = socat.wait_with_output().expect("socat exits");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "from socat\n");
    assert!(server.0.wait().expect("listener exits").success());
    assert!(rest(lines).contains(r#""from socat\n""#));

    // socat as the server for our client: an echo server (cat).
    let port = free_port();
    let _echo = Running(
        Command::new("socat")
            .args([
                &format!("TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr"),
                "EXEC:cat",
            ])
            .spawn()
            .expect("socat starts"),
    );
    let addr = format!("127.0.0.1:{port}");
    let mut out = netlab(&["socket", "connect", &addr, "--send", "hi socat"]);
    for _ in 0..50 {
        if out.status.success() {
            break;
        }
        // socat may not be listening yet.
        std::thread::sleep(Duration::from_millis(100));
        out = netlab(&["socket", "connect", &addr, "--send", "hi socat"]);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(r#""hi socat\n""#), "{text}");
}

/// Root starts a copy of netlab as user `nobody`, which lacks
/// CAP_NET_BIND_SERVICE, and asks it to listen on port 80.
#[test]
fn privileged_port_as_an_ordinary_user_gets_the_setcap_line() {
    if !common::is_root() {
        eprintln!("skipped: needs root, to start a process as user nobody");
        return;
    }
    let start =
        netlab::sockets::ports::unprivileged_port_start().expect("readable");
    if start <= 80 {
        eprintln!("skipped: ip_unprivileged_port_start is {start} here");
        return;
    }
    let out = common::netlab_as_nobody(&["socket", "listen", "127.0.0.1:80"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("EACCES: ports below 1024"), "{err}");
    assert!(err.contains("setcap cap_net_bind_service=+ep"), "{err}");
}

#[test]
fn port_in_use_is_explained() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("getsockname").to_string();
    let out = netlab(&["socket", "listen", &addr]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("error: listening on {addr}")),
        "{err}"
    );
    assert!(
        err.contains("EADDRINUSE: another socket already holds"),
        "{err}"
    );
    assert!(err.contains("fix: pick another port"), "{err}");
}

#[test]
fn a_full_accept_queue_drops_the_syn_and_the_client_retries() {
    use netlab::sockets::backlog;
    let filled = backlog::fill(LO, 1, 3).expect("fill the queue");
    let states: Vec<_> = filled.clients.iter().map(|c| c.state).collect();
    // Linux parks backlog + 1 finished connections, then drops SYNs.
    assert_eq!(
        states,
        [
            TcpState::Established,
            TcpState::Established,
            TcpState::SynSent
        ]
    );
    assert_eq!(filled.queued, 2, "the LISTEN row's Recv-Q");
    // Its SYN was dropped, not refused: after accept() made room, the
    // client's own retransmission got it in.
    assert!(filled.got_in_after.is_some(), "the retried SYN got in");
}
