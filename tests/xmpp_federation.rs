//! Federation: two of our servers, a.example and b.example, on loopback,
//! with pinned routes instead of DNS; and servers that misbehave, typed by
//! hand.
//!
//! Each server runs in-process with `--tls off` for clients (so the tests
//! can log in by typing XML); server-to-server TLS is tested both off and
//! on (self-signed certificates, dialback inside TLS).

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine;
use netlab::xmpp::s2s_tls::S2sTls;
use netlab::xmpp::server::{Config, S2sConfig, TlsMode};
use netlab::xmpp::store::Store;
use netlab::xmpp::{accounts, tls};

mod common;
use common::free_port;
use common::server::Running;
use common::typist::{TIMEOUT, Typist};

impl Running {
    /// `domain` with users alice and bob, s2s on `s2s_port`, routes pinned.
    fn start(
        domain: &str,
        s2s_port: u16,
        routes: &[(&str, u16)],
        s2s_tls: bool,
        auth_timeout: Duration,
    ) -> Running {
        Running::start_with(
            domain,
            s2s_port,
            routes,
            s2s_tls.then_some(Certs::SelfSigned),
            auth_timeout,
            None,
        )
    }

    /// The same with a choice of certificates, and the trace kept in
    /// `log` when given.
    fn start_with(
        domain: &str,
        s2s_port: u16,
        routes: &[(&str, u16)],
        certs: Option<Certs>,
        auth_timeout: Duration,
        log: Option<Log>,
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
        let tls_config = match &certs {
            None => None,
            Some(Certs::SelfSigned) => Some(
                tls::server_config(domain, None, None, None)
                    .expect("certificate")
                    .0,
            ),
            Some(Certs::Ca(files)) => {
                s2s.ca = Some(std::sync::Arc::new(
                    S2sTls::load(&files.ca, &files.cert, &files.key, domain)
                        .expect("CA config"),
                ));
                Some(
                    tls::server_config(
                        domain,
                        Some(&files.cert),
                        Some(&files.key),
                        None,
                    )
                    .expect("certificate")
                    .0,
                )
            }
        };
        let mode = TlsMode::Off;
        // NETLAB_TEST_TRACE=1 shows every stream of the test on stderr.
        let show = std::env::var_os("NETLAB_TEST_TRACE").is_some();
        let trace: Option<netlab::xmpp::server::Trace> =
            (show || log.is_some()).then(|| {
                let domain = domain.to_owned();
                let trace: netlab::xmpp::server::Trace =
                    std::sync::Arc::new(move |event| {
                        let line = netlab::show::xmpp_trace::line(event);
                        if show {
                            eprintln!("{domain}: {line}");
                        }
                        if let Some(log) = &log {
                            log.lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .push(line);
                        }
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
        Running::spawn(config, store, tls_config)
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

/// Trace lines, kept for a test to read.
type Log = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// Which certificate a server has.
enum Certs {
    /// Generated, self-signed: dialback inside TLS.
    SelfSigned,
    /// Signed by a test CA both servers trust (`--s2s-ca`).
    Ca(CaFiles),
}

/// PEM files: the CA's certificate, and one server's certificate and key.
struct CaFiles {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

/// A test CA (CA:TRUE) in a fresh directory, and leaves signed by it on
/// request: CA:FALSE, subjectAltName DNS:name, no EKU — what
/// `tests/interop/ca.sh` makes with openssl.
struct TestCa {
    dir: PathBuf,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

impl TestCa {
    fn new(name: &str) -> TestCa {
        let dir = std::env::temp_dir()
            .join(format!("netlab-s2s-ca-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let key = rcgen::KeyPair::generate().expect("CA key");
        let mut params =
            rcgen::CertificateParams::new(Vec::new()).expect("CA params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "netlab test CA");
        let cert = params.self_signed(&key).expect("CA certificate");
        std::fs::write(dir.join("ca.crt"), cert.pem()).expect("write CA");
        TestCa {
            dir,
            issuer: rcgen::Issuer::new(params, key),
        }
    }

    /// The files for `domain`'s server, whose certificate names `name`.
    fn leaf(&self, domain: &str, name: &str) -> CaFiles {
        let key = rcgen::KeyPair::generate().expect("key");
        let mut params =
            rcgen::CertificateParams::new(vec![name.to_owned()]).expect("p");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        let cert = params.signed_by(&key, &self.issuer).expect("sign");
        let files = CaFiles {
            ca: self.dir.join("ca.crt"),
            cert: self.dir.join(format!("{domain}.crt")),
            key: self.dir.join(format!("{domain}.key")),
        };
        std::fs::write(&files.cert, cert.pem()).expect("write cert");
        std::fs::write(&files.key, key.serialize_pem()).expect("write key");
        files
    }
}

impl Drop for TestCa {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Someone typing XML on a socket (tests/common/typist.rs).
type Raw = Typist<TcpStream>;

impl Typist<TcpStream> {
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
    let mut evil = Raw::connect(a.s2s());
    evil.send(
        "<stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' \
         xmlns:stream='http://etherx.jabber.org/streams' from='evil.example' \
         to='a.example' version='1.0'>",
    );
    evil.expect("</stream:features>");
    evil.send("<db:result from='evil.example' to='a.example'>k3y</db:result>");
    // a.example dials evil.example back and asks.
    let (back, _) = authority.accept().expect("a dials back");
    let mut back = Typist::over(back);
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
    let mut forger = Raw::connect(a.s2s());
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
    let mut peer = Raw::connect(a.s2s());
    peer.send(
        "<stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' \
         xmlns:stream='http://etherx.jabber.org/streams' from='x.example' \
         to='a.example' version='1.0'>",
    );
    peer.expect("</stream:features>");
    // Each claim would make a.example look a domain up and connect to it:
    // ten may wait at once, the eleventh ends the stream.
    for n in 0..11 {
        peer.send(&format!(
            "<db:result from='d{n}.example' to='a.example'>k</db:result>"
        ));
    }
    let ended = peer.expect("</stream:stream>");
    assert!(ended.contains("<policy-violation"), "{ended}");
}

/// Two servers with certificates from one CA; `b_name` is the name in
/// b.example's certificate. Returns both servers and their trace logs.
fn pair_with_ca(ca: &TestCa, b_name: &str) -> ((Running, Log), (Running, Log)) {
    let (pa, pb) = (free_port(), free_port());
    let (log_a, log_b) = (Log::default(), Log::default());
    let a = Running::start_with(
        "a.example",
        pa,
        &[("b.example", pb)],
        Some(Certs::Ca(ca.leaf("a.example", "a.example"))),
        Duration::from_secs(10),
        Some(log_a.clone()),
    );
    let b = Running::start_with(
        "b.example",
        pb,
        &[("a.example", pa)],
        Some(Certs::Ca(ca.leaf("b.example", b_name))),
        Duration::from_secs(10),
        Some(log_b.clone()),
    );
    ((a, log_a), (b, log_b))
}

/// A message each way between alice@a.example and bob@b.example.
fn exchange(a: &Running, b: &Running) {
    let mut alice = Raw::online(a.addr, "alice", "a.example");
    let mut bob = Raw::online(b.addr, "bob", "b.example");
    alice.send(
        "<message to='bob@b.example' type='chat'><body>by cert</body></message>",
    );
    let got = bob.expect("</message>");
    assert!(got.contains("<body>by cert</body>"), "{got}");
    bob.send(
        "<message to='alice@a.example/res' type='chat'><body>back</body></message>",
    );
    let got = alice.expect("</message>");
    assert!(got.contains("from=\"bob@b.example/res\""), "{got}");
}

fn lines(log: &Log) -> String {
    log.lock().unwrap_or_else(|p| p.into_inner()).join("\n")
}

#[test]
fn two_servers_with_one_ca_authenticate_by_certificate() {
    let ca = TestCa::new("external");
    let ((a, log_a), (b, log_b)) = pair_with_ca(&ca, "b.example");
    exchange(&a, &b);
    let (a_trace, b_trace) = (lines(&log_a), lines(&log_b));
    // Both outgoing streams used SASL EXTERNAL, both incoming ones
    // accepted it; nobody dialled back.
    for trace in [&a_trace, &b_trace] {
        assert_eq!(
            trace
                .matches("authenticated by certificate (SASL EXTERNAL)")
                .count(),
            2,
            "{trace}"
        );
        assert!(trace.contains("mechanism=\"EXTERNAL\""), "{trace}");
        assert!(!trace.contains("db:result"), "{trace}");
        assert!(!trace.contains("db:verify"), "{trace}");
    }
}

#[test]
fn a_certificate_for_another_name_falls_back_to_dialback() {
    let ca = TestCa::new("wrong-name");
    // b.example presents a certificate from the CA, but for another name.
    let ((a, log_a), (b, log_b)) = pair_with_ca(&ca, "other.example");
    exchange(&a, &b);
    let (a_trace, b_trace) = (lines(&log_a), lines(&log_b));
    // a's stream to b: b's certificate does not name b.example, so a uses
    // dialback although b offers EXTERNAL (a's certificate is fine).
    assert!(
        a_trace.contains("b.example's certificate does not verify"),
        "{a_trace}"
    );
    assert!(
        a_trace.contains("authenticated: a.example may now send to b.example"),
        "{a_trace}"
    );
    // b's stream to a: a does not offer EXTERNAL to b, dialback again.
    assert!(a_trace.contains("): dialback only"), "{a_trace}");
    assert!(!a_trace.contains("offering SASL EXTERNAL"), "{a_trace}");
    assert!(
        b_trace.contains("authenticated: b.example may now send to a.example"),
        "{b_trace}"
    );
    assert!(!a_trace.contains("SASL EXTERNAL):"), "{a_trace}");
    assert!(!b_trace.contains("SASL EXTERNAL):"), "{b_trace}");
}

/// A stream to `s2s` that claims to come from `from`, up to its features;
/// returns it and the stream id the server gave it.
fn peer_stream(s2s: SocketAddr, from: &str) -> (Raw, String) {
    let mut raw = Raw::connect(s2s);
    raw.send(&format!(
        "<stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' \
         xmlns:stream='http://etherx.jabber.org/streams' from='{from}' \
         to='a.example' version='1.0'>"
    ));
    let header = raw.expect("</stream:features>");
    let id = header
        .split("id='")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the server's header has an id")
        .to_owned();
    (raw, id)
}

/// Sends `body` on a fresh stream from b.example and returns what came
/// back up to the end of the stream.
fn hostile(s2s: SocketAddr, body: &str) -> String {
    let (mut raw, _) = peer_stream(s2s, "b.example");
    raw.send(body);
    raw.expect("</stream:stream>")
}

#[test]
fn hostile_input_on_the_s2s_port_gets_the_right_stream_errors() {
    // b.example's "server" accepts the call back and never answers; so
    // does every dN.example's.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let mut routes = vec![("b.example".to_owned(), port)];
    for n in 0..11 {
        routes.push((format!("d{n}.example"), port));
    }
    let routes: Vec<(&str, u16)> =
        routes.iter().map(|(d, p)| (d.as_str(), *p)).collect();
    let a = Running::start(
        "a.example",
        free_port(),
        &routes,
        false,
        Duration::from_secs(10),
    );
    let mut alice = Raw::online(a.addr, "alice", "a.example");

    // A stanza before any dialback (RFC 6120 § 4.9.3.12).
    let ended = hostile(
        a.s2s(),
        "<message from='x@b.example' to='alice@a.example'>\
         <body>too early</body></message>",
    );
    assert!(ended.contains("<not-authorized"), "{ended}");
    // Dialback elements missing their addresses or id, or unknown.
    let ended = hostile(a.s2s(), "<db:result to='a.example'>k</db:result>");
    assert!(ended.contains("<improper-addressing"), "{ended}");
    let ended = hostile(
        a.s2s(),
        "<db:verify from='b.example' to='a.example'>k</db:verify>",
    );
    assert!(ended.contains("<bad-format"), "{ended}");
    let ended =
        hostile(a.s2s(), "<db:nonsense from='b.example' to='a.example'/>");
    assert!(ended.contains("<unsupported-stanza-type"), "{ended}");
    // A claim to be this server itself.
    let ended = hostile(
        a.s2s(),
        "<db:result from='a.example' to='a.example'>k</db:result>",
    );
    assert!(ended.contains("<invalid-from"), "{ended}");
    // Truncated: the element is cut by the end of the stream…
    let ended = hostile(
        a.s2s(),
        "<db:result from='b.example' to='a.example'>abc</stream:stream>",
    );
    assert!(ended.contains("<not-well-formed"), "{ended}");
    // …or by the end of the connection: the server just closes.
    let (mut cut, _) = peer_stream(a.s2s(), "b.example");
    cut.send("<db:result from='b.example' to='a.exa");
    cut.stream
        .shutdown(std::net::Shutdown::Write)
        .expect("shutdown");
    let start = Instant::now();
    loop {
        let mut buf = [0u8; 1024];
        match cut.stream.read(&mut buf) {
            Ok(0) => break,
            _ => assert!(start.elapsed() < TIMEOUT, "a kept the stream open"),
        }
    }
    // A key longer than the element limit (256 KiB)…
    let huge = "f".repeat(300 * 1024);
    let ended = hostile(
        a.s2s(),
        &format!(
            "<db:result from='b.example' to='a.example'>{huge}</db:result>"
        ),
    );
    assert!(ended.contains("<policy-violation"), "{ended}");
    // …and one under it but longer than any HMAC: invalid at once,
    // nobody is called back for it.
    let long = "f".repeat(100 * 1024);
    let ended = hostile(
        a.s2s(),
        &format!(
            "<db:result from='b.example' to='a.example'>{long}</db:result>"
        ),
    );
    assert!(ended.contains("type=\"invalid\""), "{ended}");
    assert!(ended.contains("<not-authorized"), "{ended}");
    // Too many claims waiting at once on one stream.
    let mut claims = String::new();
    for n in 0..11 {
        claims.push_str(&format!(
            "<db:result from='d{n}.example' to='a.example'>k</db:result>"
        ));
    }
    let ended = hostile(a.s2s(), &claims);
    assert!(ended.contains("<policy-violation"), "{ended}");

    // Answers nobody asked for are dropped (XEP-0220 § 3.1), and the
    // stream goes on.
    let (mut eve, id) = peer_stream(a.s2s(), "b.example");
    eve.send(
        "<db:verify from='b.example' to='a.example' id='nope' type='valid'/>\
         <db:result from='b.example' to='a.example' type='valid'/>",
    );
    let heard = eve.quiet(Duration::from_millis(300));
    assert!(!heard.contains("error"), "{heard}");
    // SASL EXTERNAL without TLS and a certificate: refused, stream on.
    eve.send(
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='EXTERNAL'>=</auth>",
    );
    let refused = eve.expect("</failure>");
    assert!(refused.contains("<invalid-mechanism"), "{refused}");
    // The forgery those drops prevent: claim b.example, then answer our
    // own db:verify on this stream with the id a.example gave us.
    eve.send("<db:result from='b.example' to='a.example'>k3y</db:result>");
    eve.send(&format!(
        "<db:verify from='b.example' to='a.example' id='{id}' type='valid'/>"
    ));
    let heard = eve.quiet(Duration::from_millis(500));
    assert!(!heard.contains("type=\"valid\""), "{heard}");
    eve.send(
        "<message from='eve@b.example' to='alice@a.example'>\
         <body>forged</body></message>",
    );
    let ended = eve.expect("</stream:stream>");
    assert!(ended.contains("<not-authorized"), "{ended}");
    let heard = alice.quiet(Duration::from_millis(300));
    assert!(!heard.contains("forged"), "{heard}");
    assert!(!heard.contains("too early"), "{heard}");
    // Still serving after all that.
    alice.send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
    alice.expect("id=\"p1\"");
    drop(silent);
}

#[test]
fn a_peer_cannot_answer_for_another_domain_on_our_stream() {
    // We play b.example (reached by a's outgoing stream) and claim
    // c.example on a stream of our own to a.
    let fake_b = TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_c = TcpListener::bind("127.0.0.1:0").expect("bind");
    let b_port = fake_b.local_addr().expect("addr").port();
    let c_port = silent_c.local_addr().expect("addr").port();
    let a = Running::start(
        "a.example",
        free_port(),
        &[("b.example", b_port), ("c.example", c_port)],
        false,
        Duration::from_secs(10),
    );
    let mut alice = Raw::online(a.addr, "alice", "a.example");
    alice.send(
        "<message to='bob@b.example' type='chat'><body>for b</body></message>",
    );
    let (out, _) = fake_b.accept().expect("a connects to b");
    let mut out = Typist::over(out);
    out.expect("version='1.0'>");
    out.send(
        "<stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback' \
         xmlns:stream='http://etherx.jabber.org/streams' from='b.example' \
         to='a.example' id='out1' version='1.0'><stream:features/>",
    );
    out.expect("</db:result>");
    // Our claim of c.example on a's port, and its stream id.
    let (mut claim, id) = peer_stream(a.s2s(), "c.example");
    claim.send("<db:result from='c.example' to='a.example'>k3y</db:result>");
    // On a's stream to b: verdicts and answers for other domains, and an
    // answer to nothing.
    out.send(&format!(
        "<db:verify from='c.example' to='a.example' id='{id}' type='valid'/>\
         <db:result from='evil.example' to='a.example' type='valid'/>\
         <db:verify from='b.example' to='a.example' id='nope' type='valid'/>"
    ));
    let heard = claim.quiet(Duration::from_millis(500));
    assert!(!heard.contains("type=\"valid\""), "{heard}");
    let sent = out.quiet(Duration::from_millis(200));
    assert!(!sent.contains("for b"), "{sent}");
    // b's own verdict: now the message goes.
    out.send("<db:result from='b.example' to='a.example' type='valid'/>");
    let sent = out.expect("</message>");
    assert!(sent.contains("<body>for b</body>"), "{sent}");
    drop(silent_c);
}

/// A TLS stream typed by hand (after STARTTLS on a [`Raw`] one).
type RawTls = Typist<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>;

impl Typist<rustls::StreamOwned<rustls::ClientConnection, TcpStream>> {
    /// STARTTLS on `raw` (features already read) as `domain`'s server,
    /// presenting the certificate in `files`.
    fn starttls(mut raw: Raw, files: &CaFiles, domain: &str) -> RawTls {
        raw.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        raw.expect("<proceed");
        let config = S2sTls::load(&files.ca, &files.cert, &files.key, domain)
            .expect("CA config")
            .connector;
        let name =
            rustls_pki_types::ServerName::try_from("a.example").expect("name");
        let conn = rustls::ClientConnection::new(config, name).expect("tls");
        Typist::new(rustls::StreamOwned::new(conn, raw.stream))
    }

    /// A new stream header from `from` (after TLS or SASL); returns the
    /// features.
    fn restart(&mut self, from: &str) -> String {
        self.send(&format!(
            "<stream:stream xmlns='jabber:server' \
             xmlns:db='jabber:server:dialback' \
             xmlns:stream='http://etherx.jabber.org/streams' from='{from}' \
             to='a.example' version='1.0'>"
        ));
        self.expect("</stream:features>")
    }
}

#[test]
fn sasl_external_is_offered_and_answered_by_the_rules() {
    let ca = TestCa::new("rules");
    let a = Running::start_with(
        "a.example",
        free_port(),
        &[],
        Some(Certs::Ca(ca.leaf("a.example", "a.example"))),
        Duration::from_secs(10),
        None,
    );
    let mut alice = Raw::online(a.addr, "alice", "a.example");
    let b_files = ca.leaf("b.example", "b.example");

    // (Without TLS nothing is offered: see the hostile-input test.)
    let (raw, _) = peer_stream(a.s2s(), "b.example");
    let mut b = RawTls::starttls(raw, &b_files, "b.example");
    // After TLS with b.example's certificate: EXTERNAL next to dialback.
    let features = b.restart("b.example");
    assert!(
        features.contains("<mechanism>EXTERNAL</mechanism>"),
        "{features}"
    );
    assert!(
        features.contains("urn:xmpp:features:dialback"),
        "{features}"
    );
    let auth = |mechanism: &str, text: &str| {
        format!(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' \
             mechanism='{mechanism}'>{text}</auth>"
        )
    };
    // An empty <auth/> (no initial response): malformed-request, as
    // Prosody answers it.
    b.send(&auth("EXTERNAL", ""));
    assert!(b.expect("</failure>").contains("<malformed-request"));
    // Another name than the certificate's: invalid-authzid.
    let other = base64::engine::general_purpose::STANDARD.encode("c.example");
    b.send(&auth("EXTERNAL", &other));
    assert!(b.expect("</failure>").contains("<invalid-authzid"));
    // Another mechanism: invalid-mechanism.
    b.send(&auth("PLAIN", "AGIAYg=="));
    assert!(b.expect("</failure>").contains("<invalid-mechanism"));
    // "=": the certificate's own domain.
    b.send(&auth("EXTERNAL", "="));
    b.expect("<success");
    let features = b.restart("b.example");
    assert!(!features.contains("EXTERNAL"), "{features}");
    b.send(
        "<message from='eve@b.example/x' to='alice@a.example' type='chat'>\
         <body>by certificate</body></message>",
    );
    let got = alice.expect("</message>");
    assert!(got.contains("by certificate"), "{got}");

    // A certificate for b.example from another CA: dialback only.
    let stranger = TestCa::new("stranger");
    let mut files = stranger.leaf("b.example", "b.example");
    files.ca = b_files.ca.clone();
    let (raw, _) = peer_stream(a.s2s(), "b.example");
    let mut b = RawTls::starttls(raw, &files, "b.example");
    let features = b.restart("b.example");
    assert!(!features.contains("EXTERNAL"), "{features}");
    b.send(&auth("EXTERNAL", "="));
    assert!(b.expect("</failure>").contains("<invalid-mechanism"));
}

#[test]
fn a_refused_external_falls_back_to_dialback_on_the_same_stream() {
    // We play b.example with a good certificate, offer EXTERNAL, and
    // refuse it: a must go on with dialback, not give up.
    let ca = TestCa::new("refused");
    let fake_b = TcpListener::bind("127.0.0.1:0").expect("bind");
    let b_port = fake_b.local_addr().expect("addr").port();
    let log = Log::default();
    let a = Running::start_with(
        "a.example",
        free_port(),
        &[("b.example", b_port)],
        Some(Certs::Ca(ca.leaf("a.example", "a.example"))),
        Duration::from_secs(10),
        Some(log.clone()),
    );
    let b_files = ca.leaf("b.example", "b.example");
    let mut alice = Raw::online(a.addr, "alice", "a.example");
    alice.send(
        "<message to='bob@b.example' type='chat'><body>for b</body></message>",
    );
    let (tcp, _) = fake_b.accept().expect("a connects to b");
    let mut plain = Typist::over(tcp);
    let header = "<stream:stream xmlns='jabber:server' \
                  xmlns:db='jabber:server:dialback' \
                  xmlns:stream='http://etherx.jabber.org/streams' \
                  from='b.example' to='a.example' id='b1' version='1.0'>";
    plain.expect("version='1.0'>");
    plain.send(header);
    plain.send(
        "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\
         </stream:features>",
    );
    plain.expect("<starttls");
    plain.send("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    let acceptor =
        S2sTls::load(&b_files.ca, &b_files.cert, &b_files.key, "b.example")
            .expect("CA config")
            .acceptor;
    let conn = rustls::ServerConnection::new(acceptor).expect("tls");
    let mut tls = Typist::new(rustls::StreamOwned::new(conn, plain.stream));
    tls.expect("version='1.0'>");
    tls.send(&header.replace("'b1'", "'b2'"));
    tls.send(
        "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
         <mechanism>EXTERNAL</mechanism></mechanisms>\
         <dialback xmlns='urn:xmpp:features:dialback'/></stream:features>",
    );
    let auth = tls.expect("</auth>");
    assert!(auth.contains("mechanism=\"EXTERNAL\""), "{auth}");
    assert!(auth.contains(">YS5leGFtcGxl"), "{auth}"); // "a.example"
    tls.send(
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>",
    );
    let result = tls.expect("</db:result>");
    assert!(result.contains("from=\"a.example\""), "{result}");
    tls.send("<db:result from='b.example' to='a.example' type='valid'/>");
    let sent = tls.expect("</message>");
    assert!(sent.contains("<body>for b</body>"), "{sent}");
    let trace = lines(&log);
    assert!(
        trace.contains(
            "SASL EXTERNAL refused (not-authorized): trying dialback"
        ),
        "{trace}"
    );
}
