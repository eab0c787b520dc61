//! Lesson 7's labs built for real: a router between two subnets, and a
//! bridge (a software switch) learning MAC addresses.
//!
//! These tests need root (they create network namespaces) and skip
//! otherwise; CI runs as root. The two labs use different namespaces, but
//! each scenario uses fixed names, so they run as one test, one after the
//! other. All traffic stays inside the labs (198.18.1.0/24 to
//! 198.18.3.0/24).
//!
//! Run: `sudo cargo test --test osi_lab`.

mod common;

use std::net::Ipv4Addr;

use netlab::course::lesson07;
use netlab::show::style;
use netlab::transport::{
    across_router, routed_lab, switch_lab, switch_learning,
};
use netlab::wire::Layer;
use netlab::wire::dissect::{Header, Link, dissect};

#[test]
fn osi_labs_end_to_end() {
    if !common::is_root() {
        eprintln!("skipped: the namespace labs need root (sudo cargo test)");
        return;
    }
    a_router_decrements_ttl_and_rewrites_macs();
    a_failure_inside_still_tears_down();
    a_bridge_learns_macs();
    the_lesson_steps_fit_and_match_their_recordings();
    assert_no_namespace_left();
}

fn a_router_decrements_ttl_and_rewrites_macs() {
    let mut shown = Vec::new();
    let guard = routed_lab::up(&mut |line| shown.push(line.to_owned()))
        .expect("routed lab up");
    assert_eq!(shown, routed_lab::up_commands());

    let crossing = across_router::cross().expect("a datagram across");
    let view = |bytes: &[u8]| {
        let d = dissect(bytes, Link::Ethernet, bytes.len());
        let Some(Header::Ethernet(eth)) = d.find(Layer::Ethernet).cloned()
        else {
            panic!("no Ethernet header: {d:?}");
        };
        let Some(Header::Ipv4(ip)) = d.find(Layer::Ipv4).cloned() else {
            panic!("no IPv4 header: {d:?}");
        };
        (
            eth.src.to_string(),
            eth.dst.to_string(),
            ip.ttl,
            ip.src,
            ip.dst,
        )
    };
    let before = view(&crossing.before.data);
    let after = view(&crossing.after.data);

    assert_eq!(after.2 + 1, before.2, "the router took one off the TTL");
    assert_eq!((before.3, before.4), (after.3, after.4), "same IPs");
    assert_eq!(before.3, Ipv4Addr::new(198, 18, 1, 2));
    assert_eq!(before.4, Ipv4Addr::new(198, 18, 2, 2));
    assert_ne!(before.0, after.0, "a new source MAC after the router");
    assert_ne!(before.1, after.1, "a new destination MAC after the router");
    // Per hop: a → router's r-eth0, then router's r-eth1 → b.
    let mac = |name: &str| {
        crossing
            .macs
            .iter()
            .find(|(iface, _)| *iface == name)
            .map(|(_, mac)| mac.clone())
            .expect("every interface has a MAC")
    };
    assert_eq!((before.0, before.1), (mac("a eth0"), mac("router r-eth0")));
    assert_eq!((after.0, after.1), (mac("router r-eth1"), mac("b eth0")));
    let (router_table, printed) = &crossing.routes[0];
    assert!(router_table.contains("netlab-router"), "{router_table}");
    assert!(printed.contains("198.18.2.0/24 dev r-eth1"), "{printed}");
    assert!(crossing.routes[1].1.contains("default via 198.18.1.1"));

    let mut shown = Vec::new();
    guard
        .down(&mut |line| shown.push(line.to_owned()))
        .expect("routed lab down");
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert_no_namespace_left();
}

/// A panic while the lab is up (an assertion failing, say) unwinds through
/// the guard, which removes the namespaces.
fn a_failure_inside_still_tears_down() {
    let result = std::panic::catch_unwind(|| {
        let _guard = routed_lab::up(&mut |_| {}).expect("routed lab up");
        panic!("a test failing while the lab is up");
    });
    assert!(result.is_err());
    assert_no_namespace_left();
}

