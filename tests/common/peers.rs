//! Helpers for tests that drive programs we did not write (Prosody,
//! slixmpp, the Python `irc` package): skip-or-fail when one is missing,
//! child processes killed on drop, stdout lines read with a timeout.
//!
//! The same helpers as in `tests/xmpp_interop.rs`, shared here for the
//! tests written after it.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Where the interop scripts live.
pub const INTEROP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop");

/// The Python that runs the interop scripts: the project's own virtual
/// environment, `target/interop-venv`, where `scripts/interop-deps.sh`
/// installs slixmpp and irc; the system's `python3` when there is none.
pub fn python() -> String {
    // target/debug/netlab → target/interop-venv, wherever target is.
    let venv = std::path::Path::new(env!("CARGO_BIN_EXE_netlab"))
        .parent()
        .and_then(std::path::Path::parent)
        .map(|target| target.join("interop-venv/bin/python3"));
    match venv {
        Some(path) if path.exists() => path.to_string_lossy().into_owned(),
        _ => "python3".to_owned(),
    }
}

/// Whether `program check…` succeeds; if not, skip (or fail under CI:
/// `CI` set means the peers were supposed to be installed).
pub fn have(program: &str, check: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(check)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{program} {check:?} fails under CI: scripts/interop-deps.sh \
             should have installed it"
        );
        eprintln!(
            "skipped: {program} {check:?} fails (scripts/interop-deps.sh \
             installs the peers)"
        );
    }
    ok
}

/// A child process killed (SIGTERM, then SIGKILL) when dropped.
pub struct Process(pub Child);

impl Process {
    /// Waits up to `within` for the process to exit by itself.
    pub fn wait_exit(
        &mut self,
        within: Duration,
    ) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < within {
            if let Ok(Some(status)) = self.0.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let pid = nix::unistd::Pid::from_raw(self.0.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        if self.wait_exit(Duration::from_secs(3)).is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Lines of a child's stdout, readable with a timeout.
pub fn lines(stdout: ChildStdout) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for a line containing `needle`; returns every line seen.
pub fn wait_for(
    rx: &mpsc::Receiver<String>,
    needle: &str,
    within: Duration,
) -> Result<Vec<String>, Vec<String>> {
    let start = Instant::now();
    let mut seen = Vec::new();
    while let Some(left) = within.checked_sub(start.elapsed()) {
        match rx.recv_timeout(left) {
            Ok(line) => {
                let found = line.contains(needle);
                seen.push(line);
                if found {
                    return Ok(seen);
                }
            }
            Err(_) => break,
        }
    }
    Err(seen)
}

/// Every line that arrives within `within` (or until the writer is gone).
pub fn drain(rx: &mpsc::Receiver<String>, within: Duration) -> Vec<String> {
    let start = Instant::now();
    let mut seen = Vec::new();
    while let Some(left) = within.checked_sub(start.elapsed()) {
        match rx.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => break,
        }
    }
    seen
}

/// Waits until something accepts connections on 127.0.0.1:`port`.
pub fn wait_for_port(port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "nothing listens on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
