//! A lab as a plan: the namespaces it is made of and the `ip` commands that
//! build it, run one by one and shown before each runs; taken down by
//! deleting its namespaces.
//!
//! Lesson 9's two-host lab ([`super::lab`]) reads its own state back and
//! can be left up between commands (`netlab lab up`). Lesson 7's labs, the
//! router ([`super::routed_lab`]) and the switch ([`super::switch_lab`]),
//! live only as long as one demo step: they are built, used and removed
//! again, so all they need is this file: build from a plan, and a
//! [`Guard`] that removes the namespaces when it is dropped, also while a
//! panic unwinds. Deleting a namespace deletes everything in it: its
//! interfaces (and with a veth end, its peer in the other namespace), its
//! addresses, routes and bridges.
//!
//! The commands are run by [`super::lab`]'s runner, without a shell, so a
//! failure reports the exact line that failed and a missing capability
//! says how to get it.
//!
//! Read before: [`super::lab`]. Book: `book/src/lesson-07.md`.
//! Run: `sudo netlab lesson 7`.

use std::net::Ipv4Addr;

use super::lab::{self, Error};

/// Builds a lab: removes what an earlier, interrupted run left of
/// `namespaces`, then runs every command of `plan`, handing each to `shown`
/// as a shell line first. If a command fails, everything built so far is
/// removed before the error returns.
pub fn build(
    namespaces: &'static [&'static str],
    plan: &[Vec<String>],
    shown: &mut dyn FnMut(&str),
) -> Result<Guard, Error> {
    if !lab::has_admin_caps() {
        return Err(lab::needs_caps());
    }
    // A run killed by Ctrl-C or `kill -9` runs no destructor: start clean.
    remove(namespaces, &mut |_| {})?;
    let guard = Guard {
        namespaces,
        armed: true,
    };
    for argv in plan {
        shown(&lab::shell_line(argv));
        // On error the guard is dropped here and removes the half-built lab.
        lab::run(argv)?;
    }
    Ok(guard)
}

/// Deletes those of `namespaces` that exist, showing each `ip netns del`.
pub fn remove(
    namespaces: &[&str],
    shown: &mut dyn FnMut(&str),
) -> Result<(), Error> {
    let existing = lab::namespaces()?;
    for namespace in namespaces {
        if existing.iter().any(|name| name == namespace) {
            let argv = lab::ip(&["netns", "del", namespace]);
            shown(&lab::shell_line(&argv));
            lab::run(&argv)?;
        }
    }
    Ok(())
}

/// Runs a command that only reads (`ip route`, `bridge fdb show`) and
/// returns its output; the caller shows the line and the answer together.
pub fn query(argv: &[String]) -> Result<String, Error> {
    lab::run(argv)
}

/// `argv` as a line to type into a shell.
pub fn shell_line(argv: &[String]) -> String {
    lab::shell_line(argv)
}

/// `ip` followed by `args`, as argv.
pub fn ip(args: &[&str]) -> Vec<String> {
    lab::ip(args)
}

/// `ip netns exec NAMESPACE` followed by `args`, as argv: runs any program
/// (here `sysctl`, `bridge`) inside the namespace.
pub fn exec_in(namespace: &str, args: &[&str]) -> Vec<String> {
    let mut argv = lab::ip(&["netns", "exec", namespace]);
    argv.extend(args.iter().map(|arg| (*arg).to_owned()));
    argv
}

/// A plan as shell lines, to show or to type.
pub fn lines(plan: &[Vec<String>]) -> Vec<String> {
    plan.iter().map(|argv| shell_line(argv)).collect()
}

/// The commands that make `namespaces`, each with IPv6 off (see
/// [`quiet_ipv6`]), as argv.
pub fn make_namespaces(namespaces: &[&str]) -> Vec<Vec<String>> {
    let made = namespaces.iter().map(|ns| ip(&["netns", "add", ns]));
    made.chain(namespaces.iter().map(|ns| quiet_ipv6(ns)))
        .collect()
}

/// A virtual cable from `iface` in `namespace` to `peer` in
/// `peer_namespace`, made with both ends already in place, as argv.
pub fn cable(
    namespace: &str,
    iface: &str,
    peer: &str,
    peer_namespace: &str,
) -> Vec<String> {
    ip(&[
        "-n",
        namespace,
        "link",
        "add",
        iface,
        "type",
        "veth",
        "peer",
        "name",
        peer,
        "netns",
        peer_namespace,
    ])
}

/// Gives `iface` in `namespace` the address `addr/prefix_len` and brings
/// it up, as two argv.
pub fn address(
    namespace: &str,
    iface: &str,
    addr: Ipv4Addr,
    prefix_len: u8,
) -> [Vec<String>; 2] {
    let cidr = format!("{addr}/{prefix_len}");
    [
        ip(&["-n", namespace, "addr", "add", &cidr, "dev", iface]),
        ip(&["-n", namespace, "link", "set", iface, "up"]),
    ]
}

/// Switches IPv6 off in `namespace`, as argv. A lab's captures and tables
/// then hold only what the lesson sends: otherwise every interface coming
/// up announces itself (router solicitations, multicast listener reports).
/// Writing `all` also sets `default`, for the interfaces made later.
pub fn quiet_ipv6(namespace: &str) -> Vec<String> {
    exec_in(
        namespace,
        &["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"],
    )
}

/// Removes a lab's namespaces when dropped.
#[derive(Debug)]
#[must_use = "dropping the Guard removes the lab at once"]
pub struct Guard {
    namespaces: &'static [&'static str],
    armed: bool,
}

impl Guard {
    /// Removes the lab now, showing the commands and reporting failure,
    /// which dropping the guard cannot do.
    pub fn down(mut self, shown: &mut dyn FnMut(&str)) -> Result<(), Error> {
        self.armed = false;
        remove(self.namespaces, shown)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if self.armed
            && let Err(error) = remove(self.namespaces, &mut |_| {})
        {
            // Drop cannot return an error; the next build cleans up anyway.
            tracing::warn!("removing the lab: {error}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_in_prefixes_ip_netns_exec() {
        let argv = exec_in("netlab-router", &["sysctl", "-w", "x=1"]);
        assert_eq!(
            shell_line(&argv),
            "ip netns exec netlab-router sysctl -w x=1"
        );
    }
}
