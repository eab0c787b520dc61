//! The XMPP server on loopback, driven by a client that types raw XML: each
//! test is one rule of RFC 6120/6121 seen from the outside.
//!
//! The server runs in-process on 127.0.0.1:0 with `--tls off` (so the
//! bytes can be written by hand) and an in-memory or temporary database;
//! STARTTLS and SCRAM are tested with the real client and real peers in
//! `tests/xmpp_interop.rs`.

use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use base64::Engine;
use netlab::xmpp::accounts;
use netlab::xmpp::server::{ComponentSpec, Config, TlsMode};
use netlab::xmpp::store::Store;

mod common;
use common::server::Running;
use common::typist::Typist;

impl Running {
    fn start(db: &str, config: Config) -> Running {
        let store = Store::open(db).expect("store");
        for user in ["juliet", "romeo", "nurse"] {
            // Already there when a test restarts on the same file.
            let _ = accounts::add(
                &store,
                &format!("{user}@localhost"),
                "localhost",
                "pw",
            );
        }
        Running::spawn(config, store, None)
    }

    fn plain(db: &str) -> Running {
        Running::start(
            db,
            Config {
                tls: TlsMode::Off,
                ..Config::default()
            },
        )
    }
}

/// A client typing XML (tests/common/typist.rs).
type Raw = Typist<TcpStream>;

impl Typist<TcpStream> {
    fn open(&mut self) {
        self.send(
            "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' \
             xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
        );
    }

    /// Logs in with PLAIN (teaching mode) and binds `resource`.
    fn login(addr: SocketAddr, user: &str, resource: &str) -> Raw {
        Raw::login_with_header(addr, user, resource, "")
    }

    /// The same, with extra attributes on the stream header.
    fn login_with_header(
        addr: SocketAddr,
        user: &str,
        resource: &str,
        extra: &str,
    ) -> Raw {
        let mut raw = Raw::connect(addr);
        raw.send(&format!(
            "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' {extra} \
             xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
        ));
        raw.expect("</stream:features>");
        let token = base64::engine::general_purpose::STANDARD
            .encode(format!("\0{user}\0pw"));
        raw.send(&format!(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{token}</auth>"
        ));
        raw.expect("<success");
        raw.send(&format!(
            "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' {extra} \
             xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
        ));
        raw.expect("</stream:features>");
        raw.send(&format!(
            "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>\
             <resource>{resource}</resource></bind></iq>"
        ));
        raw.expect(&format!(
            "{}@localhost/{resource}</jid>",
            user.to_lowercase()
        ));
        raw
    }

    /// Logs in, binds, and sends initial presence.
    fn online(addr: SocketAddr, user: &str, resource: &str) -> Raw {
        let mut raw = Raw::login(addr, user, resource);
        raw.send("<presence/>");
        // Our own presence comes back (RFC 6121 § 4.2.2).
        raw.expect(&format!(
            "from=\"{}@localhost/{resource}\"",
            user.to_lowercase()
        ));
        raw
    }
}

