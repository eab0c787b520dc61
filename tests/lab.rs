//! The two-host lab built for real: namespaces, veth pair, loss rule.
//!
//! These tests need root (they create network namespaces) and skip
//! otherwise. They all use the same namespace names, `netlab-a` and
//! `netlab-b`, so they run as one test, scenario after scenario, never in
//! parallel. All their traffic stays inside the lab: the check that the
//! machine's own namespace cannot reach the lab sends no packet.
//!
//! Run: `sudo cargo test --test lab`.

use std::io::{self, Read, Write};
use std::net::{
    IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket,
};
use std::time::Duration;

use netlab::transport::lab::{self, Error, Lab, Options};

mod common;
use common::is_root;

/// Long enough for any exchange across the lab's link, which takes
/// microseconds.
const PATIENCE: Duration = Duration::from_secs(2);

#[test]
fn lab_end_to_end() {
    if !is_root() {
        eprintln!("skipped: the namespace lab needs root (sudo cargo test)");
        return;
    }
    if !nft_installed() {
        eprintln!(
            "skipped: the loss scenario needs nft (apt-get install nftables)"
        );
        return;
    }
    build_use_and_remove();
    up_and_down_are_idempotent();
    loss_of_100_percent_stops_tcp();
    a_guard_tears_down_on_drop();
    compare_keeps_only_what_it_needs_once_the_lab_is_up();
    assert_eq!(status(), None, "every scenario cleans up after itself");
}

/// `netlab compare --loss` builds the lab as root, then measures with
/// CAP_SYS_ADMIN alone (bit 21 of CapEff: 0000000000200000), and still
/// takes the lab down at the end.
fn compare_keeps_only_what_it_needs_once_the_lab_is_up() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_netlab"))
        .args(["compare", "--loss", "5"])
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("netlab compare");
    let pid = child.id();
    let mut seen = Vec::new();
    let started = std::time::Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "no end");
        if let Some(eff) = common::proc_status(pid, "CapEff")
            && seen.last() != Some(&eff)
        {
            seen.push(eff);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "compare --loss failed");
    assert!(
        seen.iter().any(|e| e == "0000000000200000"),
        "CapEff while measuring: {seen:?}"
    );
    assert_eq!(status(), None, "compare took the lab down");
}

/// Up (no loss) → status shows it → UDP and TCP from b to a → the root
/// namespace has no way in → down → gone.
fn build_use_and_remove() {
    let mut shown = Vec::new();
    let lab = lab::up(&Options::default(), &mut |line| {
        shown.push(line.to_owned());
    })
    .expect("lab up");
    assert!(
        shown.contains(&"ip netns add netlab-a".to_owned()),
        "{shown:?}"
    );
    assert!(!shown.iter().any(|line| line.contains("nft")), "{shown:?}");
    assert_eq!(lab.a.addr, Ipv4Addr::new(198, 18, 0, 1));
    assert_eq!(lab.b.addr, Ipv4Addr::new(198, 18, 0, 2));
    assert_eq!((lab.mtu, lab.loss_percent), (1500, 0.0));
    assert_eq!(status(), Some(lab.clone()));

    udp_round_trip(&lab);
    tcp_round_trip(&lab);
    root_namespace_cannot_reach(&lab);

    let mut shown = Vec::new();
    lab::down(&mut |line| shown.push(line.to_owned())).expect("lab down");
    assert_eq!(shown, ["ip netns del netlab-a", "ip netns del netlab-b"]);
    assert_eq!(status(), None);
}

