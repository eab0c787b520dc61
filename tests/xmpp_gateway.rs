//! `netlab xmpp gateway` between software we did not write: Prosody as
//! the XMPP server hosting the component (XEP-0114), slixmpp as the XMPP
//! user, the Python `irc` package as the IRC client.
//!
//! ```text
//!  slixmpp (alice@localhost) ─c2s─ Prosody ─component─ netlab gateway ─IRC─ irc_client.py (mallory)
//! ```
//!
//! Checked: alice subscribes to mallory@gw.localhost and is approved; she
//! sees mallory come online when the IRC client registers; mallory's
//! PRIVMSG reaches her as a chat message and her reply reaches mallory as
//! a PRIVMSG; a message to a nick nobody holds comes back as
//! `item-not-found`; a PRIVMSG to a nick that maps to no JID gets `401`;
//! mallory's QUIT shows as unavailable. The same run is repeated with
//! our own server (`netlab xmpp server --component`) as the component
//! host. And the handshake's refusals (wrong secret, unknown name) are
//! clear errors.
//!
//! `scripts/interop-deps.sh` installs the peers (CI runs it). Where one is
//! missing the test says so and passes — except under CI (`CI` set).

use std::process::{Command, Stdio};
use std::time::Duration;

mod common;
use common::peers::{
    INTEROP, Process, drain, have, lines, python, wait_for, wait_for_port,
};
use common::{Scratch, free_port, netlab, text};

const SECRET: &str = "gw-test-secret";

