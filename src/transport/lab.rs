//! The two-host lab: two network namespaces joined by a virtual cable.
//!
//! Lesson 9 compares TCP and UDP *under loss*, and loss is hard to find on
//! 127.0.0.1: loopback never drops a packet. So this module builds a tiny
//! network of its own inside the kernel:
//!
//! ```text
//!   namespace netlab-a                         namespace netlab-b
//!  ┌──────────────────────┐                  ┌──────────────────────┐
//!  │ host a               │                  │ host b               │
//!  │ veth-a 198.18.0.1/24 ├──── veth pair ───┤ veth-b 198.18.0.2/24 │
//!  │ nft: drop N% on input│                  │ nft: drop N% on input│
//!  └──────────────────────┘                  └──────────────────────┘
//! ```
//!
//! A *network namespace* is a private copy of the kernel's network stack:
//! its own interfaces, addresses, routes and firewall rules
//! ([ip-netns(8)]). A *veth pair* is a virtual Ethernet cable: what goes in
//! one end comes out of the other ([veth(4)]). With one end in each
//! namespace we get two hosts on one link, in one machine, without touching
//! the machine's own network. The addresses come from 198.18.0.0/15, which
//! [RFC 6890 § 2.2.2] sets aside for benchmarking networks, so they can
//! never clash with a real network; and nothing routes them from the
//! machine's own (root) namespace: the lab is reachable only from inside.
//!
//! Loss comes from one nftables rule per host, `numgen random mod 100 < N
//! drop` ([nft(8), "NUMGEN EXPRESSION"]); see [`up`] for why it sits on the
//! input hook of *both* hosts.
//!
//! The `ip` and `nft` commands this module runs are part of the lesson:
//! [`up`] and [`down`] hand every one to the caller, exactly as you would
//! type it in a shell, *before* running it, and [`up_commands`] lists them
//! without running anything. A student can copy them into a root shell and
//! build the same lab by hand.
//!
//! Where it sits: under [`crate::transport`], below the CLI. It never prints;
//! `netlab lab` shows the commands and [`super::compare`] runs its server in
//! host a and its client in host b through [`in_namespace`].
//!
//! Lesson 7's labs ([`super::routed_lab`], [`super::switch_lab`]) run
//! their commands through this file's runner (`pub(super)`), so every lab
//! reports a failed command and a missing capability the same way.
//!
//! Read before: [`crate::sockets`] (what a socket is). Read after:
//! [`super::compare`].
//!
//! Book: `book/src/lesson-09.md`. Run: `sudo netlab lab up --loss 5`.
//!
//! # Ctrl-C and crashes
//!
//! The crate has no signal-handling dependency, so a run killed by Ctrl-C
//! (or a panic with `panic = "abort"`, or `kill -9`) leaves the namespaces
//! behind. That is harmless (nothing outside the lab can see them) and
//! repaired by the next run: [`up`] first looks at what exists and tears a
//! leftover or half-built lab down before building a new one. `netlab lab
//! down` (or `sudo ip netns del netlab-a; sudo ip netns del netlab-b`)
//! removes it by hand. Within one run, [`up_guarded`] returns a [`Guard`]
//! that tears the lab down when it is dropped, also while a panic unwinds.
//!
//! [ip-netns(8)]: https://man7.org/linux/man-pages/man8/ip-netns.8.html
//! [veth(4)]: https://man7.org/linux/man-pages/man4/veth.4.html
//! [nft(8), "NUMGEN EXPRESSION"]: https://www.netfilter.org/projects/nftables/manpage.html
//! [RFC 6890 § 2.2.2]: https://datatracker.ietf.org/doc/html/rfc6890#section-2.2.2

use std::fs::File;
use std::io;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use caps::{CapSet, Capability};
use nix::sched::{CloneFlags, setns};

