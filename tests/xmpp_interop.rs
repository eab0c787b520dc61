//! Software we did not write, against our server — and our client against
//! a server we did not write:
//!
//! - slixmpp (Python) logs two accounts in to `netlab xmpp server` with
//!   SCRAM over STARTTLS, verifying the generated certificate, and runs
//!   the subscription / presence / message / roster checks of
//!   `tests/interop/slixmpp_pair.py`;
//! - Profanity, a terminal client, driven under tmux, logs in to our
//!   server and chats with a slixmpp echo bot there;
//! - `netlab xmpp client` logs in to Prosody and chats with the same echo
//!   bot there;
//! - slixmpp with its stream management plugin (XEP-0198) chats through a
//!   proxy that breaks the connection again and again
//!   (`tests/interop/slixmpp_sm.py`): resumed, every message arrives
//!   exactly once and in order; not resumed in time, none is lost.
//!
//! `scripts/interop-deps.sh` installs the peers (CI runs it). Where one is
//! missing, the test says so and passes — except under CI (`CI` set),
//! where a missing peer is a failure: the point is that these run.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

mod common;
use common::peers::{
    INTEROP, Process, have, lines, python, wait_for, wait_for_port,
};
use common::{Scratch, free_port, netlab, text};

fn have_slixmpp() -> bool {
    have(&python(), &["-c", "import slixmpp"])
}

/// `netlab xmpp server` with accounts a, b, c (passwords apass …).
fn our_server(dir: &Path) -> (Process, u16) {
    our_server_with(dir, &[])
}

/// The same, with more flags.
fn our_server_with(dir: &Path, extra: &[&str]) -> (Process, u16) {
    for user in ["a", "b", "c"] {
        let out = netlab()
            .args([
                "xmpp",
                "adduser",
                &format!("{user}@localhost"),
                "--db",
                "x.sqlite",
                "--password",
                &format!("{user}pass"),
            ])
            .current_dir(dir)
            .output()
            .expect("adduser");
        assert!(out.status.success(), "{}", text(&out));
    }
    let port = free_port();
    let child = netlab()
        .args([
            "xmpp",
            "server",
            "--db",
            "x.sqlite",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--s2s-bind",
            "127.0.0.1:0",
        ])
        .args(extra)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("server");
    let process = Process(child);
    wait_for_port(port);
    (process, port)
}

/// slixmpp_echo.py as `user`, once it has said "ready".
fn echo_bot(
    port: u16,
    user: &str,
    tls: &[&str],
) -> (Process, mpsc::Receiver<String>) {
    let mut child = Command::new(python())
        .arg(format!("{INTEROP}/slixmpp_echo.py"))
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--domain",
            "localhost",
        ])
        .args(["--user", user, "--pass", &format!("{user}pass")])
        .args(tls)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("slixmpp_echo.py");
    let rx = lines(child.stdout.take().expect("stdout"));
    let process = Process(child);
    if let Err(seen) = wait_for(&rx, "ready", Duration::from_secs(20)) {
        panic!("the echo bot did not get ready: {seen:?}");
    }
    (process, rx)
}

#[test]
fn slixmpp_logs_in_with_scram_over_starttls_and_chats() {
    if !have_slixmpp() {
        return;
    }
    let scratch = Scratch::new("interop-slixmpp");
    let (_server, port) = our_server(&scratch.0);
    // Verify our generated certificate for real: no --insecure.
    let cafile = scratch.0.join("x.sqlite.crt");
    let out = Command::new(python())
        .arg(format!("{INTEROP}/slixmpp_pair.py"))
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--domain",
            "localhost",
        ])
        .args([
            "--user1", "a", "--pass1", "apass", "--user2", "b", "--pass2",
            "bpass",
        ])
        .arg("--cafile")
        .arg(&cafile)
        .output()
        .expect("slixmpp_pair.py");
    let report = text(&out);
    assert!(out.status.success(), "{report}");
    assert!(report.contains("over STARTTLS"), "{report}");
    assert!(report.contains("SCRAM-SHA"), "{report}");
    assert!(report.contains("with subscription both"), "{report}");
    assert!(report.contains("all 14 checks passed"), "{report}");
    // SCRAM-SHA-1 too: the mechanism RFC 6120 § 13.8 makes mandatory.
    let sha1 = Command::new(python())
        .arg(format!("{INTEROP}/slixmpp_pair.py"))
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--domain",
            "localhost",
        ])
        .args([
            "--user1",
            "a",
            "--pass1",
            "apass",
            "--user2",
            "c",
            "--pass2",
            "cpass",
            "--mech",
            "SCRAM-SHA-1",
        ])
        .arg("--cafile")
        .arg(&cafile)
        .output()
        .expect("slixmpp_pair.py");
    assert!(sha1.status.success(), "{}", text(&sha1));
    assert!(
        text(&sha1).contains("SCRAM-SHA-1 over STARTTLS"),
        "{}",
        text(&sha1)
    );
}