/// A datagram from b to a and the reply back.
fn udp_round_trip(lab: &Lab) {
    // Created in host a, so it stays in host a after `in_namespace` returns.
    let server = lab::in_namespace(&lab.a, || UdpSocket::bind((lab.a.addr, 0)))
        .expect("enter host a")
        .expect("bind in host a");
    server.set_read_timeout(Some(PATIENCE)).expect("timeout");
    let server_addr = server.local_addr().expect("server address");

    let client = lab::in_namespace(&lab.b, || -> io::Result<UdpSocket> {
        let client = UdpSocket::bind((lab.b.addr, 0))?;
        client.send_to(b"ping", server_addr)?;
        Ok(client)
    })
    .expect("enter host b")
    .expect("send from host b");

    let mut buf = [0; 16];
    let (len, from) = server.recv_from(&mut buf).expect("datagram in host a");
    assert_eq!(&buf[..len], b"ping");
    assert_eq!(from.ip(), IpAddr::V4(lab.b.addr), "it came from host b");
    server.send_to(b"pong", from).expect("reply from host a");

    client.set_read_timeout(Some(PATIENCE)).expect("timeout");
    let len = client.recv(&mut buf).expect("reply in host b");
    assert_eq!(&buf[..len], b"pong");
}

/// A TCP connection from b to a, one message each way.
fn tcp_round_trip(lab: &Lab) {
    let listener = listen_in_a(lab);
    let server_addr = listener.local_addr().expect("listener address");
    std::thread::scope(|scope| {
        let server = scope.spawn(|| -> io::Result<SocketAddr> {
            let (mut stream, peer) = listener.accept()?;
            let mut buf = [0; 4];
            stream.read_exact(&mut buf)?;
            assert_eq!(&buf, b"ping");
            stream.write_all(b"pong")?;
            Ok(peer)
        });

        let reply = lab::in_namespace(&lab.b, || -> io::Result<[u8; 4]> {
            let mut stream =
                TcpStream::connect_timeout(&server_addr, PATIENCE)?;
            stream.set_read_timeout(Some(PATIENCE))?;
            stream.write_all(b"ping")?;
            let mut buf = [0; 4];
            stream.read_exact(&mut buf)?;
            Ok(buf)
        })
        .expect("enter host b")
        .expect("TCP exchange from host b");
        assert_eq!(&reply, b"pong");

        let peer = server.join().expect("server thread").expect("server");
        assert_eq!(peer.ip(), IpAddr::V4(lab.b.addr));
    });
}

/// The root namespace has no route into the lab.
///
/// Connecting a *UDP* socket sends nothing: the kernel only looks up the
/// route and picks a source address. Either there is no route at all
/// (ENETUNREACH), or the route leads elsewhere (here, the machine's default
/// route), which shows up as a source address outside the lab. A TCP
/// connect would prove the same by timing out, but only by sending a SYN
/// out of the machine's real interface, and this test keeps its traffic in
/// the lab.
fn root_namespace_cannot_reach(lab: &Lab) {
    let lab_net = |ip: Ipv4Addr| ip.octets()[..3] == [198, 18, 0];

    let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).expect("bind");
    match socket.connect((lab.a.addr, 9)) {
        Err(error) => {
            assert_eq!(error.kind(), io::ErrorKind::NetworkUnreachable);
        }
        Ok(()) => {
            let local = socket.local_addr().expect("local address");
            let IpAddr::V4(source) = local.ip() else {
                panic!("an IPv4 socket has an IPv4 address: {local}");
            };
            assert!(!lab_net(source), "root reaches the lab from {source}");
        }
    }
    // And neither end of the cable is in the root namespace.
    for iface in [lab.a.iface, lab.b.iface] {
        let path = std::path::Path::new("/sys/class/net").join(iface);
        assert!(!path.exists(), "{iface} is in the root namespace");
    }
}