/// The namespace of host a.
pub const NAMESPACE_A: &str = "netlab-a";
/// The namespace of host b.
pub const NAMESPACE_B: &str = "netlab-b";
/// Host a's end of the veth pair.
pub const IFACE_A: &str = "veth-a";
/// Host b's end of the veth pair.
pub const IFACE_B: &str = "veth-b";
/// Host a's address, from the benchmarking block 198.18.0.0/15
/// ([RFC 6890 § 2.2.2](https://datatracker.ietf.org/doc/html/rfc6890#section-2.2.2)).
pub const ADDR_A: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 1);
/// Host b's address.
pub const ADDR_B: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 2);
/// Both addresses sit on one /24 link, 198.18.0.0/24, so each host reaches
/// the other directly, without a router.
pub const PREFIX_LEN: u8 = 24;
/// Ethernet's MTU, the usual one on a LAN.
pub const DEFAULT_MTU: u32 = 1500;
/// The smallest MTU allowed: "Every internet module must be able to forward
/// a datagram of 68 octets without further fragmentation"
/// ([RFC 791 § 3.1](https://datatracker.ietf.org/doc/html/rfc791#section-3.1),
/// Total Length).
pub const MIN_MTU: u32 = 68;
/// The largest MTU allowed: IPv4's Total Length field is 16 bits
/// ([RFC 791 § 3.1](https://datatracker.ietf.org/doc/html/rfc791#section-3.1)),
/// and a veth refuses anything larger.
pub const MAX_MTU: u32 = 65535;
/// The nftables table holding the loss rule, in each namespace.
pub const NFT_TABLE: &str = "netlab";

/// Host a: the lab's server side.
pub const HOST_A: Host = Host {
    name: "a",
    namespace: NAMESPACE_A,
    iface: IFACE_A,
    addr: ADDR_A,
};
/// Host b: the lab's client side.
pub const HOST_B: Host = Host {
    name: "b",
    namespace: NAMESPACE_B,
    iface: IFACE_B,
    addr: ADDR_B,
};

/// What kind of lab to build.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Percent of packets each host drops on arrival over the link, a whole
    /// number from 0 (no loss) to 100 (nothing gets through). Both
    /// directions lose this much, so a round trip loses about twice as
    /// much.
    pub loss_percent: f64,
    /// The MTU of both veth ends, from [`MIN_MTU`] to [`MAX_MTU`].
    pub mtu: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            loss_percent: 0.0,
            mtu: DEFAULT_MTU,
        }
    }
}

/// One host of the lab: a namespace with one end of the veth pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Host {
    /// `"a"` or `"b"`.
    pub name: &'static str,
    /// The network namespace, as `ip netns list` shows it.
    pub namespace: &'static str,
    /// The host's end of the veth pair.
    pub iface: &'static str,
    /// The host's address on the link.
    pub addr: Ipv4Addr,
}

/// A lab that exists: what [`up`] built or [`status`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Lab {
    /// Host a (198.18.0.1).
    pub a: Host,
    /// Host b (198.18.0.2).
    pub b: Host,
    /// Percent of packets each host drops on arrival.
    pub loss_percent: f64,
    /// The MTU of the link.
    pub mtu: u32,
}

/// Everything that can go wrong while building, reading or entering the lab.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Namespaces, interfaces and firewall rules belong to the kernel's
    /// administrator.
    #[error(
        "the lab needs CAP_NET_ADMIN to create interfaces and firewall rules \
         (and CAP_SYS_ADMIN to create and enter namespaces); run it as \
         root: `sudo {program}`"
    )]
    NeedsCapNetAdmin {
        /// The command line to run again under sudo.
        program: String,
    },
    /// A program the lab runs is not installed.
    #[error("{tool} not found: install it with `apt-get install {package}`")]
    MissingTool {
        /// The program, `ip` or `nft`.
        tool: &'static str,
        /// The Debian/Ubuntu package that provides it.
        package: &'static str,
    },
    /// A command ran and failed.
    #[error("`{command}` failed ({status}): {stderr}")]
    Command {
        /// The command line, as typed in a shell.
        command: String,
        /// How it ended.
        status: ExitStatus,
        /// What it wrote to stderr, trimmed.
        stderr: String,
    },
    /// The loss rule counts in whole percent.
    #[error(
        "a loss of {percent}% cannot be built: the rule `numgen random mod \
         100 < N drop` drops N packets in 100, so N is a whole number from 0 \
         to 100"
    )]
    InvalidLoss {
        /// The percentage asked for.
        percent: f64,
    },
    /// The MTU is outside what IPv4 and a veth allow.
    #[error(
        "an MTU of {mtu} is out of range: IPv4 needs at least {MIN_MTU} \
         (RFC 791 § 3.1) and its 16-bit Total Length allows at most {MAX_MTU}"
    )]
    InvalidMtu {
        /// The MTU asked for.
        mtu: u32,
    },
    /// The host's namespace does not exist.
    #[error(
        "namespace {namespace} does not exist: the lab is not up (run \
         `sudo netlab lab up`)"
    )]
    NotUp {
        /// The missing namespace.
        namespace: &'static str,
    },
    /// Some of the lab exists, but not all of it: a run was interrupted.
    #[error(
        "a half-built lab was found ({detail}); `sudo netlab lab down` \
         removes it and `sudo netlab lab up` rebuilds it"
    )]
    Incomplete {
        /// What is missing or different.
        detail: String,
    },
    /// The operating system refused something other than a command.
    #[error("{context}: {source}")]
    Io {
        /// What we were doing.
        context: String,
        /// Why it failed.
        #[source]
        source: io::Error,
    },
}