/// Runs `slixmpp_sm.py` against our server (resumption window `window`
/// seconds) and returns its report; fails the test unless it passed.
fn stream_management(window: &str, args: &[&str]) -> String {
    let scratch = Scratch::new("interop-sm");
    let (_server, port) =
        our_server_with(&scratch.0, &["--resume-window", window]);
    let cafile = scratch.0.join("x.sqlite.crt");
    let out = Command::new(python())
        .arg(format!("{INTEROP}/slixmpp_sm.py"))
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .arg("--cafile")
        .arg(&cafile)
        .args(args)
        .output()
        .expect("slixmpp_sm.py");
    let report = text(&out);
    assert!(out.status.success(), "{report}");
    assert!(report.contains("PASS"), "{report}");
    // The figures, for the log of the run (`--nocapture`).
    eprintln!("{}", report.trim());
    report
}

#[test]
fn slixmpp_resumes_through_100_cuts_and_5_stalls_losing_nothing() {
    if !have_slixmpp() {
        return;
    }
    // About 26 s: 100 cuts and 5 silent stalls, 0.15 s of messages both
    // ways (one every 10 ms each way) between two.
    let report = stream_management(
        "60",
        &["--mode", "resume", "--cuts", "100", "--stalls", "5"],
    );
    assert!(
        report.contains(" lost 0 duplicated 0 out of order 0"),
        "{report}"
    );
}

#[test]
fn slixmpp_not_resumed_in_time_loses_nothing() {
    if !have_slixmpp() {
        return;
    }
    // The window is 1 s and b stays away 2 s, five times: what the server
    // had not seen acknowledged goes to offline storage, then to b when it
    // logs in again (about 14 s) …
    let report = stream_management(
        "1",
        &["--mode", "expire", "--cuts", "5", "--gap", "0.5"],
    );
    assert!(report.contains(" lost 0 "), "{report}");
    // … or to b's other resource, online all along (three times, 8 s).
    let report = stream_management(
        "1",
        &[
            "--mode",
            "expire",
            "--cuts",
            "3",
            "--gap",
            "0.5",
            "--second-resource",
        ],
    );
    assert!(report.contains(" lost 0 "), "{report}");
}

/// tests/interop/profanity.sh against our server, with a slixmpp echo bot
/// as b; `cut` also breaks the connection once (PROF_CUT=1, needs socat).
/// Returns what the script reported, after checking it passed.
fn profanity_run(name: &str, cut: bool) -> Option<String> {
    if !have_slixmpp()
        || !have("profanity", &["--version"])
        || !have("tmux", &["-V"])
        || (cut && !have("socat", &["-V"]))
    {
        return None;
    }
    let scratch = Scratch::new(name);
    let (_server, port) = our_server(&scratch.0);
    let cafile = scratch
        .0
        .join("x.sqlite.crt")
        .to_string_lossy()
        .into_owned();
    let (_bot, _bot_lines) = echo_bot(port, "b", &["--cafile", &cafile]);
    let out = Command::new("bash")
        .arg(format!("{INTEROP}/profanity.sh"))
        .args([
            "127.0.0.1",
            &port.to_string(),
            "a",
            "apass",
            "b",
            "echo: hello from profanity",
        ])
        .env("PROF_CUT", if cut { "1" } else { "0" })
        .output()
        .expect("profanity.sh");
    let report = text(&out);
    eprintln!("{report}");
    assert!(out.status.success(), "{report}");
    assert!(report.contains("logged in"), "{report}");
    Some(report)
}

#[test]
fn profanity_logs_in_and_chats_with_a_slixmpp_bot() {
    profanity_run("interop-profanity", false);
}

