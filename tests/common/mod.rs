//! Helpers shared by the integration tests that need root.
//!
//! Each test binary includes this file with `mod common;`; not every binary
//! uses every helper.

#![allow(dead_code)]

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Output, Stdio};

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
    let out = Command::new(&copy)
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(&dir)
        .uid(65534)
        .gid(65534)
        .stdin(Stdio::null())
        .output()
        .expect("netlab runs as nobody");
    let _ = std::fs::remove_dir_all(&dir);
    out
}
