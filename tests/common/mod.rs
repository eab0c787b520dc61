//! Helpers shared by the integration tests that need root.
//!
//! Each test binary includes this file with `mod common;`; not every binary
//! uses every helper.

#![allow(dead_code)]

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Output, Stdio};

/// One field of `/proc/PID/status` (`CapEff`, `VmRSS`, …), trimmed;
/// `None` once the process is gone.
pub fn proc_status(pid: u32, field: &str) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .map(|v| v.trim().to_owned())
}

/// Every effective capability set (CapEff) any thread of process `pid`
/// (`"self"` for this one) holds while the watch runs, polled every 2 ms
/// until [`CapsWatch::stop`]: capabilities belong to threads, and a
/// thread that gave some up may live only for a moment.
pub struct CapsWatch {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<std::collections::BTreeSet<String>>,
}

#[allow(dead_code)] // not every test binary watches capabilities
impl CapsWatch {
    pub fn start(pid: &str) -> Self {
        use std::sync::atomic::Ordering;
        let stop =
            std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let tasks = format!("/proc/{pid}/task");
        let thread = std::thread::spawn({
            let stop = stop.clone();
            move || {
                let mut seen = std::collections::BTreeSet::new();
                while !stop.load(Ordering::Acquire) {
                    for task in std::fs::read_dir(&tasks).into_iter().flatten()
                    {
                        let Ok(task) = task else { continue };
                        let status = task.path().join("status");
                        let Ok(text) = std::fs::read_to_string(status) else {
                            continue; // the thread ended meanwhile
                        };
                        if let Some(eff) =
                            text.lines().find_map(|l| l.strip_prefix("CapEff:"))
                        {
                            seen.insert(eff.trim().to_owned());
                        }
                    }
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                seen
            }
        });
        CapsWatch { stop, thread }
    }

    pub fn stop(self) -> std::collections::BTreeSet<String> {
        self.stop.store(true, std::sync::atomic::Ordering::Release);
        self.thread.join().expect("the watch does not panic")
    }
}

/// Whether the tests run as root (CI does), read from the kernel.
pub fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Runs `netlab ARGS…` as user `nobody` (uid 65534), which has none of
/// root's capabilities: what an ordinary student sees. The binary is copied
/// to a temporary directory first, so `nobody` can execute it whatever the
/// permissions of the checkout.
pub fn netlab_as_nobody(args: &[&str]) -> Output {
    let dir = std::env::temp_dir().join(format!(
        "netlab-nobody-{}-{}",
        std::process::id(),
        args.join("-").replace(['/', ':', '.'], "_")
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let copy = dir.join("netlab");
    std::fs::copy(env!("CARGO_BIN_EXE_netlab"), &copy).expect("copy binary");
    // Another test thread may fork while our copy's file is still open for
    // writing; its child holds that descriptor until it execs, and until
    // then exec() of the copy fails with ETXTBSY ("Text file busy"). The
    // moment passes: try again.
    let mut tries = 0;
    let out = loop {
        let run = Command::new(&copy)
            .args(args)
            .env("NO_COLOR", "1")
            .current_dir(&dir)
            .uid(65534)
            .gid(65534)
            .stdin(Stdio::null())
            .output();
        match run {
            Err(e) if e.raw_os_error() == Some(26) && tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => break other.expect("netlab runs as nobody"),
        }
    };
    let _ = std::fs::remove_dir_all(&dir);
    out
}

/// `netlab` (the binary under test), with colour off.
pub fn netlab() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_netlab"));
    command.env("NO_COLOR", "1");
    command
}

/// A finished command's stdout and stderr, together.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A scratch directory under the system's temp directory, removed when
/// dropped.
pub struct Scratch(pub std::path::PathBuf);

impl Scratch {
    /// `netlab-NAME-PID-N`, empty. N counts the scratch directories of
    /// this test binary: two tests running at once with the same NAME
    /// must not share one (they did, and one test's server lost its
    /// database to the other's setup).
    pub fn new(name: &str) -> Scratch {
        static NEXT: std::sync::atomic::AtomicUsize =
            std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir()
            .join(format!("netlab-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A port on 127.0.0.1 that was free a moment ago (the kernel's pick).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub mod peers;
pub mod server;
pub mod typist;