/// The commands [`up`] runs to build a lab from nothing, as shell lines.
///
/// Nothing runs; this is what `netlab lab up` prints when asked only to
/// show, and what a student can type into a root shell.
pub fn up_commands(options: &Options) -> Result<Vec<String>, Error> {
    let plan = up_plan(options)?;
    Ok(plan.iter().map(|argv| shell_line(argv)).collect())
}

/// Builds the lab, or keeps the one already there if it is the same.
///
/// Every command is handed to `shown` as a shell line before it runs; the
/// read-only queries that look at what exists are not shown. If a previous
/// run left a lab behind (also a half-built one, after a crash), it is torn
/// down first, with its `ip netns del` commands shown too. If a command
/// fails, whatever was built is torn down again before the error returns.
///
/// The commands, for a loss of 5% (see [`up_commands`]):
///
/// 1. `ip netns add` makes the two namespaces. Each starts with only a
///    loopback interface, and that one is down.
/// 2. `ip -n netlab-a link add veth-a type veth peer name veth-b netns
///    netlab-b` creates the cable with one end already in each namespace.
///    Creating it in the root namespace and then moving the ends with `ip
///    link set … netns …` would work too, but a crash between the two steps
///    would leave an interface in the machine's own namespace; this way
///    there is never one.
/// 3. `link set … mtu`, `addr add`, `link set … up` configure both ends,
///    and `lo` is brought up so each host can also talk to itself.
/// 4. With loss, each host gets a table, an input chain, and the rule
///    `iifname "veth-a" numgen random mod 100 < 5 drop`: `numgen random mod
///    100` draws a number from 0 to 99 for every packet, and the packets
///    that draw 0–4, five in a hundred, are dropped. At 100% the rule is
///    plain `iifname "veth-a" drop`: nft refuses `mod 100 < 100` because
///    100 is outside numgen's range 0–99.
///
/// Why the input hook of *both* hosts, rather than input and output of one:
/// a packet dropped on arrival is simply never seen, as if a cable had lost
/// it. A packet dropped on the *output* hook is dropped inside the sender's
/// own kernel, which tells the sender: a UDP `send` then fails with EPERM
/// ("Operation not permitted"), which is not what loss on a network looks
/// like. With N% dropped in each direction, a request-and-reply (a ping, a
/// TCP segment and its ACK) is lost with probability 1 − (1 − N/100)², about
/// twice N% when N is small. `iifname` limits the rule to the veth, so
/// loopback traffic inside a host is never dropped. The `inet` family sees
/// IPv4 and IPv6 but not ARP, so hosts always find each other's MAC address
/// even at 100% loss.
pub fn up(
    options: &Options,
    shown: &mut dyn FnMut(&str),
) -> Result<Lab, Error> {
    // Check everything we can before changing anything.
    let plan = up_plan(options)?;
    let wanted = wanted_lab(options);
    if options.loss_percent > 0.0 && !on_path("nft") {
        return Err(missing_tool("nft"));
    }
    if !has_admin_caps() {
        return Err(needs_caps());
    }

    match status() {
        // Same lab already there: `up` twice is the same as `up` once.
        Ok(Some(lab)) if lab == wanted => return Ok(lab),
        Ok(None) => {}
        // A different lab, or what a crash left: start again.
        Ok(Some(_)) | Err(Error::Incomplete { .. }) => down(shown)?,
        Err(other) => return Err(other),
    }

    for argv in &plan {
        shown(&shell_line(argv));
        if let Err(error) = run(argv) {
            // Leave nothing half-built behind. The original error is the
            // one worth reporting, so a failure to clean up is only logged.
            if let Err(cleanup) = down(shown) {
                tracing::warn!("tearing down the half-built lab: {cleanup}");
            }
            return Err(error);
        }
    }
    Ok(wanted)
}