#[test]
fn negotiation_offers_features_step_by_step() {
    let server = Running::start(
        ":memory:",
        Config {
            tls: TlsMode::Off,
            ..Config::default()
        },
    );
    let mut raw = Raw::connect(server.addr);
    raw.open();
    let first = raw.expect("</stream:features>");
    assert!(first.contains("<stream:stream"), "{first}");
    assert!(first.contains(" id='"), "{first}");
    assert!(
        first.contains("<mechanism>SCRAM-SHA-1</mechanism>"),
        "{first}"
    );
    assert!(first.contains("<mechanism>PLAIN</mechanism>"), "{first}");
    assert!(
        !first.contains("starttls"),
        "--tls off offers no STARTTLS: {first}"
    );
    let token =
        base64::engine::general_purpose::STANDARD.encode("\0juliet\0pw");
    raw.send(&format!(
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{token}</auth>"
    ));
    raw.expect("<success");
    raw.open();
    let second = raw.expect("</stream:features>");
    assert!(
        second.contains("urn:ietf:params:xml:ns:xmpp-bind"),
        "{second}"
    );
    assert!(second.contains("<optional/>"), "{second}");
    // No resource asked for: the server makes one up (RFC 6120 § 7.6).
    raw.send("<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
    let bound = raw.expect("</jid>");
    assert!(bound.contains("<jid>juliet@localhost/netlab-"), "{bound}");
    // Whitespace between stanzas is a keepalive (RFC 6120 § 4.6.1), not
    // an error; then the legacy session request is answered.
    raw.send(" \n \t ");
    raw.send("<iq type='set' id='s'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>");
    raw.expect("id=\"s\" type=\"result\"");
    raw.send("</stream:stream>");
    raw.expect("</stream:stream>");
    assert!(raw.closed());
}

#[test]
fn wrong_password_and_unknown_user_are_refused_and_throttled() {
    let server = Running::plain(":memory:");
    let mut raw = Raw::connect(server.addr);
    raw.open();
    raw.expect("</stream:features>");
    let start = Instant::now();
    for (attempt, creds) in ["\0juliet\0wrong", "\0nobody\0pw", "\0juliet\0pw2"]
        .iter()
        .enumerate()
    {
        let token = base64::engine::general_purpose::STANDARD.encode(creds);
        raw.send(&format!(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{token}</auth>"
        ));
        raw.expect("<not-authorized/>");
        if attempt == 2 {
            raw.expect("<policy-violation");
        }
    }
    // 0.5 s + 1 s + 1.5 s of throttling.
    assert!(
        start.elapsed() >= Duration::from_millis(2900),
        "{:?}",
        start.elapsed()
    );
    assert!(raw.closed());
}

#[test]
fn stanzas_before_login_are_a_stream_error() {
    let server = Running::plain(":memory:");
    let mut raw = Raw::connect(server.addr);
    raw.open();
    raw.expect("</stream:features>");
    raw.send("<message to='romeo@localhost'><body>hi</body></message>");
    raw.expect(
        "<not-authorized xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/>",
    );
    raw.expect("</stream:stream>");
    assert!(raw.closed());
}

#[test]
fn the_wrong_host_and_restricted_xml_are_stream_errors() {
    let server = Running::plain(":memory:");
    let mut raw = Raw::connect(server.addr);
    raw.send(
        "<stream:stream to='example.org' version='1.0' xmlns='jabber:client' \
         xmlns:stream='http://etherx.jabber.org/streams'>",
    );
    // Our header comes first, then the error (RFC 6120 § 4.9.1.2).
    let text = raw.expect("</stream:stream>");
    assert!(
        text.find("<stream:stream").unwrap_or(usize::MAX)
            < text.find("host-unknown").unwrap_or(0),
        "{text}"
    );

    let mut raw = Raw::login(server.addr, "juliet", "a");
    raw.send("<!-- a comment is not allowed in XMPP -->");
    raw.expect("restricted-xml");
    assert!(raw.closed());

    let mut raw = Raw::login(server.addr, "juliet", "b");
    let big = "x".repeat(300 * 1024);
    raw.send(&format!(
        "<message to='romeo@localhost'><body>{big}</body></message>"
    ));
    raw.expect("policy-violation");
    assert!(raw.closed());
}

#[test]
fn a_message_is_pushed_to_the_recipient_with_from_stamped() {
    let server = Running::plain(":memory:");
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    let mut romeo = Raw::online(server.addr, "romeo", "orchard");
    // `from` is whatever the server says, not what the client wrote.
    juliet.send(
        "<message to='romeo@localhost' from='nurse@localhost/x' type='chat' id='m1'>\
         <body>wherefore art thou</body><x xmlns='urn:example:custom'><kept a='1'/></x></message>",
    );
    let got = romeo.expect("</message>");
    assert!(got.contains("from=\"juliet@localhost/balcony\""), "{got}");
    assert!(!got.contains("nurse"), "{got}");
    assert!(got.contains("<body>wherefore art thou</body>"), "{got}");
    // A namespace the server knows nothing about passes untouched.
    assert!(
        got.contains("<x xmlns=\"urn:example:custom\"><kept a=\"1\"/></x>"),
        "{got}"
    );
}

#[test]
fn offline_messages_wait_with_a_delay_stamp_and_survive_a_restart() {
    let db = std::env::temp_dir()
        .join(format!("netlab-offline-{}.sqlite", std::process::id()));
    let db = db.to_string_lossy().into_owned();
    let mut server = Running::plain(&db);
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    juliet.send("<message to='romeo@localhost' type='chat' id='o1'><body>are you there?</body></message>");
    // Stored, not bounced: no error comes back.
    let back = juliet.quiet(Duration::from_millis(300));
    assert!(!back.contains("error"), "{back}");
    drop(juliet);
    server.stop();

    let server = Running::plain(&db);
    let mut romeo = Raw::login(server.addr, "romeo", "orchard");
    romeo.send("<presence/>");
    let got = romeo.expect("</message>");
    assert!(got.contains("<body>are you there?</body>"), "{got}");
    assert!(got.contains("<delay xmlns=\"urn:xmpp:delay\""), "{got}");
    assert!(got.contains("stamp=\""), "{got}");
    drop(romeo);
    // Delivered once: the next login gets nothing.
    let mut again = Raw::login(server.addr, "romeo", "orchard2");
    again.send("<presence/>");
    let rest = again.quiet(Duration::from_millis(300));
    assert!(!rest.contains("are you there"), "{rest}");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db}{suffix}"));
    }
}