/// Prosody with accounts alice and bob, accepting component gw.localhost;
/// returns it with its c2s and component ports.
fn prosody(scratch: &Scratch) -> (Process, u16, u16) {
    let c2s = free_port();
    let component = free_port();
    let child = Command::new("bash")
        .arg(format!("{INTEROP}/prosody.sh"))
        .arg("--plain")
        .args(["--component", "gw.localhost", SECRET])
        .arg(component.to_string())
        .arg(&scratch.0)
        .arg(c2s.to_string())
        .args(["alice", "apass", "bob", "bpass"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prosody.sh");
    let process = Process(child);
    wait_for_port(c2s);
    wait_for_port(component);
    (process, c2s, component)
}

fn have_peers() -> bool {
    have("prosodyctl", &["--help"])
        && have(&python(), &["-c", "import slixmpp"])
        && have(&python(), &["-c", "import irc.client"])
}

#[test]
fn an_irc_client_and_an_xmpp_client_talk_through_the_gateway() {
    if !have_peers() {
        return;
    }
    let scratch = Scratch::new("gateway-prosody");
    let (_prosody, c2s, component) = prosody(&scratch);
    talk_through_the_gateway(c2s, component);
}

#[test]
fn the_gateway_works_with_our_server_too() {
    if !have_peers() {
        return;
    }
    let scratch = Scratch::new("gateway-ours");
    let out = netlab()
        .args(["xmpp", "adduser", "alice@localhost", "--db", "x.sqlite"])
        .args(["--password", "apass"])
        .current_dir(&scratch.0)
        .output()
        .expect("adduser");
    assert!(out.status.success(), "{}", text(&out));
    let c2s = free_port();
    let component = free_port();
    let server = netlab()
        .args(["xmpp", "server", "--db", "x.sqlite", "--tls", "off"])
        .args(["--s2s", "off"])
        .args(["--bind", &format!("127.0.0.1:{c2s}")])
        .args(["--component", &format!("gw.localhost={SECRET}")])
        .args(["--component-bind", &format!("127.0.0.1:{component}")])
        .current_dir(&scratch.0)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("netlab xmpp server");
    let _server = Process(server);
    wait_for_port(c2s);
    wait_for_port(component);
    talk_through_the_gateway(c2s, component);
}

/// The gateway on the component port, alice (slixmpp) on the c2s port,
/// mallory (the `irc` package) on the gateway's IRC port: every check.
fn talk_through_the_gateway(c2s: u16, component: u16) {
    // The gateway, IRC on a port the kernel picks; it prints it.
    let mut gateway = netlab()
        .args(["xmpp", "gateway", "--name", "gw.localhost"])
        .args(["--server", &format!("127.0.0.1:{component}")])
        .args(["--irc-bind", "127.0.0.1:0"])
        .env("NETLAB_GATEWAY_SECRET", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("netlab xmpp gateway");
    let gateway_out = lines(gateway.stdout.take().expect("stdout"));
    let _gateway = Process(gateway);
    let started = wait_for(
        &gateway_out,
        "IRC clients connect to",
        Duration::from_secs(20),
    )
    .unwrap_or_else(|seen| panic!("the gateway did not start: {seen:?}"));
    let banner = started.last().cloned().unwrap_or_default();
    let irc_port = banner
        .rsplit(':')
        .next()
        .and_then(|p| p.trim().parse::<u16>().ok())
        .unwrap_or_else(|| panic!("no IRC port in {banner:?}"));

    // alice on XMPP: subscribes to mallory, then waits for the rest.
    let mut alice = Command::new(python())
        .arg(format!("{INTEROP}/slixmpp_gateway_peer.py"))
        .args(["--host", "127.0.0.1", "--port", &c2s.to_string()])
        .args(["--domain", "localhost", "--plain"])
        .args(["--user", "alice", "--pass", "apass"])
        .args(["--contact", "mallory@gw.localhost"])
        .args(["--absent", "nobody@gw.localhost"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("slixmpp_gateway_peer.py");
    let alice_out = lines(alice.stdout.take().expect("stdout"));
    let mut alice = Process(alice);
    if let Err(seen) = wait_for(&alice_out, "ready", Duration::from_secs(20)) {
        panic!("alice did not get ready: {seen:?}");
    }

    // mallory on IRC.
    let irc = Command::new(python())
        .arg(format!("{INTEROP}/irc_client.py"))
        .args(["--port", &irc_port.to_string(), "--nick", "mallory"])
        .args(["--send", "alice|localhost", "hello from irc"])
        .args([
            "--expect-privmsg",
            "alice|localhost",
            "echo: hello from irc",
        ])
        .args(["--send", r"x\zz|y", "to nobody"])
        .args(["--expect-numeric", "401"])
        .output()
        .expect("irc_client.py");
    let irc_report = text(&irc);
    assert!(irc.status.success(), "{irc_report}");
    assert!(
        irc_report.contains("ok: registered as mallory"),
        "{irc_report}"
    );
    assert!(
        irc_report
            .contains("got: alice|localhost PRIVMSG echo: hello from irc"),
        "{irc_report}"
    );
    assert!(irc_report.contains("ok: got numeric 401"), "{irc_report}");
    assert!(irc_report.contains("ok: quit"), "{irc_report}");

    let status = alice.wait_exit(Duration::from_secs(20));
    let alice_report = drain(&alice_out, Duration::from_millis(500)).join("\n");
    assert!(
        status.is_some_and(|s| s.success()),
        "alice: {status:?}\n{alice_report}"
    );
    for needle in [
        "ok: mallory@gw.localhost is available",
        "got: mallory@gw.localhost: hello from irc",
        "answered with error item-not-found (cancel)",
        "ok: mallory@gw.localhost is unavailable (Quit: done)",
    ] {
        assert!(alice_report.contains(needle), "{needle}\n{alice_report}");
    }

    // The gateway logged one line per event.
    let log = drain(&gateway_out, Duration::from_millis(500)).join("\n");
    for needle in [
        "irc: mallory registered from 127.0.0.1",
        "irc → xmpp: mallory → alice@localhost: hello from irc",
        "xmpp → irc: alice@localhost → mallory: echo: hello from irc",
        "xmpp: alice@localhost subscribed to mallory@gw.localhost",
        "irc: mallory left (Quit: done)",
    ] {
        assert!(log.contains(needle), "{needle}\n{log}");
    }
}

#[test]
fn the_handshake_refusals_are_clear_errors() {
    if !have_peers() {
        return;
    }
    let scratch = Scratch::new("gateway-refusals");
    let (_prosody, _c2s, component) = prosody(&scratch);
    let run = |name: &str, secret: &str| {
        netlab()
            .args(["xmpp", "gateway", "--name", name])
            .args(["--server", &format!("127.0.0.1:{component}")])
            .args(["--irc-bind", "127.0.0.1:0", "--secret", secret])
            .output()
            .expect("netlab xmpp gateway")
    };
    let wrong_secret = run("gw.localhost", "not-the-secret");
    let report = text(&wrong_secret);
    assert!(!wrong_secret.status.success(), "{report}");
    assert!(report.contains("<not-authorized/>"), "{report}");
    assert!(report.contains("component_secret"), "{report}");
    let unknown = run("other.localhost", SECRET);
    let report = text(&unknown);
    assert!(!unknown.status.success(), "{report}");
    assert!(report.contains("<host-unknown/>"), "{report}");
}
