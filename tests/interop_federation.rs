//! The federation harness, proved without our server: Prosody federates
//! with Prosody on one machine through `tests/interop/srv_dns.py` (SRV
//! records, target `localhost.`), `prosody.sh --s2s --dns`, and
//! `slixmpp_federation.py`, the same pieces the s2s tests of
//! `netlab xmpp server` use with one side replaced (see
//! `tests/interop/README.md`). `federation.sh` runs it all and prints one
//! `ok:` line per check.
//!
//! As in `xmpp_interop.rs`: where a peer is missing the test says so and
//! passes, except under CI (`CI` set).

use std::process::Command;

mod common;
use common::peers::{Process, lines, python, wait_for_port};

const INTEROP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop");

/// Whether `check` (a shell command) succeeds; if not, skip (or fail under CI).
fn have(what: &str, check: &str) -> bool {
    let ok = Command::new("sh")
        .args(["-c", check])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{what} is missing under CI: scripts/interop-deps.sh should have installed it"
        );
        eprintln!(
            "skipped: {what} is not installed (scripts/interop-deps.sh installs it)"
        );
    }
    ok
}

fn run(args: &[&str]) -> (bool, String) {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .expect(args[0]);
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), report)
}

#[test]
fn the_dns_server_and_the_dialback_probe_pass_their_self_tests() {
    if !have("python3", &format!("{} -c ''", python())) {
        return;
    }
    for script in ["srv_dns.py", "s2s_probe.py"] {
        let (ok, report) =
            run(&[&python(), &format!("{INTEROP}/{script}"), "--self-test"]);
        assert!(ok && !report.contains("FAIL"), "{script}: {report}");
    }
}

#[test]
fn prosody_federates_with_prosody() {
    if !have("slixmpp", &format!("{} -c 'import slixmpp'", python()))
        || !have("prosody", "command -v prosodyctl")
        || !have(
            "lua-unbound",
            "dpkg-query -W -f='${Status}' lua-unbound | grep -qx 'install ok installed'",
        )
    {
        return;
    }
    let (ok, report) = run(&[
        "env",
        &format!("PYTHON={}", python()),
        "bash",
        &format!("{INTEROP}/federation.sh"),
    ]);
    assert!(ok, "{report}");
    assert!(report.contains("checks passed"), "{report}");
    assert!(report.contains("authenticated by dialback"), "{report}");
}

/// Whether Prosody, lua-unbound and slixmpp are all here (else skip, or
/// fail under CI).
fn have_prosody_and_slixmpp() -> bool {
    have("slixmpp", &format!("{} -c 'import slixmpp'", python()))
        && have("prosody", "command -v prosodyctl")
        && have(
            "lua-unbound",
            "dpkg-query -W -f='${Status}' lua-unbound | grep -qx 'install ok installed'",
        )
}

