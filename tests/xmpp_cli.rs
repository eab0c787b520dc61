//! `netlab xmpp` as a student runs it: the account commands, the server as
//! a separate process (killed with SIGKILL, stopped with Ctrl-C), and the
//! client's one-shot `--send` and `--recv` over STARTTLS with the pinned,
//! generated certificate.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;

mod common;
use common::{Scratch, free_port, netlab, text};
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

fn run(dir: &Path, args: &[&str]) -> Output {
    netlab()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("netlab runs")
}

/// `netlab xmpp client USER@localhost --password PASSWORD --server ADDR
/// ARGS…`, run to the end.
fn client(addr: &str, user: &str, password: &str, args: &[&str]) -> Output {
    let jid = format!("{user}@localhost");
    let mut all = vec![
        "xmpp",
        "client",
        &jid,
        "--password",
        password,
        "--server",
        addr,
    ];
    all.extend_from_slice(args);
    netlab()
        .args(&all)
        .stdin(Stdio::null())
        .output()
        .expect("netlab runs")
}

/// A server process, killed if the test ends early.
struct ServerProcess {
    child: Child,
    addr: String,
}

impl ServerProcess {
    fn start(dir: &Path, tls: &str) -> ServerProcess {
        let addr = format!("127.0.0.1:{}", free_port());
        let mut child = netlab()
            .args([
                "xmpp",
                "server",
                "--db",
                "x.sqlite",
                "--bind",
                &addr,
                "--tls",
                tls,
                "--s2s-bind",
                "127.0.0.1:0",
            ])
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("server starts");
        // Wait for the banner: the socket is bound once it is printed.
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let start = Instant::now();
        loop {
            let line = lines.next().expect("server output").expect("line");
            if line.contains("serving localhost") {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "server did not start"
            );
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        ServerProcess { child, addr }
    }

    fn signal(
        &mut self,
        signal: nix::sys::signal::Signal,
    ) -> std::process::ExitStatus {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        nix::sys::signal::kill(pid, signal).expect("signal our own child");
        self.child.wait().expect("wait")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn add_users(dir: &Path) {
    for user in ["juliet", "romeo"] {
        let out = run(
            dir,
            &[
                "xmpp",
                "adduser",
                &format!("{user}@localhost"),
                "--db",
                "x.sqlite",
                "--password",
                "pw",
            ],
        );
        assert!(out.status.success(), "{}", text(&out));
        assert!(text(&out).contains("not the password"), "{}", text(&out));
    }
}

#[test]
fn account_commands_explain_mistakes() {
    let scratch = Scratch::new("accounts");
    add_users(&scratch.0);
    let again = run(
        &scratch.0,
        &[
            "xmpp",
            "adduser",
            "juliet@localhost",
            "--db",
            "x.sqlite",
            "--password",
            "x",
        ],
    );
    assert!(!again.status.success());
    let wrong = run(
        &scratch.0,
        &[
            "xmpp",
            "adduser",
            "juliet@example.org",
            "--db",
            "x.sqlite",
            "--password",
            "x",
        ],
    );
    assert!(
        text(&wrong).contains("write it as user@localhost"),
        "{}",
        text(&wrong)
    );
    let passwd = run(
        &scratch.0,
        &[
            "xmpp",
            "passwd",
            "romeo@localhost",
            "--db",
            "x.sqlite",
            "--password",
            "new",
        ],
    );
    assert!(passwd.status.success(), "{}", text(&passwd));
    let gone = run(
        &scratch.0,
        &["xmpp", "deluser", "romeo@localhost", "--db", "x.sqlite"],
    );
    assert!(text(&gone).contains("deleted"), "{}", text(&gone));
    let nobody = run(
        &scratch.0,
        &["xmpp", "deluser", "romeo@localhost", "--db", "x.sqlite"],
    );
    assert!(!nobody.status.success(), "{}", text(&nobody));
}

#[test]
fn send_and_recv_over_starttls_with_the_pinned_certificate() {
    let scratch = Scratch::new("tls");
    add_users(&scratch.0);
    let server = ServerProcess::start(&scratch.0, "required");
    let cert = scratch.0.join("x.sqlite.crt");
    assert!(
        cert.exists(),
        "the generated certificate is kept beside the database"
    );
    let cert = cert.to_string_lossy().into_owned();
    let receiver = netlab()
        .args([
            "xmpp",
            "client",
            "romeo@localhost",
            "--password",
            "pw",
            "--server",
            &server.addr,
        ])
        .args(["--trust-cert", &cert, "--recv", "1", "--timeout", "20"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("receiver");
    // Give the receiver time to log in and announce itself: otherwise the
    // message is stored offline and delivered at its login, which also
    // works but is a different test.
    std::thread::sleep(Duration::from_millis(1500));
    let sent = client(
        &server.addr,
        "juliet",
        "pw",
        &[
            "--trust-cert",
            &cert,
            "--send",
            "romeo@localhost",
            "hello over TLS",
        ],
    );
    assert!(sent.status.success(), "{}", text(&sent));
    assert!(
        text(&sent).contains("SCRAM-SHA-256, TLS"),
        "{}",
        text(&sent)
    );
    let received = receiver.wait_with_output().expect("receiver ends");
    assert!(received.status.success(), "{}", text(&received));
    assert!(
        text(&received).contains("juliet@localhost/"),
        "{}",
        text(&received)
    );
    assert!(
        text(&received).contains(": hello over TLS"),
        "{}",
        text(&received)
    );

    // Wrong password, wrong certificate, plaintext against required TLS:
    // each refused with a sentence that says what to do.
    let bad = client(
        &server.addr,
        "juliet",
        "nope",
        &["--trust-cert", &cert, "--send", "romeo@localhost", "x"],
    );
    assert!(text(&bad).contains("not-authorized"), "{}", text(&bad));
    let plain = client(
        &server.addr,
        "juliet",
        "pw",
        &["--plaintext", "--send", "romeo@localhost", "x"],
    );
    assert!(
        text(&plain).contains("the server requires TLS"),
        "{}",
        text(&plain)
    );
    let other = Scratch::new("tls-other");
    let other_cert = other.0.join("other.crt");
    let generated =
        netlab::xmpp::tls::server_config("localhost", None, None, None)
            .expect("tls")
            .1;
    std::fs::write(&other_cert, generated.cert_pem).expect("write");
    let pinned = client(
        &server.addr,
        "juliet",
        "pw",
        &[
            "--trust-cert",
            &other_cert.to_string_lossy(),
            "--send",
            "romeo@localhost",
            "x",
        ],
    );
    assert!(
        text(&pinned).contains("is not the pinned one"),
        "{}",
        text(&pinned)
    );
}

#[test]
fn nothing_stored_is_lost_when_the_server_is_killed() {
    let scratch = Scratch::new("kill");
    add_users(&scratch.0);
    let mut server = ServerProcess::start(&scratch.0, "off");
    let sent = client(
        &server.addr,
        "juliet",
        "pw",
        &[
            "--plaintext",
            "--send",
            "romeo@localhost",
            "kept across a kill",
        ],
    );
    assert!(sent.status.success(), "{}", text(&sent));
    // SIGKILL: no shutdown code runs at all.
    let status = server.signal(nix::sys::signal::Signal::SIGKILL);
    assert!(!status.success());
    let server = ServerProcess::start(&scratch.0, "off");
    let got = client(
        &server.addr,
        "romeo",
        "pw",
        &["--plaintext", "--recv", "1", "--timeout", "10"],
    );
    assert!(text(&got).contains("juliet@localhost/"), "{}", text(&got));
    assert!(text(&got).contains("kept across a kill"), "{}", text(&got));
}

#[test]
fn ctrl_c_tells_clients_the_server_is_shutting_down() {
    let scratch = Scratch::new("sigint");
    add_users(&scratch.0);
    let mut server = ServerProcess::start(&scratch.0, "off");
    let receiver = netlab()
        .args([
            "xmpp",
            "client",
            "romeo@localhost",
            "--password",
            "pw",
            "--server",
            &server.addr,
        ])
        .args(["--plaintext", "--recv", "1", "--timeout", "20"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("receiver");
    std::thread::sleep(Duration::from_millis(1500));
    let status = server.signal(nix::sys::signal::Signal::SIGINT);
    assert!(status.success(), "the server exits cleanly on Ctrl-C");
    let out = receiver.wait_with_output().expect("receiver ends");
    assert!(!out.status.success());
    assert!(text(&out).contains("system-shutdown"), "{}", text(&out));
}

#[test]
fn the_client_recognises_a_port_that_is_not_xmpp() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let http = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut stream, _) = listener.accept().expect("accept");
        let mut buf = [0u8; 1024];
        let _ = stream.read(&mut buf);
        let _ = stream.write_all(
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n",
        );
    });
    let out = client(
        &addr,
        "juliet",
        "pw",
        &["--plaintext", "--send", "romeo@localhost", "x"],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("answered in HTTP"), "{}", text(&out));
    http.join().expect("http thread");
}

#[test]
fn the_database_is_private_and_a_loose_one_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = Scratch::new("xmpp-private");
    let out = run(
        &scratch.0,
        &[
            "xmpp",
            "adduser",
            "y@localhost",
            "--db",
            "x.sqlite",
            "--password",
            "p",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let mode = |name: &str| {
        std::fs::metadata(scratch.0.join(name))
            .map(|m| m.permissions().mode() & 0o777)
            .ok()
    };
    assert_eq!(mode("x.sqlite"), Some(0o600));
    for log in ["x.sqlite-wal", "x.sqlite-shm"] {
        assert!(matches!(mode(log), None | Some(0o600)), "{log}");
    }
    assert!(!text(&out).contains("warning"), "{}", text(&out));
    // Made looser by someone: every command says so, with the fix.
    std::fs::set_permissions(
        scratch.0.join("x.sqlite"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    let out = run(
        &scratch.0,
        &[
            "xmpp",
            "passwd",
            "y@localhost",
            "--db",
            "x.sqlite",
            "--password",
            "q",
        ],
    );
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("can be read by other users (mode 644)"),
        "{said}"
    );
    assert!(said.contains("chmod 600 x.sqlite"), "{said}");
}

/// `netlab xmpp server --tls off --trace [EXTRA]`; a PLAIN login by hand;
/// everything the trace printed.
fn trace_of_a_plain_login(dir: &Path, extra: &[&str]) -> String {
    use std::io::{Read, Write};
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = netlab()
        .args(["xmpp", "server", "--db", "x.sqlite", "--bind", &addr])
        .args(["--tls", "off", "--s2s", "off", "--trace"])
        .args(extra)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("server starts");
    let start = Instant::now();
    let mut s = loop {
        if let Ok(s) = std::net::TcpStream::connect(&addr) {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "no server");
        std::thread::sleep(Duration::from_millis(50));
    };
    // "\0juliet\0pw", base64.
    let plain = "AGp1bGlldABwdw==";
    s.write_all(
        format!(
            "<stream:stream to='localhost' version='1.0' \
             xmlns='jabber:client' \
             xmlns:stream='http://etherx.jabber.org/streams'>\
             <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' \
             mechanism='PLAIN'>{plain}</auth>"
        )
        .as_bytes(),
    )
    .expect("write");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut seen = String::new();
    let mut buf = [0; 4096];
    while !seen.contains("<success") {
        let n = s.read(&mut buf).expect("the server answers");
        assert!(n > 0, "closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    drop(s);
    std::thread::sleep(Duration::from_millis(200));
    let _ = child.kill();
    let mut trace = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut trace)
        .expect("trace");
    let _ = child.wait();
    trace
}

#[test]
fn the_trace_hides_a_plain_password_unless_asked() {
    let scratch = Scratch::new("xmpp-trace-secrets");
    add_users(&scratch.0);
    let trace = trace_of_a_plain_login(&scratch.0, &[]);
    assert!(
        trace.contains("mechanism=\"PLAIN\">[password redacted"),
        "{trace}"
    );
    assert!(!trace.contains("AGp1bGlldABwdw=="), "{trace}");
    let shown = trace_of_a_plain_login(&scratch.0, &["--trace-secrets"]);
    assert!(shown.contains("AGp1bGlldABwdw=="), "{shown}");
}

#[test]
fn plaintext_is_refused_where_the_network_can_read_it() {
    let scratch = Scratch::new("xmpp-exposure");
    let out = run(
        &scratch.0,
        &[
            "xmpp",
            "server",
            "--db",
            ":memory:",
            "--tls",
            "off",
            "--bind",
            "0.0.0.0:0",
            "--s2s",
            "off",
        ],
    );
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("other machines can reach"), "{said}");
    assert!(said.contains("--allow-plaintext-network"), "{said}");
    // Allowed explicitly, it starts, and says it is reachable.
    let mut child = netlab()
        .args(["xmpp", "server", "--db", ":memory:", "--tls", "off"])
        .args(["--bind", "0.0.0.0:0", "--s2s", "off"])
        .arg("--allow-plaintext-network")
        .current_dir(&scratch.0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server starts");
    let stderr = child.stderr.take().expect("stderr");
    let first = BufReader::new(stderr).lines().next();
    let _ = child.kill();
    let _ = child.wait();
    let first = first.expect("a line").expect("text");
    assert!(first.starts_with("note: listening on 0.0.0.0:"), "{first}");
}
