//! Integration tests for `netlab trace`, run as real processes.
//!
//! The trace captures live on lo, so these run as root (as CI does) and
//! skip with a printed reason otherwise. Traffic goes only to 127.0.0.1.

use std::process::Command;

mod common;

use common::{Scratch, is_root, netlab, text};

/// The message the test sends: unusual enough not to occur by chance.
const BODY: &str = "netlab-trace-test-body";

#[test]
fn traces_one_message_in_plaintext_and_with_tls_and_saves_pcapng() {
    if !is_root() {
        eprintln!("skipped: live capture needs CAP_NET_RAW (run as root)");
        return;
    }
    let dir = Scratch::new("trace");
    let file = dir.0.join("x.pcapng");
    let out = netlab()
        .args(["trace", "--message", BODY, "--write"])
        .arg(&file)
        .output()
        .expect("netlab trace runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", text(&out));

    // The hops, in order, in both runs.
    for hop in [
        "Hop 1 of 3 (c2s): alice → a.example",
        "Hop 2 of 3 (s2s): a.example → b.example",
        "Hop 3 of 3 (c2s): b.example → bob",
    ] {
        assert_eq!(stdout.matches(hop).count(), 2, "{hop}\n{stdout}");
    }
    // The layers on the way down, and back up at bob's end.
    for layer in [
        " ↓ 7 XMPP ",
        " ↓ 4 TCP ",
        " ↓ 3 IPv4 ",
        " ↓ 2 Ethernet ",
        " ↑ 2 Ethernet ",
        " ↑ 4 TCP ",
        " ↑ 7 XMPP ",
    ] {
        assert!(stdout.contains(layer), "{layer}\n{stdout}");
    }
    assert!(stdout.contains(" ↓ 6 TLS "), "{stdout}");
    assert!(
        stdout.contains("00:00:00:00:00:00 → 00:00:00:00:00:00"),
        "{stdout}"
    );
    assert!(stdout.contains("legend: EE = Ethernet II"), "{stdout}");
    assert!(stdout.contains("type 23 (application data)"), "{stdout}");
    assert!(stdout.contains("What an eavesdropper sees"), "{stdout}");
    assert_eq!(stdout.matches(&format!("bob reads: {BODY}")).count(), 2);
    // One line per event, fitting 80 columns (but for the file's path,
    // which is as long as it is), no colour (NO_COLOR=1).
    let path = file.display().to_string();
    for line in stdout.lines() {
        assert!(
            line.chars().count() <= 80 || line.contains(&path),
            "too wide: {line}"
        );
        assert!(!line.contains('\x1b'), "coloured: {line}");
    }

    let have_tshark = Command::new("sh")
        .args(["-c", "command -v tshark"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_tshark {
        eprintln!("skipped the tshark check: tshark not installed");
        return;
    }
    let read = Command::new("tshark")
        .arg("-r")
        .arg(&file)
        .args(["-T", "fields", "-e", "frame.comment", "-e", "tcp.payload"])
        .output()
        .expect("tshark runs");
    let fields = String::from_utf8_lossy(&read.stdout);
    let stderr = String::from_utf8_lossy(&read.stderr);
    assert!(read.status.success(), "{stderr}");
    assert!(!stderr.to_lowercase().contains("warn"), "tshark: {stderr}");
    let body_hex: String = BODY.bytes().map(|b| format!("{b:02x}")).collect();
    let (mut plain_with_body, mut tls_frames, mut tls_with_body) = (0, 0, 0);
    for line in fields.lines() {
        let (comment, payload) = line.split_once('\t').unwrap_or((line, ""));
        let has_body = payload.contains(&body_hex);
        if comment.starts_with("plaintext run") {
            plain_with_body += usize::from(has_body);
        } else if comment.starts_with("TLS run") {
            tls_frames += 1;
            tls_with_body += usize::from(has_body);
        } else {
            panic!("a frame without its explanation: {line}");
        }
    }
    // The body crosses three connections in plain text: three frames.
    assert_eq!(plain_with_body, 3, "{fields}");
    assert!(tls_frames >= 3, "{fields}");
    assert_eq!(tls_with_body, 0, "{fields}");
}

#[test]
fn without_cap_net_raw_it_says_how_to_grant_it() {
    if !is_root() {
        eprintln!("skipped: needs root to start a process as user nobody");
        return;
    }
    let out = common::netlab_as_nobody(&["trace"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("CAP_NET_RAW"), "{err}");
    assert!(err.contains("setcap cap_net_raw"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