#[test]
fn unknown_requests_get_service_unavailable_and_errors_get_nothing() {
    let server = Running::plain(":memory:");
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    juliet.send(
        "<iq type='get' id='q1'><query xmlns='urn:example:nothing'/></iq>",
    );
    let reply = juliet.expect("</iq>");
    assert!(reply.contains("id=\"q1\""), "{reply}");
    assert!(reply.contains("type=\"error\""), "{reply}");
    assert!(reply.contains("<service-unavailable"), "{reply}");
    juliet.send("<iq type='error' id='q2'><error type='cancel'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
    juliet.send("<message to='nobody@localhost' type='error' id='q3'/>");
    let quiet = juliet.quiet(Duration::from_millis(300));
    assert!(!quiet.contains("q2") && !quiet.contains("q3"), "{quiet}");
    // To a user that does not exist: service-unavailable (RFC 6121 § 8.5.1).
    juliet.send("<message to='nobody@localhost' type='chat' id='q4'><body>x</body></message>");
    let reply = juliet.expect("</message>");
    assert!(reply.contains("service-unavailable"), "{reply}");
    // Another domain: no federation.
    juliet.send(
        "<message to='someone@example.org' id='q5'><body>x</body></message>",
    );
    let reply = juliet.expect("</message>");
    assert!(reply.contains("remote-server-not-found"), "{reply}");
}

#[test]
fn ping_disco_and_vcard() {
    let server = Running::plain(":memory:");
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    juliet.send("<iq type='get' id='p' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    let pong = juliet.expect("id=\"p\"");
    assert!(
        pong.ends_with("id=\"p\"") || pong.contains("type=\"result\""),
        "{pong}"
    );
    juliet.send("<iq type='get' id='d' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
    let info = juliet.expect("</iq>");
    assert!(info.contains("category=\"server\""), "{info}");
    assert!(info.contains("var=\"urn:xmpp:ping\""), "{info}");
    juliet.send("<iq type='set' id='v1'><vCard xmlns='vcard-temp'><FN>Juliet Capulet</FN></vCard></iq>");
    juliet.expect("id=\"v1\"");
    let mut romeo = Raw::online(server.addr, "romeo", "orchard");
    romeo.send("<iq type='get' id='v2' to='juliet@localhost'><vCard xmlns='vcard-temp'/></iq>");
    let card = romeo.expect("</iq>");
    assert!(card.contains("<FN>Juliet Capulet</FN>"), "{card}");
    // Nobody may set someone else's vCard.
    romeo.send("<iq type='set' id='v3' to='juliet@localhost'><vCard xmlns='vcard-temp'><FN>x</FN></vCard></iq>");
    let refused = romeo.expect("</iq>");
    assert!(refused.contains("forbidden"), "{refused}");
}

#[test]
fn subscription_leads_to_both_and_presence_flows() {
    let server = Running::plain(":memory:");
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    let mut romeo = Raw::online(server.addr, "romeo", "orchard");
    juliet
        .send("<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
    juliet.expect("</iq>");
    juliet.send("<presence to='romeo@localhost' type='subscribe'/>");
    // Juliet's roster push: romeo, none, ask=subscribe.
    let push = juliet.expect("</iq>");
    assert!(push.contains("ask=\"subscribe\""), "{push}");
    let request = romeo.expect("type=\"subscribe\"");
    assert!(request.contains("from=\"juliet@localhost\""), "{request}");
    romeo.send("<presence to='juliet@localhost' type='subscribed'/>");
    // Juliet now sees romeo: subscription to, and his presence.
    let seen = juliet.expect("from=\"romeo@localhost/orchard\"");
    assert!(seen.contains("subscription=\"to\""), "{seen}");
    // And back the other way.
    romeo.send("<presence to='juliet@localhost' type='subscribe'/>");
    juliet.expect("type=\"subscribe\"");
    juliet.send("<presence to='romeo@localhost' type='subscribed'/>");
    juliet.expect("subscription=\"both\"");
    juliet.quiet(Duration::from_millis(200));
    juliet
        .send("<iq type='get' id='r2'><query xmlns='jabber:iq:roster'/></iq>");
    let roster = juliet.expect("</iq>");
    assert!(roster.contains("jid=\"romeo@localhost\""), "{roster}");
    assert!(roster.contains("subscription=\"both\""), "{roster}");
    // Going offline is told to the subscriber.
    romeo.quiet(Duration::from_millis(200));
    drop(juliet);
    let gone = romeo.expect("type=\"unavailable\"");
    assert!(gone.contains("from=\"juliet@localhost/balcony\""), "{gone}");
}

#[test]
fn binding_a_taken_resource_ends_the_old_session() {
    let server = Running::plain(":memory:");
    let mut first = Raw::online(server.addr, "juliet", "balcony");
    let _second = Raw::online(server.addr, "juliet", "balcony");
    first.expect("<conflict");
    assert!(first.closed());
}

#[test]
fn a_half_sent_stanza_is_never_delivered() {
    let server = Running::plain(":memory:");
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    let mut romeo = Raw::online(server.addr, "romeo", "orchard");
    juliet.send("<message to='romeo@localhost' type='chat'><body>half of it");
    drop(juliet);
    let got = romeo.quiet(Duration::from_millis(500));
    assert!(!got.contains("half of it"), "{got}");
}

#[test]
fn unauthenticated_connections_time_out() {
    let server = Running::start(
        ":memory:",
        Config {
            tls: TlsMode::Off,
            auth_timeout: Duration::from_millis(300),
            ..Config::default()
        },
    );
    let mut raw = Raw::connect(server.addr);
    raw.open();
    raw.expect("</stream:features>");
    raw.expect("connection-timeout");
    assert!(raw.closed());
}

#[test]
fn shutdown_sends_system_shutdown_to_everyone() {
    let mut server = Running::plain(":memory:");
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    let mut romeo = Raw::online(server.addr, "romeo", "orchard");
    server.stop();
    for client in [&mut juliet, &mut romeo] {
        client.expect("<system-shutdown");
        client.expect("</stream:stream>");
        assert!(client.closed());
    }
}

#[test]
fn connections_beyond_the_limit_are_refused() {
    let server = Running::start(
        ":memory:",
        Config {
            tls: TlsMode::Off,
            max_connections: 1,
            ..Config::default()
        },
    );
    let _first = Raw::online(server.addr, "juliet", "balcony");
    let mut second = Raw::connect(server.addr);
    second.open();
    second.expect("<resource-constraint");
    assert!(second.closed());
}

#[test]
fn a_username_typed_in_capitals_is_the_same_account() {
    let server = Running::plain(":memory:");
    let mut juliet = Raw::online(server.addr, "Juliet", "balcony");
    let mut romeo = Raw::online(server.addr, "romeo", "orchard");
    romeo.send("<message to='juliet@localhost' type='chat'><body>found you</body></message>");
    let got = juliet.expect("</message>");
    assert!(got.contains("found you"), "{got}");
    juliet.send("<iq type='get' id='r'><query xmlns='jabber:iq:roster'/></iq>");
    let roster = juliet.expect("</iq>");
    assert!(roster.contains("type=\"result\""), "{roster}");
}

#[test]
fn a_prefix_declared_on_the_senders_stream_reaches_the_recipient_declared() {
    let server = Running::plain(":memory:");
    let mut juliet = Raw::login_with_header(
        server.addr,
        "juliet",
        "balcony",
        "xmlns:x='urn:x'",
    );
    juliet.send("<presence/>");
    let mut romeo = Raw::online(server.addr, "romeo", "orchard");
    juliet.send("<message to='romeo@localhost' type='chat'><x:y/><body>one</body></message>");
    let got = romeo.expect("</message>");
    assert!(got.contains("xmlns:x=\"urn:x\""), "{got}");
    // Romeo's stream is still fine: the next message arrives too.
    juliet.send(
        "<message to='romeo@localhost' type='chat'><body>two</body></message>",
    );
    romeo.expect("<body>two</body>");
}

#[test]
fn a_strangers_unsubscribe_reveals_nothing() {
    let server = Running::plain(":memory:");
    let _juliet = Raw::online(server.addr, "juliet", "balcony");
    let mut nurse = Raw::online(server.addr, "nurse", "kitchen");
    nurse.send("<presence to='juliet@localhost' type='unsubscribe'/>");
    nurse.send("<presence to='juliet@localhost' type='unsubscribed'/>");
    let seen = nurse.quiet(Duration::from_millis(300));
    assert!(!seen.contains("juliet@localhost/balcony"), "{seen}");
}

#[test]
fn a_message_without_to_goes_to_the_senders_own_account() {
    let server = Running::plain(":memory:");
    let mut phone = Raw::online(server.addr, "juliet", "phone");
    let mut laptop = Raw::online(server.addr, "juliet", "laptop");
    phone.quiet(Duration::from_millis(200));
    phone.send("<message type='chat'><body>note to self</body></message>");
    let got = laptop.expect("</message>");
    assert!(got.contains("note to self"), "{got}");
}

#[test]
fn messages_queued_for_a_dead_connection_are_kept_offline() {
    let server = Running::plain(":memory:");
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    let romeo = Raw::online(server.addr, "romeo", "orchard");
    // Romeo stops reading; Juliet sends more than the kernel's buffers
    // hold, so the rest waits in the server's mailbox for Romeo.
    let body = "x".repeat(16 * 1024);
    for i in 0..400 {
        juliet.send(&format!(
            "<message to='romeo@localhost' type='chat' id='m{i}'><body>{i} {body}</body></message>"
        ));
    }
    std::thread::sleep(Duration::from_millis(500));
    // Romeo's machine vanishes: RST, no closing tag.
    socket2::SockRef::from(&romeo.stream)
        .set_linger(Some(Duration::ZERO))
        .expect("linger");
    drop(romeo);
    std::thread::sleep(Duration::from_millis(500));
    let mut again = Raw::login(server.addr, "romeo", "orchard2");
    again.send("<presence/>");
    let got = again.expect("</message>");
    assert!(
        got.contains("<delay xmlns=\"urn:xmpp:delay\""),
        "{}",
        &got[..got.len().min(300)]
    );
}

#[test]
fn an_auth_without_initial_response_gets_an_empty_challenge() {
    let server = Running::plain(":memory:");
    let mut raw = Raw::connect(server.addr);
    raw.open();
    raw.expect("</stream:features>");
    // RFC 6120 § 6.4.2: no initial response, so the server asks for it.
    raw.send(
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'/>",
    );
    raw.expect("<challenge xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"/>");
    let token =
        base64::engine::general_purpose::STANDARD.encode("\0juliet\0pw");
    raw.send(&format!(
        "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{token}</response>"
    ));
    raw.expect("<success");
}

// --- external components (XEP-0114) -----------------------------------

/// A server hosting the component gw.localhost (secret "s3cret").
fn with_gateway() -> Running {
    Running::start(
        ":memory:",
        Config {
            tls: TlsMode::Off,
            components: vec![ComponentSpec {
                name: "gw.localhost".into(),
                secret: "s3cret".into(),
            }],
            component_bind: Some("127.0.0.1:0".parse().expect("addr")),
            ..Config::default()
        },
    )
}

/// A component typing XML: opens its stream for `name` and returns the
/// stream id the server chose.
fn component_open(server: &Running, name: &str) -> (Raw, String) {
    let mut raw = Raw::connect(server.component_addr.expect("component port"));
    // As slixmpp sends it: no XML declaration, no version.
    raw.send(&format!(
        "<stream:stream xmlns='jabber:component:accept' \
         xmlns:stream='http://etherx.jabber.org/streams' to='{name}'>"
    ));
    let header = raw.expect(">");
    let header = header + &raw.expect(">");
    let id = header
        .split("id='")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_default()
        .to_owned();
    (raw, id)
}

/// A component logged in as gw.localhost.
fn gateway(server: &Running) -> Raw {
    let (mut raw, id) = component_open(server, "gw.localhost");
    let digest = netlab::xmpp::component::handshake_digest(&id, "s3cret");
    raw.send(&format!("<handshake>{digest}</handshake>"));
    raw.expect("<handshake/>");
    raw
}

#[test]
fn a_component_logs_in_with_the_handshake_and_errors_are_prosodys() {
    let server = with_gateway();
    // The right secret.
    let mut gw = gateway(&server);
    // A second connection for the same name: conflict.
    let (mut second, id) = component_open(&server, "gw.localhost");
    let digest = netlab::xmpp::component::handshake_digest(&id, "s3cret");
    second.send(&format!("<handshake>{digest}</handshake>"));
    let refused = second.expect("</stream:stream>");
    assert!(refused.contains("<conflict"), "{refused}");
    // A wrong secret.
    let (mut wrong, id) = component_open(&server, "gw.localhost");
    let digest = netlab::xmpp::component::handshake_digest(&id, "guess");
    wrong.send(&format!("<handshake>{digest}</handshake>"));
    let refused = wrong.expect("</stream:stream>");
    assert!(refused.contains("<not-authorized"), "{refused}");
    // A name the server does not host.
    let (mut unknown, _) = component_open(&server, "other.localhost");
    let refused = unknown.expect("</stream:stream>");
    assert!(refused.contains("<host-unknown"), "{refused}");
    // A stanza before the handshake is not routed.
    let (mut early, _) = component_open(&server, "gw.localhost");
    early.send(
        "<message from='x@gw.localhost' to='juliet@localhost'>\
         <body>early</body></message>",
    );
    let refused = early.expect("</stream:stream>");
    assert!(refused.contains("<not-authorized"), "{refused}");
    // The first one is still connected and working.
    gw.send(
        "<iq from='gw.localhost' to='localhost' id='p1' type='get'>\
         <ping xmlns='urn:xmpp:ping'/></iq>",
    );
    let pong = gw.expect("/>");
    assert!(pong.contains("type=\"result\""), "{pong}");
}

#[test]
fn stanzas_cross_between_clients_and_a_component_by_domain() {
    let server = with_gateway();
    let mut gw = gateway(&server);
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    // Client → server → component, by domain: untouched but for `from`
    // and the namespace, which is the component stream's own now.
    juliet.send(
        "<message xmlns='jabber:client' to='mallory@gw.localhost' \
         type='chat'><body>hi mallory</body></message>",
    );
    let got = gw.expect("</message>");
    assert!(got.contains("xmlns=\"jabber:component:accept\""), "{got}");
    assert!(!got.contains("jabber:client"), "{got}");
    assert!(got.contains("from=\"juliet@localhost/balcony\""), "{got}");
    assert!(got.contains("<body>hi mallory</body>"), "{got}");
    // Component → server → client, `from` as the component wrote it.
    gw.send(
        "<message from='mallory@gw.localhost' to='juliet@localhost' \
         type='chat'><body>hi juliet</body></message>",
    );
    let got = juliet.expect("</message>");
    assert!(got.contains("from=\"mallory@gw.localhost\""), "{got}");
    assert!(!got.contains("component:accept"), "{got}");
    // A message for an account that does not exist: the error goes back
    // to the component, in its namespace.
    gw.send(
        "<message from='mallory@gw.localhost' to='nobody@localhost' \
         type='chat' id='m9'><body>?</body></message>",
    );
    let bounced = gw.expect("</message>");
    assert!(bounced.contains("type=\"error\""), "{bounced}");
    assert!(bounced.contains("service-unavailable"), "{bounced}");
    // An iq from the client to the component is passed on; the answer
    // comes back.
    juliet.send(
        "<iq to='gw.localhost' id='d1' type='get'>\
         <query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
    );
    let asked = gw.expect("</iq>");
    assert!(
        asked.contains("from=\"juliet@localhost/balcony\""),
        "{asked}"
    );
    gw.send(
        "<iq from='gw.localhost' to='juliet@localhost/balcony' id='d1' \
         type='result'><query xmlns='http://jabber.org/protocol/disco#info'>\
         <identity category='gateway' type='irc'/></query></iq>",
    );
    let answer = juliet.expect("</iq>");
    assert!(answer.contains("category=\"gateway\""), "{answer}");
    // The server lists the component among its items.
    juliet.send(
        "<iq to='localhost' id='d2' type='get'>\
         <query xmlns='http://jabber.org/protocol/disco#items'/></iq>",
    );
    let items = juliet.expect("</iq>");
    assert!(items.contains("jid=\"gw.localhost\""), "{items}");
    // A component that lies about `from` is cut off.
    gw.send(
        "<message from='romeo@localhost' to='juliet@localhost'>\
         <body>forged</body></message>",
    );
    let ended = gw.expect("</stream:stream>");
    assert!(ended.contains("<invalid-from"), "{ended}");
    let heard = juliet.quiet(Duration::from_millis(300));
    assert!(!heard.contains("forged"), "{heard}");
    // Now it is gone: a stanza for it is bounced as "try later".
    juliet.send(
        "<message to='mallory@gw.localhost' id='m2' type='chat'>\
         <body>still there?</body></message>",
    );
    let bounced = juliet.expect("</message>");
    assert!(bounced.contains("remote-server-timeout"), "{bounced}");
    assert!(bounced.contains("type=\"wait\""), "{bounced}");
}

#[test]
fn a_user_subscribes_to_a_component_user_and_sees_its_presence() {
    let server = with_gateway();
    let mut gw = gateway(&server);
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    juliet
        .send("<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
    juliet.expect("</iq>");
    juliet.send("<presence to='mallory@gw.localhost' type='subscribe'/>");
    let push = juliet.expect("</iq>");
    assert!(push.contains("ask=\"subscribe\""), "{push}");
    // The request reaches the component, which keeps its own side.
    let request = gw.expect("type=\"subscribe\"");
    assert!(request.contains("from=\"juliet@localhost\""), "{request}");
    gw.send(
        "<presence from='mallory@gw.localhost' to='juliet@localhost' \
         type='subscribed'/>",
    );
    let push = juliet.expect("subscription=\"to\"");
    assert!(push.contains("mallory@gw.localhost"), "{push}");
    gw.send("<presence from='mallory@gw.localhost' to='juliet@localhost'/>");
    let seen = juliet.expect("/>");
    let seen = seen + &juliet.quiet(Duration::from_millis(200));
    assert!(seen.contains("from=\"mallory@gw.localhost\""), "{seen}");
    // A second resource of juliet's logs in: the server probes the
    // component for the contact's presence.
    let _phone = Raw::online(server.addr, "juliet", "phone");
    let probe = gw.expect("type=\"probe\"");
    assert!(probe.contains("to=\"mallory@gw.localhost\""), "{probe}");
    // The component probes juliet: she is online, and it may not see her
    // (subscription is "to" only): it is told "unsubscribed".
    gw.quiet(Duration::from_millis(200));
    gw.send(
        "<presence from='mallory@gw.localhost' to='juliet@localhost' \
         type='probe'/>",
    );
    let answer = gw.expect("/>");
    assert!(answer.contains("type=\"unsubscribed\""), "{answer}");
}

// ---- Stream management (XEP-0198) ---------------------------------------

const SM: &str = "urn:xmpp:sm:3";

impl Typist<TcpStream> {
    /// Logs in with PLAIN and stops before binding: where `<resume/>` goes.
    fn authenticated(addr: SocketAddr, user: &str) -> Raw {
        let mut raw = Raw::connect(addr);
        raw.open();
        raw.expect("</stream:features>");
        let token = base64::engine::general_purpose::STANDARD
            .encode(format!("\0{user}\0pw"));
        raw.send(&format!(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{token}</auth>"
        ));
        raw.expect("<success");
        raw.open();
        let features = raw.expect("</stream:features>");
        assert!(features.contains(SM), "{features}");
        raw
    }

    /// Enables stream management with resumption; returns the id.
    fn enable_sm(&mut self) -> String {
        self.send(&format!("<enable xmlns='{SM}' resume='true'/>"));
        self.expect("<enabled");
        let enabled = self.expect("/>");
        let id = enabled
            .split("id=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no id in {enabled}"))
            .to_owned();
        assert!(enabled.contains("resume=\"true\""), "{enabled}");
        id
    }

    /// Breaks the connection the way a vanished machine does: RST.
    fn vanish(self) {
        socket2::SockRef::from(&self.stream)
            .set_linger(Some(Duration::ZERO))
            .expect("linger");
    }
}

fn resumable(window: Duration) -> Running {
    Running::start(
        ":memory:",
        Config {
            tls: TlsMode::Off,
            resume_window: window,
            ..Config::default()
        },
    )
}

#[test]
fn acks_count_stanzas_both_ways() {
    let server = resumable(Duration::from_secs(60));
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    // Before <enable/> there is nothing to acknowledge.
    juliet.send(&format!("<r xmlns='{SM}'/>"));
    let refused = juliet.expect("</stream:error>");
    assert!(refused.contains("unsupported-stanza-type"), "{refused}");
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    juliet.enable_sm();
    // Two stanzas handled: h = 2.
    juliet.send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
    juliet.send("<presence/>");
    juliet.send(&format!("<r xmlns='{SM}'/>"));
    let answered = juliet.expect(&format!("<a xmlns=\"{SM}\" h=\"2\"/>"));
    // Our ping result (and presence) went out: the server asks us.
    assert!(
        answered.contains(&format!("<r xmlns=\"{SM}\"/>")),
        "{answered}"
    );
    // Acknowledging more than was sent is a stream error (§ 4).
    juliet.send(&format!("<a xmlns='{SM}' h='99'/>"));
    let error = juliet.expect("</stream:error>");
    assert!(error.contains("undefined-condition"), "{error}");
    assert!(error.contains("handled-count-too-high"), "{error}");
}

#[test]
fn a_resumed_session_gets_what_it_had_not_acknowledged() {
    let server = resumable(Duration::from_secs(60));
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    let id = juliet.enable_sm();
    let mut romeo = Raw::online(server.addr, "romeo", "orchard");
    romeo.send(
        "<message to='juliet@localhost' type='chat'><body>one</body></message>",
    );
    juliet.expect("one</body></message>");
    juliet.send(&format!("<a xmlns='{SM}' h='1'/>"));
    romeo.send(
        "<message to='juliet@localhost' type='chat'><body>two</body></message>",
    );
    juliet.expect("two</body></message>");
    juliet.vanish();
    // While Juliet is away: her presence stays, messages wait for her.
    romeo.send("<message to='juliet@localhost' type='chat'><body>three</body></message>");
    let quiet = romeo.quiet(Duration::from_millis(300));
    assert!(!quiet.contains("unavailable"), "{quiet}");
    // An unknown id fails; then the right one resumes.
    let mut again = Raw::authenticated(server.addr, "juliet");
    again.send(&format!("<resume xmlns='{SM}' previd='nope' h='0'/>"));
    let failed = again.expect("</failed>");
    assert!(failed.contains("item-not-found"), "{failed}");
    again.send(&format!("<resume xmlns='{SM}' previd='{id}' h='1'/>"));
    let resumed = again.expect("three</body></message>");
    assert!(resumed.contains("<resumed"), "{resumed}");
    // "one" was acknowledged: not again. "two" was not: sent again.
    assert!(!resumed.contains(">one<"), "{resumed}");
    assert!(resumed.find(">two<") < resumed.find(">three<"), "{resumed}");
    // Another account cannot take it.
    let mut thief = Raw::authenticated(server.addr, "romeo");
    thief.send(&format!("<resume xmlns='{SM}' previd='{id}' h='0'/>"));
    assert!(thief.expect("</failed>").contains("item-not-found"));
}

#[test]
fn a_session_not_resumed_in_time_stores_what_was_not_acknowledged() {
    let server = resumable(Duration::from_millis(300));
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    juliet.enable_sm();
    let mut romeo = Raw::online(server.addr, "romeo", "orchard");
    romeo.send("<message to='juliet@localhost' type='chat'><body>unacked</body></message>");
    juliet.expect("unacked</body></message>");
    juliet.vanish();
    std::thread::sleep(Duration::from_millis(800));
    let mut back = Raw::login(server.addr, "juliet", "balcony");
    back.send("<presence/>");
    let got = back.expect("</message>");
    assert!(got.contains(">unacked<"), "{got}");
    // From offline storage, stamped (XEP-0203).
    assert!(got.contains("urn:xmpp:delay"), "{got}");
}

#[test]
fn a_client_that_never_acknowledges_is_cut_off() {
    let server = resumable(Duration::from_secs(60));
    let mut juliet = Raw::online(server.addr, "juliet", "balcony");
    juliet.enable_sm();
    let mut romeo = Raw::online(server.addr, "romeo", "orchard");
    for i in 0..1100 {
        romeo.send(&format!(
            "<message to='juliet@localhost' type='chat'><body>{i}</body></message>"
        ));
    }
    let error = juliet.expect("</stream:error>");
    assert!(
        error.contains("policy-violation"),
        "{}",
        &error[error.len() - 400..]
    );
    assert!(
        error.contains("never acknowledged"),
        "{}",
        &error[error.len() - 400..]
    );
}

#[test]
fn a_flooding_client_is_read_at_its_share_and_others_still_get_answers() {
    use netlab::xmpp::server::shares::Rate;
    use std::io::Write as _;
    // Small numbers, so the test is quick: 64 KiB/s, bursts of 64 KiB.
    const RATE: u64 = 64 * 1024;
    let server = Running::start(
        ":memory:",
        Config {
            tls: TlsMode::Off,
            read_rate: Some(Rate {
                bytes_per_second: RATE,
                burst: RATE,
            }),
            ..Config::default()
        },
    );
    let mut romeo = Raw::online(server.addr, "romeo", "orchard");
    let flooder = Raw::online(server.addr, "juliet", "balcony");
    // Juliet writes 384 KiB at full speed (messages to herself, which she
    // never reads), then one message to romeo.
    let body = "x".repeat(1000);
    let mut flood = String::new();
    while flood.len() < 384 * 1024 {
        flood.push_str(&format!(
            "<message to='juliet@localhost/balcony'><body>{body}</body></message>"
        ));
    }
    flood.push_str("<message to='romeo@localhost/orchard' type='chat'><body>last</body></message>");
    let total = flood.len() as u64;
    let started = Instant::now();
    let mut stream = flooder.stream.try_clone().expect("clone");
    let writer = std::thread::spawn(move || {
        stream.write_all(flood.as_bytes()).expect("flood");
    });
    // Meanwhile romeo pings the server: answers must keep coming.
    let mut slowest = Duration::ZERO;
    let mut pings = 0;
    loop {
        let sent = Instant::now();
        romeo.send(&format!(
            "<iq type='get' id='p{pings}' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"
        ));
        let got = romeo.expect(&format!("id=\"p{pings}\""));
        slowest = slowest.max(sent.elapsed());
        pings += 1;
        if got.contains(">last<") || romeo.seen.contains(">last<") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no last");
        std::thread::sleep(Duration::from_millis(100));
    }
    let took = started.elapsed();
    writer.join().expect("writer");
    // The burst is free; the rest comes at the rate, so not before:
    let floor = Duration::from_secs_f64((total - RATE) as f64 / RATE as f64);
    eprintln!(
        "{total} bytes flooded; the last arrived after {took:?} (floor \
         {floor:?}); {pings} pings, the slowest answered in {slowest:?}"
    );
    assert!(
        took >= floor.mul_f64(0.9),
        "read faster than its share: {took:?}"
    );
    assert!(
        slowest < Duration::from_millis(500),
        "romeo waited {slowest:?} for a ping"
    );
}

#[test]
fn an_address_may_open_only_so_many_connections() {
    let server = Running::start(
        ":memory:",
        Config {
            tls: TlsMode::Off,
            max_per_address: 2,
            ..Config::default()
        },
    );
    let first = Raw::login(server.addr, "juliet", "a");
    let _second = Raw::login(server.addr, "romeo", "b");
    let mut third = Raw::connect(server.addr);
    third.open();
    let refused = third.expect("</stream:error>");
    assert!(refused.contains("policy-violation"), "{refused}");
    assert!(refused.contains("at most 2 at once"), "{refused}");
    // One closes: there is room again.
    drop(first);
    std::thread::sleep(Duration::from_millis(300));
    let _again = Raw::login(server.addr, "nurse", "c");
}