#[test]
fn profanity_stays_connected_across_a_cut() {
    let Some(report) = profanity_run("interop-profanity-cut", true) else {
        return;
    };
    assert!(report.contains("after the cut"), "{report}");
    // Profanity asks for stream management by default: the session it
    // had before the cut is the one it has after.
    assert!(report.contains("resumed the session: <resumed"), "{report}");
}

/// A throwaway Prosody serving localhost (certificate in
/// `dir/certs/localhost.crt`), with accounts a, b, c (passwords apass …).
fn prosody(dir: &Path) -> (Process, u16) {
    let port = free_port();
    let prosody = Command::new("bash")
        .arg(format!("{INTEROP}/prosody.sh"))
        .arg(dir)
        .arg(port.to_string())
        .args(["a", "apass", "b", "bpass", "c", "cpass"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("prosody.sh");
    let prosody = Process(prosody);
    wait_for_port(port);
    (prosody, port)
}

#[test]
fn our_client_chats_through_prosody() {
    if !have_slixmpp() || !have("prosodyctl", &["--help"]) {
        return;
    }
    let scratch = Scratch::new("interop-prosody");
    let (_prosody, port) = prosody(&scratch.0);
    let cert = scratch
        .0
        .join("certs/localhost.crt")
        .to_string_lossy()
        .into_owned();
    let (_bot, _bot_lines) = echo_bot(port, "b", &["--cafile", &cert]);
    let mut client = netlab()
        .args(["xmpp", "client", "a@localhost", "--password", "apass"])
        .args([
            "--server",
            &format!("127.0.0.1:{port}"),
            "--trust-cert",
            &cert,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netlab xmpp client");
    let rx = lines(client.stdout.take().expect("stdout"));
    let mut stdin = client.stdin.take().expect("stdin");
    let _client = Process(client);
    let login = wait_for(&rx, "logged in as", Duration::from_secs(20));
    let login = login.unwrap_or_else(|seen| panic!("no login: {seen:?}"));
    let banner = login.last().cloned().unwrap_or_default();
    // Prosody 0.12 offers SCRAM-SHA-1 and PLAIN; we pick SCRAM.
    assert!(banner.contains("SCRAM-SHA-1, TLS"), "{banner}");
    writeln!(stdin, "/msg b@localhost hello from netlab").expect("type");
    let echoed =
        wait_for(&rx, "echo: hello from netlab", Duration::from_secs(20));
    let echoed = echoed.unwrap_or_else(|seen| panic!("no echo: {seen:?}"));
    assert!(
        echoed.last().is_some_and(|l| l.starts_with("b@localhost/")),
        "{echoed:?}"
    );
    writeln!(stdin, "/quit").expect("type");
}

#[test]
fn a_slixmpp_component_is_hosted_by_our_server() {
    if !have_slixmpp() {
        return;
    }
    let scratch = Scratch::new("interop-component");
    let component_port = free_port();
    let component_bind = format!("127.0.0.1:{component_port}");
    let (_server, port) = our_server_with(
        &scratch.0,
        &[
            "--component",
            "echo.localhost=s3cret",
            "--component-bind",
            &component_bind,
        ],
    );
    wait_for_port(component_port);
    // slixmpp's ComponentXMPP: the handshake as another implementation
    // writes it (no XML declaration, no version).
    let mut child = Command::new(python())
        .arg(format!("{INTEROP}/slixmpp_component.py"))
        .args(["--port", &component_port.to_string()])
        .args(["--name", "echo.localhost", "--secret", "s3cret"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("slixmpp_component.py");
    let component_lines = lines(child.stdout.take().expect("stdout"));
    let _component = Process(child);
    if let Err(seen) =
        wait_for(&component_lines, "ready", Duration::from_secs(20))
    {
        panic!("the component was not accepted: {seen:?}");
    }
    // Our client, over STARTTLS, talks to a user of the component.
    let cert = scratch
        .0
        .join("x.sqlite.crt")
        .to_string_lossy()
        .into_owned();
    let mut client = netlab()
        .args(["xmpp", "client", "a@localhost", "--password", "apass"])
        .args(["--server", &format!("127.0.0.1:{port}")])
        .args(["--trust-cert", &cert])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netlab xmpp client");
    let rx = lines(client.stdout.take().expect("stdout"));
    let mut stdin = client.stdin.take().expect("stdin");
    let _client = Process(client);
    if let Err(seen) = wait_for(&rx, "logged in as", Duration::from_secs(20)) {
        panic!("no login: {seen:?}");
    }
    writeln!(stdin, "/msg bot@echo.localhost hello component").expect("type");
    let got =
        wait_for(&component_lines, "hello component", Duration::from_secs(20))
            .unwrap_or_else(|seen| {
                panic!("the component got nothing: {seen:?}")
            });
    let got = got.last().cloned().unwrap_or_default();
    assert!(
        got.starts_with("got: a@localhost/")
            && got.contains("-> bot@echo.localhost"),
        "{got}"
    );
    let echoed =
        wait_for(&rx, "echo: hello component", Duration::from_secs(20))
            .unwrap_or_else(|seen| panic!("no echo: {seen:?}"));
    assert!(
        echoed
            .last()
            .is_some_and(|l| l.starts_with("bot@echo.localhost")),
        "{echoed:?}"
    );
}

/// A TCP proxy on 127.0.0.1 that can cut every connection through it,
/// refuse new ones for a while (a cable pulled, then plugged in again), or
/// swallow what passes: bytes the sender's kernel saw acknowledged — by
/// the proxy's kernel — that never reach the server.
struct CutProxy {
    port: u16,
    open: std::sync::Arc<std::sync::Mutex<Vec<std::net::TcpStream>>>,
    refusing: std::sync::Arc<std::sync::atomic::AtomicBool>,
    swallowing: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl CutProxy {
    fn start(target: u16) -> CutProxy {
        use std::net::{TcpListener, TcpStream};
        use std::sync::atomic::Ordering;
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let proxy = CutProxy {
            port,
            open: Default::default(),
            refusing: Default::default(),
            swallowing: Default::default(),
        };
        let (open, refusing) = (proxy.open.clone(), proxy.refusing.clone());
        let swallowing = proxy.swallowing.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().map_while(Result::ok) {
                if refusing.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees it close at once
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", target))
                else {
                    continue;
                };
                let mut list = open.lock().expect("lock");
                for (from, to) in [(&client, &server), (&server, &client)] {
                    let (Ok(mut from), Ok(mut to)) =
                        (from.try_clone(), to.try_clone())
                    else {
                        continue;
                    };
                    let swallowing = swallowing.clone();
                    std::thread::spawn(move || {
                        use std::io::{Read, Write};
                        let mut chunk = [0; 16 * 1024];
                        while let Ok(n @ 1..) = from.read(&mut chunk) {
                            if swallowing.load(Ordering::SeqCst) {
                                continue;
                            }
                            if to.write_all(&chunk[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(std::net::Shutdown::Both);
                    });
                }
                list.extend([client, server]);
            }
        });
        proxy
    }

    /// Cuts every connection: both ends see it close.
    fn cut(&self) {
        for stream in self.open.lock().expect("lock").drain(..) {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }

    fn refuse(&self, refusing: bool) {
        self.refusing
            .store(refusing, std::sync::atomic::Ordering::SeqCst);
    }

    fn swallow(&self, swallowing: bool) {
        self.swallowing
            .store(swallowing, std::sync::atomic::Ordering::SeqCst);
    }
}

/// `netlab xmpp client` for a through a proxy that cuts it three times,
/// b receiving directly: b gets every message once and in order, and a
/// gets, once, what c sent while its cable was out. `port` and `cert`:
/// a server with accounts a, b, c (passwords apass …) on localhost.
fn our_client_survives_cuts(port: u16, cert: &str) -> Vec<String> {
    let proxy = CutProxy::start(port);
    let client = |user: &str, via: u16, extra: &[&str]| {
        netlab()
            .args(["xmpp", "client", &format!("{user}@localhost")])
            .args(["--password", &format!("{user}pass")])
            .args(["--server", &format!("127.0.0.1:{via}")])
            .args(["--trust-cert", cert])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("netlab xmpp client")
    };
    let mut b = client("b", port, &["--recv", "10", "--timeout", "60"]);
    let b_lines = lines(b.stdout.take().expect("stdout"));
    let mut b = Process(b);
    let mut a = client("a", proxy.port, &[]);
    let a_lines = lines(a.stdout.take().expect("stdout"));
    let mut typing = a.stdin.take().expect("stdin");
    let _a = Process(a);
    let minute = Duration::from_secs(60);
    wait_for(&a_lines, "logged in as", minute)
        .unwrap_or_else(|seen| panic!("a did not log in: {seen:?}"));
    wait_for(&b_lines, "", Duration::from_millis(500)).ok();
    let mut seen = Vec::new();
    let mut said = |line: &str| {
        writeln!(typing, "{line}").expect("type");
    };
    said("/msg b@localhost m0");
    for round in 0..3 {
        if round == 2 {
            // The next two are swallowed: a's kernel has them acknowledged
            // by TCP, the server never sees them, so stream management
            // has no acknowledgement for them, and a sends them again.
            proxy.swallow(true);
        }
        for n in 1..=2 {
            said(&format!("m{}", round * 3 + n));
        }
        std::thread::sleep(Duration::from_millis(300));
        proxy.swallow(false);
        if round == 1 {
            // The cable stays out for a second; c writes to a meanwhile.
            proxy.refuse(true);
            proxy.cut();
            let out = netlab()
                .args(["xmpp", "client", "c@localhost", "--password"])
                .args(["cpass", "--server", &format!("127.0.0.1:{port}")])
                .args(["--trust-cert", cert])
                .args(["--send", "a@localhost", "while you were away"])
                .output()
                .expect("c sends");
            assert!(out.status.success(), "{}", text(&out));
            std::thread::sleep(Duration::from_secs(1));
            proxy.refuse(false);
        } else {
            proxy.cut();
        }
        let back = wait_for(&a_lines, "resumed:", minute)
            .unwrap_or_else(|lines| panic!("a did not resume: {lines:?}"));
        seen.extend(back);
        said(&format!("m{}", round * 3 + 3));
    }
    // b prints its 10 messages and exits.
    let status = b.wait_exit(minute).expect("b received 10 messages");
    let got: Vec<String> = std::iter::from_fn(|| b_lines.try_recv().ok())
        .filter_map(|l| l.split_once(": ").map(|(_, body)| body.to_owned()))
        .collect();
    assert!(status.success(), "b: {got:?}");
    let expected: Vec<String> = (0..10).map(|n| format!("m{n}")).collect();
    assert_eq!(got, expected, "every message once, in order");
    writeln!(typing, "/quit").expect("type");
    seen.extend(std::iter::from_fn(|| {
        a_lines.recv_timeout(Duration::from_secs(2)).ok()
    }));
    let away = seen
        .iter()
        .filter(|l| l.contains("while you were away"))
        .count();
    assert_eq!(away, 1, "c's message, once: {seen:#?}");
    let again = |l: &String| {
        let (_, tail) = l.rsplit_once(", ")?;
        tail.strip_suffix(" sent again")?.parse::<usize>().ok()
    };
    assert!(
        seen.iter().filter_map(again).any(|n| n >= 2),
        "the swallowed messages went again: {seen:#?}"
    );
    // What a said, for the log of the run (`--nocapture`).
    eprintln!("{}", seen.join("\n"));
    seen
}

#[test]
fn our_client_resumes_with_our_server_losing_nothing() {
    let scratch = Scratch::new("client-resume");
    let (_server, port) =
        our_server_with(&scratch.0, &["--resume-window", "60"]);
    let cert = scratch.0.join("x.sqlite.crt");
    let seen = our_client_survives_cuts(port, &cert.to_string_lossy());
    let resumed = seen.iter().filter(|l| l.starts_with("resumed:")).count();
    assert_eq!(resumed, 3, "{seen:#?}");
}

#[test]
fn our_client_resumes_with_prosody_losing_nothing() {
    if !have("prosodyctl", &["--help"]) {
        return;
    }
    let scratch = Scratch::new("client-resume-prosody");
    let (_prosody, port) = prosody(&scratch.0);
    let cert = scratch.0.join("certs/localhost.crt");
    let seen = our_client_survives_cuts(port, &cert.to_string_lossy());
    let resumed = seen.iter().filter(|l| l.starts_with("resumed:")).count();
    assert_eq!(resumed, 3, "{seen:#?}");
}