/// Removes the lab: deletes both namespaces, if they exist.
///
/// Deleting a namespace deletes everything in it: its end of the veth pair
/// (and with it the other end, since a veth never exists alone) and its
/// nftables table. Each `ip netns del` is handed to `shown` first. Nothing
/// to delete is not an error.
pub fn down(shown: &mut dyn FnMut(&str)) -> Result<(), Error> {
    let existing = namespaces()?;
    for namespace in [NAMESPACE_A, NAMESPACE_B] {
        if existing.iter().any(|name| name == namespace) {
            let argv = ip(&["netns", "del", namespace]);
            shown(&shell_line(&argv));
            run(&argv)?;
        }
    }
    Ok(())
}

/// Reads back the lab: `None` if there is none, the lab if it is complete,
/// [`Error::Incomplete`] if only part of it exists.
///
/// It runs `ip netns list`, then `ip -j -n NS addr show dev IFACE` (`-j`
/// asks for JSON) in each namespace, then `nft list table inet netlab` in
/// each namespace for the loss rule. Looking inside a namespace needs root,
/// like building it.
pub fn status() -> Result<Option<Lab>, Error> {
    let existing = namespaces()?;
    let has = |namespace: &str| existing.iter().any(|name| name == namespace);
    match (has(NAMESPACE_A), has(NAMESPACE_B)) {
        (false, false) => return Ok(None),
        (true, true) => {}
        (true, false) => return Err(incomplete("netlab-b is missing")),
        (false, true) => return Err(incomplete("netlab-a is missing")),
    }

    let mtu_a = read_link(&HOST_A)?;
    let mtu_b = read_link(&HOST_B)?;
    if mtu_a != mtu_b {
        return Err(incomplete(&format!(
            "the MTU is {mtu_a} on veth-a but {mtu_b} on veth-b"
        )));
    }

    let loss_a = read_loss(&HOST_A)?;
    let loss_b = read_loss(&HOST_B)?;
    if loss_a != loss_b {
        return Err(incomplete(&format!(
            "the loss is {loss_a}% in netlab-a but {loss_b}% in netlab-b"
        )));
    }

    Ok(Some(Lab {
        a: HOST_A,
        b: HOST_B,
        loss_percent: f64::from(loss_a),
        mtu: mtu_a,
    }))
}

/// Runs a program inside a host: `ip netns exec NS argv…`, with the
/// terminal's stdin, stdout and stderr.
///
/// The program sees only the host's network: `ping 198.18.0.1` from host b
/// crosses the lab's link.
pub fn exec(host: &Host, argv: &[String]) -> Result<ExitStatus, Error> {
    if !netns_path(host.namespace).exists() {
        return Err(Error::NotUp {
            namespace: host.namespace,
        });
    }
    let mut command = Command::new("ip");
    command.args(["netns", "exec", host.namespace]).args(argv);
    command.status().map_err(|source| spawn_error("ip", source))
}

/// Tears the lab down when the user presses Ctrl-C, then exits with the
/// shell's code for an interrupted program (130).
///
/// A [`Guard`] cannot do this: Ctrl-C ends the process without running
/// destructors. Commands that build the lab call this first, so an
/// interrupted `netlab compare --loss 5` leaves no namespaces behind. (If
/// the process is killed outright, the next [`up`] cleans up instead.)
pub fn tear_down_on_ctrl_c() {
    // Only one handler per process can be set; a second call changes
    // nothing, which is fine.
    let _ = ctrlc::set_handler(|| {
        let _ = down(&mut |line| eprintln!("# {line}"));
        // Lesson 7's router and switch labs, if one was up.
        for namespaces in
            [super::routed_lab::NAMESPACES, super::switch_lab::NAMESPACES]
        {
            let _ = super::topology::remove(namespaces, &mut |line| {
                eprintln!("# {line}")
            });
        }
        eprintln!("interrupted: the lab is down");
        std::process::exit(130);
    });
}

