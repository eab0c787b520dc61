//! Pinning: both ends of a round trip on one CPU, to cut the noise.
//!
//! Not a claim of the article but the method behind "slow vs fast": a round
//! trip of a few microseconds is easily swamped by the scheduler moving a
//! thread or waking an idle CPU. [`Pinning::CHOSEN`] records the choice and
//! the numbers that justified it; `round_trip.rs` applies it with
//! `sched_setaffinity()` ([sched_setaffinity(2)]).
//!
//! Read before: `sockets.rs`. Read next: `setup.rs`, the first claim.
//! Book: `book/src/lesson-09.md`. Run: `netlab compare`.
//!
//! [sched_setaffinity(2)]: https://man7.org/linux/man-pages/man2/sched_setaffinity.2.html

use std::io;

use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::unistd::Pid;
use serde::Serialize;

use super::{Error, Result, call};

/// Where the two ends of a round-trip measurement run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Pinning {
    /// The scheduler places both threads wherever it likes.
    Unpinned,
    /// Both threads are pinned to one CPU with `sched_setaffinity()`.
    SameCpu,
}

impl Pinning {
    /// The method [`round_trip`] uses: both ends on one CPU.
    ///
    /// With the two threads on different CPUs every message is a cross-CPU
    /// wake-up (an inter-processor interrupt, on a VM a trip through the
    /// hypervisor), and the sleeping CPU may first have to leave an idle
    /// state. Pinned to one CPU, the sender hands the CPU straight to the
    /// woken receiver. Measured on a 2-CPU VM, 64-byte messages, 5 000
    /// round trips after 200 warm-up ones, four runs each (median / p99 /
    /// worst max):
    ///
    /// | µs  | unpinned: median, p99, max | same CPU: median, p99, max |
    /// |-----|----------------------------|----------------------------|
    /// | TCP | 20.5–20.7, 30–32, ≤ 1 202  | 16.3, 25.6–25.8, ≤ 102     |
    /// | UDP | 18.0–18.1, 27–28, ≤ 998    | 13.0, 21.2–22.4, ≤ 204     |
    ///
    /// Pinned, median and p99 are lower and repeat to
    /// within 0.1 µs and 1 µs; unpinned runs occasionally take a
    /// millisecond. Both ends on one CPU is also the fairer comparison:
    /// it measures the kernel's work per message, not the scheduler's.
    ///
    /// [`round_trip`]: fn@super::round_trip
    pub const CHOSEN: Pinning = Pinning::SameCpu;
}

/// Pins the calling thread to `cpu`.
///
/// `sched_setaffinity(0, …)` acts on the calling *thread* on Linux (pid 0
/// means "me", and each thread has its own mask), so a measuring thread can
/// pin itself without touching the rest of the program.
fn pin_to(cpu: usize) -> Result<()> {
    let mut set = CpuSet::new();
    call(
        || format!("CPU_SET({cpu})"),
        set.set(cpu).map_err(io::Error::from),
    )?;
    call(
        || format!("sched_setaffinity(0, {{{cpu}}})"),
        sched_setaffinity(Pid::from_raw(0), &set).map_err(io::Error::from),
    )
}

/// The CPU both ends are pinned to: the first one we are allowed to use.
pub(super) fn chosen_cpu() -> Result<usize> {
    let allowed = call(
        || "sched_getaffinity(0)".into(),
        sched_getaffinity(Pid::from_raw(0)).map_err(io::Error::from),
    )?;
    (0..CpuSet::count())
        .find(|&cpu| allowed.is_set(cpu).unwrap_or(false))
        .ok_or_else(|| Error::Argument("no CPU is allowed".into()))
}

/// Applies `pinning` to the calling thread.
pub(super) fn apply(pinning: Pinning, cpu: usize) -> Result<()> {
    match pinning {
        Pinning::Unpinned => Ok(()),
        Pinning::SameCpu => pin_to(cpu),
    }
}
