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
    if !have("python3", "python3 -c ''") {
        return;
    }
    for script in ["srv_dns.py", "s2s_probe.py"] {
        let (ok, report) =
            run(&["python3", &format!("{INTEROP}/{script}"), "--self-test"]);
        assert!(ok && !report.contains("FAIL"), "{script}: {report}");
    }
}

#[test]
fn prosody_federates_with_prosody() {
    if !have("slixmpp", "python3 -c 'import slixmpp'")
        || !have("prosody", "command -v prosodyctl")
        || !have(
            "lua-unbound",
            "dpkg-query -W -f='${Status}' lua-unbound | grep -qx 'install ok installed'",
        )
    {
        return;
    }
    let (ok, report) = run(&["bash", &format!("{INTEROP}/federation.sh")]);
    assert!(ok, "{report}");
    assert!(report.contains("checks passed"), "{report}");
    assert!(report.contains("authenticated by dialback"), "{report}");
}
