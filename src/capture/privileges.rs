//! Least privilege for the capture tools: a packet socket needs
//! CAP_NET_RAW to be *opened*, not to be read. Once it is open (and its
//! filter attached), `netlab capture` and `netlab handshake` give up every
//! capability they hold, as tcpdump does after opening its socket: a bug
//! in the dissector, which reads whatever the network sends, then runs
//! with no privilege to abuse.
//!
//! The namespace lab is built with CAP_SYS_ADMIN and CAP_NET_ADMIN;
//! `netlab compare --loss` then keeps only CAP_SYS_ADMIN ([`keep_only`]).
//! Lesson 7 builds a fresh lab for each of its steps, so its main thread
//! keeps what building needs, and each step's sending, capturing and
//! dissecting runs in a thread of its own with CAP_SYS_ADMIN (to enter
//! the lab's namespaces) and CAP_NET_RAW (to open a capture socket there)
//! only ([`with_only`]).
//!
//! Capabilities belong to a thread (`capset(2)`): `netlab capture` drops
//! them in its one thread once the socket is open; the handshake ladder
//! (`netlab handshake`, lesson 9) drops them in the thread that reads the
//! frames, so the lesson's main thread keeps what its namespace lab needs
//! (CAP_SYS_ADMIN and CAP_NET_ADMIN, to build it and to take it down).
//!
//! Read before: [`super::live`] (where the socket is opened).

use caps::CapSet;

/// Clears this thread's effective, permitted, inheritable and ambient
/// capability sets: nothing can be regained. For a process running as
/// root, this is still root's user id, but without root's powers.
pub fn drop_all() -> Result<(), caps::errors::CapsError> {
    for set in [
        CapSet::Ambient,
        CapSet::Inheritable,
        CapSet::Effective,
        CapSet::Permitted,
    ] {
        caps::clear(None, set)?;
    }
    Ok(())
}

/// Keeps only `wanted` in this thread's effective and permitted sets
/// (and nothing inheritable or ambient), when running as root: how
/// `netlab compare --loss` goes on once its lab is built, with only
/// CAP_SYS_ADMIN, which `setns(2)` into the lab's namespaces needs. The
/// `ip` commands that take the lab down run as root, and a root `execve`
/// gets root's capabilities again, so teardown still works. Not root
/// (capabilities granted to the file with setcap), nothing is dropped:
/// those commands would inherit nothing.
pub fn keep_only(
    wanted: &[caps::Capability],
) -> Result<(), caps::errors::CapsError> {
    // /proc/self belongs to the process's effective user.
    let root = std::os::unix::fs::MetadataExt::uid(
        &std::fs::metadata("/proc/self").map_err(|e| {
            caps::errors::CapsError::from(format!("reading /proc/self: {e}"))
        })?,
    ) == 0;
    if !root {
        return Ok(());
    }
    let keep: caps::CapsHashSet = wanted.iter().copied().collect();
    caps::clear(None, CapSet::Ambient)?;
    caps::clear(None, CapSet::Inheritable)?;
    caps::set(None, CapSet::Effective, &keep)?;
    caps::set(None, CapSet::Permitted, &keep)?;
    Ok(())
}

/// Runs `work` in a thread of its own that keeps only `wanted` (see
/// [`keep_only`]; the calling thread keeps everything), and returns what
/// it returned. Threads that `work` starts inherit the reduced sets.
pub fn with_only<T: Send>(
    wanted: &[caps::Capability],
    work: impl FnOnce() -> T + Send,
) -> T {
    std::thread::scope(|scope| {
        let thread = scope.spawn(|| {
            if let Err(e) = keep_only(wanted) {
                tracing::warn!("keeping every capability: {e}");
            }
            work()
        });
        match thread.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// This thread's effective set, as `/proc/self/status` shows it (CapEff):
/// for the tests, and for a curious student.
pub fn effective() -> String {
    std::fs::read_to_string("/proc/thread-self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("CapEff:"))
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_dropping_nothing_is_left_and_nothing_comes_back() {
        // In a thread of its own: the other tests keep their capabilities.
        std::thread::spawn(|| {
            drop_all().expect("a thread may always drop its own");
            assert_eq!(effective(), "0000000000000000");
            // Raising one again fails: it is no longer permitted.
            let again = caps::raise(
                None,
                CapSet::Effective,
                caps::Capability::CAP_NET_RAW,
            );
            assert!(again.is_err());
        })
        .join()
        .expect("the thread does not panic");
    }
}