/// `up` twice keeps the lab; `up` with other options rebuilds it; `down`
/// twice is fine.
fn up_and_down_are_idempotent() {
    let options = Options::default();
    let first = lab::up(&options, &mut |_| {}).expect("first up");

    let mut shown = Vec::new();
    let second = lab::up(&options, &mut |line| shown.push(line.to_owned()))
        .expect("second up");
    assert_eq!(first, second);
    assert!(shown.is_empty(), "the same lab is kept: {shown:?}");

    let smaller = Options {
        mtu: 1280,
        ..options
    };
    let mut shown = Vec::new();
    let rebuilt = lab::up(&smaller, &mut |line| shown.push(line.to_owned()))
        .expect("up with another MTU");
    assert_eq!(shown[0], "ip netns del netlab-a", "{shown:?}");
    assert_eq!(rebuilt.mtu, 1280);
    assert_eq!(status().map(|lab| lab.mtu), Some(1280));

    // What a crash halfway through `up` leaves: one namespace only.
    lab::down(&mut |_| {}).expect("down");
    run_ip(&["netns", "add", "netlab-a"]);
    assert!(matches!(lab::status(), Err(Error::Incomplete { .. })));
    lab::up(&options, &mut |_| {}).expect("up over a half-built lab");
    assert_eq!(status().map(|lab| lab.mtu), Some(1500));

    lab::down(&mut |_| {}).expect("first down");
    let mut shown = Vec::new();
    lab::down(&mut |line| shown.push(line.to_owned())).expect("second down");
    assert!(shown.is_empty(), "nothing left to delete: {shown:?}");
    assert_eq!(status(), None);
}

/// At 100% loss every SYN from b is dropped on arrival in a, so connect
/// times out; with the loss removed the same connect works.
fn loss_of_100_percent_stops_tcp() {
    let mut shown = Vec::new();
    let lossy = Options {
        loss_percent: 100.0,
        ..Options::default()
    };
    let lab = lab::up(&lossy, &mut |line| shown.push(line.to_owned()))
        .expect("lab up with loss");
    assert!(
        shown
            .iter()
            .any(|line| line.ends_with("iifname \"veth-a\" drop'")),
        "{shown:?}"
    );
    assert_eq!(status().map(|lab| lab.loss_percent), Some(100.0));

    let listener = listen_in_a(&lab);
    let server_addr = listener.local_addr().expect("listener address");
    let short = Duration::from_millis(300);
    let attempt = lab::in_namespace(&lab.b, || {
        TcpStream::connect_timeout(&server_addr, short)
    })
    .expect("enter host b");
    let error = attempt.expect_err("nothing gets through at 100% loss");
    assert_eq!(error.kind(), io::ErrorKind::TimedOut, "{error}");
    drop(listener);

    let lab = lab::up(&Options::default(), &mut |_| {}).expect("lab up");
    assert_eq!(lab.loss_percent, 0.0);
    let listener = listen_in_a(&lab);
    let server_addr = listener.local_addr().expect("listener address");
    lab::in_namespace(&lab.b, || {
        TcpStream::connect_timeout(&server_addr, PATIENCE)
    })
    .expect("enter host b")
    .expect("connect works without loss");

    lab::down(&mut |_| {}).expect("down");
}

/// Dropping the guard runs `down`, also when a panic unwinds through it.
fn a_guard_tears_down_on_drop() {
    let (_lab, guard) =
        lab::up_guarded(&Options::default(), &mut |_| {}).expect("up");
    assert!(status().is_some());
    drop(guard);
    assert_eq!(status(), None);

    let unwound = std::panic::catch_unwind(|| {
        let _guard =
            lab::up_guarded(&Options::default(), &mut |_| {}).expect("up");
        panic!("a failing lesson");
    });
    assert!(unwound.is_err());
    assert_eq!(status(), None, "the guard cleaned up while unwinding");
}

fn listen_in_a(lab: &Lab) -> TcpListener {
    lab::in_namespace(&lab.a, || TcpListener::bind((lab.a.addr, 0)))
        .expect("enter host a")
        .expect("listen in host a")
}

fn status() -> Option<Lab> {
    lab::status().expect("lab status")
}

fn run_ip(args: &[&str]) {
    let status = std::process::Command::new("ip")
        .args(args)
        .status()
        .expect("run ip");
    assert!(status.success(), "ip {args:?}");
}

fn nft_installed() -> bool {
    std::process::Command::new("nft")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}