fn a_bridge_learns_macs() {
    let guard = switch_lab::up(&mut |_| {}).expect("switch lab up");
    let run = switch_learning::talk().expect("a and b talk");
    assert!(
        run.learned_before.is_empty(),
        "nothing learned before anyone talked: {:?}",
        run.learned_before
    );
    let port_of = |mac: &str| {
        run.learned_after
            .iter()
            .find(|entry| entry.mac == mac)
            .map(|entry| entry.port.clone())
    };
    assert_eq!(port_of(&run.mac_a).as_deref(), Some("sw-a"), "{run:?}");
    assert_eq!(port_of(&run.mac_b).as_deref(), Some("sw-b"), "{run:?}");
    assert_eq!(port_of(&run.mac_c), None, "c never spoke: {run:?}");
    assert!(run.b_saw_unicast >= 1, "{run:?}");
    assert_eq!(run.c_saw_unicast, 0, "the switch kept a→b from c: {run:?}");
    guard.down(&mut |_| {}).expect("switch lab down");
}

/// Lesson 7's `router` and `switch` steps, run live: every line fits 80
/// columns, and the recorded runs shown without root have the same shape
/// (the same commands, in the same order; the MACs, ports and checksums
/// differ from run to run). With `NETLAB_RECORD=1` the recordings are
/// written afresh from this run:
/// `sudo NETLAB_RECORD=1 cargo test --test osi_lab`.
fn the_lesson_steps_fit_and_match_their_recordings() {
    style::init(style::ColorChoice::Never);
    let steps = [
        (
            "router",
            lesson07::router_live as fn() -> _,
            lesson07::RECORDED_ROUTER,
        ),
        ("switch", lesson07::switch_live, lesson07::RECORDED_SWITCH),
    ];
    for (name, live, recorded) in steps {
        let watch = common::CapsWatch::start("self");
        let out = live().expect("the step runs as root");
        // The step sent, captured and dissected in a thread holding only
        // CAP_SYS_ADMIN (bit 21) and CAP_NET_RAW (bit 13).
        let seen = watch.stop();
        assert!(
            seen.contains("0000000000202000"),
            "{name}: CapEff of the threads: {seen:?}"
        );
        for line in out.lines() {
            assert!(line.chars().count() <= 80, "{name}: {line:?}");
        }
        if std::env::var_os("NETLAB_RECORD").is_some() {
            let path = format!(
                "{}/lessons/recorded/07-{name}.txt",
                env!("CARGO_MANIFEST_DIR")
            );
            std::fs::write(&path, &out).expect("write the recording");
            continue;
        }
        let commands = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|line| line.starts_with("# "))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(
            commands(&out),
            commands(recorded),
            "{name}: the recording is stale; rerun with NETLAB_RECORD=1"
        );
        assert_eq!(
            out.lines().count(),
            recorded.lines().count(),
            "{name}: the recording is stale; rerun with NETLAB_RECORD=1\n{out}"
        );
    }
}

/// As an ordinary user (nobody), the lab steps cannot build anything: they
/// print the remedy and the recorded run, labelled, and the lesson goes on.
#[test]
fn without_root_the_lab_steps_show_a_labelled_recording() {
    if !common::is_root() {
        eprintln!("skipped: dropping to user nobody needs root");
        return;
    }
    let out = common::netlab_as_nobody(&["lesson", "7"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for step in ["router", "switch"] {
        let at = text
            .find(&format!("live: {step}"))
            .unwrap_or_else(|| panic!("no {step} step:\n{text}"));
        let rest = &text[at..];
        assert!(rest.contains("sudo "), "{rest}");
        assert!(rest.contains("──── recorded run ────"), "{rest}");
    }
    assert!(
        text.contains("one less"),
        "the recorded router table: {text}"
    );
}

fn assert_no_namespace_left() {
    let listing = std::process::Command::new("ip")
        .args(["netns", "list"])
        .output()
        .expect("ip netns list");
    let listing = String::from_utf8_lossy(&listing.stdout);
    for ns in routed_lab::NAMESPACES.iter().chain(switch_lab::NAMESPACES) {
        assert!(
            !listing
                .lines()
                .any(|l| l.split_whitespace().next() == Some(ns)),
            "{ns} left behind:\n{listing}"
        );
    }
}