/// Our server as a.example and Prosody as p.example, finding each other
/// by SRV records (our side through hickory-resolver asking
/// `srv_dns.py`, `--s2s-dns`); slixmpp sends across both ways. With
/// `ca`, both have certificates from one test CA (`ca.sh`; Prosody with
/// `prosody.sh --ca`, so `s2s_secure_auth = true`; ours with
/// `--s2s-ca`). Returns our server's trace.
fn federate_with_prosody(name: &str, ca: bool) -> String {
    use std::process::Stdio;
    let scratch = common::Scratch::new(name);
    let dir = &scratch.0;
    let cadir = dir.join("ca");
    let ours_c2s = common::free_port();
    let ours_s2s = common::free_port();
    let prosody_c2s = common::free_port();
    let prosody_s2s = common::free_port();
    if ca {
        let (ok, report) = run(&[
            "bash",
            &format!("{INTEROP}/ca.sh"),
            &cadir.to_string_lossy(),
            "a.example",
            "p.example",
        ]);
        assert!(ok, "ca.sh: {report}");
    }
    // The DNS server: SRV records for both domains, target localhost.
    let mut dns = Command::new(python())
        .arg(format!("{INTEROP}/srv_dns.py"))
        .args(["--port", "0"])
        .arg("--srv")
        .arg(format!("_xmpp-server._tcp.a.example=localhost.:{ours_s2s}"))
        .arg("--srv")
        .arg(format!(
            "_xmpp-server._tcp.p.example=localhost.:{prosody_s2s}"
        ))
        .args(["--a", "localhost=127.0.0.1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("srv_dns.py");
    let dns_lines = lines(dns.stdout.take().expect("stdout"));
    let _dns = Process(dns);
    let ready = dns_lines
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("srv_dns.py says ready");
    let dns_port = ready
        .strip_prefix("ready ")
        .and_then(|p| p.trim().parse::<u16>().ok())
        .unwrap_or_else(|| panic!("not a ready line: {ready}"));
    // Prosody as p.example, its resolver pointed at our DNS server.
    let mut prosody = Command::new("bash");
    prosody
        .arg(format!("{INTEROP}/prosody.sh"))
        .args(["--domain", "p.example"])
        .args(["--s2s", &prosody_s2s.to_string()])
        .args(["--dns", &dns_port.to_string()])
        .args(["--s2s-timeout", "10"]);
    if ca {
        prosody.arg("--ca").arg(&cadir);
    }
    let prosody = prosody
        .arg(dir.join("prosody"))
        .arg(prosody_c2s.to_string())
        .args(["bob", "bpass"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("prosody.sh");
    let _prosody = Process(prosody);
    // Our server as a.example.
    let out = common::netlab()
        .args([
            "xmpp",
            "adduser",
            "alice@a.example",
            "--domain",
            "a.example",
        ])
        .args(["--db", "a.sqlite", "--password", "apass"])
        .current_dir(dir)
        .output()
        .expect("adduser");
    assert!(out.status.success(), "{}", common::text(&out));
    let mut ours = common::netlab();
    ours.args([
        "xmpp",
        "server",
        "--domain",
        "a.example",
        "--db",
        "a.sqlite",
    ])
    .args(["--bind", &format!("127.0.0.1:{ours_c2s}")])
    .args(["--s2s-bind", &format!("127.0.0.1:{ours_s2s}")])
    .args(["--s2s-dns", &format!("127.0.0.1:{dns_port}")])
    .arg("--trace");
    if ca {
        ours.arg("--cert")
            .arg(cadir.join("a.example.crt"))
            .arg("--key")
            .arg(cadir.join("a.example.key"))
            .arg("--s2s-ca")
            .arg(cadir.join("ca.crt"));
    }
    let mut ours = ours
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("netlab xmpp server");
    let trace = lines(ours.stdout.take().expect("stdout"));
    let _ours = Process(ours);
    for port in [prosody_c2s, prosody_s2s, ours_c2s, ours_s2s] {
        wait_for_port(port);
    }
    let (ours_cert, prosody_cert) = if ca {
        (cadir.join("ca.crt"), cadir.join("ca.crt"))
    } else {
        (
            dir.join("a.sqlite.crt"),
            dir.join("prosody/certs/p.example.crt"),
        )
    };
    let (ok, report) = run(&[
        &python(),
        &format!("{INTEROP}/slixmpp_federation.py"),
        "--port1",
        &ours_c2s.to_string(),
        "--domain1",
        "a.example",
        "--user1",
        "alice",
        "--pass1",
        "apass",
        "--cafile1",
        &ours_cert.to_string_lossy(),
        "--port2",
        &prosody_c2s.to_string(),
        "--domain2",
        "p.example",
        "--user2",
        "bob",
        "--pass2",
        "bpass",
        "--cafile2",
        &prosody_cert.to_string_lossy(),
        "--unknown",
        "nowhere.example",
    ]);
    let seen: Vec<String> = trace.try_iter().collect();
    eprintln!("{report}");
    assert!(
        ok,
        "{report}\n--- our server's trace ---\n{}",
        seen.join("\n")
    );
    // NETLAB_TEST_TRACE=1 shows our server's trace of a passing run too.
    if std::env::var_os("NETLAB_TEST_TRACE").is_some() {
        eprintln!("--- our server's trace ---\n{}", seen.join("\n"));
    }
    seen.join("\n")
}

/// Our server and Prosody federate in both directions with Prosody's
/// defaults: STARTTLS required on s2s, dialback over it.
#[test]
fn our_server_federates_with_prosody() {
    if !have_prosody_and_slixmpp() {
        return;
    }
    let trace = federate_with_prosody("interop-federation", false);
    // Both directions, dialback inside TLS, as our trace tells it.
    assert!(trace.contains("SRV _xmpp-server._tcp"), "{trace}");
    assert!(
        trace.contains("TLS established (certificate not verified"),
        "{trace}"
    );
    assert!(
        trace.contains("authenticated: a.example may now send to p.example"),
        "{trace}"
    );
    assert!(
        trace.contains("authenticated: p.example may send to us"),
        "{trace}"
    );
}

/// The same with one CA for both and Prosody's `s2s_secure_auth = true`:
/// SASL EXTERNAL in both directions, no dialback at all.
#[test]
fn our_server_and_prosody_authenticate_by_certificate() {
    if !have_prosody_and_slixmpp() {
        return;
    }
    let trace = federate_with_prosody("interop-federation-ca", true);
    assert!(
        trace.contains("p.example's certificate verifies (CA and name)"),
        "{trace}"
    );
    assert!(
        trace.contains(
            "authenticated by certificate (SASL EXTERNAL): a.example may now \
             send to p.example"
        ),
        "{trace}"
    );
    assert!(
        trace.contains(
            "authenticated by certificate (SASL EXTERNAL): p.example may send \
             to us"
        ),
        "{trace}"
    );
    assert!(!trace.contains("<db:result"), "{trace}");
    assert!(!trace.contains("<db:verify"), "{trace}");
}

/// Two of our own servers, a.example and b.example, as separate processes
/// with pinned routes (no DNS), and slixmpp clients on both sides: the
/// same 18 checks as with Prosody.
#[test]
fn two_of_our_servers_federate_for_slixmpp_clients() {
    use std::process::Stdio;
    if !have("slixmpp", &format!("{} -c 'import slixmpp'", python())) {
        return;
    }
    let scratch = common::Scratch::new("interop-two-netlabs");
    let dir = &scratch.0;
    let c2s = [common::free_port(), common::free_port()];
    let s2s = [common::free_port(), common::free_port()];
    let domains = ["a.example", "b.example"];
    let users = [("alice", "apass"), ("bob", "bpass")];
    let nowhere = common::free_port();
    let mut servers = Vec::new();
    for i in 0..2 {
        let (domain, other) = (domains[i], domains[1 - i]);
        let db = format!("{}.sqlite", &domain[..1]);
        let (user, password) = users[i];
        let out = common::netlab()
            .args(["xmpp", "adduser", &format!("{user}@{domain}")])
            .args(["--domain", domain, "--db", &db, "--password", password])
            .current_dir(dir)
            .output()
            .expect("adduser");
        assert!(out.status.success(), "{}", common::text(&out));
        let server = common::netlab()
            .args(["xmpp", "server", "--domain", domain, "--db", &db])
            .args(["--bind", &format!("127.0.0.1:{}", c2s[i])])
            .args(["--s2s-bind", &format!("127.0.0.1:{}", s2s[i])])
            .arg("--s2s-route")
            .arg(format!("{other}=127.0.0.1:{}", s2s[1 - i]))
            // The unknown domain of the last check: nothing listens there.
            .arg("--s2s-route")
            .arg(format!("nowhere.example=127.0.0.1:{nowhere}"))
            // Anything not pinned is asked of a port where no DNS server
            // listens: never the system's resolver.
            .args(["--s2s-dns", "127.0.0.1:9"])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("netlab xmpp server");
        servers.push(Process(server));
    }
    for port in c2s.iter().chain(&s2s) {
        wait_for_port(*port);
    }
    let cert = |i: usize| {
        dir.join(format!("{}.sqlite.crt", &domains[i][..1]))
            .to_string_lossy()
            .into_owned()
    };
    let (ok, report) = run(&[
        &python(),
        &format!("{INTEROP}/slixmpp_federation.py"),
        "--port1",
        &c2s[0].to_string(),
        "--domain1",
        "a.example",
        "--user1",
        "alice",
        "--pass1",
        "apass",
        "--cafile1",
        &cert(0),
        "--port2",
        &c2s[1].to_string(),
        "--domain2",
        "b.example",
        "--user2",
        "bob",
        "--pass2",
        "bpass",
        "--cafile2",
        &cert(1),
        "--unknown",
        "nowhere.example",
    ]);
    assert!(ok, "{report}");
    assert!(report.contains("all 18 checks passed"), "{report}");
    drop(servers);
}