// ANCHOR: in_namespace
/// Runs `work` inside a host's network namespace, on a new thread, and
/// returns what it returns.
///
/// This is how one process can be both hosts: [`super::compare`] binds its
/// server socket in host a and connects from host b. A socket belongs for
/// its whole life to the namespace it was *created* in, so `work` may
/// create a socket and return it, and the socket stays in the lab after the
/// thread ends.
///
/// `work` runs on a scoped thread, so it may borrow from the caller. A
/// panic in `work` is passed on to the caller.
pub fn in_namespace<T: Send>(
    host: &Host,
    work: impl FnOnce() -> T + Send,
) -> Result<T, Error> {
    let path = netns_path(host.namespace);
    // `ip netns add` keeps each namespace alive by bind-mounting it on a
    // file under /run/netns; opening that file gives us a handle on it.
    let namespace = File::open(&path).map_err(|source| {
        if source.kind() == io::ErrorKind::NotFound {
            Error::NotUp {
                namespace: host.namespace,
            }
        } else {
            Error::Io {
                context: format!("opening {}", path.display()),
                source,
            }
        }
    })?;

    std::thread::scope(|scope| {
        let thread = scope.spawn(move || {
            // setns(2) moves only the *calling thread* into the namespace;
            // the rest of the process, including the caller's thread, stays
            // where it was. So the sockets `work` creates live in the lab,
            // and nothing else in the process is affected.
            setns(&namespace, CloneFlags::CLONE_NEWNET).map_err(|errno| {
                if errno == nix::errno::Errno::EPERM {
                    needs_caps()
                } else {
                    Error::Io {
                        context: format!("entering {}", host.namespace),
                        source: io::Error::from(errno),
                    }
                }
            })?;
            Ok(work())
        });
        match thread.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}
// ANCHOR_END: in_namespace

/// Tears the lab down when dropped; see [`up_guarded`].
#[derive(Debug)]
#[must_use = "dropping the Guard tears the lab down at once"]
pub struct Guard {
    armed: bool,
}

impl Guard {
    /// Tears the lab down now, showing the commands and reporting failure,
    /// which dropping the guard cannot do.
    pub fn down(mut self, shown: &mut dyn FnMut(&str)) -> Result<(), Error> {
        self.armed = false;
        down(shown)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if self.armed
            && let Err(error) = down(&mut |_| {})
        {
            // Drop cannot return an error; the next `up` cleans up anyway.
            tracing::warn!("tearing down the lab: {error}");
        }
    }
}

/// [`up`], plus a [`Guard`] that runs [`down`] when it goes out of scope,
/// also when a panic unwinds through it (not on Ctrl-C: see the module
/// documentation).
pub fn up_guarded(
    options: &Options,
    shown: &mut dyn FnMut(&str),
) -> Result<(Lab, Guard), Error> {
    let lab = up(options, shown)?;
    Ok((lab, Guard { armed: true }))
}

// ---------------------------------------------------------------------------
// Building the commands. Pure functions, so the tests can check every line.
// ---------------------------------------------------------------------------

// ANCHOR: commands
/// Checks `options` and lists the commands that build the lab, as argv.
fn up_plan(options: &Options) -> Result<Vec<Vec<String>>, Error> {
    let loss = loss_threshold(options.loss_percent)?;
    if !(MIN_MTU..=MAX_MTU).contains(&options.mtu) {
        return Err(Error::InvalidMtu { mtu: options.mtu });
    }
    let mtu = options.mtu.to_string();
    let (a, b) = (HOST_A, HOST_B);

    let mut plan = vec![
        ip(&["netns", "add", a.namespace]),
        ip(&["netns", "add", b.namespace]),
        // `-n NS` runs the command inside NS: the same as `ip netns exec
        // NS ip …`, shorter.
        ip(&[
            "-n",
            a.namespace,
            "link",
            "add",
            a.iface,
            "type",
            "veth",
            "peer",
            "name",
            b.iface,
            "netns",
            b.namespace,
        ]),
    ];
    for host in [a, b] {
        plan.push(ip(&[
            "-n",
            host.namespace,
            "link",
            "set",
            host.iface,
            "mtu",
            &mtu,
        ]));
    }
    for host in [a, b] {
        let cidr = format!("{}/{PREFIX_LEN}", host.addr);
        plan.push(ip(&[
            "-n",
            host.namespace,
            "addr",
            "add",
            &cidr,
            "dev",
            host.iface,
        ]));
    }
    for host in [a, b] {
        plan.push(ip(&["-n", host.namespace, "link", "set", "lo", "up"]));
    }
    for host in [a, b] {
        plan.push(ip(&["-n", host.namespace, "link", "set", host.iface, "up"]));
    }
    if loss > 0 {
        for host in [a, b] {
            plan.extend(loss_rules(&host, loss));
        }
    }
    Ok(plan)
}
// ANCHOR_END: commands

/// The three nft commands that make `host` drop `loss` packets in 100
/// arriving over the veth: a table, a chain on the input hook, one rule.
fn loss_rules(host: &Host, loss: u8) -> [Vec<String>; 3] {
    // `ip netns exec NS nft …` runs nft inside the namespace; nft has no
    // `-n` of its own.
    let nft = |args: &[&str]| {
        ["ip", "netns", "exec", host.namespace, "nft"]
            .iter()
            .chain(args)
            .map(|arg| (*arg).to_owned())
            .collect()
    };
    // A base chain: `hook input` attaches it to the packets addressed to
    // this host, and `priority 0` is the usual place for filtering.
    let chain = format!(
        "add chain inet {NFT_TABLE} input \
         {{ type filter hook input priority 0; }}"
    );
    // At 100% every packet goes, so the rule needs no dice. (`numgen random
    // mod 100 < 100` would say the same, but nft refuses it: it checks the
    // constant against numgen's range, 0-99.)
    let dice = if loss == 100 {
        String::new()
    } else {
        format!("numgen random mod 100 < {loss} ")
    };
    let rule = format!(
        "add rule inet {NFT_TABLE} input iifname \"{}\" {dice}drop",
        host.iface
    );
    // nft joins its arguments with spaces before parsing them, so the
    // chain and the rule can each be one argument: the shell line then
    // needs only one pair of quotes, around the characters `{ ; < "` that
    // the shell would otherwise interpret.
    [
        nft(&["add", "table", "inet", NFT_TABLE]),
        nft(&[&chain]),
        nft(&[&rule]),
    ]
}

/// The whole number of packets in 100 to drop, checked.
fn loss_threshold(percent: f64) -> Result<u8, Error> {
    let whole = (0.0..=100.0).contains(&percent) && percent.fract() == 0.0;
    if !whole {
        return Err(Error::InvalidLoss { percent });
    }
    // In range and whole, so the cast is exact.
    Ok(percent as u8)
}

/// The lab [`up`] builds for `options`.
fn wanted_lab(options: &Options) -> Lab {
    Lab {
        a: HOST_A,
        b: HOST_B,
        loss_percent: options.loss_percent,
        mtu: options.mtu,
    }
}

/// `ip` followed by `args`, as argv.
pub(super) fn ip(args: &[&str]) -> Vec<String> {
    std::iter::once("ip")
        .chain(args.iter().copied())
        .map(str::to_owned)
        .collect()
}

/// Writes argv as a shell line: arguments with characters the shell treats
/// specially (spaces, quotes, `<`, `{`, `;`) go in single quotes.
pub(super) fn shell_line(argv: &[String]) -> String {
    argv.iter()
        .map(|arg| shell_quote(arg))
        .collect::<Vec<_>>()
        .join(" ")
}

fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c));
    if plain {
        arg.to_owned()
    } else {
        // Inside single quotes nothing is special except `'` itself, which
        // is written as: end quote, escaped quote, reopen quote.
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

// ---------------------------------------------------------------------------
// Running commands and reading what exists.
// ---------------------------------------------------------------------------

/// Runs argv without a shell and returns its stdout, or an error that says
/// what to do about it.
pub(super) fn run(argv: &[String]) -> Result<String, Error> {
    let (program, args) = argv.split_first().expect("argv is never empty");
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|source| spawn_error(program, source))?;
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    if stderr.contains("Operation not permitted") {
        return Err(needs_caps());
    }
    // `ip netns exec` reports a missing program itself.
    if stderr.contains("exec of \"nft\" failed") {
        return Err(missing_tool("nft"));
    }
    Err(Error::Command {
        command: shell_line(argv),
        status: output.status,
        stderr,
    })
}

