//! How a remedy names this program: `sudo setcap ... /path/to/netlab`.
//!
//! A remedy is only useful if it can be pasted, so it names the file the
//! kernel is running (`/proc/self/exe`), not `netlab`, which may not be on
//! the `PATH`. A recording for the book is read on other machines, where
//! that path means nothing, so [`portably`] switches every remedy to
//! `$(command -v netlab)` for the rest of the process. Switching *before*
//! the text is wrapped matters: the path's length decides where a line
//! breaks, and the book must not depend on where the recorder's checkout
//! happened to be.

use std::sync::atomic::{AtomicBool, Ordering};

static PORTABLE: AtomicBool = AtomicBool::new(false);

/// What a pasted remedy finds on any machine where netlab is installed.
pub const ANYWHERE: &str = "$(command -v netlab)";

/// From now on, [`path`] answers [`ANYWHERE`] (for `--record`).
pub fn portably() {
    PORTABLE.store(true, Ordering::Relaxed);
}

/// The absolute path of this program, or [`ANYWHERE`] when recording.
pub fn path() -> String {
    if PORTABLE.load(Ordering::Relaxed) {
        return ANYWHERE.to_string();
    }
    match std::env::current_exe() {
        Ok(path) => path.display().to_string(),
        // Only if /proc is missing; the name is still a useful hint.
        Err(_) => "netlab".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_running_file() {
        // Unit tests never call `portably`, so this is the real path.
        let exe = std::env::current_exe().expect("/proc is mounted");
        assert_eq!(path(), exe.display().to_string());
    }
}
