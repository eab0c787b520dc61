//! Integration tests for `netlab capture`, run as real processes.
//!
//! Live capture needs CAP_NET_RAW, so these run as root (as CI does) and
//! skip with a printed reason otherwise. Traffic goes only to 127.0.0.1.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{is_root, proc_status};

const NETLAB: &str = env!("CARGO_BIN_EXE_netlab");

#[test]
fn captures_filters_by_port_and_writes_pcapng() {
    if !is_root() {
        eprintln!("skipped: live capture needs CAP_NET_RAW (run as root)");
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let dir = std::env::temp_dir()
        .join(format!("netlab-capture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("lo.pcapng");

    let capture = Command::new(NETLAB)
        .args(["capture", "--count", "6", "--seconds", "20", "--summary"])
        .args(["--port", &port.to_string()])
        .arg("--write")
        .arg(&file)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("netlab capture starts");

    let out = connect_until_done(capture, &listener, |_| {});
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    for line in &lines {
        assert!(line.contains(&format!(":{port}")), "{line}");
    }
    // Loopback shows every packet twice to a packet socket; netlab shows
    // it once, so no two consecutive lines are the same packet.
    for pair in lines.windows(2) {
        let strip = |l: &str| l.splitn(3, ' ').nth(2).map(str::to_owned);
        assert_ne!(strip(pair[0].trim_start()), strip(pair[1].trim_start()));
    }

    let have_tshark = Command::new("sh")
        .args(["-c", "command -v tshark"])
        .output()
        .is_ok_and(|o| o.status.success());
    if have_tshark {
        let read = Command::new("tshark")
            .arg("-r")
            .arg(&file)
            .args(["-T", "fields", "-e", "frame.comment"])
            .output()
            .expect("tshark runs");
        let comments = String::from_utf8_lossy(&read.stdout);
        let stderr = String::from_utf8_lossy(&read.stderr);
        assert!(read.status.success(), "{stderr}");
        assert!(
            !stderr.to_lowercase().contains("warn"),
            "tshark warned: {stderr}"
        );
        assert_eq!(comments.lines().count(), 6, "{comments}");
        assert!(comments.contains("TCP 127.0.0.1:"), "{comments}");
    } else {
        eprintln!("skipped the tshark check: tshark not installed");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_cap_net_raw_it_says_how_to_grant_it() {
    if !is_root() {
        eprintln!("skipped: needs root to start a process as user nobody");
        return;
    }
    let out = common::netlab_as_nobody(&["capture", "--count", "1"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("CAP_NET_RAW"), "{err}");
    assert!(err.contains("setcap cap_net_raw"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn capture_gives_up_its_capabilities_once_the_socket_is_open() {
    if !is_root() {
        eprintln!("skipped: live capture needs CAP_NET_RAW (run as root)");
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let capture = Command::new(NETLAB)
        .args(["capture", "--count", "4", "--seconds", "20", "--summary"])
        .args(["--port", &port.to_string()])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("netlab capture starts");
    // Root starts with every capability; once the socket is open, none.
    let mut seen = Vec::new();
    let out = connect_until_done(capture, &listener, |pid| {
        if let Some(eff) = proc_status(pid, "CapEff") {
            seen.push(eff);
        }
    });
    // It still captured after dropping them: reading needs none.
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 4);
    assert_eq!(
        seen.last().map(String::as_str),
        Some("0000000000000000"),
        "CapEff while capturing: {seen:?}"
    );
}

/// The capture opens its socket a moment after starting: keep making
/// short connections to `listener` (calling `each` before every one)
/// until it has seen its frames and exited, successfully; its output.
fn connect_until_done(
    mut capture: std::process::Child,
    listener: &TcpListener,
    mut each: impl FnMut(u32),
) -> std::process::Output {
    let port = listener.local_addr().expect("addr").port();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = capture.try_wait().expect("wait") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(25),
            "capture did not finish"
        );
        each(capture.id());
        let mut client =
            TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        client.write_all(b"ping\n").expect("write");
        drop(client);
        drop(server);
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success());
    capture.wait_with_output().expect("output")
}

#[test]
fn the_handshake_reads_frames_in_a_thread_without_capabilities() {
    if !is_root() {
        eprintln!("skipped: live capture needs CAP_NET_RAW (run as root)");
        return;
    }
    let child = Command::new(NETLAB)
        .args(["handshake"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("netlab handshake starts");
    let watch = common::CapsWatch::start(&child.id().to_string());
    let out = child.wait_with_output().expect("netlab handshake ends");
    let seen = watch.stop();
    assert!(out.status.success(), "netlab handshake failed");
    // The main thread starts as root, with every capability; the thread
    // that reads what the network sends holds none.
    assert!(
        seen.contains("0000000000000000"),
        "CapEff of the threads: {seen:?}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("SYN"));
}