/// The namespaces `ip netns list` shows, by name.
pub(super) fn namespaces() -> Result<Vec<String>, Error> {
    let listing = run(&ip(&["netns", "list"]))?;
    // Lines look like `netlab-b (id: 1)` or just `netlab-b`.
    Ok(listing
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect())
}

/// Checks that `host`'s veth end is up with its address, and returns its
/// MTU.
fn read_link(host: &Host) -> Result<u32, Error> {
    let shown = format!("{} in {}", host.iface, host.namespace);
    let argv = ip(&[
        "-j",
        "-n",
        host.namespace,
        "addr",
        "show",
        "dev",
        host.iface,
    ]);
    let json = match run(&argv) {
        Ok(json) => json,
        Err(Error::Command { .. }) => {
            return Err(incomplete(&format!("{shown} is missing")));
        }
        Err(other) => return Err(other),
    };
    let links: serde_json::Value =
        serde_json::from_str(&json).map_err(|source| Error::Io {
            context: format!("reading `{}`", shell_line(&argv)),
            source: source.into(),
        })?;
    let link = &links[0];

    let up = link["flags"]
        .as_array()
        .is_some_and(|flags| flags.iter().any(|flag| flag == "UP"));
    if !up {
        return Err(incomplete(&format!("{shown} is down")));
    }
    let addr = host.addr.to_string();
    let has_addr = link["addr_info"].as_array().is_some_and(|addrs| {
        addrs.iter().any(|info| {
            info["family"] == "inet"
                && info["local"] == addr.as_str()
                && info["prefixlen"] == PREFIX_LEN
        })
    });
    if !has_addr {
        return Err(incomplete(&format!("{shown} lacks {addr}/{PREFIX_LEN}")));
    }
    link["mtu"]
        .as_u64()
        .and_then(|mtu| u32::try_from(mtu).ok())
        .ok_or_else(|| incomplete(&format!("{shown} reports no MTU")))
}

