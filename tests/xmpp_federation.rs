//! Federation: two of our servers, a.example and b.example, on loopback,
//! with pinned routes instead of DNS; and servers that misbehave, typed by
//! hand.
//!
//! Each server runs in-process with `--tls off` for clients (so the tests
//! can log in by typing XML); server-to-server TLS is tested both off and
//! on (self-signed certificates, dialback inside TLS).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use base64::Engine;
use netlab::xmpp::server::{Config, S2sConfig, Server, TlsMode};
use netlab::xmpp::store::Store;
use netlab::xmpp::{accounts, tls};
use tokio_util::sync::CancellationToken;

mod common;
use common::free_port;

const TIMEOUT: Duration = Duration::from_secs(10);

/// A server on its own runtime thread.
struct Running {
    addr: SocketAddr,
    s2s: SocketAddr,
    shutdown: CancellationToken,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// `domain` with users alice and bob, s2s on `s2s_port`, routes pinned.
    fn start(
        domain: &str,
        s2s_port: u16,
        routes: &[(&str, u16)],
        s2s_tls: bool,
        auth_timeout: Duration,
    ) -> Running {
        let store = Store::open(":memory:").expect("store");
        for user in ["alice", "bob"] {
            accounts::add(&store, &format!("{user}@{domain}"), domain, "pw")
                .expect("account");
        }
        let mut s2s =
            S2sConfig::new(SocketAddr::from(([127, 0, 0, 1], s2s_port)));
        s2s.auth_timeout = auth_timeout;
        // Any lookup a test did not pin goes to a local port where no DNS
        // server listens, never to the system's resolver.
        s2s.dns = Some(SocketAddr::from(([127, 0, 0, 1], 9)));
        s2s.connect_timeout = auth_timeout;
        for (peer, port) in routes {
            s2s.routes
                .push(((*peer).to_owned(), ([127, 0, 0, 1], *port).into()));
        }
        // With a certificate, server streams use STARTTLS; clients keep
        // `--tls off`, so that the test can type their XML.
        let tls_config = s2s_tls.then(|| {
            tls::server_config(domain, None, None, None)
                .expect("certificate")
                .0
        });
        let mode = TlsMode::Off;
        // NETLAB_TEST_TRACE=1 shows every stream of the test on stderr.
        let trace: Option<netlab::xmpp::server::Trace> =
            std::env::var_os("NETLAB_TEST_TRACE").map(|_| {
                let domain = domain.to_owned();
                let trace: netlab::xmpp::server::Trace =
                    std::sync::Arc::new(move |event| {
                        eprintln!(
                            "{domain}: {}",
                            netlab::show::xmpp_trace::line(event)
                        )
                    });
                trace
            });
        let config = Config {
            domain: domain.to_owned(),
            tls: mode,
            s2s: Some(s2s),
            trace,
            ..Config::default()
        };
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            runtime.block_on(async move {
                let server = Server::bind(
                    "127.0.0.1:0".parse().expect("addr"),
                    config,
                    store,
                    tls_config,
                )
                .await
                .expect("bind");
                tx.send((
                    server.local_addr().expect("addr"),
                    server.s2s_addr().expect("s2s"),
                ))
                .expect("send");
                server.run(stop).await.expect("run");
            });
        });
        let (addr, s2s) = rx.recv_timeout(TIMEOUT).expect("started");
        Running {
            addr,
            s2s,
            shutdown,
            thread: Some(thread),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.shutdown.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Two federating servers, pinned to each other.
fn pair(s2s_tls: bool) -> (Running, Running) {
    let (pa, pb) = (free_port(), free_port());
    let a = Running::start(
        "a.example",
        pa,
        &[("b.example", pb)],
        s2s_tls,
        Duration::from_secs(10),
    );
    let b = Running::start(
        "b.example",
        pb,
        &[("a.example", pa)],
        s2s_tls,
        Duration::from_secs(10),
    );
    (a, b)
}

/// Someone typing XML on a socket.
struct Raw {
    stream: TcpStream,
    seen: String,
}

impl Raw {
    fn connect(addr: SocketAddr) -> Raw {
        let stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .expect("timeout");
        Raw {
            stream,
            seen: String::new(),
        }
    }

    fn send(&mut self, xml: &str) {
        self.stream.write_all(xml.as_bytes()).expect("write");
    }

    /// Reads until `needle`; returns everything up to it.
    fn expect(&mut self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(at) = self.seen.find(needle) {
                let rest = self.seen.split_off(at + needle.len());
                return std::mem::replace(&mut self.seen, rest);
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "waited for {needle:?}; got {:?}",
                self.seen
            );
            let mut buf = [0u8; 8192];
            if let Ok(n) = self.stream.read(&mut buf) {
                self.seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }
    }

    /// Reads for a while; returns what came.
    fn quiet(&mut self, wait: Duration) -> String {
        let start = Instant::now();
        while start.elapsed() < wait {
            let mut buf = [0u8; 8192];
            if let Ok(n) = self.stream.read(&mut buf) {
                self.seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }
        std::mem::take(&mut self.seen)
    }

    /// `user@domain/res` logged in (PLAIN, no TLS), bound, available.
    fn online(addr: SocketAddr, user: &str, domain: &str) -> Raw {
        let mut raw = Raw::bound(addr, user, domain);
        raw.send("<presence/>");
        raw.expect(&format!("from=\"{user}@{domain}/res\""));
        raw
    }

    /// `user@domain/res` logged in and bound, not yet available.
    fn bound(addr: SocketAddr, user: &str, domain: &str) -> Raw {
        let mut raw = Raw::connect(addr);
        let header = format!(
            "<stream:stream to='{domain}' version='1.0' xmlns='jabber:client' \
             xmlns:stream='http://etherx.jabber.org/streams'>"
        );
        raw.send(&header);
        raw.expect("</stream:features>");
        let token = base64::engine::general_purpose::STANDARD
            .encode(format!("\0{user}\0pw"));
        raw.send(&format!(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' \
             mechanism='PLAIN'>{token}</auth>"
        ));
        raw.expect("<success");
        raw.send(&header);
        raw.expect("</stream:features>");
        raw.send(
            "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>\
             <resource>res</resource></bind></iq>",
        );
        raw.expect("</jid>");
        raw
    }
}

fn federate(s2s_tls: bool) {
    let (a, b) = pair(s2s_tls);
    let mut alice = Raw::online(a.addr, "alice", "a.example");
    let mut bob = Raw::online(b.addr, "bob", "b.example");
    // A message across: a → b on a's stream, after dialback.
    alice.send(
        "<message to='bob@b.example' type='chat' id='m1'>\
         <body>hello from a</body></message>",
    );
    let got = bob.expect("</message>");
    assert!(got.contains("from=\"alice@a.example/res\""), "{got}");
    assert!(got.contains("<body>hello from a</body>"), "{got}");
    // jabber:server on the wire, jabber:client at the client.
    assert!(!got.contains("jabber:server"), "{got}");
    // And back: b opens its own stream to a.
    bob.send(
        "<message to='alice@a.example/res' type='chat'>\
         <body>hello from b</body></message>",
    );
    let got = alice.expect("</message>");
    assert!(got.contains("from=\"bob@b.example/res\""), "{got}");
    // A subscription across domains, and the presence that follows.
    alice.send("<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
    alice.expect("</iq>");
    alice.send("<presence to='bob@b.example' type='subscribe'/>");
    let request = bob.expect("type=\"subscribe\"");
    assert!(request.contains("from=\"alice@a.example\""), "{request}");
    bob.send("<presence to='alice@a.example' type='subscribed'/>");
    let seen = alice.expect("subscription=\"to\"");
    assert!(seen.contains("bob@b.example"), "{seen}");
    let presence = alice.expect("from=\"bob@b.example/res\"");
    assert!(presence.contains("<presence"), "{presence}");
    // An iq to the other server, answered by it.
    alice.quiet(Duration::from_millis(100));
    alice.send(
        "<iq to='b.example' type='get' id='ping1'>\
         <ping xmlns='urn:xmpp:ping'/></iq>",
    );
    let pong = alice.expect("id=\"ping1\"");
    let pong = pong + &alice.expect(">");
    assert!(pong.contains("from=\"b.example\""), "{pong}");
    // An account that does not exist there: b's error comes back to a.
    alice.quiet(Duration::from_millis(100));
    alice.send(
        "<message to='nobody@b.example' type='chat' id='m9'>\
         <body>?</body></message>",
    );
    let error = alice.expect("</message>");
    assert!(error.contains("service-unavailable"), "{error}");
}

#[test]
fn two_servers_federate_in_plain_text() {
    federate(false);
}

#[test]
fn two_servers_federate_with_dialback_inside_tls() {
    federate(true);
}

#[test]
fn a_domain_whose_server_is_down_is_remote_server_not_found() {
    let dead = free_port();
    let a = Running::start(
        "a.example",
        free_port(),
        &[("down.example", dead)],
        false,
        Duration::from_secs(3),
    );
    let mut alice = Raw::online(a.addr, "alice", "a.example");
    alice.send(
        "<message to='x@down.example' type='chat' id='m1'><body>?</body></message>",
    );
    let error = alice.expect("</message>");
    assert!(error.contains("remote-server-not-found"), "{error}");
    assert!(error.contains("id=\"m1\""), "{error}");
}

#[test]
fn a_server_that_never_answers_is_remote_server_timeout() {
    // Accepts TCP, then says nothing.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let a = Running::start(
        "a.example",
        free_port(),
        &[("silent.example", port)],
        false,
        Duration::from_secs(1),
    );
    let mut alice = Raw::online(a.addr, "alice", "a.example");
    alice.send(
        "<iq to='silent.example' type='get' id='q1'>\
         <ping xmlns='urn:xmpp:ping'/></iq>",
    );
    let error = alice.expect("</iq>");
    assert!(error.contains("remote-server-timeout"), "{error}");
    drop(silent);
}

#[test]
fn a_server_that_forges_from_is_cut_off_and_nothing_is_delivered() {
    // evil.example's "authoritative server" is this test: it vouches for
    // any key, so evil.example passes dialback honestly — then lies.
    let authority = TcpListener::bind("127.0.0.1:0").expect("bind");
    let authority_port = authority.local_addr().expect("addr").port();
    let a = Running::start(
        "a.example",
        free_port(),
        &[("evil.example", authority_port)],
        false,
        Duration::from_secs(10),
    );
    let mut alice = Raw::online(a.addr, "alice", "a.example");
    let mut evil = Raw::connect(a.s2s);
    evil.send(
        "<stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' \
         xmlns:stream='http://etherx.jabber.org/streams' from='evil.example' \
         to='a.example' version='1.0'>",
    );
    evil.expect("</stream:features>");
    evil.send("<db:result from='evil.example' to='a.example'>k3y</db:result>");
    // a.example dials evil.example back and asks.
    let (back, _) = authority.accept().expect("a dials back");
    let mut back = Raw {
        stream: back,
        seen: String::new(),
    };
    back.stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .expect("timeout");
    back.expect("version='1.0'>");
    back.send(
        "<stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' \
         xmlns:stream='http://etherx.jabber.org/streams' from='evil.example' \
         to='a.example' id='back1' version='1.0'><stream:features/>",
    );
    let verify = back.expect("</db:verify>");
    assert!(verify.contains("to=\"evil.example\""), "{verify}");
    assert!(verify.contains(">k3y<"), "{verify}");
    let id = verify
        .split("id=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("id")
        .to_owned();
    back.send(&format!(
        "<db:verify from='evil.example' to='a.example' id='{id}' type='valid'/>"
    ));
    let verdict = evil.expect("/>");
    assert!(verdict.contains("type=\"valid\""), "{verdict}");
    // Honest: a stanza from its own domain is delivered.
    evil.send(
        "<message from='eve@evil.example' to='alice@a.example' type='chat'>\
         <body>hi, honestly</body></message>",
    );
    let got = alice.expect("</message>");
    assert!(got.contains("honestly"), "{got}");
    // Forged: from a domain it never proved.
    evil.send(
        "<message from='bob@b.example' to='alice@a.example' type='chat'>\
         <body>forged</body></message>",
    );
    let ended = evil.expect("</stream:stream>");
    assert!(ended.contains("<invalid-from"), "{ended}");
    let heard = alice.quiet(Duration::from_millis(300));
    assert!(!heard.contains("forged"), "{heard}");
}

#[test]
fn a_wrong_key_fails_dialback() {
    // b.example is real; a forger claims to be b.example on a's port.
    let (a, _b) = pair(false);
    let mut forger = Raw::connect(a.s2s);
    forger.send(
        "<stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' \
         xmlns:stream='http://etherx.jabber.org/streams' from='b.example' \
         to='a.example' version='1.0'>",
    );
    forger.expect("</stream:features>");
    forger.send("<db:result from='b.example' to='a.example'>guess</db:result>");
    // a asks the real b.example, which never made that key.
    let ended = forger.expect("</stream:stream>");
    assert!(ended.contains("type=\"invalid\""), "{ended}");
    assert!(ended.contains("<not-authorized"), "{ended}");
}

#[test]
fn a_message_from_another_server_waits_offline_for_its_reader() {
    let (a, b) = pair(false);
    let mut alice = Raw::online(a.addr, "alice", "a.example");
    // bob@b.example is offline: b.example stores the message.
    alice.send(
        "<message to='bob@b.example' type='chat' id='o1'>\
         <body>while you were out</body></message>",
    );
    // Nothing bounces: the remote server accepted it for later.
    let heard = alice.quiet(Duration::from_millis(500));
    assert!(!heard.contains("error"), "{heard}");
    let mut bob = Raw::bound(b.addr, "bob", "b.example");
    // Initial presence releases what was stored (RFC 6121 § 8.5.2.2.1).
    bob.send("<presence/>");
    let got = bob.expect("</message>");
    assert!(got.contains("while you were out"), "{got}");
    assert!(got.contains("from=\"alice@a.example/res\""), "{got}");
    assert!(got.contains("urn:xmpp:delay"), "{got}");
}

#[test]
fn one_stream_may_not_claim_many_domains_at_once() {
    let a = Running::start(
        "a.example",
        free_port(),
        &[],
        false,
        Duration::from_secs(5),
    );
    let mut peer = Raw::connect(a.s2s);
    peer.send(
        "<stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' \
         xmlns:stream='http://etherx.jabber.org/streams' from='x.example' \
         to='a.example' version='1.0'>",
    );
    peer.expect("</stream:features>");
    // Each claim would make a.example look a domain up and connect to it.
    for n in 0..9 {
        peer.send(&format!(
            "<db:result from='d{n}.example' to='a.example'>k</db:result>"
        ));
    }
    let ended = peer.expect("</stream:stream>");
    assert!(ended.contains("<policy-violation"), "{ended}");
}