/// The loss rule's N in `host`, or 0 if it has no netlab table.
fn read_loss(host: &Host) -> Result<u8, Error> {
    if !on_path("nft") {
        // Without nft no loss rule can have been made.
        return Ok(0);
    }
    let argv = ip(&[
        "netns",
        "exec",
        host.namespace,
        "nft",
        "list",
        "table",
        "inet",
        NFT_TABLE,
    ]);
    let listing = match run(&argv) {
        Ok(listing) => listing,
        Err(Error::Command { stderr, .. })
            if stderr.contains("No such file or directory") =>
        {
            return Ok(0);
        }
        Err(other) => return Err(other),
    };
    // nft prints the rule back as `iifname "veth-a" numgen random mod 100 <
    // 5 drop`, or `iifname "veth-a" drop` for a loss of 100%.
    const DICE: &str = "numgen random mod 100 < ";
    let rule = format!("iifname \"{}\" ", host.iface);
    let loss = listing.lines().map(str::trim).find_map(|line| {
        let action = line.strip_prefix(&rule)?;
        if action == "drop" {
            return Some(100);
        }
        let threshold = action.strip_prefix(DICE)?.strip_suffix(" drop")?;
        threshold.parse().ok()
    });
    loss.ok_or_else(|| {
        incomplete(&format!(
            "table inet {NFT_TABLE} in {} has no loss rule",
            host.namespace
        ))
    })
}

fn netns_path(namespace: &str) -> PathBuf {
    Path::new("/run/netns").join(namespace)
}

/// Whether `program` is an executable file in one of `$PATH`'s directories,
/// which is where `Command` and `ip netns exec` look for it.
pub(super) fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| dir.join(program).is_file())
    })
}

pub(super) fn has_admin_caps() -> bool {
    let has = |cap| {
        // If the capabilities cannot be read, assume they are there: the
        // kernel will still refuse, and `run` turns EPERM into the same
        // error.
        caps::has_cap(None, CapSet::Effective, cap).unwrap_or(true)
    };
    has(Capability::CAP_NET_ADMIN) && has(Capability::CAP_SYS_ADMIN)
}

/// [`Error::NeedsCapNetAdmin`] with this process's own command line, so the
/// message shows the exact line to run under sudo.
pub(super) fn needs_caps() -> Error {
    let argv: Vec<String> = std::env::args().collect();
    let program = if argv.is_empty() {
        "netlab lab up".to_owned()
    } else {
        shell_line(&argv)
    };
    Error::NeedsCapNetAdmin { program }
}

pub(super) fn missing_tool(tool: &str) -> Error {
    match tool {
        "nft" => Error::MissingTool {
            tool: "nft",
            package: "nftables",
        },
        _ => Error::MissingTool {
            tool: "ip",
            package: "iproute2",
        },
    }
}

fn spawn_error(program: &str, source: io::Error) -> Error {
    if source.kind() == io::ErrorKind::NotFound {
        missing_tool(program)
    } else {
        Error::Io {
            context: format!("starting {program}"),
            source,
        }
    }
}

fn incomplete(detail: &str) -> Error {
    Error::Incomplete {
        detail: detail.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(loss_percent: f64, mtu: u32) -> Vec<String> {
        up_commands(&Options { loss_percent, mtu }).expect("valid options")
    }

    const BASE_1500: [&str; 11] = [
        "ip netns add netlab-a",
        "ip netns add netlab-b",
        "ip -n netlab-a link add veth-a type veth peer name veth-b netns \
         netlab-b",
        "ip -n netlab-a link set veth-a mtu 1500",
        "ip -n netlab-b link set veth-b mtu 1500",
        "ip -n netlab-a addr add 198.18.0.1/24 dev veth-a",
        "ip -n netlab-b addr add 198.18.0.2/24 dev veth-b",
        "ip -n netlab-a link set lo up",
        "ip -n netlab-b link set lo up",
        "ip -n netlab-a link set veth-a up",
        "ip -n netlab-b link set veth-b up",
    ];

    #[test]
    fn no_loss_builds_only_the_link() {
        assert_eq!(lines(0.0, 1500), BASE_1500);
    }

    #[test]
    fn loss_adds_an_input_rule_in_both_hosts() {
        let mut expected = BASE_1500.map(str::to_owned).to_vec();
        expected.extend(
            [
                "ip netns exec netlab-a nft add table inet netlab",
                "ip netns exec netlab-a nft 'add chain inet netlab input \
                 { type filter hook input priority 0; }'",
                "ip netns exec netlab-a nft 'add rule inet netlab input \
                 iifname \"veth-a\" numgen random mod 100 < 5 drop'",
                "ip netns exec netlab-b nft add table inet netlab",
                "ip netns exec netlab-b nft 'add chain inet netlab input \
                 { type filter hook input priority 0; }'",
                "ip netns exec netlab-b nft 'add rule inet netlab input \
                 iifname \"veth-b\" numgen random mod 100 < 5 drop'",
            ]
            .map(str::to_owned),
        );
        assert_eq!(lines(5.0, 1500), expected);
    }

    #[test]
    fn mtu_is_set_on_both_ends() {
        let plan = lines(0.0, 9000);
        assert_eq!(plan[3], "ip -n netlab-a link set veth-a mtu 9000");
        assert_eq!(plan[4], "ip -n netlab-b link set veth-b mtu 9000");
        assert!(lines(0.0, MIN_MTU)[3].ends_with(" mtu 68"));
        assert!(lines(0.0, MAX_MTU)[3].ends_with(" mtu 65535"));
    }

    #[test]
    fn bad_options_are_refused_before_anything_runs() {
        for percent in [-1.0, 2.5, 100.5, f64::NAN, f64::INFINITY] {
            let options = Options {
                loss_percent: percent,
                mtu: 1500,
            };
            assert!(
                matches!(up_commands(&options), Err(Error::InvalidLoss { .. })),
                "loss {percent}"
            );
        }
        for mtu in [0, 67, 65536] {
            let options = Options {
                loss_percent: 0.0,
                mtu,
            };
            assert!(
                matches!(up_commands(&options), Err(Error::InvalidMtu { .. })),
                "mtu {mtu}"
            );
        }
        let all = lines(100.0, 1500);
        assert_eq!(
            all.last().map(String::as_str),
            Some(
                "ip netns exec netlab-b nft 'add rule inet netlab input \
                 iifname \"veth-b\" drop'"
            )
        );
    }

    #[test]
    fn every_command_stays_in_the_lab() {
        // Nothing may configure the root namespace: every line either
        // creates a netlab namespace or runs inside one.
        for line in lines(5.0, 1500) {
            let inside = line.starts_with("ip netns add netlab-")
                || line.starts_with("ip -n netlab-")
                || line.starts_with("ip netns exec netlab-");
            assert!(inside, "{line}");
        }
    }

    #[test]
    fn shell_quoting() {
        let argv = ["echo", "plain", "two words", "it's", ""].map(String::from);
        assert_eq!(shell_line(&argv), r"echo plain 'two words' 'it'\''s' ''");
    }

    #[test]
    fn error_messages_teach() {
        let missing = missing_tool("nft").to_string();
        assert_eq!(
            missing,
            "nft not found: install it with `apt-get install nftables`"
        );
        let caps = Error::NeedsCapNetAdmin {
            program: "netlab lab up".to_owned(),
        };
        assert!(caps.to_string().ends_with("`sudo netlab lab up`"));
    }
}
